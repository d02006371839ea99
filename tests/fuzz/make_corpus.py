#!/usr/bin/env python3
"""Builds the fuzzer's raw seed corpus: one file per program, from the conformance cases
(../shared/conformance/cases/*.py), the language tests (tests/lang/*.py) and every python
cell of the course (web/lessons/*.md, each cell alone and each lesson as one program).

    python3 tests/fuzz/make_corpus.py OUT_DIR
    build/fuzz/tests/fuzz/gradlab_fuzz -merge=1 tests/fuzz/corpus OUT_DIR   # minimise into the corpus

Standard library only. Files are named by the SHA-1 of their content, as libFuzzer names them.
"""
import hashlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_BYTES = 8192  # the fuzz runs' -max_len: longer seeds are cut, not dropped


def python_cells(markdown):
    cells, cell = [], None
    for line in markdown.splitlines():
        if cell is None and line.strip() == "```python":
            cell = []
        elif cell is not None and line.strip() == "```":
            cells.append("\n".join(cell) + "\n")
            cell = None
        elif cell is not None:
            cell.append(line)
    return cells


def programs():
    for d in (ROOT.parent / "shared" / "conformance" / "cases", ROOT / "tests" / "lang"):
        for p in sorted(d.glob("*.py")):
            yield p.read_text(encoding="utf-8", errors="replace")
    for md in sorted((ROOT / "web" / "lessons").glob("*.md")):
        cells = python_cells(md.read_text(encoding="utf-8"))
        yield from cells
        if cells:
            yield "".join(cells)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for text in programs():
        data = text.encode("utf-8")[:MAX_BYTES]
        if not data.strip():
            continue
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
        n += 1
    print("%d seed programs written to %s" % (n, out))


if __name__ == "__main__":
    main()
