// Text output exactly as PyTorch 1.13 / CPython 3.11 produce it: tensor str/repr
// (torch/_tensor_str.py with the default print options), repr(float), and format(value, spec)
// for float, int and str (the format-spec mini-language).
//
// format.cpp holds the tensor printer and the dtype names; pyformat.cpp the Python number and
// string formatting the printer is built on.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/dtype.h"

namespace gradlab {

// A read-only view of a tensor's elements, contiguous and row-major. `data` points to float
// (Float32), double (Float64), int64_t (Int64) or uint8_t 0/1 (Bool). `sizes` empty = 0-d.
struct FormatView {
  DType dtype;
  std::vector<int64_t> sizes;
  const void* data;
};

// The autograd part of a repr. grad_fn wins over requires_grad, as in PyTorch: a non-leaf
// prints ", grad_fn=<MulBackward0>", a leaf that requires grad ", requires_grad=True".
struct ReprSuffix {
  bool requires_grad = false;
  const char* grad_fn = nullptr;  // class name, e.g. "MulBackward0"; nullptr for a leaf
};

// What print(t), str(t), repr(t), f"{t}" and "{}".format(t) show, e.g. "tensor([1., 2.])",
// "tensor([], size=(0, 3))", "tensor([1., 2.], dtype=torch.float64, requires_grad=True)".
// Multi-line output uses '\n' and no trailing newline. Default dtype is float32 (PyTorch's
// default; torch.set_default_dtype is not modelled), CPU device, default print options.
//
// Callers compose the rest of Python's behaviour from this:
//   nn.Parameter:  "Parameter containing:\n" + tensor_repr(view, {true, nullptr})
//   format(t, spec) with t 0-d:  python_format_float/int(t.item(), spec) -- even for an
//       empty spec, so f"{torch.tensor(0.1)}" gives "0.10000000149011612". A bool item
//       is "True"/"False" for an empty spec and python_format_int(0 or 1, spec) otherwise
//       (f"{torch.tensor(True):>6}" is "     1").
//   format(t, spec) with t not 0-d:  empty spec -> tensor_repr; otherwise TypeError
//       "unsupported format string passed to Tensor.__format__".
std::string tensor_repr(const FormatView& view, const ReprSuffix& suffix = {});

// Only the bracketed data, "[[1., 2.],\n        [3., 4.]]", as _tensor_str(t, indent)
// makes it: `indent` is the column the opening '[' sits at (7 after "tensor("), continuation
// lines are indented by indent + depth + 1. "[]" for an empty tensor. No prefix, no suffixes:
// for callers that print tensor data under another prefix.
std::string tensor_data_str(const FormatView& view, int indent);

// repr(float) / str(float): the shortest string that reads back as v, fixed notation for
// 1e-4 <= |v| < 1e16 ("100.0", "0.0001", "5.199999809265137") and exponent otherwise
// ("1e-05", "1e+16"); "inf", "-inf", "nan", "-0.0".
std::string python_float_repr(double v);

// format(v, spec) for a Python float: [[fill]align][sign][z][#][0][width][,|_][.precision]
// [type] with type one of e E f F g G n % or none. An empty spec is str(v). A bad spec
// raises gradlab::Error with CPython 3.11's exception type and wording, e.g. ValueError
// "Unknown format code 'd' for object of type 'float'".
std::string python_format_float(double v, std::string_view spec);

// format(n, spec) for a Python int: types b c d o x X n, and e E f F g G % which format
// float(n). '#' adds 0b/0o/0x; ',' and '_' group digits. 'c' outside range(0x110000) raises
// OverflowError "%c arg not in range(0x110000)".
std::string python_format_int(int64_t v, std::string_view spec);

// format(s, spec) for a Python str: fill, alignment (< > ^), width and precision
// (truncation), type s or none. `s`, `spec` and the result are UTF-8; widths count code
// points.
std::string python_format_str(std::string_view s, std::string_view spec);

// Formats wider or more precise than this raise MemoryError instead of building the string:
// CPython would build it, but a student's typo ("{:100000000}") must not exhaust wasm memory.
inline constexpr int64_t kMaxFormatWidth = 1 << 20;

}  // namespace gradlab
