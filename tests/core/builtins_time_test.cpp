// The time module: clocks that advance, the types CPython returns, CPython's argument errors.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::output;

TEST(BuiltinsTime, TypesAndNames) {
  EXPECT_EQ(output("import time\n"
                   "print(type(time.perf_counter()).__name__, type(time.perf_counter_ns()).__name__,\n"
                   "      type(time.monotonic()).__name__, type(time.monotonic_ns()).__name__,\n"
                   "      type(time.time()).__name__, type(time.time_ns()).__name__)\n"
                   "print(time.perf_counter)\n"
                   "from time import perf_counter\n"
                   "print(perf_counter is time.perf_counter)\n"),
            "float int float int float int\n<built-in function perf_counter>\nTrue\n");
}

TEST(BuiltinsTime, SteadyClocksAdvanceOverALoop) {
  // A loop of a few hundred thousand instructions takes well over a microsecond, so the
  // elapsed time is positive (a clock that never moved would print False).
  EXPECT_EQ(output("import time\n"
                   "t0, n0, m0 = time.perf_counter(), time.perf_counter_ns(), time.monotonic()\n"
                   "s = 0\n"
                   "for i in range(100000):\n"
                   "    s += i\n"
                   "t1, n1, m1 = time.perf_counter(), time.perf_counter_ns(), time.monotonic()\n"
                   "print(s, t1 - t0 > 0, n1 - n0 > 1000, m1 - m0 > 0, t1 - t0 < 60)\n"
                   "print(abs((n1 - n0) * 1e-9 - (t1 - t0)) < 1.0)\n"),
            "4999950000 True True True True\nTrue\n");
}

TEST(BuiltinsTime, WallClockIsSecondsSinceTheEpoch) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  testing::Outcome o = testing::run("import time\nprint(time.time())\nprint(time.time_ns())\n");
  ASSERT_EQ(o.status, RunStatus::Done) << o.error;
  const size_t nl = o.out.find('\n');
  const double t = std::stod(o.out.substr(0, nl));
  const double t_ns = std::stod(o.out.substr(nl + 1)) * 1e-9;
  EXPECT_NEAR(t, now, 60.0);
  EXPECT_NEAR(t_ns, now, 60.0);
}

TEST(BuiltinsTime, ArgumentErrorsAsCPython) {
  EXPECT_EQ(output("import time\ntime.perf_counter(1)\n"),
            "!TypeError: time.perf_counter() takes no arguments (1 given)");
  EXPECT_EQ(output("import time\ntime.time(x=1)\n"),
            "!TypeError: time.time() takes no keyword arguments");
}

}  // namespace
}  // namespace gradlab
