// Values of gradlab's Python subset. A Value is 16 bytes: a tag and a payload. None, bools,
// ints (64-bit) and floats live inside the Value; everything else is a refcounted heap Object
// (strings, containers, functions, classes, ...) or a tensor (a TensorImpl* refcounted by the
// tensor library). Copying a Value adjusts the refcount; freeing is deterministic, and the
// Heap tracks every object so cycles are collected (collect_cycles) and reset frees all.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tensor/tensor.h"  // TensorImpl's inline reference counting

// Forces inlining of the few tiny members every instruction of the VM runs (see Value), in the
// files built for speed; the browser build's -Os files (__OPTIMIZE_SIZE__) decide for themselves.
#if defined(__OPTIMIZE_SIZE__)
#define GRADLAB_INLINE inline
#else
#define GRADLAB_INLINE inline __attribute__((always_inline))
#endif


namespace gradlab::lang {

struct Object;
class Heap;

enum class Tag : uint8_t {
  Undef,  // "no value": an unbound variable, a missing attribute, a null call slot
  None,
  Bool,
  Int,
  Float,
  Ellipsis,
  NotImplemented,  // returned by operator hooks that do not handle their operands
  TailCall,        // internal: a native asked the VM to call a Python function in its place
  Object,          // refcounted heap object (tags from here on hold references)
  Tensor,          // refcounted TensorImpl*
};

class Value {
 public:
  Value() : tag_(Tag::Undef) { u_.i = 0; }
  static Value none() { return Value(Tag::None); }
  static Value undef() { return Value(); }
  static Value ellipsis() { return Value(Tag::Ellipsis); }
  static Value not_implemented() { return Value(Tag::NotImplemented); }
  static Value tail_call() { return Value(Tag::TailCall); }
  static Value boolean(bool b) {
    Value v(Tag::Bool);
    v.u_.b = b;
    return v;
  }
  static Value integer(int64_t i) {
    Value v(Tag::Int);
    v.u_.i = i;
    return v;
  }
  static Value number(double f) {
    Value v(Tag::Float);
    v.u_.f = f;
    return v;
  }
  // Takes a new reference to `o`.
  static Value object(Object* o);
  // Adopts an existing reference (no incref).
  static Value adopt(Object* o) {
    Value v(Tag::Object);
    v.u_.o = o;
    return v;
  }
  // Tensors: borrow takes a new reference, adopt takes over the caller's reference.
  static Value tensor_borrow(TensorImpl* t) {
    incref(t);
    return tensor_adopt(t);
  }
  static Value tensor_adopt(TensorImpl* t) {
    Value v(Tag::Tensor);
    v.u_.t = t;
    return v;
  }

  // NOTE: always_inline on the copy, move, assignment, destructor and swap in the -O3 files.
  // They are a few instructions each, but some files are built -Os in the browser build
  // (CMakeLists.txt) and the linker keeps one out-of-line copy of each inline function,
  // possibly an -Os one: the VM's hot loop ended up calling an -Os operator= that called swap,
  // which called std::swap. Forcing them inline in the -Os files too cost 15 KB of gzip.
  GRADLAB_INLINE Value(const Value& o) : tag_(o.tag_), u_(o.u_) { retain(); }
  GRADLAB_INLINE Value(Value&& o) noexcept : tag_(o.tag_), u_(o.u_) { o.tag_ = Tag::Undef; }
  GRADLAB_INLINE Value& operator=(const Value& o) {
    Value tmp(o);
    swap(tmp);
    return *this;
  }
  GRADLAB_INLINE Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      Value tmp(std::move(o));
      swap(tmp);
    }
    return *this;
  }
  GRADLAB_INLINE ~Value() { release(); }
  GRADLAB_INLINE void swap(Value& o) noexcept {
    const Tag t = tag_;
    tag_ = o.tag_;
    o.tag_ = t;
    const Payload p = u_;
    u_ = o.u_;
    o.u_ = p;
  }

  Tag tag() const { return tag_; }
  bool is_undef() const { return tag_ == Tag::Undef; }
  bool is_none() const { return tag_ == Tag::None; }
  bool is_bool() const { return tag_ == Tag::Bool; }
  bool is_int() const { return tag_ == Tag::Int; }
  bool is_float() const { return tag_ == Tag::Float; }
  bool is_object() const { return tag_ == Tag::Object; }
  bool is_tensor() const { return tag_ == Tag::Tensor; }
  bool is_refcounted() const { return tag_ >= Tag::Object; }
  // int or bool (bool is a subclass of int)
  bool is_intlike() const { return tag_ == Tag::Int || tag_ == Tag::Bool; }
  bool is_number() const { return tag_ == Tag::Int || tag_ == Tag::Bool || tag_ == Tag::Float; }

  bool as_bool() const { return u_.b; }
  int64_t as_int() const { return tag_ == Tag::Bool ? int64_t(u_.b) : u_.i; }
  double as_float() const { return u_.f; }
  // int, bool or float as a double
  double to_double() const { return tag_ == Tag::Float ? u_.f : double(as_int()); }
  Object* as_object() const { return u_.o; }
  TensorImpl* as_tensor() const { return u_.t; }
  // Gives up this Value's reference without releasing it.
  Object* release_object() {
    tag_ = Tag::Undef;
    return u_.o;
  }
  TensorImpl* release_tensor() {
    tag_ = Tag::Undef;
    return u_.t;
  }

  // Identity (Python `is`).
  bool same(const Value& o) const {
    if (tag_ != o.tag_) return false;
    switch (tag_) {
      case Tag::Bool:
        return u_.b == o.u_.b;
      case Tag::Int:
        return u_.i == o.u_.i;
      case Tag::Float:
        return std::memcmp(&u_.f, &o.u_.f, sizeof(double)) == 0;
      case Tag::Object:
        return u_.o == o.u_.o;
      case Tag::Tensor:
        return u_.t == o.u_.t;
      default:
        return true;
    }
  }

 private:
  explicit Value(Tag t) : tag_(t) { u_.i = 0; }
  GRADLAB_INLINE void retain() const;
  GRADLAB_INLINE void release();
  Tag tag_;
  union Payload {
    bool b;
    int64_t i;
    double f;
    Object* o;
    TensorImpl* t;
  } u_;
};
static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

enum class ObjKind : uint8_t {
  Str,
  List,
  Tuple,
  Dict,
  Set,
  Code,
  Function,
  Cell,
  Class,
  Instance,
  BoundMethod,
  NativeFunction,
  Module,
  Range,
  Slice,
  Iterator,
  Native,
  Super,
};

// A traversal callback for cycle collection: called once per reference an object holds.
struct Visitor {
  virtual void visit_object(Object* o) = 0;
  void visit(const Value& v) {
    if (v.is_object()) visit_object(v.as_object());
  }
  virtual ~Visitor() = default;
};

// The header of every heap object. Objects are created by Heap::make and linked into the
// heap's list (that is how reset and the cycle collector find them).
struct Object {
  explicit Object(ObjKind k) : kind(k) {}
  virtual ~Object() = default;
  // Reports every Value this object holds (for the cycle collector).
  virtual void traverse(Visitor&) const {}
  // Drops every Value this object holds (breaks cycles; the object stays valid but empty).
  virtual void clear() {}

  uint32_t refcount = 0;
  uint32_t serial = 0;  // stable fake address for id() and reprs
  ObjKind kind;
  uint8_t gc_flags = 0;
  Object* prev = nullptr;  // heap list (circular, with the heap's sentinel)
  Object* next = nullptr;
  Heap* heap = nullptr;
};

void free_object(Object* o);  // unlinks and deletes; called when the refcount reaches zero

GRADLAB_INLINE void Value::retain() const {
  if (tag_ == Tag::Object)
    ++u_.o->refcount;
  else if (tag_ == Tag::Tensor)
    gradlab::incref(u_.t);
}
GRADLAB_INLINE void Value::release() {
  if (tag_ == Tag::Object) {
    if (--u_.o->refcount == 0) free_object(u_.o);
  } else if (tag_ == Tag::Tensor) {
    gradlab::decref(u_.t);
  }
}
inline Value Value::object(Object* o) {
  ++o->refcount;
  return adopt(o);
}

// Owns every heap object of one session.
class Heap {
 public:
  Heap();
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // Allocates an object; the returned Value holds the first reference.
  template <class T, class... A>
  T* make_raw(A&&... args) {
    T* o = new T(std::forward<A>(args)...);
    link(o);
    return o;
  }
  template <class T, class... A>
  Value make(A&&... args) {
    return Value::object(make_raw<T>(std::forward<A>(args)...));
  }

  size_t live_objects() const { return live_; }
  // Frees unreachable reference cycles (trial deletion: references from outside the heap's
  // objects, e.g. the VM stack or host handles, keep objects alive). Returns objects freed.
  size_t collect_cycles();
  // Breaks every reference between heap objects and frees all objects nobody outside holds.
  void clear_all();

  void unlink(Object* o);
  void free(Object* o);  // deletes now, or queues while another free is running

 private:
  void link(Object* o);
  struct Sentinel : Object {
    Sentinel() : Object(ObjKind::Str) {}
  } sentinel_;
  size_t live_ = 0;
  uint32_t next_serial_ = 1;
  bool freeing_ = false;
  std::vector<Object*> pending_;
};

}  // namespace gradlab::lang
