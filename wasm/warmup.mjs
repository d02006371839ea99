// The warm-up program (PROTOCOL.md §3 `warmup`): ordinary course code that the page's worker
// runs in a throwaway session of its own while the student is still reading, so that V8 has
// compiled the module's hot functions with its optimising tier before the first real cell.
//
// Why: V8 starts a wasm module on baseline code (Liftoff) and recompiles a function with
// TurboFan on a background thread only once that function has run enough. For gradlab that is
// the VM's dispatch loop, the elementwise kernels, autograd and the optimizers, about a second
// of compiling in all, so without a warm-up a student's first training loop ran 3-5x slower
// for its first second or so than every later run (bench/README.md, "Chromium: V8's tiers").
//
// What: the operations of the course's notebooks (tensor arithmetic and reductions, autograd,
// nn.Embedding, nn.Linear, the losses, SGD and Adam, a hand-written gradient step, Python
// loops, lists, dicts, f-strings and printing), a few hundred small steps of each. It is not
// any benchmark's program. Its output is discarded, it never touches the student's session
// (variables, random generator, files), and a student's run always goes first.
export const WARMUP_CODE = `
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
rows = []
for step in range(3):
    # An embedding model: users x items scores through a sigmoid, an L2 penalty, SGD.
    emb = nn.Embedding(4, 3)
    items = [torch.randn(3) for _ in range(4)]
    users = [torch.tensor(u) for u in range(4)]
    target = [1.0, 0.0, 0.0, 1.0]
    opt = torch.optim.SGD(emb.parameters(), lr=0.1)
    for epoch in range(60):
        opt.zero_grad()
        loss = 0
        for u in range(4):
            for i in range(2):
                y = torch.sigmoid(torch.sum(emb(users[u]) * items[i]))
                loss = loss + (y - target[u]) ** 2
        loss = loss + 0.2 * torch.norm(emb.weight)
        loss.backward()
        opt.step()
    rows.append(round(loss.item(), 4))

    # A hand-written gradient step on a leaf tensor.
    x = torch.tensor([2.0, -1.0, 3.0])
    w = torch.tensor([0.5, 0.2, -0.1], requires_grad=True)
    for epoch in range(150):
        y = torch.sigmoid((x * w).sum())
        loss = (y - 0.65) ** 2 + 0.01 * w.pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    rows.append(f"{loss.item():.4f}")

    # A small network with batches, a loss from nn, Adam and a scheduler-free loop.
    data = torch.randn(32, 4)
    labels = torch.randint(0, 3, (32,))
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    adam = torch.optim.Adam(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(40):
        adam.zero_grad()
        out = net(data)
        loss = loss_fn(out, labels) + F.mse_loss(F.softmax(out, dim=1), torch.full((32, 3), 1 / 3))
        loss.backward()
        adam.step()
    acc = (out.argmax(dim=1) == labels).float().mean().item()
    rows.append({"loss": round(loss.item(), 3), "acc": acc})

    # Tensor arithmetic a lesson prints.
    a = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    b = (a @ a.T / 100).exp().log() / (a.max() + 1) - a.mean(dim=0).sum() * a.std()
    c = torch.tanh(b[:, 1:3]).abs().sqrt() + torch.zeros(3, 2) - torch.ones(3, 2).cumsum(0)
    print(a, b, c, c.shape, c.dtype, math.sqrt(2), rows)
`;
