# Literals and the repr/str of every value kind.
print(0, -5, 1_000_000, 0x1F, 0o17, 0b101)
print(1.0, -0.0, 0.1, 1e-05, 1e16, 1.5e300, 123456789012345.0, 1e22, 2.5e-7)
print(float("inf"), float("-inf"), float("nan"), 1 / 3, 2 / 3, 10 / 3)
print(True, False, None, ..., NotImplemented)
print('single', "double", '''triple''', """also triple""")
print("tab\there", "new\\nline", 'quote\'s', "dq\"s")
print(repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("a\nb\tc\\"))
print(repr('\x00\x1f\x7f'), "caf\u00e9", repr("caf\u00e9"), len("caf\u00e9"))
print([1, 'a', 2.5, None, True], (1,), (), (1, 2), [], {}, set(), {1: 'x'})
print({'lr': 0.1, 'epochs': 100}, [[1, 2], [3, [4, 5]]], ({'a': [1]},))
print(str(1.0), str(-0.0), repr(0.30000000000000004), str(100.0), str(1e100))
print(f"{1}{'a'}{2.5}{None}{[1, 'b']}", f"{'x'!r}", f"{3.0!s}")
x = 7
print(f"{x:03d} {x:>4} {x:<4}| {x:^5}| {x:+d} {-x:d} {x:x} {x:o} {x:b} {255:#x}")
y = 1234567.891
print(f"{y:.2f} {y:,.2f} {y:e} {y:.3g} {y:10.1f}| {0.5:%} {0.25:.1%}")
print(f"{'s':>3}|{'s':<3}|{'s':^3}|{'s':*^7}")
w, p = 8, 3
print(f"{y:{w}.{p}f}|")
print(f"{{literal}} {x!r:>4}")
print(type(1), type(1.0), type("s"), type(None), type([]), type(()), type({}), type(set()), type(True))
print(int, float, str, list, dict)
