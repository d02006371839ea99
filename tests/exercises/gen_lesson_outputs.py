#!/usr/bin/env python3
"""Writes lessons_expected/<id>.out: what each lesson prints under PyTorch 1.13.

A lesson runs as one program (its ```python cells in order), like run.py runs it through
gradlab. gradlab's own `plot` module is replaced by a stand-in that accepts the same calls and
draws nothing (charts are not text output).
usage: /usr/bin/python3 tests/exercises/gen_lesson_outputs.py   (needs torch)
"""
import contextlib
import io
import json
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import course  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LESSONS = os.path.join(HERE, "..", "..", "web", "lessons")


def plot_stand_in():
    """The plot module's functions (core/lang/plot_module.cpp), with their parameters."""
    m = types.ModuleType("plot")

    def line(ys, x=None, title=None, xlabel=None, ylabel=None, label=None):
        pass

    def heatmap(matrix, rows=None, cols=None, annotate=True, title=None):
        pass

    def scatter(points, labels=None, title=None):
        pass

    def embeddings(tensor, labels=None, title=None):
        pass

    def live(name, value):
        pass

    def live_embeddings(name, tensor, labels=None):
        pass

    for f in (line, heatmap, scatter, embeddings, live, live_embeddings):
        setattr(m, f.__name__, f)
    return m


def main():
    if not torch.__version__.startswith("1.13"):
        print("warning: PyTorch %s, not 1.13" % torch.__version__, file=sys.stderr)
    sys.modules["plot"] = plot_stand_in()
    with open(os.path.join(LESSONS, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    os.makedirs(os.path.join(HERE, "lessons_expected"), exist_ok=True)
    for lesson in index["lessons"]:
        with open(os.path.join(LESSONS, lesson["file"]), encoding="utf-8") as f:
            cells = course.parse_lesson(f.read())
        code = "\n\n".join(c["text"] for c in cells if c["type"] == "code") + "\n"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, lesson["file"], "exec"), {"__name__": "__main__"})
        path = os.path.join(HERE, "lessons_expected", lesson["id"] + ".out")
        with open(path, "w", encoding="utf-8") as f:
            f.write(out.getvalue())
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
