// Gradcheck cases for the elementwise rows of the op table (core/ops/elementwise*.cpp):
// every row, broadcasting, Python-number operands and the in-place forms. Inputs avoid the
// points where an op is not differentiable (relu/abs at 0, clamp bounds, maximum ties).
#include "gradcheck.h"

namespace gradlab {
namespace {

Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor inum(int64_t v) { return wrapped_scalar(Scalar::from_int(v)); }
// A non-leaf copy of x, for in-place ops (a leaf that requires grad may not be modified).
Tensor nonleaf(const Tensor& x) { return mul(x, num(1.0)); }

GRADCHECK_CASE(OpId::Add, "add broadcast", [](GradInputs& in) {
  return add(in.randn({2, 3}), in.randn({3}));
});
GRADCHECK_CASE(OpId::Add, "add alpha and row+col", [](GradInputs& in) {
  return add(in.randn({2, 1}), in.randn({1, 3}), Scalar::from_double(2.5));
});
GRADCHECK_CASE(OpId::Add, "add python number", [](GradInputs& in) {
  return add(in.randn({4}), num(2.0));
});
GRADCHECK_CASE(OpId::Add, "add_ in place broadcast", [](GradInputs& in) {
  Tensor y = nonleaf(in.randn({2, 3}));
  add_(y, in.randn({3}), Scalar::from_int(3));
  return y;
});
GRADCHECK_CASE(OpId::Add, "add 0-d tensor", [](GradInputs& in) {
  return add(in.randn({3}), in.randn({}));
});
GRADCHECK_CASE(OpId::Sub, "sub broadcast alpha", [](GradInputs& in) {
  return sub(in.randn({3, 1}), in.randn({2}), Scalar::from_double(0.5));
});
GRADCHECK_CASE(OpId::Sub, "sub_ in place", [](GradInputs& in) {
  Tensor y = nonleaf(in.randn({3}));
  sub_(y, in.randn({3}));
  return y;
});
GRADCHECK_CASE(OpId::Rsub, "1 - x", [](GradInputs& in) { return rsub(in.randn({2, 2}), num(1.0)); });
GRADCHECK_CASE(OpId::RsubTensor, "rsub(x, y) broadcast", [](GradInputs& in) {
  return rsub(in.randn({3}), in.randn({2, 3}));
});
GRADCHECK_CASE(OpId::Mul, "mul broadcast", [](GradInputs& in) {
  return mul(in.randn({2, 3}), in.randn({2, 1}));
});
GRADCHECK_CASE(OpId::Mul, "mul same input", [](GradInputs& in) {
  Tensor x = in.randn({3});
  return mul(x, x);
});
GRADCHECK_CASE(OpId::Mul, "mul_ in place", [](GradInputs& in) {
  Tensor y = nonleaf(in.randn({2, 3}));
  mul_(y, in.randn({3}));
  return y;
});
GRADCHECK_CASE(OpId::Div, "div broadcast", [](GradInputs& in) {
  return div(in.randn({2, 3}), in.uniform({3}, 0.5, 2.0));
});
GRADCHECK_CASE(OpId::Div, "div_ in place", [](GradInputs& in) {
  Tensor y = nonleaf(in.randn({3}));
  div_(y, in.uniform({3}, -2.0, -0.5));
  return y;
});
GRADCHECK_CASE(OpId::Div, "2 / x as reciprocal * 2", [](GradInputs& in) {
  return div(num(2.0), in.uniform({3}, 0.5, 2.0));
});
GRADCHECK_CASE(OpId::PowScalar, "x ** 2.5", [](GradInputs& in) {
  return pow(in.uniform({2, 2}, 0.5, 2.0), num(2.5));
});
GRADCHECK_CASE(OpId::PowScalar, "x ** 3 (int)", [](GradInputs& in) {
  return pow(in.randn({4}), inum(3));
});
GRADCHECK_CASE(OpId::PowScalar, "x ** 0", [](GradInputs& in) { return pow(in.randn({3}), inum(0)); });
GRADCHECK_CASE(OpId::PowScalar, "x ** -1", [](GradInputs& in) {
  return pow(in.uniform({3}, 0.5, 2.0), inum(-1));
});
GRADCHECK_CASE(OpId::PowScalar, "pow_ in place", [](GradInputs& in) {
  Tensor y = nonleaf(in.uniform({3}, 0.5, 2.0));
  pow_(y, num(1.5));
  return y;
});
GRADCHECK_CASE(OpId::PowTensor, "x ** y broadcast", [](GradInputs& in) {
  return pow(in.uniform({2, 3}, 0.5, 2.0), in.uniform({3}, -1.0, 2.0));
});
GRADCHECK_CASE(OpId::PowTensor, "2 ** x", [](GradInputs& in) {
  return pow(inum(2), in.randn({3}));
});
GRADCHECK_CASE(OpId::PowTensor, "pow_ tensor in place", [](GradInputs& in) {
  Tensor y = nonleaf(in.uniform({3}, 0.5, 2.0));
  pow_(y, in.uniform({3}, 0.5, 1.5));
  return y;
});
GRADCHECK_CASE(OpId::PowScalarBase, "torch.pow(2.5, x)", [](GradInputs& in) {
  return pow(Scalar::from_double(2.5), in.randn({2, 2}));
});
GRADCHECK_CASE(OpId::Neg, "neg", [](GradInputs& in) { return neg(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::Exp, "exp", [](GradInputs& in) { return exp(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::Log, "log", [](GradInputs& in) { return log(in.uniform({4}, 0.2, 3.0)); });
GRADCHECK_CASE(OpId::Log2, "log2", [](GradInputs& in) { return log2(in.uniform({4}, 0.2, 3.0)); });
GRADCHECK_CASE(OpId::Log10, "log10", [](GradInputs& in) { return log10(in.uniform({4}, 0.2, 3.0)); });
GRADCHECK_CASE(OpId::Sqrt, "sqrt", [](GradInputs& in) { return sqrt(in.uniform({4}, 0.2, 3.0)); });
GRADCHECK_CASE(OpId::Sin, "sin", [](GradInputs& in) { return sin(in.randn({5})); });
GRADCHECK_CASE(OpId::Cos, "cos", [](GradInputs& in) { return cos(in.randn({5})); });
GRADCHECK_CASE(OpId::Tan, "tan", [](GradInputs& in) { return tan(in.uniform({5}, -1.2, 1.2)); });
GRADCHECK_CASE(OpId::Tanh, "tanh", [](GradInputs& in) { return tanh(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::Sigmoid, "sigmoid", [](GradInputs& in) { return sigmoid(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::Sigmoid, "sigmoid 20 elements (SIMD path)", [](GradInputs& in) {
  return sigmoid(in.randn({20}));
});
GRADCHECK_CASE(OpId::Relu, "relu away from 0", [](GradInputs& in) {
  return relu(in.values({-1.5, -0.2, 0.3, 2.0}));
});
GRADCHECK_CASE(OpId::Abs, "abs away from 0", [](GradInputs& in) {
  return abs(in.values({-1.5, -0.2, 0.3, 2.0}));
});
GRADCHECK_CASE(OpId::Reciprocal, "reciprocal", [](GradInputs& in) {
  return reciprocal(in.uniform({4}, 0.5, 2.0));
});
GRADCHECK_CASE(OpId::Sign, "sign", [](GradInputs& in) { return sign(in.values({-1.5, 0.3})); });
GRADCHECK_CASE(OpId::Floor, "floor", [](GradInputs& in) { return floor(in.values({-1.5, 0.3})); });
GRADCHECK_CASE(OpId::Ceil, "ceil", [](GradInputs& in) { return ceil(in.values({-1.5, 0.3})); });
GRADCHECK_CASE(OpId::Round, "round", [](GradInputs& in) { return round(in.values({-1.3, 0.3})); });
GRADCHECK_CASE(OpId::RoundDecimals, "round(decimals=2)", [](GradInputs& in) {
  return round(in.values({-1.3333, 0.3111}), 2);
});
GRADCHECK_CASE(OpId::Clamp, "clamp(min, max) away from the bounds", [](GradInputs& in) {
  return clamp(in.values({-2.0, -0.5, 0.25, 0.9, 3.0}), Scalar::from_double(-1.0),
               Scalar::from_double(1.0));
});
GRADCHECK_CASE(OpId::Clamp, "clamp(min=)", [](GradInputs& in) {
  return clamp(in.values({-2.0, 0.5}), Scalar::from_int(0), std::nullopt);
});
GRADCHECK_CASE(OpId::Clamp, "clamp(max=)", [](GradInputs& in) {
  return clamp(in.values({-2.0, 0.5}), std::nullopt, Scalar::from_double(0.25));
});
GRADCHECK_CASE(OpId::Clamp, "clamp_ in place", [](GradInputs& in) {
  Tensor y = nonleaf(in.values({-2.0, -0.5, 0.25, 3.0}));
  clamp_(y, Scalar::from_double(-1.0), Scalar::from_double(1.0));
  return y;
});
GRADCHECK_CASE(OpId::Maximum, "maximum broadcast, no ties", [](GradInputs& in) {
  return maximum(in.values({-1.0, 0.5, 2.0, 0.1, -0.3, 1.7}, {2, 3}), in.values({0.0, 0.7, 1.0}));
});
GRADCHECK_CASE(OpId::Minimum, "minimum broadcast, no ties", [](GradInputs& in) {
  return minimum(in.values({-1.0, 0.5, 2.0, 0.1, -0.3, 1.7}, {2, 3}), in.values({0.0, 0.7, 1.0}));
});
GRADCHECK_CASE(OpId::Where, "where broadcast", [](GradInputs& in) {
  Tensor cond = from_int64s({1, 0, 1}, {3}, DType::Bool);
  return where(cond, in.randn({2, 3}), in.randn({3}));
});
GRADCHECK_CASE(OpId::Where, "where with a python number", [](GradInputs& in) {
  Tensor x = in.randn({4});
  return where(compare(x, num(0.0), CmpOp::Gt), x, num(0.0));
});
GRADCHECK_ERROR_CASE(OpId::FloorDivide, "floor_divide", "derivative for aten::floor_divide is not implemented",
                     [](GradInputs& in) { return floor_divide(in.randn({3}), num(0.7)); });
GRADCHECK_ERROR_CASE(OpId::RemainderNumberTensor, "torch.remainder(2, x)",
                     "derivative for aten::remainder is not implemented",
                     [](GradInputs& in) { return remainder(num(2.0), in.uniform({3}, 0.5, 1.5)); });
GRADCHECK_CASE(OpId::Remainder, "x % 1.0", [](GradInputs& in) {
  return remainder(in.uniform({4}, 0.1, 0.9), num(1.0));
});
GRADCHECK_CASE(OpId::RemainderTensor, "x % y (quotient stays in [0, 1))", [](GradInputs& in) {
  return remainder(in.uniform({2, 3}, 1.1, 1.4), in.uniform({3}, 1.5, 2.0));
});
// Small values: float32 rounding of x +- eps must stay far below eps.
GRADCHECK_CASE(OpId::ToCopy, "to float32 and back", [](GradInputs& in) {
  return to_dtype(to_dtype(in.uniform({3}, 0.001, 0.002), DType::Float32), DType::Float64);
});
GRADCHECK_CASE(OpId::Copy, "copy_ broadcast from src", [](GradInputs& in) {
  Tensor y = nonleaf(in.randn({2, 3}));
  copy_(y, in.randn({3}));
  return y;
});
GRADCHECK_CASE(OpId::Fill, "fill_", [](GradInputs& in) {
  Tensor x = in.randn({3});
  Tensor y = nonleaf(x);
  fill_(y, Scalar::from_double(2.0));
  return add(y, x);
});
GRADCHECK_CASE(OpId::Zero, "zero_", [](GradInputs& in) {
  Tensor x = in.randn({3});
  Tensor y = nonleaf(x);
  zero_(y);
  return add(y, x);
});

}  // namespace
}  // namespace gradlab
