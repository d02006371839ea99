// Private to core/ops/vecmath.cpp: SLEEF's argument-reduction tables (vecmath_tables.cpp).
#pragma once

namespace gradlab {
namespace vecmath {

extern const float kRempiTabSp[103 * 4];   // rows for float32 exponents 25..127
extern const double kRempiTabDp[969 * 4];  // rows for float64 exponents 55..1023

}  // namespace vecmath
}  // namespace gradlab
