"""The course format and check protocol in Python: the twin of web/lessons/course.js.

parity.mjs prints what course.js makes of every file; run.py compares it with this module,
so the page and these tests read lessons and exercises, and build checks, the same way.
"""
import json
import re

MAX_CHECK_OUTPUT_CHARS = 100000
EXERCISE_SECTIONS = ["Statement", "Starter", "Hint", "Solution", "Check"]
INCOMPLETE = ("The check did not finish: something stopped it while it was running your "
              "code (exit(), the Stop button, or a time limit).")


class FormatError(Exception):
    pass


def _lines(source):
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_lesson(source):
    """[{type: markdown|code, text}] as course.js parseLesson."""
    lines = _lines(source)
    cells, md = [], []

    def flush():
        text = "\n".join(md).strip()
        if text:
            cells.append({"type": "markdown", "text": text})
        md.clear()

    i = 0
    while i < len(lines):
        if lines[i] == "```python":
            code = []
            i += 1
            while i < len(lines) and lines[i] != "```":
                code.append(lines[i])
                i += 1
            if i == len(lines):
                raise FormatError("unclosed ```python block")
            flush()
            cells.append({"type": "code", "text": "\n".join(code)})
        elif lines[i].startswith("```"):
            md.append(lines[i])
            i += 1
            while i < len(lines) and lines[i] != "```":
                md.append(lines[i])
                i += 1
            if i == len(lines):
                raise FormatError("unclosed ``` block")
            md.append(lines[i])
        else:
            md.append(lines[i])
        i += 1
    flush()
    return cells


def parse_exercise(source):
    """{title, statement, starter, hints, solution, check} as course.js parseExercise."""
    lines = _lines(source)
    if not lines[0].startswith("# "):
        raise FormatError('an exercise starts with "# Title"')
    title = lines[0][2:].strip()
    sections = []
    in_fence = False
    for line in lines[1:]:
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            raise FormatError("text before the first section: " + line)
    names = [n for n, _ in sections]
    shape = re.sub(r"(Hint,)+Hint", "Hint", ",".join(names))
    if shape != ",".join(EXERCISE_SECTIONS):
        raise FormatError("sections must be %s (Hint repeated), got %s"
                          % (", ".join(EXERCISE_SECTIONS), ", ".join(names)))

    def text(body):
        return "\n".join(body).strip()

    def code(name, body):
        b = text(body).split("\n")
        if (len(b) < 2 or b[0] != "```python" or b[-1] != "```"
                or any(l.startswith("```") for l in b[1:-1])):
            raise FormatError("section %s must hold exactly one ```python block" % name)
        return "\n".join(b[1:-1])

    get = {n: body for n, body in sections}
    return {
        "title": title,
        "statement": text(get["Statement"]),
        "starter": code("Starter", get["Starter"]),
        "hints": [text(body) for n, body in sections if n == "Hint"],
        "solution": code("Solution", get["Solution"]),
        "check": code("Check", get["Check"]),
    }


def _js_string(s):
    # JSON.stringify's escaping (non-ASCII kept as is): the same bytes as course.js.
    return json.dumps(s, ensure_ascii=False)


def build_check_cell(prelude, check, student_output, token):
    """The check cell's source, as course.js buildCheckCell."""
    if not re.fullmatch(r"[0-9a-f]{16,64}", token):
        raise ValueError("token must be 16-64 hex digits")
    out = student_output[-MAX_CHECK_OUTPUT_CHARS:]
    return "%s\n\n%s\n\n_chk_finish(\"%s\", %s)\n" % (
        prelude.rstrip("\n"), check.rstrip("\n"), token, _js_string(out))


def read_verdict(check_output, token):
    """{status: pass|fail|incomplete, message} as course.js readVerdict."""
    mark = "\n\x1e" + token + " "
    at = check_output.find(mark)
    rest = "" if at < 0 else check_output[at + len(mark):]
    if rest == "PASS\n":
        return {"status": "pass", "message": ""}
    end = mark + "END\n"
    if rest.startswith("FAIL\n") and rest.endswith(end):
        message = rest[len("FAIL\n"):len(rest) - len(end)]
        if mark not in message:
            return {"status": "fail", "message": message}
    return {"status": "incomplete", "message": INCOMPLETE}
