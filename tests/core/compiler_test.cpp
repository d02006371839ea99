// The compiler: bytecode for small programs, slots for globals and locals, stack sizes, and
// compile-time errors with the span to underline.
#include "lang/compiler.h"

#include <gtest/gtest.h>

#include "lang/parser.h"
#include "vm_test_util.h"

namespace gradlab::lang {
namespace {

Value compile(VM& vm, const std::string& src) {
  Module m = parse(src);
  return compile_module(vm, m, vm.main_module(), std::make_shared<SourceText>("<test>", src));
}

std::string listing(const std::string& src) {
  VM vm;
  return disassemble(*as<CodeObj>(compile(vm, src)));
}

TEST(Compiler, ModuleLevelNamesAreGlobalSlots) {
  EXPECT_EQ(listing("x = 1\ny = x + 2\n"),
            "code <module>\n"
            "0 LOAD_SMALL_INT 1\n"
            "1 STORE_GLOBAL 0\n"
            "2 LOAD_GLOBAL 0\n"
            "3 LOAD_SMALL_INT 2\n"
            "4 BINARY_OP 0\n"
            "5 STORE_GLOBAL 1\n"
            "6 LOAD_CONST 0\n"
            "7 RETURN_VALUE\n");
}

TEST(Compiler, FunctionLocalsAreFastSlotsAndCallsUseTheNullSlot) {
  std::string l = listing("def f(a, b=2):\n    c = a * b\n    return c\nf(3)\n");
  EXPECT_NE(l.find("code f\n0 LOAD_FAST 0\n1 LOAD_FAST 1\n2 BINARY_OP 2\n3 STORE_FAST 2\n4 "
                   "LOAD_FAST 2\n5 RETURN_VALUE\n"),
            std::string::npos)
      << l;
  EXPECT_NE(l.find("LOAD_GLOBAL 0\n"), std::string::npos);
  EXPECT_NE(l.find("PUSH_NULL\n"), std::string::npos);
  EXPECT_NE(l.find("CALL 1\n"), std::string::npos);
  EXPECT_NE(l.find("MAKE_FUNCTION 1\n"), std::string::npos);
}

TEST(Compiler, ForLoopKeepsTheIteratorOnTheStack) {
  std::string l = listing("for i in range(3):\n    pass\n");
  EXPECT_NE(l.find("4 GET_ITER\n5 FOR_ITER 8\n6 STORE_GLOBAL 1\n7 JUMP 5\n8 LOAD_CONST 0\n"),
            std::string::npos)
      << l;
}

TEST(Compiler, ClosuresUseCells) {
  std::string l = listing(
      "def outer():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n    return "
      "inc\n");
  // Slots: `inc` is 0, the captured `n` is 1 (a cell); in inc, `n` is free variable 0.
  EXPECT_NE(
      l.find("code outer\n0 MAKE_CELL 1\n1 LOAD_SMALL_INT 0\n2 STORE_DEREF 1\n3 LOAD_CLOSURE 1\n"),
      std::string::npos)
      << l;
  EXPECT_NE(l.find("code outer.<locals>.inc\n0 LOAD_DEREF 0\n1 LOAD_SMALL_INT 1\n2 INPLACE_OP 0\n3 "
                   "STORE_DEREF 0\n"),
            std::string::npos)
      << l;
}

TEST(Compiler, MethodCallsUseLoadMethod) {
  std::string l = listing("xs = []\nxs.append(1)\n");
  EXPECT_NE(l.find("LOAD_METHOD"), std::string::npos);
  EXPECT_EQ(l.find("LOAD_ATTR"), std::string::npos);
}

TEST(Compiler, TryFinallyRecordsHandlersAndStackDepth) {
  VM vm;
  Value code =
      compile(vm, "def f():\n    try:\n        return 1\n    finally:\n        print(2)\n");
  CodeObj* f = nullptr;
  for (auto& c : as<CodeObj>(code)->consts)
    if (is_kind(c, ObjKind::Code)) f = as<CodeObj>(c);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->handlers.size(), 1u);
  EXPECT_GE(f->stacksize, 3u);
}

TEST(Compiler, GlobalSlotsAreSharedAcrossCompiles) {
  VM vm;
  compile(vm, "alpha = 1\n");
  size_t n = vm.main_module()->values.size();
  compile(vm, "print(alpha)\n");
  EXPECT_EQ(vm.main_module()->slot(vm, vm.intern("alpha")), 0u);
  EXPECT_EQ(vm.main_module()->values.size(), n + 1);  // print is new; alpha is reused
}

std::string compile_error(const std::string& src) {
  VM vm;
  try {
    compile(vm, src);
  } catch (const SyntaxError& e) {
    return e.type() + ": " + e.message() + " @" + std::to_string(e.span().line) + ":" +
           std::to_string(e.span().column);
  }
  return "OK";
}

TEST(Compiler, CompileErrorsCarrySpans) {
  EXPECT_EQ(compile_error("def f():\n    def g():\n        nonlocal q\n"),
            "SyntaxError: no binding for nonlocal 'q' found @3:9");
  EXPECT_EQ(compile_error("def f():\n    x = 1\n    global x\n"),
            "SyntaxError: name 'x' is assigned to before global declaration @3:5");
  EXPECT_EQ(compile_error("def f():\n    print(y)\n    global y\n"),
            "SyntaxError: name 'y' is used prior to global declaration @3:5");
  EXPECT_EQ(compile_error("def f(a):\n    global a\n"),
            "SyntaxError: name 'a' is parameter and global @2:5");
  EXPECT_EQ(compile_error("x = 1\n"), "OK");
}

TEST(Compiler, ParserErrorsReachTheSessionRecord) {
  testing::Outcome o = testing::run("x = 1\nreturn x\n");
  EXPECT_EQ(o.error, "SyntaxError: 'return' outside function");
  EXPECT_EQ(o.record.line, 2);
  EXPECT_EQ(o.record.column, 1);
  o = testing::run("for i in range(3):\n    pass\nbreak\n");
  EXPECT_EQ(o.error, "SyntaxError: 'break' outside loop");
  EXPECT_EQ(o.record.line, 3);
}

}  // namespace
}  // namespace gradlab::lang
