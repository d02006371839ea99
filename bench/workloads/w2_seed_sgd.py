# W2 seed-sgd: fit y = sigmoid(sum(x * w)) to 0.65 with x = [2, -1, 3], w0 = [4, 2, -1], SGD
# lr 0.1, loss = (y - 0.65)^2, 100 epochs; the whole fit repeated 100 times in a row (fresh w
# and optimizer each time) = 10,000 steps. The same computation as
# ../shared/bench/peers/pytorch_w2_seed_sgd.py; only the loops are timed. WARMUP untimed runs,
# then REPS timed ones (bench/run rewrites these two lines); prints one RESULT line of JSON.
import time
import torch
import torch.optim  # gradlab's `import torch` does not load torch.optim (PyTorch's does)

WARMUP = 1
REPS = 5

FITS = 100
EPOCHS = 100


def once():
    x = torch.tensor([2.0, -1.0, 3.0])
    t0 = time.perf_counter()
    for _ in range(FITS):
        w = torch.tensor([4.0, 2.0, -1.0], requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.1)
        for _ in range(EPOCHS):
            opt.zero_grad()
            y = torch.sigmoid(torch.sum(x * w))
            loss = (y - 0.65) ** 2
            loss.backward()
            opt.step()
    final_y = torch.sigmoid(torch.sum(x * w)).item()
    dt = time.perf_counter() - t0
    return dt, final_y, [round(v, 6) for v in w.detach().tolist()]


for _ in range(WARMUP):
    once()
times = []
for _ in range(REPS):
    dt, final_y, final_w = once()
    times.append(dt)
print('RESULT {"workload": "W2 seed-sgd", "times_s": ' + repr(times) +
      ', "final_y": ' + repr(final_y) + ', "final_w": ' + repr(final_w) + '}')
