// Internal to the builtins_*.cpp files and vm_init.cpp: registration entry points and small
// argument helpers that word errors as CPython does.
#pragma once
#include <string>

#include "lang/vm.h"

namespace gradlab::lang {

void init_numbers(VM& vm);     // int, float, bool, abs, round, divmod, pow, bin/oct/hex
void init_strings(VM& vm);     // str and its methods, repr, ascii, format, chr, ord, % formatting
void init_containers(VM& vm);  // list/tuple/dict/set/range, len, zip, enumerate, sum, min, max, ...
void init_functions(VM& vm);   // print, type, isinstance, getattr, super, object, exceptions, ...
void init_math_random(VM& vm);  // the math and random modules
void init_time(VM& vm);         // the time module (builtins_time.cpp)
// The gradlab-language part of the builtins (sorted/min/max with key, map, filter); run once
// the session can compile code.
extern const char* const kPreludeSource;

// Registers a builtin function.
void def_builtin(VM& vm, const char* name, NativeFn fn);

// Argument helpers.
void expect_args(VM& vm, const CallArgs& a, const char* fname, uint32_t lo, uint32_t hi);
void no_kwargs(VM& vm, const CallArgs& a, const char* fname);
int64_t int_arg(VM& vm, const Value& v,
                const char* what);  // TypeError "'str' object cannot be interpreted as an integer"
double float_arg(VM& vm, const Value& v, const char* fname);  // "must be real number, not str"
const std::string& str_arg(VM& vm, const Value& v, const char* fname, int pos);
// Looks up a method on the value's class (e.g. "__int__" on a Tensor); null if none.
const Value* class_method(VM& vm, const Value& v, const char* name);

// Shared formatting helpers (builtins_strings.cpp / vm_repr.cpp / vm_attr.cpp).
std::string str_repr(std::string_view s);
std::string fake_address(const Object* o);
Value str_index(VM& vm, StrObj* s, int64_t i);
int64_t slice_indices(VM& vm, const SliceObj* s, int64_t len, int64_t* start, int64_t* stop,
                      int64_t* step);
std::string str_percent(VM& vm, const std::string& fmt, const Value& args);
std::string encode_utf8(int64_t code_point);
size_t byte_offset(const std::string& s, int64_t code_points);  // of a UTF-8 string
Value arith(VM& vm, BinaryOp op, const Value& a, const Value& b);

}  // namespace gradlab::lang
