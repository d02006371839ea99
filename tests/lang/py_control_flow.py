# if/elif/else, while, for (over many iterables), break/continue, for/else, while/else.
for n in [5, 12, 0, -3]:
    if n > 10:
        print(n, "big")
    elif n > 0:
        print(n, "small")
    elif n == 0:
        print(n, "zero")
    else:
        print(n, "negative")
i = 0
while i < 10:
    i += 1
    if i % 2:
        continue
    if i == 8:
        break
    print("even", i)
else:
    print("no break")
for x in range(3):
    pass
else:
    print("for else ran", x)
for x in [1, 2, 3]:
    if x == 2:
        print("found 2")
        break
else:
    print("not found")
n = 0
while n < 3:
    n += 1
else:
    print("while else", n)
for ch in "ab":
    for k in (1, 2):
        print(ch, k, end=" ")
print()
for k, v in {"a": 1, "b": 2}.items():
    print(k, v)
for i, (a, b) in enumerate([(1, 2), (3, 4)]):
    print(i, a, b)
for a, b in zip([1, 2, 3], "xyz"):
    print(a, b, end=" | ")
print()
for x in range(10, 0, -4):
    print(x, end=" ")
print()
count = 0
while True:
    count += 1
    if count > 100:
        break
print(count)
print(1 if count > 50 else 0, "yes" if [] else "no", 0 or "" or None, 1 and 2 and 3, 0 and 1 / 0, not 0)
print(False or 3, True and 0, [] or [1], None or 0)
result = [x for x in range(5)] if count else None
print(result)
