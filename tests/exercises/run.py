#!/usr/bin/env python3
"""The course's native tests (ctest `exercises`): every lesson and exercise through the CLI.

For every exercise in web/lessons/index.json, with the check cell built as the page builds it
(course.py = web/lessons/course.js):
  - the reference solution passes;
  - the starter code, and each deliberately wrong solution in cases/<id>.md, fails with a
    message containing every `expect:` line of its case;
  - the starter code followed by a print of the solution's output still fails (printing the
    expected text never passes);
  - the solution followed by code shadowing builtins and the check's own names still passes,
    and the student's values are back afterwards.
Every lesson runs as one program (its cells in order) without error, printing exactly
lessons_expected/<id>.out (made with PyTorch 1.13 by gen_lesson_outputs.py). The check code
uses only builtins that the prelude protects. With node, parity.mjs must read every file and
build every check cell exactly as this script does.

A student's cell and the check cell are two cells of one session in the page. The CLI runs one
file, so a case runs twice: the student's code alone (its output, or the error that stops the
page from checking), then the student's code and the check cell as one program.

usage: run.py --gradlab PATH [--node PATH] [--only ID] [-j N] [-v]
"""
import argparse
import ast
import builtins
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import course  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
LESSONS = os.path.join(ROOT, "web", "lessons")
TIMEOUT = 300
CRASH = "The check could not finish"

# Appended to the reference solution: a student who named things like builtins and like the
# check's helpers. The check must still pass, and these values must be back afterwards.
SHADOW = """
sum = 1
abs = 2
len = 3
max = [4]
round = "5"
float = None
isinstance = lambda *args: True
type = lambda *args: 0
range = 7
str = 8
Exception = 9
_check = lambda out: None
_chk = None
_ChkFail = None
_chk_finish = None
_chk_saved = {"print": None}
def print(*args, **kwargs):
    pass
"""
SHADOW_AFTER = """
assert (sum, abs, len, max, round, float, range, str, Exception) == (1, 2, 3, [4], "5", None, 7, 8, 9), "not restored"
assert isinstance(0, 0) is True and type(0) == 0, "functions not restored"
"""


class Gradlab:
    def __init__(self, path, tmp):
        self.path = path
        self.tmp = tmp

    def run(self, code, name):
        fd, path = tempfile.mkstemp(prefix=re.sub(r"\W", "_", name) + "_", suffix=".py",
                                    dir=self.tmp)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(code)
        try:
            p = subprocess.run([self.path, "run", path], capture_output=True, timeout=TIMEOUT)
            return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode(
                "utf-8", "replace")
        except subprocess.TimeoutExpired:
            return -1, "", "timed out after %d s" % TIMEOUT

    def evaluate(self, student, ex, prelude, name, after=""):
        """What the page would show: {status: pass|fail|incomplete|error, message, output}."""
        rc, out, err = self.run(student, name + "_alone")
        if rc != 0:
            last = [l for l in err.strip().split("\n") if l.strip()]
            return {"status": "error", "message": last[-1] if last else "exit status %d" % rc,
                    "output": out}
        token = secrets.token_hex(16)
        cell = course.build_check_cell(prelude, ex["check"], out, token)
        rc2, out2, err2 = self.run(student + "\n" + cell + after, name + "_checked")
        verdict = course.read_verdict(out2, token)
        verdict["output"] = out
        verdict["rc"] = rc2
        verdict["stderr"] = err2
        return verdict


def parse_cases(path):
    """cases/<id>.md: `## Starter`, `## Right: title` (another correct solution, must pass) and
    `## Wrong: title` sections, each but Starter with a ```python block; Starter and Wrong
    cases have `expect: text` lines (substrings of the failure message) and optionally
    `status: incomplete`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cases, cur, code = [], None, None
    for line in lines:
        if code is not None:
            if line == "```":
                cur["code"] = "\n".join(code)
                code = None
            else:
                code.append(line)
        elif line.startswith("## "):
            cur = {"title": line[3:].strip(), "expect": [], "status": "fail", "code": None}
            cases.append(cur)
        elif line == "```python":
            code = []
        elif line.startswith("expect:"):
            cur["expect"].append(line[len("expect:"):].strip())
        elif line.startswith("status:"):
            cur["status"] = line[len("status:"):].strip()
        elif line.strip() and cur is None:
            raise course.FormatError(path + ": text before the first case")
    return cases


def builtin_names_used(code):
    """Names of Python builtins that `code` reads as globals (not defined by it)."""
    tree = ast.parse(code)
    defined = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
            for a in node.args.args if isinstance(node, ast.FunctionDef) else []:
                defined.add(a.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
        elif isinstance(node, ast.alias):
            defined.add((node.asname or node.name).split(".")[0])
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return {n for n in used - defined if hasattr(builtins, n) and n not in
            ("True", "False", "None", "Ellipsis", "print_function")}


def protected_names(prelude):
    m = re.search(r"def _chk_unshadow\(\):\n((?:    global .*\n)+)", prelude)
    unshadow = set(re.findall(r"\w+", m.group(1))) - {"global"}
    restore = set(re.findall(r'if "(\w+)" in s: \1 = s\["\1"\]', prelude))
    saved = set(re.findall(r'_chk_saved\["(\w+)"\] = \1\n        del \1\n', prelude))
    return unshadow, restore, saved


class Report:
    def __init__(self, verbose):
        self.failures = []
        self.passed = 0
        self.verbose = verbose

    def ok(self, what):
        self.passed += 1
        if self.verbose:
            print("ok   " + what)

    def fail(self, what, detail):
        self.failures.append(what)
        print("FAIL " + what + "\n     " + detail.replace("\n", "\n     "))


def check_exercise(g, ex_id, ex, cases, prelude, rep):
    name = "exercise %s" % ex_id
    sol = g.evaluate(ex["solution"], ex, prelude, ex_id + "_solution")
    if sol["status"] == "pass":
        rep.ok(name + ": the solution passes")
    else:
        rep.fail(name + ": the solution does not pass", "%s: %s\n%s" % (
            sol["status"], sol["message"], sol.get("stderr", "")))

    # Other correct approaches pass too.
    for c in cases:
        if c["title"].startswith("Right"):
            v = g.evaluate(c["code"], ex, prelude, ex_id + "_" + re.sub(r"\W+", "_", c["title"]))
            if v["status"] == "pass":
                rep.ok("%s: %s passes" % (name, c["title"]))
            else:
                rep.fail("%s: %s" % (name, c["title"]), "%s: %s\n%s" % (
                    v["status"], v["message"], v.get("stderr", "")))

    by_title = {c["title"]: c for c in cases}
    runs = [("starter", ex["starter"], by_title.get("Starter"))]
    runs += [(c["title"], c["code"], c) for c in cases if c["title"].startswith("Wrong")]
    for title, code, case in runs:
        what = "%s: %s" % (name, title)
        if case is None or code is None:
            rep.fail(what, "no case (cases/%s.md needs a `## Starter` with expect: lines)" % ex_id)
            continue
        v = g.evaluate(code, ex, prelude, ex_id + "_" + re.sub(r"\W+", "_", title))
        msg = v["message"]
        problems = []
        if v["status"] != case["status"]:
            problems.append("status %s, expected %s" % (v["status"], case["status"]))
        if not msg.strip():
            problems.append("empty message")
        if msg.startswith(CRASH):
            problems.append("the check crashed instead of explaining")
        if case["status"] == "fail" and not case["expect"]:
            problems.append("the case asserts nothing about the message (add expect: lines)")
        for e in case["expect"]:
            if e not in msg:
                problems.append("message lacks %r" % e)
        if problems:
            rep.fail(what, "; ".join(problems) + "\n--- message:\n" + msg +
                     ("\n--- stderr:\n" + v.get("stderr", "") if v.get("stderr") else ""))
        else:
            rep.ok(what + " -> " + msg.split("\n")[0])
    wrongs = [c for c in cases if c["title"].startswith("Wrong")]
    if len(wrongs) < 2:
        rep.fail(name + ": wrong solutions", "cases/%s.md has %d, needs 2" % (ex_id, len(wrongs)))

    # Printing the expected output must not pass.
    forged = ex["starter"] + "\nprint(%s, end='')\n" % json.dumps(sol.get("output", ""))
    v = g.evaluate(forged, ex, prelude, ex_id + "_forged")
    if v["status"] in ("fail", "error") and not v["message"].startswith(CRASH):
        rep.ok(name + ": printing the solution's output fails")
    else:
        rep.fail(name + ": printing the solution's output", "%s: %s" % (v["status"], v["message"]))

    # Shadowed builtins and helper names: still passes, student's values restored.
    v = g.evaluate(ex["solution"] + "\n" + SHADOW, ex, prelude, ex_id + "_shadow", SHADOW_AFTER)
    if v["status"] == "pass" and v.get("rc") == 0:
        rep.ok(name + ": passes with shadowed builtins, which are restored")
    else:
        rep.fail(name + ": shadowed builtins", "%s: %s\n%s" % (v["status"], v["message"],
                                                               v.get("stderr", "")))


def check_protocol(g, prelude, rep):
    """The student's output reaches the check intact, and a message comes back intact."""
    sample = ('quotes " \' backslash \\ tab\t cr\r bell\x07 nul\x00 del\x7f é ☃ 😀 \u2028\n'
              '\n\x1e' + "0" * 32 + ' PASS\n')
    codes = [ord(c) for c in sample]
    message = "line 1 with `code`\nline 2 ☃ \\ \" end"
    ex = {"check": "def _check(out):\n"
                   "    if [ord(c) for c in out] != %r:\n"
                   "        _chk.fail('the output changed on its way: ' + repr(out))\n"
                   "    _chk.fail(%s)\n" % (codes, json.dumps(message, ensure_ascii=False))}
    v = g.evaluate("print(%s, end='')\n" % json.dumps(sample, ensure_ascii=False), ex, prelude,
                   "protocol")
    if v["status"] == "fail" and v["message"] == message:
        rep.ok("protocol: output and message cross the check cell intact")
    else:
        rep.fail("protocol", "%s: %r\n%s" % (v["status"], v["message"], v.get("stderr", "")))


def check_lesson(g, lesson, rep):
    with open(os.path.join(LESSONS, lesson["file"]), encoding="utf-8") as f:
        cells = course.parse_lesson(f.read())
    code = [c["text"] for c in cells if c["type"] == "code"]
    what = "lesson %s (%d cells)" % (lesson["id"], len(code))
    if not cells or cells[0]["type"] != "markdown" or \
            cells[0]["text"].split("\n")[0] != "# " + lesson["title"]:
        rep.fail(what, "the lesson should start with \"# %s\" (its title in index.json)"
                 % lesson["title"])
    if not code:
        rep.fail(what, "no cells")
        return
    rc, out, err = g.run("\n\n".join(code) + "\n", "lesson_" + lesson["id"])
    if rc != 0 or err:
        rep.fail(what, "exit %d\n%s" % (rc, err))
        return
    expected = os.path.join(HERE, "lessons_expected", lesson["id"] + ".out")
    if not os.path.exists(expected):
        rep.fail(what, "no %s (run gen_lesson_outputs.py)" % os.path.relpath(expected, ROOT))
        return
    with open(expected, encoding="utf-8") as f:
        want = f.read()
    if out == want:
        rep.ok(what + " runs and prints what PyTorch prints")
    else:
        a, b = out.split("\n"), want.split("\n")
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        rep.fail(what, "output differs from PyTorch's at line %d:\n  gradlab: %r\n  pytorch: %r"
                 % (i + 1, a[i] if i < len(a) else "<end>", b[i] if i < len(b) else "<end>"))


def check_parity(node, index, exercises, rep):
    p = subprocess.run([node, os.path.join(HERE, "parity.mjs")], capture_output=True, timeout=120)
    if p.returncode != 0:
        rep.fail("parity with course.js", p.stderr.decode())
        return
    js = json.loads(p.stdout.decode("utf-8"))
    with open(os.path.join(LESSONS, index["prelude"]), encoding="utf-8") as f:
        prelude = f.read()
    bad = []
    for lesson in index["lessons"]:
        with open(os.path.join(LESSONS, lesson["file"]), encoding="utf-8") as f:
            if course.parse_lesson(f.read()) != js["lessons"][lesson["id"]]:
                bad.append("lesson " + lesson["id"])
    for ex_id, ex in exercises.items():
        if ex != js["exercises"][ex_id]:
            bad.append("exercise " + ex_id)
        sample = js["samples"]["output"]
        if course.build_check_cell(prelude, ex["check"], sample, js["samples"]["token"]) != \
                js["cells"][ex_id]:
            bad.append("check cell " + ex_id)
    for case in js["verdicts"]:
        if course.read_verdict(case["text"], case["token"]) != case["verdict"]:
            bad.append("verdict of %r" % case["text"])
    if bad:
        rep.fail("parity with course.js", "differs: " + ", ".join(bad))
    else:
        rep.ok("course.js and course.py agree on every file, check cell and verdict")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gradlab", default=os.path.join(ROOT, "build", "native", "gradlab"))
    ap.add_argument("--node", default=shutil.which("node"))
    ap.add_argument("--only", help="one exercise or lesson id")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    rep = Report(args.v)

    with open(os.path.join(LESSONS, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    with open(os.path.join(LESSONS, index["prelude"]), encoding="utf-8") as f:
        prelude = f.read()

    # The index and the files agree; every file parses.
    exercises, listed = {}, []
    for lesson in index["lessons"]:
        for e in lesson["exercises"]:
            listed.append(e["file"])
            with open(os.path.join(LESSONS, e["file"]), encoding="utf-8") as f:
                try:
                    exercises[e["id"]] = course.parse_exercise(f.read())
                except course.FormatError as err:
                    rep.fail("exercise " + e["id"], str(err))
                    continue
            if exercises[e["id"]]["title"] != e["title"]:
                rep.fail("exercise " + e["id"], "title %r differs from index.json's %r"
                         % (exercises[e["id"]]["title"], e["title"]))
    on_disk = sorted("exercises/" + f for f in os.listdir(os.path.join(LESSONS, "exercises"))
                     if f.endswith(".md"))
    if sorted(listed) != on_disk or len(set(listed)) != len(listed):
        rep.fail("index.json", "lists %s; exercises/ has %s" % (sorted(listed), on_disk))

    # Every builtin a check (or the prelude) reads is one the prelude protects.
    unshadow, restore, saved = protected_names(prelude)
    if not (unshadow == restore == saved):
        rep.fail("check_prelude.py", "unshadow/restore lists differ: %s" % sorted(
            (unshadow | restore | saved) - (unshadow & restore & saved)))
    for ex_id, ex in sorted(exercises.items()):
        missing = builtin_names_used(ex["check"]) - unshadow
        if missing:
            rep.fail("exercise %s: check" % ex_id,
                     "uses builtins the prelude does not protect: %s" % sorted(missing))
    missing = builtin_names_used(prelude) - unshadow - {"Exception"}
    if missing:
        rep.fail("check_prelude.py", "uses unprotected builtins: %s" % sorted(missing))

    if args.node:
        check_parity(args.node, index, exercises, rep)
    else:
        print("note: node not found; skipping the parity test with course.js")

    with tempfile.TemporaryDirectory() as tmp:
        g = Gradlab(os.path.abspath(args.gradlab), tmp)
        jobs = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
            if args.only is None:
                jobs.append(pool.submit(check_protocol, g, prelude, rep))
            for lesson in index["lessons"]:
                if args.only in (None, lesson["id"]):
                    jobs.append(pool.submit(check_lesson, g, lesson, rep))
            for ex_id, ex in exercises.items():
                if args.only not in (None, ex_id):
                    continue
                cases_path = os.path.join(HERE, "cases", ex_id + ".md")
                if not os.path.exists(cases_path):
                    rep.fail("exercise " + ex_id, "no cases/%s.md" % ex_id)
                    continue
                jobs.append(pool.submit(check_exercise, g, ex_id, ex, parse_cases(cases_path),
                                        prelude, rep))
            for j in jobs:
                j.result()

    print("%d passed, %d failed" % (rep.passed, len(rep.failures)))
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
