// core/optim/adam.cpp: the fused Adam update (torch._gradlab.adam_) leaves param, exp_avg and
// exp_avg_sq bit-identical to the op sequence optim.py runs otherwise, for float32 and float64,
// over several steps, for sizes around the 4-lane blocks and a W3-sized table, with ordinary,
// tiny, huge, subnormal, zero, infinite and NaN gradients, rows that stay zero, and gradients
// chosen so that the exp_avg multiply-add lands exactly halfway between two floats; it declines
// what it cannot do; and through the language, Adam and AdamW give the same parameters with the
// fused pass as without it.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>
#include <type_traits>
#include <vector>

#include "autograd/autograd.h"
#include "fma_cases.h"
#include "nn/nn_ops.h"
#include "program_fixtures.h"
#include "tensor/bits.h"

namespace gradlab {
namespace {

// optim.py's fallback: the op sequence of _adam_moments, then the denominator and addcdiv_.
void adam_reference(Tensor& p, const Tensor& g, Tensor& m, Tensor& v, const AdamScalars& s) {
  mul_(m, wrapped_scalar(s.beta1));
  add_(m, g, s.one_minus_beta1);
  mul_(v, wrapped_scalar(s.beta2));
  addcmul_(v, g, g, s.one_minus_beta2);
  Tensor denom = div(sqrt(v), wrapped_scalar(s.bias_correction2_sqrt));
  add_(denom, wrapped_scalar(s.eps));
  addcdiv_(p, m, denom, s.neg_step_size);
}

struct Hyper {
  Scalar beta1, beta2;
  double lr, eps;
};

// The numbers _adam_update passes for `step`, computed as the Python code computes them.
AdamScalars scalars_for(const Hyper& h, int step) {
  auto one_minus = [](const Scalar& b) {
    return b.kind == Scalar::Kind::Int ? Scalar::from_int(1 - b.i) : Scalar::from_double(1.0 - b.f);
  };
  AdamScalars s;
  s.beta1 = h.beta1;
  s.beta2 = h.beta2;
  s.one_minus_beta1 = one_minus(h.beta1);
  s.one_minus_beta2 = one_minus(h.beta2);
  const double bc1 = 1.0 - std::pow(h.beta1.to_double(), double(step));
  const double bc2 = 1.0 - std::pow(h.beta2.to_double(), double(step));
  s.neg_step_size = Scalar::from_double(-(h.lr / bc1));
  s.bias_correction2_sqrt = Scalar::from_double(std::sqrt(bc2));
  s.eps = Scalar::from_double(h.eps);
  return s;
}

// One gradient value of a mixed distribution.
template <typename T>
T random_grad(std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double scales[] = {1e-3, 1.0, 1e-2, 1e-20, 1e20, 1e-41, 1e-310};
  switch (rng() % 10) {
    case 0:  // zeros, now and then an infinity
      return rng() % 50 ? T(0.0) : T(rng() % 2 ? INFINITY : -INFINITY);
    case 1:  // negative zeros, now and then a NaN
      return rng() % 50 ? T(-0.0) : T(NAN);
    case 2:
      return T(normal(rng) * scales[rng() % 7]);
    default:
      return T(normal(rng) * 1e-2);
  }
}

struct Run {
  Tensor p, m, v;
};

// Runs `steps` steps of both the fused update and the op sequence on copies of the same
// random state; returns a description of the first differences (empty when bit-identical).
template <typename T>
std::string compare(const Shape& shape, const Hyper& h, int steps, uint64_t seed,
                    int64_t* halfway_cases) {
  const DType dt = sizeof(T) == 4 ? DType::Float32 : DType::Float64;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int64_t n = shape.numel();
  const int64_t zero_rows_from = n - n / 8;  // the last eighth: gradients always zero
  std::vector<double> p0(size_t(n), 0.0);
  for (double& x : p0) x = normal(rng);
  Run fused{from_doubles(p0, shape, dt), zeros(shape, dt), zeros(shape, dt)};
  Run ref{from_doubles(p0, shape, dt), zeros(shape, dt), zeros(shape, dt)};
  std::ostringstream out;
  int reported = 0;
  for (int step = 1; step <= steps; ++step) {
    const AdamScalars s = scalars_for(h, step);
    Tensor g = empty(shape, dt);
    T* gp = g.data<T>();
    const T* m = ref.m.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      gp[i] = i >= zero_rows_from ? T(0) : random_grad<T>(rng);
      if constexpr (sizeof(T) == 4) {
        // Every 7th element: a gradient that makes fma(g, 1 - beta1, m * beta1) a
        // double-rounding case. With 1 - beta1 = 1 - 2^-20 (kHypers[3]) and
        // g = (j + 1/2) * ulp(m * beta1) * (1 + 2^-20), the product is (j + 1/2) ulps less a
        // sliver below double's precision: the double sum lands halfway between two floats.
        if (i % 7 == 3 && i < zero_rows_from && step > 1 && m[i] != 0) {
          const float b1 = float(s.beta1.to_double());
          const float omb1 = float(s.one_minus_beta1.to_double());
          const float mb = m[i] * b1;
          const double ulp = double(std::nextafter(mb, 2 * mb)) - double(mb);
          const float cand = float((double(rng() % 3) + 0.5) * ulp * (1.0 + 0x1p-20));
          if (double_rounding_case(cand, omb1, mb)) {
            gp[i] = cand;
            ++*halfway_cases;
          }
        }
      }
    }
    const Tensor g_ref = from_doubles(std::vector<double>(gp, gp + n), shape, dt);
    EXPECT_TRUE(adam_update_(fused.p, g, fused.m, fused.v, s));
    adam_reference(ref.p, g_ref, ref.m, ref.v, s);
    for (const auto& [name, a, b] :
         {std::tuple{"param", fused.p, ref.p}, std::tuple{"exp_avg", fused.m, ref.m},
          std::tuple{"exp_avg_sq", fused.v, ref.v}}) {
      const T* x = a.template data<T>();
      const T* y = b.template data<T>();
      // Bit for bit, except that any NaN equals any NaN: which operand's NaN an operation
      // passes on (its sign and payload) follows the order the compiler puts the operands in,
      // and the unoptimised ASan build orders some differently from the Release build; nothing
      // prints the difference (PyTorch and gradlab print both as nan).
      using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
      for (int64_t i = 0; i < n; ++i)
        if (bit_cast<Bits>(x[i]) != bit_cast<Bits>(y[i]) && !(std::isnan(x[i]) && std::isnan(y[i])) && reported++ < 5)
          out << std::hexfloat << name << "[" << i << "] after step " << step << ": fused " << x[i]
              << ", op sequence " << y[i] << " (grad " << gp[i] << ")\n";
    }
  }
  return out.str();
}

const Shape kShapes[] = {Shape{1},  Shape{15},   Shape{16},       Shape{17},
                         Shape{33}, Shape{1000}, Shape{2695, 32}, Shape{4, 3, 5}};

const Hyper kHypers[] = {
    {Scalar::from_double(0.9), Scalar::from_double(0.999), 0.01, 1e-8},  // the defaults
    {Scalar::from_double(0.5), Scalar::from_double(0.75), 0.3, 1e-3},
    {Scalar::from_int(0), Scalar::from_double(0.99), 1e-3, 0.0},             // int beta1, no eps
    {Scalar::from_double(0x1p-20), Scalar::from_double(0.999), 0.01, 1e-8},  // see compare()
};

TEST(AdamFused, Float32IsBitIdenticalToTheOpSequence) {
  NoGradGuard no_grad;
  int64_t halfway = 0;
  uint64_t seed = 1;
  for (const Shape& shape : kShapes)
    for (const Hyper& h : kHypers)
      EXPECT_EQ(compare<float>(shape, h, 6, seed++, &halfway), "") << shape.str();
  EXPECT_GT(halfway, 1000);  // the careful lanes were exercised
}

TEST(AdamFused, Float64IsBitIdenticalToTheOpSequence) {
  NoGradGuard no_grad;
  int64_t unused = 0;
  uint64_t seed = 100;
  for (const Shape& shape : kShapes)
    for (const Hyper& h : kHypers)
      EXPECT_EQ(compare<double>(shape, h, 6, seed++, &unused), "") << shape.str();
}

TEST(AdamFused, DeclinesWhatItCannotFuse) {
  NoGradGuard no_grad;
  const AdamScalars s = scalars_for(kHypers[0], 1);
  auto ones32 = [](const Shape& sh) { return full(sh, Scalar::from_int(1), DType::Float32); };
  Tensor p = ones32(Shape{4, 3}), g = ones32(Shape{4, 3}), m = ones32(Shape{4, 3}),
         v = ones32(Shape{4, 3});
  // Another dtype, another shape, a non-contiguous tensor, shared memory, a bool scalar.
  Tensor g64 = full(Shape{4, 3}, Scalar::from_int(1), DType::Float64);
  EXPECT_FALSE(adam_update_(p, g64, m, v, s));
  Tensor g3 = ones32(Shape{3, 4});
  EXPECT_FALSE(adam_update_(p, g3, m, v, s));
  Tensor pt = transpose(ones32(Shape{3, 4}), 0, 1);
  EXPECT_FALSE(adam_update_(pt, g, m, v, s));
  EXPECT_FALSE(adam_update_(p, g, m, m, s));
  Tensor i64 = full(Shape{4, 3}, Scalar::from_int(1), DType::Int64);
  EXPECT_FALSE(adam_update_(i64, i64, i64, i64, s));
  AdamScalars b = s;
  b.eps = Scalar::from_bool(true);
  EXPECT_FALSE(adam_update_(p, g, m, v, b));
  // Nothing was written.
  for (const Tensor* t : {&p, &g, &m, &v})
    for (int64_t i = 0; i < 12; ++i) EXPECT_EQ(t->data<float>()[i], 1.0f);
  EXPECT_TRUE(adam_update_(p, g, m, v, s));
}

TEST(AdamFused, DeclinesWhenGradModeWouldRecord) {
  Tensor p = full(Shape{3}, Scalar::from_int(1), DType::Float32);
  p.set_requires_grad(true);
  Tensor g = full(Shape{3}, Scalar::from_int(1), DType::Float32);
  Tensor m = zeros(Shape{3}, DType::Float32), v = zeros(Shape{3}, DType::Float32);
  EXPECT_FALSE(adam_update_(p, g, m, v, scalars_for(kHypers[0], 1)));
  NoGradGuard no_grad;
  EXPECT_TRUE(adam_update_(p, g, m, v, scalars_for(kHypers[0], 1)));
}

// Through the language: a transposed (non-contiguous) copy of each parameter takes optim.py's
// op sequence, the contiguous one the fused pass; both end with the same bits.
TEST(AdamFused, AdamAndAdamWMatchTheOpSequenceThroughTheLanguage) {
  const std::string program =
      "import torch\nimport torch.optim as optim\n"
      "def fit(opt_class, transposed, **kw):\n"
      "    torch.manual_seed(0)\n"
      "    a0 = torch.randn(5, 6)\n"
      "    b0 = torch.randn(7, dtype=torch.float64)\n"
      "    if transposed:\n"
      "        a = a0.t().contiguous().t().requires_grad_()\n"
      "    else:\n"
      "        a = a0.clone().requires_grad_()\n"
      "    b = b0.clone().requires_grad_()\n"
      "    opt = opt_class([a, b], lr=0.05, **kw)\n"
      "    for i in range(5):\n"
      "        opt.zero_grad()\n"
      "        ((a * a * torch.arange(30.).reshape(5, 6)).sum() + (b ** 3).sum()).backward()\n"
      "        opt.step()\n"
      "    m = opt.state[a]['exp_avg']\n"
      "    return a.is_contiguous(), a.tolist(), b.tolist(), m.tolist()\n"
      "for cls, kw in [(optim.Adam, {}), (optim.Adam, {'betas': (0.5, 0.75), 'eps': 1e-3}),\n"
      "                (optim.Adam, {'weight_decay': 0.1, 'maximize': True}),\n"
      "                (optim.AdamW, {}), (optim.Adam, {'amsgrad': True})]:\n"
      "    x = fit(cls, False, **kw)\n"
      "    y = fit(cls, True, **kw)\n"
      "    print(x[0], y[0], x[1:] == y[1:])\n";
  EXPECT_EQ(fixtures::run_program(program),
            "True False True\nTrue False True\nTrue False True\nTrue False True\n"
            "True False True\n");
}

TEST(AdamFused, MomentsAreUpdatedBeforeABiasCorrectionRaises) {
  // beta1 = 1 after construction: 1 - beta1 ** step is 0, and lr / 0 raises, as in PyTorch
  // 1.13, after exp_avg and exp_avg_sq were updated.
  EXPECT_EQ(
      fixtures::run_program("import torch\nimport torch.optim\n"
                            "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                            "opt = torch.optim.Adam([w])\n"
                            "opt.param_groups[0]['betas'] = (1.0, 0.5)\n"
                            "(w * w).sum().backward()\n"
                            "try:\n"
                            "    opt.step()\n"
                            "except ZeroDivisionError as e:\n"
                            "    print(e)\n"
                            "print(opt.state[w]['exp_avg'], opt.state[w]['exp_avg_sq'], w)\n"),
      "float division by zero\ntensor([0., 0.]) tensor([2., 8.]) tensor([1., 2.], "
      "requires_grad=True)\n");
}

}  // namespace
}  // namespace gradlab
