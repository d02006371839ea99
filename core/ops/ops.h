// The tensor operations, grouped by family. Each family lives in one file under core/ops/
// with every op's forward and backward side by side; differentiable ops record a Node
// (autograd/autograd.h) whose name comes from the op table (autograd/ops.def).
//
// Conventions
// - Python scalars reach ops as 0-d "wrapped number" tensors (wrapped_scalar()), exactly as
//   in PyTorch, so one Tensor x Tensor signature serves `a + b`, `a + 2` and `2 + a`; type
//   promotion treats wrapped numbers like Python scalars (result_type below).
// - Errors are gradlab::Error with PyTorch 1.13's exact wording.
// - Ops never write to their inputs unless their name ends in '_' (in-place).
#pragma once
#include <optional>
#include <vector>

#include "tensor/random.h"
#include "tensor/tensor.h"

namespace gradlab {

// --- type promotion (elementwise.cpp) -------------------------------------------------------
// PyTorch's result_type: tensors with dims outrank 0-d tensors, which outrank wrapped numbers,
// within the same category (bool < integral < floating); a higher category always wins
// (int64 tensor + 2.5 -> float32; float32 tensor + float64 0-d -> float32).
DType result_type(const Tensor& a, const Tensor& b);
// Broadcast shape of two shapes, with PyTorch's error ("The size of tensor a (3) must match
// the size of tensor b (2) at non-singleton dimension 1").
Shape broadcast_shapes(const Shape& a, const Shape& b);

// --- creation (creation.cpp) -------------------------------------------------------------
Tensor zeros(const Shape& sizes, DType dtype = DType::Float32);
Tensor ones(const Shape& sizes, DType dtype = DType::Float32);
Tensor full(const Shape& sizes, Scalar value, std::optional<DType> dtype = std::nullopt);  // dtype from value when absent
Tensor zeros_like(const Tensor& t, std::optional<DType> dtype = std::nullopt);
Tensor ones_like(const Tensor& t, std::optional<DType> dtype = std::nullopt);
Tensor full_like(const Tensor& t, Scalar value, std::optional<DType> dtype = std::nullopt);
Tensor arange(Scalar start, Scalar end, Scalar step, std::optional<DType> dtype = std::nullopt);
Tensor linspace(Scalar start, Scalar end, int64_t steps, std::optional<DType> dtype = std::nullopt);
Tensor eye(int64_t n, int64_t m = -1, DType dtype = DType::Float32);
Tensor rand(Generator& g, const Shape& sizes, DType dtype = DType::Float32);
Tensor randn(Generator& g, const Shape& sizes, DType dtype = DType::Float32);
Tensor randint(Generator& g, int64_t low, int64_t high, const Shape& sizes, DType dtype = DType::Int64);
Tensor randperm(Generator& g, int64_t n, DType dtype = DType::Int64);
Tensor normal(Generator& g, double mean, double std, const Shape& sizes, DType dtype = DType::Float32);
// In place: fill with random values (no autograd; check_inplace rules apply).
void normal_(Generator& g, Tensor& self, double mean = 0.0, double std = 1.0);
void uniform_(Generator& g, Tensor& self, double from = 0.0, double to = 1.0);
void bernoulli_(Generator& g, Tensor& self, double p);

// --- elementwise (elementwise*.cpp) -------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
Tensor rsub(const Tensor& a, const Tensor& b);  // b - a, for `2 - x` (RsubBackward1)
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);   // true division: ints -> float32
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);  // Python's sign rule
Tensor pow(const Tensor& a, const Tensor& b);   // PowBackward0 when b is a wrapped number, else PowBackward1
Tensor pow(Scalar base, const Tensor& exponent); // torch.pow(2, x) (PowBackward2); `2 ** x` is pow(wrapped 2, x)
Tensor neg(const Tensor& a);
Tensor abs(const Tensor& a);
Tensor sign(const Tensor& a);
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor log2(const Tensor& a);
Tensor log10(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor sin(const Tensor& a);
Tensor cos(const Tensor& a);
Tensor tan(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor sigmoid(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor reciprocal(const Tensor& a);
Tensor floor(const Tensor& a);
Tensor ceil(const Tensor& a);
Tensor round(const Tensor& a, int64_t decimals = 0);
Tensor clamp(const Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
enum class CmpOp { Eq, Ne, Lt, Le, Gt, Ge };
Tensor compare(const Tensor& a, const Tensor& b, CmpOp op);  // -> bool tensor
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& a);
Tensor bitwise_and(const Tensor& a, const Tensor& b);  // `&` (bool and int64)
Tensor bitwise_or(const Tensor& a, const Tensor& b);   // `|`
Tensor bitwise_xor(const Tensor& a, const Tensor& b);  // `^`
Tensor bitwise_not(const Tensor& a);                   // `~`
Tensor isnan(const Tensor& a);
Tensor isinf(const Tensor& a);
Tensor isfinite(const Tensor& a);
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
bool equal(const Tensor& a, const Tensor& b);  // same shape and values
// In place (self is written, broadcasting `other` to self's shape; the result dtype must be
// castable to self's: "result type Float can't be cast to the desired output type Long").
void add_(Tensor& self, const Tensor& other, Scalar alpha = Scalar::from_int(1));
void sub_(Tensor& self, const Tensor& other, Scalar alpha = Scalar::from_int(1));
void mul_(Tensor& self, const Tensor& other);
void div_(Tensor& self, const Tensor& other);
void pow_(Tensor& self, const Tensor& other);
void clamp_(Tensor& self, std::optional<Scalar> min, std::optional<Scalar> max);
void zero_(Tensor& self);
void fill_(Tensor& self, Scalar value);
void copy_(Tensor& self, const Tensor& src);  // differentiable w.r.t. src (CopyBackwards)
// Type conversion: .to(dtype) / .float() / .long() ... (ToCopyBackward0 when differentiable)
Tensor to_dtype(const Tensor& a, DType dtype);

// --- reductions (reduce.cpp) -----------------------------------------------------------------
// dims empty = all dims. Float sums follow PyTorch's summation order closely enough to print
// the same 4 decimals (pairwise/cascade summation for contiguous inner reductions).
Tensor sum(const Tensor& a, std::optional<DType> dtype = std::nullopt);                    // SumBackward0
Tensor sum(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype = std::nullopt);  // SumBackward1
Tensor mean(const Tensor& a);                                                               // MeanBackward0
Tensor mean(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim);               // MeanBackward1
Tensor prod(const Tensor& a);
Tensor prod(const Tensor& a, int64_t dim, bool keepdim);
Tensor max(const Tensor& a);  // MaxBackward1
Tensor min(const Tensor& a);  // MinBackward1
struct ValuesIndices { Tensor values, indices; };  // torch.return_types.max(values=..., indices=...)
ValuesIndices max(const Tensor& a, int64_t dim, bool keepdim);  // MaxBackward0
ValuesIndices min(const Tensor& a, int64_t dim, bool keepdim);  // MinBackward0
Tensor argmax(const Tensor& a, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& a, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor var(const Tensor& a, const std::vector<int64_t>& dims, bool unbiased, bool keepdim);  // dims empty = all
Tensor std(const Tensor& a, const std::vector<int64_t>& dims, bool unbiased, bool keepdim);
Tensor norm(const Tensor& a, double p = 2.0);                                                // NormBackward1
Tensor norm(const Tensor& a, double p, const std::vector<int64_t>& dims, bool keepdim);
// torch.linalg.vector_norm: dims empty means all.                           // LinalgVectorNormBackward0
Tensor vector_norm(const Tensor& a, double p, const std::vector<int64_t>& dims, bool keepdim);
// torch.norm(a, p='fro', dim): what torch.norm / Tensor.norm do when p is absent or 'fro'
// (p=2 over <= 1 dim, NormBackward1; sqrt(sum(a*a)) over 2 dims, SqrtBackward0).
Tensor frobenius_norm(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim);
Tensor any(const Tensor& a);
Tensor all(const Tensor& a);
Tensor any(const Tensor& a, int64_t dim, bool keepdim);
Tensor all(const Tensor& a, int64_t dim, bool keepdim);
Tensor cumsum(const Tensor& a, int64_t dim);                                                  // CumsumBackward0

// --- linear algebra (linalg.cpp; heavy kernels on Eigen) -------------------------------------
Tensor matmul(const Tensor& a, const Tensor& b);  // every 1-D/2-D/batched case of torch.matmul
Tensor mm(const Tensor& a, const Tensor& b);
// out += a @ b, unrecorded: a [M,K] and b [K,N] of out's dtype with any strides, out a
// contiguous [M,N]. Each element's K products are added in increasing k onto its current value
// (the reference BLAS's order, which every product here keeps); nn.Linear's addmm uses it.
void mm_accumulate(const Tensor& a, const Tensor& b, Tensor& out);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);
Tensor diag(const Tensor& a, int64_t diagonal = 0);
Tensor trace(const Tensor& a);
struct SvdResult { Tensor U, S, V; };
// torch.svd (some=True: reduced; returns V) and torch.linalg.svd (full_matrices; returns Vh).
SvdResult svd(const Tensor& a, bool some = true);
SvdResult linalg_svd(const Tensor& a, bool full_matrices = true);

// --- shape and views (shape.cpp) ---------------------------------------------------------------
// Views share storage with their input (writes through them change the base).
Tensor view(const Tensor& a, const std::vector<int64_t>& sizes);     // -1 inferred; RuntimeError when not viewable
Tensor reshape(const Tensor& a, const std::vector<int64_t>& sizes);  // view when possible, else copy
Tensor flatten(const Tensor& a, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor squeeze(const Tensor& a);
Tensor squeeze(const Tensor& a, int64_t dim);
Tensor unsqueeze(const Tensor& a, int64_t dim);
Tensor transpose(const Tensor& a, int64_t d0, int64_t d1);
Tensor t(const Tensor& a);         // .t(): <= 2-D
Tensor T(const Tensor& a);         // .T: reverses all dims (PermuteBackward0)
Tensor permute(const Tensor& a, const std::vector<int64_t>& dims);
Tensor expand(const Tensor& a, const std::vector<int64_t>& sizes);  // -1 keeps a dim
Tensor cat(const std::vector<Tensor>& ts, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& ts, int64_t dim = 0);
Tensor flip(const Tensor& a, const std::vector<int64_t>& dims);
Tensor clone(const Tensor& a);
Tensor contiguous(const Tensor& a);
Tensor repeat(const Tensor& a, const std::vector<int64_t>& repeats);
Tensor detach(const Tensor& a);    // shares storage, no history, requires_grad=False

// --- indexing (indexing.cpp) -------------------------------------------------------------------
// One element of a subscript: a[1, 2:5:2, None, ..., idx_tensor, mask].
// Python lists of ints/bools in an index arrive as int64/bool tensors.
struct IndexItem {
  enum class Kind : uint8_t { Int, Slice, None, Ellipsis, Tensor } kind = Kind::Int;
  int64_t index = 0;                            // Int
  std::optional<int64_t> start, stop, step;     // Slice (step must be > 0: ValueError "step must be greater than zero")
  Tensor tensor;                                // Tensor: int64 indices or a bool mask
  static IndexItem integer(int64_t i) { IndexItem x; x.kind = Kind::Int; x.index = i; return x; }
  static IndexItem slice(std::optional<int64_t> a, std::optional<int64_t> b, std::optional<int64_t> s) {
    IndexItem x; x.kind = Kind::Slice; x.start = a; x.stop = b; x.step = s; return x;
  }
  static IndexItem none() { IndexItem x; x.kind = Kind::None; return x; }
  static IndexItem ellipsis() { IndexItem x; x.kind = Kind::Ellipsis; return x; }
  static IndexItem of(const Tensor& t) { IndexItem x; x.kind = Kind::Tensor; x.tensor = t; return x; }
};
// a[idx]: basic indexing gives views (SelectBackward0 / SliceBackward0 / ...), advanced
// indexing (int tensors, masks) copies (IndexBackward0). IndexError with PyTorch's wording
// ("index 3 is out of bounds for dimension 1 with size 3").
Tensor index(const Tensor& a, const std::vector<IndexItem>& idx);
// a[idx] = value (value broadcast to the indexed shape, converted to a's dtype); in place.
void index_put_(Tensor& a, const std::vector<IndexItem>& idx, const Tensor& value);
Tensor select(const Tensor& a, int64_t dim, int64_t i);
Tensor index_select(const Tensor& a, int64_t dim, const Tensor& indices);
Tensor masked_fill(const Tensor& a, const Tensor& mask, Scalar value);
// F.embedding / nn.Embedding: rows of weight (EmbeddingBackward0), padding_idx rows get no grad.
Tensor embedding(const Tensor& weight, const Tensor& indices, std::optional<int64_t> padding_idx = std::nullopt);

}  // namespace gradlab
