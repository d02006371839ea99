// Shared between the compiler's files: scope analysis results and the code generator.
#pragma once
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/compiler.h"

namespace gradlab::lang {

enum class ScopeKind { Module, Function, Class };
enum class Binding { Global, Local, Cell, Free, Name };

// One function, lambda, comprehension, class body or the module: which names it binds and how
// every name it mentions resolves.
struct Scope {
  ScopeKind kind = ScopeKind::Module;
  Scope* parent = nullptr;
  std::string name;
  std::string qualname;
  std::vector<std::string> params;  // in slot order
  std::set<std::string> assigned, used, globals, nonlocals;
  std::map<std::string, Span> global_spans, nonlocal_spans;
  std::map<std::string, Binding> bindings;
  std::vector<std::string> freevars;  // in closure order
  std::vector<std::unique_ptr<Scope>> children;
  bool is_comprehension = false;
  Binding lookup(const std::string& n) const {
    auto it = bindings.find(n);
    return it == bindings.end() ? (kind == ScopeKind::Class ? Binding::Name : Binding::Global)
                                : it->second;
  }
};

// Builds the scope tree for a module; the map goes from AST node (FunctionDefStmt,
// LambdaExpr, CompExpr, ClassDefStmt) to its scope.
std::unique_ptr<Scope> analyze_scopes(const Module& m,
                                      std::unordered_map<const void*, Scope*>& index);

[[noreturn]] void syntax_error(const std::string& message, Span span);

}  // namespace gradlab::lang

namespace gradlab::lang {

// Generates the code object of one scope.
class CodeGen {
 public:
  CodeGen(VM& vm, ModuleObj* module, std::shared_ptr<const SourceText> source,
          const std::unordered_map<const void*, Scope*>& index, Scope* scope,
          CompileOptions options);
  Value code_ref;
  CodeObj* code = nullptr;

  // compiler.cpp: statements and infrastructure
  void body(const Body& b);
  void stmt(const Stmt* s);  // checks that the statement leaves the stack as it found it
  void stmt_body(const Stmt* s);
  Value finish();  // adds the final return, computes the stack size
  void function_body(const Body& b);

  // compiler_expr.cpp
  void expr(const Expr* e);
  void store(const Expr* target);
  void call(const CallExpr* c);
  void make_function(Scope* inner, const std::vector<Param>* params, const Body* body,
                     const Expr* lambda_body, const std::string& docname);
  void comprehension(const CompExpr* c);
  void fstring(const FStringExpr* f);
  void compare(const CompareExpr* c);

  // emitting
  uint32_t emit(Op op, uint32_t arg = 0);
  uint32_t here() const { return uint32_t(code->code.size()); }
  void patch(uint32_t at, uint32_t target);
  uint32_t constant(Value v);
  uint32_t name_const(const std::string& n);
  void load_const(Value v) { emit(Op::LOAD_CONST, constant(std::move(v))); }
  void load_int(int64_t i);
  void load_name(const std::string& n);
  void store_name(const std::string& n);
  void delete_name(const std::string& n);
  uint32_t temp();  // a fresh hidden local slot
  uint32_t local_slot(const std::string& n);

  VM& vm;
  ModuleObj* module;
  std::shared_ptr<const SourceText> source;
  const std::unordered_map<const void*, Scope*>& index;
  Scope* scope;
  CompileOptions options;
  Span span;      // span given to emitted instructions
  int depth = 0;  // current stack depth (structured code keeps it exact)

  // Blocks that break/continue/return must unwind through.
  struct Block {
    enum Kind { Loop, Finally, With, Except, TryGuard };
    explicit Block(Kind k) : kind(k) {}
    Kind kind;
    // Loop
    bool is_for = false;
    uint32_t continue_target = 0;
    std::vector<uint32_t> breaks;
    int loop_depth = 0;  // the stack depth after the loop (a for loop's iterator popped)
    // Finally / With: the protected range being built, and how to run the cleanup.
    std::vector<ExcEntry>* ranges = nullptr;
    uint32_t range_start = 0;
    int try_depth = 0;
    const Body* finalbody = nullptr;
    uint32_t mgr_slot = 0;
    // Except (inside an except clause): the slot holding the caught exception (a bare
    // `raise` re-raises it). TryGuard: the body of try/except (a protected range only).
    uint32_t exc_slot = 0;
  };
  std::vector<Block> blocks;
  void unwind(size_t down_to, bool for_return);  // runs cleanups of blocks above down_to
  void close_range(Block& b);
  void open_range(Block& b) { b.range_start = here(); }

 private:
  std::unordered_map<std::string, uint32_t> slots_;
  std::vector<std::unique_ptr<std::vector<ExcEntry>>> range_lists_;
  friend struct StmtCompiler;

 public:
  std::vector<ExcEntry>* new_range_list();
  void try_except(const TryStmt* t);
  void try_finally(const TryStmt* t);
  void with_items(const WithStmt* w, size_t i);
  void loop_break(bool is_continue, Span span);
  void import_stmt(const Stmt* s);
  void class_def(const ClassDefStmt* c);
};

int stack_effect(Op op, uint32_t arg, bool jump);

// BUILD_SET argument flag: the elements are all constants (see compiler_expr.cpp).
inline constexpr uint32_t kBuildSetFromConstant = 1u << 20;

}  // namespace gradlab::lang
