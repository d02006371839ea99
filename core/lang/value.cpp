// Heap bookkeeping (allocation list, deferred freeing, cycle collection) and the small
// object methods that do not need the VM.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "lang/objects.h"

namespace gradlab::lang {

// --- heap -------------------------------------------------------------------------------
Heap::Heap() {
  sentinel_.prev = sentinel_.next = &sentinel_;
  sentinel_.refcount = 1;
}

Heap::~Heap() {
  clear_all();
  // Whatever survives is held from outside the heap (a leaked host handle): free it anyway,
  // the session is gone.
  std::vector<Object*> rest;
  for (Object* o = sentinel_.next; o != &sentinel_; o = o->next) rest.push_back(o);
  for (Object* o : rest) o->clear();
  for (Object* o : rest) {
    unlink(o);
    delete o;
  }
}

void Heap::link(Object* o) {
  o->heap = this;
  o->serial = next_serial_++;
  o->next = &sentinel_;
  o->prev = sentinel_.prev;
  sentinel_.prev->next = o;
  sentinel_.prev = o;
  ++live_;
}

void Heap::unlink(Object* o) {
  o->prev->next = o->next;
  o->next->prev = o->prev;
  o->prev = o->next = o;
  --live_;
}

// Freeing an object releases its children; a long chain (a linked list of 100k nodes) would
// recurse that deep, so nested frees are queued and drained iteratively.
void Heap::free(Object* o) {
  pending_.push_back(o);
  if (freeing_) return;
  freeing_ = true;
  while (!pending_.empty()) {
    Object* x = pending_.back();
    pending_.pop_back();
    unlink(x);
    delete x;
  }
  freeing_ = false;
}

void free_object(Object* o) { o->heap->free(o); }

namespace {
struct CountVisitor : Visitor {
  std::unordered_map<Object*, int64_t>* refs;
  void visit_object(Object* o) override {
    auto it = refs->find(o);
    if (it != refs->end()) --it->second;
  }
};
struct MarkVisitor : Visitor {
  std::unordered_map<Object*, int64_t>* refs;
  std::vector<Object*>* work;
  void visit_object(Object* o) override {
    auto it = refs->find(o);
    if (it != refs->end() && it->second <= 0) {
      it->second = 1;
      work->push_back(o);
    }
  }
};
}  // namespace

size_t Heap::collect_cycles() {
  std::unordered_map<Object*, int64_t> refs;
  refs.reserve(live_);
  for (Object* o = sentinel_.next; o != &sentinel_; o = o->next) refs[o] = o->refcount;
  CountVisitor counter;
  counter.refs = &refs;
  for (auto& [o, n] : refs) o->traverse(counter);
  // Objects still referenced from outside are roots; everything they reach is alive.
  std::vector<Object*> work;
  for (auto& [o, n] : refs)
    if (n > 0) work.push_back(o);
  MarkVisitor marker;
  marker.refs = &refs;
  marker.work = &work;
  while (!work.empty()) {
    Object* o = work.back();
    work.pop_back();
    o->traverse(marker);
  }
  std::vector<Object*> garbage;
  for (auto& [o, n] : refs)
    if (n <= 0) garbage.push_back(o);
  for (Object* o : garbage) ++o->refcount;
  for (Object* o : garbage) o->clear();
  for (Object* o : garbage)
    if (--o->refcount == 0) free(o);
  return garbage.size();
}

void Heap::clear_all() {
  std::vector<Object*> all;
  for (Object* o = sentinel_.next; o != &sentinel_; o = o->next) all.push_back(o);
  for (Object* o : all) ++o->refcount;
  for (Object* o : all) o->clear();
  for (Object* o : all)
    if (--o->refcount == 0) free(o);
}

// --- strings ----------------------------------------------------------------------------
StrObj::StrObj(std::string text) : Object(ObjKind::Str), s(std::move(text)) {
  int64_t n = 0;
  for (unsigned char c : s) {
    if (c >= 0x80) ascii = false;
    if ((c & 0xC0) != 0x80) ++n;
  }
  length = n;
}

int64_t StrObj::hash() const {
  if (!hashed) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    int64_t r = int64_t(h >> 1);
    hash_cache = r == -1 ? -2 : r;
    hashed = true;
  }
  return hash_cache;
}

// --- attribute maps ----------------------------------------------------------------------
static constexpr size_t kAttrIndexThreshold = 12;  // linear scan below this many keys

Value* AttrMap::find(const StrObj* name) {
  if (index_.empty()) {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == name) return &values_[i];
    return nullptr;
  }
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &values_[it->second];
}

void AttrMap::set(StrObj* name, Value v) {
  if (Value* slot = find(name)) {
    *slot = std::move(v);
    return;
  }
  ++name->refcount;
  ++layout_version_;
  keys_.push_back(name);
  values_.push_back(std::move(v));
  if (!index_.empty() || keys_.size() > kAttrIndexThreshold) {
    if (index_.empty())
      for (size_t i = 0; i < keys_.size(); ++i) index_[keys_[i]] = uint32_t(i);
    else
      index_[name] = uint32_t(keys_.size() - 1);
  }
}

bool AttrMap::erase(const StrObj* name) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] != name) continue;
    StrObj* k = keys_[i];
    Value old = std::move(values_[i]);
    ++layout_version_;
    keys_.erase(keys_.begin() + i);
    values_.erase(values_.begin() + i);
    index_.clear();
    if (keys_.size() > kAttrIndexThreshold)
      for (size_t j = 0; j < keys_.size(); ++j) index_[keys_[j]] = uint32_t(j);
    if (--k->refcount == 0) free_object(k);
    return true;
  }
  return false;
}

void AttrMap::traverse(Visitor& v) const {
  for (StrObj* k : keys_) v.visit_object(k);
  for (auto& x : values_) v.visit(x);
}

void AttrMap::clear() {
  ++layout_version_;
  std::vector<StrObj*> keys;
  keys.swap(keys_);
  std::vector<Value> values;
  values.swap(values_);
  index_.clear();
  for (StrObj* k : keys)
    if (--k->refcount == 0) free_object(k);
}

// --- hash tables (dict, set) -------------------------------------------------------------
bool hash_keys_equal(VM& vm, const Value& a, const Value& b);  // vm_ops.cpp

int64_t HashTable::find(VM& vm, const Value& key, int64_t hash) const {
  if (slots_.empty()) return -1;
  size_t mask = slots_.size() - 1;
  uint64_t perturb = uint64_t(hash);
  size_t i = size_t(hash) & mask;
  for (;;) {
    int32_t s = slots_[i];
    if (s == -1) return -1;
    if (s >= 0) {
      const Entry& e = entries_[s];
      if (e.hash == hash && (e.key.same(key) || hash_keys_equal(vm, e.key, key))) return s;
    }
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

void HashTable::rebuild(size_t min_slots) {
  std::vector<Entry> live;
  live.reserve(used_);
  for (auto& e : entries_)
    if (!e.key.is_undef()) live.push_back(std::move(e));
  entries_.swap(live);
  size_t n = 8;
  while (n < min_slots) n <<= 1;
  slots_.assign(n, -1);
  size_t mask = n - 1;
  for (size_t k = 0; k < entries_.size(); ++k) {
    uint64_t perturb = uint64_t(entries_[k].hash);
    size_t i = size_t(entries_[k].hash) & mask;
    while (slots_[i] != -1) {
      perturb >>= 5;
      i = (i * 5 + 1 + perturb) & mask;
    }
    slots_[i] = int32_t(k);
  }
  filled_ = entries_.size();
}

bool HashTable::insert(VM& vm, Value key, int64_t hash, Value value) {
  int64_t at = find(vm, key, hash);
  if (at >= 0) {
    entries_[at].value = std::move(value);
    return false;
  }
  if (slots_.empty() || (filled_ + 1) * 3 >= slots_.size() * 2) rebuild((used_ + 1) * 3);
  size_t mask = slots_.size() - 1;
  uint64_t perturb = uint64_t(hash);
  size_t i = size_t(hash) & mask;
  while (slots_[i] >= 0) {
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
  if (slots_[i] == -1) ++filled_;
  slots_[i] = int32_t(entries_.size());
  entries_.push_back(Entry{hash, std::move(key), std::move(value)});
  ++used_;
  ++version_;
  return true;
}

void HashTable::erase_at(size_t k) {
  size_t mask = slots_.size() - 1;
  uint64_t perturb = uint64_t(entries_[k].hash);
  size_t i = size_t(entries_[k].hash) & mask;
  while (slots_[i] != int32_t(k)) {
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
  slots_[i] = -2;
  Entry dead = std::move(entries_[k]);
  entries_[k].key = Value();
  entries_[k].value = Value();
  --used_;
  ++version_;
  if (used_ == 0) {
    entries_.clear();
    slots_.clear();
    filled_ = 0;
  }
}

bool HashTable::erase(VM& vm, const Value& key, int64_t hash) {
  int64_t at = find(vm, key, hash);
  if (at < 0) return false;
  erase_at(size_t(at));
  return true;
}

void HashTable::clear() {
  std::vector<Entry> old;
  old.swap(entries_);
  slots_.clear();
  used_ = filled_ = 0;
  ++version_;
}

void HashTable::traverse(Visitor& v) const {
  for (auto& e : entries_) {
    v.visit(e.key);
    v.visit(e.value);
  }
}

// --- sets (CPython 3.11's table: Objects/setobject.c) ---------------------------------------
static constexpr size_t kLinearProbes = 9;
static constexpr size_t kSetMinSize = 8;

int64_t SetTable::find(VM& vm, const Value& key, int64_t hash) const {
  if (table_.empty()) return -1;
  size_t mask = table_.size() - 1, i = size_t(hash) & mask;
  uint64_t perturb = uint64_t(hash);
  for (;;) {
    size_t probes = (i + kLinearProbes <= mask) ? kLinearProbes : 0;
    for (size_t j = i;; ++j) {
      const Entry& e = table_[j];
      if (e.key.is_undef() && e.hash == 0) return -1;
      if (!e.key.is_undef() && e.hash == hash &&
          (e.key.same(key) || hash_keys_equal(vm, e.key, key)))
        return int64_t(j);
      if (probes-- == 0) break;
    }
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

void SetTable::insert_clean(Value key, int64_t hash) {
  size_t mask = table_.size() - 1, i = size_t(hash) & mask;
  uint64_t perturb = uint64_t(hash);
  for (;;) {
    if (table_[i].key.is_undef()) break;
    bool found = false;
    if (i + kLinearProbes <= mask) {
      for (size_t j = 1; j <= kLinearProbes; ++j)
        if (table_[i + j].key.is_undef()) {
          i += j;
          found = true;
          break;
        }
    }
    if (found) break;
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
  table_[i].key = std::move(key);
  table_[i].hash = hash;
}

void SetTable::resize(size_t minused) {
  size_t n = kSetMinSize;
  while (n <= minused) n <<= 1;
  std::vector<Entry> old;
  old.swap(table_);
  table_.resize(n);
  for (auto& e : table_) e.hash = 0;
  for (auto& e : old)
    if (!e.key.is_undef()) insert_clean(std::move(e.key), e.hash);
  fill_ = used_;
}

bool SetTable::insert(VM& vm, Value key, int64_t hash, Value) {
  if (table_.empty()) {
    table_.resize(kSetMinSize);
    for (auto& e : table_) e.hash = 0;
  }
  size_t mask = table_.size() - 1, i = size_t(hash) & mask;
  uint64_t perturb = uint64_t(hash);
  Entry* freeslot = nullptr;
  for (;;) {
    size_t probes = (i + kLinearProbes <= mask) ? kLinearProbes : 0;
    for (size_t j = i;; ++j) {
      Entry& e = table_[j];
      if (e.key.is_undef() && e.hash == 0) {
        ++used_;
        ++version_;
        if (freeslot) {
          freeslot->key = std::move(key);
          freeslot->hash = hash;
          return true;
        }
        ++fill_;
        e.key = std::move(key);
        e.hash = hash;
        if (fill_ * 5 >= mask * 3) resize(used_ > 50000 ? used_ * 2 : used_ * 4);
        return true;
      }
      if (!e.key.is_undef() && e.hash == hash &&
          (e.key.same(key) || hash_keys_equal(vm, e.key, key)))
        return false;
      if (e.key.is_undef() && e.hash == -1 && !freeslot) freeslot = &e;
      if (probes-- == 0) break;
    }
    perturb >>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

void SetTable::erase_at(size_t i) {
  Value dead = std::move(table_[i].key);
  table_[i].key = Value();
  table_[i].hash = -1;
  --used_;
  ++version_;
}

bool SetTable::erase(VM& vm, const Value& key, int64_t hash) {
  int64_t i = find(vm, key, hash);
  if (i < 0) return false;
  erase_at(size_t(i));
  return true;
}

void SetTable::clear() {
  std::vector<Entry> old;
  old.swap(table_);
  used_ = fill_ = 0;
  ++version_;
}

void SetTable::merge_from(VM& vm, const SetTable& other) {
  if (other.used_ == 0) return;
  if (fill_ == 0 && table_.size() == other.table_.size()) {
    table_ = other.table_;
    used_ = other.used_;
    fill_ = other.fill_;
    ++version_;
    return;
  }
  if (table_.empty()) {
    table_.resize(kSetMinSize);
    for (auto& e : table_) e.hash = 0;
  }
  if ((fill_ + other.used_) * 5 >= (table_.size() - 1) * 3) resize((used_ + other.used_) * 2);
  if (fill_ == 0) {
    for (auto& e : other.table_)
      if (!e.key.is_undef()) {
        insert_clean(e.key, e.hash);
        ++used_;
        ++fill_;
      }
    ++version_;
    return;
  }
  for (auto& e : other.table_)
    if (!e.key.is_undef()) insert(vm, e.key, e.hash);
}

void SetTable::traverse(Visitor& v) const {
  for (auto& e : table_) v.visit(e.key);
}

// --- code, functions, classes, instances, modules ----------------------------------------
SourceText::SourceText(std::string file, std::string src)
    : filename(std::move(file)), text(std::move(src)) {
  line_starts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts.push_back(uint32_t(i + 1));
}

std::string_view SourceText::line(int n) const {
  if (n < 1 || size_t(n) > line_starts.size()) return {};
  size_t a = line_starts[n - 1];
  size_t b = size_t(n) < line_starts.size() ? line_starts[n] - 1 : text.size();
  if (b > a && text[b - 1] == '\r') --b;
  return std::string_view(text).substr(a, b - a);
}

void CodeObj::traverse(Visitor& v) const {
  for (auto& c : consts) v.visit(c);
  for (auto& n : varnames) v.visit(n);
}
void CodeObj::clear() {
  std::vector<Value>().swap(consts);
  std::vector<Value>().swap(varnames);
}

void FunctionObj::traverse(Visitor& v) const {
  v.visit(code);
  v.visit(module);
  v.visit(owner);
  for (auto& x : defaults) v.visit(x);
  for (auto& x : kwdefaults) v.visit(x);
  for (auto& x : closure) v.visit(x);
}
void FunctionObj::clear() {
  code = module = owner = Value();
  defaults.clear();
  kwdefaults.clear();
  closure.clear();
}

std::string_view CallArgs::kwname(size_t i) const {
  return static_cast<const StrObj*>(kwnames->items[i].as_object())->s;
}

bool ClassObj::is_subclass_of(const ClassObj* other) const {
  for (const ClassObj* c = this; c; c = c->base_class())
    if (c == other) return true;
  return false;
}

const Value* ClassObj::lookup(const StrObj* name) const {
  uint64_t version = 0;
  for (const ClassObj* c = this; c; c = c->base_class()) version += c->dict.layout_version();
  Memo& m = memo_[(reinterpret_cast<uintptr_t>(name) >> 4) % kMemoSize];
  if (m.name == name && m.version == version) return m.value;
  const Value* found = nullptr;
  for (const ClassObj* c = this; c && !found; c = c->base_class()) found = c->dict.find(name);
  // Only interned names: a temporary string's address may later belong to another name.
  if (name->interned) m = Memo{name, found, version};
  return found;
}

void InstanceObj::traverse(Visitor& v) const {
  v.visit(cls);
  attrs.traverse(v);
  if (data) data->traverse(v);
}
void InstanceObj::clear() {
  attrs.clear();
  if (data) data->clear();
}

const Value* ModuleObj::find(const StrObj* name) const {
  auto it = slots.find(name);
  if (it == slots.end() || values[it->second].is_undef()) return nullptr;
  return &values[it->second];
}

void ModuleObj::traverse(Visitor& v) const {
  for (auto& x : values) v.visit(x);
  for (auto& x : builtins) v.visit(x);
  for (auto& x : name_refs) v.visit(x);
}
void ModuleObj::clear() {
  std::vector<Value> a, b, c;
  a.swap(values);
  b.swap(builtins);
  c.swap(name_refs);
  names.clear();
  slots.clear();
}

int64_t RangeObj::length() const {
  if (step > 0 && start < stop)
    return int64_t((uint64_t(stop) - uint64_t(start) - 1) / uint64_t(step) + 1);
  if (step < 0 && start > stop)
    return int64_t((uint64_t(start) - uint64_t(stop) - 1) / (0 - uint64_t(step)) + 1);
  return 0;
}

}  // namespace gradlab::lang
