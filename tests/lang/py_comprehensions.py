# List/dict/set comprehensions and generator expressions (evaluated eagerly).
print([x * x for x in range(6)], [x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(i, j) for i in range(3) for j in range(i)], [[j for j in range(i)] for i in range(4)])
print({x: x ** 2 for x in range(4)}, {c for c in "hello"} == set("helo"), {k: v for k, v in zip("ab", (1, 2))})
print(sum(x for x in range(101)), any(x > 5 for x in [1, 7]), all(x > 0 for x in [1, -1]), max(len(w) for w in ["a", "bbb"]))
print(list(x + 1 for x in [1, 2]), tuple(c.upper() for c in "ab"), sorted((-x for x in [3, 1, 2])), "".join(str(d) for d in [1, 2]))
print(min(x % 7 for x in range(10, 20)), set(x // 2 for x in range(6)), dict((k, len(k)) for k in ["aa", "b"]))
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)], [v for row in matrix for v in row if v % 2])
x = 10
print([x for x in range(3)], x)
names = ["ann", "bob"]
print([f"{i}:{n.title()}" for i, n in enumerate(names)], [n for n in names if n.startswith("b")])
g = (i * 2 for i in range(3))
print(next(g), next(g), list(g))
print([y for y in [1, 2, 3] if y != 2], [a * b for a, b in [(1, 2), (3, 4)]], [(lambda q: q + 1)(v) for v in range(2)])
def scale(k):
    return [k * v for v in range(3)]
print(scale(5), [[k * v for v in range(2)] for k in (1, 10)])
