// Linear algebra, part 2: the singular value decomposition (torch.svd, torch.linalg.svd).
//
// Eigen's JacobiSVD in double (accurate to the last bit of a float result for the small
// matrices students factor), then cast to the input dtype; singular values descending.
// Singular vectors are unique only up to sign (per singular value). PyTorch's signs come out
// of LAPACK's bidiagonalization and are not reproduced; ours follow one fixed rule (the entry
// of largest magnitude of each left singular vector is positive), so results are
// deterministic and continuous in the input. Programs that print singular vectors should
// normalise signs, as the course's worksheets do.
//
// The gradient is PyTorch 1.13's svd_backward (FunctionsManual.cpp): valid for distinct
// singular values, full rank when rectangular.
#include <Eigen/Dense>
#include <cmath>

#include "autograd/autograd.h"
#include "ops/ops.h"

namespace gradlab {

namespace {

using MatrixXdR = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check_svd_input(const Tensor& a) {
  if (!is_floating(a.dtype()))
    runtime_error(
        std::string("linalg.svd: Expected a floating point or complex tensor as input. Got ") +
        (a.dtype() == DType::Bool ? "Bool" : "Long"));
}

// One [m, n] matrix at element offset `off` of a (any strides) into a row-major double matrix.
MatrixXdR load_matrix(const Tensor& a, int64_t off) {
  const int nd = a.dim();
  const int64_t m = a.sizes()[nd - 2], n = a.sizes()[nd - 1];
  const int64_t s0 = a.strides()[nd - 2], s1 = a.strides()[nd - 1];
  MatrixXdR x(m, n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t o = off + i * s0 + j * s1;
      x(i, j) = a.dtype() == DType::Float32 ? double(static_cast<const float*>(a->storage->data)[o])
                                            : static_cast<const double*>(a->storage->data)[o];
    }
  return x;
}

template <typename T>
void store_matrix(const MatrixXdR& x, T* dst) {
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j) dst[i * x.cols() + j] = T(x(i, j));
}

struct SvdOut {
  Tensor U, S, Vh;
};

// U [.., m, ucols], S [.., k], Vh [.., vrows, n]; full = complete bases, else k columns/rows.
SvdOut svd_kernel(const Tensor& a, bool full) {
  const int nd = a.dim();
  const int64_t m = a.sizes()[nd - 2], n = a.sizes()[nd - 1], k = std::min(m, n);
  const int64_t ucols = full ? m : k, vrows = full ? n : k;
  Shape batch;
  for (int i = 0; i < nd - 2; ++i) batch.push_back(a.sizes()[i]);
  Shape us = batch, ss = batch, vs = batch;
  us.push_back(m);
  us.push_back(ucols);
  ss.push_back(k);
  vs.push_back(vrows);
  vs.push_back(n);
  SvdOut r{empty(us, a.dtype()), empty(ss, a.dtype()), empty(vs, a.dtype())};
  const int64_t nb = batch.numel();
  int64_t idx[kMaxDims] = {};
  int64_t off = a->offset;
  for (int64_t b = 0; b < nb; ++b) {
    MatrixXdR x = load_matrix(a, off);
    MatrixXdR U, V;
    Eigen::VectorXd S;
    if (k > 0) {
      const unsigned opts = full ? (Eigen::ComputeFullU | Eigen::ComputeFullV)
                                 : (Eigen::ComputeThinU | Eigen::ComputeThinV);
      Eigen::JacobiSVD<Eigen::MatrixXd> svd(x, opts);
      U = svd.matrixU();
      V = svd.matrixV();
      S = svd.singularValues();
      for (int64_t c = 0; c < k; ++c) {  // the sign rule
        Eigen::Index at = 0;
        U.col(c).cwiseAbs().maxCoeff(&at);
        if (U(at, c) < 0) {
          U.col(c) *= -1.0;
          V.col(c) *= -1.0;
        }
      }
    } else {
      U = MatrixXdR::Identity(m, ucols);
      V = MatrixXdR::Identity(n, vrows);
      S.resize(0);
    }
    const MatrixXdR Vh = V.transpose();
    const MatrixXdR Sm = S.transpose();
    if (a.dtype() == DType::Float32) {
      store_matrix(U, r.U.data<float>() + b * m * ucols);
      store_matrix(Sm, r.S.data<float>() + b * k);
      store_matrix(Vh, r.Vh.data<float>() + b * vrows * n);
    } else {
      store_matrix(U, r.U.data<double>() + b * m * ucols);
      store_matrix(Sm, r.S.data<double>() + b * k);
      store_matrix(Vh, r.Vh.data<double>() + b * vrows * n);
    }
    for (int d = nd - 3; d >= 0; --d) {
      if (++idx[d] < a.sizes()[d]) {
        off += a.strides()[d];
        break;
      }
      off -= a.strides()[d] * (a.sizes()[d] - 1);
      idx[d] = 0;
    }
  }
  return r;
}

Tensor mT(const Tensor& t) { return transpose(t, -2, -1); }

// The first `len` entries of dim `dim` (negative) of t, as a view.
Tensor narrow_view(const Tensor& t, int dim, int64_t len) {
  const int d = wrap_dim(dim, t.dim());
  Shape sz = t.sizes();
  sz[d] = len;
  return make_view(t, sz, t.strides(), t->offset);
}

Tensor eye_like_last(const Tensor& S) {  // k x k identity in S's dtype
  const int64_t k = S.sizes()[S.dim() - 1];
  return eye(k, k, S.dtype());
}

// svd_backward (PyTorch 1.13, real case).
Tensor svd_backward(Tensor gU, const Tensor& gS, Tensor gVh, Tensor U, const Tensor& S, Tensor Vh,
                    bool full) {
  const int64_t k = S.sizes()[S.dim() - 1];
  if (full) {
    if (gU.defined()) gU = narrow_view(gU, -1, k);
    if (gVh.defined()) gVh = narrow_view(gVh, -2, k);
    U = narrow_view(U, -1, k);
    Vh = narrow_view(Vh, -2, k);
  }
  const int64_t m = U.sizes()[U.dim() - 2], n = Vh.sizes()[Vh.dim() - 1];
  if (!gU.defined() && !gVh.defined())
    return m >= n ? matmul(U, mul(unsqueeze(gS, -1), Vh)) : matmul(mul(U, unsqueeze(gS, -2)), Vh);
  auto skew = [](const Tensor& A) { return sub(A, mT(A)); };
  const Tensor UhgU = gU.defined() ? skew(matmul(mT(U), gU)) : Tensor();
  const Tensor VhgV = gVh.defined() ? skew(matmul(Vh, mT(gVh))) : Tensor();
  const Tensor S2 = mul(S, S);
  const Tensor E = add(sub(unsqueeze(S2, -2), unsqueeze(S2, -1)), eye_like_last(S));
  Tensor ret;
  if (gU.defined() && gVh.defined())
    ret = div(add(mul(UhgU, unsqueeze(S, -2)), mul(unsqueeze(S, -1), VhgV)), E);
  else if (gU.defined())
    ret = mul(UhgU, div(unsqueeze(S, -2), E));
  else
    ret = mul(unsqueeze(S, -1), div(VhgV, E));
  if (gS.defined()) ret = add(ret, mul(unsqueeze(gS, -2), eye_like_last(S)));
  Tensor gA;
  if (m > n && gU.defined()) {
    gA = matmul(U, ret);
    const Tensor gUSinv = div(gU, unsqueeze(S, -2));
    gA = sub(add(gA, gUSinv), matmul(U, matmul(mT(U), gUSinv)));
    gA = matmul(gA, Vh);
  } else if (m < n && gVh.defined()) {
    gA = matmul(ret, Vh);
    const Tensor SinvgVh = div(gVh, unsqueeze(S, -1));
    gA = sub(add(gA, SinvgVh), matmul(matmul(SinvgVh, mT(Vh)), Vh));
    gA = matmul(U, gA);
  } else {
    gA = m >= n ? matmul(U, matmul(ret, Vh)) : matmul(matmul(U, ret), Vh);
  }
  return gA;
}

void linalg_svd_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor U = n.saved_tensor(0), S = n.saved_tensor(1), Vh = n.saved_tensor(2);
  gin[0] = svd_backward(gout[0], gout[1], gout[2], U, S, Vh, n.ints[0] != 0);
}

SvdOut svd_recorded(const Tensor& a, bool full) {
  SvdOut r = svd_kernel(a, full);
  if (Node* n = record(OpId::LinalgSvd, linalg_svd_backward, {&a}, {&r.U, &r.S, &r.Vh})) {
    n->save_output(r.U);
    n->save_output(r.S);
    n->save_output(r.Vh);
    n->ints = {full};
  }
  return r;
}

}  // namespace

SvdResult svd(const Tensor& a, bool some) {
  if (a.dim() < 2)
    runtime_error("linalg.svd: input should have at least 2 dimensions, but has " +
                  std::to_string(a.dim()) + " dimensions instead");
  check_svd_input(a);
  SvdOut r = svd_recorded(a, !some);
  return SvdResult{r.U, r.S, mT(r.Vh)};  // V = Vh.mH (TransposeBackward0)
}

SvdResult linalg_svd(const Tensor& a, bool full_matrices) {
  if (a.dim() < 2) runtime_error("linalg.svd: The input tensor A must have at least 2 dimensions.");
  check_svd_input(a);
  SvdOut r = svd_recorded(a, full_matrices);
  return SvdResult{r.U, r.S, r.Vh};
}

}  // namespace gradlab
