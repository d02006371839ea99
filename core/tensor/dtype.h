// Element types of tensors and PyTorch's type-promotion rules.
#pragma once
#include <cstdint>

namespace gradlab {

// Ordered by promotion category: Bool < integral < floating.
enum class DType : uint8_t { Bool, Int64, Float32, Float64 };

inline constexpr int kNumDTypes = 4;

inline bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64; }
inline bool is_integral(DType t, bool include_bool) {
  return t == DType::Int64 || (include_bool && t == DType::Bool);
}
inline int element_size(DType t) {
  switch (t) {
    case DType::Bool: return 1;
    case DType::Int64: return 8;
    case DType::Float32: return 4;
    case DType::Float64: return 8;
  }
  return 0;
}
// "torch.float32", "torch.int64", ...
const char* dtype_name(DType t);
// "float", "long", "double", "bool": the short names used by error messages and .type().
const char* dtype_short_name(DType t);
// "torch.FloatTensor", "torch.LongTensor", ...
const char* dtype_tensor_type_name(DType t);

// The wider of two types in PyTorch's lattice (bool < int64 < float32 < float64).
inline DType promote(DType a, DType b) { return a > b ? a : b; }

}  // namespace gradlab
