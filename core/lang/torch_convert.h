// Conversions between the VM's values and the tensor library, shared by every torch binding:
// Python data -> tensors (torch.tensor's nested lists with PyTorch's dtype inference),
// tensors -> Python scalars and lists (item, tolist), shape and dim arguments, dtypes, and
// subscript keys -> IndexItem lists.
//
// torch.int32 has no storage type of its own: an int32 tensor is an Int64 tensor with
// TensorImpl::int32 set, which .dtype, printing and .type() report as int32 (see
// torch_tensor.cpp for which operations keep the tag).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lang/vm.h"
#include "ops/ops.h"

namespace gradlab::lang {

// The dtypes the bindings expose, in the order of the torch.dtype objects.
enum class TorchDType : uint8_t { Bool, Int64, Float32, Float64, Int32 };
inline constexpr int kNumTorchDTypes = 5;

inline DType storage_dtype(TorchDType d) {
  switch (d) {
    case TorchDType::Bool:
      return DType::Bool;
    case TorchDType::Float32:
      return DType::Float32;
    case TorchDType::Float64:
      return DType::Float64;
    default:
      return DType::Int64;
  }
}
inline TorchDType torch_dtype(DType d) {
  switch (d) {
    case DType::Bool:
      return TorchDType::Bool;
    case DType::Float32:
      return TorchDType::Float32;
    case DType::Float64:
      return TorchDType::Float64;
    default:
      return TorchDType::Int64;
  }
}
// The dtype a tensor shows (int32 when tagged).
inline TorchDType torch_dtype_of(const Tensor& t) {
  return t->int32 ? TorchDType::Int32 : torch_dtype(t.dtype());
}
const char* torch_dtype_name(TorchDType d);         // "torch.float32", "torch.int32"
const char* torch_dtype_type_name(TorchDType d);    // "torch.FloatTensor", "torch.IntTensor"
const char* torch_dtype_legacy_name(TorchDType d);  // "FloatTensor", "IntTensor"

// The handle <-> Value ownership transfers.
inline Value wrap(Tensor t) { return Value::tensor_adopt(t.release()); }
inline Tensor unwrap(const Value& v) { return Tensor::borrow(v.as_tensor()); }

// A Python bool/int/float as a Scalar; false for anything else.
bool scalar_of(const Value& v, Scalar* out);
// A Scalar as a Python value (bool, int or float).
Value scalar_value(const Scalar& s);

// Converts a tensor to `d` (no autograd, a copy unless already that dtype); int32 truncates
// to 32 bits as PyTorch's cast does.
Tensor convert_dtype(const Tensor& t, TorchDType d);

// torch.tensor(data, dtype=...): nested lists/tuples/ranges of Python numbers, bools and
// one-element tensors, or a tensor (copied, detached). Without a dtype, floats give float32,
// ints int64, bools bool (the widest kind present; a tensor element contributes its dtype).
// Errors are PyTorch's: ValueError "expected sequence of length 3 at dim 1 (got 2)",
// RuntimeError "Could not infer dtype of NoneType", TypeError "new(): invalid data type 'str'".
Tensor tensor_from_data(VM& vm, const Value& data, std::optional<TorchDType> dtype);

// t.item(): ValueError "only one element tensors can be converted to Python scalars".
Value tensor_item(const Tensor& t);
// t.tolist(): nested lists of Python scalars (a Python scalar for a 0-d tensor).
Value tensor_tolist(VM& vm, const Tensor& t);

// A shape given as varargs (zeros(2, 3)), one tuple/list/torch.Size (zeros((2, 3))) or,
// when `args` is one value, that value. TypeError names `fname` and `argname` as PyTorch does.
std::vector<int64_t> shape_from_args(VM& vm, const Value* args, size_t n, const char* fname,
                                     const char* argname = "size");
// A list/tuple of ints, or one int (dims=0 -> {0}).
std::vector<int64_t> int_list_arg(VM& vm, const Value& v, const char* fname, const char* argname);
// A dim argument: None/Undef -> empty (all dims), an int, or a tuple/list of ints.
std::vector<int64_t> dims_arg(VM& vm, const Value& v, const char* fname);

// The dtype of a dtype object or of a legacy type class (torch.FloatTensor) or a type
// string ("torch.FloatTensor"); nullopt if `v` is none of those.
std::optional<TorchDType> dtype_of_value(VM& vm, const Value& v);

// A subscript key (int, slice, None, Ellipsis, list, tensor, or a tuple of those) as ops'
// index items. Lists become int64 or bool tensors; 0-d integer tensors act as ints.
std::vector<IndexItem> index_items(VM& vm, const Value& key);

}  // namespace gradlab::lang
