// Creation ops (core/ops/creation.cpp): PyTorch 1.13's exact results from
// tests/fixtures/creation.txt (ranges, fills, seeded random tensors and in-place fills,
// errors), then dtype inference, layouts and the conformance corpus' creation lines.
#include <gtest/gtest.h>

#include <functional>

#include "elementwise_fixtures.h"
#include "ops/ops.h"
#include "tensor/format.h"

namespace gradlab {
namespace {

using fixtures::FxCase;

std::string repr(const Tensor& t) {
  const Tensor c = contiguous_data(t);
  FormatView v{t.dtype(), t.sizes().vec(), c->data_ptr()};
  return tensor_repr(v);
}

template <typename F> std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.type() + ": " + e.message();
  }
  return "no error";
}

DType dtype_param(const FxCase& c, DType def) {
  auto it = c.strs.find("dtype");
  return it == c.strs.end() ? def : fixtures::parse_dtype(it->second);
}
std::optional<DType> opt_dtype(const FxCase& c) {
  if (!c.strs.count("dtype")) return std::nullopt;
  return fixtures::parse_dtype(c.strs.at("dtype"));
}
Shape shape_param(const FxCase& c) {
  const std::string s = c.strs.at("shape");
  return s.empty() ? Shape{} : fixtures::parse_shape(s);
}
Scalar num(const FxCase& c, const char* k) { return c.params.at(k); }

// A zero tensor of the fixture's shape/dtype, transposed (a strided view) for layout "t".
Tensor target(const FxCase& c) {
  const Shape sh = shape_param(c);
  Tensor t = zeros(sh, dtype_param(c, DType::Float32));
  if (c.strs.at("layout") == "t")
    t = make_view(t, Shape{sh[1], sh[0]}, Shape{t.strides()[1], t.strides()[0]}, 0);
  return t;
}

Tensor run(const FxCase& c) {
  const std::string& op = c.op;
  if (op == "arange") return arange(num(c, "start"), num(c, "end"), num(c, "step"), opt_dtype(c));
  if (op == "linspace")
    return linspace(num(c, "start"), num(c, "end"), num(c, "steps").to_int(), opt_dtype(c));
  if (op == "full") return full(shape_param(c), num(c, "value"), opt_dtype(c));
  if (op == "zeros") return zeros(shape_param(c), dtype_param(c, DType::Float32));
  if (op == "ones") return ones(shape_param(c), dtype_param(c, DType::Float32));
  if (op == "eye") return eye(num(c, "n").to_int(), num(c, "m").to_int(), dtype_param(c, DType::Float32));
  Generator g(uint64_t(num(c, "seed").to_int()));
  if (op == "rand") return rand(g, shape_param(c), dtype_param(c, DType::Float32));
  if (op == "randn") return randn(g, shape_param(c), dtype_param(c, DType::Float32));
  if (op == "normal")
    return normal(g, num(c, "mean").to_double(), num(c, "std").to_double(), shape_param(c),
                  dtype_param(c, DType::Float32));
  if (op == "randint")
    return randint(g, num(c, "low").to_int(), num(c, "high").to_int(), shape_param(c),
                   dtype_param(c, DType::Int64));
  if (op == "randperm") return randperm(g, num(c, "n").to_int(), dtype_param(c, DType::Int64));
  Tensor t = target(c);
  if (op == "normal_") normal_(g, t, num(c, "mean").to_double(), num(c, "std").to_double());
  else if (op == "uniform_") uniform_(g, t, num(c, "from").to_double(), num(c, "to").to_double());
  else if (op == "bernoulli_") bernoulli_(g, t, num(c, "p").to_double());
  else runtime_error("unknown fixture op " + op);
  return t;
}

TEST(CreationFixtures, MatchPyTorchBitForBit) {
  const std::vector<FxCase> cases = fixtures::load("creation.txt");
  ASSERT_GT(cases.size(), 500u) << "fixture file missing or truncated";
  int failures = 0;
  for (const FxCase& c : cases) {
    std::string d;
    try {
      const Tensor out = run(c);
      d = c.err_type.empty() ? fixtures::compare(c.out, out)
                             : "no error; expected " + c.err_type + ": " + c.err_msg;
    } catch (const Error& e) {
      if (c.err_type.empty() || e.type() != c.err_type || e.message() != c.err_msg)
        d = "raised " + e.type() + ": " + e.message() +
            (c.err_type.empty() ? std::string() : "; expected " + c.err_type + ": " + c.err_msg);
    }
    if (!d.empty()) {
      ++failures;
      ADD_FAILURE() << c.name << " (" << c.op << "): " << d;
    }
  }
  EXPECT_EQ(failures, 0) << "of " << cases.size() << " cases";
}

// --- dtype inference, shapes, layouts ---------------------------------------------------------
TEST(Creation, DtypeInference) {
  EXPECT_EQ(full({2, 3}, Scalar::from_int(7)).dtype(), DType::Int64);
  EXPECT_EQ(full({2}, Scalar::from_double(-1.5)).dtype(), DType::Float32);
  EXPECT_EQ(full({2}, Scalar::from_bool(true)).dtype(), DType::Bool);
  EXPECT_EQ(arange(Scalar::from_int(0), Scalar::from_int(5), Scalar::from_int(1)).dtype(), DType::Int64);
  EXPECT_EQ(arange(Scalar::from_int(0), Scalar::from_double(5), Scalar::from_int(1)).dtype(), DType::Float32);
  EXPECT_EQ(linspace(Scalar::from_int(0), Scalar::from_int(1), 3).dtype(), DType::Float32);
  EXPECT_EQ(zeros({3}).dtype(), DType::Float32);
  EXPECT_EQ(zeros({}).dim(), 0);
  EXPECT_EQ(ones({0, 3}).numel(), 0);
}

TEST(Creation, LikeOpsKeepDtypeAndLayout) {
  const Tensor x = from_int64s({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::Int64);
  EXPECT_EQ(repr(zeros_like(x)), "tensor([[0, 0, 0],\n        [0, 0, 0]])");
  EXPECT_EQ(repr(ones_like(x)), "tensor([[1, 1, 1],\n        [1, 1, 1]])");
  EXPECT_EQ(repr(ones_like(x, DType::Float32)), "tensor([[1., 1., 1.],\n        [1., 1., 1.]])");
  const Tensor y = from_doubles({1.5, -2.0}, Shape{2}, DType::Float32);
  EXPECT_EQ(repr(full_like(y, Scalar::from_int(3))), "tensor([3., 3.])");
  const Tensor xt = make_view(x, Shape{3, 2}, Shape{1, 3}, 0);  // x.t()
  EXPECT_EQ(zeros_like(xt).strides(), (Shape{1, 3}));
  EXPECT_EQ(full_like(xt, Scalar::from_int(2)).strides(), (Shape{1, 3}));
  // A non-dense view (every other column) gets dense strides in its own order.
  const Tensor wide = zeros({4, 6});
  const Tensor cols = make_view(wide, Shape{6, 2}, Shape{1, 12}, 0);  // wide.t()[:, ::2]
  EXPECT_EQ(zeros_like(cols).strides(), (Shape{1, 6}));
}

TEST(Creation, Errors) {
  EXPECT_EQ(error_of([] { zeros({2, -3}); }),
            "RuntimeError: Trying to create tensor with negative dimension -3: [2, -3]");
  EXPECT_EQ(error_of([] { arange(Scalar::from_int(0), Scalar::from_int(5), Scalar::from_int(0)); }),
            "RuntimeError: step must be nonzero");
  EXPECT_EQ(error_of([] { arange(Scalar::from_int(0), Scalar::from_int(5), Scalar::from_int(-1)); }),
            "RuntimeError: upper bound and larger bound inconsistent with step sign");
  EXPECT_EQ(error_of([] { linspace(Scalar::from_int(0), Scalar::from_int(1), -1); }),
            "RuntimeError: number of steps must be non-negative");
  EXPECT_EQ(error_of([] { eye(-1); }), "RuntimeError: n must be greater or equal to 0, got -1");
  Generator g;
  EXPECT_EQ(error_of([&] { randint(g, 5, 5, {3}); }),
            "RuntimeError: random_ expects 'from' to be less than 'to', but got from=5 >= to=5");
  EXPECT_EQ(error_of([&] { rand(g, {2}, DType::Int64); }),
            "RuntimeError: \"check_uniform_bounds\" not implemented for 'Long'");
  Tensor leaf = zeros({2});
  leaf.set_requires_grad(true);
  EXPECT_EQ(error_of([&] { normal_(g, leaf); }),
            "RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.");
}

TEST(Creation, InPlaceRandomBumpsTheVersion) {
  Generator g(0);
  Tensor t = zeros({3});
  const uint32_t v0 = t->storage->version;
  normal_(g, t);
  uniform_(g, t);
  bernoulli_(g, t, 0.5);
  EXPECT_EQ(t->storage->version, v0 + 3);
}

// --- the conformance corpus -------------------------------------------------------------------
TEST(Conformance, CreateArangeLinspace) {
  auto I = [](int64_t v) { return Scalar::from_int(v); };
  auto F = [](double v) { return Scalar::from_double(v); };
  EXPECT_EQ(repr(arange(I(0), I(5), I(1))), "tensor([0, 1, 2, 3, 4])");
  EXPECT_EQ(repr(arange(I(2), I(11), I(3))), "tensor([2, 5, 8])");
  EXPECT_EQ(repr(arange(I(0), I(1), F(0.25))), "tensor([0.0000, 0.2500, 0.5000, 0.7500])");
  EXPECT_EQ(repr(arange(I(0), F(5.0), I(1))), "tensor([0., 1., 2., 3., 4.])");
  EXPECT_EQ(repr(arange(I(-3), I(3), I(1))), "tensor([-3, -2, -1,  0,  1,  2])");
  EXPECT_EQ(repr(arange(I(10), I(0), I(-2))), "tensor([10,  8,  6,  4,  2])");
  EXPECT_EQ(repr(linspace(I(0), I(1), 5)), "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])");
  EXPECT_EQ(repr(linspace(I(-1), I(1), 4)), "tensor([-1.0000, -0.3333,  0.3333,  1.0000])");
  EXPECT_EQ(repr(linspace(I(0), I(10), 3)), "tensor([ 0.,  5., 10.])");
  EXPECT_EQ(to_doubles(linspace(I(0), I(1), 5)), (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
  EXPECT_EQ(arange(I(0), I(2), F(0.5)).sizes(), (Shape{4}));
  EXPECT_EQ(repr(arange(I(1), I(4), I(1), DType::Float32)), "tensor([1., 2., 3.])");
}

TEST(Conformance, CreateZerosFull) {
  EXPECT_EQ(repr(zeros({3, 4})),
            "tensor([[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]])");
  EXPECT_EQ(repr(full({3, 4}, Scalar::from_double(7.0))),
            "tensor([[7., 7., 7., 7.],\n        [7., 7., 7., 7.],\n        [7., 7., 7., 7.]])");
  EXPECT_EQ(repr(ones({2, 3})), "tensor([[1., 1., 1.],\n        [1., 1., 1.]])");
  EXPECT_EQ(repr(ones({4}, DType::Int64)), "tensor([1, 1, 1, 1])");
  EXPECT_EQ(repr(zeros({2, 2}, DType::Int64)), "tensor([[0, 0],\n        [0, 0]])");
  EXPECT_EQ(repr(full({2, 3}, Scalar::from_int(7))), "tensor([[7, 7, 7],\n        [7, 7, 7]])");
  EXPECT_EQ(repr(full({2}, Scalar::from_double(-1.5))), "tensor([-1.5000, -1.5000])");
  EXPECT_EQ(repr(eye(3)), "tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]])");
  EXPECT_EQ(repr(eye(2, 4)), "tensor([[1., 0., 0., 0.],\n        [0., 1., 0., 0.]])");
  EXPECT_EQ(repr(zeros({1, 1, 2})), "tensor([[[0., 0.]]])");
}

}  // namespace
}  // namespace gradlab
