# Dicts (insertion order) and sets (CPython's iteration order for ints).
d = {"b": 2, "a": 1}
d["c"] = 3
d["b"] = 20
print(d, len(d), d["a"], "a" in d, "z" in d, d.get("z"), d.get("z", 0), list(d), d.keys())
print(list(d.values()), list(d.items()), d.pop("a"), d, d.pop("zz", "default"))
print(d.setdefault("e", 5), d.setdefault("b", 0), d)
d.update({"f": 6}, g=7); d.update([("h", 8)])
print(d)
del d["c"]
print(d, dict(a=1, b=2), dict([("x", 1), ("y", 2)]), dict({"k": "v"}), dict(zip("ab", [1, 2])))
c = d.copy(); c["new"] = 1
print(len(c), len(d), {1: "a", 1.0: "b", True: "c"}, {(1, 2): "t"}[(1, 2)])
for k in d:
    print(k, d[k], end="; ")
print()
for k, v in sorted(d.items(), key=lambda kv: kv[1], reverse=True):
    print(k, v, end=" ")
print()
counts = {}
for w in "the cat the hat the end".split():
    counts[w] = counts.get(w, 0) + 1
print(counts, max(counts, key=counts.get), {k: v for k, v in counts.items() if v > 1})
d.clear()
print(d, {} == {}, {"a": 1} == {"a": 1.0}, dict.fromkeys("ab", 0))
print(d.items() if d else "empty", {"x": [1, {"y": (2,)}]})
s = {5, 3, 1, 3, 9, 7}
print(s, len(s), 3 in s, 4 in s, sorted(s))
s.add(2); s.add(3); s.discard(9); s.discard(100); s.remove(1)
print(s)
a, b = {1, 2, 3, 4}, {3, 4, 5, 6}
print(a | b, a & b, a - b, b - a, a ^ b, a.union([7]), a.intersection(b), a.difference(b))
print(a <= {1, 2, 3, 4, 5}, a < a, a == {4, 3, 2, 1}, a.issubset(range(10)), set([3, 2, 1, 2]), set("aab") == {"a", "b"})
print({x % 4 for x in range(10)}, set(), {10, 20, 30, 15}, {100, 1, 50})
e = set()
for i in [40, 8, 16, 33, 2, 64, 1]:
    e.add(i)
print(e, set(range(20, 0, -3)))
