// Reductions (core/ops/reduce*.cpp): PyTorch-generated fixtures (tests/fixtures/gen_reduce.py,
// bit-exact outputs and gradients), hand-computed cases, the conformance corpus's reduction
// programs at tensor level, errors, and the no-extra-allocation guarantee for small sums.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "autograd/autograd.h"
#include "reduce_spec.h"

// Counts operator new calls, to check that small reductions and products allocate nothing
// through it (their result's TensorImpl and storage come from the context's block caches).
// NOTE: the one replacement of the global operator new in the test binary; linalg_test.cpp
// reads the count too.
namespace {
std::atomic<long> g_news{0};
}  // namespace
long gradlab_test_operator_new_count() { return g_news.load(); }
void* operator new(std::size_t n) {
  ++g_news;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
#if defined(__GNUC__) && !defined(__clang__)
// GCC sees the malloc inside the replaced operator new and the free inside the replaced
// delete and warns about a mismatch that is the whole point of the replacement.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new[](std::size_t n) { return operator new(n); }
// Every delete form is replaced together with new: a sanitizer runtime that saw new[] come
// from its own operator would otherwise report free() of it as a mismatch.
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
// The nothrow forms too (std::stable_sort's temporary buffer uses them).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_news;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace gradlab {
namespace {

Tensor f32(const std::vector<double>& v, const Shape& s) {
  return from_doubles(v, s, DType::Float32);
}
Tensor f32(const std::vector<double>& v) { return f32(v, Shape{int64_t(v.size())}); }
Tensor leaf(const std::vector<double>& v, const Shape& s) {
  Tensor t = f32(v, s);
  t.set_requires_grad(true);
  return t;
}
std::vector<double> vals(const Tensor& t) { return to_doubles(t); }
std::string fn_name(const Tensor& t) {
  return t.grad_fn() ? grad_fn_name(t.grad_fn()->op) : "None";
}

// Values as PyTorch prints them with 4 decimals.
void expect_near4(const Tensor& t, const std::vector<double>& want) {
  const std::vector<double> got = to_doubles(t);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 5e-5) << "element " << i;
}

void expect_error(const std::function<void()>& f, const std::string& type, const std::string& msg) {
  try {
    f();
    ADD_FAILURE() << "no error, expected " << type << ": " << msg;
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), type);
    EXPECT_EQ(e.message(), msg);
  }
}

TEST(ReduceFixtures, MatchPyTorch) { spec::run_spec_fixtures("reduce.txt"); }

// --- sum_to ------------------------------------------------------------------------------------
TEST(SumTo, SumsLeadingAndKeptDims) {
  const Tensor g = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  EXPECT_EQ(vals(sum_to(g, Shape{3})), (std::vector<double>{5, 7, 9}));
  EXPECT_EQ(vals(sum_to(g, Shape{2, 1})), (std::vector<double>{6, 15}));
  EXPECT_EQ(vals(sum_to(g, Shape{1, 3})), (std::vector<double>{5, 7, 9}));
  EXPECT_EQ(sum_to(g, Shape{1, 3}).sizes(), (Shape{1, 3}));
  const Tensor all = sum_to(g, Shape{});
  EXPECT_EQ(all.dim(), 0);
  EXPECT_EQ(vals(all), (std::vector<double>{21}));
  EXPECT_EQ(vals(sum_to(g, Shape{1})), (std::vector<double>{21}));
}

TEST(SumTo, SameShapeIsTheTensorItself) {
  const Tensor g = f32({1, 2}, Shape{2});
  EXPECT_TRUE(sum_to(g, Shape{2}).same(g));
}

TEST(SumTo, RecordsNoAutograd) {
  const Tensor x = leaf({1, 2, 3, 4}, Shape{2, 2});
  const Tensor s = sum_to(x, Shape{2});
  EXPECT_FALSE(s.requires_grad());
  EXPECT_EQ(s.grad_fn(), nullptr);
}

TEST(SumTo, ThreeDimsToBroadcastShape) {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(i);
  const Tensor g = f32(v, Shape{2, 3, 4});
  const Tensor s = sum_to(g, Shape{3, 1});
  EXPECT_EQ(s.sizes(), (Shape{3, 1}));
  // rows of 4 summed, then the two leading blocks: (0..3)+(12..15) = 6 + 54
  EXPECT_EQ(vals(s), (std::vector<double>{60, 92, 124}));
}

// --- sum / mean dtypes and shapes ------------------------------------------------------------
TEST(Sum, IntegersAndBoolsSumToInt64) {
  EXPECT_EQ(sum(from_int64s({1, 2, 3}, Shape{3}, DType::Int64)).dtype(), DType::Int64);
  const Tensor b = sum(from_int64s({1, 0, 1}, Shape{3}, DType::Bool));
  EXPECT_EQ(b.dtype(), DType::Int64);
  EXPECT_EQ(element_as_int(b, 0), 2);
  EXPECT_EQ(sum(f32({1, 2}), DType::Float64).dtype(), DType::Float64);
}

TEST(Sum, KeepdimAndNegativeDims) {
  const Tensor m = f32({1, 2, 3, 4, 5, 6.5}, Shape{2, 3});
  EXPECT_EQ(sum(m, {-1}, false).sizes(), (Shape{2}));
  EXPECT_EQ(sum(m, {1}, true).sizes(), (Shape{2, 1}));
  EXPECT_EQ(vals(sum(m, {-2}, false)), (std::vector<double>{5, 7, 9.5}));
  EXPECT_EQ(sum(m, {0, 1}, true).sizes(), (Shape{1, 1}));
}

TEST(Sum, GradientBroadcastsBack) {
  const Tensor x = leaf({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  backward(sum(x, {1}, true), f32({1, 10}, Shape{2, 1}));
  EXPECT_EQ(vals(x.grad()), (std::vector<double>{1, 1, 1, 10, 10, 10}));
}

TEST(Mean, GradientIsOneOverCount) {
  const Tensor x = leaf({0.1, 0.2, 0.3}, Shape{3});
  backward(mean(x));
  EXPECT_EQ(vals(x.grad())[0], double(1.0f / 3.0f));
}

// --- max / min ---------------------------------------------------------------------------------
TEST(MaxMin, FullReductionSpreadsTheGradientOverTies) {
  const Tensor x = leaf({1, 3, 3}, Shape{3});
  backward(max(x));
  EXPECT_EQ(vals(x.grad()), (std::vector<double>{0, 0.5, 0.5}));
  const Tensor y = leaf({1, 3, 3, 3, 0, 3}, Shape{2, 3});
  backward(min(y));
  EXPECT_EQ(vals(y.grad()), (std::vector<double>{0, 0, 0, 0, 1, 0}));
}

TEST(MaxMin, NanWinsAndTakesTheGradient) {
  const Tensor x = leaf({1, NAN, 3}, Shape{3});
  const Tensor m = max(x);
  EXPECT_TRUE(std::isnan(vals(m)[0]));
  backward(m);
  EXPECT_EQ(vals(x.grad()), (std::vector<double>{0, 1, 0}));
}

TEST(MaxMin, AlongADimTiesPickTheFirstIndex) {
  const Tensor x = leaf({1, 3, 3, 3, 0, 3}, Shape{2, 3});
  ValuesIndices r = max(x, 1, false);
  EXPECT_EQ(to_int64s(r.indices), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(fn_name(r.values), "MaxBackward0");
  EXPECT_EQ(fn_name(r.indices), "None");
  backward(sum(r.values));
  EXPECT_EQ(vals(x.grad()), (std::vector<double>{0, 1, 0, 1, 0, 0}));
}

TEST(MaxMin, KeepdimAndNegativeDim) {
  const Tensor m = f32({1, 7, 3, 4, 2, 6}, Shape{2, 3});
  ValuesIndices r = min(m, -1, true);
  EXPECT_EQ(r.values.sizes(), (Shape{2, 1}));
  EXPECT_EQ(vals(r.values), (std::vector<double>{1, 2}));
  EXPECT_EQ(to_int64s(r.indices), (std::vector<int64_t>{0, 1}));
}

TEST(MaxMin, Errors) {
  expect_error([] { max(f32({})); }, "RuntimeError",
               "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
               "reduction dim with the 'dim' argument.");
  expect_error(
      [] {
        min(zeros(Shape{0, 3}), 0, false);
      },
      "IndexError", "min(): Expected reduction dim 0 to have non-zero size.");
  expect_error([] { argmax(f32({})); }, "IndexError",
               "argmax(): Expected reduction dim to be specified for input.numel() == 0.");
  expect_error(
      [] {
        max(f32({1, 2}), 1, false);
      },
      "IndexError", "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
}

// --- errors of the other reductions
// -----------------------------------------------------------------
TEST(ReduceErrors, PyTorchWording) {
  const Tensor i = from_int64s({1, 2}, Shape{2}, DType::Int64);
  expect_error([&] { mean(i); }, "RuntimeError",
               "mean(): could not infer output dtype. Input dtype must be either a floating point "
               "or complex dtype. Got: Long");
  expect_error([&] { var(i, {}, true, false); }, "RuntimeError",
               "std and var only support floating point and complex dtypes");
  expect_error([&] { norm(i); }, "RuntimeError",
               "norm(): input dtype should be either floating point or complex. Got Long instead.");
  expect_error(
      [] {
        sum(f32({1, 2, 3, 4}, Shape{2, 2}), {0, -2}, false);
      },
      "RuntimeError", "dim 0 appears multiple times in the list of dims");
}

// --- 0-d and empty
// ----------------------------------------------------------------------------------
TEST(ReduceEdges, ZeroDimAndEmpty) {
  const Tensor s = scalar_tensor(Scalar::from_double(2.5), DType::Float32);
  EXPECT_EQ(vals(sum(s)), (std::vector<double>{2.5}));
  EXPECT_EQ(vals(sum(s, {0}, false)), (std::vector<double>{2.5}));
  EXPECT_EQ(vals(max(s, 0, false).values), (std::vector<double>{2.5}));
  EXPECT_EQ(to_int64s(argmax(s)), (std::vector<int64_t>{0}));
  EXPECT_EQ(vals(sum(f32({}))), (std::vector<double>{0}));
  EXPECT_TRUE(std::isnan(vals(mean(f32({})))[0]));
  EXPECT_EQ(vals(prod(f32({}))), (std::vector<double>{1}));
  EXPECT_EQ(sum(zeros(Shape{0, 3}), {0}, false).sizes(), (Shape{3}));
  EXPECT_EQ(max(zeros(Shape{0, 3}), 1, false).values.sizes(), (Shape{0}));
  EXPECT_FALSE(item(any(f32({}))).b);
  EXPECT_TRUE(item(all(f32({}))).b);
}

// --- the conformance corpus, tensor by tensor ----------------------------------------------------
TEST(ReduceConformance, DimKeepdim) {  // reduce_dim_keepdim.py
  const Tensor m = f32({1, 2, 3, 4, 5, 6.5}, Shape{2, 3});
  expect_near4(sum(m), {21.5});
  expect_near4(sum(m, {0}, false), {5, 7, 9.5});
  expect_near4(sum(m, {1}, true), {6, 15.5});
  expect_near4(mean(m), {3.5833});
  expect_near4(mean(m, {0}, false), {2.5, 3.5, 4.75});
  expect_near4(mean(m, {-1}, true), {2.0, 5.1667});
  const Tensor r = f32({1, 0, -1, 0, -1, 1}, Shape{2, 3});
  expect_near4(sub(r, mean(r, {-1}, true)), {1, 0, -1, 0, -1, 1});
  const Tensor i =
      reshape(arange(Scalar::from_int(0), Scalar::from_int(6), Scalar::from_int(1)), {2, 3});
  EXPECT_EQ(to_int64s(sum(i, {0}, false)), (std::vector<int64_t>{3, 5, 7}));
  EXPECT_EQ(to_int64s(sum(i, {1}, false)), (std::vector<int64_t>{3, 12}));
  const Tensor c =
      reshape(arange(Scalar::from_double(0), Scalar::from_int(24), Scalar::from_int(1)), {2, 3, 4});
  expect_near4(sum(c, {1}, false), {12, 15, 18, 21, 48, 51, 54, 57});
  expect_near4(mean(c, {0, 2}, false), {7.5, 11.5, 15.5});
  EXPECT_EQ(sum(c, {2}, true).sizes(), (Shape{2, 3, 1}));
}

TEST(ReduceConformance, MaxArgmax) {  // reduce_max_argmax.py
  const Tensor m = f32({1, 7, 3, 4, 2, 6}, Shape{2, 3});
  expect_near4(max(m), {7});
  expect_near4(min(m), {1});
  EXPECT_EQ(to_int64s(argmax(m)), (std::vector<int64_t>{1}));
  EXPECT_EQ(to_int64s(argmin(m)), (std::vector<int64_t>{0}));
  EXPECT_EQ(to_int64s(argmax(m, 1)), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(to_int64s(argmax(m, 0)), (std::vector<int64_t>{1, 0, 1}));
  ValuesIndices r = max(m, 0, false);
  expect_near4(r.values, {4, 7, 6});
  EXPECT_EQ(to_int64s(r.indices), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(argmax(m, 1, true).sizes(), (Shape{2, 1}));
  const Tensor i = from_int64s({3, 9, 2, 9}, Shape{4}, DType::Int64);
  EXPECT_EQ(to_int64s(max(i)), (std::vector<int64_t>{9}));
  EXPECT_EQ(to_int64s(argmax(i)), (std::vector<int64_t>{1}));
}

TEST(ReduceConformance, StatsNorm) {  // reduce_stats_norm.py
  const Tensor x = f32({1, 2, 3, 4});
  expect_near4(prod(x), {24});
  expect_near4(std(x, {}, true, false), {1.2910});
  expect_near4(var(x, {}, true, false), {1.6667});
  expect_near4(std(x, {}, false, false), {1.1180});
  expect_near4(var(x, {}, false, false), {1.25});
  const Tensor m = f32({1, 2, 3, 5, 0, -1}, Shape{3, 2});
  expect_near4(std(m, {0}, true, false), {1.5275, 3.0});
  expect_near4(var(m, {1}, true, false), {0.5, 2.0, 0.5});
  expect_near4(prod(m, 0, false), {0, -10});
  EXPECT_EQ(to_int64s(prod(from_int64s({2, 3, 4}, Shape{3}, DType::Int64))),
            (std::vector<int64_t>{24}));
  expect_near4(norm(x), {5.4772});
  expect_near4(norm(m), {6.3246});
  expect_near4(norm(m, 2.0, {1}, false), {2.2361, 5.8310, 1.0});
  expect_near4(norm(x, 1.0), {10});
  EXPECT_EQ(item(norm(f32({3, 4}))).f, 5.0);
  expect_near4(cumsum(x, 0), {1, 3, 6, 10});
}

TEST(ReduceConformance, GradFnNames) {  // autograd_grad_fn_names.py and friends
  const Tensor x = leaf({1, 2, 3}, Shape{3});
  const Tensor m = leaf({1, 0, 1, 2, 1, 0}, Shape{2, 3});
  EXPECT_EQ(fn_name(sum(x)), "SumBackward0");
  EXPECT_EQ(fn_name(mean(x)), "MeanBackward0");
  EXPECT_EQ(fn_name(sum(m, {1}, false)), "SumBackward1");
  EXPECT_EQ(fn_name(mean(m, {1}, false)), "MeanBackward1");
  EXPECT_EQ(fn_name(max(m)), "MaxBackward1");
  EXPECT_EQ(fn_name(min(m)), "MinBackward1");
  EXPECT_EQ(fn_name(min(m, 0, false).values), "MinBackward0");
  EXPECT_EQ(fn_name(prod(x)), "ProdBackward0");
  EXPECT_EQ(fn_name(prod(m, 1, false)), "ProdBackward1");
  EXPECT_EQ(fn_name(cumsum(x, 0)), "CumsumBackward0");
  EXPECT_EQ(fn_name(var(x, {}, true, false)), "VarBackward0");
  EXPECT_EQ(fn_name(std(m, {1}, true, false)), "StdBackward0");
  EXPECT_EQ(fn_name(norm(x)), "NormBackward1");
  EXPECT_EQ(fn_name(norm(m, 1.0, {1}, false)), "NormBackward1");
  EXPECT_EQ(fn_name(argmax(m)), "None");
  EXPECT_EQ(fn_name(any(m)), "None");
}

TEST(ReduceConformance, MeanOfBroadcastSumBackward) {  // autograd_matmul_broadcast.py, part 3
  const Tensor X = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  const Tensor b = leaf({0.1, 0.2, 0.3}, Shape{3});
  const Tensor out = mean(add(X, b));
  expect_near4(out, {3.7});
  backward(out);
  expect_near4(b.grad(), {0.3333, 0.3333, 0.3333});
  const Tensor s = leaf({2}, Shape{1, 1});
  backward(sum(mul(s, X)));
  expect_near4(s.grad(), {21});
}

// --- speed: a small sum allocates only its result
// ----------------------------------------------------
TEST(ReduceSpeed, SmallSumAllocatesOnlyItsResult) {
  const Tensor x = f32({1, 2, 3});
  const Tensor m = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  const std::vector<int64_t> dims{1};  // the caller's argument, built outside the count
  for (int k = 0; k < 2; ++k) {        // the second round is the one measured (no lazy setup)
    const long before = gradlab_test_operator_new_count();
    Tensor s = sum(x);
    Tensor r = sum(m, dims, false);
    Tensor a = mean(x);
    const long used = gradlab_test_operator_new_count() - before;
    if (k == 1) {
      EXPECT_EQ(used, 0) << "no temporaries; results come from the block caches";
    }
    EXPECT_EQ(vals(s)[0], 6.0);
    EXPECT_EQ(vals(r), (std::vector<double>{6, 15}));
    EXPECT_EQ(vals(a)[0], 2.0);
  }
}

}  // namespace
}  // namespace gradlab
