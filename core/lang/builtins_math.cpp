// The `math` module and the `random` module. random reproduces CPython's generator
// (MT19937 seeded by init_by_array, random() from two draws, _randbelow by rejection, and
// CPython's gauss, shuffle, choice and sample), so seeded programs print what CPython prints.
// Each session has its own generator state (no global state).
#include <cmath>
#include <random>

#include "lang/builtins.h"

namespace gradlab::lang {

namespace {
// --- math -------------------------------------------------------------------------------------
double num(VM& vm, const CallArgs& a, size_t i, const char* f) { return float_arg(vm, a[i], f); }
[[noreturn]] void domain(VM& vm) { vm.raise("ValueError", "math domain error"); }
Value checked(VM& vm, double r, double x) {
  if (std::isnan(r) && !std::isnan(x)) domain(vm);
  if (std::isinf(r) && std::isfinite(x)) vm.raise("OverflowError", "math range error");
  return Value::number(r);
}

#define UNARY_MATH(name, expr)          \
  Value m_##name(VM& vm, CallArgs& a) { \
    expect_args(vm, a, #name, 1, 1);    \
    double x = num(vm, a, 0, #name);    \
    return checked(vm, expr, x);        \
  }
UNARY_MATH(exp, std::exp(x))
UNARY_MATH(sin, std::sin(x))
UNARY_MATH(cos, std::cos(x))
UNARY_MATH(tan, std::tan(x))
UNARY_MATH(asin, (x < -1 || x > 1) ? NAN : std::asin(x))
UNARY_MATH(acos, (x < -1 || x > 1) ? NAN : std::acos(x))
UNARY_MATH(atan, std::atan(x))
UNARY_MATH(sinh, std::sinh(x))
UNARY_MATH(cosh, std::cosh(x))
UNARY_MATH(tanh, std::tanh(x))
UNARY_MATH(fabs, std::fabs(x))
UNARY_MATH(degrees, x * 180.0 / M_PI)
UNARY_MATH(radians, x* M_PI / 180.0)
UNARY_MATH(erf, std::erf(x))
UNARY_MATH(expm1, std::expm1(x))
#undef UNARY_MATH

Value m_sqrt(VM& vm, CallArgs& a) {
  expect_args(vm, a, "sqrt", 1, 1);
  double x = num(vm, a, 0, "sqrt");
  if (x < 0) domain(vm);
  return Value::number(std::sqrt(x));
}
Value m_log(VM& vm, CallArgs& a) {
  expect_args(vm, a, "log", 1, 2);
  double x = num(vm, a, 0, "log");
  if (x <= 0) domain(vm);
  double r = std::log(x);
  if (a.npos == 2) {
    double b = num(vm, a, 1, "log");
    if (b <= 0) domain(vm);
    double lb = std::log(b);
    if (lb == 0) vm.raise("ZeroDivisionError", "float division by zero");
    r /= lb;
  }
  return Value::number(r);
}
Value m_log2(VM& vm, CallArgs& a) {
  expect_args(vm, a, "log2", 1, 1);
  double x = num(vm, a, 0, "log2");
  if (x <= 0) domain(vm);
  return Value::number(std::log2(x));
}
Value m_log10(VM& vm, CallArgs& a) {
  expect_args(vm, a, "log10", 1, 1);
  double x = num(vm, a, 0, "log10");
  if (x <= 0) domain(vm);
  return Value::number(std::log10(x));
}
Value m_log1p(VM& vm, CallArgs& a) {
  expect_args(vm, a, "log1p", 1, 1);
  double x = num(vm, a, 0, "log1p");
  if (x <= -1) domain(vm);
  return Value::number(std::log1p(x));
}
Value m_atan2(VM& vm, CallArgs& a) {
  expect_args(vm, a, "atan2", 2, 2);
  return Value::number(std::atan2(num(vm, a, 0, "atan2"), num(vm, a, 1, "atan2")));
}
Value m_hypot(VM& vm, CallArgs& a) {
  double s = 0;
  for (uint32_t i = 0; i < a.npos; ++i) {
    double x = num(vm, a, i, "hypot");
    s = std::hypot(s, x);
  }
  return Value::number(s);
}
Value m_copysign(VM& vm, CallArgs& a) {
  expect_args(vm, a, "copysign", 2, 2);
  return Value::number(std::copysign(num(vm, a, 0, "copysign"), num(vm, a, 1, "copysign")));
}
Value m_pow(VM& vm, CallArgs& a) {
  expect_args(vm, a, "pow", 2, 2);
  double x = num(vm, a, 0, "pow"), y = num(vm, a, 1, "pow");
  if (x == 0 && y < 0) domain(vm);
  if (x < 0 && y != std::floor(y) && std::isfinite(y)) domain(vm);
  double r = std::pow(x, y);
  if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
    vm.raise("OverflowError", "math range error");
  return Value::number(r);
}
Value to_int(VM& vm, double d) {
  if (std::isnan(d)) vm.raise("ValueError", "cannot convert float NaN to integer");
  if (std::isinf(d)) vm.raise("OverflowError", "cannot convert float infinity to integer");
  if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
    vm.raise("OverflowError", "integer overflow in gradlab (ints are 64-bit)");
  return Value::integer(int64_t(d));
}
Value round_call(VM& vm, CallArgs& a, const char* name, double (*f)(double)) {
  expect_args(vm, a, name, 1, 1);
  if (a[0].is_intlike()) return Value::integer(a[0].as_int());
  if (const Value* m = class_method(vm, a[0], (std::string("__") + name + "__").c_str()))
    return vm.tail_call(*m, {a[0]});
  return to_int(vm, f(num(vm, a, 0, name)));
}
Value m_floor(VM& vm, CallArgs& a) { return round_call(vm, a, "floor", std::floor); }
Value m_ceil(VM& vm, CallArgs& a) { return round_call(vm, a, "ceil", std::ceil); }
Value m_trunc(VM& vm, CallArgs& a) { return round_call(vm, a, "trunc", std::trunc); }
Value m_isclose(VM& vm, CallArgs& a) {
  Value p[4];
  p[2] = Value::number(1e-9);
  p[3] = Value::number(0.0);
  parse_args(vm, a, "isclose", {"a", "b", "*", "rel_tol=", "abs_tol="}, p);
  double x = float_arg(vm, p[0], "isclose"), y = float_arg(vm, p[1], "isclose");
  double rt = float_arg(vm, p[2], "isclose"), at = float_arg(vm, p[3], "isclose");
  if (rt < 0 || at < 0) vm.raise("ValueError", "tolerances must be non-negative");
  if (x == y) return Value::boolean(true);
  if (std::isinf(x) || std::isinf(y)) return Value::boolean(false);
  double d = std::fabs(y - x);
  return Value::boolean((d <= std::fabs(rt * y)) || (d <= std::fabs(rt * x)) || (d <= at));
}
Value m_isnan(VM& vm, CallArgs& a) {
  expect_args(vm, a, "isnan", 1, 1);
  return Value::boolean(std::isnan(num(vm, a, 0, "isnan")));
}
Value m_isinf(VM& vm, CallArgs& a) {
  expect_args(vm, a, "isinf", 1, 1);
  return Value::boolean(std::isinf(num(vm, a, 0, "isinf")));
}
Value m_isfinite(VM& vm, CallArgs& a) {
  expect_args(vm, a, "isfinite", 1, 1);
  return Value::boolean(std::isfinite(num(vm, a, 0, "isfinite")));
}
Value m_factorial(VM& vm, CallArgs& a) {
  expect_args(vm, a, "factorial", 1, 1);
  if (!a[0].is_intlike())
    vm.raise("TypeError",
             "'" + vm.type_name(a[0]) + "' object cannot be interpreted as an integer");
  int64_t n = a[0].as_int(), r = 1;
  if (n < 0) vm.raise("ValueError", "factorial() not defined for negative values");
  for (int64_t i = 2; i <= n; ++i)
    if (__builtin_mul_overflow(r, i, &r))
      vm.raise("OverflowError", "integer overflow in gradlab (ints are 64-bit)");
  return Value::integer(r);
}
int64_t gcd2(int64_t x, int64_t y) {
  x = x < 0 ? -x : x;
  y = y < 0 ? -y : y;
  while (y) {
    int64_t t = x % y;
    x = y;
    y = t;
  }
  return x;
}
Value m_gcd(VM& vm, CallArgs& a) {
  int64_t g = 0;
  for (uint32_t i = 0; i < a.npos; ++i) g = gcd2(g, int_arg(vm, a[i], "gcd"));
  return Value::integer(g);
}
Value m_lcm(VM& vm, CallArgs& a) {
  int64_t l = 1;
  for (uint32_t i = 0; i < a.npos; ++i) {
    int64_t x = int_arg(vm, a[i], "lcm");
    if (x == 0) return Value::integer(0);
    l = l / gcd2(l, x) * (x < 0 ? -x : x);
  }
  return Value::integer(l);
}
Value m_comb(VM& vm, CallArgs& a) {
  expect_args(vm, a, "comb", 2, 2);
  int64_t n = int_arg(vm, a[0], "comb"), k = int_arg(vm, a[1], "comb");
  if (n < 0 || k < 0) vm.raise("ValueError", "n must be a non-negative integer");
  if (k > n) return Value::integer(0);
  k = std::min(k, n - k);
  __int128 r = 1;
  for (int64_t i = 1; i <= k; ++i) {
    r = r * (n - k + i) / i;
    if (r > INT64_MAX) vm.raise("OverflowError", "integer overflow in gradlab (ints are 64-bit)");
  }
  return Value::integer(int64_t(r));
}
Value m_prod(VM& vm, CallArgs& a) {
  Value p[2];
  p[1] = Value::integer(1);
  parse_args(vm, a, "prod", {"iterable", "*", "start="}, p);
  Value acc = p[1];
  for (auto& x : vm.to_vector(p[0])) acc = vm.binary(BinaryOp::Mul, acc, x);
  return acc;
}
Value m_fsum(VM& vm, CallArgs& a) {
  expect_args(vm, a, "fsum", 1, 1);
  // Neumaier summation: exact enough for the sums students take.
  double s = 0, c = 0;
  for (auto& x : vm.to_vector(a[0])) {
    double v = float_arg(vm, x, "fsum"), t = s + v;
    c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return Value::number(s + c);
}

// --- random -----------------------------------------------------------------------------------
struct MT : NativeData {
  uint32_t mt[624];
  int index = 625;
  bool has_gauss = false;
  double gauss_next = 0;
  void init_genrand(uint32_t s) {
    mt[0] = s;
    for (int i = 1; i < 624; ++i)
      mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + uint32_t(i);
    index = 624;
  }
  void init_by_array(const std::vector<uint32_t>& key) {
    init_genrand(19650218u);
    size_t i = 1, j = 0;
    for (size_t k = std::max<size_t>(624, key.size()); k; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + uint32_t(j);
      if (++i >= 624) {
        mt[0] = mt[623];
        i = 1;
      }
      if (++j >= key.size()) j = 0;
    }
    for (size_t k = 623; k; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - uint32_t(i);
      if (++i >= 624) {
        mt[0] = mt[623];
        i = 1;
      }
    }
    mt[0] = 0x80000000u;
    index = 624;
    has_gauss = false;
  }
  uint32_t next() {
    if (index >= 624) {
      for (int k = 0; k < 624; ++k) {
        uint32_t y = (mt[k] & 0x80000000u) | (mt[(k + 1) % 624] & 0x7fffffffu);
        mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) ? 0x9908b0dfu : 0u);
      }
      index = 0;
    }
    uint32_t y = mt[index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }
  double random() {
    uint32_t a = next() >> 5, b = next() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }
  uint64_t getrandbits(int k) {
    if (k <= 32) return next() >> (32 - k);
    uint64_t lo = next(), hi = next() >> (64 - k);
    return lo | (hi << 32);
  }
  int64_t randbelow(int64_t n) {
    int k = 0;
    for (uint64_t x = uint64_t(n); x; x >>= 1) ++k;
    uint64_t r = getrandbits(k);
    while (r >= uint64_t(n)) r = getrandbits(k);
    return int64_t(r);
  }
};
MT& rng(VM& vm) { return *static_cast<MT*>(as<NativeObj>(vm.native_data())->data.get()); }

void seed_with(MT& m, int64_t seed) {
  uint64_t u = seed < 0 ? 0 - uint64_t(seed) : uint64_t(seed);
  std::vector<uint32_t> key;
  do {
    key.push_back(uint32_t(u & 0xffffffffu));
    u >>= 32;
  } while (u);
  m.init_by_array(key);
}

Value r_seed(VM& vm, CallArgs& a) {
  expect_args(vm, a, "seed", 0, 1);
  MT& m = rng(vm);
  if (a.npos == 0 || a[0].is_none()) {
    std::random_device rd;
    m.init_by_array({rd(), rd(), rd(), rd()});
  } else if (a[0].is_intlike()) {
    seed_with(m, a[0].as_int());
  } else if (a[0].is_float()) {
    seed_with(m, vm.hash(a[0]));
  } else if (is_kind(a[0], ObjKind::Str)) {
    seed_with(m, as<StrObj>(a[0])->hash());
  } else {
    vm.raise("TypeError",
             "The only supported seed types are: None, int, float, str, bytes, and bytearray.");
  }
  return Value::none();
}
Value r_random(VM& vm, CallArgs& a) {
  expect_args(vm, a, "random", 0, 0);
  return Value::number(rng(vm).random());
}
Value r_uniform(VM& vm, CallArgs& a) {
  expect_args(vm, a, "uniform", 2, 2);
  double lo = float_arg(vm, a[0], "uniform"), hi = float_arg(vm, a[1], "uniform");
  return Value::number(lo + (hi - lo) * rng(vm).random());
}
Value randrange_impl(VM& vm, int64_t start, int64_t stop, int64_t step) {
  if (step == 0) vm.raise("ValueError", "zero step for randrange()");
  int64_t n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / (-step);
  if (n <= 0)
    vm.raise("ValueError", "empty range for randrange() (" + std::to_string(start) + ", " +
                               std::to_string(stop) + ", " + std::to_string(n) + ")");
  return Value::integer(start + step * rng(vm).randbelow(n));
}
Value r_randint(VM& vm, CallArgs& a) {
  expect_args(vm, a, "randint", 2, 2);
  return randrange_impl(vm, int_arg(vm, a[0], "randint"), int_arg(vm, a[1], "randint") + 1, 1);
}
Value r_randrange(VM& vm, CallArgs& a) {
  expect_args(vm, a, "randrange", 1, 3);
  if (a.npos == 1) return randrange_impl(vm, 0, int_arg(vm, a[0], "randrange"), 1);
  return randrange_impl(vm, int_arg(vm, a[0], "randrange"), int_arg(vm, a[1], "randrange"),
                        a.npos > 2 ? int_arg(vm, a[2], "randrange") : 1);
}
Value r_choice(VM& vm, CallArgs& a) {
  expect_args(vm, a, "choice", 1, 1);
  int64_t n = vm.len(a[0]);
  if (n == 0) vm.raise("IndexError", "Cannot choose from an empty sequence");
  return vm.get_item(a[0], Value::integer(rng(vm).randbelow(n)));
}
Value r_shuffle(VM& vm, CallArgs& a) {
  expect_args(vm, a, "shuffle", 1, 1);
  if (!is_kind(a[0], ObjKind::List))
    vm.raise("TypeError", "shuffle() needs a list, not " + vm.type_name(a[0]));
  auto& items = as<ListObj>(a[0])->items;
  for (size_t i = items.size(); i-- > 1;) {
    size_t j = size_t(rng(vm).randbelow(int64_t(i) + 1));
    items[i].swap(items[j]);
  }
  return Value::none();
}
Value r_gauss(VM& vm, CallArgs& a) {
  Value p[2];
  p[0] = Value::number(0.0);
  p[1] = Value::number(1.0);
  parse_args(vm, a, "gauss", {"mu=", "sigma="}, p);
  MT& m = rng(vm);
  double z;
  if (m.has_gauss) {
    z = m.gauss_next;
    m.has_gauss = false;
  } else {
    double x2pi = m.random() * 2 * M_PI;
    double g2rad = std::sqrt(-2.0 * std::log(1.0 - m.random()));
    z = std::cos(x2pi) * g2rad;
    m.gauss_next = std::sin(x2pi) * g2rad;
    m.has_gauss = true;
  }
  return Value::number(float_arg(vm, p[0], "gauss") + z * float_arg(vm, p[1], "gauss"));
}
Value r_sample(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "sample", {"population", "k"}, p);
  std::vector<Value> pop = vm.to_vector(p[0]);
  int64_t n = int64_t(pop.size()), k = int_arg(vm, p[1], "sample");
  if (k < 0 || k > n) vm.raise("ValueError", "Sample larger than population or is negative");
  MT& m = rng(vm);
  std::vector<Value> result;
  result.resize(size_t(k));
  int64_t setsize = 21;
  if (k > 5) setsize += int64_t(std::pow(4.0, std::ceil(std::log(double(k) * 3) / std::log(4.0))));
  if (n <= setsize) {
    for (int64_t i = 0; i < k; ++i) {
      int64_t j = m.randbelow(n - i);
      result[size_t(i)] = pop[size_t(j)];
      pop[size_t(j)] = pop[size_t(n - i - 1)];
    }
  } else {
    std::vector<bool> taken(size_t(n), false);
    for (int64_t i = 0; i < k; ++i) {
      int64_t j = m.randbelow(n);
      while (taken[size_t(j)]) j = m.randbelow(n);
      taken[size_t(j)] = true;
      result[size_t(i)] = pop[size_t(j)];
    }
  }
  return vm.list(std::move(result));
}
}  // namespace

void init_math_random(VM& vm) {
  struct M {
    const char* name;
    NativeFn fn;
  };
  ModuleDef math;
  math.init = [](VM& vm, ModuleObj& m) {
    for (const M& f : {M{"sqrt", m_sqrt},
                       M{"exp", m_exp},
                       M{"expm1", m_expm1},
                       M{"log", m_log},
                       M{"log2", m_log2},
                       M{"log10", m_log10},
                       M{"log1p", m_log1p},
                       M{"sin", m_sin},
                       M{"cos", m_cos},
                       M{"tan", m_tan},
                       M{"asin", m_asin},
                       M{"acos", m_acos},
                       M{"atan", m_atan},
                       M{"atan2", m_atan2},
                       M{"sinh", m_sinh},
                       M{"cosh", m_cosh},
                       M{"tanh", m_tanh},
                       M{"floor", m_floor},
                       M{"ceil", m_ceil},
                       M{"trunc", m_trunc},
                       M{"fabs", m_fabs},
                       M{"isclose", m_isclose},
                       M{"isnan", m_isnan},
                       M{"isinf", m_isinf},
                       M{"isfinite", m_isfinite},
                       M{"pow", m_pow},
                       M{"factorial", m_factorial},
                       M{"gcd", m_gcd},
                       M{"lcm", m_lcm},
                       M{"comb", m_comb},
                       M{"prod", m_prod},
                       M{"fsum", m_fsum},
                       M{"hypot", m_hypot},
                       M{"copysign", m_copysign},
                       M{"degrees", m_degrees},
                       M{"radians", m_radians},
                       M{"erf", m_erf}})
      vm.set_global(&m, f.name, vm.native_function(f.name, f.fn));
    vm.set_global(&m, "pi", Value::number(M_PI));
    vm.set_global(&m, "e", Value::number(M_E));
    vm.set_global(&m, "tau", Value::number(2 * M_PI));
    vm.set_global(&m, "inf", Value::number(HUGE_VAL));
    vm.set_global(&m, "nan", Value::number(NAN));
  };
  vm.register_module("math", std::move(math));
  ModuleDef random;
  random.init = [](VM& vm, ModuleObj& m) {
    ClassObj* cls = vm.new_class("Random", "random", vm.classes.object);
    cls->subclassable = false;
    auto state = std::make_unique<MT>();
    std::random_device rd;
    state->init_by_array({rd(), rd(), rd(), rd()});
    Value gen = vm.native_object(cls, std::move(state));
    vm.set_global(&m, "_inst", gen);
    for (const M& f : {M{"seed", r_seed}, M{"random", r_random}, M{"uniform", r_uniform},
                       M{"randint", r_randint}, M{"randrange", r_randrange}, M{"choice", r_choice},
                       M{"shuffle", r_shuffle}, M{"gauss", r_gauss}, M{"normalvariate", r_gauss},
                       M{"sample", r_sample}})
      vm.set_global(&m, f.name, vm.native_function(f.name, f.fn, gen));
  };
  vm.register_module("random", std::move(random));
}

}  // namespace gradlab::lang
