// The builtins written in gradlab's own language: the key= forms of sorting and min/max,
// map and filter. Calling a user's key function from here pushes VM frames (suspendable,
// visible in tracebacks as the user's function), instead of re-entering the VM from C++.
// map() and filter() compute their results eagerly and return an iterator over them.
#include "lang/builtins.h"

namespace gradlab::lang {

const char* const kPreludeSource = R"PRELUDE(
def _sort_key(lst, key, reverse):
    keys = [key(x) for x in lst]
    _sort_by_keys(lst, keys, reverse)


def _sorted_key(lst, key, reverse):
    _sort_key(lst, key, reverse)
    return lst


def _min_max_key(items, key, default, has_default, is_max, name):
    if not items:
        if has_default:
            return default
        raise ValueError(name + "() arg is an empty sequence")
    best = items[0]
    best_key = key(best)
    for i in range(1, len(items)):
        x = items[i]
        k = key(x)
        if is_max:
            if k > best_key:
                best = x
                best_key = k
        elif k < best_key:
            best = x
            best_key = k
    return best


def map(function, *iterables):
    if not iterables:
        raise TypeError("map() must have at least two arguments.")
    if len(iterables) == 1:
        return _lazy([function(x) for x in iterables[0]], "map")
    return _lazy([function(*args) for args in zip(*iterables)], "map")


def filter(function, iterable):
    if function is None:
        return _lazy([x for x in iterable if x], "filter")
    return _lazy([x for x in iterable if function(x)], "filter")
)PRELUDE";

}  // namespace gradlab::lang
