# def with defaults, keyword arguments, *args/**kwargs, closures, nonlocal, global, lambda,
# recursion.
def greet(name, greeting="Hello", *, punct="!"):
    return f"{greeting}, {name}{punct}"
print(greet("Ann"), greet("Bob", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))
def total(*args, **kwargs):
    return sum(args), sorted(kwargs.items())
print(total(), total(1, 2, 3), total(1, a=2, b=3))
def show(a, b=2, *rest, c, d=4, **extra):
    return a, b, rest, c, d, extra
print(show(1, c=3), show(1, 5, 6, 7, c=8, e=9))
args = [1, 2]
kw = {"c": 3}
print(show(*args, **kw), show(*[1], *[2, 3], c=0, **{"z": 1}))
def make_adder(n):
    def add(x):
        return x + n
    return add
add5 = make_adder(5)
print(add5(10), make_adder(-1)(1))
def counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc
c1, c2 = counter(), counter()
print(c1(), c1(), c1(10), c2())
total_calls = 0
def tracked():
    global total_calls
    total_calls += 1
tracked(); tracked()
print(total_calls)
square = lambda x: x * x
print(square(7), (lambda *a: len(a))(1, 2, 3), (lambda x, y=2: x ** y)(3), list(map(lambda p: p[0], [(1, 2)])))
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
def fib(n, memo={}):
    if n in memo:
        return memo[n]
    r = n if n < 2 else fib(n - 1) + fib(n - 2)
    memo[n] = r
    return r
print(fact(20), fib(80), [fib(i) for i in range(10)])
def apply(f, *xs):
    return [f(x) for x in xs]
print(apply(abs, -1, -2), apply(str.upper, "a", "b"))
def outer():
    x = "outer"
    def middle():
        def inner():
            return x
        return inner()
    return middle()
print(outer())
funcs = [lambda i=i: i * 10 for i in range(3)]
print([f() for f in funcs])
late = [lambda: i for i in range(3)]
print([f() for f in late])
def noreturn():
    pass
print(noreturn(), greet.__name__, square.__name__, callable(greet), callable(3))
def deep(n):
    return 0 if n == 0 else 1 + deep(n - 1)
print(deep(500))
