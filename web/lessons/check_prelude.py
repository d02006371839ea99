# The library every exercise check runs with (protocol: web/lessons/README.md, "Checks").
# The runner sends ONE cell after the student's cell, in this order:
#   this file  +  the exercise's check section (defines `_check(out)`)
#              +  `_chk_finish("<token>", "<student output>")`
# Everything here is named `_chk...` / `_Chk...` so it never replaces a student's variable
# (and names starting with `_` stay out of the variables panel).

# 1. Builtins the student shadowed (`sum = x.sum()`, `max = 10`, `def print(...)`) are set
#    aside, so the check sees the real ones; _chk_finish puts the student's values back after
#    the verdict. The check and this file use no builtin that is not in both lists below
#    (tests/exercises/run.py verifies it).


def _chk_unshadow():
    global abs, all, any, bool, callable, dict, enumerate, float, getattr, hasattr, int
    global isinstance, len, list, max, min, print, range, repr, round, sorted, str, sum
    global tuple, type, zip, Exception, ValueError, TypeError, NameError, AttributeError
    global IndexError, KeyError, RuntimeError, ZeroDivisionError
    try:
        _chk_saved["abs"] = abs
        del abs
    except NameError:
        _chk_saved.pop("abs")
    try:
        _chk_saved["all"] = all
        del all
    except NameError:
        _chk_saved.pop("all")
    try:
        _chk_saved["any"] = any
        del any
    except NameError:
        _chk_saved.pop("any")
    try:
        _chk_saved["bool"] = bool
        del bool
    except NameError:
        _chk_saved.pop("bool")
    try:
        _chk_saved["callable"] = callable
        del callable
    except NameError:
        _chk_saved.pop("callable")
    try:
        _chk_saved["dict"] = dict
        del dict
    except NameError:
        _chk_saved.pop("dict")
    try:
        _chk_saved["enumerate"] = enumerate
        del enumerate
    except NameError:
        _chk_saved.pop("enumerate")
    try:
        _chk_saved["float"] = float
        del float
    except NameError:
        _chk_saved.pop("float")
    try:
        _chk_saved["getattr"] = getattr
        del getattr
    except NameError:
        _chk_saved.pop("getattr")
    try:
        _chk_saved["hasattr"] = hasattr
        del hasattr
    except NameError:
        _chk_saved.pop("hasattr")
    try:
        _chk_saved["int"] = int
        del int
    except NameError:
        _chk_saved.pop("int")
    try:
        _chk_saved["isinstance"] = isinstance
        del isinstance
    except NameError:
        _chk_saved.pop("isinstance")
    try:
        _chk_saved["len"] = len
        del len
    except NameError:
        _chk_saved.pop("len")
    try:
        _chk_saved["list"] = list
        del list
    except NameError:
        _chk_saved.pop("list")
    try:
        _chk_saved["max"] = max
        del max
    except NameError:
        _chk_saved.pop("max")
    try:
        _chk_saved["min"] = min
        del min
    except NameError:
        _chk_saved.pop("min")
    try:
        _chk_saved["print"] = print
        del print
    except NameError:
        _chk_saved.pop("print")
    try:
        _chk_saved["range"] = range
        del range
    except NameError:
        _chk_saved.pop("range")
    try:
        _chk_saved["repr"] = repr
        del repr
    except NameError:
        _chk_saved.pop("repr")
    try:
        _chk_saved["round"] = round
        del round
    except NameError:
        _chk_saved.pop("round")
    try:
        _chk_saved["sorted"] = sorted
        del sorted
    except NameError:
        _chk_saved.pop("sorted")
    try:
        _chk_saved["str"] = str
        del str
    except NameError:
        _chk_saved.pop("str")
    try:
        _chk_saved["sum"] = sum
        del sum
    except NameError:
        _chk_saved.pop("sum")
    try:
        _chk_saved["tuple"] = tuple
        del tuple
    except NameError:
        _chk_saved.pop("tuple")
    try:
        _chk_saved["type"] = type
        del type
    except NameError:
        _chk_saved.pop("type")
    try:
        _chk_saved["zip"] = zip
        del zip
    except NameError:
        _chk_saved.pop("zip")
    try:
        _chk_saved["Exception"] = Exception
        del Exception
    except NameError:
        _chk_saved.pop("Exception")
    try:
        _chk_saved["ValueError"] = ValueError
        del ValueError
    except NameError:
        _chk_saved.pop("ValueError")
    try:
        _chk_saved["TypeError"] = TypeError
        del TypeError
    except NameError:
        _chk_saved.pop("TypeError")
    try:
        _chk_saved["NameError"] = NameError
        del NameError
    except NameError:
        _chk_saved.pop("NameError")
    try:
        _chk_saved["AttributeError"] = AttributeError
        del AttributeError
    except NameError:
        _chk_saved.pop("AttributeError")
    try:
        _chk_saved["IndexError"] = IndexError
        del IndexError
    except NameError:
        _chk_saved.pop("IndexError")
    try:
        _chk_saved["KeyError"] = KeyError
        del KeyError
    except NameError:
        _chk_saved.pop("KeyError")
    try:
        _chk_saved["RuntimeError"] = RuntimeError
        del RuntimeError
    except NameError:
        _chk_saved.pop("RuntimeError")
    try:
        _chk_saved["ZeroDivisionError"] = ZeroDivisionError
        del ZeroDivisionError
    except NameError:
        _chk_saved.pop("ZeroDivisionError")


def _chk_restore():
    global abs, all, any, bool, callable, dict, enumerate, float, getattr, hasattr, int
    global isinstance, len, list, max, min, print, range, repr, round, sorted, str, sum
    global tuple, type, zip, Exception, ValueError, TypeError, NameError, AttributeError
    global IndexError, KeyError, RuntimeError, ZeroDivisionError
    s = _chk_saved
    if "abs" in s: abs = s["abs"]
    if "all" in s: all = s["all"]
    if "any" in s: any = s["any"]
    if "bool" in s: bool = s["bool"]
    if "callable" in s: callable = s["callable"]
    if "dict" in s: dict = s["dict"]
    if "enumerate" in s: enumerate = s["enumerate"]
    if "float" in s: float = s["float"]
    if "getattr" in s: getattr = s["getattr"]
    if "hasattr" in s: hasattr = s["hasattr"]
    if "int" in s: int = s["int"]
    if "isinstance" in s: isinstance = s["isinstance"]
    if "len" in s: len = s["len"]
    if "list" in s: list = s["list"]
    if "max" in s: max = s["max"]
    if "min" in s: min = s["min"]
    if "print" in s: print = s["print"]
    if "range" in s: range = s["range"]
    if "repr" in s: repr = s["repr"]
    if "round" in s: round = s["round"]
    if "sorted" in s: sorted = s["sorted"]
    if "str" in s: str = s["str"]
    if "sum" in s: sum = s["sum"]
    if "tuple" in s: tuple = s["tuple"]
    if "type" in s: type = s["type"]
    if "zip" in s: zip = s["zip"]
    if "Exception" in s: Exception = s["Exception"]
    if "ValueError" in s: ValueError = s["ValueError"]
    if "TypeError" in s: TypeError = s["TypeError"]
    if "NameError" in s: NameError = s["NameError"]
    if "AttributeError" in s: AttributeError = s["AttributeError"]
    if "IndexError" in s: IndexError = s["IndexError"]
    if "KeyError" in s: KeyError = s["KeyError"]
    if "RuntimeError" in s: RuntimeError = s["RuntimeError"]
    if "ZeroDivisionError" in s: ZeroDivisionError = s["ZeroDivisionError"]


_chk_saved = {}
_chk_unshadow()


# 2. The verdict. A check fails by raising _ChkFail (through _chk.fail); returning normally
#    means the student passed.
class _ChkFail(Exception):
    pass


# 3. Helpers for check authors, as methods of one object so that they take one global name.
class _ChkLib:
    def fail(self, message):
        raise _ChkFail(message)

    def fmt(self, x):
        """A number or tensor as a student reads it: 16.0, 0.5498, 1.234e-06, [1.0, -2.0]."""
        import torch
        if isinstance(x, torch.Tensor):
            if x.dim() == 0:
                return self.fmt(x.item())
            return "[" + ", ".join([self.fmt(v) for v in x.detach().reshape(-1).tolist()]) + "]"
        if isinstance(x, (list, tuple)):
            return "[" + ", ".join([self.fmt(v) for v in x]) + "]"
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            return repr(x)
        x = float(x)
        if x != x or x in (float("inf"), float("-inf")):
            return repr(x)
        if x != 0.0 and abs(x) < 1e-3:
            return f"{x:.3e}"
        r = round(x, 4)
        if r == 0.0:
            r = 0.0  # no "-0.0"
        return repr(r)

    def shape(self, t):
        """A tensor's shape as a student writes it: [2, 3]."""
        return "[" + ", ".join([str(n) for n in t.shape]) + "]"

    def what(self, v):
        """What a non-tensor value is, for messages."""
        if v is ...:
            return "still `...` (replace it with your code)"
        if v is None:
            return "None"
        return "a " + type(v).__name__ + " (" + self.brief(v) + ")"

    def brief(self, v):
        try:
            s = repr(v)  # may run the student's __repr__
        except Exception:
            s = "<" + type(v).__name__ + " object>"
        if len(s) > 60:
            s = s[:57] + "..."
        return s

    def tensor(self, v, name, shape=None, about=""):
        """`v` as a float64 tensor after checking it is a tensor of `shape` (a list or None).
        `about` completes the shape message: "expected shape [5] (the last 5 elements)"."""
        import torch
        if not isinstance(v, torch.Tensor):
            if isinstance(v, (list, tuple)):
                self.fail(f"`{name}` is a {type(v).__name__}; make it a tensor, e.g. with torch.tensor(...).")
            self.fail(f"`{name}` should be a tensor, but it is {self.what(v)}.")
        if shape is not None and list(v.shape) != list(shape):
            extra = " (" + about + ")" if about else ""
            self.fail(f"`{name}` has shape {self.shape(v)}, expected shape "
                      f"[{', '.join([str(n) for n in shape])}]{extra}.")
        return v.detach().double()

    def number(self, v, name):
        """`v` as a Python float: an int, a float or a one-element tensor."""
        import torch
        if isinstance(v, torch.Tensor):
            if v.numel() != 1:
                self.fail(f"`{name}` should be a single number, but it is a tensor of shape {self.shape(v)}.")
            return float(v.detach().double().item())
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fail(f"`{name}` should be a number, but it is {self.what(v)}.")
        return float(v)

    def close(self, got, expected, tol=1e-4):
        """True when numbers (or tensors of one shape) agree within tol, absolute or relative."""
        import torch
        if isinstance(got, torch.Tensor) or isinstance(expected, torch.Tensor):
            g = torch.as_tensor(got).double()
            e = torch.as_tensor(expected).double()
            if list(g.shape) != list(e.shape):
                return False
            if g.numel() == 0:
                return True
            if bool(torch.isnan(g).any()):
                return False
            return bool(((g - e).abs() <= tol + tol * e.abs()).all())
        got = float(got)
        expected = float(expected)
        if got != got:
            return False
        return abs(got - expected) <= tol + tol * abs(expected)

    def call(self, fn, args, desc):
        """fn(*args), turning an error in the student's code into a failure naming `desc`."""
        try:
            return fn(*args)
        except _ChkFail:
            raise
        except Exception as e:
            self.fail(f"{desc} raised {type(e).__name__}: {e}")

    def numbers(self, text):
        """Every number printed in `text`, in order (tensor printouts included)."""
        found = []
        token = ""
        for ch in text + " ":
            if ch in "0123456789.eE+-":
                token += ch
                continue
            if token:
                start = 0
                while start < len(token) and token[start] in "eE+.":
                    start += 1
                t = token[start:]
                while t and t[-1] in "eE+-.":
                    t = t[:-1]
                if t and t not in ("-",):
                    try:
                        found.append(float(t))
                    except ValueError:
                        pass
                token = ""
        return found

    def printed(self, out, value, tol=1e-4):
        """True when `value` (a number) appears among the numbers printed in `out`."""
        for n in self.numbers(out):
            if abs(n - value) <= tol + tol * abs(value):
                return True
        return False


_chk = _ChkLib()


def _chk_finish(token, output):
    """Runs _check(output) and prints the verdict between markers only the runner knows."""
    say = print  # a local: nothing the student's code runs during the check can replace it
    verdict = "PASS"
    message = ""
    try:
        try:
            _check(output)
        except _ChkFail as e:
            verdict = "FAIL"
            message = str(e.args[0]) if e.args else "the check failed"
        except Exception as e:
            verdict = "FAIL"
            message = ("The check could not finish: " + type(e).__name__ + ": " + str(e) +
                       ". Look at the types and shapes of your variables.")
        if verdict == "PASS":
            say("\n\x1e" + token + " PASS")
        else:
            say("\n\x1e" + token + " FAIL\n" + message + "\n\x1e" + token + " END")
    finally:
        _chk_restore()  # also when the student's code stopped the check (exit(), Stop)
