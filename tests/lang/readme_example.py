import torch

x = torch.tensor([[2., -1.], [3., 1.]], requires_grad=True)
out = x.pow(3).sum()  # the derivative is 3*x^2
out.backward()
print(x.grad)
