# Per-op overhead: `c = a + b` on 3-element float32 tensors, N times (N is set by bench/run).
# The same loop with `pass` in its body is timed too, so the loop itself can be subtracted.
import torch

N = __N__
a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([4.0, 5.0, 6.0])
if __GRAD__:
    a.requires_grad_()
c = a
for i in range(N):
    c = __BODY__
print("RESULT", c.detach().tolist() if __GRAD__ else c.tolist())
