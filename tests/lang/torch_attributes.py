import torch


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__ + ":", e)


x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = x * 3
z = y.sum()
print(x.shape, x.size(), x.size(0), x.size(-1), x.ndim, x.dim(), x.numel())
print(x.dtype, y.dtype, torch.tensor([1]).dtype, x.device, x.is_cuda)
print(x.requires_grad, y.requires_grad, x.is_leaf, y.is_leaf, z.is_leaf)
print(x.grad, x.grad_fn, y.grad_fn.name(), z.grad_fn.name())
print(len(z.grad_fn.next_functions), z.grad_fn.next_functions[0][0].name(), z.grad_fn.next_functions[0][1])
acc = y.grad_fn.next_functions[0][0]
print(acc.name(), acc.variable is x, acc.variable)
print(y.grad_fn.next_functions[1])
print((x + 1).grad_fn.next_functions[1], (x * x).grad_fn.next_functions[1][0].name())
print(x.T, x.T.grad_fn.name(), x.mT.shape)
print(x.data, x.data.requires_grad, x.data.is_leaf)

# .grad is assignable
z.backward()
print(x.grad)
x.grad = None
print(x.grad)
x.grad = torch.ones(2, 2)
print(x.grad)
show("grad int", lambda: setattr(x, "grad", 3))
show("grad shape", lambda: setattr(x, "grad", torch.ones(3)))

# .requires_grad is assignable on leaves
p = torch.tensor([1.0, 2.0])
p.requires_grad = True
print(p)
p.requires_grad = False
print(p)
show("int requires_grad", lambda: setattr(torch.tensor([1]), "requires_grad", True))
show("non-leaf", lambda: setattr(y, "requires_grad", False))
show("unknown attr", lambda: x.foo)

# .data = t swaps the values in place and keeps autograd identity
w = torch.zeros(2, 3, requires_grad=True)
alias = w
w.data = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
print(w, alias is w, w.shape, w.is_leaf, w.requires_grad)
(w * 2).sum().backward()
print(w.grad)
w.data -= 0.5 * w.grad
print(w)
w.data.zero_()
print(w)

# torch.Size
s = x.shape
print(s, s == (2, 2), s == torch.Size([2, 2]), (2, 2) == s, s != (2, 3), list(s), tuple(s), len(s), s[0], s[-1])
print(isinstance(s, tuple), type(s), s.numel(), torch.Size([3, 4]), torch.Size(), torch.Size((1,)))
r, c = s
print(r, c, hash(s) == hash((2, 2)), {s: 1}[(2, 2)], str(s), repr(s))
print(f"{s}", "{}".format(s), [s])
print(torch.zeros(2, 3, 4).shape[1], torch.tensor(1.0).shape)
