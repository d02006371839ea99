# Lists and tuples: methods, slicing (also assignment and deletion), operators.
a = [3, 1, 4, 1, 5, 9, 2, 6]
a.append(5); a.extend([3, 5]); a.insert(0, 0); a.insert(-1, 8); a.insert(100, 7)
print(a, len(a), a.index(5), a.index(1, 3), a.count(5), a.pop(), a.pop(0), a.pop(-2))
a.remove(1)
print(a)
b = a.copy(); b.sort(); print(b, a)
b.sort(reverse=True); print(b)
b.reverse(); print(b)
words = ["banana", "Apple", "cherry", "date"]
words.sort(key=str.lower); print(words)
words.sort(key=len, reverse=True); print(words)
print(sorted(words), sorted(words, key=lambda w: (len(w), w)))
x = list(range(10))
print(x[2:8:2], x[::-3], x[-3:-1], x[8:2:-2], x[:], x[100:], x[-100:2])
x[2:5] = ["a", "b"]; print(x)
x[::3] = [0, 0, 0]; print(x)
x[1:1] = [99, 98]; print(x)
del x[::2]; print(x)
del x[1]; print(x)
x.clear(); print(x, bool(x), bool([0]))
print([1, 2] + [3], [0] * 3, 2 * [1, 2], [1, 2] == [1, 2], [1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9])
print([[0] * 2] * 2, [1, [2, 3]] == [1, [2, 3]], 3 in [1, 2, 3], 4 not in [1, 2, 3])
t = (1, 2, 3, 2)
print(t.index(2), t.count(2), t[1:], t[::-1], t + (4,), t * 2, (1, 2) < (1, 3), len(t), max(t), min(t))
print(tuple([1, 2]), list((3, 4)), list("abc"), tuple("xy"), list(range(3, 0, -1)), tuple())
nested = [[1, 2], [3, 4]]
nested[0][1] = 20
print(nested, nested[1][-1])
m = [[0] * 3 for _ in range(2)]
m[0][0] = 1
print(m)
stack = []
stack.append(1); stack.append(2)
print(stack.pop(), stack)
print(list(reversed([1, 2, 3])), list(enumerate("ab", start=1)), sum([[1], [2]], []))
