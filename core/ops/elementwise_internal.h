// Private to the elementwise family (elementwise*.cpp, creation.cpp): type promotion with
// Python scalars, in-place checks, and the helpers backward functions share.
#pragma once
#include <initializer_list>
#include <optional>
#include <string>

#include "autograd/autograd.h"
#include "ops/kernel.h"
#include "ops/ops.h"

namespace gradlab {
namespace ew {

// PyTorch's ResultTypeState over tensors (dims > 0-d > wrapped numbers) and Python scalars
// (which count as wrapped numbers).
DType result_type_of(std::initializer_list<const Tensor*> tensors,
                     std::initializer_list<Scalar> scalars = {});

// The compute dtype of a floating op (exp, sqrt, true division, ...): integral and bool
// inputs compute in the default dtype (float32).
inline DType float_dtype(DType t) { return is_floating(t) ? t : DType::Float32; }

// PyTorch's canCast: no floating -> integral, no non-bool -> bool.
inline bool can_cast(DType from, DType to) {
  if (is_floating(from) && !is_floating(to)) return false;
  if (from != DType::Bool && to == DType::Bool) return false;
  return true;
}
// ScalarType names as error messages print them: "Float", "Long", "Double", "Bool".
const char* scalar_type_name(DType t);

// '"abs_cpu" not implemented for 'Bool''
[[noreturn]] void not_implemented(const char* kernel, DType t);

// "result type Float can't be cast to the desired output type Long"
void check_cast(DType result, DType self);

// For self.op_(other): PyTorch's checks before anything is written, in its order: the leaf
// check (autograd), the result dtype (check_cast), the broadcast shape ("output with shape [3]
// doesn't match the broadcast shape [2, 3]") and memory overlap between self and other.
void check_inplace_binary(const Tensor& self, const Tensor& other, DType result);
// Overlap checks of an in-place write alone ("more than one element of the written-to tensor
// refers to a single memory location").
void check_no_internal_overlap(const Tensor& self);

// A backward's gradient for input i, summed to the input's shape and cast to its dtype (what
// PyTorch's engine does to every gradient; ours leaves it to the ops).
Tensor fit(const Tensor& grad, const Node& n, size_t i);

// 0-d wrapped Python number (x * 2 style) for use inside backward formulas.
inline Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }

// True when both are defined and share a storage.
inline bool same_storage(const Tensor& a, const Tensor& b) {
  return a.defined() && b.defined() && a->storage == b->storage;
}

// Copy of `t` without history (the value an in-place op's backward needs from before it ran).
Tensor snapshot(const Tensor& t);

}  // namespace ew
}  // namespace gradlab
