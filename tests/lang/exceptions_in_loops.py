# An exception raised in __init__ (or a nested call) and caught inside a loop must leave the
# loop's iterator intact, after a class definition and after earlier loops.
class Account:
    def __init__(self, balance):
        if balance < 0:
            raise ValueError("negative balance " + str(balance))
        self.balance = balance


for warmup in range(2):
    pass

opened = []
for b in [10, -5, 7, -1, 3]:
    try:
        opened.append(Account(b).balance)
    except ValueError as e:
        print("refused:", e)
print(opened)


def first_valid(values):
    for v in values:
        try:
            return Account(v).balance
        except ValueError:
            continue
    return None


print(first_valid([-3, -2, 9, 4]), first_valid([-1]))

total = 0
i = 0
while i < 4:
    for j in range(3):
        try:
            if j == 1:
                raise KeyError(j)
            total += j
        except KeyError:
            total += 100
        finally:
            total += 1000
    i += 1
print(total)


class Money:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Money(self.v + (other.v if isinstance(other, Money) else other))

    def __radd__(self, other):
        return Money(other + self.v)

    def __repr__(self):
        return "Money(" + str(self.v) + ")"


print(Money(2) + 3, 3 + Money(2), sum([Money(1), Money(2)]))
