// Numbers: the int, float and bool constructors and methods, abs, round (correctly rounded
// like CPython), divmod, pow, bin, oct, hex; plus the argument helpers of builtins.h.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lang/builtins.h"

namespace gradlab::lang {

void def_builtin(VM& vm, const char* name, NativeFn fn) {
  vm.add_builtin(name, vm.native_function(name, fn));
}

void expect_args(VM& vm, const CallArgs& a, const char* fname, uint32_t lo, uint32_t hi) {
  no_kwargs(vm, a, fname);
  if (a.npos >= lo && a.npos <= hi) return;
  if (lo == hi && lo == 1)
    vm.raise("TypeError", std::string(fname) + "() takes exactly one argument (" +
                              std::to_string(a.npos) + " given)");
  if (lo == hi && lo == 0)
    vm.raise("TypeError",
             std::string(fname) + "() takes no arguments (" + std::to_string(a.npos) + " given)");
  if (a.npos < lo)
    vm.raise("TypeError", std::string(fname) + " expected " + (lo == hi ? "" : "at least ") +
                              std::to_string(lo) + " argument" + (lo == 1 ? "" : "s") + ", got " +
                              std::to_string(a.npos));
  vm.raise("TypeError", std::string(fname) + " expected " + (lo == hi ? "" : "at most ") +
                            std::to_string(hi) + " argument" + (hi == 1 ? "" : "s") + ", got " +
                            std::to_string(a.npos));
}

void no_kwargs(VM& vm, const CallArgs& a, const char* fname) {
  if (a.nkw) vm.raise("TypeError", std::string(fname) + "() takes no keyword arguments");
}

int64_t int_arg(VM& vm, const Value& v, const char*) {
  if (v.is_intlike()) return v.as_int();
  if (const Value* m = class_method(vm, v, "__index__")) return int_arg(vm, vm.call(*m, {v}), "");
  vm.raise("TypeError", "'" + vm.type_name(v) + "' object cannot be interpreted as an integer");
}

double float_arg(VM& vm, const Value& v, const char*) {
  if (v.is_number()) return v.to_double();
  if (const Value* m = class_method(vm, v, "__float__")) return float_arg(vm, vm.call(*m, {v}), "");
  vm.raise("TypeError", "must be real number, not " + vm.type_name(v));
}

const std::string& str_arg(VM& vm, const Value& v, const char* fname, int pos) {
  if (is_kind(v, ObjKind::Str)) return as<StrObj>(v)->s;
  vm.raise("TypeError", std::string(fname) + "() argument " + std::to_string(pos) +
                            " must be str, not " + vm.type_name(v));
}

const Value* class_method(VM& vm, const Value& v, const char* name) {
  ClassObj* c = vm.class_of(v);
  for (ClassObj* k = c; k && k != vm.classes.object; k = k->base_class())
    if (const Value* m = k->dict.find(vm.intern(name))) return m;
  return nullptr;
}

namespace {
[[noreturn]] void int_overflow(VM& vm) {
  vm.raise("OverflowError", "integer overflow in gradlab (ints are 64-bit)");
}

Value float_to_int(VM& vm, double d) {
  if (std::isnan(d)) vm.raise("ValueError", "cannot convert float NaN to integer");
  if (std::isinf(d)) vm.raise("OverflowError", "cannot convert float infinity to integer");
  double t = std::trunc(d);
  if (t >= 9.2233720368547758e18 || t < -9.2233720368547758e18) int_overflow(vm);
  return Value::integer(int64_t(t));
}

std::string strip_ws(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

Value parse_int(VM& vm, const std::string& text, int64_t base) {
  auto fail = [&]() -> Value {
    vm.raise("ValueError",
             "invalid literal for int() with base " + std::to_string(base) + ": " + str_repr(text));
  };
  std::string s = strip_ws(text);
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int64_t b = base;
  if (i + 1 < s.size() && s[i] == '0') {
    char p = char(std::tolower(static_cast<unsigned char>(s[i + 1])));
    int64_t pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (pb && (base == 0 || base == pb)) {
      b = pb;
      i += 2;
      if (i < s.size() && s[i] == '_') ++i;
    }
  }
  if (b == 0) b = 10;
  if (i >= s.size()) fail();
  uint64_t acc = 0;
  bool prev_us = true;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      if (prev_us) fail();
      prev_us = true;
      continue;
    }
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : std::isalpha(static_cast<unsigned char>(c))
                ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                : 99;
    if (d >= b) fail();
    if (acc > (uint64_t(1) << 63) / uint64_t(b)) int_overflow(vm);
    acc = acc * uint64_t(b) + uint64_t(d);
    if (acc > (uint64_t(1) << 63)) int_overflow(vm);
    prev_us = false;
  }
  if (prev_us) fail();
  if (!neg && acc > uint64_t(INT64_MAX)) int_overflow(vm);
  return Value::integer(neg ? int64_t(0 - acc) : int64_t(acc));
}

Value int_new(VM& vm, CallArgs& a) {
  // NOTE: int(x) with one argument (int(u) per line of a data file) skips argument parsing.
  if (a.nkw == 0 && a.npos == 1 && is_kind(a[0], ObjKind::Str))
    return parse_int(vm, as<StrObj>(a[0])->s, 10);
  Value p[2];
  p[1] = Value::integer(10);
  parse_args(vm, a, "int", {"x=", "base="}, p);
  if (p[0].is_undef()) return Value::integer(0);
  const Value& x = p[0];
  if (a.npos + a.nkw == 2 || !p[1].same(Value::integer(10))) {
    if (!is_kind(x, ObjKind::Str))
      vm.raise("TypeError", "int() can't convert non-string with explicit base");
    int64_t base = int_arg(vm, p[1], "int");
    if (base != 0 && (base < 2 || base > 36))
      vm.raise("ValueError", "int() base must be >= 2 and <= 36, or 0");
    return parse_int(vm, as<StrObj>(x)->s, base);
  }
  if (x.is_intlike()) return Value::integer(x.as_int());
  if (x.is_float()) return float_to_int(vm, x.as_float());
  if (is_kind(x, ObjKind::Str)) return parse_int(vm, as<StrObj>(x)->s, 10);
  for (const char* m : {"__int__", "__index__", "__trunc__"})
    if (const Value* f = class_method(vm, x, m)) return vm.tail_call(*f, {x});
  vm.raise("TypeError",
           "int() argument must be a string, a bytes-like object or a real number, not '" +
               vm.type_name(x) + "'");
}

Value parse_float(VM& vm, const std::string& text) {
  {
    // NOTE: the common case, a plain decimal ("4.5", " -1e-3\n"), goes to strtod without the
    // copies below; anything else (inf, nan, '_', bad text) takes the full path.
    const char* b = text.c_str();
    const char* e = b + text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(*b))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(e[-1]))) --e;
    bool digit = false, plain = b < e;
    for (const char* q = b; plain && q < e; ++q) {
      if (*q >= '0' && *q <= '9')
        digit = true;
      else if (*q != '.' && *q != 'e' && *q != 'E' && *q != '+' && *q != '-')
        plain = false;
    }
    if (plain && digit) {
      char* end = nullptr;
      double d = std::strtod(b, &end);
      if (end == e) return Value::number(d);
    }
  }
  std::string s = strip_ws(text);
  std::string t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i > 0 && i + 1 < s.size() &&
        std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    t += char(std::tolower(static_cast<unsigned char>(s[i])));
  }
  std::string u = t;
  bool neg = false;
  if (!u.empty() && (u[0] == '+' || u[0] == '-')) {
    neg = u[0] == '-';
    u = u.substr(1);
  }
  if (u == "inf" || u == "infinity") return Value::number(neg ? -HUGE_VAL : HUGE_VAL);
  if (u == "nan") return Value::number(neg ? -NAN : NAN);
  bool ok = !u.empty() && u.find_first_not_of("0123456789.e+-") == std::string::npos &&
            u.find_first_of("0123456789") != std::string::npos;
  if (ok) {
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(t.c_str(), &end);
    if (end == t.c_str() + t.size()) return Value::number(d);
  }
  vm.raise("ValueError", "could not convert string to float: " + str_repr(text));
}

Value float_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "float", 0, 1);
  if (a.npos == 0) return Value::number(0.0);
  const Value& x = a[0];
  if (x.is_number()) return Value::number(x.to_double());
  if (is_kind(x, ObjKind::Str)) return parse_float(vm, as<StrObj>(x)->s);
  for (const char* m : {"__float__", "__index__"})
    if (const Value* f = class_method(vm, x, m)) {
      Value r = vm.call(*f, {x});
      return Value::number(r.to_double());
    }
  vm.raise("TypeError",
           "float() argument must be a string or a real number, not '" + vm.type_name(x) + "'");
}

Value bool_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "bool", 0, 1);
  return Value::boolean(a.npos && vm.truthy(a[0]));
}

Value b_abs(VM& vm, CallArgs& a) {
  expect_args(vm, a, "abs", 1, 1);
  const Value& x = a[0];
  if (x.is_float()) return Value::number(std::fabs(x.as_float()));
  if (x.is_intlike()) {
    if (x.as_int() == INT64_MIN) int_overflow(vm);
    return Value::integer(x.as_int() < 0 ? -x.as_int() : x.as_int());
  }
  if (const Value* f = class_method(vm, x, "__abs__")) return vm.tail_call(*f, {x});
  vm.raise("TypeError", "bad operand type for abs(): '" + vm.type_name(x) + "'");
}

double round_half_even(double x) {
  double r = std::round(x);
  if (std::fabs(x - std::trunc(x)) == 0.5) r = 2.0 * std::round(x / 2.0);
  return r;
}

Value b_round(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "round", {"number", "ndigits="}, p);
  const Value& x = p[0];
  bool has_nd = !p[1].is_undef() && !p[1].is_none();
  if (!x.is_number()) {
    if (const Value* f = class_method(vm, x, "__round__"))
      return has_nd ? vm.tail_call(*f, {x, p[1]}) : vm.tail_call(*f, {x});
    vm.raise("TypeError", "type " + vm.type_name(x) + " doesn't define __round__ method");
  }
  if (x.is_intlike()) {
    if (!has_nd) return Value::integer(x.as_int());
    int64_t nd = int_arg(vm, p[1], "round");
    if (nd >= 0) return Value::integer(x.as_int());
    if (nd < -18) return Value::integer(0);
    int64_t pw = 1;
    for (int64_t i = 0; i < -nd; ++i) pw *= 10;
    int64_t v = x.as_int(), q = v / pw, r = v % pw;
    if (r < 0) {
      r += pw;
      --q;
    }
    if (2 * r > pw || (2 * r == pw && (q & 1))) ++q;
    return Value::integer(q * pw);
  }
  double d = x.as_float();
  if (!has_nd) return float_to_int(vm, round_half_even(d));
  int64_t nd = int_arg(vm, p[1], "round");
  if (!std::isfinite(d) || nd > 323) return Value::number(d);
  if (nd < -308) return Value::number(0.0 * d);
  if (nd >= 0) {
    // printf rounds the exact binary value correctly (half-even on exact ties), as CPython's
    // dtoa-based round does: round(2.675, 2) == 2.67.
    std::vector<char> buf(size_t(nd) + 400);
    std::snprintf(buf.data(), buf.size(), "%.*f", int(nd), d);
    return Value::number(std::strtod(buf.data(), nullptr));
  }
  double pw = std::pow(10.0, double(-nd));
  double y = round_half_even(d / pw) * pw;
  if (std::isinf(y)) vm.raise("OverflowError", "rounded value too large to represent");
  return Value::number(y);
}

Value b_divmod(VM& vm, CallArgs& a) {
  expect_args(vm, a, "divmod", 2, 2);
  if (a[0].is_number() && a[1].is_number())
    return vm.tuple(
        {arith(vm, BinaryOp::FloorDiv, a[0], a[1]), arith(vm, BinaryOp::Mod, a[0], a[1])});
  vm.raise("TypeError", "unsupported operand type(s) for divmod(): '" + vm.type_name(a[0]) +
                            "' and '" + vm.type_name(a[1]) + "'");
}

Value b_pow(VM& vm, CallArgs& a) {
  Value p[3];
  parse_args(vm, a, "pow", {"base", "exp", "mod="}, p);
  if (p[2].is_undef() || p[2].is_none()) return vm.binary(BinaryOp::Pow, p[0], p[1]);
  if (!p[0].is_intlike() || !p[1].is_intlike() || !p[2].is_intlike())
    vm.raise("TypeError", "pow() 3rd argument not allowed unless all arguments are integers");
  int64_t b = p[0].as_int(), e = p[1].as_int(), m = p[2].as_int();
  if (m == 0) vm.raise("ValueError", "pow() 3rd argument cannot be 0");
  if (e < 0)
    vm.raise("ValueError", "pow() negative exponent with modulus is not supported in gradlab");
  __int128 r = 1, base = ((b % m) + m) % m;
  while (e > 0) {
    if (e & 1) r = r * base % m;
    base = base * base % m;
    e >>= 1;
  }
  int64_t res = int64_t(r);
  if (m < 0 && res > 0) res += m;
  return Value::integer(res);
}

Value radix(VM& vm, CallArgs& a, const char* name, int bits, const char* prefix) {
  expect_args(vm, a, name, 1, 1);
  int64_t v = int_arg(vm, a[0], name);
  uint64_t u = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  std::string digits;
  do {
    int d = int(u & ((1u << bits) - 1));
    digits += char(d < 10 ? '0' + d : 'a' + d - 10);
    u >>= bits;
  } while (u);
  std::string out = v < 0 ? "-" : "";
  out += prefix;
  out.append(digits.rbegin(), digits.rend());
  return vm.str(out);
}
Value b_bin(VM& vm, CallArgs& a) { return radix(vm, a, "bin", 1, "0b"); }
Value b_oct(VM& vm, CallArgs& a) { return radix(vm, a, "oct", 3, "0o"); }
Value b_hex(VM& vm, CallArgs& a) { return radix(vm, a, "hex", 4, "0x"); }

Value float_is_integer(VM& vm, CallArgs& a) {
  double d = a[0].to_double();
  return Value::boolean(std::isfinite(d) && d == std::floor(d));
}
Value int_bit_length(VM& vm, CallArgs& a) {
  int64_t v = a[0].as_int();
  uint64_t u = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  int n = 0;
  while (u) {
    ++n;
    u >>= 1;
  }
  return Value::integer(n);
}
Value num_conjugate(VM&, CallArgs& a) {
  return a[0].is_float() ? a[0] : Value::integer(a[0].as_int());
}
}  // namespace

void init_numbers(VM& vm) {
  vm.classes.int_->construct = int_new;
  vm.classes.float_->construct = float_new;
  vm.classes.bool_->construct = bool_new;
  vm.add_builtin("int", Value::object(vm.classes.int_));
  vm.add_builtin("float", Value::object(vm.classes.float_));
  vm.add_builtin("bool", Value::object(vm.classes.bool_));
  vm.add_method(vm.classes.float_, "is_integer", float_is_integer);
  vm.add_method(vm.classes.int_, "bit_length", int_bit_length);
  vm.add_method(vm.classes.int_, "conjugate", num_conjugate);
  vm.add_method(vm.classes.float_, "conjugate", num_conjugate);
  def_builtin(vm, "abs", b_abs);
  def_builtin(vm, "round", b_round);
  def_builtin(vm, "divmod", b_divmod);
  def_builtin(vm, "pow", b_pow);
  def_builtin(vm, "bin", b_bin);
  def_builtin(vm, "oct", b_oct);
  def_builtin(vm, "hex", b_hex);
}

}  // namespace gradlab::lang
