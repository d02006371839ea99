// Strings: str(), repr(), ascii(), format(), chr(), ord(), the str methods, str.format and
// printf-style `%` formatting. Number and string formatting itself is tensor/format.h's.
#include <algorithm>

#include "lang/builtins.h"
#include "tensor/format.h"

namespace gradlab::lang {

size_t byte_offset(const std::string& s, int64_t cp) {
  size_t i = 0;
  while (cp > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --cp;
  }
  return i;
}

std::string encode_utf8(int64_t c) {
  std::string o;
  if (c < 0x80) {
    o += char(c);
  } else if (c < 0x800) {
    o += char(0xC0 | (c >> 6));
    o += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    o += char(0xE0 | (c >> 12));
    o += char(0x80 | ((c >> 6) & 0x3F));
    o += char(0x80 | (c & 0x3F));
  } else {
    o += char(0xF0 | (c >> 18));
    o += char(0x80 | ((c >> 12) & 0x3F));
    o += char(0x80 | ((c >> 6) & 0x3F));
    o += char(0x80 | (c & 0x3F));
  }
  return o;
}

namespace {
const std::string& self_str(VM& vm, const CallArgs& a, const char* name) {
  if (a.npos == 0 || !is_kind(a[0], ObjKind::Str))
    vm.raise("TypeError", std::string("descriptor '") + name + "' requires a 'str' object");
  return as<StrObj>(a[0])->s;
}

// Code point index of byte offset `b`.
int64_t cp_index(const std::string& s, size_t b) {
  int64_t n = 0;
  for (size_t i = 0; i < b && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

Value str_new(VM& vm, CallArgs& a) {
  Value p[1];
  parse_args(vm, a, "str", {"object="}, p);
  if (p[0].is_undef()) return vm.str("");
  if (is_kind(p[0], ObjKind::Str)) return p[0];
  if (const Value* d = vm.instance_dunder(p[0], vm.names[VM::kStr]))
    return vm.tail_call(*d, {p[0]});
  if (const Value* d = vm.instance_dunder(p[0], vm.names[VM::kRepr]))
    return vm.tail_call(*d, {p[0]});
  return vm.str(vm.str_of(p[0]));
}
Value b_repr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "repr", 1, 1);
  if (const Value* d = vm.instance_dunder(a[0], vm.names[VM::kRepr]))
    return vm.tail_call(*d, {a[0]});
  return vm.str(vm.repr(a[0]));
}
Value b_ascii(VM& vm, CallArgs& a) {
  expect_args(vm, a, "ascii", 1, 1);
  std::string r = vm.repr(a[0]), out;
  for (size_t i = 0; i < r.size();) {
    unsigned char c = static_cast<unsigned char>(r[i]);
    if (c < 0x80) {
      out += char(c);
      ++i;
      continue;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    int64_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
    for (int k = 1; k < len && i + size_t(k) < r.size(); ++k)
      cp = (cp << 6) | (r[i + size_t(k)] & 0x3F);
    char buf[16];
    std::snprintf(buf, sizeof buf,
                  cp < 0x100     ? "\\x%02llx"
                  : cp < 0x10000 ? "\\u%04llx"
                                 : "\\U%08llx",
                  static_cast<long long>(cp));
    out += buf;
    i += size_t(len);
  }
  return vm.str(out);
}
Value b_format(VM& vm, CallArgs& a) {
  expect_args(vm, a, "format", 1, 2);
  std::string spec = a.npos > 1 ? str_arg(vm, a[1], "format", 2) : "";
  return vm.str(vm.format(a[0], spec));
}
Value b_chr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "chr", 1, 1);
  int64_t c = int_arg(vm, a[0], "chr");
  if (c < 0 || c >= 0x110000) vm.raise("ValueError", "chr() arg not in range(0x110000)");
  return vm.str(encode_utf8(c));
}
Value b_ord(VM& vm, CallArgs& a) {
  expect_args(vm, a, "ord", 1, 1);
  if (!is_kind(a[0], ObjKind::Str))
    vm.raise("TypeError",
             "ord() expected string of length 1, but " + vm.type_name(a[0]) + " found");
  auto* s = as<StrObj>(a[0]);
  if (s->length != 1)
    vm.raise("TypeError", "ord() expected a character, but string of length " +
                              std::to_string(s->length) + " found");
  unsigned char c = static_cast<unsigned char>(s->s[0]);
  if (c < 0x80) return Value::integer(c);
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  int64_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (s->s[size_t(k)] & 0x3F);
  return Value::integer(cp);
}

// --- methods ----------------------------------------------------------------------------------
// Case mapping: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic (the scripts students
// type); other code points are left unchanged.
int64_t to_upper_cp(int64_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) ||
      (c >= 0x430 && c <= 0x44F))
    return c - 0x20;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F)
    return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E) ? ((c & 1) ? c : c - 1)
                                                                    : (c & ~int64_t(1));
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}
int64_t to_lower_cp(int64_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
      (c >= 0x410 && c <= 0x42F))
    return c + 0x20;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F)
    return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E) ? ((c & 1) ? c + 1 : c)
                                                                    : (c | 1);
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}
std::vector<int64_t> decode(const std::string& s) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    int64_t cp = len == 1 ? c : c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
    for (int k = 1; k < len && i + size_t(k) < s.size(); ++k)
      cp = (cp << 6) | (s[i + size_t(k)] & 0x3F);
    out.push_back(cp);
    i += size_t(len);
  }
  return out;
}
std::string map_case(const std::string& s, int64_t (*f)(int64_t)) {
  std::string out;
  for (int64_t c : decode(s)) out += encode_utf8(f(c));
  return out;
}
Value m_upper(VM& vm, CallArgs& a) {
  return vm.str(map_case(self_str(vm, a, "upper"), to_upper_cp));
}
Value m_lower(VM& vm, CallArgs& a) {
  return vm.str(map_case(self_str(vm, a, "lower"), to_lower_cp));
}
bool is_cased(int64_t c) { return to_upper_cp(c) != c || to_lower_cp(c) != c; }
Value m_title(VM& vm, CallArgs& a) {
  std::string out;
  bool prev = false;
  for (int64_t c : decode(self_str(vm, a, "title"))) {
    out += encode_utf8(prev ? to_lower_cp(c) : to_upper_cp(c));
    prev = is_cased(c);
  }
  return vm.str(out);
}
Value m_capitalize(VM& vm, CallArgs& a) {
  std::string out;
  bool first = true;
  for (int64_t c : decode(self_str(vm, a, "capitalize"))) {
    out += encode_utf8(first ? to_upper_cp(c) : to_lower_cp(c));
    first = false;
  }
  return vm.str(out);
}
Value m_swapcase(VM& vm, CallArgs& a) {
  std::string out;
  for (int64_t c : decode(self_str(vm, a, "swapcase"))) {
    int64_t u = to_upper_cp(c);
    out += encode_utf8(u != c ? u : to_lower_cp(c));
  }
  return vm.str(out);
}

template <int (*Pred)(int)>
Value char_test(VM& vm, CallArgs& a) {
  const std::string& s = self_str(vm, a, "is");
  if (s.empty()) return Value::boolean(false);
  for (unsigned char c : s)
    if (!Pred(c)) return Value::boolean(false);
  return Value::boolean(true);
}
Value m_isupper(VM& vm, CallArgs& a) {
  const std::string& s = self_str(vm, a, "isupper");
  bool cased = false;
  for (unsigned char c : s) {
    if (std::islower(c)) return Value::boolean(false);
    cased |= bool(std::isupper(c));
  }
  return Value::boolean(cased);
}
Value m_islower(VM& vm, CallArgs& a) {
  const std::string& s = self_str(vm, a, "islower");
  bool cased = false;
  for (unsigned char c : s) {
    if (std::isupper(c)) return Value::boolean(false);
    cased |= bool(std::islower(c));
  }
  return Value::boolean(cased);
}

Value strip_impl(VM& vm, CallArgs& a, const char* name, bool left, bool right) {
  expect_args(vm, a, name, 1, 2);
  const std::string& s = self_str(vm, a, name);
  std::string chars = " \t\n\r\v\f";
  if (a.npos > 1 && !a[1].is_none()) chars = str_arg(vm, a[1], name, 1);
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && chars.find(s[b]) != std::string::npos) ++b;
  if (right)
    while (e > b && chars.find(s[e - 1]) != std::string::npos) --e;
  return vm.str(s.substr(b, e - b));
}
Value m_strip(VM& vm, CallArgs& a) { return strip_impl(vm, a, "strip", true, true); }
Value m_lstrip(VM& vm, CallArgs& a) { return strip_impl(vm, a, "lstrip", true, false); }
Value m_rstrip(VM& vm, CallArgs& a) { return strip_impl(vm, a, "rstrip", false, true); }

Value split_impl(VM& vm, CallArgs& a, bool from_right) {
  Value p[3];
  p[1] = Value::none();
  p[2] = Value::integer(-1);
  if (a.nkw == 0 && a.npos >= 1 && a.npos <= 3) {  // NOTE: the common line.split('\t'), no parsing
    for (uint32_t i = 0; i < a.npos; ++i) p[i] = a[i];
  } else {
    parse_args(vm, a, from_right ? "rsplit" : "split", {"self", "sep=", "maxsplit="}, p);
  }
  const std::string& s = self_str(vm, a, "split");
  int64_t maxsplit = int_arg(vm, p[2], "split");
  // Views into `s` (alive: a[0] holds it) until the strings are made at the end.
  std::string_view sv(s);
  std::vector<std::string_view> parts;
  parts.reserve(8);
  if (p[1].is_none()) {
    std::vector<std::pair<size_t, size_t>> words;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i >= s.size()) break;
      size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      words.push_back({i, j});
      i = j;
    }
    if (maxsplit < 0 || int64_t(words.size()) <= maxsplit + 1) {
      for (auto& w : words) parts.push_back(sv.substr(w.first, w.second - w.first));
    } else if (!from_right) {
      for (int64_t k = 0; k < maxsplit; ++k)
        parts.push_back(
            sv.substr(words[size_t(k)].first, words[size_t(k)].second - words[size_t(k)].first));
      size_t start = words[size_t(maxsplit)].first, end = s.size();
      while (end > start && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
      parts.push_back(sv.substr(start, end - start));
    } else {
      size_t n = words.size(), first = n - size_t(maxsplit);
      size_t b = 0;
      while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
      parts.push_back(sv.substr(b, words[first - 1].second - b));
      for (size_t k = first; k < n; ++k)
        parts.push_back(sv.substr(words[k].first, words[k].second - words[k].first));
    }
  } else {
    const std::string& sep = str_arg(vm, p[1], "split", 1);
    if (sep.empty()) vm.raise("ValueError", "empty separator");
    if (!from_right) {
      size_t i = 0;
      int64_t n = 0;
      for (;;) {
        size_t j = s.find(sep, i);
        if (j == std::string::npos || (maxsplit >= 0 && n >= maxsplit)) break;
        parts.push_back(sv.substr(i, j - i));
        i = j + sep.size();
        ++n;
      }
      parts.push_back(sv.substr(i));
    } else {
      size_t end = s.size();
      int64_t n = 0;
      std::vector<std::string_view> rev;
      for (;;) {
        if (maxsplit >= 0 && n >= maxsplit) break;
        if (end < sep.size()) break;
        size_t j = s.rfind(sep, end - sep.size());
        if (j == std::string::npos) break;
        rev.push_back(sv.substr(j + sep.size(), end - j - sep.size()));
        end = j;
        ++n;
      }
      rev.push_back(sv.substr(0, end));
      parts.assign(rev.rbegin(), rev.rend());
    }
  }
  std::vector<Value> out;
  out.reserve(parts.size());
  for (auto x : parts) out.push_back(vm.str(x));
  return vm.list(std::move(out));
}
Value m_split(VM& vm, CallArgs& a) { return split_impl(vm, a, false); }
Value m_rsplit(VM& vm, CallArgs& a) { return split_impl(vm, a, true); }

Value m_splitlines(VM& vm, CallArgs& a) {
  Value p[2];
  p[1] = Value::boolean(false);
  parse_args(vm, a, "splitlines", {"self", "keepends="}, p);
  const std::string& s = self_str(vm, a, "splitlines");
  bool keep = vm.truthy(p[1]);
  std::vector<Value> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] != '\n' && s[j] != '\r') ++j;
    size_t eol = j;
    if (j < s.size()) j += (s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n') ? 2 : 1;
    out.push_back(vm.str(s.substr(i, (keep ? j : eol) - i)));
    i = j;
  }
  return vm.list(std::move(out));
}

Value m_join(VM& vm, CallArgs& a) {
  expect_args(vm, a, "join", 2, 2);
  const std::string& sep = self_str(vm, a, "join");
  std::vector<Value> items = vm.to_vector(a[1]);
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!is_kind(items[i], ObjKind::Str))
      vm.raise("TypeError", "sequence item " + std::to_string(i) + ": expected str instance, " +
                                vm.type_name(items[i]) + " found");
    if (i) out += sep;
    out += as<StrObj>(items[i])->s;
  }
  return vm.str(out);
}

Value m_replace(VM& vm, CallArgs& a) {
  expect_args(vm, a, "replace", 3, 4);
  const std::string& s = self_str(vm, a, "replace");
  const std::string& old = str_arg(vm, a[1], "replace", 1);
  const std::string& rep = str_arg(vm, a[2], "replace", 2);
  int64_t count = a.npos > 3 ? int_arg(vm, a[3], "replace") : -1;
  std::string out;
  if (old.empty()) {
    int64_t n = 0;
    size_t i = 0;
    while (i <= s.size()) {
      if (count < 0 || n < count) {
        out += rep;
        ++n;
      }
      if (i == s.size()) break;
      size_t j = i + 1;
      while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
      out += s.substr(i, j - i);
      i = j;
    }
    return vm.str(out);
  }
  size_t i = 0;
  int64_t n = 0;
  for (;;) {
    size_t j = s.find(old, i);
    if (j == std::string::npos || (count >= 0 && n >= count)) break;
    out += s.substr(i, j - i) + rep;
    i = j + old.size();
    ++n;
  }
  out += s.substr(i);
  return vm.str(out);
}

// Resolves optional start/end (code points) into a byte range.
void bounds(VM& vm, const CallArgs& a, size_t first, const std::string& s, size_t* b, size_t* e) {
  int64_t n = cp_index(s, s.size());
  int64_t lo = 0, hi = n;
  auto norm = [&](const Value& v, int64_t dflt) {
    if (v.is_none()) return dflt;
    int64_t x = int_arg(vm, v, "slice");
    if (x < 0) x = std::max<int64_t>(0, x + n);
    return std::min(x, n);
  };
  if (a.npos > first) lo = norm(a[first], 0);
  if (a.npos > first + 1) hi = norm(a[first + 1], n);
  *b = byte_offset(s, lo);
  *e = hi < lo ? *b : byte_offset(s, hi);
}

Value affix_impl(VM& vm, CallArgs& a, const char* name, bool suffix) {
  expect_args(vm, a, name, 2, 4);
  const std::string& s = self_str(vm, a, name);
  size_t b, e;
  bounds(vm, a, 2, s, &b, &e);
  std::string_view view(s.data() + b, e - b);
  auto test = [&](const Value& p) {
    if (!is_kind(p, ObjKind::Str))
      vm.raise("TypeError", std::string(name) + " first arg must be str or a tuple of str, not " +
                                vm.type_name(p));
    const std::string& x = as<StrObj>(p)->s;
    if (x.size() > view.size()) return false;
    return suffix ? view.substr(view.size() - x.size()) == x : view.substr(0, x.size()) == x;
  };
  if (is_kind(a[1], ObjKind::Tuple)) {
    for (auto& p : as<TupleObj>(a[1])->items)
      if (test(p)) return Value::boolean(true);
    return Value::boolean(false);
  }
  return Value::boolean(test(a[1]));
}
Value m_startswith(VM& vm, CallArgs& a) { return affix_impl(vm, a, "startswith", false); }
Value m_endswith(VM& vm, CallArgs& a) { return affix_impl(vm, a, "endswith", true); }

int64_t find_impl(VM& vm, CallArgs& a, const char* name, bool reverse) {
  expect_args(vm, a, name, 2, 4);
  const std::string& s = self_str(vm, a, name);
  const std::string& sub = str_arg(vm, a[1], name, 1);
  size_t b, e;
  bounds(vm, a, 2, s, &b, &e);
  std::string_view view(s.data() + b, e - b);
  size_t j = reverse ? view.rfind(sub) : view.find(sub);
  if (j == std::string_view::npos) return -1;
  return cp_index(s, b + j);
}
Value m_find(VM& vm, CallArgs& a) { return Value::integer(find_impl(vm, a, "find", false)); }
Value m_rfind(VM& vm, CallArgs& a) { return Value::integer(find_impl(vm, a, "rfind", true)); }
Value m_index(VM& vm, CallArgs& a) {
  int64_t r = find_impl(vm, a, "index", false);
  if (r < 0) vm.raise("ValueError", "substring not found");
  return Value::integer(r);
}
Value m_rindex(VM& vm, CallArgs& a) {
  int64_t r = find_impl(vm, a, "rindex", true);
  if (r < 0) vm.raise("ValueError", "substring not found");
  return Value::integer(r);
}
Value m_count(VM& vm, CallArgs& a) {
  expect_args(vm, a, "count", 2, 4);
  const std::string& s = self_str(vm, a, "count");
  const std::string& sub = str_arg(vm, a[1], "count", 1);
  size_t b, e;
  bounds(vm, a, 2, s, &b, &e);
  std::string_view view(s.data() + b, e - b);
  if (sub.empty()) return Value::integer(cp_index(std::string(view), view.size()) + 1);
  int64_t n = 0;
  for (size_t i = view.find(sub); i != std::string_view::npos; i = view.find(sub, i + sub.size()))
    ++n;
  return Value::integer(n);
}

Value pad_impl(VM& vm, CallArgs& a, const char* name, int where) {
  expect_args(vm, a, name, 2, 3);
  const std::string& s = self_str(vm, a, name);
  int64_t width = int_arg(vm, a[1], name);
  std::string fill = " ";
  if (a.npos > 2) {
    fill = str_arg(vm, a[2], name, 2);
    if (as<StrObj>(a[2])->length != 1)
      vm.raise("TypeError", "The fill character must be exactly one character long");
  }
  int64_t len = as<StrObj>(a[0])->length;
  if (width <= len) return a[0];
  int64_t marg = width - len, left = where < 0   ? 0
                                     : where > 0 ? marg
                                                 : marg / 2 + (marg & width & 1);
  std::string out;
  for (int64_t i = 0; i < left; ++i) out += fill;
  out += s;
  for (int64_t i = 0; i < marg - left; ++i) out += fill;
  return vm.str(out);
}
Value m_center(VM& vm, CallArgs& a) { return pad_impl(vm, a, "center", 0); }
Value m_ljust(VM& vm, CallArgs& a) { return pad_impl(vm, a, "ljust", -1); }
Value m_rjust(VM& vm, CallArgs& a) { return pad_impl(vm, a, "rjust", 1); }
Value m_zfill(VM& vm, CallArgs& a) {
  expect_args(vm, a, "zfill", 2, 2);
  std::string s = self_str(vm, a, "zfill");
  int64_t width = int_arg(vm, a[1], "zfill"), len = as<StrObj>(a[0])->length;
  if (width <= len) return a[0];
  size_t at = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  s.insert(at, std::string(size_t(width - len), '0'));
  return vm.str(s);
}
Value m_partition(VM& vm, CallArgs& a) {
  expect_args(vm, a, "partition", 2, 2);
  const std::string& s = self_str(vm, a, "partition");
  const std::string& sep = str_arg(vm, a[1], "partition", 1);
  if (sep.empty()) vm.raise("ValueError", "empty separator");
  size_t j = s.find(sep);
  if (j == std::string::npos) return vm.tuple({a[0], vm.str(""), vm.str("")});
  return vm.tuple({vm.str(s.substr(0, j)), a[1], vm.str(s.substr(j + sep.size()))});
}
}  // namespace

Value m_format(VM& vm, CallArgs& a);  // builtins_format.cpp

void init_strings(VM& vm) {
  ClassObj* s = vm.classes.str;
  s->construct = str_new;
  vm.add_builtin("str", Value::object(s));
  def_builtin(vm, "repr", b_repr);
  def_builtin(vm, "ascii", b_ascii);
  def_builtin(vm, "format", b_format);
  def_builtin(vm, "chr", b_chr);
  def_builtin(vm, "ord", b_ord);
  struct M {
    const char* name;
    NativeFn fn;
  };
  const M methods[] = {
      {"upper", m_upper},
      {"lower", m_lower},
      {"title", m_title},
      {"capitalize", m_capitalize},
      {"swapcase", m_swapcase},
      {"isdigit", char_test<::isdigit>},
      {"isnumeric", char_test<::isdigit>},
      {"isdecimal", char_test<::isdigit>},
      {"isalpha", char_test<::isalpha>},
      {"isalnum", char_test<::isalnum>},
      {"isspace", char_test<::isspace>},
      {"isupper", m_isupper},
      {"islower", m_islower},
      {"strip", m_strip},
      {"lstrip", m_lstrip},
      {"rstrip", m_rstrip},
      {"split", m_split},
      {"rsplit", m_rsplit},
      {"splitlines", m_splitlines},
      {"join", m_join},
      {"replace", m_replace},
      {"startswith", m_startswith},
      {"endswith", m_endswith},
      {"find", m_find},
      {"rfind", m_rfind},
      {"index", m_index},
      {"rindex", m_rindex},
      {"count", m_count},
      {"center", m_center},
      {"ljust", m_ljust},
      {"rjust", m_rjust},
      {"zfill", m_zfill},
      {"partition", m_partition},
      {"format", m_format},
  };
  for (auto& m : methods) vm.add_method(s, m.name, m.fn);
}

}  // namespace gradlab::lang
