# try/except/else/finally, raise, the exception hierarchy, custom exceptions.
def divide(a, b):
    try:
        r = a / b
    except ZeroDivisionError as e:
        print("error:", e)
        return None
    else:
        print("ok")
        return r
    finally:
        print("cleanup")
print(divide(1, 2), divide(1, 0))
for exc in [ValueError("v"), KeyError("k"), IndexError("i"), TypeError("t"), ZeroDivisionError("z")]:
    try:
        raise exc
    except (KeyError, IndexError) as e:
        print("lookup", type(e).__name__, e, isinstance(e, LookupError))
    except ArithmeticError as e:
        print("arith", repr(e))
    except Exception as e:
        print("other", type(e).__name__, e.args)
try:
    {}["missing"]
except KeyError as e:
    print("KeyError", e, e.args, str(e), repr(e))
try:
    [1][5]
except IndexError as e:
    print(e)
try:
    int("abc")
except ValueError as e:
    print(e)
try:
    None.foo
except AttributeError as e:
    print(e)
try:
    "a" + 1
except TypeError as e:
    print(e)
try:
    undefined_name
except NameError as e:
    print(e)
class AppError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code
class DbError(AppError):
    pass
try:
    raise DbError("db down", 503)
except AppError as e:
    print(type(e).__name__, e, e.code, e.args, isinstance(e, Exception))
class Plain(Exception):
    pass
try:
    raise Plain
except Plain as e:
    print("plain", repr(e), str(e) == "")
def nested():
    try:
        try:
            raise ValueError("inner")
        finally:
            print("inner finally")
    except ValueError as e:
        print("outer caught", e)
        raise RuntimeError("wrapped") from e
try:
    nested()
except RuntimeError as e:
    print("got", e)
def ret_in_finally():
    try:
        return "try"
    finally:
        return "finally"
print(ret_in_finally())
def swallow():
    try:
        raise ValueError
    finally:
        return "swallowed"
print(swallow())
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("finally", i)
for i in range(3):
    try:
        if i == 1:
            break
    finally:
        print("fin", i)
try:
    try:
        raise TypeError("first")
    except TypeError:
        raise
except TypeError as e:
    print("reraised", e)
try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("assert:", e)
try:
    raise Exception("a", 1)
except Exception as e:
    print(e, e.args)
def gen_error(kind):
    if kind == 0:
        return [][0]
    return {}[kind]
for k in range(2):
    try:
        gen_error(k)
    except LookupError as e:
        print(type(e).__name__, e)
try:
    pass
except Exception:
    print("never")
else:
    print("else branch")
e = None
try:
    1 / 0
except ZeroDivisionError as err:
    e = err
print(type(e).__name__, e)
try:
    raise StopIteration
except StopIteration:
    print("stop")
try:
    x = 1
    x.append(2)
except AttributeError as err:
    print(err)
try:
    len(5)
except TypeError as err:
    print(err)
try:
    print(unknown)
except Exception as err:
    print(type(err).__name__, err)
