# torch.nn.init and the seeded layers (Linear, Embedding, Dropout) draw PyTorch's numbers,
# bit for bit; F.linear's grad_fn for every input rank; embedding options.
# Expected output: /usr/bin/python3 tests/lang/nn_init_layers.py > tests/lang/nn_init_layers.out
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init

for nl in ['linear', 'sigmoid', 'tanh', 'relu', 'selu']:
    print(nl, init.calculate_gain(nl))
print(init.calculate_gain('leaky_relu'), init.calculate_gain('leaky_relu', 0.2),
      init.calculate_gain('leaky_relu', math.sqrt(5)))
print(init._calculate_fan_in_and_fan_out(torch.empty(4, 3)), init._calculate_fan_in_and_fan_out(torch.empty(2, 3, 5)))

torch.manual_seed(7)
w = torch.empty(3, 5)
print(init.xavier_uniform_(w).tolist())
print(init.xavier_normal_(w, gain=2.0).tolist())
print(init.kaiming_uniform_(w, a=0.1).tolist())
print(init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu').tolist())
print(init.uniform_(w, -0.5, 0.5).tolist())
print(init.normal_(w, 1.0, 0.1).tolist())
print(init.constant_(w, 0.3)[0], init.ones_(w)[1], init.zeros_(w)[2], init.eye_(torch.empty(2, 3)))
big = torch.empty(4, 8)
print(init.normal_(big).tolist()[3])

torch.manual_seed(123)
for shape in [(1, 1), (5, 1), (1, 7), (16, 20)]:
    lin = nn.Linear(shape[1], shape[0])
    print(lin.weight.tolist()[-1], lin.bias.tolist())
emb = nn.Embedding(6, 4, padding_idx=2)
print(emb.weight.tolist())
out = emb(torch.tensor([[2, 5], [1, 2]]))
out.sum().backward()
print(out, emb.weight.grad)
pre = nn.Embedding.from_pretrained(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
print(pre, pre.weight.requires_grad, pre(torch.tensor([1])))
capped = nn.Embedding(3, 2, max_norm=1.0)
with torch.no_grad():
    capped.weight.copy_(torch.tensor([[3.0, 4.0], [0.3, 0.4], [1.0, 1.0]]))
print(capped(torch.tensor([0, 1, 0])), capped.weight)

torch.manual_seed(5)
drop = nn.Dropout(0.4)
x = torch.ones(3, 7, requires_grad=True)
y = drop(x)
print(y)
y.sum().backward()
print(x.grad)
drop.eval()
print(drop(x) is x)
print(F.dropout(torch.arange(20.0), p=0.5))
print(F.dropout(torch.ones(4), p=0.5, training=False), F.dropout(torch.ones(3), p=1.0))
z = torch.ones(5)
F.dropout(z, p=0.2, inplace=True)
print(z)

torch.manual_seed(9)
W = torch.randn(3, 4, requires_grad=True)
b = torch.randn(3, requires_grad=True)
for shape in [(4,), (2, 4), (2, 5, 4), (2, 1, 3, 4)]:
    inp = torch.randn(*shape)
    print(shape, type(F.linear(inp, W, b).grad_fn).__name__, type(F.linear(inp, W).grad_fn).__name__,
          F.linear(inp, W, b).shape)
    F.linear(inp, W, b).sum().backward()
print(W.grad, b.grad)
print(type(F.linear(torch.randn(2, 5, 4).transpose(0, 1), W, b).grad_fn).__name__)
v = torch.tensor([1.0, 2.0, 3.0])
print(F.linear(v, torch.tensor([0.5, -1.0, 2.0], requires_grad=True)))
try:
    F.linear(torch.ones(4, 3), torch.ones(2, 4), torch.ones(2))
except RuntimeError as e:
    print('RuntimeError', e)
try:
    nn.Linear(3, 2)(torch.ones(4, 3, dtype=torch.float64))
except RuntimeError as e:
    print('RuntimeError', e)
try:
    nn.Dropout(1.5)
except ValueError as e:
    print('ValueError', e)
