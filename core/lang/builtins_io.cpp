// open() and the read-only text file object (CPython's _io.TextIOWrapper): the host hands the
// whole file over (io_module.h), it is checked as UTF-8 and its newlines translated once, and
// the file object then reads lines out of that text by position. Files are the iterators of
// their lines (a TypeHooks::next hook), so `for line in f`, next(f) and readline() share one
// position, as in CPython.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

#include "lang/builtins.h"
#include "lang/io_module.h"

namespace gradlab::lang {

namespace {

// The session's reader and the classes open() makes, held by one hidden native object that
// open() and the file methods get as their native_data().
struct IoState : NativeData {
  FileReader reader;
  ClassObj* file_class = nullptr;
  ClassObj* unsupported = nullptr;  // io.UnsupportedOperation
};

// How lines end (open()'s `newline` argument).
enum class Newline { Universal, Any, LF, CR, CRLF };

struct FileData : NativeData {
  std::shared_ptr<const std::string> text;  // decoded (newlines translated when Universal)
  size_t pos = 0;                           // byte offset of the next character
  bool closed = false;
  bool ascii = true;  // one byte per character: sizes are byte counts
  Newline newline = Newline::Universal;
  std::string name, mode;
};

IoState& io_state(VM& vm) {
  return *static_cast<IoState*>(as<NativeObj>(vm.native_data())->data.get());
}

FileData& file_of(VM& vm, const Value& v, const char* method) {
  FileData* f = nullptr;
  if (is_kind(v, ObjKind::Native)) f = dynamic_cast<FileData*>(as<NativeObj>(v)->data.get());
  if (!f)
    vm.raise("TypeError", std::string("descriptor '") + method +
                              "' for '_io.TextIOWrapper' objects doesn't apply to a '" +
                              vm.type_name(v) + "' object");
  return *f;
}

// Checks a method call's arguments (counts without self), with CPython's wording.
void method_args(VM& vm, const CallArgs& a, const char* method, uint32_t lo, uint32_t hi) {
  std::string name = std::string("TextIOWrapper.") + method;
  if (a.npos == 0) vm.raise("TypeError", "unbound method " + name + "() needs an argument");
  no_kwargs(vm, a, method);
  uint32_t n = a.npos - 1;
  if (n >= lo && n <= hi) return;
  if (hi == 0)
    vm.raise("TypeError", name + "() takes no arguments (" + std::to_string(n) + " given)");
  if (lo == 1 && hi == 1)
    vm.raise("TypeError", name + "() takes exactly one argument (" + std::to_string(n) + " given)");
  vm.raise("TypeError", std::string(method) + " expected " + (n < lo ? "at least " : "at most ") +
                            std::to_string(n < lo ? lo : hi) + " argument" +
                            ((n < lo ? lo : hi) == 1 ? "" : "s") + ", got " + std::to_string(n));
}

FileData& open_file(VM& vm, const Value& v, const char* method) {
  FileData& f = file_of(vm, v, method);
  if (f.closed) vm.raise("ValueError", "I/O operation on closed file.");
  return f;
}

// --- decoding -------------------------------------------------------------------------------
std::string hex_byte(unsigned char c) {
  const char* d = "0123456789abcdef";
  return std::string("0x") + d[c >> 4] + d[c & 15];
}

// CPython's UnicodeDecodeError for bytes [start, end) of the file.
[[noreturn]] void decode_error(VM& vm, const std::string& s, size_t start, size_t end,
                               const char* reason) {
  std::string msg = "'utf-8' codec can't decode ";
  if (end - start == 1)
    msg += "byte " + hex_byte(static_cast<unsigned char>(s[start])) + " in position " +
           std::to_string(start);
  else
    msg += "bytes in position " + std::to_string(start) + "-" + std::to_string(end - 1);
  vm.raise("UnicodeDecodeError", msg + ": " + reason);
}

// Checks that `s` is UTF-8 as CPython's strict decoder does (no surrogates, no overlong forms,
// nothing above U+10FFFF); returns whether it is plain ASCII.
bool check_utf8(VM& vm, const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  bool ascii = true;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    ascii = false;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      decode_error(vm, s, i, i + 1, "invalid start byte");
    }
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= n) decode_error(vm, s, i, n, "unexpected end of data");
      unsigned char b = p[i + k];
      bool ok = k == 1 ? b >= lo && b <= hi : (b & 0xC0) == 0x80;
      if (!ok) decode_error(vm, s, i, i + k, "invalid continuation byte");
    }
    i += len;
  }
  return ascii;
}

// "\r\n" and "\r" become "\n" (text mode's universal newlines).
std::shared_ptr<const std::string> translate_newlines(std::shared_ptr<const std::string> in) {
  if (in->find('\r') == std::string::npos) return in;
  auto out = std::make_shared<std::string>();
  out->reserve(in->size());
  const std::string& s = *in;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r') {
      out->push_back(s[i]);
      continue;
    }
    out->push_back('\n');
    if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
  }
  return out;
}

// --- reading --------------------------------------------------------------------------------
// The end (past its terminator) of the line that starts at `from`.
size_t line_end(const FileData& f, size_t from) {
  const std::string& s = *f.text;
  const char* base = s.data();
  size_t n = s.size();
  auto find = [&](char c) {
    const void* hit = std::memchr(base + from, c, n - from);
    return hit ? size_t(static_cast<const char*>(hit) - base) : n;
  };
  switch (f.newline) {
    case Newline::Universal:
    case Newline::LF: {
      size_t e = find('\n');
      return e < n ? e + 1 : n;
    }
    case Newline::CR: {
      size_t e = find('\r');
      return e < n ? e + 1 : n;
    }
    case Newline::CRLF: {
      size_t at = from;
      while (true) {
        const void* hit = std::memchr(base + at, '\r', n - at);
        if (!hit) return n;
        size_t e = size_t(static_cast<const char*>(hit) - base);
        if (e + 1 < n && s[e + 1] == '\n') return e + 2;
        at = e + 1;
      }
    }
    case Newline::Any: {
      for (size_t i = from; i < n; ++i) {
        if (s[i] == '\n') return i + 1;
        if (s[i] == '\r') return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
      }
      return n;
    }
  }
  return n;
}

// The byte offset `chars` characters after `from` (or the end).
size_t advance_chars(const FileData& f, size_t from, int64_t chars) {
  const std::string& s = *f.text;
  if (f.ascii) return from + size_t(std::min<int64_t>(chars, int64_t(s.size() - from)));
  size_t i = from;
  while (chars > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}

Value take(VM& vm, FileData& f, size_t end) {
  std::string_view s(*f.text);
  Value out = vm.str(s.substr(f.pos, end - f.pos));
  f.pos = end;
  return out;
}

// A size argument: an int, or None for "all"; negative means all too.
int64_t size_arg(VM& vm, const Value& v) {
  if (v.is_undef() || v.is_none()) return -1;
  if (!v.is_intlike())
    vm.raise("TypeError", "argument should be integer or None, not '" + vm.type_name(v) + "'");
  return v.as_int();
}

bool file_next(VM& vm, const Value& self, Value& out) {
  FileData& f = open_file(vm, self, "__next__");
  if (f.pos >= f.text->size()) return false;
  out = take(vm, f, line_end(f, f.pos));
  return true;
}

// --- the file methods -----------------------------------------------------------------------
Value f_read(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "read", {"self", "size="}, p);
  FileData& f = open_file(vm, a[0], "read");
  int64_t n = size_arg(vm, p[1]);
  return take(vm, f, n < 0 ? f.text->size() : advance_chars(f, f.pos, n));
}

Value f_readline(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "readline", {"self", "size="}, p);
  FileData& f = open_file(vm, a[0], "readline");
  int64_t n = size_arg(vm, p[1]);
  size_t end = line_end(f, f.pos);
  if (n >= 0) end = std::min(end, advance_chars(f, f.pos, n));
  return take(vm, f, end);
}

Value f_readlines(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "readlines", {"self", "hint="}, p);
  FileData& f = open_file(vm, a[0], "readlines");
  int64_t hint = size_arg(vm, p[1]);
  std::vector<Value> lines;
  int64_t total = 0;
  while (f.pos < f.text->size()) {
    size_t start = f.pos;
    lines.push_back(take(vm, f, line_end(f, f.pos)));
    total += f.ascii ? int64_t(f.pos - start) : as<StrObj>(lines.back())->length;
    if (hint > 0 && total >= hint) break;
  }
  return vm.list(std::move(lines));
}

Value f_close(VM& vm, CallArgs& a) {
  method_args(vm, a, "close", 0, 0);
  FileData& f = file_of(vm, a[0], "close");
  f.closed = true;
  f.text = std::make_shared<const std::string>();  // let go of the contents at once
  f.pos = 0;
  return Value::none();
}

Value f_enter(VM& vm, CallArgs& a) {
  method_args(vm, a, "__enter__", 0, 0);
  open_file(vm, a[0], "__enter__");
  return a[0];
}

// __exit__(exc_type, exc, tb): closes the file and lets any exception go on (returns None).
Value f_exit(VM& vm, CallArgs& a) {
  method_args(vm, a, "__exit__", 0, 3);
  FileData& f = file_of(vm, a[0], "__exit__");
  f.closed = true;
  f.text = std::make_shared<const std::string>();
  f.pos = 0;
  return Value::none();
}

Value f_iter(VM& vm, CallArgs& a) {
  method_args(vm, a, "__iter__", 0, 0);
  open_file(vm, a[0], "__iter__");
  return a[0];
}

Value f_next(VM& vm, CallArgs& a) {
  method_args(vm, a, "__next__", 0, 0);
  Value out;
  if (file_next(vm, a[0], out)) return out;
  vm.raise(vm.classes.stop_iteration, "");
}

Value f_readable(VM& vm, CallArgs& a) {
  method_args(vm, a, "readable", 0, 0);
  open_file(vm, a[0], "readable");
  return Value::boolean(true);
}

Value f_writable(VM& vm, CallArgs& a) {
  method_args(vm, a, "writable", 0, 0);
  open_file(vm, a[0], "writable");
  return Value::boolean(false);
}

Value f_seekable(VM& vm, CallArgs& a) { return f_readable(vm, a); }

Value f_flush(VM& vm, CallArgs& a) {
  method_args(vm, a, "flush", 0, 0);
  open_file(vm, a[0], "flush");
  return Value::none();
}

Value f_write(VM& vm, CallArgs& a) {
  method_args(vm, a, "write", 1, 1);
  open_file(vm, a[0], "write");
  Value exc = vm.make_exception(io_state(vm).unsupported, "not writable");
  throw PyException{exc};
}

Value f_tell(VM& vm, CallArgs& a) {
  method_args(vm, a, "tell", 0, 0);
  return Value::integer(int64_t(open_file(vm, a[0], "tell").pos));
}

// seek(offset, whence=0): text files seek to a position tell() gave, or to the start or end.
Value f_seek(VM& vm, CallArgs& a) {
  Value p[3];
  p[2] = Value::integer(0);
  parse_args(vm, a, "seek", {"self", "cookie", "whence="}, p);
  FileData& f = open_file(vm, a[0], "seek");
  int64_t offset = int_arg(vm, p[1], "seek");
  int64_t whence = int_arg(vm, p[2], "seek");
  auto unsupported = [&](const char* msg) {
    throw PyException{vm.make_exception(io_state(vm).unsupported, msg)};
  };
  const std::string& s = *f.text;
  if (whence == 0) {
    if (offset < 0) vm.raise("ValueError", "negative seek position " + std::to_string(offset));
    f.pos = std::min(size_t(offset), s.size());
    // Never inside a character: move on to the next one.
    while (f.pos < s.size() && (static_cast<unsigned char>(s[f.pos]) & 0xC0) == 0x80) ++f.pos;
    return Value::integer(offset);
  }
  if (whence == 1) {
    if (offset != 0) unsupported("can't do nonzero cur-relative seeks");
    return Value::integer(int64_t(f.pos));
  }
  if (whence == 2) {
    if (offset != 0) unsupported("can't do nonzero end-relative seeks");
    f.pos = s.size();
    return Value::integer(int64_t(f.pos));
  }
  vm.raise("ValueError", "invalid whence (" + std::to_string(whence) + ", should be 0, 1 or 2)");
}

// --- hooks ----------------------------------------------------------------------------------
std::string file_repr(VM& vm, const Value& self) {
  const FileData& f = file_of(vm, self, "__repr__");
  return "<_io.TextIOWrapper name=" + str_repr(f.name) + " mode=" + str_repr(f.mode) +
         " encoding='UTF-8'>";
}

Value file_get_attr(VM& vm, const Value& self, std::string_view name) {
  const FileData& f = file_of(vm, self, "__getattribute__");
  if (name == "closed") return Value::boolean(f.closed);
  if (name == "name") return vm.str(f.name);
  if (name == "mode") return vm.str(f.mode);
  if (name == "encoding") return vm.str("UTF-8");
  if (name == "errors") return vm.str("strict");
  if (name == "newlines") return Value::none();
  return Value::undef();
}

const TypeHooks kFileHooks = [] {
  TypeHooks h;
  h.next = file_next;
  h.repr = file_repr;
  h.get_attr = file_get_attr;
  return h;
}();

Value file_construct(VM& vm, CallArgs&) {
  vm.raise("TypeError", "cannot create '_io.TextIOWrapper' instances: use open()");
}

// --- open() ---------------------------------------------------------------------------------
const char* errno_text(FileRead::Status s, int* errno_out, const char** type) {
  switch (s) {
    case FileRead::Status::IsDirectory:
      *errno_out = 21;
      *type = "IsADirectoryError";
      return "Is a directory";
    case FileRead::Status::PermissionDenied:
      *errno_out = 13;
      *type = "PermissionError";
      return "Permission denied";
    case FileRead::Status::TooLarge:
      *errno_out = 27;
      *type = "OSError";
      return "File too large";
    default:
      *errno_out = 2;
      *type = "FileNotFoundError";
      return "No such file or directory";
  }
}

// CPython's mode checks, then gradlab's: text reading only.
void check_mode(VM& vm, const std::string& mode, const std::string& path) {
  bool r = false, w = false, x = false, ap = false, plus = false, t = false, b = false;
  for (size_t i = 0; i < mode.size(); ++i) {
    char c = mode[i];
    bool* flag = c == 'r'   ? &r
                 : c == 'w' ? &w
                 : c == 'x' ? &x
                 : c == 'a' ? &ap
                 : c == '+' ? &plus
                 : c == 't' ? &t
                 : c == 'b' ? &b
                            : nullptr;
    if (!flag || *flag) vm.raise("ValueError", "invalid mode: " + str_repr(mode));
    *flag = true;
  }
  if (t && b) vm.raise("ValueError", "can't have text and binary mode at once");
  if (int(r) + int(w) + int(x) + int(ap) > 1)
    vm.raise("ValueError", "must have exactly one of create/read/write/append mode");
  if (!(r || w || x || ap))
    vm.raise("ValueError",
             "Must have exactly one of create/read/write/append mode and at most one plus");
  if (w || x || ap || plus)
    vm.raise("PermissionError", "[Errno 13] Permission denied: " + str_repr(path) +
                                    " (gradlab's open() is read-only: mode " + str_repr(mode) +
                                    " is not supported, use 'r')");
  if (b)
    vm.raise("ValueError", "gradlab's open() reads text only: mode " + str_repr(mode) +
                               " is not supported, use 'r'");
}

Value b_open(VM& vm, CallArgs& a) {
  Value p[6];
  for (uint32_t k = 0; k < a.nkw; ++k) {
    std::string_view n = a.kwname(k);
    if (n != "file" && n != "mode" && n != "buffering" && n != "encoding" && n != "errors" &&
        n != "newline")
      vm.raise("TypeError", "'" + std::string(n) + "' is an invalid keyword argument for open()");
  }
  parse_args(vm, a, "open", {"file", "mode=", "buffering=", "encoding=", "errors=", "newline="}, p);
  if (!is_kind(p[0], ObjKind::Str))
    vm.raise("TypeError", "expected str, bytes or os.PathLike object, not " + vm.type_name(p[0]));
  const std::string& path = as<StrObj>(p[0])->s;
  auto str_or_none = [&](const Value& v, const char* what) -> const std::string* {
    if (v.is_undef() || v.is_none()) return nullptr;
    if (!is_kind(v, ObjKind::Str))
      vm.raise("TypeError", std::string("open() argument '") + what + "' must be str" +
                                (std::strcmp(what, "mode") == 0 ? "" : " or None") + ", not " +
                                vm.type_name(v));
    return &as<StrObj>(v)->s;
  };
  if (p[1].is_none()) vm.raise("TypeError", "open() argument 'mode' must be str, not None");
  const std::string* mode_arg = str_or_none(p[1], "mode");
  std::string mode = mode_arg ? *mode_arg : "r";
  int64_t buffering = p[2].is_undef() ? -1 : int_arg(vm, p[2], "open");
  const std::string* encoding = str_or_none(p[3], "encoding");
  const std::string* errors = str_or_none(p[4], "errors");
  const std::string* newline_arg = str_or_none(p[5], "newline");
  check_mode(vm, mode, path);
  if (buffering == 0) vm.raise("ValueError", "can't have unbuffered text I/O");
  bool strip_bom = false;
  if (encoding) {
    std::string e;
    for (char c : *encoding)
      e += c == '_' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
    strip_bom = e == "utf-8-sig";
    if (e != "utf-8" && e != "utf8" && e != "u8" && !strip_bom)
      vm.raise("ValueError", "gradlab's open() reads UTF-8 text only: encoding=" +
                                 str_repr(*encoding) + " is not supported");
  }
  if (errors && *errors != "strict")
    vm.raise("ValueError", "gradlab's open() decodes strictly: errors=" + str_repr(*errors) +
                               " is not supported");
  Newline newline = Newline::Universal;
  if (newline_arg) {
    const std::string& n = *newline_arg;
    if (n.empty())
      newline = Newline::Any;
    else if (n == "\n")
      newline = Newline::LF;
    else if (n == "\r")
      newline = Newline::CR;
    else if (n == "\r\n")
      newline = Newline::CRLF;
    else
      vm.raise("ValueError", "illegal newline value: " + n);
  }

  IoState& st = io_state(vm);
  FileRead got = st.reader ? st.reader(path) : FileRead{};
  if (got.status != FileRead::Status::Ok || !got.bytes) {
    int err = 2;
    const char* type = "FileNotFoundError";
    const char* text = errno_text(got.status, &err, &type);
    std::string msg = "[Errno " + std::to_string(err) + "] " + text + ": " + str_repr(path);
    if (got.status == FileRead::Status::TooLarge)
      msg += " (gradlab's open() reads files up to " + std::to_string(kMaxFileBytes >> 20) + " MB)";
    Value exc = vm.make_exception(vm.exception_class(type), msg);
    auto* inst = as<InstanceObj>(exc);
    inst->attrs.set(vm.intern("errno"), Value::integer(err));
    inst->attrs.set(vm.intern("strerror"), vm.str(text));
    inst->attrs.set(vm.intern("filename"), p[0]);
    if (!got.hint.empty()) vm.exception_data(exc).notes.push_back(got.hint);
    throw PyException{exc};
  }
  auto d = std::make_unique<FileData>();
  d->ascii = check_utf8(vm, *got.bytes);
  std::shared_ptr<const std::string> text = std::move(got.bytes);
  if (strip_bom && text->compare(0, 3, "\xEF\xBB\xBF") == 0)
    text = std::make_shared<const std::string>(text->substr(3));
  d->text = newline == Newline::Universal ? translate_newlines(std::move(text)) : std::move(text);
  d->newline = newline;
  d->name = path;
  d->mode = mode;
  return vm.native_object(st.file_class, std::move(d));
}

}  // namespace

void register_io(VM& vm, FileReader reader) {
  ClassObj* host = vm.new_class("_IoHost", "_io", vm.classes.object);
  host->subclassable = false;
  auto state = std::make_unique<IoState>();
  state->reader = std::move(reader);
  state->file_class =
      vm.new_class("TextIOWrapper", "_io", vm.classes.object, &kFileHooks, file_construct);
  state->file_class->subclassable = false;
  state->unsupported = vm.new_class("UnsupportedOperation", "io", vm.exception_class("OSError"));
  state->unsupported->is_exception = true;
  ClassObj* file_class = state->file_class;
  Value data = vm.native_object(host, std::move(state));

  struct M {
    const char* name;
    NativeFn fn;
  };
  for (const M& m :
       {M{"read", f_read}, M{"readline", f_readline}, M{"readlines", f_readlines},
        M{"close", f_close}, M{"__enter__", f_enter}, M{"__exit__", f_exit}, M{"__iter__", f_iter},
        M{"__next__", f_next}, M{"readable", f_readable}, M{"writable", f_writable},
        M{"seekable", f_seekable}, M{"flush", f_flush}, M{"write", f_write},
        M{"writelines", f_write}, M{"tell", f_tell}, M{"seek", f_seek}})
    vm.add_method(file_class, m.name, m.fn, data);
  vm.add_builtin("open", vm.native_function("open", b_open, data));
  Value os_error = Value::object(vm.exception_class("OSError"));
  vm.add_builtin("IOError", os_error);
  vm.add_builtin("EnvironmentError", os_error);
}

}  // namespace gradlab::lang
