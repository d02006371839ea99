import torch


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__ + ":", e)


x = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.is_grad_enabled())
with torch.no_grad():
    print(torch.is_grad_enabled(), (x * 2).requires_grad)
    with torch.enable_grad():
        print(torch.is_grad_enabled(), (x * 2).grad_fn.name())
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())

try:
    with torch.no_grad():
        raise ValueError("inside")
except ValueError as e:
    print("caught", e, torch.is_grad_enabled())

torch.set_grad_enabled(False)
print(torch.is_grad_enabled(), (x * 2).requires_grad)
torch.set_grad_enabled(True)
with torch.set_grad_enabled(False):
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())


def double(t):
    return t * 2


nd = torch.no_grad()(double)
print(nd(x).requires_grad, double(x).requires_grad, torch.is_grad_enabled())

# backward arguments
y = x * x
y.backward(torch.tensor([1.0, 0.5]), retain_graph=True)
print(x.grad)
y.backward(gradient=torch.ones(2))
print(x.grad)
show("backward again", lambda: y.backward(torch.ones(2)))
show("non-scalar", lambda: (x * 3).backward())
show("no grad", lambda: torch.ones(1).backward())
show("shape", lambda: (x * 3).backward(torch.ones(3)))

# retain_grad, detach, detach_, requires_grad_
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 2
b.retain_grad()
c = b.detach()
(b ** 2).sum().backward()
print(b.grad, a.grad, c.requires_grad, c.is_leaf, c.grad_fn)
d = a * 3
d.detach_()
print(d, d.requires_grad, d.is_leaf, d.grad_fn)
e = torch.zeros(2).requires_grad_()
print(e, e.requires_grad_(False), torch.ones(1).requires_grad_(True))
show("retain no grad", lambda: torch.ones(1).retain_grad())
show("int grad", lambda: torch.tensor([1]).requires_grad_())

# torch.autograd
w = torch.tensor([3.0], requires_grad=True)
torch.autograd.backward([(w * w).sum()])
print(w.grad)
v = torch.autograd.Variable(torch.tensor([1.0, 2.0]), requires_grad=True)
print(v, v.is_leaf)
with torch.autograd.no_grad():
    print(torch.is_grad_enabled())
print(torch.autograd.grad_mode is None if False else "ok")

# graph nodes
z = (x * 2 + 1).sum()
fn = z.grad_fn
print(fn.name(), [type(n).__name__ if n is not None else None for n, k in fn.next_functions])
add = fn.next_functions[0][0]
print(add.name(), [(n.name() if n is not None else None, k) for n, k in add.next_functions])
mul = add.next_functions[0][0]
print(mul.name(), [(n.name() if n is not None else None, k) for n, k in mul.next_functions])

# a training step written by hand
torch.manual_seed(0)
W = torch.randn(2, 1, requires_grad=True)
X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
Y = torch.tensor([[1.0], [2.0]])
for step in range(3):
    loss = ((X @ W - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        W -= 0.05 * W.grad
        W.grad.zero_()
    print(step, round(loss.item(), 4), W.view(-1).tolist())
