// The bytecode compiler: walks the AST of one cell (or prelude module) and produces a CodeObj
// whose global names are slots of a ModuleObj, resolved now rather than looked up by name at
// run time. Compile-time errors ('return' outside function, 'break' outside loop, no binding
// for nonlocal) are thrown as SyntaxError (lang/diagnostic.h) with the span to underline.
#pragma once
#include <memory>
#include <string>

#include "lang/ast.h"
#include "lang/diagnostic.h"
#include "lang/vm.h"

namespace gradlab::lang {

struct CompileOptions {
  // Notebook echo: a final expression statement prints its repr (if not None).
  bool echo_last_expression = false;
  // Prelude code: its frames are left out of tracebacks.
  bool hidden = false;
};

// Compiles `ast` (parsed from `source`) to module-level code for `module`.
Value compile_module(VM& vm, const Module& ast, ModuleObj* module,
                     std::shared_ptr<const SourceText> source, CompileOptions options = {});

// A readable listing of a code object and the code objects in its constants (for tests).
std::string disassemble(const CodeObj& code);

}  // namespace gradlab::lang
