// Preloaded by `bench/run --cpu-clock` into the gradlab-node runner (node --import): the
// module's clock (time.perf_counter -> std::chrono::steady_clock -> performance.now()) then
// reads this process's CPU time (process.cpuUsage(), user + system, in ms) instead of the
// wall clock. On a machine shared with other work the wall clock also counts the time the
// scheduler gave to others; CPU time does not (it still counts contention for caches and the
// core's SMT sibling, and V8's background compiler and GC threads).
const start = process.cpuUsage();
globalThis.performance.now = () => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};
