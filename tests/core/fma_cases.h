// What fma_test and adam_test count to show that kernel::fma_f32's careful path ran.
#pragma once
#include <cmath>
#include <cstdint>

#include "tensor/bits.h"

namespace gradlab {

// The double-rounding cases: a * b + c is not a double, and the double nearest to it lies
// exactly halfway between two floats.
inline bool double_rounding_case(float a, float b, float c) {
  const double xy = double(a) * double(b), r = xy + double(c);
  const double bv = r - xy, err = (xy - (r - bv)) + (double(c) - bv);
  return err != 0.0 && (bit_cast<uint64_t>(r) & 0x1fffffffu) == 0x10000000u && std::isfinite(r);
}

}  // namespace gradlab
