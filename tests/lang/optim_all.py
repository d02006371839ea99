# Every torch.optim optimizer and option over several steps with two parameters (step
# counters advance once per step), parameter groups, a writable lr, StepLR and the reprs.
# Expected output: /usr/bin/python3 tests/lang/optim_all.py > tests/lang/optim_all.out
import torch
import torch.nn as nn
import torch.optim as optim


def run(name, make, steps=6):
    torch.manual_seed(0)
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(2, 2, requires_grad=True)
    opt = make([a, b])
    for _ in range(steps):
        opt.zero_grad()
        loss = (a * a).sum() + (b.sum() - 1.0) ** 2 + (a[0] * b[1, 1]).sin()
        loss.backward()
        opt.step()
    print(name, a.tolist(), b.tolist())
    return opt


run('sgd', lambda p: optim.SGD(p, lr=0.1))
run('sgd momentum', lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
run('sgd dampening', lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.5))
run('sgd nesterov', lambda p: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01))
run('sgd maximize', lambda p: optim.SGD(p, lr=0.01, maximize=True))
run('adam', lambda p: optim.Adam(p, lr=0.1))
run('adam wd', lambda p: optim.Adam(p, lr=0.05, weight_decay=0.1, betas=(0.8, 0.9)))
run('adam amsgrad', lambda p: optim.Adam(p, lr=0.1, amsgrad=True))
run('adam maximize', lambda p: optim.Adam(p, lr=0.01, maximize=True))
run('adamw', lambda p: optim.AdamW(p, lr=0.1))
run('adamw amsgrad', lambda p: optim.AdamW(p, lr=0.1, weight_decay=0.5, amsgrad=True))
run('rmsprop', lambda p: optim.RMSprop(p, lr=0.01))
run('rmsprop centered', lambda p: optim.RMSprop(p, lr=0.01, centered=True, weight_decay=0.1))
run('rmsprop momentum', lambda p: optim.RMSprop(p, lr=0.01, momentum=0.9, alpha=0.9))
run('adagrad', lambda p: optim.Adagrad(p, lr=0.1))
opt = run('adagrad decay', lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1,
                                                   initial_accumulator_value=0.5))
print(opt.state[opt.param_groups[0]['params'][0]]['step'])
opt = run('adam state', lambda p: optim.Adam(p, lr=0.1), steps=3)
st = opt.state[opt.param_groups[0]['params'][1]]
print(sorted(st.keys()), st['step'], st['exp_avg'])
print(opt)
opt = run('sgd state', lambda p: optim.SGD(p, lr=0.1, momentum=0.5), steps=2)
print(opt.state[opt.param_groups[0]['params'][0]]['momentum_buffer'])
print(opt)

torch.manual_seed(1)
model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
opt = optim.SGD([{'params': model[0].parameters()},
                 {'params': model[2].parameters(), 'lr': 0.01}], lr=0.1, momentum=0.9)
print(len(opt.param_groups), [g['lr'] for g in opt.param_groups])
sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
x = torch.tensor([[0.5, -1.0], [1.5, 2.0], [-0.5, 0.25]])
y = torch.tensor([[1.0], [0.0], [2.0]])
for epoch in range(5):
    opt.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    opt.step()
    sched.step()
    print(epoch, round(loss.item(), 6), sched.get_last_lr(), [g['lr'] for g in opt.param_groups])
opt.param_groups[1]['lr'] = 0.0
before = model[2].weight.clone()
opt.zero_grad()
nn.MSELoss()(model(x), y).backward()
opt.step()
print(torch.equal(before, model[2].weight), model[0].weight)
print(opt.state_dict()['param_groups'][0]['params'], opt.state_dict()['param_groups'][1]['lr'])

w = torch.tensor([1.0, -1.0], requires_grad=True)
opt = optim.SGD([w], lr=0.5)
print(opt.step() is None)
(w ** 2).sum().backward()


def closure():
    opt.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    return loss


print(opt.step(closure), w)


def expect_error(make):
    try:
        make()
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)


expect_error(lambda: optim.SGD([w], lr=-1))
expect_error(lambda: optim.Adam([w], betas=(1.0, 0.9)))
expect_error(lambda: optim.SGD([], lr=0.1))
expect_error(lambda: optim.SGD(w, lr=0.1))
expect_error(lambda: optim.SGD([w], lr=0.1, nesterov=True))
expect_error(lambda: optim.Adam([w * 2]))

w = torch.tensor([1.0, 2.0], requires_grad=True)
opt = optim.SGD([w], lr=0.1)
print(opt.state, len(opt.state))
(w * w).sum().backward()
opt.step()
print(opt.state, w in opt.state, opt.state[torch.ones(1)], len(opt.state))
