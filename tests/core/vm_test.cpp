// The VM: slices that suspend at any instruction boundary and resume identically, interrupts,
// the recursion limit, exceptions across frames, closures, classes, try/finally semantics,
// and the bounds on native code calling back into Python.
#include <gtest/gtest.h>

#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::output;
using testing::run;

const char* kLoopProgram = R"(
total = 0
log = []
def step(i):
    global total
    try:
        if i % 3 == 0:
            raise ValueError(i)
        total += i
    except ValueError as e:
        log.append(str(e))
    finally:
        total += 1
    return total
for i in range(12):
    for j in range(2):
        if j:
            continue
        step(i)
squares = [x * x for x in range(5) if x != 2]
class Acc:
    def __init__(self):
        self.items = []
    def __call__(self, v):
        self.items.append(v)
        return len(self.items)
acc = Acc()
while acc(total) < 3:
    pass
print(total, log, squares, acc.items, sorted(log, key=lambda s: -int(s)))
)";

TEST(VM, SuspendAtEveryBoundaryGivesTheSameOutput) {
  std::string expected = run(kLoopProgram).out;  // CPython 3.11 prints the same
  ASSERT_EQ(expected, "60 ['0', '3', '6', '9'] [0, 1, 9, 16] [60, 60, 60] ['9', '6', '3', '0']\n");
  for (uint64_t budget : {1, 2, 3, 7, 13, 100}) {
    Session s;
    testing::Outcome o = testing::run_in(s, kLoopProgram, budget);
    EXPECT_EQ(o.out, expected) << "budget " << budget;
    EXPECT_EQ(o.status, RunStatus::Done);
  }
}

TEST(VM, SlicesReportSuspendedUntilDone) {
  Session s;
  ASSERT_TRUE(s.run_cell("x = 0\nfor i in range(100):\n    x += i\n"));
  int slices = 0;
  RunStatus st;
  while ((st = s.run(10)) == RunStatus::Suspended) {
    ++slices;
    EXPECT_GT(s.current_line(), 0);
    EXPECT_TRUE(s.busy());
  }
  EXPECT_EQ(st, RunStatus::Done);
  EXPECT_GT(slices, 40);
  EXPECT_FALSE(s.busy());
}

TEST(VM, InterruptRaisesKeyboardInterruptInTheNextSlice) {
  Session s;
  ASSERT_TRUE(s.run_cell("n = 0\nwhile True:\n    n += 1\n"));
  EXPECT_EQ(s.run(1000), RunStatus::Suspended);
  s.interrupt();
  EXPECT_EQ(s.run(1000), RunStatus::Error);
  ASSERT_TRUE(s.last_error());
  EXPECT_EQ(s.last_error()->type, "KeyboardInterrupt");
  EXPECT_EQ(s.last_error()->line, 3);
  // The session is usable afterwards, with the state the loop left.
  testing::Outcome o = testing::run_in(s, "print(n > 0)");
  EXPECT_EQ(o.out, "True\n");
}

TEST(VM, InterruptCanBeCaught) {
  Session s;
  ASSERT_TRUE(s.run_cell(
      "try:\n    while True:\n        pass\nexcept KeyboardInterrupt:\n    print('stopped')\n"));
  std::string out;
  s.set_output_handler([&](const OutputEvent& e) { out += e.text; });
  s.run(100);
  s.interrupt();
  EXPECT_EQ(s.run(100), RunStatus::Done);
  EXPECT_EQ(out, "stopped\n");
}

TEST(VM, RecursionLimitIsARecursionError) {
  testing::Outcome o = run("def f(n):\n    return f(n + 1)\nf(0)\n");
  EXPECT_EQ(o.error, "RecursionError: maximum recursion depth exceeded");
  EXPECT_EQ(o.record.frames.size(), size_t(lang::kRecursionLimit));
  // Recursion below the limit works, and deep recursion does not touch the C++ stack.
  EXPECT_EQ(output("def d(n):\n    return 0 if n == 0 else 1 + d(n - 1)\nprint(d(990))\n"),
            "990\n");
}

TEST(VM, RecursionLimitIsASessionLimit) {
  SessionLimits lim;
  lim.recursion_limit = 50;
  Session s(lim);
  testing::Outcome o = testing::run_in(s, "def f(n):\n    return f(n + 1)\nf(0)\n");
  EXPECT_EQ(o.error, "RecursionError: maximum recursion depth exceeded");
  EXPECT_EQ(o.record.frames.size(), 50u);
}

TEST(VM, ExceptionsUnwindAcrossFramesWithTracebacks) {
  testing::Outcome o = run("def a():\n    b()\ndef b():\n    return 1 / 0\na()\n");
  EXPECT_EQ(o.error, "ZeroDivisionError: division by zero");
  ASSERT_EQ(o.record.frames.size(), 3u);
  EXPECT_EQ(o.record.frames[0].name, "<module>");
  EXPECT_EQ(o.record.frames[1].name, "a");
  EXPECT_EQ(o.record.frames[2].name, "b");
  EXPECT_EQ(o.record.line, 4);
  EXPECT_EQ(o.record.traceback,
            "Traceback (most recent call last):\n"
            "  File \"<cell 1>\", line 5, in <module>\n    a()\n"
            "  File \"<cell 1>\", line 2, in a\n    b()\n"
            "  File \"<cell 1>\", line 4, in b\n    return 1 / 0\n"
            "ZeroDivisionError: division by zero\n");
  EXPECT_EQ(output("def g():\n    raise KeyError('k')\ntry:\n    g()\nexcept LookupError as e:\n   "
                   " print('caught', repr(e))\n"),
            "caught KeyError('k')\n");
}

TEST(VM, ClosuresShareCells) {
  EXPECT_EQ(output("def mk():\n    x = 1\n    def get():\n        return x\n    def put(v):\n      "
                   "  nonlocal x\n"
                   "        x = v\n    return get, put\ng, p = mk()\np(5)\nprint(g())\n"),
            "5\n");
  EXPECT_EQ(output("def f():\n    return y\nprint(f.__name__)\ndef h():\n    def i():\n        "
                   "return z\n    z = 3\n"
                   "    return i()\nprint(h())\n"),
            "f\n3\n");
}

TEST(VM, ClassesInitSuperDundersAndIsinstance) {
  EXPECT_EQ(output(R"(
class A:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        return A(self.v + o.v)
    def __repr__(self):
        return 'A(%d)' % self.v
class B(A):
    def __init__(self, v):
        super().__init__(v * 10)
print(A(1) + B(2), isinstance(B(1), A), type(B(1)).__name__, B.__name__)
)"),
            "A(21) True B B\n");
  EXPECT_EQ(output("class C:\n    def __init__(self):\n        return 3\nC()\n"),
            "!TypeError: __init__() should return None, not 'int'");
}

TEST(VM, TryFinallySemantics) {
  EXPECT_EQ(output("def f():\n    try:\n        return 'a'\n    finally:\n        "
                   "print('fin')\nprint(f())\n"),
            "fin\na\n");
  EXPECT_EQ(
      output(
          "def f():\n    try:\n        return 'a'\n    finally:\n        return 'b'\nprint(f())\n"),
      "b\n");
  EXPECT_EQ(output("def f():\n    try:\n        1/0\n    finally:\n        return "
                   "'swallowed'\nprint(f())\n"),
            "swallowed\n");
  EXPECT_EQ(output("for i in range(3):\n    try:\n        if i == 1:\n            break\n    "
                   "finally:\n        print('f', i)\n"),
            "f 0\nf 1\n");
  EXPECT_EQ(output("try:\n    try:\n        1/0\n    finally:\n        print('inner')\nexcept "
                   "ZeroDivisionError:\n    print('outer')\n"),
            "inner\nouter\n");
  EXPECT_EQ(output("try:\n    x = 1\nexcept Exception:\n    print('no')\nelse:\n    "
                   "print('else')\nfinally:\n    print('fin')\n"),
            "else\nfin\n");
  EXPECT_EQ(output("def f():\n    try:\n        raise ValueError('v')\n    except ValueError:\n    "
                   "    raise\nf()\n"),
            "!ValueError: v");
}

TEST(VM, UserIteratorsEndOnStopIteration) {
  EXPECT_EQ(output("class It:\n    def __init__(self):\n        self.n = 0\n    def "
                   "__iter__(self):\n        return self\n"
                   "    def __next__(self):\n        self.n += 1\n        if self.n > 3:\n         "
                   "   raise StopIteration\n"
                   "        return self.n\nfor x in It():\n    print(x)\nprint(list(It()))\n"),
            "1\n2\n3\n[1, 2, 3]\n");
}

TEST(VM, NativeCallbacksAreBounded) {
  // __repr__ called from inside print([...]) runs in a nested loop; runaway code there ends
  // with TimeoutError instead of hanging the slice.
  testing::Outcome o = run(
      "class R:\n    def __repr__(self):\n        while True:\n            pass\nprint([R()])\n");
  EXPECT_EQ(o.error.substr(0, 13), "TimeoutError:");
  EXPECT_EQ(output("class R:\n    def __repr__(self):\n        return 'r'\nprint([R(), R()])\n"),
            "[r, r]\n");
}

TEST(VM, DeepNestingOfContainersIsARecursionError) {
  EXPECT_EQ(
      output("x = []\nfor i in range(100000):\n    x = [x]\nprint(len(str(x)) > 0)\n"),
      "!RecursionError: maximum recursion depth exceeded while getting the repr of an object");
}

TEST(VM, IntegersAre64BitAndOverflowRaises) {
  EXPECT_EQ(output("print(2 ** 62 + (2 ** 62 - 1))\n"), "9223372036854775807\n");
  EXPECT_EQ(output("print(2 ** 63)\n"),
            "!OverflowError: integer overflow in gradlab (ints are 64-bit)");
  EXPECT_EQ(output("print(-2 ** 63 - 1)\n"),
            "!OverflowError: integer overflow in gradlab (ints are 64-bit)");
  EXPECT_EQ(output("print(1e308 * 10)\n"), "inf\n");
}

TEST(VM, HugeAllocationsAreMemoryErrors) {
  EXPECT_EQ(output("x = [0] * (2 ** 40)\n"), "!MemoryError");
}

}  // namespace
}  // namespace gradlab
