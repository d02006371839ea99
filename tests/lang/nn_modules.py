# torch.nn modules: registration order, traversal, containers, modes, state and reprs.
# Expected output: /usr/bin/python3 tests/lang/nn_modules.py > tests/lang/nn_modules.out
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.lin = nn.Linear(n, n)
        self.act = nn.Tanh()
        self.register_buffer('scale', torch.tensor([2.0]))

    def forward(self, x):
        return self.act(self.lin(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(5, 3, padding_idx=0)
        self.blocks = nn.ModuleList([Block(3), Block(3)])
        self.head = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Dropout(0.25), nn.Linear(2, 1))
        self.shared = self.head[0]
        self.w = nn.Parameter(torch.ones(1))

    def forward(self, idx):
        h = self.embed(idx)
        for b in self.blocks:
            h = b(h)
        return self.head(h).squeeze(-1) * self.w


torch.manual_seed(11)
net = Net()
print(net)
print([name for name, _ in net.named_parameters()])
print([name for name, _ in net.named_buffers()])
print(len(list(net.parameters())), sum([p.numel() for p in net.parameters()]))
print([type(m).__name__ for m in net.modules()])
print([name for name, _ in net.named_modules()])
print([type(c).__name__ for c in net.children()])
print(net.embed.weight[0])
print(net.training, net.head[2].training)
net.eval()
print(net.training, net.head[2].training, net.blocks[1].act.training)
out = net(torch.tensor([1, 0, 4]))
print(out)
net.train()
print(net.training)

sd = net.state_dict()
print(list(sd.keys()))
print(sd['blocks.0.scale'])
print(sd['w'])
with torch.no_grad():
    net.w.fill_(3.0)
print(net.load_state_dict(sd))
print(net.w)

head = net.head
print(len(head), head[-1], head[1:3])
print([type(m).__name__ for m in head])
head.append(nn.Sigmoid())
print(head)
ml = nn.ModuleList()
ml.append(nn.Linear(1, 1))
ml.extend([nn.ReLU(), nn.Tanh()])
ml.insert(1, nn.Sigmoid())
print(ml)
print(len(ml), ml[-1])
md = nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Linear(2, 2, bias=False)})
print(md)
print(list(md.keys()), 'a' in md, md['b'])

fl = nn.Flatten()
print(fl, fl(torch.ones(2, 3, 4)).shape, nn.Flatten(0, -1)(torch.ones(2, 3)).shape)
print(nn.Identity()(torch.tensor([1.0, 2.0])))
print(nn.Softmax(dim=1), nn.LogSoftmax(dim=0), nn.Dropout(), nn.Dropout(p=0.1, inplace=True))
print(nn.ReLU(inplace=True), nn.Embedding(4, 2, max_norm=1.0), nn.Embedding(10, 3, padding_idx=-1))

net.requires_grad_(False)
print([p.requires_grad for p in net.parameters()][:3])
net.requires_grad_()
loss = net(torch.tensor([2, 3])).sum()
loss.backward()
print(net.w.grad)
net.zero_grad()
print(net.w.grad, net.head[0].bias.grad)
net.zero_grad(set_to_none=True)
print(net.w.grad)


class NoForward(nn.Module):
    pass


try:
    NoForward()(1)
except NotImplementedError as e:
    print('NotImplementedError', e)
try:
    net.missing
except AttributeError as e:
    print('AttributeError', e)
try:
    nn.Linear(2, 2).bias = torch.zeros(2)
except TypeError as e:
    print('TypeError', e)
try:
    net.load_state_dict({'w': torch.ones(2)})
except RuntimeError as e:
    print('RuntimeError', e)
print(net.load_state_dict({'w': torch.ones(1)}, strict=False).missing_keys[:2])


class Early(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(1, 1)


try:
    Early()
except AttributeError as e:
    print('AttributeError', e)
