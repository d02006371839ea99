// Operator semantics of the built-in kinds: arithmetic with Python's signs and 64-bit
// overflow checks, comparisons, equality, hashing (CPython-compatible for numbers and
// tuples), truthiness, membership, iteration and unpacking. Native kinds (tensors) go
// through their TypeHooks; user classes through their dunders.
#include <cmath>
#include <cstring>

#include "lang/vm.h"

namespace gradlab::lang {

std::string str_percent(VM& vm, const std::string& fmt, const Value& args);  // builtins_strings.cpp

namespace {
const char* kOpSymbols[] = {"+",           "-",  "*",  "@", "/", "//", "%",
                            "** or pow()", "<<", ">>", "|", "^", "&"};
const char* kCmpSymbols[] = {"==", "!=", "<", "<=", ">", ">="};

[[noreturn]] void overflow(VM& vm) {
  vm.raise("OverflowError", "integer overflow in gradlab (ints are 64-bit)");
}

const TypeHooks* hooks_of(VM& vm, const Value& v) {
  if (v.is_tensor()) return vm.classes.tensor ? vm.classes.tensor->hooks : nullptr;
  if (is_kind(v, ObjKind::Native)) return as<NativeObj>(v)->class_obj()->hooks;
  return nullptr;
}

int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t floormod(int64_t a, int64_t b) {
  int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

Value int_pow(VM& vm, int64_t base, int64_t exp) {
  if (exp < 0) {
    if (base == 0) vm.raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
    return Value::number(std::pow(double(base), double(exp)));
  }
  int64_t result = 1;
  while (exp > 0) {
    if (exp & 1)
      if (__builtin_mul_overflow(result, base, &result)) overflow(vm);
    exp >>= 1;
    if (exp > 0 && __builtin_mul_overflow(base, base, &base)) overflow(vm);
  }
  return Value::integer(result);
}

Value float_arith(VM& vm, BinaryOp op, double x, double y) {
  switch (op) {
    case BinaryOp::Add:
      return Value::number(x + y);
    case BinaryOp::Sub:
      return Value::number(x - y);
    case BinaryOp::Mul:
      return Value::number(x * y);
    case BinaryOp::Div:
      if (y == 0) vm.raise("ZeroDivisionError", "float division by zero");
      return Value::number(x / y);
    case BinaryOp::FloorDiv:
    case BinaryOp::Mod: {
      if (y == 0)
        vm.raise("ZeroDivisionError",
                 op == BinaryOp::Mod ? "float modulo" : "float floor division by zero");
      double mod = std::fmod(x, y);
      double div = (x - mod) / y;
      if (mod != 0) {
        if ((y < 0) != (mod < 0)) {
          mod += y;
          div -= 1.0;
        }
      } else {
        mod = std::copysign(0.0, y);
      }
      if (op == BinaryOp::Mod) return Value::number(mod);
      double fd;
      if (div != 0) {
        fd = std::floor(div);
        if (div - fd > 0.5) fd += 1.0;
      } else {
        fd = std::copysign(0.0, x / y);
      }
      return Value::number(fd);
    }
    case BinaryOp::Pow: {
      if (x == 0 && y < 0)
        vm.raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
      if (x < 0 && y != std::floor(y) && std::isfinite(y))
        vm.raise("ValueError", "negative number cannot be raised to a fractional power");
      double r = std::pow(x, y);
      if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
        vm.raise("OverflowError", "(34, 'Numerical result out of range')");
      return Value::number(r);
    }
    default:
      return Value::not_implemented();
  }
}
}  // namespace

Value arith(VM& vm, BinaryOp op, const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) return Value::not_implemented();
  if (a.is_float() || b.is_float()) return float_arith(vm, op, a.to_double(), b.to_double());
  int64_t x = a.as_int(), y = b.as_int(), r;
  switch (op) {
    case BinaryOp::Add:
      if (__builtin_add_overflow(x, y, &r)) overflow(vm);
      return Value::integer(r);
    case BinaryOp::Sub:
      if (__builtin_sub_overflow(x, y, &r)) overflow(vm);
      return Value::integer(r);
    case BinaryOp::Mul:
      if (__builtin_mul_overflow(x, y, &r)) overflow(vm);
      return Value::integer(r);
    case BinaryOp::Div:
      if (y == 0) vm.raise("ZeroDivisionError", "division by zero");
      return Value::number(double(x) / double(y));
    case BinaryOp::FloorDiv:
      if (y == 0) vm.raise("ZeroDivisionError", "integer division or modulo by zero");
      if (x == INT64_MIN && y == -1) overflow(vm);
      return Value::integer(floordiv(x, y));
    case BinaryOp::Mod:
      if (y == 0) vm.raise("ZeroDivisionError", "integer division or modulo by zero");
      if (y == -1) return Value::integer(0);
      return Value::integer(floormod(x, y));
    case BinaryOp::Pow:
      return int_pow(vm, x, y);
    case BinaryOp::LShift:
      if (y < 0) vm.raise("ValueError", "negative shift count");
      if (x == 0) return Value::integer(0);
      if (y >= 63 || (x > 0 ? x > (INT64_MAX >> y) : x < (INT64_MIN >> y))) overflow(vm);
      return Value::integer(x * (int64_t(1) << y));
    case BinaryOp::RShift:
      if (y < 0) vm.raise("ValueError", "negative shift count");
      return Value::integer(y >= 63 ? (x < 0 ? -1 : 0) : (x >> y));
    case BinaryOp::And:
      if (a.is_bool() && b.is_bool()) return Value::boolean(a.as_bool() && b.as_bool());
      return Value::integer(x & y);
    case BinaryOp::Or:
      if (a.is_bool() && b.is_bool()) return Value::boolean(a.as_bool() || b.as_bool());
      return Value::integer(x | y);
    case BinaryOp::Xor:
      if (a.is_bool() && b.is_bool()) return Value::boolean(a.as_bool() != b.as_bool());
      return Value::integer(x ^ y);
    default:
      return Value::not_implemented();
  }
}

static Value sequence_repeat(VM& vm, const Value& seq, const Value& n) {
  int64_t k = n.as_int();
  if (k < 0) k = 0;
  if (is_kind(seq, ObjKind::Str)) {
    const std::string& s = as<StrObj>(seq)->s;
    if (k > 0 && int64_t(s.size()) > kMaxSequenceLength / k) vm.raise("MemoryError", "");
    std::string r;
    r.reserve(s.size() * size_t(k));
    for (int64_t i = 0; i < k; ++i) r += s;
    return vm.str(r);
  }
  const auto& items =
      is_kind(seq, ObjKind::List) ? as<ListObj>(seq)->items : as<TupleObj>(seq)->items;
  if (k > 0 && int64_t(items.size()) > kMaxSequenceLength / k) vm.raise("MemoryError", "");
  std::vector<Value> r;
  r.reserve(items.size() * size_t(k));
  for (int64_t i = 0; i < k; ++i) r.insert(r.end(), items.begin(), items.end());
  return is_kind(seq, ObjKind::List) ? vm.list(std::move(r)) : vm.tuple(std::move(r));
}

Value VM::binary(BinaryOp op, const Value& a, const Value& b) {
  Value r;
  if (a.is_tensor() || (b.is_tensor() && a.is_number())) {
    // Tensor arithmetic, the hot path: straight to the tensor hook (the one the general path
    // below would pick for these operands).
    const TypeHooks* h = hooks_of(*this, a.is_tensor() ? a : b);
    if (h && h->binary) {
      r = h->binary(*this, op, a, b);
      if (r.tag() != Tag::NotImplemented) return r;
    }
  } else {
    r = arith(*this, op, a, b);
    if (r.tag() != Tag::NotImplemented) return r;
    const TypeHooks* h = hooks_of(*this, a);
    if (!h || !h->binary) h = hooks_of(*this, b);
    if (h && h->binary) {
      r = h->binary(*this, op, a, b);
      if (r.tag() != Tag::NotImplemented) return r;
    }
  }
  bool seq_a = a.is_object() && (kind_of(a) == ObjKind::Str || kind_of(a) == ObjKind::List ||
                                 kind_of(a) == ObjKind::Tuple);
  bool seq_b = b.is_object() && (kind_of(b) == ObjKind::Str || kind_of(b) == ObjKind::List ||
                                 kind_of(b) == ObjKind::Tuple);
  if (op == BinaryOp::Add && seq_a) {
    if (seq_b && kind_of(a) == kind_of(b)) {
      if (kind_of(a) == ObjKind::Str) return str(as<StrObj>(a)->s + as<StrObj>(b)->s);
      const auto& x = kind_of(a) == ObjKind::List ? as<ListObj>(a)->items : as<TupleObj>(a)->items;
      const auto& y = kind_of(b) == ObjKind::List ? as<ListObj>(b)->items : as<TupleObj>(b)->items;
      std::vector<Value> v(x);
      v.insert(v.end(), y.begin(), y.end());
      return kind_of(a) == ObjKind::List ? list(std::move(v)) : tuple(std::move(v));
    }
    if (!instance_dunder(b, binop_names[0][1])) {
      const char* k = kind_of(a) == ObjKind::Str    ? "str"
                      : kind_of(a) == ObjKind::List ? "list"
                                                    : "tuple";
      raise("TypeError",
            std::string("can only concatenate ") + k + " (not \"" + type_name(b) + "\") to " + k);
    }
  }
  if (op == BinaryOp::Mul) {
    if (seq_a && b.is_intlike()) return sequence_repeat(*this, a, b);
    if (seq_b && a.is_intlike()) return sequence_repeat(*this, b, a);
  }
  if (op == BinaryOp::Mod && is_kind(a, ObjKind::Str))
    return str(str_percent(*this, as<StrObj>(a)->s, b));
  if (is_kind(a, ObjKind::Set) && is_kind(b, ObjKind::Set) &&
      (op == BinaryOp::Or || op == BinaryOp::And || op == BinaryOp::Sub || op == BinaryOp::Xor)) {
    // The same steps as CPython's set_or / set_intersection / set_difference /
    // set_symmetric_difference, so the result's order matches.
    Value out = set();
    auto& ot = as<SetObj>(out)->table;
    auto& ta = as<SetObj>(a)->table;
    auto& tb = as<SetObj>(b)->table;
    switch (op) {
      case BinaryOp::Or:
        ot.merge_from(*this, ta);
        ot.merge_from(*this, tb);
        break;
      case BinaryOp::And: {
        const SetTable& small = tb.size() > ta.size() ? ta : tb;
        const SetTable& large = tb.size() > ta.size() ? tb : ta;
        for (auto& e : small.entries())
          if (!e.key.is_undef() && large.find(*this, e.key, e.hash) >= 0)
            ot.insert(*this, e.key, e.hash);
        break;
      }
      case BinaryOp::Sub:
        for (auto& e : ta.entries())
          if (!e.key.is_undef() && tb.find(*this, e.key, e.hash) < 0)
            ot.insert(*this, e.key, e.hash);
        break;
      default:
        ot.merge_from(*this, tb);
        for (auto& e : ta.entries()) {
          if (e.key.is_undef()) continue;
          if (!ot.erase(*this, e.key, e.hash)) ot.insert(*this, e.key, e.hash);
        }
        break;
    }
    return out;
  }
  if (is_kind(a, ObjKind::Dict) && is_kind(b, ObjKind::Dict) && op == BinaryOp::Or) {
    Value out = dict();
    for (const Value* d : {&a, &b})
      for (auto& e : as<DictObj>(*d)->table.entries())
        if (!e.key.is_undef()) dict_set(as<DictObj>(out), e.key, e.value);
    return out;
  }
  // A user class's dunder, for callers outside the dispatch loop.
  StrObj** n = binop_names[int(op)];
  if (const Value* d = instance_dunder(a, n[0])) return call(*d, {a, b});
  if (const Value* d = instance_dunder(b, n[1])) return call(*d, {b, a});
  raise("TypeError", std::string("unsupported operand type(s) for ") + kOpSymbols[int(op)] + ": '" +
                         type_name(a) + "' and '" + type_name(b) + "'");
}

Value inplace_builtin(VM& vm, BinaryOp op, const Value& a, const Value& b) {
  if (is_kind(a, ObjKind::List)) {
    if (op == BinaryOp::Add) {
      std::vector<Value> items = vm.to_vector(b);
      auto& dst = as<ListObj>(a)->items;
      dst.insert(dst.end(), items.begin(), items.end());
      return a;
    }
  }
  if (const TypeHooks* h = hooks_of(vm, a); h && h->inplace) {
    Value r = h->inplace(vm, op, a, b);
    if (r.tag() != Tag::NotImplemented) return r;
  }
  if (is_kind(a, ObjKind::Set) && is_kind(b, ObjKind::Set)) {
    Value r = vm.binary(op, a, b);
    as<SetObj>(a)->table = as<SetObj>(r)->table;
    return a;
  }
  return vm.binary(op, a, b);
}

Value unary_op(VM& vm, UnaryOp op, const Value& v) {
  switch (op) {
    case UnaryOp::Not:
      return Value::boolean(!vm.truthy(v));
    case UnaryOp::Neg:
      if (v.is_float()) return Value::number(-v.as_float());
      if (v.is_intlike()) {
        if (v.as_int() == INT64_MIN) overflow(vm);
        return Value::integer(-v.as_int());
      }
      break;
    case UnaryOp::Pos:
      if (v.is_float()) return v;
      if (v.is_intlike()) return Value::integer(v.as_int());
      break;
    case UnaryOp::Invert:
      if (v.is_intlike()) return Value::integer(~v.as_int());
      break;
  }
  if (const TypeHooks* h = hooks_of(vm, v); h && h->unary) {
    Value r = h->unary(vm, op, v);
    if (r.tag() != Tag::NotImplemented) return r;
  }
  static const char* sym[] = {"-", "+", "not", "~"};
  static const int ids[] = {VM::kNeg, VM::kPos, 0, VM::kInvert};
  if (const Value* d = vm.instance_dunder(v, vm.names[ids[int(op)]])) return vm.call(*d, {v});
  vm.raise("TypeError", std::string("bad operand type for unary ") + sym[int(op)] + ": '" +
                            vm.type_name(v) + "'");
}

// --- comparison -------------------------------------------------------------------------------
// Exact comparison of an int with a float: -1, 0, 1, or 2 for unordered (NaN).
static int cmp_int_float(int64_t i, double d) {
  if (std::isnan(d)) return 2;
  if (d >= 9.2233720368547758e18) return -1;
  if (d < -9.2233720368547758e18) return 1;
  double fi = std::floor(d);
  int64_t di = int64_t(fi);
  if (i < di) return -1;
  if (i > di) return 1;
  return d > fi ? -1 : 0;
}

static int num_cmp(const Value& a, const Value& b) {
  if (a.is_intlike() && b.is_intlike())
    return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  if (a.is_float() && b.is_float()) {
    double x = a.as_float(), y = b.as_float();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : x > y;
  }
  if (a.is_intlike()) return cmp_int_float(a.as_int(), b.as_float());
  int r = cmp_int_float(b.as_int(), a.as_float());
  return r == 2 ? 2 : -r;
}

static bool cmp_result(CompareOp op, int c) {
  if (c == 2) return op == CompareOp::Ne;
  switch (op) {
    case CompareOp::Eq:
      return c == 0;
    case CompareOp::Ne:
      return c != 0;
    case CompareOp::Lt:
      return c < 0;
    case CompareOp::Le:
      return c <= 0;
    case CompareOp::Gt:
      return c > 0;
    case CompareOp::Ge:
      return c >= 0;
  }
  return false;
}

struct DepthGuard {
  VM& vm;
  explicit DepthGuard(VM& v) : vm(v) {
    if (++vm.native_depth > kMaxNativeDepth) {
      --vm.native_depth;
      vm.raise("RecursionError", "maximum recursion depth exceeded in comparison");
    }
  }
  ~DepthGuard() { --vm.native_depth; }
};

Value VM::compare(CompareOp op, const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return Value::boolean(cmp_result(op, num_cmp(a, b)));
  const TypeHooks* h = hooks_of(*this, a);
  if (!h || !h->compare) h = hooks_of(*this, b);
  if (h && h->compare) {
    Value r = h->compare(*this, op, a, b);
    if (r.tag() != Tag::NotImplemented) return r;
  }
  if (op == CompareOp::Eq || op == CompareOp::Ne)
    return Value::boolean(eq(a, b) == (op == CompareOp::Eq));
  if (is_kind(a, ObjKind::Str) && is_kind(b, ObjKind::Str)) {
    int c = as<StrObj>(a)->s.compare(as<StrObj>(b)->s);
    return Value::boolean(cmp_result(op, c < 0 ? -1 : c > 0));
  }
  bool la = is_kind(a, ObjKind::List) && is_kind(b, ObjKind::List);
  bool ta = is_kind(a, ObjKind::Tuple) && is_kind(b, ObjKind::Tuple);
  if (la || ta) {
    DepthGuard g(*this);
    const auto& x = la ? as<ListObj>(a)->items : as<TupleObj>(a)->items;
    const auto& y = la ? as<ListObj>(b)->items : as<TupleObj>(b)->items;
    size_t i = 0;
    while (i < x.size() && i < y.size() && eq(x[i], y[i])) ++i;
    if (i < x.size() && i < y.size()) return compare(op, x[i], y[i]);
    int c = x.size() < y.size() ? -1 : x.size() > y.size();
    return Value::boolean(cmp_result(op, c));
  }
  if (is_kind(a, ObjKind::Set) && is_kind(b, ObjKind::Set)) {
    auto subset = [&](const Value& p, const Value& q) {
      for (auto& e : as<SetObj>(p)->table.entries())
        if (!e.key.is_undef() && as<SetObj>(q)->table.find(*this, e.key, e.hash) < 0) return false;
      return true;
    };
    size_t na = as<SetObj>(a)->table.size(), nb = as<SetObj>(b)->table.size();
    switch (op) {
      case CompareOp::Le:
        return Value::boolean(subset(a, b));
      case CompareOp::Lt:
        return Value::boolean(na < nb && subset(a, b));
      case CompareOp::Ge:
        return Value::boolean(subset(b, a));
      case CompareOp::Gt:
        return Value::boolean(na > nb && subset(b, a));
      default:
        break;
    }
  }
  static const int direct[] = {kEq, kNe, kLt, kLe, kGt, kGe};
  static const int reflected[] = {kEq, kNe, kGt, kGe, kLt, kLe};
  if (const Value* d = instance_dunder(a, names[direct[int(op)]])) return call(*d, {a, b});
  if (const Value* d = instance_dunder(b, names[reflected[int(op)]])) return call(*d, {b, a});
  raise("TypeError", std::string("'") + kCmpSymbols[int(op)] +
                         "' not supported between instances of '" + type_name(a) + "' and '" +
                         type_name(b) + "'");
}

Value compare_builtin(VM& vm, CompareOp op, const Value& a, const Value& b) {
  return vm.compare(op, a, b);
}

bool VM::less(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return num_cmp(a, b) == -1;
  return truthy(compare(CompareOp::Lt, a, b));
}

bool VM::eq(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return num_cmp(a, b) == 0;
  if (a.same(b)) return true;
  if (a.is_object() && b.is_object()) {
    ObjKind ka = kind_of(a), kb = kind_of(b);
    if (ka == ObjKind::Str && kb == ObjKind::Str) return as<StrObj>(a)->s == as<StrObj>(b)->s;
    if ((ka == ObjKind::List && kb == ObjKind::List) ||
        (ka == ObjKind::Tuple && kb == ObjKind::Tuple)) {
      DepthGuard g(*this);
      const auto& x = ka == ObjKind::List ? as<ListObj>(a)->items : as<TupleObj>(a)->items;
      const auto& y = ka == ObjKind::List ? as<ListObj>(b)->items : as<TupleObj>(b)->items;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!x[i].same(y[i]) && !eq(x[i], y[i])) return false;
      return true;
    }
    if (ka == ObjKind::Dict && kb == ObjKind::Dict) {
      DepthGuard g(*this);
      auto& ta = as<DictObj>(a)->table;
      auto& tb = as<DictObj>(b)->table;
      if (ta.size() != tb.size()) return false;
      for (auto& e : ta.entries()) {
        if (e.key.is_undef()) continue;
        int64_t i = tb.find(*this, e.key, e.hash);
        if (i < 0 || !eq(e.value, tb.entries()[size_t(i)].value)) return false;
      }
      return true;
    }
    if (ka == ObjKind::Set && kb == ObjKind::Set) {
      auto& ta = as<SetObj>(a)->table;
      auto& tb = as<SetObj>(b)->table;
      if (ta.size() != tb.size()) return false;
      for (auto& e : ta.entries())
        if (!e.key.is_undef() && tb.find(*this, e.key, e.hash) < 0) return false;
      return true;
    }
    if (ka == ObjKind::Range && kb == ObjKind::Range) {
      auto* x = as<RangeObj>(a);
      auto* y = as<RangeObj>(b);
      int64_t n = x->length();
      if (n != y->length()) return false;
      if (n == 0) return true;
      if (x->start != y->start) return false;
      return n == 1 || x->step == y->step;
    }
  }
  const TypeHooks* h = hooks_of(*this, a);
  if (!h || !h->compare) h = hooks_of(*this, b);
  if (h && h->compare) {
    Value r = h->compare(*this, CompareOp::Eq, a, b);
    if (r.tag() != Tag::NotImplemented) return truthy(r);
  }
  if (const Value* d = instance_dunder(a, names[kEq])) return truthy(call(*d, {a, b}));
  if (const Value* d = instance_dunder(b, names[kEq])) return truthy(call(*d, {b, a}));
  return false;
}

bool hash_keys_equal(VM& vm, const Value& a, const Value& b) {
  if (a.is_tensor() || b.is_tensor()) return a.same(b);
  if (is_kind(a, ObjKind::Str) && is_kind(b, ObjKind::Str)) {  // the common dict key
    const StrObj* x = as<StrObj>(a);
    const StrObj* y = as<StrObj>(b);
    if (x->interned && y->interned) return x == y;  // one interned object per text
    return x->s == y->s;
  }
  return vm.eq(a, b);
}

// --- hashing (CPython's algorithms for numbers and tuples) -------------------------------------
static constexpr uint64_t kHashModulus = (uint64_t(1) << 61) - 1;

static int64_t hash_int(int64_t v) {
  uint64_t m = v < 0 ? (0 - uint64_t(v)) % kHashModulus : uint64_t(v) % kHashModulus;
  int64_t h = v < 0 ? -int64_t(m) : int64_t(m);
  return h == -1 ? -2 : h;
}

static int64_t hash_float(double v) {
  if (std::isinf(v)) return v > 0 ? 314159 : -314159;
  if (std::isnan(v)) return 0;
  int e;
  double m = std::frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & kHashModulus) | x >> (61 - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = uint64_t(m);
    m -= double(y);
    x += y;
    if (x >= kHashModulus) x -= kHashModulus;
  }
  e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
  x = ((x << e) & kHashModulus) | x >> (61 - e);
  int64_t h = int64_t(x) * sign;
  return h == -1 ? -2 : h;
}

int64_t VM::hash(const Value& v) {
  switch (v.tag()) {
    case Tag::None:
      return 0x5f3c7a1;
    case Tag::Bool:
    case Tag::Int:
      return hash_int(v.as_int());
    case Tag::Float: {
      double d = v.as_float();
      if (d == std::floor(d) && std::fabs(d) < 9.2e18) return hash_int(int64_t(d));
      return hash_float(d);
    }
    case Tag::Tensor: {
      const TypeHooks* h = hooks_of(*this, v);
      if (h && h->hash) return h->hash(*this, v);
      return int64_t(reinterpret_cast<uintptr_t>(v.as_tensor()) >> 4);
    }
    case Tag::Object:
      break;
    default:
      return int64_t(v.tag()) * 7919;
  }
  Object* o = v.as_object();
  switch (o->kind) {
    case ObjKind::Str:
      return static_cast<StrObj*>(o)->hash();
    case ObjKind::Tuple: {
      DepthGuard g(*this);
      const uint64_t p1 = 11400714785074694791ull, p2 = 14029467366897019727ull,
                     p5 = 2870177450012600261ull;
      uint64_t acc = p5;
      auto& items = static_cast<TupleObj*>(o)->items;
      for (auto& x : items) {
        uint64_t lane = uint64_t(hash(x));
        acc += lane * p2;
        acc = (acc << 31) | (acc >> 33);
        acc *= p1;
      }
      acc += items.size() ^ (p5 ^ 3527539ull);
      if (acc == uint64_t(-1)) return 1546275796;
      return int64_t(acc);
    }
    case ObjKind::List:
    case ObjKind::Dict:
    case ObjKind::Set:
      raise("TypeError", "unhashable type: '" + type_name(v) + "'");
    case ObjKind::Instance:
      if (const Value* d = instance_dunder(v, names[kHash])) {
        if (d->is_none()) raise("TypeError", "unhashable type: '" + type_name(v) + "'");
        Value r = call(*d, {v});
        if (!r.is_intlike()) raise("TypeError", "__hash__ method should return an integer");
        return hash_int(r.as_int());
      }
      break;
    case ObjKind::Native: {
      const TypeHooks* h = hooks_of(*this, v);
      if (h && h->hash) return h->hash(*this, v);
      break;
    }
    default:
      break;
  }
  return int64_t(o->serial) * 16 + 0x7f0000000;
}

// --- truthiness, length, membership -------------------------------------------------------------
bool fast_truthy(const Value& v, bool* out) {
  switch (v.tag()) {
    case Tag::None:
      *out = false;
      return true;
    case Tag::Bool:
      *out = v.as_bool();
      return true;
    case Tag::Int:
      *out = v.as_int() != 0;
      return true;
    case Tag::Float:
      *out = v.as_float() != 0;
      return true;
    case Tag::Object:
      switch (kind_of(v)) {
        case ObjKind::Str:
          *out = !as<StrObj>(v)->s.empty();
          return true;
        case ObjKind::List:
          *out = !as<ListObj>(v)->items.empty();
          return true;
        case ObjKind::Tuple:
          *out = !as<TupleObj>(v)->items.empty();
          return true;
        case ObjKind::Dict:
          *out = as<DictObj>(v)->table.size() > 0;
          return true;
        case ObjKind::Set:
          *out = as<SetObj>(v)->table.size() > 0;
          return true;
        case ObjKind::Range:
          *out = as<RangeObj>(v)->length() > 0;
          return true;
        case ObjKind::Instance:
        case ObjKind::Native:
          return false;
        default:
          *out = true;
          return true;
      }
    case Tag::Tensor:
      return false;
    default:
      *out = true;
      return true;
  }
}

bool VM::truthy(const Value& v) {
  bool r;
  if (fast_truthy(v, &r)) return r;
  if (const TypeHooks* h = hooks_of(*this, v)) {
    if (h->truthy) return h->truthy(*this, v);
    if (h->len) return h->len(*this, v) != 0;
    return true;
  }
  if (const Value* d = instance_dunder(v, names[kBool])) {
    Value b = call(*d, {v});
    if (!b.is_bool()) raise("TypeError", "__bool__ should return bool, returned " + type_name(b));
    return b.as_bool();
  }
  if (const Value* d = instance_dunder(v, names[kLen])) return call(*d, {v}).as_int() != 0;
  return true;
}

int64_t VM::len(const Value& v) {
  if (v.is_object()) {
    switch (kind_of(v)) {
      case ObjKind::Str:
        return as<StrObj>(v)->length;
      case ObjKind::List:
        return int64_t(as<ListObj>(v)->items.size());
      case ObjKind::Tuple:
        return int64_t(as<TupleObj>(v)->items.size());
      case ObjKind::Dict:
        return int64_t(as<DictObj>(v)->table.size());
      case ObjKind::Set:
        return int64_t(as<SetObj>(v)->table.size());
      case ObjKind::Range:
        return as<RangeObj>(v)->length();
      case ObjKind::Instance:
        if (const Value* d = instance_dunder(v, names[kLen])) {
          Value r = call(*d, {v});
          if (!r.is_intlike())
            raise("TypeError", "'" + type_name(r) + "' object cannot be interpreted as an integer");
          if (r.as_int() < 0) raise("ValueError", "__len__() should return >= 0");
          return r.as_int();
        }
        break;
      default:
        break;
    }
  }
  if (const TypeHooks* h = hooks_of(*this, v); h && h->len) return h->len(*this, v);
  raise("TypeError", "object of type '" + type_name(v) + "' has no len()");
}

bool VM::contains(const Value& c, const Value& item) {
  if (c.is_object()) {
    switch (kind_of(c)) {
      case ObjKind::List:
      case ObjKind::Tuple: {
        const auto& items =
            kind_of(c) == ObjKind::List ? as<ListObj>(c)->items : as<TupleObj>(c)->items;
        for (size_t i = 0; i < items.size(); ++i)
          if (items[i].same(item) || eq(items[i], item)) return true;
        return false;
      }
      case ObjKind::Str:
        if (!is_kind(item, ObjKind::Str))
          raise("TypeError",
                "'in <string>' requires string as left operand, not " + type_name(item));
        return as<StrObj>(c)->s.find(as<StrObj>(item)->s) != std::string::npos;
      case ObjKind::Dict:
        return as<DictObj>(c)->table.find(*this, item, hash(item)) >= 0;
      case ObjKind::Set:
        return as<SetObj>(c)->table.find(*this, item, hash(item)) >= 0;
      case ObjKind::Range: {
        auto* r = as<RangeObj>(c);
        if (!item.is_intlike()) {
          if (!item.is_float()) return false;
          double d = item.as_float();
          if (d != std::floor(d)) return false;
          return contains(c, Value::integer(int64_t(d)));
        }
        int64_t x = item.as_int();
        if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop))
          return false;
        return (x - r->start) % r->step == 0;
      }
      case ObjKind::Instance:
        if (const Value* d = instance_dunder(c, names[kContains]))
          return truthy(call(*d, {c, item}));
        break;
      default:
        break;
    }
  }
  if (const TypeHooks* h = hooks_of(*this, c); h && h->contains) return h->contains(*this, c, item);
  bool iterable = is_kind(c, ObjKind::Iterator) || instance_dunder(c, names[kIter]) ||
                  (hooks_of(*this, c) && hooks_of(*this, c)->iter);
  if (!iterable) raise("TypeError", "argument of type '" + type_name(c) + "' is not iterable");
  Value it = iter(c);
  Value x;
  while (next(it, x))
    if (x.same(item) || eq(x, item)) return true;
  return false;
}

}  // namespace gradlab::lang
