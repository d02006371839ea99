// The bits of a float or double as an integer of the same size, and back (std::bit_cast is
// C++20): what the libm ports, the fused kernels and their tests read and build numbers with.
#pragma once
#include <cstring>

namespace gradlab {

template <typename To, typename From>
inline To bit_cast(const From& x) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast between types of different sizes");
  To y;
  std::memcpy(&y, &x, sizeof y);
  return y;
}

}  // namespace gradlab
