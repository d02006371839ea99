// The heap object kinds behind Value: strings, containers, code and functions, classes and
// instances, modules, iterators, and generic native objects (the extension point for torch).
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/ast.h"
#include "lang/value.h"

namespace gradlab::lang {

class VM;
struct ClassObj;
struct TupleObj;

// ---------------------------------------------------------------------------------------
// Strings. UTF-8 text; `length` counts code points (indexing is by code point).
struct StrObj : Object {
  explicit StrObj(std::string text);
  std::string s;
  int64_t length = 0;
  bool ascii = true;
  bool interned = false;
  mutable bool hashed = false;
  mutable int64_t hash_cache = 0;
  int64_t hash() const;
};

// ---------------------------------------------------------------------------------------
// An attribute table keyed by interned names (pointer comparison), insertion-ordered.
class AttrMap {
 public:
  Value* find(const StrObj* name);
  const Value* find(const StrObj* name) const { return const_cast<AttrMap*>(this)->find(name); }
  // find() trying slot `hint` first (where the caller last found this name), then updating it.
  Value* find_hinted(const StrObj* name, uint32_t& hint) {
    if (hint < keys_.size() && keys_[hint] == name) return &values_[hint];
    Value* v = find(name);
    if (v) hint = uint32_t(v - values_.data());
    return v;
  }
  void set(StrObj* name, Value v);  // `name` must be interned
  bool erase(const StrObj* name);
  size_t size() const { return keys_.size(); }
  StrObj* key(size_t i) const { return keys_[i]; }
  const Value& value(size_t i) const { return values_[i]; }
  void traverse(Visitor& v) const;
  void clear();
  // Counts the times a name was added or removed (not a value replaced): pointers from find()
  // stay valid while it is unchanged.
  uint32_t layout_version() const { return layout_version_; }

 private:
  uint32_t layout_version_ = 1;
  std::vector<StrObj*> keys_;  // each holds a reference
  std::vector<Value> values_;
  std::unordered_map<const StrObj*, uint32_t> index_;  // built when there are many keys
};

// ---------------------------------------------------------------------------------------
// Containers.
struct ListObj : Object {
  ListObj() : Object(ObjKind::List) {}
  explicit ListObj(std::vector<Value> v) : Object(ObjKind::List), items(std::move(v)) {}
  std::vector<Value> items;
  void traverse(Visitor& v) const override {
    for (auto& x : items) v.visit(x);
  }
  void clear() override { std::vector<Value>().swap(items); }
};

struct TupleObj : Object {
  TupleObj() : Object(ObjKind::Tuple) {}
  explicit TupleObj(std::vector<Value> v) : Object(ObjKind::Tuple), items(std::move(v)) {}
  std::vector<Value> items;
  Value cls;  // a tuple subclass (e.g. torch.Size) or Undef for a plain tuple
  void traverse(Visitor& v) const override {
    for (auto& x : items) v.visit(x);
    v.visit(cls);
  }
  void clear() override {
    std::vector<Value>().swap(items);
    cls = Value();
  }
};

// An insertion-ordered hash table of Values (dicts and sets). Hashes and equality come from
// the VM (user classes may define __eq__/__hash__).
class HashTable {
 public:
  struct Entry {
    int64_t hash;
    Value key;  // Undef marks a deleted entry
    Value value;
  };
  // Index of the entry with this key, or -1.
  int64_t find(VM& vm, const Value& key, int64_t hash) const;
  // Inserts or overwrites; returns true when a new key was added.
  bool insert(VM& vm, Value key, int64_t hash, Value value);
  bool erase(VM& vm, const Value& key, int64_t hash);
  void erase_at(size_t i);
  void clear();
  size_t size() const { return used_; }
  // Entries in insertion order, including deleted ones (key Undef): skip those.
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  uint64_t version() const { return version_; }
  void traverse(Visitor& v) const;

 private:
  void rebuild(size_t min_slots);
  std::vector<Entry> entries_;
  std::vector<int32_t> slots_;  // -1 empty, -2 deleted, else entry index
  size_t used_ = 0;
  size_t filled_ = 0;  // slots not empty (used + deleted)
  uint64_t version_ = 0;
};

struct DictObj : Object {
  DictObj() : Object(ObjKind::Dict) {}
  HashTable table;
  void traverse(Visitor& v) const override { table.traverse(v); }
  void clear() override { table.clear(); }
};

// A set's table, laid out as CPython lays out its sets (open addressing with linear probes,
// same growth rule) so that iteration order, and so printing, matches CPython's.
class SetTable {
 public:
  using Entry = HashTable::Entry;
  int64_t find(VM& vm, const Value& key, int64_t hash) const;
  bool insert(VM& vm, Value key, int64_t hash, Value unused = Value());
  bool erase(VM& vm, const Value& key, int64_t hash);
  void erase_at(size_t i);
  void clear();
  // Adds every key of `other` (CPython's set_merge, which copies slots into an empty set).
  void merge_from(VM& vm, const SetTable& other);
  size_t size() const { return used_; }
  // The slots in table order; empty and deleted slots have an Undef key.
  const std::vector<Entry>& entries() const { return table_; }
  uint64_t version() const { return version_; }
  void traverse(Visitor& v) const;

 private:
  void resize(size_t minused);
  void insert_clean(Value key, int64_t hash);
  std::vector<Entry> table_;  // empty: hash 0; deleted (dummy): hash -1
  size_t used_ = 0, fill_ = 0;
  uint64_t version_ = 0;
};

struct SetObj : Object {
  SetObj() : Object(ObjKind::Set) {}
  SetTable table;
  void traverse(Visitor& v) const override { table.traverse(v); }
  void clear() override { table.clear(); }
};

// ---------------------------------------------------------------------------------------
// Code and functions.
struct SourceText {
  std::string filename;  // "<cell 3>" or a path
  std::string text;
  std::vector<uint32_t> line_starts;
  SourceText(std::string file, std::string src);
  std::string_view line(int n) const;  // 1-based, without the newline
};

struct ExcEntry {  // a protected range [start, end) of instructions and its handler
  uint32_t start, end, handler, depth;
};

struct CodeObj : Object {
  CodeObj() : Object(ObjKind::Code) {}
  std::vector<uint32_t> code;  // op in the low 8 bits, argument in the high 24
  std::vector<Span> spans;     // one per instruction
  std::vector<Value> consts;
  std::vector<ExcEntry> handlers;  // innermost first
  std::vector<Value> varnames;     // StrObj per local slot (params first)
  std::vector<uint8_t> slot_is_cell;
  // Per instruction, for LOAD_ATTR/STORE_ATTR on instances: the attribute slot the name was
  // last found in (only a guess, checked on use; sized on first use).
  std::vector<uint32_t> attr_hints;
  uint32_t nlocals = 0;   // all slots: params, locals, cells, free vars, temps
  uint32_t argcount = 0;  // positional parameters
  uint32_t kwonlycount = 0;
  bool varargs = false, varkw = false;
  uint32_t free_start = 0, nfree = 0;  // free variable slots (cells from the closure)
  uint32_t stacksize = 0;
  std::string name;      // "f", "<module>", "<lambda>", "<listcomp>", class name
  std::string qualname;  // "Net.forward"
  std::shared_ptr<const SourceText> source;
  bool hidden = false;  // prelude code: left out of tracebacks
  bool class_body = false;
  void traverse(Visitor& v) const override;
  void clear() override;
};

struct CellObj : Object {
  CellObj() : Object(ObjKind::Cell) {}
  Value value;
  void traverse(Visitor& v) const override { v.visit(value); }
  void clear() override { value = Value(); }
};

struct ModuleObj;

struct FunctionObj : Object {
  FunctionObj() : Object(ObjKind::Function) {}
  Value code;                     // CodeObj
  Value module;                   // ModuleObj whose global slots the code uses
  std::vector<Value> defaults;    // for the last positional parameters
  std::vector<Value> kwdefaults;  // one per keyword-only parameter (Undef: required)
  std::vector<Value> closure;     // CellObj per free variable
  Value owner;  // the class whose body defined this function (zero-argument super())
  CodeObj* code_obj() const { return static_cast<CodeObj*>(code.as_object()); }
  ModuleObj* module_obj() const;
  void traverse(Visitor& v) const override;
  void clear() override;
};

// Arguments of a native call, viewed on the VM stack: positional values, then keyword
// values named by `kwnames` (interned StrObj).
struct CallArgs {
  const Value* pos = nullptr;
  uint32_t npos = 0;
  const Value* kwvalues = nullptr;
  const TupleObj* kwnames = nullptr;
  uint32_t nkw = 0;
  const Value& operator[](size_t i) const { return pos[i]; }
  std::string_view kwname(size_t i) const;
};

// A native function: receives the VM and its arguments (for methods, pos[0] is self).
// Errors are thrown as gradlab::Error (or lang::PyException); see vm.h.
using NativeFn = Value (*)(VM& vm, CallArgs& args);

struct NativeFunctionObj : Object {
  NativeFunctionObj(std::string n, NativeFn f)
      : Object(ObjKind::NativeFunction), name(std::move(n)), fn(f) {}
  std::string name;  // "len", "append"
  NativeFn fn;
  Value data;       // optional state the function reads (vm.native_data())
  Value self_type;  // for methods: the class whose dict holds it (for reprs)
  // For a __call__ whose whole job is `return self.<name>(*args, **kwargs)` (nn.Module's):
  // that name (a StrObj). The VM then calls the method in place, with no native call and no
  // tail-call request; `fn` still runs for calls with keyword arguments.
  Value call_method;
  void traverse(Visitor& v) const override {
    v.visit(data);
    v.visit(self_type);
    v.visit(call_method);
  }
  void clear() override {
    data = Value();
    self_type = Value();
    call_method = Value();
  }
};

struct BoundMethodObj : Object {
  BoundMethodObj(Value s, Value f)
      : Object(ObjKind::BoundMethod), self(std::move(s)), func(std::move(f)) {}
  Value self, func;
  void traverse(Visitor& v) const override {
    v.visit(self);
    v.visit(func);
  }
  void clear() override {
    self = Value();
    func = Value();
  }
};

// ---------------------------------------------------------------------------------------
// Classes. Built-in types (int, str, list, ...), native types (torch.Tensor, torch.dtype)
// and user classes are all ClassObj. Single inheritance.
enum class BinaryOp : uint8_t {
  Add,
  Sub,
  Mul,
  MatMul,
  Div,
  FloorDiv,
  Mod,
  Pow,
  LShift,
  RShift,
  Or,
  Xor,
  And,
};
enum class UnaryOp : uint8_t { Neg, Pos, Not, Invert };
enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

// Behaviour of a native value kind: the Tensor value kind, or the instances of a native
// class (NativeObj). Every hook is optional; a missing hook gives CPython's error wording.
// Methods are NativeFunctionObj entries in the class dict (looked up before get_attr).
struct TypeHooks {
  // Attribute read after the class dict missed; return Value::undef() if there is none.
  Value (*get_attr)(VM&, const Value& self, std::string_view name) = nullptr;
  // Attribute write; return false if the attribute cannot be set (AttributeError).
  bool (*set_attr)(VM&, const Value& self, std::string_view name, const Value& v) = nullptr;
  // Binary operator where either operand is of this kind; Value::not_implemented() if unsupported.
  Value (*binary)(VM&, BinaryOp op, const Value& lhs, const Value& rhs) = nullptr;
  // `lhs op= rhs` with lhs of this kind, in place; not_implemented() falls back to binary.
  Value (*inplace)(VM&, BinaryOp op, const Value& lhs, const Value& rhs) = nullptr;
  Value (*unary)(VM&, UnaryOp op, const Value& self) = nullptr;  // Neg, Pos, Invert
  // Rich comparison where either operand is of this kind; not_implemented() if unsupported.
  Value (*compare)(VM&, CompareOp op, const Value& lhs, const Value& rhs) = nullptr;
  Value (*get_item)(VM&, const Value& self, const Value& key) = nullptr;
  void (*set_item)(VM&, const Value& self, const Value& key, const Value& v) = nullptr;
  int64_t (*len)(VM&, const Value& self) = nullptr;
  // Returns an iterable the VM iterates (a list, tuple or iterator object).
  Value (*iter)(VM&, const Value& self) = nullptr;
  // For values that are their own iterators (open files): the next item, false at the end.
  // iter() of such a value is the value itself, and next() works on it.
  bool (*next)(VM&, const Value& self, Value& out) = nullptr;
  bool (*truthy)(VM&, const Value& self) = nullptr;
  std::string (*repr)(VM&, const Value& self) = nullptr;
  std::string (*str)(VM&, const Value& self) = nullptr;  // default: repr
  std::string (*format)(VM&, const Value& self, std::string_view spec) = nullptr;
  int64_t (*hash)(VM&, const Value& self) = nullptr;  // default: identity
  bool (*contains)(VM&, const Value& self, const Value& item) = nullptr;
  Value (*call)(VM&, const Value& self, CallArgs& args) = nullptr;
  // The class of a value (e.g. Parameter vs Tensor); default: the registered class.
  ClassObj* (*class_of)(VM&, const Value& self) = nullptr;
};

struct ClassObj : Object {
  ClassObj() : Object(ObjKind::Class) {}
  std::string name;         // "Net", "int", "Tensor"
  std::string module_name;  // "__main__", "builtins", "torch"
  Value base;               // ClassObj or Undef (for object)
  AttrMap dict;
  const TypeHooks* hooks = nullptr;  // native kinds only
  NativeFn construct = nullptr;      // built-in / native types: called with the arguments
  bool subclassable = true;
  bool is_exception = false;  // BaseException or a subclass
  // Cached "does the class (or a base other than object) define X" flags; see VM::class_flags.
  uint64_t flags_epoch = 0;
  uint32_t flags = 0;
  ClassObj* base_class() const {
    return base.is_object() ? static_cast<ClassObj*>(base.as_object()) : nullptr;
  }
  bool is_subclass_of(const ClassObj* other) const;
  // Looks a name up along the inheritance chain (memoized: see memo_).
  const Value* lookup(const StrObj* name) const;
  void traverse(Visitor& v) const override {
    v.visit(base);
    dict.traverse(v);
  }
  void clear() override {
    base = Value();
    dict.clear();
    for (auto& m : memo_) m = Memo();
  }

 private:
  // Recent lookups of interned names: what each resolved to, valid while the dicts along the
  // chain have the same layout versions (their sum, which only grows, is compared).
  struct Memo {
    const StrObj* name = nullptr;
    const Value* value = nullptr;
    uint64_t version = 0;
  };
  static constexpr size_t kMemoSize = 16;
  mutable Memo memo_[kMemoSize];
};

// Native per-instance data (exception tracebacks, torch objects). Owned by the object.
struct NativeData {
  virtual ~NativeData() = default;
  virtual void traverse(Visitor&) const {}
  virtual void clear() {}
};

struct InstanceObj : Object {
  explicit InstanceObj(Value c) : Object(ObjKind::Instance), cls(std::move(c)) {}
  Value cls;
  AttrMap attrs;
  std::unique_ptr<NativeData> data;
  ClassObj* class_obj() const { return static_cast<ClassObj*>(cls.as_object()); }
  void traverse(Visitor& v) const override;
  void clear() override;
};

// An object of a native class (torch.dtype, the no_grad context manager, ...).
struct NativeObj : Object {
  NativeObj(Value c, std::unique_ptr<NativeData> d)
      : Object(ObjKind::Native), cls(std::move(c)), data(std::move(d)) {}
  Value cls;
  std::unique_ptr<NativeData> data;
  ClassObj* class_obj() const { return static_cast<ClassObj*>(cls.as_object()); }
  void traverse(Visitor& v) const override {
    v.visit(cls);
    if (data) data->traverse(v);
  }
  void clear() override {
    if (data) data->clear();
  }
};

struct SuperObj : Object {
  SuperObj(Value c, Value s) : Object(ObjKind::Super), cls(std::move(c)), self(std::move(s)) {}
  Value cls;  // look up starting after this class
  Value self;
  void traverse(Visitor& v) const override {
    v.visit(cls);
    v.visit(self);
  }
  void clear() override {
    cls = Value();
    self = Value();
  }
};

// ---------------------------------------------------------------------------------------
// Modules: a table of global slots. Code compiled for a module addresses its globals by
// slot index; a slot whose value is Undef falls back to the builtin of the same name.
struct ModuleObj : Object {
  explicit ModuleObj(std::string n) : Object(ObjKind::Module), name(std::move(n)) {}
  std::string name;
  std::vector<Value> values;    // by slot
  std::vector<Value> builtins;  // by slot: the builtin with that name, or Undef
  std::vector<StrObj*> names;   // by slot (interned; referenced through `name_refs`)
  std::vector<Value> name_refs;
  std::unordered_map<const StrObj*, uint32_t> slots;
  bool native = true;  // "(built-in)" in its repr
  // The slot for an interned name, creating it (with its builtin fallback) if needed.
  uint32_t slot(VM& vm, StrObj* name);
  const Value* find(const StrObj* name) const;  // defined value or null
  // find() that first tries slot `hint` (a per-instruction cache) and updates it.
  const Value* find_hinted(const StrObj* name, uint32_t& hint) const {
    if (hint < names.size() && names[hint] == name)
      return values[hint].is_undef() ? nullptr : &values[hint];
    auto it = slots.find(name);
    if (it == slots.end()) return nullptr;
    hint = it->second;
    return values[it->second].is_undef() ? nullptr : &values[it->second];
  }
  void set(VM& vm, StrObj* name, Value v);
  void traverse(Visitor& v) const override;
  void clear() override;
};

// ---------------------------------------------------------------------------------------
struct RangeObj : Object {
  RangeObj(int64_t a, int64_t b, int64_t c) : Object(ObjKind::Range), start(a), stop(b), step(c) {}
  int64_t start, stop, step;
  int64_t length() const;
};

struct SliceObj : Object {
  SliceObj(Value a, Value b, Value c)
      : Object(ObjKind::Slice), start(std::move(a)), stop(std::move(b)), step(std::move(c)) {}
  Value start, stop, step;  // None when omitted
  void traverse(Visitor& v) const override {
    v.visit(start);
    v.visit(stop);
    v.visit(step);
  }
  void clear() override { start = stop = step = Value::none(); }
};

enum class IterKind : uint8_t {
  Range,
  List,
  Tuple,
  Str,
  DictKeys,
  DictValues,
  DictItems,
  Set,
  Enumerate,
  Zip,
  Reversed,
  Callable,   // iter(callable, sentinel) is not supported; unused
  Generator,  // an eagerly evaluated generator expression / map / filter (list-backed)
};

struct IterObj : Object {
  IterObj(IterKind k, Value s) : Object(ObjKind::Iterator), ikind(k), src(std::move(s)) {}
  IterKind ikind;
  Value src;                   // the container (or, for Enumerate, the inner iterator)
  std::vector<Value> parts;    // Zip: inner iterators
  int64_t index = 0;           // position (List/Tuple/Str byte offset/Dict entry)
  int64_t stop = 0, step = 1;  // Range
  uint64_t version = 0;        // dict/set mutation check
  std::string label;           // Generator: "generator object <genexpr>", "map", "filter"
  void traverse(Visitor& v) const override {
    v.visit(src);
    for (auto& p : parts) v.visit(p);
  }
  void clear() override {
    src = Value();
    parts.clear();
  }
};

inline ModuleObj* FunctionObj::module_obj() const {
  return static_cast<ModuleObj*>(module.as_object());
}

// Helpers for reading objects out of Values.
inline ObjKind kind_of(const Value& v) { return v.as_object()->kind; }
inline bool is_kind(const Value& v, ObjKind k) { return v.is_object() && v.as_object()->kind == k; }
template <class T>
T* as(const Value& v) {
  return static_cast<T*>(v.as_object());
}

}  // namespace gradlab::lang
