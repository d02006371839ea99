# gradlab's ints are 64-bit: where CPython would grow the int, gradlab raises OverflowError
# (the .err holds gradlab's wording; CPython prints the value instead).
x = 2 ** 62
print(x)
print(x * 4)
