// str.format (fields, conversions, nested specs) and printf-style `%` formatting of str.
// The number and string formatting itself is tensor/format.h's.
#include <algorithm>

#include "lang/builtins.h"
#include "tensor/format.h"

namespace gradlab::lang {

// --- str.format -------------------------------------------------------------------------------
static std::string format_with(VM& vm, const std::string& fmt, const Value* pos, size_t npos,
                               const CallArgs* kw, int64_t& auto_idx, int depth) {
  if (depth > 2) vm.raise("ValueError", "Max string recursion exceeded");
  std::string out;
  size_t i = 0;
  while (i < fmt.size()) {
    char c = fmt[i];
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        out += '}';
        i += 2;
        continue;
      }
      vm.raise("ValueError", "Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      i += 2;
      continue;
    }
    size_t j = i + 1;
    int nest = 1;
    while (j < fmt.size()) {
      if (fmt[j] == '{')
        ++nest;
      else if (fmt[j] == '}' && --nest == 0)
        break;
      ++j;
    }
    if (j >= fmt.size()) vm.raise("ValueError", "expected '}' before end of string");
    std::string field = fmt.substr(i + 1, j - i - 1);
    i = j + 1;
    size_t k = 0;
    while (k < field.size() && field[k] != '!' && field[k] != ':' && field[k] != '.' &&
           field[k] != '[')
      ++k;
    std::string name = field.substr(0, k);
    Value v;
    if (name.empty() || std::all_of(name.begin(), name.end(), ::isdigit)) {
      int64_t idx;
      if (name.empty()) {
        if (auto_idx < 0)
          vm.raise("ValueError",
                   "cannot switch from manual field specification to automatic field numbering");
        idx = auto_idx++;
      } else {
        if (auto_idx > 0)
          vm.raise("ValueError",
                   "cannot switch from automatic field numbering to manual field specification");
        auto_idx = -1;
        idx = std::stoll(name);
      }
      if (idx >= int64_t(npos))
        vm.raise("IndexError", "Replacement index " + std::to_string(idx) +
                                   " out of range for positional args tuple");
      v = pos[idx];
    } else {
      bool found = false;
      for (uint32_t q = 0; kw && q < kw->nkw; ++q)
        if (kw->kwname(q) == name) {
          v = kw->kwvalues[q];
          found = true;
        }
      if (!found) {
        Value exc = vm.make_exception(vm.exception_class("KeyError"), "");
        as<InstanceObj>(exc)->attrs.set(vm.names[VM::kArgs], vm.tuple({vm.str(name)}));
        throw PyException{std::move(exc)};
      }
    }
    while (k < field.size() && (field[k] == '.' || field[k] == '[')) {
      if (field[k] == '.') {
        size_t e = k + 1;
        while (e < field.size() && field[e] != '.' && field[e] != '[' && field[e] != '!' &&
               field[e] != ':')
          ++e;
        v = vm.get_attr(v, vm.intern(field.substr(k + 1, e - k - 1)));
        k = e;
      } else {
        size_t e = field.find(']', k);
        if (e == std::string::npos) vm.raise("ValueError", "Missing ']' in format string");
        std::string key = field.substr(k + 1, e - k - 1);
        Value kv = !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit)
                       ? Value::integer(std::stoll(key))
                       : vm.str(key);
        v = vm.get_item(v, kv);
        k = e + 1;
      }
    }
    char conv = 0;
    if (k < field.size() && field[k] == '!') {
      if (k + 1 >= field.size())
        vm.raise("ValueError", "end of string while looking for conversion specifier");
      conv = field[k + 1];
      k += 2;
      if (conv != 'r' && conv != 's' && conv != 'a')
        vm.raise("ValueError", std::string("Unknown conversion specifier ") + conv);
    }
    std::string spec;
    if (k < field.size() && field[k] == ':')
      spec = format_with(vm, field.substr(k + 1), pos, npos, kw, auto_idx, depth + 1);
    if (conv == 'r' || conv == 'a')
      out += python_format_str(vm.repr(v), spec);
    else if (conv == 's')
      out += python_format_str(vm.str_of(v), spec);
    else
      out += vm.format(v, spec);
  }
  return out;
}

Value m_format(VM& vm, CallArgs& a) {
  if (a.npos == 0 || !is_kind(a[0], ObjKind::Str))
    vm.raise("TypeError", "descriptor 'format' requires a 'str' object");
  const std::string& fmt = as<StrObj>(a[0])->s;
  int64_t auto_idx = 0;
  return vm.str(format_with(vm, fmt, a.pos + 1, a.npos - 1, &a, auto_idx, 0));
}

// --- printf-style formatting ------------------------------------------------------------------
std::string str_percent(VM& vm, const std::string& fmt, const Value& args) {
  std::vector<Value> items;
  const Value* mapping = nullptr;
  if (is_kind(args, ObjKind::Tuple))
    items = as<TupleObj>(args)->items;
  else if (is_kind(args, ObjKind::Dict))
    mapping = &args;
  else
    items.push_back(args);
  size_t next = 0;
  auto take = [&]() -> Value {
    if (next >= items.size()) vm.raise("TypeError", "not enough arguments for format string");
    return items[next++];
  };
  std::string out;
  bool used_mapping = false;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) vm.raise("ValueError", "incomplete format");
    Value v;
    if (fmt[i] == '(') {
      size_t e = fmt.find(')', i);
      if (e == std::string::npos) vm.raise("ValueError", "incomplete format key");
      if (!mapping) vm.raise("TypeError", "format requires a mapping");
      v = vm.get_item(*mapping, vm.str(fmt.substr(i + 1, e - i - 1)));
      used_mapping = true;
      i = e + 1;
    }
    std::string flags;
    while (i < fmt.size() && std::string("-+ #0").find(fmt[i]) != std::string::npos)
      flags += fmt[i++];
    std::string width, prec;
    bool has_prec = false;
    if (i < fmt.size() && fmt[i] == '*') {
      width = std::to_string(int_arg(vm, take(), "%"));
      ++i;
    }
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) width += fmt[i++];
    if (i < fmt.size() && fmt[i] == '.') {
      has_prec = true;
      ++i;
      if (i < fmt.size() && fmt[i] == '*') {
        prec = std::to_string(int_arg(vm, take(), "%"));
        ++i;
      }
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) prec += fmt[i++];
      if (prec.empty()) prec = "0";
    }
    while (i < fmt.size() && (fmt[i] == 'l' || fmt[i] == 'h' || fmt[i] == 'L')) ++i;
    if (i >= fmt.size()) vm.raise("ValueError", "incomplete format");
    char conv = fmt[i];
    if (conv == '%') {
      out += '%';
      continue;
    }
    if (v.is_undef()) v = take();
    bool left = flags.find('-') != std::string::npos;
    std::string sign = flags.find('+') != std::string::npos   ? "+"
                       : flags.find(' ') != std::string::npos ? " "
                                                              : "";
    std::string alt = flags.find('#') != std::string::npos ? "#" : "";
    bool zero = !left && flags.find('0') != std::string::npos;
    std::string numspec = std::string(left ? "<" : "") + sign + alt + (zero ? "0" : "") + width;
    switch (conv) {
      case 'd':
      case 'i':
      case 'u': {
        Value n = v;
        if (v.is_float())
          n = vm.call(Value::object(vm.classes.int_), {v});
        else if (!v.is_intlike()) {
          if (const Value* m = class_method(vm, v, "__int__"))
            n = vm.call(*m, {v});
          else
            vm.raise("TypeError", std::string("%") + conv +
                                      " format: a real number is required, not " + vm.type_name(v));
        }
        out += python_format_int(n.as_int(), numspec + "d");
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        if (!v.is_intlike())
          vm.raise("TypeError", std::string("%") + conv + " format: an integer is required, not " +
                                    vm.type_name(v));
        out += python_format_int(v.as_int(), numspec + conv);
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        double d = float_arg(vm, v, "%");
        out += python_format_float(d, numspec + "." + (has_prec ? prec : "6") + conv);
        break;
      }
      case 's':
      case 'r':
      case 'a': {
        std::string s = conv == 's' ? vm.str_of(v) : vm.repr(v);
        if (has_prec) s = s.substr(0, byte_offset(s, std::stoll(prec)));
        out += python_format_str(s, std::string(left ? "<" : ">") + width);
        break;
      }
      case 'c': {
        std::string s = v.is_intlike() ? encode_utf8(v.as_int()) : str_arg(vm, v, "%c", 1);
        out += python_format_str(s, std::string(left ? "<" : ">") + width);
        break;
      }
      default: {
        char buf[96];
        std::snprintf(buf, sizeof buf, "unsupported format character '%c' (0x%x) at index %zu",
                      conv, unsigned(conv), i);
        vm.raise("ValueError", buf);
      }
    }
  }
  if (!used_mapping && !mapping && next < items.size())
    vm.raise("TypeError", "not all arguments converted during string formatting");
  return out;
}

}  // namespace gradlab::lang
