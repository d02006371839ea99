// The virtual machine: runs compiled code in slices of a given instruction budget, with its
// own frame stack (a Python-level call never recurses on the C++ stack). Also the extension
// API native code (builtins, the torch bindings) uses: creating values, classes, modules,
// raising exceptions, calling back into Python, and the protocols (repr, str, eq, hash, ...).
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/objects.h"
#include "tensor/error.h"

namespace gradlab::lang {

enum class Op : uint8_t {
#define OP(name, effect) name,
#include "lang/opcodes.def"
#undef OP
  COUNT_
};
const char* op_name(Op op);

// --- limits (each has a test in tests/core/vm_test.cpp) ---------------------------------
// Python frames before RecursionError; Python's default is 1000 too.
inline constexpr int kRecursionLimit = 1000;
// Values on the VM stack (locals and temporaries of every frame): 2 MB. Deep recursion with
// big frames hits RecursionError here before running out.
inline constexpr size_t kValueStackSize = size_t(1) << 17;
// Extra stack slots per frame beyond the compiler's count (operator dunder calls rewrite
// [a, b] into [method, a, b]).
inline constexpr uint32_t kFrameStackSlack = 8;
// Native code calling back into Python (a __repr__ inside print([obj]), a __lt__ inside sort)
// runs a nested loop that cannot be suspended. It may nest this deep...
inline constexpr int kMaxNestedCalls = 64;
// ...and run at most this many instructions before TimeoutError.
inline constexpr uint64_t kNestedCallInstructionLimit = 20'000'000;
// Native recursion over nested containers (repr, ==, hash) before RecursionError.
inline constexpr int kMaxNativeDepth = 500;
// Largest list/str/tuple a single operation may build, before MemoryError.
inline constexpr int64_t kMaxSequenceLength = int64_t(1) << 28;

// A Python exception carried through C++ code (natives, nested calls). `exc` is an instance
// of a BaseException subclass. Natives may also throw gradlab::Error(type, message).
struct PyException {
  Value exc;
};

enum class RunStatus { Done, Suspended, Error };

// How a frame's return value is delivered to the caller's stack slot `ret`.
enum class ReturnMode : uint8_t {
  Value,    // stack[ret] = result
  Keep,     // class body / module import: stack[ret] already holds the result
  Discard,  // result dropped, nothing pushed (__setattr__, __setitem__, import re-execution)
  Not,      // stack[ret] = not result (__ne__ through __eq__, `not in`)
  Bool,     // stack[ret] = bool(result) (__contains__)
  Stop,     // a nested call's frame: return to the C++ caller
};

struct Frame {
  Value func;      // FunctionObj (keeps code and module alive), Undef for module code
  Value code_ref;  // CodeObj
  CodeObj* code = nullptr;
  ModuleObj* module = nullptr;
  uint32_t ip = 0;    // next instruction
  uint32_t base = 0;  // first local slot in the value stack
  uint32_t sp = 0;    // stack top while another frame runs
  uint32_t ret = 0;   // where the result goes
  ReturnMode mode = ReturnMode::Value;
  bool is_init = false;  // __init__: the result is the instance in stack[ret]
  Value class_ns;        // ClassObj being built (class bodies)
  Value import_module;   // ModuleObj being imported (removed from the table on failure)
};

struct TracebackEntry {
  Value code;   // CodeObj
  uint32_t ip;  // the instruction that was running
};
// Per-exception native data: the traceback collected while it unwinds.
struct ExceptionData : NativeData {
  std::vector<TracebackEntry> tb;
  Value cause;
  std::vector<std::string> notes;  // extra lines printed after the exception line
  std::string suggestion;          // "Did you mean: 'x'?" for NameError / AttributeError
  void traverse(Visitor& v) const override {
    for (auto& e : tb) v.visit(e.code);
    v.visit(cause);
  }
  void clear() override {
    tb.clear();
    cause = Value();
  }
};

// Fills a native module's attributes when it is first imported.
using ModuleInit = std::function<void(VM& vm, ModuleObj& module)>;
struct ModuleDef {
  ModuleInit init;     // may be empty
  std::string source;  // gradlab code run in the module after init (may be empty)
  bool hidden = true;  // leave the source's frames out of tracebacks
};

// The classes the core itself needs.
struct BuiltinClasses {
  ClassObj *object = nullptr, *type = nullptr, *none = nullptr, *bool_ = nullptr, *int_ = nullptr,
           *float_ = nullptr, *str = nullptr, *list = nullptr, *tuple = nullptr, *dict = nullptr,
           *set = nullptr, *range = nullptr, *slice = nullptr, *function = nullptr,
           *builtin_function = nullptr, *method = nullptr, *module = nullptr, *cell = nullptr,
           *code = nullptr, *iterator = nullptr, *ellipsis = nullptr, *not_implemented = nullptr,
           *super = nullptr, *tensor = nullptr;
  ClassObj *base_exception = nullptr, *exception = nullptr, *stop_iteration = nullptr,
           *keyboard_interrupt = nullptr, *system_exit = nullptr;
};

class VM {
 public:
  VM();
  ~VM();
  VM(const VM&) = delete;
  VM& operator=(const VM&) = delete;

  Heap heap;  // first member: destroyed last

  // --- output ---------------------------------------------------------------------------
  std::function<void(std::string_view)> output;  // print() writes here
  void write(std::string_view text) {
    if (output) output(text);
  }

  // --- creating values ------------------------------------------------------------------
  Value str(std::string_view s);
  Value char_str(unsigned char c);     // cached one-character ASCII strings
  StrObj* intern(std::string_view s);  // interned; alive as long as the VM
  Value interned(std::string_view s) { return Value::object(intern(s)); }
  Value list(std::vector<Value> items = {});
  Value tuple(std::vector<Value> items = {});
  Value dict();
  Value set();
  Value native_function(std::string name, NativeFn fn, Value data = Value());
  // A class implemented natively (kept alive by the VM). `construct` (may be null) is called
  // for Cls(...) with the arguments; without it, Cls(...) makes an instance and calls __init__.
  ClassObj* new_class(std::string name, std::string module_name, ClassObj* base,
                      const TypeHooks* hooks = nullptr, NativeFn construct = nullptr);
  // A class created by running Python code (class statement, type(name, bases, dict)).
  Value make_class(std::string name, std::string module_name, ClassObj* base);
  void add_method(ClassObj* cls, std::string_view name, NativeFn fn, Value data = Value());
  Value native_object(ClassObj* cls, std::unique_ptr<NativeData> data);
  // The class and hooks of tensor Values (the torch bindings register it).
  void set_tensor_class(ClassObj* cls) { classes.tensor = cls; }
  // Data attached to the running native function (native_function's `data`).
  const Value& native_data() const { return native_data_; }

  // --- modules --------------------------------------------------------------------------
  // Compiles gradlab source into a module's code (set by the Session, which owns the parser).
  std::function<Value(VM&, const std::string& source, const std::string& filename,
                      ModuleObj* module, bool hidden)>
      compile_source;
  void register_module(const std::string& dotted_name, ModuleDef def);
  ModuleObj* main_module() const { return as<ModuleObj>(main_); }
  Value new_module(const std::string& name);
  void set_global(ModuleObj* m, std::string_view name, Value v);
  Value builtin_value(StrObj* name) const;  // Undef if none
  void add_builtin(std::string_view name, Value v);
  BuiltinClasses classes;
  ClassObj* exception_class(std::string_view name);  // by name, created on demand

  // --- protocols (may call Python code through nested calls) ----------------------------
  ClassObj* class_of(const Value& v);
  std::string type_name(const Value& v);  // "int", "Tensor", "Net"
  bool isinstance(const Value& v, const ClassObj* cls);
  std::string repr(const Value& v);
  std::string str_of(const Value& v);
  std::string format(const Value& v, std::string_view spec);
  bool truthy(const Value& v);
  bool eq(const Value& a, const Value& b);
  bool less(const Value& a, const Value& b);  // a < b (sorting)
  int64_t hash(const Value& v);               // TypeError for unhashable values
  int64_t len(const Value& v);
  Value get_attr(const Value& obj, StrObj* name);  // AttributeError if missing
  Value get_attr_or_undef(const Value& obj, StrObj* name);
  void set_attr(const Value& obj, StrObj* name, const Value& v);
  Value get_item(const Value& obj, const Value& key);
  void set_item(const Value& obj, const Value& key, const Value& v);
  Value binary(BinaryOp op, const Value& a, const Value& b);
  Value compare(CompareOp op, const Value& a, const Value& b);
  bool contains(const Value& container, const Value& item);
  Value iter(const Value& v);                           // an iterator object
  bool next(const Value& iterator, Value& out);         // false when exhausted
  std::vector<Value> to_vector(const Value& iterable);  // list(iterable)
  Value dict_get(DictObj* d, const Value& key);         // Undef if missing
  void dict_set(DictObj* d, const Value& key, const Value& v);

  // --- calling Python from native code --------------------------------------------------
  // Runs `callable(*args, **kwargs)` to completion in a nested loop (bounded: see the limits).
  Value call(const Value& callable, const std::vector<Value>& args = {},
             const std::vector<std::pair<std::string, Value>>& kwargs = {});
  // From a native: ask the VM to call `callable(*args)` in place of this native (a frame
  // push, no nesting). Return its result directly: `return vm.tail_call(f, {x});`. With
  // `kwnames`, the last kwnames->items.size() of args are keyword arguments of those names.
  Value tail_call(Value callable, std::vector<Value> args, const TupleObj* kwnames = nullptr);

  // --- errors ---------------------------------------------------------------------------
  Value make_exception(ClassObj* cls, const std::string& message);
  [[noreturn]] void raise(ClassObj* cls, const std::string& message);
  [[noreturn]] void raise(std::string_view class_name, const std::string& message);
  // The exception object for a caught C++ error.
  Value exception_from_error(const gradlab::Error& e);
  ExceptionData& exception_data(const Value& exc);
  // CPython 3.11's "Did you mean" for a missing name: the closest candidate (or empty).
  static std::string suggest(const std::string& name, const std::vector<std::string>& candidates);
  // NameError for `name` with a suggestion from the frame's locals, the module and builtins.
  [[noreturn]] void raise_name_error(const std::string& name, const CodeObj* code,
                                     const ModuleObj* module);
  // AttributeError with a suggestion from the object's attributes.
  [[noreturn]] void raise_attribute_error(const Value& obj, StrObj* name,
                                          const std::string& message);

  // --- execution ------------------------------------------------------------------------
  // Starts running module-level code (a compiled cell) in `module`.
  void start(const Value& code, ModuleObj* module);
  RunStatus run(uint64_t budget);
  bool running() const { return !frames_.empty(); }
  void interrupt() { interrupt_.store(true, std::memory_order_relaxed); }
  // Abandons the running code (frames and stack) without an exception.
  void abort_run();
  int recursion_limit = kRecursionLimit;
  // The uncaught exception after run() returned Error.
  const Value& error() const { return error_; }
  void clear_error() { error_ = Value(); }
  // Source position of the instruction the innermost visible frame is at.
  Span current_span() const;
  std::string current_file() const;
  // Frame access for natives (super(), locals): innermost Python frame.
  const Frame* current_frame() const { return frames_.empty() ? nullptr : &frames_.back(); }
  // Local slot `slot` of the innermost frame (cells unwrapped); Undef if unset.
  Value current_local(uint32_t slot) const;
  uint64_t instructions_executed() const { return executed_; }
  uint64_t class_epoch = 1;  // bumped when a dunder is set on an existing class

  // Interned names the VM looks up often.
  enum NameId : int {
    kInit,
    kCall,
    kRepr,
    kStr,
    kLen,
    kGetitem,
    kSetitem,
    kDelitem,
    kContains,
    kIter,
    kNext,
    kBool,
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kHash,
    kEnter,
    kExit,
    kGetattr,
    kSetattr,
    kDelattr,
    kFormat,
    kNeg,
    kPos,
    kInvert,
    kClass,
    kName,
    kArgs,
    kDict,
    kQualname,
    kModule,
    kForward,
    kNameCount
  };
  StrObj* names[kNameCount] = {};
  StrObj* binop_names[13][3] = {};  // __add__, __radd__, __iadd__ per BinaryOp
  // Class flags (cached per class_epoch): which hooks a user class overrides.
  enum ClassFlag : uint32_t { kHasSetattr = 1, kHasGetattr = 2, kHasDelattr = 4 };
  uint32_t class_flags(ClassObj* cls);
  // The user-level dunder `name` of an instance's class (null if none, or not an instance).
  const Value* instance_dunder(const Value& v, StrObj* name);
  // Finalizes a class after its body ran (method owners, flags).
  void finish_class(ClassObj* cls);

  // Internal state shared with the builtins (see vm_*.cpp).
  int native_depth = 0;
  std::vector<Value> repr_stack;  // containers being repr'd ("[...]" for cycles)
  Value prelude;                  // ModuleObj of gradlab-language builtins

 private:
  friend struct VMAccess;
  RunStatus execute(size_t stop_depth, uint64_t budget, bool nested);
  bool handle_exception(Value exc, size_t stop_depth, bool reraise);
  void push_frame(const Value& func, uint32_t base, uint32_t ret, ReturnMode mode);
  bool call_at(uint32_t at, uint32_t argc, const TupleObj* kwnames, ReturnMode mode);
  void finish_native(uint32_t at, Value result, ReturnMode mode);
  void bind_arguments(FunctionObj* f, uint32_t args_at, uint32_t argc, const TupleObj* kwnames);
  bool call_ex(uint32_t flags);
  void build_class(Frame& fr);
  bool import_step(uint32_t at, const Value& spec);
  bool import_from(uint32_t at, StrObj* name);
  bool dunder_frame(uint32_t at, const Value& func, uint32_t nargs, ReturnMode mode);
  // 0: no user dunder applies; 1: a frame was pushed; 2: the result is on the stack.
  int binary_dunder(BinaryOp op, bool inplace, uint32_t at);
  int compare_dunder(CompareOp op, uint32_t at);
  void deliver(Frame& done, Value result);
  void clear_region(uint32_t from, uint32_t to);
  uint32_t frame_end(const Frame& f) const {
    return f.base + f.code->nlocals + f.code->stacksize + kFrameStackSlack;
  }
  void raise_in_frame(Value exc);
  Value* stack_ = nullptr;
  uint32_t sp_ = 0;
  std::vector<Frame> frames_;
  Value main_;
  Value error_;
  Value native_data_;
  Value pending_tail_;     // [callable, args tuple] requested by a native
  Value pending_tail_kw_;  // its keyword names (a tuple), or Undef
  Value char_cache_[128];
  std::unordered_map<std::string_view, StrObj*> interned_;
  std::unordered_map<const StrObj*, Value> builtins_;
  std::vector<StrObj*> builtin_order_;  // registration order (for "Did you mean" suggestions)
  std::unordered_map<std::string, ModuleDef> module_defs_;
  std::unordered_map<std::string, Value> modules_;
  std::unordered_map<std::string, ClassObj*> exc_classes_;
  std::vector<Value> owned_;  // classes and other objects kept alive by the VM
  std::atomic<bool> interrupt_{false};
  int nested_calls_ = 0;
  uint64_t executed_ = 0;
};

// obj.name for a call, without creating a bound method: out[0] = the callable, out[1] = the
// self to pass first (Undef when none). Raises AttributeError when there is no such attribute.
bool load_method(VM& vm, const Value& obj, StrObj* name, Value* out);

// The protocols above as free functions, for the dict/set tables.
bool hash_keys_equal(VM& vm, const Value& a, const Value& b);

// Parses a native call's arguments by name. `names` lists the parameters in order; a name
// ending in '=' has a default (the matching entry of out is left as the caller preset it).
// A "*" entry makes the following parameters keyword-only. On success out[i] holds each
// parameter (Undef if defaulted and not preset). Errors are CPython-worded TypeErrors:
//   score() missing 1 required positional argument: 'item'
//   score() takes from 1 to 2 positional arguments but 3 were given
//   score() got an unexpected keyword argument 'x'
void parse_args(VM& vm, const CallArgs& args, std::string_view fname,
                std::initializer_list<std::string_view> names, Value* out);

// CPython-worded argument errors shared by Python functions and natives.
std::string missing_args_message(std::string_view fname, const std::vector<std::string>& names,
                                 bool keyword_only);

}  // namespace gradlab::lang
