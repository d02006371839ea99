class ShapeError(Exception):
    pass
def check(rows, cols):
    if rows != cols:
        raise ShapeError(f"expected a square matrix, got {rows}x{cols}")
check(2, 2)
print("ok")
check(2, 3)
