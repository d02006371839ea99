# W4 matmul: C = A @ B, float32, square n = 128, 256, 512, 1024; GFLOP/s = 2 n^3 / t. The same
# measurement as ../shared/bench/peers/pytorch_w4_matmul.py: torch.manual_seed(0) then
# A, B = randn(n, n) (the same numbers as PyTorch's), one calibration sets k so a sample takes
# >= 0.2 s, then one warm-up sample and REPS samples of k matmuls. The check value is the
# largest error of C against a float64 product. bench/run rewrites the REPS and SIZES lines;
# prints one RESULT line of JSON per size.
import time
import torch

WARMUP = 1
REPS = 5
SIZES = [128, 256, 512, 1024]


def calibrate(A, B, target=0.2):
    k = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            A @ B
        dt = time.perf_counter() - t0
        if dt >= target or k >= 65536:
            return k
        k = max(k * 2, int(k * target / max(dt, 1e-9) * 1.1))


torch.manual_seed(0)
for n in SIZES:
    A, B = torch.randn(n, n), torch.randn(n, n)
    k = calibrate(A, B)
    times = []
    for rep in range(REPS + WARMUP):
        t0 = time.perf_counter()
        for _ in range(k):
            C = A @ B
        dt = (time.perf_counter() - t0) / k
        if rep >= WARMUP:
            times.append(dt)
    flop = 2.0 * n ** 3
    err = (C.double() - A.double() @ B.double()).abs().max().item()
    median = sorted(times)[len(times) // 2]
    print('RESULT {"workload": "W4 matmul n=' + str(n) + '", "n": ' + str(n) +
          ', "inner_iters": ' + str(k) + ', "times_s": ' + repr(times) +
          ', "gflops_median": ' + repr(flop / median / 1e9) +
          ', "gflops_best": ' + repr(flop / min(times) / 1e9) +
          ', "max_abs_err_vs_fp64": ' + repr(err) + '}')
