# Arithmetic with Python's signs, int/float mixing, comparison chains, bitwise ops.
for a, b in [(7, 2), (-7, 2), (7, -2), (-7, -2), (7.5, 2), (-7.5, 2), (7, 0.5)]:
    print(a, b, a / b, a // b, a % b, divmod(a, b))
print(2 ** 10, 2 ** -2, (-2) ** 3, 2.0 ** 0.5, (-8) ** 2, 0 ** 0, 10 ** 18)
print(-3 ** 2, (-3) ** 2, 2 ** 3 ** 2)
print(1 + 2 * 3 - 4 / 2, (1 + 2) * 3, 7 - -3, +5, -(-5))
print(3 + True, True + True, 2 * False, 1.5 + 1, 3 * 2.0)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 >= 2 > 1, 1 == 1.0, 2 != 2.0, None is None)
print(0.1 + 0.2 == 0.3, abs(0.1 + 0.2 - 0.3) < 1e-9)
print(5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 10, 1024 >> 3, -16 >> 2)
print(1e308 * 10, -1e308 * 10, 1e-320, 5e-324 / 2)
print(round(2.5), round(3.5), round(-2.5), round(0.5), round(1.5), round(2.675, 2), round(0.125, 2))
print(round(1234.5678, -2), round(1234, -2), round(-0.4), round(7.0), round(3.14159, 3))
print(int(3.99), int(-3.99), int("42"), int(" -17 "), int("ff", 16), int("0b101", 0), int(True))
print(float("3.5"), float(" 1e3 "), float("-inf"), float(7), float("1_000.5"))
print(abs(-3), abs(-2.5), abs(0), max(3, 9, 1), min([4, -1, 8]), sum([1, 2, 3], 10))
print(pow(2, 8), pow(2, -1), pow(7, 2, 5), 17 % 5, -17 % 5, 17 % -5, 5.5 % 2, -5.5 % 2)
print(10 // 3, -10 // 3, 10.0 // 3, -10.0 // 3, 1 // 0.3)
x = 5
x += 3; x -= 1; x *= 4; x //= 3; x **= 2; x %= 10; x <<= 2; x |= 1; x ^= 3; x &= 14; x >>= 1
print(x)
f = 2.0
f /= 4; f += 1; f *= 3
print(f)
print(hex(255), oct(8), bin(5), bin(-5), (255).bit_length(), (3.0).is_integer())
print(9007199254740993, 2 ** 62, -(2 ** 62) * 2)
