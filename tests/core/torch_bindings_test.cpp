// The torch bindings (core/lang/torch_*.cpp): conversions between VM values and tensors, the
// Tensor hooks, and the per-session torch state. Programs run through a Session, as the CLI
// and the page run them; expected texts are PyTorch 1.13's.
#include <gtest/gtest.h>

#include <string>

#include "lang/torch_convert.h"
#include "lang/torch_module.h"
#include "session/session.h"

namespace gradlab {
namespace {

using lang::Value;

// Runs `source` in `s`; returns its output, then "Type: message" if it raised.
std::string run(Session& s, const std::string& source) {
  std::string out;
  s.set_output_handler([&](const OutputEvent& e) { out += e.text; });
  RunStatus st = s.run_cell(source) ? s.run_to_end() : RunStatus::Error;
  if (st == RunStatus::Error && s.last_error())
    out += s.last_error()->type + ": " + s.last_error()->message + "\n";
  return out;
}

std::string run(const std::string& source) {
  Session s;
  return run(s, "import torch\n" + source);
}

// --- conversions ------------------------------------------------------------------------------
TEST(TorchConvert, TensorDataInfersPyTorchDtypes) {
  EXPECT_EQ(run("print(torch.tensor([1, 2]).dtype, torch.tensor([1, 2.5]).dtype, "
                "torch.tensor([True]).dtype)"),
            "torch.int64 torch.float32 torch.bool\n");
  EXPECT_EQ(run("print(torch.tensor([True, 2]).dtype, torch.tensor([]).dtype, torch.tensor([[], "
                "[]]).shape)"),
            "torch.int64 torch.float32 torch.Size([2, 0])\n");
  EXPECT_EQ(run("print(torch.tensor([torch.tensor(1.0, dtype=torch.float64), 2]).dtype)"),
            "torch.float64\n");
  EXPECT_EQ(run("print(torch.tensor([1.9, -1.9], dtype=torch.int64), torch.tensor(range(3)))"),
            "tensor([ 1, -1]) tensor([0, 1, 2])\n");
}

TEST(TorchConvert, TensorDataErrorsAreWordedAsPyTorch) {
  EXPECT_EQ(run("torch.tensor([[1, 2, 3], [4, 5]])"),
            "ValueError: expected sequence of length 3 at dim 1 (got 2)\n");
  EXPECT_EQ(run("torch.tensor([[1, 2], 3])"), "TypeError: not a sequence\n");
  EXPECT_EQ(run("torch.tensor('abc')"), "TypeError: new(): invalid data type 'str'\n");
  EXPECT_EQ(run("torch.tensor(['a'])"), "ValueError: too many dimensions 'str'\n");
  EXPECT_EQ(run("torch.tensor([None])"), "RuntimeError: Could not infer dtype of NoneType\n");
  EXPECT_EQ(run("torch.tensor([torch.ones(2)])"),
            "ValueError: only one element tensors can be converted to Python scalars\n");
}

TEST(TorchConvert, ItemAndTolistGivePythonScalars) {
  EXPECT_EQ(
      run("print(torch.tensor(0.1).item(), torch.tensor(7).item(), torch.tensor(True).item())"),
      "0.10000000149011612 7 True\n");
  EXPECT_EQ(run("print(torch.tensor([[1, 2], [3, 4]]).tolist(), torch.tensor(2.5).tolist(), "
                "torch.zeros(0).tolist())"),
            "[[1, 2], [3, 4]] 2.5 []\n");
  EXPECT_EQ(run("torch.ones(2).item()"),
            "ValueError: only one element tensors can be converted to Python scalars\n");
}

TEST(TorchConvert, ShapesAndDimsInEveryForm) {
  EXPECT_EQ(
      run("print(torch.zeros(2, 3).shape, torch.zeros((2, 3)).shape, torch.zeros([2]).shape, "
          "torch.zeros(torch.Size([1, 2])).shape, torch.zeros(size=(4,)).shape)"),
      "torch.Size([2, 3]) torch.Size([2, 3]) torch.Size([2]) torch.Size([1, 2]) torch.Size([4])\n");
  EXPECT_EQ(
      run("torch.zeros(2.5)"),
      "TypeError: zeros(): argument 'size' (position 1) must be tuple of SymInts, not float\n");
  EXPECT_EQ(run("print(torch.ones(2, 3).sum(dim=(0, 1)), torch.ones(2, 3).sum(axis=1), "
                "torch.ones(2, 3).sum([1]))"),
            "tensor(6.) tensor([3., 3.]) tensor([3., 3.])\n");
}

TEST(TorchConvert, SubscriptKeysBecomeIndexItems) {
  EXPECT_EQ(
      run("a = torch.arange(12).reshape(3, 4)\n"
          "print(a[1, -1], a[:, 1::2].tolist(), a[None].shape, a[..., 0], a[[0, 2]].shape)\n"
          "print(a[[True, False, True]].shape, a[torch.tensor(1)], a[1:torch.tensor(2)].shape)"),
      "tensor(7) [[1, 3], [5, 7], [9, 11]] torch.Size([1, 3, 4]) tensor([0, 4, 8]) torch.Size([2, "
      "4])\n"
      "torch.Size([2, 4]) tensor([4, 5, 6, 7]) torch.Size([1, 4])\n");
  EXPECT_EQ(run("torch.arange(3)[1.5]"),
            "IndexError: only integers, slices (`:`), ellipsis (`...`), None and long or byte "
            "Variables are "
            "valid indices (got float)\n");
  EXPECT_EQ(run("torch.arange(3)[torch.tensor([1.0])]"),
            "IndexError: tensors used as indices must be long, byte or bool tensors\n");
}

// --- hooks ---------------------------------------------------------------------------------------
TEST(TorchHooks, ReflectedOperatorsRecordPyTorchsNodes) {
  EXPECT_EQ(run("x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                "print((2 - x).grad_fn.name(), (2 / x).grad_fn.name(), (2 ** x).grad_fn.name(), (x "
                "** 2).grad_fn.name())"),
            "RsubBackward1 MulBackward0 PowBackward1 PowBackward0\n");
}

// The cached wrapped scalar of `x * 3.0` must not be rewritten while mul's node keeps it.
TEST(TorchHooks, CachedScalarOperandsSurviveBackward) {
  EXPECT_EQ(run("w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                "a = 3.0 * w\nb = w * 5.0\nc = w / 4.0\n"
                "(a + b + c).sum().backward()\nprint(w.grad, a, b)"),
            "tensor([8.2500, 8.2500]) tensor([3., 6.], grad_fn=<MulBackward0>) "
            "tensor([ 5., 10.], grad_fn=<MulBackward0>)\n");
  EXPECT_EQ(run("w = torch.tensor([2.0], requires_grad=True)\n"
                "p = w ** 3.0\nq = w ** 2.0\n(p + q).backward()\nprint(w.grad)"),
            "tensor([16.])\n");
}

TEST(TorchHooks, InPlaceOperatorsKeepTheObject) {
  EXPECT_EQ(run("w = torch.tensor([1.0, -1.0], requires_grad=True)\n"
                "(w * w).sum().backward()\nv = w\n"
                "with torch.no_grad():\n    w -= 0.5 * w.grad\n"
                "print(w, v is w)"),
            "tensor([0., 0.], requires_grad=True) True\n");
  EXPECT_EQ(run("k = torch.tensor([1, 2])\nk += 0.5"),
            "RuntimeError: result type Float can't be cast to the desired output type Long\n");
}

TEST(TorchHooks, TruthLengthAndIteration) {
  EXPECT_EQ(run("print(bool(torch.tensor([2])), len(torch.zeros(3, 2)), [int(r.sum()) for r in "
                "torch.ones(2, 3)])"),
            "True 3 [3, 3]\n");
  EXPECT_EQ(run("bool(torch.ones(2))"),
            "RuntimeError: Boolean value of Tensor with more than one value is ambiguous\n");
  EXPECT_EQ(run("len(torch.tensor(1.0))"), "TypeError: len() of a 0-d tensor\n");
  EXPECT_EQ(run("for r in torch.tensor(1.0):\n    pass"),
            "TypeError: iteration over a 0-d tensor\n");
}

TEST(TorchHooks, FormatAndRepr) {
  EXPECT_EQ(
      run("x = torch.tensor(0.123456)\nprint(f'{x}', f'{x:.3f}', f'{torch.tensor(True):>3}|')"),
      "0.12345600128173828 0.123   1|\n");
  EXPECT_EQ(run("f'{torch.ones(2):.2f}'"),
            "TypeError: unsupported format string passed to Tensor.__format__\n");
  EXPECT_EQ(run("print(torch.tensor([1.7, -2.3, 0.0]).int())"),
            "tensor([ 1, -2,  0], dtype=torch.int32)\n");
  EXPECT_EQ(run("print(torch.tensor([], dtype=torch.int32), torch.tensor([1]).int().type())"),
            "tensor([], dtype=torch.int32) torch.IntTensor\n");
}

TEST(TorchHooks, AttributesAndDataAssignment) {
  EXPECT_EQ(run("w = torch.zeros(3, requires_grad=True)\nv = w\n"
                "w.data = torch.tensor([[1.0, 2.0]])\nprint(w, v is w, w.is_leaf)"),
            "tensor([[1., 2.]], requires_grad=True) True True\n");
  EXPECT_EQ(run("x = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n"
                "print(y.grad_fn.next_functions[0][0].name(), y.grad_fn.next_functions[0][1])"),
            "MulBackward0 0\n");
  EXPECT_EQ(run("torch.ones(2).numpy()"),
            "RuntimeError: gradlab has no NumPy: Tensor.numpy() is not available (use .tolist() "
            "for Python lists)\n");
}

TEST(TorchHooks, OpErrorsBecomePythonExceptions) {
  EXPECT_EQ(run("try:\n    torch.ones(2, 3) @ torch.ones(2, 3)\nexcept RuntimeError as e:\n    "
                "print('caught', e)"),
            "caught mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)\n");
  EXPECT_EQ(run("torch.ones(2) + torch.ones(3)"),
            "RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at "
            "non-singleton dimension 0\n");
}

// --- per-session state
// ----------------------------------------------------------------------------
TEST(TorchState, GeneratorAndGradModeBelongToTheSession) {
  Session a, b;
  EXPECT_EQ(run(a, "import torch\ntorch.manual_seed(0)\nprint(torch.rand(2))"),
            "tensor([0.4963, 0.7682])\n");
  EXPECT_EQ(run(b, "import torch\nprint(torch.rand(1).shape)"), "torch.Size([1])\n");
  EXPECT_EQ(run(a, "print(torch.rand(2))"), "tensor([0.0885, 0.1320])\n");
  a.reset();
  EXPECT_EQ(
      run(a, "import torch\ntorch.manual_seed(0)\nprint(torch.rand(2), torch.is_grad_enabled())"),
      "tensor([0.4963, 0.7682]) True\n");
  EXPECT_EQ(lang::torch_generator(a.vm()).initial_seed(), 0u);
}

TEST(TorchState, NoGradRestoresTheModeOnErrors) {
  EXPECT_EQ(
      run("try:\n    with torch.no_grad():\n        raise ValueError('x')\nexcept ValueError:\n    "
          "pass\n"
          "print(torch.is_grad_enabled())\n"
          "def f(x):\n    return x * 2\n"
          "f = torch.no_grad()(f)\n"
          "print(f(torch.ones(1, requires_grad=True)).requires_grad, torch.is_grad_enabled())"),
      "True\nFalse True\n");
}

}  // namespace
}  // namespace gradlab
