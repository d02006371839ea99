import torch

# A tensor that called retain_grad() may die before the graph that would fill its .grad.
x = torch.ones(2, requires_grad=True)
y = x * 2
y.retain_grad()
z = (y * y).sum()
del y
z.backward()
print(x.grad)

# retain_grad() follows the tensor through an in-place op onto its new grad_fn.
a = torch.ones(3, requires_grad=True)
b = a * 2
b.retain_grad()
b.add_(1)
print(b.grad_fn.name())
(b * b).sum().backward()
print(b.grad, a.grad)

# detach_() drops the retained gradient.
c = a * 3
c.retain_grad()
c.detach_()
print(c.requires_grad, c.grad_fn)
