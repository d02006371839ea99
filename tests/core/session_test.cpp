// Session: cells share globals, reset frees everything, output events and the per-cell
// output limit, the source size limit, the instruction limit, error records with spans,
// exit(), and native modules registered by the host.
#include <gtest/gtest.h>

#include "lang/vm.h"
#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::run_in;

TEST(Session, CellsShareGlobalsAndNumberTheirFiles) {
  Session s;
  EXPECT_EQ(run_in(s, "x = 40\ndef f():\n    return x + 2\n").out, "");
  EXPECT_EQ(run_in(s, "print(f())").out, "42\n");
  EXPECT_EQ(run_in(s, "x = 0\nprint(f())").out, "2\n");
  testing::Outcome o = run_in(s, "y = 1\nprint(undefined_name)");
  EXPECT_EQ(o.record.file, "<cell 4>");
  EXPECT_EQ(o.record.line, 2);
}

TEST(Session, NotebookModeEchoesTheLastExpressionOnly) {
  Session script;
  EXPECT_EQ(run_in(script, "x = 6\nx * 7").out, "");
  Session notebook;
  notebook.set_echo_last_expression(true);
  EXPECT_EQ(run_in(notebook, "x = 6\nx * 7").out, "42\n");
  EXPECT_EQ(run_in(notebook, "x\nx + 1").out, "7\n");  // only the last statement
  EXPECT_EQ(run_in(notebook, "print('hi')").out, "hi\n");  // None is not echoed
  EXPECT_EQ(run_in(notebook, "import torch\ntorch.tensor([1.5, 2.])").out,
            "tensor([1.5000, 2.0000])\n");
  EXPECT_EQ(run_in(notebook, "for i in range(2):\n    i").out, "");  // not inside blocks
}

TEST(Session, ResetFreesEverythingIncludingCycles) {
  Session s;
  run_in(s, "print(1)");
  size_t baseline = s.vm().heap.live_objects();
  run_in(s, R"(
class Node:
    def __init__(self):
        self.me = self
nodes = [Node() for _ in range(100)]
a = []
a.append(a)
def outer():
    def rec(n):
        return n if n == 0 else rec(n - 1)
    return rec
r = outer()
)");
  EXPECT_GT(s.vm().heap.live_objects(), baseline + 100);
  s.reset();
  run_in(s, "print(1)");
  EXPECT_EQ(s.vm().heap.live_objects(), baseline);
  EXPECT_EQ(run_in(s, "print(nodes)").error, "NameError: name 'nodes' is not defined");
}

TEST(Session, UnreachableCyclesAreCollectedBetweenCells) {
  Session s;
  run_in(s, "print(1)");
  size_t baseline = s.vm().heap.live_objects();
  run_in(s, "for i in range(50):\n    a = []\n    a.append(a)\ndel a\n");
  run_in(s, "pass");
  EXPECT_LE(s.vm().heap.live_objects(), baseline + 2);
}

TEST(Session, EventsQueueWithoutAHandler) {
  Session s;
  ASSERT_TRUE(s.run_cell("print('a')\nprint('b', end='')\n"));
  EXPECT_EQ(s.run_to_end(), RunStatus::Done);
  std::vector<OutputEvent> ev = s.take_events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, OutputEvent::Kind::Text);
  EXPECT_EQ(ev[0].text, "a\nb");
  EXPECT_TRUE(s.take_events().empty());
}

TEST(Session, OutputPerCellIsLimited) {
  SessionLimits lim;
  lim.max_output_bytes_per_cell = 100;
  Session s(lim);
  testing::Outcome o = run_in(s, "for i in range(1000):\n    print('0123456789')\n");
  EXPECT_EQ(o.status, RunStatus::Done);
  EXPECT_EQ(o.out.substr(0, 100), std::string(o.out.substr(0, 100)));
  EXPECT_NE(o.out.find("[output truncated: this cell printed more than 100 bytes]"),
            std::string::npos);
  EXPECT_LT(o.out.size(), 200u);
  EXPECT_EQ(run_in(s, "print('next cell')").out, "next cell\n");
  EXPECT_EQ(kMaxOutputBytesPerCell, 1'000'000u);
}

TEST(Session, SourceSizeIsLimited) {
  SessionLimits lim;
  lim.max_source_bytes = 10;
  Session s(lim);
  testing::Outcome o = run_in(s, "x = 1234567890\n");
  EXPECT_EQ(o.error, "SyntaxError: the program is too long (more than 10 bytes)");
}

TEST(Session, InstructionLimitPerCell) {
  SessionLimits lim;
  lim.max_instructions_per_cell = 10000;
  Session s(lim);
  testing::Outcome o = run_in(s, "while True:\n    pass\n", 1000);
  EXPECT_EQ(o.error, "TimeoutError: the cell ran more than 10000 instructions");
  EXPECT_EQ(run_in(s, "print('fine')").out, "fine\n");
}

TEST(Session, ErrorRecordsCarrySpansAndFrames) {
  Session s;
  testing::Outcome o = run_in(s, "def f(v):\n    return v + undefined_x\nf(1)\n");
  EXPECT_EQ(o.record.type, "NameError");
  EXPECT_EQ(o.record.message, "name 'undefined_x' is not defined");
  EXPECT_EQ(o.record.line, 2);
  EXPECT_EQ(o.record.column, 16);
  EXPECT_EQ(o.record.length, 11);
  ASSERT_EQ(o.record.frames.size(), 2u);
  EXPECT_EQ(o.record.frames[1].name, "f");
  EXPECT_EQ(o.record.frames[1].file, "<cell 1>");
  o = run_in(s, "x = (1 +\n");
  EXPECT_EQ(o.record.type, "SyntaxError");
  EXPECT_EQ(o.record.line, 1);
  EXPECT_GT(o.record.column, 0);
  EXPECT_NE(o.record.traceback.find("  File \"<cell 2>\", line 1\n"), std::string::npos);
  EXPECT_TRUE(o.record.frames.empty());
}

TEST(Session, DidYouMeanSuggestions) {
  Session s;
  EXPECT_EQ(run_in(s, "total = 1\nprint(totl)").error,
            "NameError: name 'totl' is not defined. Did you mean: 'total'?");
  EXPECT_EQ(run_in(s, "[].apend(1)").error,
            "AttributeError: 'list' object has no attribute 'apend'. Did you mean: 'append'?");
}

TEST(Session, UnknownModulesGetAHint) {
  Session s;
  testing::Outcome o = run_in(s, "import numpy as np\n");
  EXPECT_EQ(o.error, "ModuleNotFoundError: gradlab has no module named 'numpy'");
  ASSERT_EQ(o.record.notes.size(), 1u);
  EXPECT_EQ(o.record.notes[0].substr(0, 5), "hint:");
  std::string tb = o.record.traceback;
  EXPECT_EQ(tb.substr(tb.rfind('\n', tb.size() - 2) + 1),
            "ModuleNotFoundError: gradlab has no module named 'numpy'\n");
}

TEST(Session, ExitEndsTheCell) {
  Session s;
  testing::Outcome o = run_in(s, "print('a')\nexit()\nprint('b')\n");
  EXPECT_EQ(o.out, "a\n");
  EXPECT_EQ(o.status, RunStatus::Done);
  EXPECT_EQ(s.exit_status(), 0);
  o = run_in(s, "quit(3)\n");
  EXPECT_EQ(s.exit_status(), 3);
}

lang::Value native_double(lang::VM& vm, lang::CallArgs& a) {
  lang::Value p[1];
  lang::parse_args(vm, a, "double", {"x"}, p);
  return vm.binary(lang::BinaryOp::Mul, p[0], lang::Value::integer(2));
}

TEST(Session, HostModulesAndArgumentParsing) {
  Session s;
  lang::ModuleDef def;
  def.init = [](lang::VM& vm, lang::ModuleObj& m) {
    vm.set_global(&m, "double", vm.native_function("double", native_double));
    vm.set_global(&m, "answer", lang::Value::integer(42));
  };
  def.source = "def triple(x):\n    return double(x) + x\n";
  s.add_module("tools.extra", def);
  s.add_module("tools", lang::ModuleDef{});
  EXPECT_EQ(run_in(s, "import tools.extra as t\nprint(t.double(4), t.triple(2), t.answer)").out,
            "8 6 42\n");
  EXPECT_EQ(run_in(s, "from tools.extra import double\nprint(double(x=5))").out, "10\n");
  EXPECT_EQ(run_in(s, "import tools\nprint(tools.extra.answer)").out, "42\n");
  EXPECT_EQ(run_in(s, "t.double()").error,
            "TypeError: double() missing 1 required positional argument: 'x'");
  EXPECT_EQ(run_in(s, "t.double(1, 2)").error,
            "TypeError: double() takes 1 positional argument but 2 were given");
  EXPECT_EQ(run_in(s, "t.double(y=1)").error,
            "TypeError: double() got an unexpected keyword argument 'y'");
  EXPECT_EQ(run_in(s, "from tools import nothing").error,
            "ImportError: cannot import name 'nothing' from 'tools' (unknown location)");
  s.reset();  // host modules survive a reset
  EXPECT_EQ(run_in(s, "import tools.extra\nprint(tools.extra.answer)").out, "42\n");
}

// --- output events, sliders, stepping, the variables panel -----------------------------------
std::vector<OutputEvent> events_of(Session& s, const std::string& source) {
  EXPECT_TRUE(s.run_cell(source));
  EXPECT_EQ(s.run_to_end(), RunStatus::Done) << (s.last_error() ? s.last_error()->traceback : "");
  return s.take_events();
}

TEST(Session, EventKindNames) {
  using K = OutputEvent::Kind;
  EXPECT_STREQ(event_kind_name(K::Text), "text");
  EXPECT_STREQ(event_kind_name(K::Plot), "plot");
  EXPECT_STREQ(event_kind_name(K::Progress), "progress");
  EXPECT_STREQ(event_kind_name(K::Input), "input");
  EXPECT_STREQ(event_kind_name(K::Graph), "graph");
}

TEST(Session, EventsKeepTheirOrderAndTextNeverCarriesCharts) {
  Session s;
  auto ev = events_of(s, "import plot\nprint('a')\nprint('b')\nplot.line([1])\nprint('c')\n");
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, OutputEvent::Kind::Text);
  EXPECT_EQ(ev[0].text, "a\nb\n");
  EXPECT_EQ(ev[0].json, "");
  EXPECT_EQ(ev[1].kind, OutputEvent::Kind::Plot);
  EXPECT_EQ(ev[1].text, "");
  EXPECT_EQ(ev[1].json.substr(0, 13), R"({"id":"fig1",)");
  EXPECT_EQ(ev[2].text, "c\n");
  // What a plain print-only program sees is unchanged: one text event.
  testing::Outcome o = run_in(s, "plot.line([2])\nprint('only text')\n");
  EXPECT_EQ(o.out, "only text\n");
}

TEST(Session, ChartEventsPerCellAreLimited) {
  SessionLimits lim;
  lim.max_event_bytes_per_cell = 1000;
  Session s(lim);
  auto ev =
      events_of(s, "import plot\nfor i in range(100):\n    plot.live('loss', i)\nprint('done')\n");
  size_t plots = 0, bytes = 0;
  for (auto& e : ev)
    if (e.kind == OutputEvent::Kind::Plot) {
      ++plots;
      bytes += e.json.size();
    }
  EXPECT_LE(bytes, 1000u);
  EXPECT_GT(plots, 10u);
  EXPECT_LT(plots, 100u);
  ASSERT_EQ(ev.back().kind, OutputEvent::Kind::Text);
  EXPECT_EQ(ev.back().text,
            "\n[charts stopped: this cell sent more than 1000 bytes of chart and progress data]\n"
            "done\n");
  EXPECT_EQ(events_of(s, "plot.live('x', 1)").size(), 1u);  // the next cell starts afresh
  EXPECT_EQ(kMaxEventBytesPerCell, 16'000'000u);
}

TEST(Session, SliderDefaultsThenFollowsSetInputUntilReset) {
  Session s;
  auto ev = events_of(
      s, "lr = slider('lr', 0.01, 0.001, 0.1)\nn = slider('n', 3, 1, 10, step=1)\nprint(lr, n)\n");
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, OutputEvent::Kind::Input);
  EXPECT_EQ(ev[0].json,
            R"({"name":"lr","kind":"slider","value":0.01,"min":0.001,"max":0.1,"step":null})");
  EXPECT_EQ(ev[1].json, R"({"name":"n","kind":"slider","value":3,"min":1,"max":10,"step":1})");
  EXPECT_EQ(ev[2].text, "0.01 3\n");
  s.set_input("lr", 0.05);
  EXPECT_EQ(run_in(s, "print(lr)").out, "0.05\n");  // the global changed at once
  ev = events_of(s, "lr = slider('lr', 0.01, 0.001, 0.1)\nprint(lr)\n");
  EXPECT_EQ(ev[0].json,
            R"({"name":"lr","kind":"slider","value":0.05,"min":0.001,"max":0.1,"step":null})");
  EXPECT_EQ(ev[1].text, "0.05\n");
  s.reset();
  EXPECT_EQ(run_in(s, "print(slider('lr', 0.01, 0.001, 0.1))").out, "0.01\n");
  EXPECT_EQ(run_in(s, "slider('lr', 5, 0, 1)").error,
            "ValueError: slider(): value 5 is outside [0, 1]");
  EXPECT_EQ(run_in(s, "slider('lr', 0, 1, 0)").error,
            "ValueError: slider(): min (1) must not be greater than max (0)");
  EXPECT_EQ(run_in(s, "slider('lr', 0, 0, 1, step=0)").error,
            "ValueError: slider(): step must be positive, got 0");
  EXPECT_EQ(run_in(s, "slider(1, 0, 0, 1)").error,
            "TypeError: slider(): 'name' must be str, not int");
  EXPECT_EQ(run_in(s, "slider('a', 0, 0)").error,
            "TypeError: slider() missing 1 required positional argument: 'max'");
}

TEST(Session, SetInputIsSeenByARunningLoop) {
  Session s;
  std::string out;
  s.set_output_handler([&](const OutputEvent& ev) { out += ev.text; });
  ASSERT_TRUE(
      s.run_cell("lr = 0.1\nseen = []\nfor i in range(2000):\n    seen.append(lr)\n"
                 "print(seen[0], seen[-1], len(set(seen)))\n"));
  EXPECT_EQ(s.run(500), RunStatus::Suspended);
  s.set_input("lr", 0.5);
  EXPECT_EQ(s.run_to_end(100), RunStatus::Done);
  s.set_output_handler(nullptr);
  EXPECT_EQ(out, "0.1 0.5 2\n");
}

// The lines step_line stops at until the cell ends.
std::vector<int> step_lines(Session& s, const std::string& source) {
  EXPECT_TRUE(s.run_cell(source));
  std::vector<int> lines{s.current_line()};
  for (int i = 0; i < 100; ++i) {
    RunStatus st = s.step_line(100000);
    if (st != RunStatus::Suspended) break;
    lines.push_back(s.current_line());
  }
  EXPECT_FALSE(s.busy());
  EXPECT_EQ(s.current_line(), 0);
  return lines;
}

TEST(Session, StepLineMovesOneLineAtATime) {
  Session s;
  EXPECT_EQ(step_lines(s, "x = 0\nfor i in range(3):\n    x += i\nprint(x)\n"),
            (std::vector<int>{1, 2, 3, 2, 3, 2, 3, 2, 4}));
  // Into a function and back; a call into nn (hidden code) stays on the calling line.
  EXPECT_EQ(step_lines(s, "def f(a):\n    b = a * 2\n    return b\n\ny = f(1)\nz = 2\n"),
            (std::vector<int>{1, 5, 2, 3, 5, 6}));
  EXPECT_EQ(
      step_lines(
          s, "import torch.nn as nn, torch\nm = nn.Linear(2, 1)\ny = m(torch.ones(2))\nz = 1\n"),
      (std::vector<int>{1, 2, 3, 4}));
}

TEST(Session, StepLineStopsAtItsBudget) {
  Session s;
  ASSERT_TRUE(s.run_cell("while True: pass\n"));  // the line never changes
  EXPECT_EQ(s.step_line(1000), RunStatus::Suspended);
  EXPECT_EQ(s.current_line(), 1);
  EXPECT_EQ(s.step_line(10), RunStatus::Suspended);
  EXPECT_EQ(s.current_line(), 1);
  ASSERT_TRUE(s.run_cell("1 / 0\n"));
  EXPECT_EQ(s.step_line(1000), RunStatus::Error);
  EXPECT_EQ(s.last_error()->type, "ZeroDivisionError");
  EXPECT_EQ(s.step_line(1000), RunStatus::Error);  // nothing left to run
}

TEST(Session, CurrentLineIsTheLineAboutToRun) {
  Session s;
  ASSERT_TRUE(s.run_cell("a = 1\nb = 2\n"));
  EXPECT_EQ(s.current_line(), 1);
  while (s.current_line() == 1) ASSERT_EQ(s.run(1), RunStatus::Suspended);
  EXPECT_EQ(s.current_line(), 2);
  // Running another cell abandons the rest of this one.
  EXPECT_EQ(run_in(s, "print(a)\nprint(b)").error, "NameError: name 'b' is not defined");
}

TEST(Session, VariablesOfASmallNotebook) {
  Session s;
  testing::Outcome o = run_in(s, R"(
import torch
import torch.nn as nn
import plot
from tqdm import tqdm
torch.manual_seed(0)
w = torch.tensor([1.0, 2.0], requires_grad=True)
(w * w).sum().backward()
lin = nn.Linear(2, 1)
epochs = 3
lr = 0.5
names = ['a', 'b']
big = torch.zeros(100, 100)
_hidden = 1
def f():
    pass
class C:
    pass
)");
  ASSERT_EQ(o.error, "");
  std::vector<VariableInfo> v = s.variables();
  std::vector<std::string> names;
  for (auto& x : v) names.push_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"big", "epochs", "lin", "lr", "names", "w"}));
  const VariableInfo& w = v[5];
  EXPECT_EQ(w.type, "Tensor");
  EXPECT_TRUE(w.is_tensor);
  EXPECT_EQ(w.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(w.dtype, "torch.float32");
  EXPECT_TRUE(w.requires_grad);
  EXPECT_EQ(w.preview, "tensor([1., 2.], requires_grad=True)");
  EXPECT_TRUE(w.has_grad);
  EXPECT_EQ(w.grad, "tensor([2., 4.])");
  const VariableInfo& lin = v[2];
  EXPECT_EQ(lin.type, "Linear");
  EXPECT_FALSE(lin.is_tensor);
  EXPECT_EQ(lin.preview, "Linear(in_features=2, out_features=1, bias=True)");
  EXPECT_EQ(v[1].type, "int");
  EXPECT_EQ(v[1].preview, "3");
  EXPECT_EQ(v[3].type, "float");
  EXPECT_EQ(v[4].preview, "['a', 'b']");
  EXPECT_FALSE(v[1].is_tensor);
  EXPECT_TRUE(v[1].shape.empty());
  // A big tensor: its printed form cut after whole lines.
  const VariableInfo& big = v[0];
  EXPECT_EQ(big.shape, (std::vector<int64_t>{100, 100}));
  EXPECT_LE(big.preview.size(), kMaxPreviewChars);
  EXPECT_EQ(big.preview,
            "tensor([[0., 0., 0.,  ..., 0., 0., 0.],\n        [0., 0., 0.,  ..., 0., 0., 0.],\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n        ...,\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.],...");
  EXPECT_FALSE(big.has_grad);
  // Parameters report their class.
  run_in(s, "p = lin.weight");
  for (auto& x : s.variables())
    if (x.name == "p") {
      EXPECT_EQ(x.type, "Parameter");
      EXPECT_EQ(x.preview.substr(0, 21), "Parameter containing:");
    }
}

TEST(Session, VariablesPreviewsAreSafe) {
  Session s;
  run_in(s, R"(
import plot
class Loud:
    def __repr__(self):
        print('side effect')
        plot.live('side', 1)
        return 'Loud()'
class Broken:
    def __repr__(self):
        raise ValueError('no')
loud = Loud()
broken = Broken()
long_line = 'é' * 300
)");
  std::vector<OutputEvent> events;
  s.set_output_handler([&](const OutputEvent& ev) { events.push_back(ev); });
  std::vector<VariableInfo> v = s.variables();
  s.set_output_handler(nullptr);
  EXPECT_TRUE(events.empty());  // the panel's printing is not the cell's output
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].name, "broken");
  EXPECT_EQ(v[0].preview, "<str() failed: ValueError>");
  EXPECT_EQ(v[1].name, "long_line");
  std::string cut;  // 98 two-byte characters: a 197-byte cut would split the 99th
  for (int i = 0; i < 98; ++i) cut += "é";
  EXPECT_EQ(v[1].preview, cut + "...");
  EXPECT_EQ(v[2].preview, "Loud()");
  EXPECT_EQ(run_in(s, "print(loud)").out, "side effect\nLoud()\n");
}

}  // namespace
}  // namespace gradlab
