// Iteration: iter() and next() over every built-in kind (ranges, sequences, dict views, sets,
// zip/enumerate/reversed), user iterators and native kinds, list(iterable), and the tuple
// unpacking of assignments and for targets with CPython's error wording.
#include "lang/vm.h"

namespace gradlab::lang {

namespace {
const TypeHooks* hooks_of(VM& vm, const Value& v) {
  if (v.is_tensor()) return vm.classes.tensor ? vm.classes.tensor->hooks : nullptr;
  if (is_kind(v, ObjKind::Native)) return as<NativeObj>(v)->class_obj()->hooks;
  return nullptr;
}
}  // namespace

// --- iteration ----------------------------------------------------------------------------------
Value VM::iter(const Value& v) {
  if (v.is_object()) {
    switch (kind_of(v)) {
      case ObjKind::List:
        return heap.make<IterObj>(IterKind::List, v);
      case ObjKind::Tuple:
        return heap.make<IterObj>(IterKind::Tuple, v);
      case ObjKind::Str:
        return heap.make<IterObj>(IterKind::Str, v);
      case ObjKind::Dict: {
        Value it = heap.make<IterObj>(IterKind::DictKeys, v);
        as<IterObj>(it)->version = as<DictObj>(v)->table.version();
        return it;
      }
      case ObjKind::Set: {
        Value it = heap.make<IterObj>(IterKind::Set, v);
        as<IterObj>(it)->version = as<SetObj>(v)->table.version();
        return it;
      }
      case ObjKind::Range: {
        auto* r = as<RangeObj>(v);
        Value it = heap.make<IterObj>(IterKind::Range, Value());
        auto* io = as<IterObj>(it);
        io->index = r->start;
        io->stop = r->stop;
        io->step = r->step;
        return it;
      }
      case ObjKind::Iterator:
        return v;
      case ObjKind::Instance:
        if (const Value* d = instance_dunder(v, names[kIter])) return call(*d, {v});
        if (instance_dunder(v, names[kNext])) return v;
        if (instance_dunder(v, names[kGetitem])) {
          // The old sequence protocol: items 0, 1, ... until IndexError.
          std::vector<Value> items;
          for (int64_t i = 0;; ++i) {
            try {
              items.push_back(get_item(v, Value::integer(i)));
            } catch (PyException& e) {
              if (isinstance(e.exc, exception_class("IndexError"))) break;
              throw;
            }
          }
          return heap.make<IterObj>(IterKind::List, list(std::move(items)));
        }
        break;
      default:
        break;
    }
  }
  if (const TypeHooks* h = hooks_of(*this, v); h && h->next) return v;
  if (const TypeHooks* h = hooks_of(*this, v); h && h->iter) {
    Value r = h->iter(*this, v);
    return is_kind(r, ObjKind::Iterator) ? r : iter(r);
  }
  raise("TypeError", "'" + type_name(v) + "' object is not iterable");
}

bool VM::next(const Value& itv, Value& out) {
  if (!is_kind(itv, ObjKind::Iterator)) {
    if (const TypeHooks* h = hooks_of(*this, itv); h && h->next) return h->next(*this, itv, out);
    if (const Value* d = instance_dunder(itv, names[kNext])) {
      try {
        out = call(*d, {itv});
        return true;
      } catch (PyException& e) {
        if (isinstance(e.exc, classes.stop_iteration)) return false;
        throw;
      }
    }
    raise("TypeError", "'" + type_name(itv) + "' object is not an iterator");
  }
  IterObj* it = as<IterObj>(itv);
  switch (it->ikind) {
    case IterKind::Range:
      if (it->step > 0 ? it->index >= it->stop : it->index <= it->stop) return false;
      out = Value::integer(it->index);
      it->index += it->step;
      return true;
    case IterKind::List:
    case IterKind::Generator: {
      auto& items = as<ListObj>(it->src)->items;
      if (it->index >= int64_t(items.size())) return false;
      out = items[size_t(it->index++)];
      return true;
    }
    case IterKind::Tuple: {
      auto& items = as<TupleObj>(it->src)->items;
      if (it->index >= int64_t(items.size())) return false;
      out = items[size_t(it->index++)];
      return true;
    }
    case IterKind::Str: {
      const std::string& s = as<StrObj>(it->src)->s;
      if (it->index >= int64_t(s.size())) return false;
      size_t i = size_t(it->index), j = i + 1;
      while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
      out = j == i + 1 ? char_str(static_cast<unsigned char>(s[i])) : str(s.substr(i, j - i));
      it->index = int64_t(j);
      return true;
    }
    case IterKind::Set: {
      auto& table = as<SetObj>(it->src)->table;
      if (table.version() != it->version)
        raise("RuntimeError", "Set changed size during iteration");
      auto& es = table.entries();
      while (it->index < int64_t(es.size()) && es[size_t(it->index)].key.is_undef()) ++it->index;
      if (it->index >= int64_t(es.size())) return false;
      out = es[size_t(it->index++)].key;
      return true;
    }
    case IterKind::DictKeys:
    case IterKind::DictValues:
    case IterKind::DictItems: {
      auto& table = as<DictObj>(it->src)->table;
      if (table.version() != it->version)
        raise("RuntimeError", "dictionary changed size during iteration");
      auto& es = table.entries();
      while (it->index < int64_t(es.size()) && es[size_t(it->index)].key.is_undef()) ++it->index;
      if (it->index >= int64_t(es.size())) return false;
      auto& e = es[size_t(it->index++)];
      if (it->ikind == IterKind::DictValues)
        out = e.value;
      else if (it->ikind == IterKind::DictItems)
        out = tuple({e.key, e.value});
      else
        out = e.key;
      return true;
    }
    case IterKind::Enumerate: {
      Value x;
      if (!next(it->src, x)) return false;
      out = tuple({Value::integer(it->index++), std::move(x)});
      return true;
    }
    case IterKind::Zip: {
      if (it->parts.empty()) return false;
      std::vector<Value> row;
      for (auto& p : it->parts) {
        Value x;
        if (!next(p, x)) return false;
        row.push_back(std::move(x));
      }
      out = tuple(std::move(row));
      return true;
    }
    case IterKind::Reversed: {
      if (it->index <= 0) return false;
      --it->index;
      out = is_kind(it->src, ObjKind::List) ? as<ListObj>(it->src)->items[size_t(it->index)]
                                            : get_item(it->src, Value::integer(it->index));
      return true;
    }
    case IterKind::Callable:
      return false;
  }
  return false;
}

std::vector<Value> VM::to_vector(const Value& v) {
  if (is_kind(v, ObjKind::List)) return as<ListObj>(v)->items;
  if (is_kind(v, ObjKind::Tuple)) return as<TupleObj>(v)->items;
  std::vector<Value> out;
  Value it = iter(v);
  Value x;
  while (next(it, x)) {
    out.push_back(std::move(x));
    if (int64_t(out.size()) > kMaxSequenceLength) raise("MemoryError", "");
  }
  return out;
}

void unpack(VM& vm, const Value& v, uint32_t before, uint32_t after, bool star, Value* out) {
  bool iterable = v.is_tensor() || (v.is_object() && kind_of(v) != ObjKind::Function &&
                                    kind_of(v) != ObjKind::Class);
  if (!iterable) vm.raise("TypeError", "cannot unpack non-iterable " + vm.type_name(v) + " object");
  std::vector<Value> items;
  try {
    items = vm.to_vector(v);
  } catch (PyException& e) {
    if (vm.isinstance(e.exc, vm.exception_class("TypeError")))
      vm.raise("TypeError", "cannot unpack non-iterable " + vm.type_name(v) + " object");
    throw;
  }
  size_t n = items.size();
  if (!star) {
    if (n > before)
      vm.raise("ValueError", "too many values to unpack (expected " + std::to_string(before) + ")");
    if (n < before)
      vm.raise("ValueError", "not enough values to unpack (expected " + std::to_string(before) +
                                 ", got " + std::to_string(n) + ")");
    for (size_t i = 0; i < n; ++i) out[i] = std::move(items[i]);
    return;
  }
  if (n < before + after)
    vm.raise("ValueError", "not enough values to unpack (expected at least " +
                               std::to_string(before + after) + ", got " + std::to_string(n) + ")");
  for (size_t i = 0; i < before; ++i) out[i] = std::move(items[i]);
  std::vector<Value> mid(std::make_move_iterator(items.begin() + long(before)),
                         std::make_move_iterator(items.end() - long(after)));
  out[before] = vm.list(std::move(mid));
  for (size_t i = 0; i < after; ++i) out[before + 1 + i] = std::move(items[n - after + i]);
}

}  // namespace gradlab::lang
