# Every torch.nn loss with each reduction, class weights and ignore_index: values, grad_fn
# names and gradients; torch.nn.functional's activations and softmax family.
# Expected output: /usr/bin/python3 tests/lang/nn_losses_all.py > tests/lang/nn_losses_all.out
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
x = torch.randn(4, 5, requires_grad=True)
y = torch.randn(4, 5)
p = torch.sigmoid(torch.randn(4, 5)).detach().requires_grad_()
t01 = torch.rand(4, 5)
cls = torch.tensor([1, 0, 4, 2])

for red in ['mean', 'sum', 'none']:
    for name, fn, a, b in [('MSELoss', nn.MSELoss, x, y), ('L1Loss', nn.L1Loss, x, y),
                           ('BCELoss', nn.BCELoss, p, t01),
                           ('BCEWithLogitsLoss', nn.BCEWithLogitsLoss, x, t01),
                           ('CrossEntropyLoss', nn.CrossEntropyLoss, x, cls),
                           ('NLLLoss', nn.NLLLoss, F.log_softmax(x, dim=1), cls)]:
        loss = fn(reduction=red)(a, b)
        print(name, red, loss)
        leaf = p if name == 'BCELoss' else x
        leaf.grad = None
        loss.sum().backward(retain_graph=True)
        print(leaf.grad)

w = torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0])
print(nn.CrossEntropyLoss(weight=w)(x, cls))
print(nn.CrossEntropyLoss(ignore_index=0)(x, cls))
print(nn.CrossEntropyLoss(weight=w, ignore_index=4, reduction='sum')(x, cls))
print(nn.NLLLoss(weight=w)(F.log_softmax(x, 1), cls))
print(nn.CrossEntropyLoss(label_smoothing=0.1)(x, cls))
probs = F.softmax(torch.randn(4, 5), dim=1)
print(nn.CrossEntropyLoss()(x, probs))
print(F.cross_entropy(x, probs, reduction='none'))
print(F.cross_entropy(x[0], cls[0]), F.nll_loss(F.log_softmax(x[1], 0), cls[1]))
print(nn.BCELoss(weight=torch.tensor([1.0, 2.0, 1.0, 0.5, 1.0]))(p, t01))
print(nn.BCEWithLogitsLoss(pos_weight=torch.full((5,), 3.0))(x, t01))
print(nn.BCEWithLogitsLoss(weight=torch.tensor([2.0]), reduction='sum')(x, t01))
print(F.mse_loss(x, torch.zeros(5)), F.l1_loss(x, torch.zeros(1, 5), reduction='sum'))
print(nn.MSELoss(), nn.L1Loss(), nn.BCELoss(), nn.BCEWithLogitsLoss(), nn.CrossEntropyLoss(), nn.NLLLoss())

v = torch.tensor([[-1.5, 0.0, 2.0, 0.5], [3.0, -2.0, 0.25, 1.0]], requires_grad=True)
for f in [F.relu, F.sigmoid, F.tanh]:
    print(f(v))
for d in [0, 1, -1]:
    s = F.softmax(v, dim=d)
    ls = F.log_softmax(v, dim=d)
    print(s, ls)
    v.grad = None
    (s * torch.arange(8.0).view(2, 4)).sum().backward()
    print(v.grad)
    v.grad = None
    (ls * torch.arange(8.0).view(2, 4)).sum().backward()
    print(v.grad)
print(nn.Softmax(dim=1)(v), nn.LogSoftmax(dim=1)(v))
wide = torch.randn(3, 19)
print(F.softmax(wide, dim=1).sum(dim=1), F.log_softmax(wide, dim=0)[0])
print(F.softmax(torch.tensor(2.0), dim=0))

try:
    F.nll_loss(x, torch.tensor([1, 2]))
except ValueError as e:
    print('ValueError', e)
try:
    F.cross_entropy(x, torch.tensor([1, 0, 5, 2]))
except IndexError as e:
    print('IndexError', e)
try:
    F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))
except RuntimeError as e:
    print('RuntimeError', e)
try:
    F.binary_cross_entropy_with_logits(x, torch.zeros(4))
except ValueError as e:
    print('ValueError', e)
try:
    nn.MSELoss(reduction='avg')(x, y)
except ValueError as e:
    print('ValueError', e)
