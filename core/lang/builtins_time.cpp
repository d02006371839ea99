// The `time` module: the clocks programs use to time their own loops (benchmarks, "this epoch
// took 3 ms"). perf_counter/monotonic read a steady clock (performance.now() in the browser
// build), time() the wall clock. Nothing here sleeps: a program that blocked would freeze the
// page's worker between slices.
#include <chrono>

#include "lang/builtins.h"

namespace gradlab::lang {

namespace {
using Steady = std::chrono::steady_clock;
using Wall = std::chrono::system_clock;

template <class Clock>
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

Value t_perf_counter(VM& vm, CallArgs& a) {
  expect_args(vm, a, "time.perf_counter", 0, 0);
  return Value::number(std::chrono::duration<double>(Steady::now().time_since_epoch()).count());
}
Value t_perf_counter_ns(VM& vm, CallArgs& a) {
  expect_args(vm, a, "time.perf_counter_ns", 0, 0);
  return Value::integer(now_ns<Steady>());
}
Value t_monotonic(VM& vm, CallArgs& a) {
  expect_args(vm, a, "time.monotonic", 0, 0);
  return Value::number(std::chrono::duration<double>(Steady::now().time_since_epoch()).count());
}
Value t_monotonic_ns(VM& vm, CallArgs& a) {
  expect_args(vm, a, "time.monotonic_ns", 0, 0);
  return Value::integer(now_ns<Steady>());
}
Value t_time(VM& vm, CallArgs& a) {
  expect_args(vm, a, "time.time", 0, 0);
  return Value::number(std::chrono::duration<double>(Wall::now().time_since_epoch()).count());
}
Value t_time_ns(VM& vm, CallArgs& a) {
  expect_args(vm, a, "time.time_ns", 0, 0);
  return Value::integer(now_ns<Wall>());
}
}  // namespace

void init_time(VM& vm) {
  ModuleDef time;
  time.init = [](VM& vm, ModuleObj& m) {
    struct F {
      const char* name;
      NativeFn fn;
    };
    for (const F& f : {F{"perf_counter", t_perf_counter}, F{"perf_counter_ns", t_perf_counter_ns},
                       F{"monotonic", t_monotonic}, F{"monotonic_ns", t_monotonic_ns},
                       F{"time", t_time}, F{"time_ns", t_time_ns}})
      vm.set_global(&m, f.name, vm.native_function(f.name, f.fn));
  };
  vm.register_module("time", std::move(time));
}

}  // namespace gradlab::lang
