// Linear algebra (core/ops/linalg*.cpp): PyTorch-generated fixtures (tests/fixtures/
// gen_linalg.py: float32 products of sizes 1..8, 32, 64, 100 bit for bit, every matmul case
// with its grad_fn and gradients, errors), hand-computed cases, the conformance corpus's
// linear-algebra programs at tensor level, SVD against PyTorch's float64 results (gauge
// invariant quantities), and the no-extra-allocation guarantee for a 3x3 mm.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/autograd.h"
#include "reduce_spec.h"

long gradlab_test_operator_new_count();  // reduce_test.cpp

namespace gradlab {
namespace {

Tensor f32(const std::vector<double>& v, const Shape& s) {
  return from_doubles(v, s, DType::Float32);
}
Tensor f32(const std::vector<double>& v) { return f32(v, Shape{int64_t(v.size())}); }
Tensor f64(const std::vector<double>& v, const Shape& s) {
  return from_doubles(v, s, DType::Float64);
}
Tensor leaf(const std::vector<double>& v, const Shape& s) {
  Tensor t = f32(v, s);
  t.set_requires_grad(true);
  return t;
}
Tensor leaf(const std::vector<double>& v) { return leaf(v, Shape{int64_t(v.size())}); }
std::vector<double> vals(const Tensor& t) { return to_doubles(t); }
std::string fn_name(const Tensor& t) {
  return t.grad_fn() ? grad_fn_name(t.grad_fn()->op) : "None";
}

void expect_near(const Tensor& t, const std::vector<double>& want, double tol) {
  const std::vector<double> got = to_doubles(t);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}
void expect_near4(const Tensor& t, const std::vector<double>& want) { expect_near(t, want, 5e-5); }

void expect_error(const std::function<void()>& f, const std::string& type, const std::string& msg) {
  try {
    f();
    ADD_FAILURE() << "no error, expected " << type << ": " << msg;
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), type);
    EXPECT_EQ(e.message(), msg);
  }
}

TEST(LinalgFixtures, MatchPyTorch) { spec::run_spec_fixtures("linalg.txt"); }

// --- hand-computed -------------------------------------------------------------------------------
TEST(Linalg, SmallProductsExactly) {
  EXPECT_EQ(vals(dot(f32({3, 1, 4}), f32({2, 7, 1}))), (std::vector<double>{17}));
  const Tensor A = f32({1, 2, 3, 4}, Shape{2, 2});
  const Tensor B = f32({0, 1, 1, 0}, Shape{2, 2});
  EXPECT_EQ(vals(mm(A, B)), (std::vector<double>{2, 1, 4, 3}));
  EXPECT_EQ(vals(mv(A, f32({1, 1}))), (std::vector<double>{3, 7}));
  EXPECT_EQ(vals(matmul(T(A), A)), (std::vector<double>{10, 14, 14, 20}));
  const Tensor I = from_int64s({1, 2, 3, 4}, Shape{2, 2}, DType::Int64);
  EXPECT_EQ(to_int64s(matmul(I, I)), (std::vector<int64_t>{7, 10, 15, 22}));
  EXPECT_EQ(to_int64s(matmul(I, from_int64s({1, -1}, Shape{2}, DType::Int64))),
            (std::vector<int64_t>{-1, -1}));
}

TEST(Linalg, Int64ProductsWrapLikeTorch) {
  const int64_t big = int64_t(1) << 62;
  const Tensor a = from_int64s({big, big}, Shape{2}, DType::Int64);
  const Tensor b = from_int64s({2, 2}, Shape{2}, DType::Int64);
  EXPECT_EQ(to_int64s(dot(a, b)), (std::vector<int64_t>{0}));  // 2^63 + 2^63 wraps to 0
}

TEST(Linalg, MatmulShapesAndGradFns) {
  const Tensor v = leaf({1, 2, 3});
  const Tensor M = leaf({1, 0, 2, -1, 3, 1}, Shape{2, 3});
  const Tensor B = leaf({1, 2, 0, 1, 4, 0}, Shape{3, 2});
  EXPECT_EQ(matmul(v, v).dim(), 0);
  EXPECT_EQ(fn_name(matmul(v, v)), "DotBackward0");
  EXPECT_EQ(fn_name(matmul(M, v)), "MvBackward0");
  const Tensor vb = matmul(v, B);
  EXPECT_EQ(vb.sizes(), (Shape{2}));
  EXPECT_EQ(fn_name(vb), "SqueezeBackward3");
  EXPECT_EQ(vals(vb), (std::vector<double>{13, 4}));
  EXPECT_EQ(fn_name(matmul(M, B)), "MmBackward0");
  const Tensor batch = leaf(std::vector<double>(12, 1.0), Shape{2, 2, 3});
  EXPECT_EQ(fn_name(matmul(batch, B)), "UnsafeViewBackward0");
  EXPECT_EQ(fn_name(matmul(M, leaf(std::vector<double>(12, 1.0), Shape{2, 3, 2}))),
            "CloneBackward0");
  EXPECT_EQ(fn_name(matmul(batch, leaf(std::vector<double>(12, 1.0), Shape{2, 3, 2}))),
            "UnsafeViewBackward0");
  EXPECT_EQ(fn_name(bmm(batch, leaf(std::vector<double>(12, 1.0), Shape{2, 3, 2}))),
            "BmmBackward0");
  EXPECT_EQ(fn_name(outer(v, v)), "MulBackward0");
  EXPECT_EQ(fn_name(diag(v)), "DiagBackward0");
  EXPECT_EQ(fn_name(trace(M)), "TraceBackward0");
}

TEST(Linalg, OneDTimesTwoDBackward) {
  const Tensor v = leaf({1, 2, 3});
  const Tensor B = leaf({1, 2, 0, 1, 4, 0}, Shape{3, 2});
  backward(matmul(v, B), f32({1, 10}));
  EXPECT_EQ(vals(v.grad()), (std::vector<double>{21, 10, 4}));
  EXPECT_EQ(vals(B.grad()), (std::vector<double>{1, 10, 2, 20, 3, 30}));
}

TEST(Linalg, DiagAndTrace) {
  EXPECT_EQ(vals(diag(f32({1, 2}), -1)), (std::vector<double>{0, 0, 0, 1, 0, 0, 0, 2, 0}));
  const Tensor m = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  EXPECT_EQ(vals(diag(m)), (std::vector<double>{1, 5}));
  EXPECT_EQ(vals(diag(m, 1)), (std::vector<double>{2, 6}));
  EXPECT_EQ(vals(diag(m, -1)), (std::vector<double>{4}));
  EXPECT_EQ(vals(trace(m)), (std::vector<double>{6}));
  const Tensor t = trace(from_int64s({1, 2, 3, 4}, Shape{2, 2}, DType::Int64));
  EXPECT_EQ(t.dtype(), DType::Int64);
  EXPECT_EQ(to_int64s(t), (std::vector<int64_t>{5}));
}

TEST(Linalg, Errors) {
  expect_error(
      [] {
        mm(ones(Shape{2, 3}), ones(Shape{2, 3}));
      },
      "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
  expect_error(
      [] {
        matmul(ones(Shape{2, 3}), ones(Shape{2, 3}));
      },
      "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
  expect_error(
      [] {
        dot(ones(Shape{2, 2}), ones(Shape{2, 2}));
      },
      "RuntimeError", "1D tensors expected, but got 2D and 2D tensors");
  expect_error([] { matmul(ones(Shape{3}), ones(Shape{2})); }, "RuntimeError",
               "inconsistent tensor size, expected tensor [3] and src [2] to have the same number "
               "of elements, but got 3 and 2 elements respectively");
  expect_error(
      [] {
        mm(ones(Shape{2, 3}), ones(Shape{3, 2}, DType::Float64));
      },
      "RuntimeError", "expected scalar type Float but found Double");
  expect_error([] { dot(ones(Shape{3}), ones(Shape{3}, DType::Float64)); }, "RuntimeError",
               "dot : expected both vectors to have same dtype, but found Float and Double");
  expect_error([] { matmul(ones(Shape{}), ones(Shape{3})); }, "RuntimeError",
               "both arguments to matmul need to be at least 1D, but they are 0D and 1D");
  expect_error([] { svd(ones(Shape{3})); }, "RuntimeError",
               "linalg.svd: input should have at least 2 dimensions, but has 1 dimensions instead");
  expect_error(
      [] {
        linalg_svd(from_int64s({1, 2, 3, 4}, Shape{2, 2}, DType::Int64));
      },
      "RuntimeError", "linalg.svd: Expected a floating point or complex tensor as input. Got Long");
}

TEST(Linalg, EmptyOperands) {
  EXPECT_EQ(vals(dot(f32({}), f32({}))), (std::vector<double>{0}));
  EXPECT_EQ(vals(mm(zeros(Shape{2, 0}), zeros(Shape{0, 3}))), std::vector<double>(6, 0.0));
  EXPECT_EQ(mm(zeros(Shape{0, 2}), zeros(Shape{2, 3})).sizes(), (Shape{0, 3}));
  EXPECT_EQ(bmm(zeros(Shape{0, 2, 3}), zeros(Shape{0, 3, 3})).sizes(), (Shape{0, 2, 3}));
}

// --- the conformance corpus
// ------------------------------------------------------------------------
TEST(LinalgConformance, DotMmOuter) {  // linalg_dot_mm_outer.py
  const Tensor x = f32({3, 1, 4}), y = f32({2, 7, 1});
  EXPECT_EQ(vals(outer(x, y)), (std::vector<double>{6, 21, 3, 2, 7, 1, 8, 28, 4}));
  const Tensor o = outer(from_int64s({1, 2}, Shape{2}, DType::Int64),
                         from_int64s({1, 10, 100}, Shape{3}, DType::Int64));
  EXPECT_EQ(to_int64s(o), (std::vector<int64_t>{1, 10, 100, 2, 20, 200}));
  EXPECT_EQ(to_int64s(dot(from_int64s({1, 2}, Shape{2}, DType::Int64),
                          from_int64s({3, 4}, Shape{2}, DType::Int64))),
            (std::vector<int64_t>{11}));
  const Tensor A = f32({1, 2, 3, 4}, Shape{2, 2});
  EXPECT_EQ(vals(matmul(eye(2), A)), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(vals(diag(f32({1, 2, 3}))), (std::vector<double>{1, 0, 0, 0, 2, 0, 0, 0, 3}));
  EXPECT_EQ(vals(diag(A)), (std::vector<double>{1, 4}));
  EXPECT_EQ(vals(trace(A)), (std::vector<double>{5}));
}

TEST(LinalgConformance, MatmulKinds) {  // linalg_matmul_kinds.py
  const Tensor v = f32({1, 2, 3}), w = f32({4, -5, 6});
  EXPECT_EQ(vals(matmul(v, w)), (std::vector<double>{12}));
  const Tensor A = f32({1, 0, 2, -1, 3, 1}, Shape{2, 3});
  EXPECT_EQ(vals(matmul(A, v)), (std::vector<double>{7, 8}));
  EXPECT_EQ(vals(matmul(f32({1, 1}), A)), (std::vector<double>{0, 3, 3}));
  const Tensor B = f32({1, 2, 0, 1, 4, 0}, Shape{3, 2});
  EXPECT_EQ(vals(matmul(A, B)), (std::vector<double>{9, 2, 3, 1}));
  EXPECT_EQ(vals(matmul(B, A)), (std::vector<double>{-1, 6, 4, -1, 3, 1, 4, 0, 8}));
  const Tensor batch =
      reshape(arange(Scalar::from_double(0), Scalar::from_int(12), Scalar::from_int(1)), {2, 2, 3});
  const Tensor bb = matmul(batch, B);
  EXPECT_EQ(bb.sizes(), (Shape{2, 2, 2}));
  EXPECT_EQ(vals(bb), (std::vector<double>{8, 1, 23, 10, 38, 19, 53, 28}));
  const Tensor other = ones(Shape{2, 3, 1});
  EXPECT_EQ(vals(matmul(batch, other)), (std::vector<double>{3, 12, 21, 30}));
  EXPECT_EQ(bmm(batch, other).sizes(), (Shape{2, 2, 1}));
}

TEST(LinalgConformance, WorksheetDot) {  // linalg_worksheet_dot.py (the rounded values)
  const Tensor uu = f32({1, -0.5, 0, 1}, Shape{2, 2});
  const Tensor vv = f32({1, 1, 0, 1}, Shape{2, 2});
  EXPECT_EQ(vals(matmul(uu, T(vv))), (std::vector<double>{0.5, -0.5, 1, 1}));
  EXPECT_EQ(vals(matmul(f32({1, 2}), f32({3, -1}))), (std::vector<double>{1}));
}

TEST(LinalgConformance, MatmulBroadcastBackward) {  // autograd_matmul_broadcast.py
  const Tensor W = leaf({1, 2, 3, 4, -1, 0.5}, Shape{3, 2});
  const Tensor x = leaf({0.5, -1});
  const Tensor y = matmul(W, x);
  EXPECT_EQ(fn_name(y), "MvBackward0");
  EXPECT_EQ(vals(y), (std::vector<double>{-1.5, -2.5, -1}));
  backward(sum(y));
  EXPECT_EQ(vals(W.grad()), (std::vector<double>{0.5, -1, 0.5, -1, 0.5, -1}));
  EXPECT_EQ(vals(x.grad()), (std::vector<double>{3, 6.5}));
  const Tensor A = leaf({1, 2, 0, 1}, Shape{2, 2});
  const Tensor B = leaf({2, 0, 1, 3}, Shape{2, 2});
  const Tensor C = matmul(A, B);
  EXPECT_EQ(vals(C), (std::vector<double>{4, 6, 1, 3}));
  backward(sum(mul(C, C)));
  EXPECT_EQ(vals(A.grad()), (std::vector<double>{16, 44, 4, 20}));
  EXPECT_EQ(vals(B.grad()), (std::vector<double>{8, 12, 18, 30}));
  const Tensor u = leaf({1, 2, 3}), v = leaf({4, 5, 6});
  const Tensor d = dot(u, v);
  backward(d);
  EXPECT_EQ(vals(d), (std::vector<double>{32}));
  EXPECT_EQ(vals(u.grad()), (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(vals(v.grad()), (std::vector<double>{1, 2, 3}));
}

// linalg_svd_worksheet.py: shapes, singular values, and the sign-normalised factors.
TEST(LinalgConformance, SvdWorksheet) {
  const Tensor r = f32({1, 0, -1, 0, -1, 1}, Shape{2, 3});
  const Tensor c = sub(r, mean(r, {-1}, true));
  SvdResult s = svd(c);
  EXPECT_EQ(s.U.sizes(), (Shape{2, 2}));
  EXPECT_EQ(s.S.sizes(), (Shape{2}));
  EXPECT_EQ(s.V.sizes(), (Shape{3, 2}));
  expect_near4(round(s.S, 4), {1.7321, 1.0});
  const Tensor signs = sign(select(s.U, 0, 0));
  const Tensor U = mul(s.U, signs), V = mul(s.V, signs);
  expect_near4(U, {0.7071, 0.7071, -0.7071, 0.7071});
  expect_near4(V, {0.4082, 0.7071, 0.4082, -0.7071, -0.8165, 0.0});
  expect_near4(matmul(matmul(U, diag(s.S)), T(V)), {1, 0, -1, 0, -1, 1});
  expect_near4(matmul(T(U), U), {1, 0, 0, 1});
  expect_near4(matmul(c, V), {1.2247, 0.7071, -1.2247, 0.7071});
}

// --- SVD against PyTorch (float64; gauge-invariant quantities)
// ------------------------------------
TEST(Svd, SingularValuesAndGradientsMatchPyTorch) {
  Tensor X = f64({2.0, 0.5, -1.0, 1.5, 0.3, -0.7}, Shape{3, 2});
  X.set_requires_grad(true);
  SvdResult r = linalg_svd(X, false);
  expect_near(r.S, {2.303804952305023, 1.665077398121436}, 1e-13);
  EXPECT_EQ(fn_name(r.U), "LinalgSvdBackward0");
  EXPECT_EQ(fn_name(r.S), "LinalgSvdBackward0");
  EXPECT_EQ(fn_name(r.V), "LinalgSvdBackward0");
  backward(sum(mul(r.S, f64({0.5, -1.25}, Shape{2}))));
  expect_near(X.grad(),
              {0.1324692559506812, -0.8759236418240405, -0.5405583602991413, -0.7304759961769184,
               0.2299280412788567, 0.3860624870086381},
              1e-12);
  // torch.svd: V through a transpose; a loss on |U| and the reconstruction (sign-invariant).
  X.set_grad(Tensor());
  SvdResult t = svd(X);
  EXPECT_EQ(fn_name(t.V), "TransposeBackward0");
  const Tensor rebuilt = matmul(matmul(t.U, diag(t.S)), T(t.V));
  const Tensor w = f64({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  backward(add(sum(mul(rebuilt, rebuilt)), sum(mul(abs(t.U), w))));
  expect_near(X.grad(),
              {3.3524876008978963, 0.5233812110939869, -2.1675624068579418, 2.5180442379381454,
               1.5550672979416582, -3.9745503421565087},
              1e-10);
}

TEST(Svd, FullMatricesAndOrthonormalFactors) {
  const Tensor X = f32({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  SvdResult full = linalg_svd(X, true);
  EXPECT_EQ(full.U.sizes(), (Shape{3, 3}));
  EXPECT_EQ(full.V.sizes(), (Shape{2, 2}));
  expect_near(matmul(T(full.U), full.U), {1, 0, 0, 0, 1, 0, 0, 0, 1}, 1e-6);
  SvdResult thin = svd(X, false);  // some=False: complete bases, V not Vh
  EXPECT_EQ(thin.U.sizes(), (Shape{3, 3}));
  EXPECT_EQ(thin.V.sizes(), (Shape{2, 2}));
  const Tensor S = linalg_svd(X, false).S;
  const std::vector<double> sv = vals(S);
  EXPECT_GT(sv[0], sv[1]);  // descending
  expect_near(S, {9.525518, 0.514301}, 1e-5);
}

TEST(Svd, Batched) {
  const Tensor X = f64({3, 0, 0, 1, 0, 2, 5, 0}, Shape{2, 2, 2});
  SvdResult r = linalg_svd(X, false);
  EXPECT_EQ(r.S.sizes(), (Shape{2, 2}));
  expect_near(r.S, {3, 1, 5, 2}, 1e-14);
}

// --- speed: a 3x3 mm allocates only its result
// -----------------------------------------------------
TEST(LinalgSpeed, SmallProductsAllocateOnlyTheirResult) {
  const Tensor a = f32({1, 2, 3, 4, 5, 6, 7, 8, 9}, Shape{3, 3});
  const Tensor v = f32({1, 2, 3});
  for (int k = 0; k < 2; ++k) {
    const long before = gradlab_test_operator_new_count();
    Tensor p = mm(a, a);
    Tensor q = matmul(a, v);
    Tensor d = dot(v, v);
    const long used = gradlab_test_operator_new_count() - before;
    if (k == 1) {
      EXPECT_EQ(used, 0) << "no temporaries; results come from the block caches";
    }
    EXPECT_EQ(vals(p)[0], 30.0);
    EXPECT_EQ(vals(q), (std::vector<double>{14, 32, 50}));
    EXPECT_EQ(vals(d)[0], 14.0);
  }
}

}  // namespace
}  // namespace gradlab
