# with statements (context managers) and unpacking.
class Managed:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None, exc)
        return self.suppress
with Managed("a") as m:
    print("inside", m.name)
with Managed("b", suppress=True):
    raise ValueError("hidden")
print("after b")
try:
    with Managed("c"):
        raise KeyError("shown")
except KeyError as e:
    print("caught", e)
with Managed("x") as x, Managed("y") as y:
    print("both", x.name, y.name)
def early():
    with Managed("ret"):
        return "returned"
print(early())
for i in range(2):
    with Managed(f"loop{i}"):
        if i == 0:
            continue
        break
a, b = 1, 2
a, b = b, a
print(a, b)
(p, q), r = (3, 4), 5
print(p, q, r)
first, *rest = [1, 2, 3, 4]
*init, last = "abc"
h, *mid, t = range(5)
print(first, rest, init, last, h, mid, t)
[u, v] = "xy"
print(u, v)
for idx, (name, (lo, hi)) in enumerate([("a", (1, 2)), ("b", (3, 4))]):
    print(idx, name, lo, hi)
k, v = {"key": "val"}.popitem()
print(k, v)
x = y = z = 0
print(x, y, z)
t = 1, 2, 3
print(t, type(t).__name__)
s = 0
for a, b in [(1, 2), (3, 4)]:
    s += a * b
print(s)
