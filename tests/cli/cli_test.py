#!/usr/bin/env python3
"""Runs one case of the gradlab CLI's command-line behaviour (ctest: cli_<case>).

    python3 tests/cli/cli_test.py build/native/gradlab time_limit_loop

Each case gives the arguments, a program, and the exact stdout, stderr and exit status expected.
Standard library only. A hang fails through the ctest TIMEOUT (and a 60 s cap here).
"""
import os
import subprocess
import sys
import tempfile

FOREVER = "while True:\n    pass\n"
# Each iteration is a few large tensor ops: one slice of instructions takes a long time.
TENSOR_LOOP = ("import torch\nx = torch.zeros(1000, 1000)\nprint('started')\n"
               "while True:\n    x = (x + 1) * 0.5\n")
TIMEOUT = "TimeoutError: gradlab stopped the program after %s s\n"
USAGE_LINE = "usage: gradlab run [--time-limit S] FILE.py | gradlab repl\n"

# name: (arguments before FILE, program, stdout, stderr or None to check only the start, status)
CASES = {
    "time_limit_loop": (["--time-limit", "1"], FOREVER, "", TIMEOUT % "1", 1),
    "time_limit_tensor_loop": (["--time-limit", "0.5"], TENSOR_LOOP, "started\n", TIMEOUT % "0.5", 1),
    "time_limit_prints_as_python": (["--time-limit=0.250"], FOREVER, "", TIMEOUT % "0.25", 1),
    "time_limit_not_reached": (["--time-limit", "30"], "print(sum(range(10)))\n", "45\n", "", 0),
    "time_limit_error_still_reported": (
        ["--time-limit", "30"], "x = 1\nprint(y)\n", "",
        'Traceback (most recent call last):\n  File "{file}", line 2, in <module>\n    print(y)\n'
        "NameError: name 'y' is not defined\n", 1),
    "time_limit_exit_status": (["--time-limit", "30"], "exit(3)\n", "", "", 3),
    "time_limit_zero_refused": (["--time-limit", "0"], FOREVER, "",
                                "gradlab: --time-limit needs a positive number of seconds, got '0'\n", 2),
    "time_limit_word_refused": (["--time-limit", "abc"], FOREVER, "",
                                "gradlab: --time-limit needs a positive number of seconds, got 'abc'\n", 2),
    "time_limit_nan_refused": (["--time-limit", "nan"], FOREVER, "",
                               "gradlab: --time-limit needs a positive number of seconds, got 'nan'\n", 2),
    "memory_error_names_size_and_shape": (
        [], "import torch\nx = torch.zeros(100000, 100000)\n", "",
        'Traceback (most recent call last):\n  File "{file}", line 2, in <module>\n'
        "    x = torch.zeros(100000, 100000)\n"
        "MemoryError: gradlab cannot allocate 40.0 GB for a tensor of shape [100000, 100000]\n", 1),
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        sys.exit(__doc__ + "\ncases: " + ", ".join(CASES))
    gradlab, name = sys.argv[1], sys.argv[2]
    args, program, want_out, want_err, want_status = CASES[name]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "prog.py")
        with open(path, "w") as f:
            f.write(program)
        p = subprocess.run([gradlab, "run"] + args + [path], capture_output=True, text=True, timeout=60)
    want_err = want_err.replace("{file}", path)
    failures = []
    if p.stdout != want_out:
        failures.append("stdout: got %r, expected %r" % (p.stdout, want_out))
    if p.stderr != want_err:
        failures.append("stderr: got %r, expected %r" % (p.stderr, want_err))
    if p.returncode != want_status:
        failures.append("exit status: got %d, expected %d" % (p.returncode, want_status))
    if failures:
        print("FAIL %s (gradlab run %s FILE)\n  %s" % (name, " ".join(args), "\n  ".join(failures)))
        sys.exit(1)
    print("ok %s" % name)


def check_help(gradlab):
    p = subprocess.run([gradlab, "--help"], capture_output=True, text=True, timeout=60)
    ok = p.returncode == 0 and p.stdout.startswith(USAGE_LINE) and "--time-limit S" in p.stdout
    bad = subprocess.run([gradlab, "run"], capture_output=True, text=True, timeout=60)
    ok = ok and bad.returncode == 2 and bad.stderr.startswith(USAGE_LINE)
    print(("ok" if ok else "FAIL") + " help (got %r / %r)" % (p.stdout[:80], bad.stderr[:80]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[2] == "help":
        check_help(sys.argv[1])
    main()
