// The linear layer: addmm (AddmmBackward0) and F.linear's choice between addmm and matmul,
// as ATen's at::linear makes it, so the grad_fn a student sees is PyTorch's (AddmmBackward0
// for a batch, AddBackward0 for one sample with bias, SqueezeBackward3 / MmBackward0 / ...
// from matmul without).
#include <algorithm>

#include "autograd/autograd.h"
#include "nn/nn_ops.h"

namespace gradlab {

namespace {

std::string dims_str(const Shape& s) {
  std::string out = "[";
  for (int i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// ATen's expand_size(self, {rows, cols}) check, with its wording.
void check_bias_expands(const Tensor& bias, int64_t rows, int64_t cols) {
  const Shape target{rows, cols};
  if (bias.dim() > 2)
    runtime_error("expand(torch.FloatTensor{" + dims_str(bias.sizes()) +
                  "}, size=" + dims_str(target) +
                  "): the number of sizes provided (2) must be greater or equal to the number of "
                  "dimensions in the tensor (" +
                  std::to_string(bias.dim()) + ")");
  for (int i = 0; i < bias.dim(); ++i) {
    const int d = 2 - bias.dim() + i;
    const int64_t have = bias.sizes()[i];
    if (have != 1 && have != target[d])
      runtime_error("The expanded size of the tensor (" + std::to_string(target[d]) +
                    ") must match the existing size (" + std::to_string(have) +
                    ") at non-singleton dimension " + std::to_string(d) + ".  Target sizes: " +
                    dims_str(target) + ".  Tensor sizes: " + dims_str(bias.sizes()));
  }
}

// A matrix stored column by column (strides (1, rows)): PyTorch's mm backward formulas then
// produce their gradient as the transpose of a row-major product.
bool column_major(const Tensor& m) {
  return m.dim() == 2 && m.strides()[0] == 1 && m.strides()[1] == m.sizes()[0];
}

// NOTE: PyTorch's CPU addmm copies the bias into the result and calls the reference BLAS
// gemm (netlib sgemm/dgemm, no FMA) on it with beta = 1. Which of gemm's loop orders runs
// depends on the layouts addmm_impl_cpu_ hands it: an untransposed "A" accumulates every
// product onto the bias in turn, a transposed one forms the dot product first and adds the
// bias last. A batch through nn.Linear takes the second; torch.addmm on row-major matrices
// the first. This reproduces addmm_impl_cpu_'s layout choice (checked bit for bit).
bool gemm_transposes_a(const Tensor& mat1, const Tensor& mat2, int64_t rows, int64_t cols) {
  // The result is a fresh row-major (rows x cols) tensor.
  const int64_t rs0 = cols, rs1 = 1;
  Shape s1 = mat1.strides(), s2 = mat2.strides();
  Shape z1 = mat1.sizes();
  bool transpose_c = false;
  if (rs0 == 1 && (cols == 1 || rs1 >= std::max<int64_t>(1, rows))) {
    transpose_c = false;
  } else if (rs1 == 1 && (rows == 1 || rs0 >= std::max<int64_t>(1, cols))) {
    transpose_c = true;
    std::swap(s1, s2);
    z1 = mat2.sizes();
  }
  const int64_t m = transpose_c ? cols : rows;
  const int64_t k = z1[transpose_c ? 0 : 1];
  const int i0 = transpose_c ? 1 : 0, i1 = transpose_c ? 0 : 1;
  if (s1[i0] == 1 && s1[i1] >= std::max<int64_t>(1, m)) return false;
  if (s1[i1] == 1 && s1[i0] >= std::max<int64_t>(1, k)) return true;
  return !transpose_c;
}

// out = bias + a @ b in gemm's order: the products summed onto the bias (!dot_first), or
// summed from zero with the bias added last (dot_first). The product itself is mm's kernel
// (the browser build's SIMD128 GEMM for float32 of some size), which keeps that order.
template <typename T>
void addmm_kernel(const Tensor& bias, const Tensor& a, const Tensor& b, Tensor& out,
                  bool dot_first) {
  const int64_t n = a.sizes()[0], m = b.sizes()[1];
  const T* C = bias.data<T>();
  T* O = out.data<T>();
  const int64_t c0 = bias.strides()[0], c1 = bias.strides()[1];
  if (!dot_first)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) O[i * m + j] = C[i * c0 + j * c1];
  mm_accumulate(a, b, out);  // onto the zeros of a new tensor, or onto the bias
  if (dot_first)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) O[i * m + j] = O[i * m + j] + C[i * c0 + j * c1];
}

// Inputs (bias, mat1, mat2); saved mat1 (for mat2's gradient) and mat2 (for mat1's);
// shapes[0] = the bias shape. derivatives.yaml: self: grad (summed to the bias shape),
// mat1: mm_mat1_backward, mat2: mm_mat2_backward.
void addmm_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor& g = gout[0];
  if (n.needs_input_grad(0)) gin[0] = g.sizes() == n.shapes[0] ? g : sum_to(g, n.shapes[0]);
  if (n.needs_input_grad(1)) {
    const Tensor mat2 = n.saved_tensor(1);
    gin[1] = n.ints[0] ? t(mm(mat2, t(g))) : mm(g, t(mat2));
  }
  if (n.needs_input_grad(2)) {
    const Tensor mat1 = n.saved_tensor(0);
    gin[2] = n.ints[1] ? t(mm(t(g), mat1)) : mm(t(mat1), g);
  }
}

}  // namespace

Tensor addmm(const Tensor& bias, const Tensor& mat1, const Tensor& mat2) {
  if (bias.dtype() != mat2.dtype()) runtime_error("self and mat2 must have the same dtype");
  if (mat1.dim() != 2)
    runtime_error("mat1 must be a matrix, got " + std::to_string(mat1.dim()) + "-D tensor");
  if (mat2.dim() != 2)
    runtime_error("mat2 must be a matrix, got " + std::to_string(mat2.dim()) + "-D tensor");
  if (mat1.sizes()[1] != mat2.sizes()[0])
    runtime_error("mat1 and mat2 shapes cannot be multiplied (" + std::to_string(mat1.sizes()[0]) +
                  "x" + std::to_string(mat1.sizes()[1]) + " and " +
                  std::to_string(mat2.sizes()[0]) + "x" + std::to_string(mat2.sizes()[1]) + ")");
  check_bias_expands(bias, mat1.sizes()[0], mat2.sizes()[1]);
  if (mat1.dtype() != mat2.dtype()) runtime_error("mat1 and mat2 must have the same dtype");
  Tensor out;
  {
    NoGradGuard no_grad;
    const int64_t rows = mat1.sizes()[0], cols = mat2.sizes()[1];
    if (is_floating(mat1.dtype())) {
      const Tensor c = expand(bias, {rows, cols});
      out = empty(Shape{rows, cols}, mat1.dtype());
      const bool dot_first = gemm_transposes_a(mat1, mat2, rows, cols);
      if (mat1.dtype() == DType::Float32)
        addmm_kernel<float>(c, mat1, mat2, out, dot_first);
      else
        addmm_kernel<double>(c, mat1, mat2, out, dot_first);
    } else {
      out = add(mm(mat1, mat2), bias);
    }
  }
  if (Node* n = record(OpId::Addmm, addmm_backward, {&bias, &mat1, &mat2}, {&out})) {
    n->shapes = {bias.sizes()};
    n->save(n->needs_input_grad(2) ? mat1 : Tensor());
    n->save(n->needs_input_grad(1) ? mat2 : Tensor());
    n->ints = {column_major(mat1) ? 1 : 0, column_major(mat2) ? 1 : 0};
  }
  return out;
}

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  if (input.dim() == 2 && bias.defined()) return addmm(bias, input, t(weight));
  if (bias.defined() && input.dim() == 3 && input.is_contiguous()) {
    const Shape& s = input.sizes();
    const Tensor out = addmm(bias, view(input, {s[0] * s[1], s[2]}), t(weight));
    return view(out, {s[0], s[1], out.sizes()[1]});
  }
  Tensor out = matmul(input, t(weight));
  if (bias.defined()) add_(out, bias);
  return out;
}

}  // namespace gradlab
