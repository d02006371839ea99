// Sequences and iteration builtins: list, tuple, range and their methods; len, iter, next,
// zip, enumerate, reversed, sum, any, all, min, max, sorted. The key= forms of sorting and
// min/max run in the gradlab-language prelude (builtins_prelude.cpp) so that calling the key
// function pushes VM frames instead of re-entering the VM from C++.
#include <algorithm>

#include "lang/builtins.h"

namespace gradlab::lang {

namespace {
Value prelude_fn(VM& vm, const char* name) {
  if (!vm.prelude.is_object())
    vm.raise("RuntimeError", std::string("the gradlab prelude is not loaded (") + name + ")");
  return vm.get_attr(vm.prelude, vm.intern(name));
}

std::vector<Value>& self_list(VM& vm, const CallArgs& a, const char* name) {
  if (a.npos == 0 || !is_kind(a[0], ObjKind::List))
    vm.raise("TypeError", std::string("descriptor '") + name + "' requires a 'list' object");
  return as<ListObj>(a[0])->items;
}

Value list_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "list", 0, 1);
  return vm.list(a.npos ? vm.to_vector(a[0]) : std::vector<Value>{});
}
Value tuple_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "tuple", 0, 1);
  if (a.npos && is_kind(a[0], ObjKind::Tuple) && !as<TupleObj>(a[0])->cls.is_object()) return a[0];
  return vm.tuple(a.npos ? vm.to_vector(a[0]) : std::vector<Value>{});
}
Value range_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "range", 1, 3);
  int64_t start = 0, stop, step = 1;
  if (a.npos == 1) {
    stop = int_arg(vm, a[0], "range");
  } else {
    start = int_arg(vm, a[0], "range");
    stop = int_arg(vm, a[1], "range");
    if (a.npos == 3) step = int_arg(vm, a[2], "range");
  }
  if (step == 0) vm.raise("ValueError", "range() arg 3 must not be zero");
  return vm.heap.make<RangeObj>(start, stop, step);
}

// --- list methods ------------------------------------------------------------------------------
Value l_append(VM& vm, CallArgs& a) {
  expect_args(vm, a, "append", 2, 2);
  self_list(vm, a, "append").push_back(a[1]);
  return Value::none();
}
Value l_extend(VM& vm, CallArgs& a) {
  expect_args(vm, a, "extend", 2, 2);
  auto& items = self_list(vm, a, "extend");
  std::vector<Value> more = vm.to_vector(a[1]);
  items.insert(items.end(), more.begin(), more.end());
  return Value::none();
}
Value l_pop(VM& vm, CallArgs& a) {
  expect_args(vm, a, "pop", 1, 2);
  auto& items = self_list(vm, a, "pop");
  if (items.empty()) vm.raise("IndexError", "pop from empty list");
  int64_t i = a.npos > 1 ? int_arg(vm, a[1], "pop") : -1;
  if (i < 0) i += int64_t(items.size());
  if (i < 0 || i >= int64_t(items.size())) vm.raise("IndexError", "pop index out of range");
  Value v = std::move(items[size_t(i)]);
  items.erase(items.begin() + long(i));
  return v;
}
Value l_insert(VM& vm, CallArgs& a) {
  expect_args(vm, a, "insert", 3, 3);
  auto& items = self_list(vm, a, "insert");
  int64_t n = int64_t(items.size()), i = int_arg(vm, a[1], "insert");
  if (i < 0) i = std::max<int64_t>(0, i + n);
  if (i > n) i = n;
  items.insert(items.begin() + long(i), a[2]);
  return Value::none();
}
int64_t seq_index(VM& vm, const std::vector<Value>& items, const CallArgs& a) {
  int64_t n = int64_t(items.size()), lo = 0, hi = n;
  if (a.npos > 2) lo = int_arg(vm, a[2], "index");
  if (a.npos > 3) hi = int_arg(vm, a[3], "index");
  if (lo < 0) lo = std::max<int64_t>(0, lo + n);
  if (hi < 0) hi = std::max<int64_t>(0, hi + n);
  for (int64_t i = lo; i < std::min(hi, int64_t(items.size())); ++i)
    if (items[size_t(i)].same(a[1]) || vm.eq(items[size_t(i)], a[1])) return i;
  return -1;
}
Value l_index(VM& vm, CallArgs& a) {
  expect_args(vm, a, "index", 2, 4);
  int64_t i = seq_index(vm, self_list(vm, a, "index"), a);
  if (i < 0) vm.raise("ValueError", vm.repr(a[1]) + " is not in list");
  return Value::integer(i);
}
Value seq_count(VM& vm, const std::vector<Value>& items, const Value& x) {
  int64_t n = 0;
  for (auto& v : items)
    if (v.same(x) || vm.eq(v, x)) ++n;
  return Value::integer(n);
}
Value l_count(VM& vm, CallArgs& a) {
  expect_args(vm, a, "count", 2, 2);
  return seq_count(vm, self_list(vm, a, "count"), a[1]);
}
Value l_remove(VM& vm, CallArgs& a) {
  expect_args(vm, a, "remove", 2, 2);
  auto& items = self_list(vm, a, "remove");
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].same(a[1]) || vm.eq(items[i], a[1])) {
      items.erase(items.begin() + long(i));
      return Value::none();
    }
  vm.raise("ValueError", "list.remove(x): x not in list");
}
Value l_reverse(VM& vm, CallArgs& a) {
  auto& items = self_list(vm, a, "reverse");
  std::reverse(items.begin(), items.end());
  return Value::none();
}
Value l_copy(VM& vm, CallArgs& a) { return vm.list(self_list(vm, a, "copy")); }
Value l_clear(VM& vm, CallArgs& a) {
  std::vector<Value> old;
  old.swap(self_list(vm, a, "clear"));
  return Value::none();
}

// Stable sort with Python's `<`; reverse keeps equal items in their original order.
void sort_values(VM& vm, std::vector<Value>& items, bool reverse) {
  std::vector<Value> work(items);
  std::stable_sort(work.begin(), work.end(), [&](const Value& x, const Value& y) {
    return reverse ? vm.less(y, x) : vm.less(x, y);
  });
  items.swap(work);
}
Value l_sort(VM& vm, CallArgs& a) {
  Value p[3];
  p[1] = Value::none();
  p[2] = Value::boolean(false);
  parse_args(vm, a, "sort", {"self", "*", "key=", "reverse="}, p);
  auto& items = self_list(vm, a, "sort");
  if (!p[1].is_none()) return vm.tail_call(prelude_fn(vm, "_sort_key"), {a[0], p[1], p[2]});
  sort_values(vm, items, vm.truthy(p[2]));
  return Value::none();
}
// _sort_by_keys(list, keys, reverse): the prelude computed the keys.
Value sort_by_keys(VM& vm, CallArgs& a) {
  expect_args(vm, a, "_sort_by_keys", 3, 3);
  auto& items = as<ListObj>(a[0])->items;
  auto& keys = as<ListObj>(a[1])->items;
  bool reverse = vm.truthy(a[2]);
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return reverse ? vm.less(keys[y], keys[x]) : vm.less(keys[x], keys[y]);
  });
  std::vector<Value> out;
  out.reserve(items.size());
  for (size_t i : order) out.push_back(items[i]);
  items.swap(out);
  return Value::none();
}

Value t_index(VM& vm, CallArgs& a) {
  expect_args(vm, a, "index", 2, 4);
  int64_t i = seq_index(vm, as<TupleObj>(a[0])->items, a);
  if (i < 0) vm.raise("ValueError", "tuple.index(x): x not in tuple");
  return Value::integer(i);
}
Value t_count(VM& vm, CallArgs& a) {
  expect_args(vm, a, "count", 2, 2);
  return seq_count(vm, as<TupleObj>(a[0])->items, a[1]);
}

// --- iteration builtins ------------------------------------------------------------------------
Value b_len(VM& vm, CallArgs& a) {
  expect_args(vm, a, "len", 1, 1);
  if (const Value* d = vm.instance_dunder(a[0], vm.names[VM::kLen]))
    return vm.tail_call(*d, {a[0]});
  return Value::integer(vm.len(a[0]));
}
Value b_iter(VM& vm, CallArgs& a) {
  expect_args(vm, a, "iter", 1, 1);
  if (const Value* d = vm.instance_dunder(a[0], vm.names[VM::kIter]))
    return vm.tail_call(*d, {a[0]});
  return vm.iter(a[0]);
}
Value b_next(VM& vm, CallArgs& a) {
  expect_args(vm, a, "next", 1, 2);
  if (a.npos == 1)
    if (const Value* d = vm.instance_dunder(a[0], vm.names[VM::kNext]))
      return vm.tail_call(*d, {a[0]});
  bool native_next = is_kind(a[0], ObjKind::Native) && as<NativeObj>(a[0])->class_obj()->hooks &&
                     as<NativeObj>(a[0])->class_obj()->hooks->next;
  if (!is_kind(a[0], ObjKind::Iterator) && !native_next &&
      !vm.instance_dunder(a[0], vm.names[VM::kNext]))
    vm.raise("TypeError", "'" + vm.type_name(a[0]) + "' object is not an iterator");
  Value out;
  if (vm.next(a[0], out)) return out;
  if (a.npos > 1) return a[1];
  vm.raise(vm.classes.stop_iteration, "");
}
Value b_zip(VM& vm, CallArgs& a) {
  no_kwargs(vm, a, "zip");
  Value z = vm.heap.make<IterObj>(IterKind::Zip, Value());
  for (uint32_t i = 0; i < a.npos; ++i) as<IterObj>(z)->parts.push_back(vm.iter(a[i]));
  return z;
}
Value b_enumerate(VM& vm, CallArgs& a) {
  Value p[2];
  p[1] = Value::integer(0);
  parse_args(vm, a, "enumerate", {"iterable", "start="}, p);
  Value e = vm.heap.make<IterObj>(IterKind::Enumerate, vm.iter(p[0]));
  as<IterObj>(e)->index = int_arg(vm, p[1], "enumerate");
  return e;
}
Value b_reversed(VM& vm, CallArgs& a) {
  expect_args(vm, a, "reversed", 1, 1);
  const Value& x = a[0];
  if (const Value* d = class_method(vm, x, "__reversed__")) return vm.tail_call(*d, {x});
  bool seq = is_kind(x, ObjKind::List) || is_kind(x, ObjKind::Tuple) || is_kind(x, ObjKind::Str) ||
             is_kind(x, ObjKind::Range) || vm.instance_dunder(x, vm.names[VM::kGetitem]) ||
             x.is_tensor();
  if (!seq) vm.raise("TypeError", "'" + vm.type_name(x) + "' object is not reversible");
  Value r = vm.heap.make<IterObj>(IterKind::Reversed, x);
  as<IterObj>(r)->index = vm.len(x);
  return r;
}
Value b_sum(VM& vm, CallArgs& a) {
  Value p[2];
  p[1] = Value::integer(0);
  parse_args(vm, a, "sum", {"iterable", "start="}, p);
  if (is_kind(p[1], ObjKind::Str))
    vm.raise("TypeError", "sum() can't sum strings [use ''.join(seq) instead]");
  Value acc = p[1];
  Value it = vm.iter(p[0]);
  Value x;
  while (vm.next(it, x)) acc = vm.binary(BinaryOp::Add, acc, x);
  return acc;
}
Value b_any(VM& vm, CallArgs& a) {
  expect_args(vm, a, "any", 1, 1);
  Value it = vm.iter(a[0]);
  Value x;
  while (vm.next(it, x))
    if (vm.truthy(x)) return Value::boolean(true);
  return Value::boolean(false);
}
Value b_all(VM& vm, CallArgs& a) {
  expect_args(vm, a, "all", 1, 1);
  Value it = vm.iter(a[0]);
  Value x;
  while (vm.next(it, x))
    if (!vm.truthy(x)) return Value::boolean(false);
  return Value::boolean(true);
}

Value min_max(VM& vm, CallArgs& a, bool is_max) {
  const char* name = is_max ? "max" : "min";
  Value key = Value::none(), dflt;
  for (uint32_t k = 0; k < a.nkw; ++k) {
    if (a.kwname(k) == "key")
      key = a.kwvalues[k];
    else if (a.kwname(k) == "default")
      dflt = a.kwvalues[k];
    else
      vm.raise("TypeError", std::string(name) + "() got an unexpected keyword argument '" +
                                std::string(a.kwname(k)) + "'");
  }
  if (a.npos == 0)
    vm.raise("TypeError", std::string(name) + " expected at least 1 argument, got 0");
  if (a.npos > 1 && !dflt.is_undef())
    vm.raise("TypeError", std::string("Cannot specify a default for ") + name +
                              "() with multiple positional arguments");
  std::vector<Value> items =
      a.npos == 1 ? vm.to_vector(a[0]) : std::vector<Value>(a.pos, a.pos + a.npos);
  if (!key.is_none())
    return vm.tail_call(prelude_fn(vm, "_min_max_key"),
                        {vm.list(std::move(items)), key, dflt.is_undef() ? Value::none() : dflt,
                         Value::boolean(!dflt.is_undef()), Value::boolean(is_max), vm.str(name)});
  if (items.empty()) {
    if (!dflt.is_undef()) return dflt;
    vm.raise("ValueError", std::string(name) + "() arg is an empty sequence");
  }
  Value best = items[0];
  for (size_t i = 1; i < items.size(); ++i) {
    bool better =
        is_max ? vm.truthy(vm.compare(CompareOp::Gt, items[i], best)) : vm.less(items[i], best);
    if (better) best = items[i];
  }
  return best;
}
Value b_min(VM& vm, CallArgs& a) { return min_max(vm, a, false); }
Value b_max(VM& vm, CallArgs& a) { return min_max(vm, a, true); }

Value b_sorted(VM& vm, CallArgs& a) {
  Value p[3];
  p[1] = Value::none();
  p[2] = Value::boolean(false);
  parse_args(vm, a, "sorted", {"iterable", "*", "key=", "reverse="}, p);
  Value lst = vm.list(vm.to_vector(p[0]));
  if (!p[1].is_none()) return vm.tail_call(prelude_fn(vm, "_sorted_key"), {lst, p[1], p[2]});
  sort_values(vm, as<ListObj>(lst)->items, vm.truthy(p[2]));
  return lst;
}

// _lazy(list, label): the iterator map() and filter() return (their results are computed
// eagerly by the prelude).
Value b_lazy(VM& vm, CallArgs& a) {
  expect_args(vm, a, "_lazy", 2, 2);
  Value it = vm.heap.make<IterObj>(IterKind::Generator, a[0]);
  as<IterObj>(it)->label = as<StrObj>(a[1])->s + " object";
  return it;
}
}  // namespace

void init_dicts_sets(VM& vm);  // builtins_dict.cpp

void init_containers(VM& vm) {
  vm.classes.list->construct = list_new;
  vm.classes.tuple->construct = tuple_new;
  vm.classes.range->construct = range_new;
  vm.add_builtin("list", Value::object(vm.classes.list));
  vm.add_builtin("tuple", Value::object(vm.classes.tuple));
  vm.add_builtin("range", Value::object(vm.classes.range));
  struct M {
    const char* name;
    NativeFn fn;
  };
  for (const M& m :
       {M{"append", l_append}, M{"extend", l_extend}, M{"pop", l_pop}, M{"insert", l_insert},
        M{"index", l_index}, M{"count", l_count}, M{"remove", l_remove}, M{"sort", l_sort},
        M{"reverse", l_reverse}, M{"copy", l_copy}, M{"clear", l_clear}})
    vm.add_method(vm.classes.list, m.name, m.fn);
  vm.add_method(vm.classes.tuple, "index", t_index);
  vm.add_method(vm.classes.tuple, "count", t_count);
  for (const M& m : {M{"len", b_len}, M{"iter", b_iter}, M{"next", b_next}, M{"zip", b_zip},
                     M{"enumerate", b_enumerate}, M{"reversed", b_reversed}, M{"sum", b_sum},
                     M{"any", b_any}, M{"all", b_all}, M{"min", b_min}, M{"max", b_max},
                     M{"sorted", b_sorted}, M{"_sort_by_keys", sort_by_keys}, M{"_lazy", b_lazy}})
    def_builtin(vm, m.name, m.fn);
  init_dicts_sets(vm);
}

}  // namespace gradlab::lang
