import torch
x = torch.ones(2 ** 40, 2 ** 40, 2 ** 40)
