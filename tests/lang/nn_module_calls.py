# model(x) and nn.Embedding's forward: the native fast paths against PyTorch's Python ones --
# forward as a class method, an instance attribute, a subclass override, super().forward,
# keyword arguments, the options that leave the fast path, and a replaced weight.
# Expected output: /usr/bin/python3 tests/lang/nn_module_calls.py > tests/lang/nn_module_calls.out
import torch
import torch.nn as nn

torch.manual_seed(0)
emb = nn.Embedding(4, 3)
idx = torch.tensor([[0, 2], [3, 3]])
print(emb(idx))
print(emb(torch.tensor(1)))
print(emb(input=torch.tensor([2])))
print(emb.forward(torch.tensor([1, 0])))
print(nn.Embedding.forward(emb, torch.tensor([3])))

# The gradient of a lookup reaches the looked-up rows, each as often as it was used.
emb.zero_grad()
emb(idx).sum().backward()
print(emb.weight.grad)

# Options that leave the default path.
torch.manual_seed(1)
padded = nn.Embedding(4, 2, padding_idx=1)
out = padded(torch.tensor([0, 1, 1, 3]))
print(out)
out.sum().backward()
print(padded.weight.grad)
torch.manual_seed(2)
capped = nn.Embedding(3, 2, max_norm=1.0)
print(capped(torch.tensor([0, 2])))
print(capped.weight)
capped.max_norm = None
print(capped(torch.tensor([1])))
padded.padding_idx = None
print(padded(torch.tensor([1])))

# A weight replaced after construction: a new Parameter, then a plain attribute.
emb.weight = nn.Parameter(torch.arange(12.).reshape(4, 3))
print(emb(torch.tensor([3, 0])))
del emb._parameters['weight']
emb.weight = torch.ones(4, 3) * 7
print(emb(torch.tensor([1])))


# Subclasses: an override, one that calls super().forward, and one whose forward is an
# instance attribute.
class Scaled(nn.Embedding):
    def forward(self, input):
        return super().forward(input) * 10


class Shifted(nn.Embedding):
    def forward(self, input, shift=0):
        return nn.Embedding.forward(self, input + shift)


torch.manual_seed(3)
s = Scaled(3, 2)
print(s(torch.tensor([0, 1])))
h = Shifted(3, 2)
print(h(torch.tensor([0]), shift=2))
print(h(torch.tensor([0]), 1))
e = nn.Embedding(2, 2)
e.forward = lambda x: x + 100
print(e(torch.tensor([1, 2])))


class Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 2)
        self.lin = nn.Linear(2, 1)

    def forward(self, u, i=None):
        x = self.emb(u)
        if i is not None:
            x = x * self.emb(i)
        return self.lin(x)


torch.manual_seed(4)
m = Pair()
print(m(torch.tensor([1, 2])))
print(m(torch.tensor([1, 2]), i=torch.tensor([3, 4])))
print(m(u=torch.tensor([0]), i=torch.tensor([0])))

# Errors keep PyTorch's wording.
for bad in [lambda: emb(torch.tensor([4])), lambda: emb(torch.tensor([0.5])),
            lambda: emb([1, 2]), lambda: emb(), lambda: m(self=1),
            lambda: nn.Module.__call__()]:
    try:
        bad()
    except Exception as exc:
        print(type(exc).__name__ + ':', exc)
