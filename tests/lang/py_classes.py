# Classes: __init__, methods, class attributes, inheritance, super(), dunders, isinstance.
class Vector:
    dims = 2
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __repr__(self):
        return f"Vector({self.x}, {self.y})"
    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)
    def __mul__(self, k):
        return Vector(self.x * k, self.y * k)
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return Vector(-self.x, -self.y)
    def __eq__(self, other):
        return isinstance(other, Vector) and self.x == other.x and self.y == other.y
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]
    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5
v, w = Vector(1, 2), Vector(3, 4)
print(v + w, v * 3, 2 * v, -v, v == Vector(1, 2), v != w, len(v), v[1], abs(w), list(v), Vector.dims, v.dims)
print(str(v), [v, w], f"{v}", repr(w), v.x, getattr(v, "y"), hasattr(v, "z"), getattr(v, "z", "none"))
v.x += 10
setattr(v, "y", 0)
print(v, vars(v))
class Shape:
    count = 0
    def __init__(self, name):
        self.name = name
        Shape.count += 1
    def area(self):
        return 0
    def describe(self):
        return f"{self.name} with area {self.area():.2f}"
    def __str__(self):
        return "Shape:" + self.name
class Circle(Shape):
    def __init__(self, r):
        super().__init__("circle")
        self.r = r
    def area(self):
        return 3.14159 * self.r ** 2
class Square(Shape):
    def __init__(self, s):
        Shape.__init__(self, "square")
        self.s = s
    def area(self):
        return self.s * self.s
shapes = [Circle(1), Square(2), Shape("blob")]
for s in shapes:
    print(s.describe(), s, isinstance(s, Shape), isinstance(s, Circle), type(s).__name__)
print(Shape.count, issubclass(Circle, Shape), issubclass(Shape, Circle), Circle.__name__, type(shapes[0]) is Circle)
class Counter:
    def __init__(self):
        self.n = 0
    def __call__(self, step=1):
        self.n += step
        return self.n
    def __contains__(self, x):
        return x <= self.n
    def __iter__(self):
        return iter(range(self.n))
    def __bool__(self):
        return self.n > 0
c = Counter()
print(bool(c), c(), c(5), 3 in c, 10 in c, list(c), bool(c), [i * i for i in c])
class Countdown:
    def __init__(self, start):
        self.current = start
    def __iter__(self):
        return self
    def __next__(self):
        if self.current <= 0:
            raise StopIteration
        self.current -= 1
        return self.current + 1
print(list(Countdown(3)), sum(Countdown(4)))
for k in Countdown(2):
    print("tick", k)
class Plain:
    pass
p = Plain()
p.attr = 5
print(p.attr, type(p).__name__, isinstance(p, object), Plain.__name__)
class Base:
    def hello(self):
        return "base"
class Mid(Base):
    def hello(self):
        return "mid+" + super().hello()
class Leaf(Mid):
    def hello(self):
        return "leaf+" + super().hello()
print(Leaf().hello(), isinstance(Leaf(), Base))
class Temp:
    def __init__(self, c):
        self.c = c
    def __lt__(self, other):
        return self.c < other.c
    def __repr__(self):
        return f"T{self.c}"
print(sorted([Temp(3), Temp(1), Temp(2)]), max([Temp(5), Temp(9)]), Temp(1) < Temp(2), Temp(3) > Temp(2))
class Registry:
    items = []
    def add(self, x):
        self.items.append(x)
        return self
r = Registry().add(1).add(2)
print(Registry.items, r.items is Registry.items)
