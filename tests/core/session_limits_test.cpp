// Session limits set through SessionLimits (the fuzzer and the page lower them): the tensor
// memory budget and its MemoryError text, the recursion limit, and that each session runs
// with its own settings. Output, source size and instruction limits: session_test.cpp.
#include <gtest/gtest.h>

#include "lang/vm.h"
#include "tensor/tensor.h"
#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::run_in;

TEST(SessionLimits, DefaultTensorBudgetIsOneGiBAndTheErrorNamesSizeAndShape) {
  EXPECT_EQ(kMaxTensorBytes, int64_t(1) << 30);
  EXPECT_EQ(SessionLimits{}.max_tensor_bytes, kMaxTensorBytes);
  Session s;
  testing::Outcome o = run_in(s, "import torch\nx = torch.zeros(100000, 100000)\n");
  EXPECT_EQ(o.error, "MemoryError: gradlab cannot allocate 40.0 GB for a tensor of shape [100000, 100000]");
  EXPECT_EQ(o.record.line, 2);
  // Shapes whose byte count overflows 64 bits are refused the same way.
  o = run_in(s, "import torch\nx = torch.ones(2 ** 40, 2 ** 40, dtype=torch.float64)\n");
  EXPECT_EQ(o.error.substr(0, 36), "MemoryError: gradlab cannot allocate");
  EXPECT_NE(o.error.find("for a tensor of shape [1099511627776, 1099511627776]"), std::string::npos);
  // The session is still usable.
  EXPECT_EQ(run_in(s, "import torch\nx = torch.zeros(2 ** 20)\nprint(x.shape)\n").out,
            "torch.Size([1048576])\n");
}

TEST(SessionLimits, TensorBudgetIsASessionOption) {
  SessionLimits lim;
  lim.max_tensor_bytes = int64_t(1) << 20;  // 1 MiB
  Session s(lim);
  EXPECT_EQ(run_in(s, "import torch\nx = torch.zeros(1000, 1000)\n").error,
            "MemoryError: gradlab cannot allocate 4.0 MB for a tensor of shape [1000, 1000]");
  // The budget counts what is held: a second 800 kB tensor does not fit until the first goes.
  EXPECT_EQ(run_in(s, "x = torch.zeros(200, 1000)\ny = torch.zeros(200, 1000)\n").error,
            "MemoryError: gradlab cannot allocate 800.0 KB for a tensor of shape [200, 1000]");
  EXPECT_EQ(run_in(s, "del x\ny = torch.zeros(200, 1000)\nprint(y.shape)\n").out,
            "torch.Size([200, 1000])\n");
  // Results of ops are counted too.
  EXPECT_EQ(run_in(s, "z = y + y\n").error,
            "MemoryError: gradlab cannot allocate 800.0 KB for a tensor of shape [200, 1000]");
  // Another session runs with its own (default) budget.
  Session big;
  EXPECT_EQ(run_in(big, "import torch\nprint(torch.zeros(1000, 1000).shape)\n").out,
            "torch.Size([1000, 1000])\n");
}

// Two sessions on one thread, their slices interleaved (the page's worker runs its warm-up
// session between the student's): grad mode, the tensor budget and its count are per session.
TEST(SessionLimits, InterleavedSessionsKeepTheirOwnGradModeAndBudget) {
  SessionLimits small;
  small.max_tensor_bytes = int64_t(1) << 20;  // 1 MiB
  Session a(small);
  ASSERT_TRUE(a.run_cell(
      "import torch\nheld = torch.zeros(200, 1000)\nwith torch.no_grad():\n    while True:\n"
      "        pass\n"));
  ASSERT_EQ(a.run(1000), RunStatus::Suspended);  // inside `with torch.no_grad():`
  Session b;
  EXPECT_EQ(run_in(b, "import torch\nx = torch.ones(2, requires_grad=True)\n"
                      "print(torch.is_grad_enabled(), (x * 2).requires_grad)\n"
                      "y = torch.zeros(1000, 1000)\nprint(y.shape)\n")
                .out,
            "True True\ntorch.Size([1000, 1000])\n");
  ASSERT_EQ(a.run(1000), RunStatus::Suspended);
  b.abort_run();
  ASSERT_TRUE(b.run_cell("with torch.no_grad():\n    while True:\n        pass\n"));
  ASSERT_EQ(b.run(1000), RunStatus::Suspended);
  // a's loop is still in no_grad; b's suspension changed nothing for a, and a's 800 kB count.
  a.abort_run();
  EXPECT_EQ(run_in(a, "print(torch.is_grad_enabled())\nz = torch.zeros(200, 1000)\n").out +
                run_in(a, "z = torch.zeros(200, 1000)\n").error,
            "True\nMemoryError: gradlab cannot allocate 800.0 KB for a tensor of shape [200, 1000]");
  b.abort_run();
  EXPECT_EQ(run_in(b, "print(torch.is_grad_enabled())\n").out, "True\n");
  // Outside every session, the thread's own context was never touched.
  EXPECT_TRUE(current_context().grad_enabled);
}

// abort_run() (a time limit, a new cell over a running one) skips `with` exits: the grad mode
// goes back to the cell's starting one, which an earlier cell may have set; reset() clears it.
TEST(SessionLimits, AbortRestoresTheGradModeTheCellStartedWith) {
  Session s;
  EXPECT_EQ(run_in(s, "import torch\ntorch.set_grad_enabled(False)\n").error, "");
  ASSERT_TRUE(s.run_cell("with torch.enable_grad():\n    while True:\n        pass\n"));
  ASSERT_EQ(s.run(1000), RunStatus::Suspended);
  s.abort_run();
  EXPECT_EQ(run_in(s, "print(torch.is_grad_enabled())\n").out, "False\n");
  s.reset();
  EXPECT_EQ(run_in(s, "import torch\nprint(torch.is_grad_enabled())\n").out, "True\n");
}

TEST(SessionLimits, RecursionLimitIsASessionOption) {
  SessionLimits lim;
  lim.recursion_limit = 50;
  Session s(lim);
  testing::Outcome o = run_in(s, "def f(n):\n    return f(n + 1) if n < 40 else n\nprint(f(0))\n");
  EXPECT_EQ(o.out, "40\n");
  o = run_in(s, "def g(n):\n    return g(n + 1)\ng(0)\n");
  EXPECT_EQ(o.error, "RecursionError: maximum recursion depth exceeded");
  EXPECT_LE(o.record.frames.size(), 51u);
}

TEST(SessionLimits, SmallLimitsTogetherEndRunawayCode) {
  // The fuzzer's settings: every kind of runaway program ends with a Python error.
  SessionLimits lim;
  lim.max_tensor_bytes = int64_t(16) << 20;
  lim.max_instructions_per_cell = 300'000;
  lim.recursion_limit = 200;
  lim.max_output_bytes_per_cell = 64 * 1024;
  Session s(lim);
  EXPECT_EQ(run_in(s, "while True:\n    pass\n", 10'000).error,
            "TimeoutError: the cell ran more than 300000 instructions");
  EXPECT_EQ(run_in(s, "def f():\n    f()\nf()\n", 10'000).error,
            "RecursionError: maximum recursion depth exceeded");
  EXPECT_EQ(run_in(s, "import torch\nts = []\nwhile True:\n    ts.append(torch.ones(1024, 1024))\n", 10'000).error,
            "MemoryError: gradlab cannot allocate 4.2 MB for a tensor of shape [1024, 1024]");
  testing::Outcome o = run_in(s, "for i in range(10000):\n    print('0123456789')\n", 10'000);
  EXPECT_EQ(o.status, RunStatus::Done);
  EXPECT_NE(o.out.find("[output truncated: this cell printed more than 65536 bytes]"), std::string::npos);
}

}  // namespace
}  // namespace gradlab
