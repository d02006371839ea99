// Values and the heap: size, refcounts, deterministic freeing, cycle collection, the dict
// and set tables (the set's iteration order matches CPython's).
#include <gtest/gtest.h>

#include "lang/objects.h"
#include "lang/vm.h"

namespace gradlab::lang {
namespace {

TEST(Value, IsSixteenBytesAndImmediatesNeedNoHeap) {
  EXPECT_EQ(sizeof(Value), 16u);
  Value a = Value::integer(5), b = a;
  EXPECT_TRUE(a.same(b));
  EXPECT_EQ(Value::number(2.5).as_float(), 2.5);
  EXPECT_TRUE(Value::boolean(true).is_intlike());
  EXPECT_EQ(Value::boolean(true).as_int(), 1);
  EXPECT_TRUE(Value().is_undef());
  EXPECT_FALSE(Value::number(0.0).same(Value::number(-0.0)));
}

TEST(Value, RefcountFreesDeterministically) {
  Heap heap;
  size_t base = heap.live_objects();
  {
    Value s = heap.make<StrObj>("hello");
    EXPECT_EQ(s.as_object()->refcount, 1u);
    Value copy = s;
    EXPECT_EQ(s.as_object()->refcount, 2u);
    Value moved = std::move(copy);
    EXPECT_EQ(s.as_object()->refcount, 2u);
    EXPECT_EQ(heap.live_objects(), base + 1);
  }
  EXPECT_EQ(heap.live_objects(), base);
}

TEST(Value, LongChainsFreeWithoutDeepRecursion) {
  Heap heap;
  size_t base = heap.live_objects();
  {
    Value head = heap.make<ListObj>();
    Value cur = head;
    for (int i = 0; i < 200000; ++i) {
      Value next = heap.make<ListObj>();
      as<ListObj>(cur)->items.push_back(next);
      cur = next;
    }
  }
  EXPECT_EQ(heap.live_objects(), base);
}

TEST(Value, CycleCollectorFreesUnreachableCyclesOnly) {
  Heap heap;
  size_t base = heap.live_objects();
  Value kept = heap.make<ListObj>();
  {
    Value a = heap.make<ListObj>();
    Value b = heap.make<ListObj>();
    as<ListObj>(a)->items.push_back(b);
    as<ListObj>(b)->items.push_back(a);
    as<ListObj>(kept)->items.push_back(kept);  // a self-cycle that stays reachable
  }
  EXPECT_EQ(heap.live_objects(), base + 3);
  EXPECT_EQ(heap.collect_cycles(), 2u);
  EXPECT_EQ(heap.live_objects(), base + 1);
  EXPECT_EQ(as<ListObj>(kept)->items.size(), 1u);
}

TEST(Value, ClearAllBreaksEveryCycle) {
  Heap heap;
  size_t base = heap.live_objects();
  {
    Value a = heap.make<ListObj>();
    as<ListObj>(a)->items.push_back(a);
  }
  EXPECT_EQ(heap.live_objects(), base + 1);
  heap.clear_all();
  EXPECT_EQ(heap.live_objects(), base);
}

TEST(AttrMap, InsertionOrderedWithPointerKeys) {
  VM vm;
  AttrMap m;
  for (int i = 0; i < 20; ++i) m.set(vm.intern("k" + std::to_string(i)), Value::integer(i));
  EXPECT_EQ(m.size(), 20u);
  EXPECT_EQ(m.find(vm.intern("k7"))->as_int(), 7);
  EXPECT_TRUE(m.erase(vm.intern("k3")));
  EXPECT_EQ(m.find(vm.intern("k3")), nullptr);
  EXPECT_EQ(m.key(3)->s, "k4");
  EXPECT_EQ(m.find(vm.intern("k19"))->as_int(), 19);
}

TEST(HashTable, DictKeysUnifyEqualNumbers) {
  VM vm;
  Value d = vm.dict();
  vm.dict_set(as<DictObj>(d), Value::integer(1), vm.str("int"));
  vm.dict_set(as<DictObj>(d), Value::number(1.0), vm.str("float"));
  vm.dict_set(as<DictObj>(d), Value::boolean(true), vm.str("bool"));
  EXPECT_EQ(as<DictObj>(d)->table.size(), 1u);
  EXPECT_EQ(vm.repr(d), "{1: 'bool'}");
  for (int i = 0; i < 100; ++i)
    vm.dict_set(as<DictObj>(d), Value::integer(i), Value::integer(i * i));
  for (int i = 0; i < 100; i += 2)
    as<DictObj>(d)->table.erase(vm, Value::integer(i), vm.hash(Value::integer(i)));
  EXPECT_EQ(as<DictObj>(d)->table.size(), 50u);
  EXPECT_EQ(vm.dict_get(as<DictObj>(d), Value::integer(51)).as_int(), 2601);
  EXPECT_TRUE(vm.dict_get(as<DictObj>(d), Value::integer(50)).is_undef());
}

TEST(SetTable, IterationOrderMatchesCPython) {
  VM vm;
  auto make = [&](std::initializer_list<int64_t> xs) {
    Value s = vm.set();
    for (int64_t x : xs)
      as<SetObj>(s)->table.insert(vm, Value::integer(x), vm.hash(Value::integer(x)));
    return vm.repr(s);
  };
  // Expected strings are CPython 3.11's for s = set(); s.add(x) for each x.
  EXPECT_EQ(make({5, 3, 1, 3, 9, 7}), "{1, 3, 5, 7, 9}");
  EXPECT_EQ(make({40, 8, 16, 33, 2, 64, 1}), "{64, 33, 2, 1, 40, 8, 16}");
  EXPECT_EQ(make({100, 1, 50}), "{1, 50, 100}");
  EXPECT_EQ(make({-1, -2, 0}), "{0, -1, -2}");
}

TEST(Hash, NumbersAndTuplesHashAsInCPython) {
  VM vm;
  EXPECT_EQ(vm.hash(Value::integer(-1)), -2);
  EXPECT_EQ(vm.hash(Value::number(1.5)), 1152921504606846977);
  EXPECT_EQ(vm.hash(Value::number(2.0)), 2);
  EXPECT_EQ(vm.hash(vm.tuple({Value::integer(1), Value::integer(2)})), -3550055125485641917);
  EXPECT_EQ(vm.hash(vm.tuple({})), 5740354900026072187);
}

}  // namespace
}  // namespace gradlab::lang
