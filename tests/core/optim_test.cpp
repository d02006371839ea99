// torch.optim (core/optim/): every optimizer and option over several steps with two
// parameters, parameter groups, StepLR and zero_grad, run through a Session against the
// output PyTorch 1.13 printed (tests/fixtures/gen_nn.py writes optim_programs.txt); the
// native addcmul_/addcdiv_ with PyTorch's rounding; the step counters.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/autograd.h"
#include "nn/nn_ops.h"
#include "program_fixtures.h"

namespace gradlab {
namespace {

TEST(OptimPrograms, MatchPyTorch) { fixtures::run_program_fixtures("optim_programs.txt"); }

std::string run(const std::string& source) {
  return fixtures::run_program("import torch\nimport torch.optim as optim\n" + source);
}

TEST(Optim, StepCountersAdvanceOncePerStep) {
  // Three parameters in two groups: each state's step is the number of step() calls.
  EXPECT_EQ(run("a = torch.ones(2, requires_grad=True)\n"
                "b = torch.ones(1, requires_grad=True)\n"
                "c = torch.ones(3, requires_grad=True)\n"
                "opt = optim.Adam([{'params': [a, b]}, {'params': [c], 'lr': 0.1}])\n"
                "for i in range(4):\n"
                "    opt.zero_grad()\n"
                "    (a.sum() + b.sum() + c.sum()).backward()\n"
                "    opt.step()\n"
                "print(opt.state[a]['step'], opt.state[b]['step'], opt.state[c]['step'])\n"),
            "tensor(4.) tensor(4.) tensor(4.)\n");
}

TEST(Optim, ParametersWithoutGradientsAreSkipped) {
  EXPECT_EQ(run("a = torch.ones(2, requires_grad=True)\n"
                "b = torch.ones(2, requires_grad=True)\n"
                "opt = optim.SGD([a, b], lr=0.5, momentum=0.9)\n"
                "a.sum().backward()\n"
                "opt.step()\n"
                "print(a, b, b in opt.state, b.grad)\n"),
            "tensor([0.5000, 0.5000], requires_grad=True) tensor([1., 1.], requires_grad=True) "
            "False None\n");
}

TEST(Optim, LearningRateIsReadAtEachStep) {
  EXPECT_EQ(run("w = torch.tensor([1.0], requires_grad=True)\n"
                "opt = optim.SGD([w], lr=0.1)\n"
                "for lr in [0.1, 0.0, 1.0]:\n"
                "    opt.param_groups[0]['lr'] = lr\n"
                "    opt.zero_grad()\n"
                "    (w * 2).sum().backward()\n"
                "    opt.step()\n"
                "    print(w.item())\n"),
            "0.800000011920929\n0.800000011920929\n-1.2000000476837158\n");
}

TEST(Optim, StepRunsWithoutRecordingAGraph) {
  EXPECT_EQ(run("w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                "opt = optim.Adam([w])\n"
                "(w ** 2).sum().backward()\n"
                "opt.step()\n"
                "print(w.grad_fn, w.is_leaf, opt.state[w]['exp_avg'].requires_grad)\n"),
            "None True False\n");
}

TEST(Optim, NativeSgdStepMatchesThePythonLoop) {
  // SGD.step runs natively for plain-number hyper-parameters and in Python otherwise (here a
  // 0-d tensor, exactly 0.5 like the float): the same values and state either way, for every
  // option the loop has.
  const std::string program =
      "def fit(lr, **kw):\n"
      "    torch.manual_seed(0)\n"
      "    a = torch.randn(3, requires_grad=True)\n"
      "    b = torch.randn(2, requires_grad=True)\n"
      "    opt = optim.SGD([a, b], lr=lr, **kw)\n"
      "    for i in range(3):\n"
      "        opt.zero_grad()\n"
      "        ((a * a).sum() + (b ** 3).sum()).backward()\n"
      "        opt.step()\n"
      "    bufs = [opt.state[p]['momentum_buffer'] for p in [a, b]]\n"
      "    return a.tolist() + b.tolist(), [None if t is None else t.tolist() for t in bufs]\n"
      "for kw in [{}, {'momentum': 0.9}, {'momentum': 0.9, 'dampening': 0.25},\n"
      "           {'momentum': 0.5, 'nesterov': True, 'weight_decay': 0.125},\n"
      "           {'maximize': True, 'weight_decay': 0.5}]:\n"
      "    print(fit(0.5, **kw) == fit(torch.tensor(0.5), **kw), fit(0.5, **kw)[1][0] is None)\n";
  EXPECT_EQ(run(program),
            "True True\nTrue False\nTrue False\nTrue False\nTrue True\n");
}

TEST(Optim, ZeroGradDetachesAndZeroesOrDropsTheGradients) {
  EXPECT_EQ(run("w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                "opt = optim.SGD([w], lr=0.1)\n"
                "(w * w).sum().backward()\n"
                "g = w.grad\n"
                "opt.zero_grad()\n"
                "print(w.grad, g is w.grad, g.requires_grad)\n"
                "w.grad = (w * 3).sum() * torch.ones(2)\n"
                "print(w.grad.grad_fn is not None)\n"
                "opt.zero_grad()\n"
                "print(w.grad, w.grad.grad_fn)\n"
                "opt.zero_grad(set_to_none=True)\n"
                "print(w.grad)\n"),
            "tensor([0., 0.]) True False\nTrue\ntensor([0., 0.]) None\nNone\n");
}

TEST(Optim, ErrorsAreWordedAsPyTorch) {
  EXPECT_EQ(run("optim.SGD([torch.ones(1, requires_grad=True)], lr=-0.5)"),
            "ValueError: Invalid learning rate: -0.5\n");
  EXPECT_EQ(
      run("optim.SGD([torch.ones(1, requires_grad=True)])"),
      "ValueError: parameter group didn't specify a value of required optimization parameter lr\n");
  EXPECT_EQ(run("optim.Adam([])"), "ValueError: optimizer got an empty parameter list\n");
  EXPECT_EQ(run("optim.Adam([1.0])"),
            "TypeError: optimizer can only optimize Tensors, but one of the params is float\n");
  EXPECT_EQ(run("optim.lr_scheduler.StepLR(3, 1)"), "TypeError: int is not an Optimizer\n");
}

// --- the native pointwise updates -------------------------------------------------------------
Tensor f32(std::vector<double> v) {
  return from_doubles(v, Shape{int64_t(v.size())}, DType::Float32);
}

TEST(OptimPointwise, AddcmulRoundsOnceLikeAFusedMultiplyAdd) {
  // t1 * t2 = 1 + 2^-11 + 2^-24 exactly, which float32 rounds (a tie, to even) to 1 + 2^-11:
  // adding -(1 + 2^-11) leaves 2^-24 with one rounding (PyTorch's fused kernel), 0 with two.
  const double e = std::ldexp(1.0, -12);
  Tensor self = f32({-(1.0 + 2 * e)});
  addcmul_(self, f32({1.0 + e}), f32({1.0 + e}), Scalar::from_int(1));
  EXPECT_EQ(to_doubles(self)[0], std::ldexp(1.0, -24));
}

TEST(OptimPointwise, AddcdivBroadcastsAndBumpsTheVersion) {
  Tensor self = from_doubles({1, 2, 3, 4}, Shape{2, 2}, DType::Float32);
  const uint32_t before = self->storage->version;
  addcdiv_(self, f32({2.0, 4.0}), from_doubles({2.0, 4.0}, Shape{2, 1}, DType::Float32),
           Scalar::from_int(3));
  EXPECT_EQ(to_doubles(self), (std::vector<double>{4, 8, 4.5, 7}));
  EXPECT_EQ(self->storage->version, before + 1);
}

TEST(OptimPointwise, RefuseToBeRecorded) {
  Tensor self = f32({1.0, 2.0});
  Tensor g = f32({1.0, 1.0});
  g.set_requires_grad(true);
  try {
    addcmul_(self, g, g, Scalar::from_int(1));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "addcmul_: gradlab's optimizer update is not differentiable; call it under "
              "torch.no_grad()");
  }
  NoGradGuard no_grad;
  addcmul_(self, g, g, Scalar::from_int(1));
  EXPECT_EQ(to_doubles(self), (std::vector<double>{2, 3}));
}

}  // namespace
}  // namespace gradlab
