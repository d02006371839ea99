# opt.zero_grad() and SGD.step() take native paths; these runs check them against PyTorch's
# Python: momentum, nesterov, weight decay, maximize, several groups, settings changed while
# training, a closure, a subclass calling super().step(), set_to_none, and the state left behind.
# Expected output: /usr/bin/python3 tests/lang/optim_native_paths.py > tests/lang/optim_native_paths.out
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
x = torch.randn(8, 3)
y = torch.randn(8, 1)


def train(opt, model, steps=5, closure=False):
    for _ in range(steps):
        if closure:
            def fn():
                opt.zero_grad()
                loss = ((model(x) - y) ** 2).mean()
                loss.backward()
                return loss
            loss = opt.step(fn)
        else:
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
    return loss


settings = [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, nesterov=True),
            dict(lr=0.1, weight_decay=0.01), dict(lr=0.1, maximize=True),
            dict(lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.1)]
for kw in settings:
    torch.manual_seed(1)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), **kw)
    loss = train(opt, model)
    print(kw, round(loss.item(), 6), model.weight.data)
    print(sorted((k, v if v is None else v.shape) for s in opt.state.values() for k, v in s.items()))

# Two groups, one of them changed mid-training; a group added later.
torch.manual_seed(2)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
opt = optim.SGD([{'params': model[0].parameters()},
                 {'params': model[2].parameters(), 'lr': 0.01, 'momentum': 0.8}], lr=0.1)
train(opt, model, 3)
opt.param_groups[0]['lr'] = 0.5
opt.param_groups[1]['momentum'] = 0.0
print(round(train(opt, model, 3).item(), 6))
extra = torch.ones(3, requires_grad=True)
opt.add_param_group({'params': [extra], 'lr': 1.0})
(extra ** 2).sum().backward()
opt.step()
print(extra, len(opt.state))

# A closure, a scheduler, and a subclass.
torch.manual_seed(3)
model = nn.Linear(3, 1)
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for _ in range(4):
    loss = train(opt, model, 1, closure=True)
    sched.step()
print(round(loss.item(), 6), opt.param_groups[0]['lr'], opt._step_count)


class Clipped(optim.SGD):
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group['params']:
                p.grad.clamp_(-0.1, 0.1)
        return super().step(closure)


torch.manual_seed(4)
model = nn.Linear(3, 1)
opt = Clipped(model.parameters(), lr=1.0)
print(round(train(opt, model, 4).item(), 6), model.bias.data)

# zero_grad's two modes, by position and keyword; parameters without a grad are left alone.
w = torch.tensor([1.0, 2.0], requires_grad=True)
v = torch.tensor([3.0], requires_grad=True)
opt = optim.SGD([w, v], lr=0.1)
(w * 3).sum().backward()
opt.zero_grad()
print(w.grad, v.grad)
(w * 3).sum().backward()
opt.zero_grad(True)
print(w.grad)
(w * 3).sum().backward()
opt.zero_grad(set_to_none=True)
print(w.grad, opt.step(), w)

# Errors keep PyTorch's wording.
for bad in [lambda: opt.zero_grad(1, 2), lambda: opt.step(closure=None, x=1),
            lambda: optim.SGD([w], lr=0.1, momentum=-1)]:
    try:
        bad()
    except Exception as exc:
        print(type(exc).__name__ + ':', exc)
