x = 3
assert x > 0, "positive"
assert x > 5, f"x is too small: {x}"
