# W3 mf-100k: matrix factorisation on the peers' synthetic MovieLens-100k-shaped data (943 users,
# 1682 items, 100,000 ratings), the same computation as
# ../shared/bench/peers/pytorch_w3_mf100k.py: pred = sum(U[u] * V[i], 1) + bu[u] + bi[i] + mean,
# loss = mean((pred - r)^2), nn.Embedding tables (dense gradients) of dim 32 starting from the
# stored U0/V0, biases 0, Adam(lr=0.01, eps=1e-8), batches of 1024 (the last one 672), 10 epochs
# with the stored shuffles. Only the 10-epoch loop is timed; the check value is the final train
# RMSE. The data comes in as text with open(), as a student's would: bench/data/mf100k/*.tsv
# (bench/make_mf100k_tsv.py writes them from the peers' mf100k.bin), ratings.tsv being
# MovieLens u.data-style "user<TAB>item<TAB>rating" lines; reading it into tensors is timed too
# (load_s, not part of the check).
# WARMUP untimed runs, then REPS timed ones (bench/run rewrites these lines and DATA);
# prints one RESULT line of JSON.
import time
import torch
import torch.nn as nn

WARMUP = 1
REPS = 5
DATA = "../data/mf100k"


def table(name, conv):
    with open(DATA + "/" + name) as f:
        return [[conv(x) for x in line.split("\t")] for line in f]


t_load = time.perf_counter()
users, items, ratings = [], [], []
with open(DATA + "/ratings.tsv") as f:
    for line in f:
        u, i, r = line.split("\t")
        users.append(int(u))
        items.append(int(i))
        ratings.append(float(r))
users = torch.tensor(users)
items = torch.tensor(items)
ratings = torch.tensor(ratings)
load_s = time.perf_counter() - t_load

meta = table("meta.tsv", float)[0]
nu, ni, n, dim, epochs, batch = [int(v) for v in meta[:6]]
mean = meta[6]
perms = [torch.tensor(p) for p in table("perms.tsv", int)]
U0 = torch.tensor(table("U0.tsv", float))
V0 = torch.tensor(table("V0.tsv", float))
assert len(users) == n and U0.shape == (nu, dim) and V0.shape == (ni, dim) and len(perms) == epochs


class MF(nn.Module):
    def __init__(self):
        super().__init__()
        self.U = nn.Embedding(nu, dim)
        self.V = nn.Embedding(ni, dim)
        self.bu = nn.Embedding(nu, 1)
        self.bi = nn.Embedding(ni, 1)
        with torch.no_grad():
            self.U.weight.copy_(U0)
            self.V.weight.copy_(V0)
            self.bu.weight.zero_()
            self.bi.weight.zero_()
        self.mean = mean

    def forward(self, u, i):
        return (self.U(u) * self.V(i)).sum(1) + self.bu(u).squeeze(1) + self.bi(i).squeeze(1) + self.mean


def once():
    model = MF()
    opt = torch.optim.Adam(model.parameters(), lr=0.01, eps=1e-8)
    epoch_times = []
    t0 = time.perf_counter()
    for e in range(epochs):
        te = time.perf_counter()
        perm = perms[e]
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            u, i, r = users[idx], items[idx], ratings[idx]
            opt.zero_grad()
            loss = ((model(u, i) - r) ** 2).mean()
            loss.backward()
            opt.step()
        epoch_times.append(time.perf_counter() - te)
    dt = time.perf_counter() - t0
    with torch.no_grad():
        rmse = torch.sqrt(((model(users, items) - ratings) ** 2).mean()).item()
    return dt, rmse, loss.item(), epoch_times


for _ in range(WARMUP):
    once()
times = []
for _ in range(REPS):
    dt, rmse, last_loss, epoch_times = once()
    times.append(dt)
print('RESULT {"workload": "W3 mf-100k", "epochs": ' + str(epochs) + ', "ratings": ' + str(n) +
      ', "times_s": ' + repr(times) + ', "final_train_rmse": ' + repr(rmse) +
      ', "last_batch_loss": ' + repr(last_loss) + ', "epoch_times_s": ' + repr(epoch_times) +
      ', "load_s": ' + repr(load_s) + '}')
