import torch


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__ + ":", e)


m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
v = torch.tensor([1, 2, 3])
s = torch.tensor(2.5)

# len, iteration, unpacking
md = m.detach()
print(len(m), len(v), [row for row in md], list(v))
for row in md:
    print(row)
a, b = md
print(a, b)
p, q, r = v
print(p, q, r, p + q + r)
show("len 0-d", lambda: len(s))
show("iter 0-d", lambda: list(s))

# truthiness
print(bool(torch.tensor([1])), bool(torch.tensor(0.0)), not torch.tensor(False))
if torch.tensor(3) > 2:
    print("yes")
show("bool many", lambda: bool(v))
show("bool empty", lambda: bool(torch.tensor([])))
show("if many", lambda: 1 if v else 0)

# Python conversions
print(float(s), int(torch.tensor(2.7)), int(torch.tensor(-2.7)), float(torch.tensor([5])), int(torch.tensor([True])))
print(s.item(), v[0].item(), torch.tensor(True).item(), type(s.item()), type(v[0].item()))
print(round(torch.tensor(1 / 3).item(), 4), abs(torch.tensor(-2.0)), list(range(torch.tensor(3))))
show("round", lambda: round(torch.tensor(2.567)))
show("float many", lambda: float(v))
show("item many", lambda: v.item())
show("range float", lambda: range(torch.tensor(1.0)))
print(v.tolist(), m.tolist(), s.tolist(), torch.tensor([[True], [False]]).tolist(), torch.zeros(2, 0).tolist())

# membership
print(2 in v, 5 in v, 2.0 in m, torch.tensor(4.0) in m)
show("in str", lambda: "a" in v)

# formatting
print(f"{s}", f"{s:.3f}", f"{s:>8.2f}|", f"{torch.tensor(3)}", f"{torch.tensor(3):5d}|", f"{torch.tensor(True)}")
print(f"{torch.tensor(True):>6}|", "{}".format(m), "{:.2f}".format(torch.tensor(2.0) / 3), "%s" % v)
print(f"{v}", str(v), repr(s), f"{m!r}")
show("format spec", lambda: f"{v:.2f}")

# identity hash: tensors as dict keys and in sets
d = {v: "v", s: "s"}
print(d[v], d[s], len({v, s, v}), v in d, torch.tensor([1, 2, 3]) in d)

# isinstance and type
print(isinstance(v, torch.Tensor), isinstance(3, torch.Tensor), type(v), type(v) is torch.Tensor, type(v).__name__)
print(torch.is_tensor(v), torch.is_tensor([1]), torch.numel(m), torch.Tensor, torch.FloatTensor, torch.dtype)
print(torch.float32, torch.float, torch.float64, torch.double, torch.int64, torch.long, torch.int32, torch.int, torch.bool)
print(torch.float32 == torch.float, torch.int == torch.int32, torch.float32 == torch.float64, type(torch.float32))
print(torch.float32.is_floating_point, torch.int64.is_floating_point, str(torch.bool), [torch.float64])
print(torch.pi, torch.e, torch.inf, -torch.inf, torch.nan, torch.get_default_dtype())
