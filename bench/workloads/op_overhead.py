# Per-op overhead: N = 100,000 x `c = a + b` on two 3-element float32 tensors, the same
# measurement as ../shared/bench/peers/pytorch_op_overhead.py: plain tensors, then with
# a.requires_grad (the op is recorded for autograd), then the empty loop (subtract it for the
# op alone). Only the loop is timed. WARMUP untimed runs, then REPS timed ones per variant
# (bench/run rewrites these two lines); prints one RESULT line of JSON per variant.
import time
import torch

WARMUP = 1
REPS = 5

N = 100000


def add_loop(a, b):
    t0 = time.perf_counter()
    for _ in range(N):
        c = a + b
    dt = time.perf_counter() - t0
    return dt, c.detach().tolist()


def empty_loop(a, b):
    t0 = time.perf_counter()
    for _ in range(N):
        pass
    return time.perf_counter() - t0, None


def measure(name, fn, a, b):
    for _ in range(WARMUP):
        fn(a, b)
    times = []
    for _ in range(REPS):
        dt, last = fn(a, b)
        times.append(dt)
    times_sorted = sorted(times)
    print('RESULT {"workload": "' + name + '", "ops": ' + str(N) + ', "times_s": ' + repr(times) +
          ', "us_per_op_median": ' + repr(times_sorted[len(times) // 2] / N * 1e6) +
          ', "us_per_op_min": ' + repr(times_sorted[0] / N * 1e6) +
          ', "last": ' + ('null' if last is None else repr(last)) + '}')


a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([4.0, 5.0, 6.0])
measure("op-overhead a+b (3 elems)", add_loop, a, b)
measure("op-overhead a+b (3 elems, requires_grad)", add_loop, a.clone().requires_grad_(), b)
measure("op-overhead empty loop", empty_loop, a, b)
