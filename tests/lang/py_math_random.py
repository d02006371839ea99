# The math and random modules (random reproduces CPython's seeded sequences).
import math
import random
print(math.pi, math.e, math.inf, -math.inf, math.nan, math.tau)
print(math.sqrt(16), math.sqrt(2), math.exp(1), math.log(math.e), math.log(8, 2), math.log2(1024), math.log10(1000))
print(math.sin(0), math.cos(0), math.tan(0), math.atan2(1, 1), math.tanh(0.5), math.fabs(-3), math.pow(2, 10))
print(math.floor(2.7), math.ceil(2.1), math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.7), type(math.floor(2.5)).__name__)
print(math.isclose(0.1 + 0.2, 0.3), math.isclose(1, 1.1), math.isclose(1, 1.05, rel_tol=0.1), math.isnan(math.nan), math.isinf(-math.inf))
print(math.factorial(10), math.gcd(12, 18), math.gcd(0, 5), math.hypot(3, 4), math.degrees(math.pi), math.radians(180))
random.seed(42)
print(random.random(), random.random())
print(random.randint(1, 10), random.randint(1, 100), random.uniform(0, 1))
print(random.choice(["a", "b", "c"]), random.gauss(0, 1), random.gauss(5, 2))
items = list(range(10))
random.shuffle(items)
print(items, random.sample(range(100), 5), random.randrange(0, 50, 5))
random.seed(0)
a = [random.random() for _ in range(3)]
random.seed(0)
b = [random.random() for _ in range(3)]
print(a == b, a)
from math import sqrt, pi as PI
print(sqrt(25), PI)
import math as m
print(m.sqrt(9), math.comb(5, 2), math.prod([1, 2, 3, 4]))
