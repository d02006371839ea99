import torch


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__ + ":", e)


x = torch.tensor([1.0, 2.0, 4.0], requires_grad=True)
i = torch.tensor([1, 2, 3])
b = torch.tensor([True, False, True])

# binary operators with tensors and Python numbers, both sides
print(x + x, x - 1, 1 - x)
print(x * 2, 2 * x, x / 2, 2 / x)
print(x ** 2, 2 ** x, x ** x)
print(x // 2, 7 // x, x % 3, 7 % x)
print(i + 1, 1 + i, i * 2.5, i / 2, i // 2, i % 2, 2 ** i, i ** 2)
print(-x, -i, +i, ~i, ~b)
print(i & 1, i | 4, i ^ 1, b & True, True | b, b ^ b)
print(x @ x, i @ i)
print(torch.ones(2, 3) @ torch.ones(3), torch.ones(2, 3) @ torch.ones(3, 2))

# reflected ops record PyTorch's graph nodes
print((2 - x).grad_fn.name(), (2 / x).grad_fn.name(), (2 ** x).grad_fn.name(), (x ** 2).grad_fn.name())
print((2 + x).grad_fn.name(), (2 * x).grad_fn.name(), (x - 2).grad_fn.name(), (x / 2).grad_fn.name())

# comparisons give bool tensors; None and other objects compare by identity
print(x > 2, 2 > x, x == 2, 2 == x, x != 1, x <= x)
print(x == None, x != None, None == x, i == "a", i == [1, 2, 3])
show("lt None", lambda: x < None)
show("add list", lambda: x + [1, 2, 3])
show("add str", lambda: "a" + i)
show("matmul int", lambda: x @ 2)
show("invert float", lambda: ~x)
show("shift", lambda: i << 1)
show("shape", lambda: torch.ones(2, 3) + torch.ones(2))

# in-place operators keep the object
f = torch.tensor([1.0, 2.0, 3.0])
g = f
f += 1
f *= torch.tensor([2.0, 0.5, 1.0])
f -= 0.5
f /= 2
f **= 2
print(f, g is f)
k = torch.tensor([7, 8, 9])
k //= 2
k %= 3
k |= 4
print(k)
show("iadd float into long", lambda: torch.tensor([1, 2]).add_(0.5))
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
m2 = m
m @= torch.eye(2)
print(m, m2 is m)

# w -= lr * w.grad on a leaf under no_grad is in place
w = torch.tensor([1.0, -1.0], requires_grad=True)
(w * w).sum().backward()
w0 = w
with torch.no_grad():
    w -= 0.1 * w.grad
print(w, w is w0, w.is_leaf, w.grad_fn)
show("leaf in place", lambda: w.add_(1))

# int32 results
n = torch.tensor([1.7, -2.3, 0.5]).int()
print(n, n.dtype, n.type())
print(n + 1, n * 2, -n, n + n, n * 0.5, n + i, n.sum(), n[0], n[1:])
print((n + 1).dtype, (n + i).dtype, n.sum().dtype, n.float().dtype, n.long().dtype)
print(torch.tensor([], dtype=torch.int32), torch.zeros(2, dtype=torch.int32), torch.arange(3, dtype=torch.int))
print(torch.tensor([2 ** 31 + 5, -1]).int())
print(torch.arange(40, dtype=torch.int32).reshape(2, 20) * 1000)
