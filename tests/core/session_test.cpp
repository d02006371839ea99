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

}  // namespace
}  // namespace gradlab
