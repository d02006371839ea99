# W1 seed-embedding: the recommender notebook's loop, eager, one (user, item) pair at a time.
# The same computation as ../shared/bench/peers/pytorch_w1_seed_embedding.py: 3 users x 3 items,
# nn.Embedding(3, 3) with the fixed init (torch.manual_seed(0)'s values), fixed item vectors,
# responses = identity. Per epoch: zero_grad; loss = sum over the 9 pairs of
# (sigmoid(sum(emb(u) * item_i)) - r)^2 + 0.2 * norm(weight); backward; SGD(lr=0.1).step().
# 1000 epochs; only the loop is timed. WARMUP untimed runs, then REPS timed ones (bench/run
# rewrites these two lines); prints one RESULT line of JSON.
import time
import torch
import torch.nn as nn

WARMUP = 1
REPS = 5

INIT = [[1.5409961, -0.2934289, -2.1787894],
        [0.5684313, -1.0845224, -1.3985955],
        [0.4033468, 0.8380263, -0.7192576]]
ITEMS = [[0.6, 0.4, -0.2], [-0.7, 0.8, -0.7], [0.8, -0.75, 0.9]]
RESP = [1, 0, 0, 0, 1, 0, 0, 0, 1]
EPOCHS = 1000


def once():
    emb = nn.Embedding(3, 3)
    with torch.no_grad():
        emb.weight.copy_(torch.tensor(INIT))
    items = [torch.tensor(v) for v in ITEMS]
    users = [torch.tensor(u) for u in range(3)]  # 0-dim index -> emb(users[u]) has shape [3]
    opt = torch.optim.SGD(emb.parameters(), lr=0.1)
    t0 = time.perf_counter()
    for _ in range(EPOCHS):
        opt.zero_grad()
        loss = 0
        for u in range(3):
            for i in range(3):
                y = torch.sigmoid(torch.sum(emb(users[u]) * items[i]))
                loss = loss + (y - RESP[u * 3 + i]) ** 2
        loss = loss + 0.2 * torch.norm(emb.weight)
        loss.backward()
        opt.step()
    final = loss.item()  # the loss of the last epoch (before its step)
    dt = time.perf_counter() - t0
    return dt, final, [round(x, 5) for x in emb.weight.detach().flatten().tolist()]


for _ in range(WARMUP):
    once()
times = []
for _ in range(REPS):
    dt, final, weight = once()
    times.append(dt)
print('RESULT {"workload": "W1 seed-embedding", "times_s": ' + repr(times) +
      ', "final_loss": ' + repr(final) + ', "final_weight": ' + repr(weight) + '}')
