import torch
ts = []
while True:
    ts.append(torch.randn(512, 512, requires_grad=True) * 2)
