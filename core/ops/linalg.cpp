// Linear algebra, part 1: dot, mv, mm, bmm, matmul (every case of torch.matmul), outer, diag,
// trace. SVD is in linalg_svd.cpp.
//
// NOTE: the products do not use Eigen. Debian's PyTorch 1.13 multiplies through the reference
// (netlib) BLAS and its own small-bmm loop, which all compute each output element as one
// running sum over k = 0..K-1 (product rounded, then added; no FMA) starting from 0. Eigen's
// GEMM splits K into cache panels (K of a few hundred and up) and fuses multiply-adds on FMA
// targets, so it differs from torch in the last bits there (measured: a 300x300 float product
// differs in 1079 of 90000 elements). The kernel below keeps torch's order for every size: it
// tiles over columns and k (each output element still receives its k terms in increasing
// order), and the inner loop over contiguous columns is plain enough for the compiler to
// vectorize. Small products (a 3x3 mm, a 3-element dot) are a few plain loops and allocate
// nothing but the result. The browser build multiplies float32 matrices of some size with a
// packed SIMD128 kernel instead (tensor/gemm_wasm_simd.h), which keeps the same order.
#include <algorithm>
#include <string>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/shape_internal.h"
#include "tensor/gemm_wasm_simd.h"

namespace gradlab {

namespace {

// Tiles of the blocked product (elements): a 256-column strip of C plus a 64-row band of B
// stay in L1/L2 while each row of A streams past.
constexpr int64_t kTileN = 256;
constexpr int64_t kTileK = 64;

// C[M,N] (contiguous, zero-filled) += A[M,K] B[K,N], with A and B given by element strides.
// Acc is the type the arithmetic runs in (uint64_t for int64: wrapping, like torch).
template <typename T, typename Acc>
void gemm(const T* A, int64_t sa0, int64_t sa1, const T* B, int64_t sb0, int64_t sb1, T* C,
          int64_t M, int64_t K, int64_t N) {
  Acc* c_base = reinterpret_cast<Acc*>(C);
  for (int64_t j0 = 0; j0 < N; j0 += kTileN) {
    const int64_t j1 = std::min(N, j0 + kTileN);
    for (int64_t k0 = 0; k0 < K; k0 += kTileK) {
      const int64_t k1 = std::min(K, k0 + kTileK);
      for (int64_t i = 0; i < M; ++i) {
        Acc* __restrict c = c_base + i * N;  // the fresh result never aliases the operands
        for (int64_t k = k0; k < k1; ++k) {
          const Acc a = Acc(A[i * sa0 + k * sa1]);
          const T* __restrict b = B + k * sb0;
          if (sb1 == 1) {
            for (int64_t j = j0; j < j1; ++j) c[j] = c[j] + a * Acc(b[j]);
          } else {
            for (int64_t j = j0; j < j1; ++j) c[j] = c[j] + a * Acc(b[j * sb1]);
          }
        }
      }
    }
  }
}

// One operand of a product: its data and element strides (rows, columns).
struct Operand {
  const void* data;
  int64_t s0, s1;
};
Operand operand(const Tensor& t, int64_t s0, int64_t s1) {
  return Operand{static_cast<const char*>(t->storage->data) + t->offset * element_size(t.dtype()),
                 s0, s1};
}

// C (contiguous [M,N], zero-filled, of dtype dt) += A [M,K] B [K,N].
void product(DType dt, Operand A, Operand B, void* C, int64_t M, int64_t K, int64_t N) {
  if (M == 0 || N == 0 || K == 0) return;
  switch (dt) {
    case DType::Float32:
#if defined(__wasm_simd128__)
      // The browser build's packed SIMD128 kernel: the same sums in the same order, faster.
      if (gemm_f32_simd_pays(M, K, N)) {
        gemm_f32_simd(static_cast<const float*>(A.data), A.s0, A.s1,
                      static_cast<const float*>(B.data), B.s0, B.s1, static_cast<float*>(C), N, M,
                      K, N);
        break;
      }
#endif
      gemm<float, float>(static_cast<const float*>(A.data), A.s0, A.s1,
                         static_cast<const float*>(B.data), B.s0, B.s1, static_cast<float*>(C), M,
                         K, N);
      break;
    case DType::Float64:
      gemm<double, double>(static_cast<const double*>(A.data), A.s0, A.s1,
                           static_cast<const double*>(B.data), B.s0, B.s1, static_cast<double*>(C),
                           M, K, N);
      break;
    default:
      gemm<int64_t, uint64_t>(static_cast<const int64_t*>(A.data), A.s0, A.s1,
                              static_cast<const int64_t*>(B.data), B.s0, B.s1,
                              static_cast<int64_t*>(C), M, K, N);
      break;
  }
}

const char* scalar_type_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "Bool";
    case DType::Int64:
      return "Long";
    case DType::Float32:
      return "Float";
    case DType::Float64:
      return "Double";
  }
  return "";
}

void check_same_dtype(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    runtime_error(std::string("expected scalar type ") + scalar_type_name(a.dtype()) +
                  " but found " + scalar_type_name(b.dtype()));
}

void check_not_bool(const Tensor& a, const char* kernel) {
  if (a.dtype() == DType::Bool)
    runtime_error(std::string("\"") + kernel + "\" not implemented for 'Bool'");
}

Tensor transposed_view(const Tensor& t) {  // t.mT() without autograd (backward formulas)
  const int n = t.dim();
  Shape sz = t.sizes(), st = t.strides();
  std::swap(sz[n - 1], sz[n - 2]);
  std::swap(st[n - 1], st[n - 2]);
  return make_view(t, sz, st, t->offset);
}

// The unrecorded products (forward kernels, and the backward formulas).
Tensor mm_raw(const Tensor& a, const Tensor& b) {
  Tensor out = empty(Shape{a.sizes()[0], b.sizes()[1]}, a.dtype());
  product(a.dtype(), operand(a, a.strides()[0], a.strides()[1]),
          operand(b, b.strides()[0], b.strides()[1]), out->data_ptr(), a.sizes()[0], a.sizes()[1],
          b.sizes()[1]);
  return out;
}
Tensor mv_raw(const Tensor& a, const Tensor& v) {
  Tensor out = empty(Shape{a.sizes()[0]}, a.dtype());
  product(a.dtype(), operand(a, a.strides()[0], a.strides()[1]), operand(v, v.strides()[0], 0),
          out->data_ptr(), a.sizes()[0], a.sizes()[1], 1);
  return out;
}
Tensor bmm_raw(const Tensor& a, const Tensor& b) {
  const int64_t nb = a.sizes()[0], M = a.sizes()[1], K = a.sizes()[2], N = b.sizes()[2];
  Tensor out = empty(Shape{nb, M, N}, a.dtype());
  const int es = element_size(a.dtype());
  for (int64_t i = 0; i < nb; ++i) {
    Operand A = operand(a, a.strides()[1], a.strides()[2]);
    Operand B = operand(b, b.strides()[1], b.strides()[2]);
    A.data = static_cast<const char*>(A.data) + i * a.strides()[0] * es;
    B.data = static_cast<const char*>(B.data) + i * b.strides()[0] * es;
    product(a.dtype(), A, B, static_cast<char*>(out->data_ptr()) + i * M * N * es, M, K, N);
  }
  return out;
}

// Gradients arrive in the output's dtype; saved inputs share it (the ops require equal dtypes).
}  // namespace

void mm_accumulate(const Tensor& a, const Tensor& b, Tensor& out) {
  product(a.dtype(), operand(a, a.strides()[0], a.strides()[1]),
          operand(b, b.strides()[0], b.strides()[1]), out->data_ptr(), a.sizes()[0], a.sizes()[1],
          b.sizes()[1]);
}

// --- dot -----------------------------------------------------------------------------------------
static void dot_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor a = n.saved_tensor(0), b = n.saved_tensor(1);
  if (n.needs_input_grad(0)) gin[0] = mul(gout[0], b);
  if (n.needs_input_grad(1)) gin[1] = mul(gout[0], a);
}

Tensor dot(const Tensor& a, const Tensor& b) {
  if (a.dim() != 1 || b.dim() != 1)
    runtime_error("1D tensors expected, but got " + std::to_string(a.dim()) + "D and " +
                  std::to_string(b.dim()) + "D tensors");
  if (a.dtype() != b.dtype())
    runtime_error(std::string("dot : expected both vectors to have same dtype, but found ") +
                  scalar_type_name(a.dtype()) + " and " + scalar_type_name(b.dtype()));
  if (a.numel() != b.numel())
    runtime_error("inconsistent tensor size, expected tensor [" + std::to_string(a.numel()) +
                  "] and src [" + std::to_string(b.numel()) +
                  "] to have the same number of elements, but got " + std::to_string(a.numel()) +
                  " and " + std::to_string(b.numel()) + " elements respectively");
  check_not_bool(a, "dot");
  Tensor out = empty(Shape{}, a.dtype());
  product(a.dtype(), operand(a, 0, a.strides()[0]), operand(b, b.strides()[0], 0), out->data_ptr(),
          1, a.numel(), 1);
  if (Node* n = record(OpId::Dot, dot_backward, {&a, &b}, {&out})) {
    n->save(a);
    n->save(b);
  }
  return out;
}

// --- mv ------------------------------------------------------------------------------------------
static void mv_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor a = n.saved_tensor(0), v = n.saved_tensor(1);
  if (n.needs_input_grad(0)) gin[0] = mul(unsqueeze(gout[0], 1), v);  // grad.ger(vec)
  if (n.needs_input_grad(1)) gin[1] = mv_raw(transposed_view(a), gout[0]);
}

Tensor mv(const Tensor& a, const Tensor& v) {
  if (a.dim() != 2 || v.dim() != 1)
    runtime_error("vector + matrix @ vector expected, got 1, " + std::to_string(a.dim()) + ", " +
                  std::to_string(v.dim()));
  if (a.sizes()[1] != v.sizes()[0])
    runtime_error("size mismatch, got " + std::to_string(a.sizes()[0]) + ", " +
                  std::to_string(a.sizes()[0]) + "x" + std::to_string(a.sizes()[1]) + "," +
                  std::to_string(v.sizes()[0]));
  check_same_dtype(a, v);
  check_not_bool(a, "addmv_impl_cpu");
  Tensor out = mv_raw(a, v);
  if (Node* n = record(OpId::Mv, mv_backward, {&a, &v}, {&out})) {
    n->save(a);
    n->save(v);
  }
  return out;
}

// --- mm ------------------------------------------------------------------------------------------
static void mm_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor a = n.saved_tensor(0), b = n.saved_tensor(1);
  if (n.needs_input_grad(0)) gin[0] = mm_raw(gout[0], transposed_view(b));
  if (n.needs_input_grad(1)) gin[1] = mm_raw(transposed_view(a), gout[0]);
}

Tensor mm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 2) runtime_error("self must be a matrix");
  if (b.dim() != 2) runtime_error("mat2 must be a matrix");
  if (a.sizes()[1] != b.sizes()[0])
    runtime_error("mat1 and mat2 shapes cannot be multiplied (" + std::to_string(a.sizes()[0]) +
                  "x" + std::to_string(a.sizes()[1]) + " and " + std::to_string(b.sizes()[0]) +
                  "x" + std::to_string(b.sizes()[1]) + ")");
  check_same_dtype(a, b);
  check_not_bool(a, "addmm_impl_cpu_");
  Tensor out = mm_raw(a, b);
  if (Node* n = record(OpId::Mm, mm_backward, {&a, &b}, {&out})) {
    n->save(a);
    n->save(b);
  }
  return out;
}

// --- bmm -----------------------------------------------------------------------------------------
static void bmm_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor a = n.saved_tensor(0), b = n.saved_tensor(1);
  if (n.needs_input_grad(0)) gin[0] = bmm_raw(gout[0], transposed_view(b));
  if (n.needs_input_grad(1)) gin[1] = bmm_raw(transposed_view(a), gout[0]);
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 3) runtime_error("batch1 must be a 3D tensor");
  if (b.dim() != 3) runtime_error("batch2 must be a 3D tensor");
  if (b.sizes()[0] != a.sizes()[0] || b.sizes()[1] != a.sizes()[2])
    runtime_error("Expected size for first two dimensions of batch2 tensor to be: [" +
                  std::to_string(a.sizes()[0]) + ", " + std::to_string(a.sizes()[2]) +
                  "] but got: [" + std::to_string(b.sizes()[0]) + ", " +
                  std::to_string(b.sizes()[1]) + "].");
  check_same_dtype(a, b);
  check_not_bool(a, "bmm");
  Tensor out = bmm_raw(a, b);
  if (Node* n = record(OpId::Bmm, bmm_backward, {&a, &b}, {&out})) {
    n->save(a);
    n->save(b);
  }
  return out;
}

// --- matmul --------------------------------------------------------------------------------------
// torch.matmul as PyTorch 1.13's _matmul_impl composes it, so results, grad_fn names and
// gradient rounding match: dot, mv, unsqueeze+mm+squeeze_, mm, the "fold" into one mm/mv
// (+ _unsafe_view), or expand + reshape + bmm (+ _unsafe_view).
namespace {

void unsafe_view_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = shape_detail::reshape_nograd(gout[0], n.shapes[0]);
}

// at::_unsafe_view of a fresh contiguous result (UnsafeViewBackward0).
Tensor unsafe_view(const Tensor& t, const Shape& shape) {
  Tensor out = make_view(t, shape, contiguous_strides(shape), t->offset);
  if (Node* n = record(OpId::UnsafeView, unsafe_view_backward, {&t}, {&out}))
    n->shapes = {t.sizes()};
  return out;
}

void squeeze0_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = shape_detail::reshape_nograd(gout[0], n.shapes[0]);
}

// t.squeeze_(0) on a fresh [1, N] result: SqueezeBackward3.
void squeeze0_(Tensor& t) {
  const Shape before = t.sizes();
  if (Node* n = record_inplace(OpId::MatmulSqueeze, squeeze0_backward, {&t}, t))
    n->shapes = {before};
  t->sizes.erase(0);
  t->strides.erase(0);
}

// PyTorch 1.13's should_fold: a >= 3-D operand times a 1-D or 2-D one is done as one mm/mv,
// unless the 3-D operand's last two dims are transposed (then bmm does it without a copy).
bool should_fold(const Tensor& t1, int dim2) {
  const int dim1 = t1.dim();
  if (!(dim1 >= 3 && (dim2 == 1 || dim2 == 2))) return false;
  const Shape& s = t1.sizes();
  const Shape& st = t1.strides();
  if (dim1 == 3 && dim2 == 2 && st[2] != 1 && st[0] == s[1] * s[2]) return false;
  return true;
}

std::vector<int64_t> vec_of(const Shape& s) { return s.vec(); }

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  const int d1 = a.dim(), d2 = b.dim();
  if (d1 == 0 || d2 == 0)
    runtime_error("both arguments to matmul need to be at least 1D, but they are " +
                  std::to_string(d1) + "D and " + std::to_string(d2) + "D");
  if (d1 == 1 && d2 == 1) return dot(a, b);
  if (d1 == 2 && d2 == 1) return mv(a, b);
  if (d1 == 1 && d2 == 2) {
    Tensor out = mm(unsqueeze(a, 0), b);
    squeeze0_(out);
    return out;
  }
  if (d1 == 2 && d2 == 2) return mm(a, b);
  if (should_fold(a, d2) || should_fold(b, d1)) {
    const bool transpose_ = d2 > d1;
    const Tensor t1 = transpose_ ? transpose(b, -1, -2) : a;
    const Tensor t2 = !transpose_ ? b : (d1 == 2 ? t(a) : a);
    std::vector<int64_t> out_shape(t1.sizes().begin(), t1.sizes().end() - 1);
    int64_t folded = 1;
    for (int64_t s : out_shape) folded *= s;
    const bool t2_matrix = t2.dim() == 2;
    if (t2_matrix) out_shape.push_back(t2.sizes()[1]);
    const Tensor t1_folded = reshape(t1, {folded, t1.sizes()[t1.dim() - 1]});
    if (t2_matrix) {
      const Tensor out = unsafe_view(mm(t1_folded, t2), Shape(out_shape));
      return transpose_ ? contiguous(transpose(out, -1, -2)) : out;
    }
    return unsafe_view(mv(t1_folded, t2), Shape(out_shape));
  }
  // Batched: broadcast the batch dims, fold them into one, bmm.
  const int64_t n = d1 > 1 ? a.sizes()[d1 - 2] : 1;
  const int64_t m1 = a.sizes()[d1 - 1];
  const int64_t m2 = d2 > 1 ? b.sizes()[d2 - 2] : b.sizes()[0];
  const int64_t p = d2 > 1 ? b.sizes()[d2 - 1] : 1;
  Shape batch1, batch2;
  for (int i = 0; i < std::max(d1 - 2, 0); ++i) batch1.push_back(a.sizes()[i]);
  for (int i = 0; i < std::max(d2 - 2, 0); ++i) batch2.push_back(b.sizes()[i]);
  const Shape batch = broadcast_shapes(batch1, batch2);
  const int64_t nb = batch.numel();
  std::vector<int64_t> e1 = vec_of(batch), e2 = vec_of(batch);
  e1.push_back(n);
  e1.push_back(m1);
  const Tensor a3 = reshape(expand(a, e1), {nb, n, m1});
  const bool vector_rhs = d2 == 1;
  Tensor b3;
  if (vector_rhs) {
    e2.push_back(m2);
    b3 = unsqueeze(reshape(expand(b, e2), {nb, m2}), 2);
  } else {
    e2.push_back(m2);
    e2.push_back(p);
    b3 = reshape(expand(b, e2), {nb, m2, p});
  }
  std::vector<int64_t> out_shape = vec_of(batch);
  if (d1 > 1) out_shape.push_back(n);
  if (d2 > 1) out_shape.push_back(p);
  if (vector_rhs) return unsafe_view(squeeze(bmm(a3, b3), -1), Shape(out_shape));
  return unsafe_view(bmm(a3, b3), Shape(out_shape));
}

// --- outer ---------------------------------------------------------------------------------------
Tensor outer(const Tensor& a, const Tensor& b) {
  if (a.dim() != 1)
    runtime_error("outer: Expected 1-D argument self, but got " + std::to_string(a.dim()) + "-D");
  if (b.dim() != 1)
    runtime_error("outer: Expected 1-D argument vec2, but got " + std::to_string(b.dim()) + "-D");
  return mul(reshape(a, {-1, 1}), b);  // PyTorch's composition: MulBackward0
}

// --- diag ----------------------------------------------------------------------------------------
namespace {

// Geometry of the k-th diagonal of a [rows, cols] matrix: its length and first element.
int64_t diag_len(int64_t rows, int64_t cols, int64_t k) {
  return k >= 0 ? std::min(rows, cols - k) : std::min(rows + k, cols);
}

// out (a fresh [n+|k|]^2 matrix, zero-filled) gets vector v on its k-th diagonal.
Tensor diag_embed_1d(const Tensor& v, int64_t k) {
  const int64_t n = v.numel(), sz = n + (k >= 0 ? k : -k);
  Tensor out = empty(Shape{sz, sz}, v.dtype());
  const int64_t start = k >= 0 ? k : -k * sz;
  const Tensor d = make_view(out, Shape{n}, Shape{sz + 1}, start);
  shape_detail::copy_values(d, v);
  return out;
}

// A contiguous copy of the k-th diagonal of a 2-D tensor.
Tensor diag_extract_2d(const Tensor& m, int64_t k) {
  const int64_t rows = m.sizes()[0], cols = m.sizes()[1];
  const int64_t len = diag_len(rows, cols, k);
  if (len < 0) runtime_error("numel: integer multiplication overflow");
  const int64_t start = m->offset + (k >= 0 ? k * m.strides()[1] : -k * m.strides()[0]);
  const Tensor view = make_view(m, Shape{len}, Shape{m.strides()[0] + m.strides()[1]}, start);
  Tensor out = empty(Shape{len}, m.dtype());
  shape_detail::copy_values(out, view);
  return out;
}

}  // namespace

static void diag_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& in = n.shapes[0];
  const int64_t k = n.ints[0];
  if (in.size() == 1) {
    gin[0] = diag_extract_2d(gout[0], k);
    return;
  }
  Tensor g = zeros(in, gout[0].dtype());
  const int64_t len = diag_len(in[0], in[1], k);
  const int64_t start = k >= 0 ? k : -k * in[1];
  shape_detail::copy_values(make_view(g, Shape{len}, Shape{in[1] + 1}, start), gout[0]);
  gin[0] = g;
}

Tensor diag(const Tensor& a, int64_t diagonal) {
  Tensor out;
  if (a.dim() == 1)
    out = diag_embed_1d(a, diagonal);
  else if (a.dim() == 2)
    out = diag_extract_2d(a, diagonal);
  else
    runtime_error("matrix or a vector expected");
  if (Node* n = record(OpId::Diag, diag_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->ints = {diagonal};
  }
  return out;
}

// --- trace ---------------------------------------------------------------------------------------
// PyTorch's trace_backward fills every (cols + 1)-th element of the flattened input, which for
// a matrix with more rows than columns reaches past the diagonal (a 5x3 input gets the
// gradient at (4, 0) too); reproduced as is.
static void trace_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& in = n.shapes[0];
  Tensor g = zeros(in, gout[0].dtype());
  const int64_t numel = in[0] * in[1], step = in[1] + 1;
  const int64_t len = numel == 0 ? 0 : (numel - 1) / step + 1;
  shape_detail::copy_values(make_view(g, Shape{len}, Shape{step}, 0),
                            make_view(gout[0], Shape{len}, Shape{0}, gout[0]->offset));
  gin[0] = g;
}

Tensor trace(const Tensor& a) {
  check_not_bool(a, "trace");
  if (a.dim() != 2)
    runtime_error("trace: expected a matrix, but got tensor with dim " + std::to_string(a.dim()));
  // Like torch's trace_cpu: floats accumulate in double, integers in int64.
  const int64_t len = std::min(a.sizes()[0], a.sizes()[1]);
  const int64_t step = a.strides()[0] + a.strides()[1];
  Tensor out;
  if (a.dtype() == DType::Float32) {
    const float* p = static_cast<const float*>(a->storage->data) + a->offset;
    double s = 0.0;
    for (int64_t i = 0; i < len; ++i) s += double(p[i * step]);
    out = scalar_tensor(Scalar::from_double(s), a.dtype());
  } else if (a.dtype() == DType::Float64) {
    const double* p = static_cast<const double*>(a->storage->data) + a->offset;
    double s = 0.0;
    for (int64_t i = 0; i < len; ++i) s += p[i * step];
    out = scalar_tensor(Scalar::from_double(s), a.dtype());
  } else {
    const int64_t* p = static_cast<const int64_t*>(a->storage->data) + a->offset;
    uint64_t s = 0;
    for (int64_t i = 0; i < len; ++i) s += uint64_t(p[i * step]);
    out = scalar_tensor(Scalar::from_int(int64_t(s)), DType::Int64);
  }
  if (Node* n = record(OpId::Trace, trace_backward, {&a}, {&out})) n->shapes = {a.sizes()};
  return out;
}

}  // namespace gradlab
