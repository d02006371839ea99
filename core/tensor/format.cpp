// The tensor printer: PyTorch 1.13's torch/_tensor_str.py (_Formatter, _tensor_str,
// get_summarized_data, _str_intern, _add_suffixes) with the default print options, for
// strided CPU tensors of our four dtypes. Element text goes through the Python formatting
// in pyformat.cpp, as PyTorch's goes through Python's format().
#include "tensor/format.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/dtype.h"

namespace gradlab {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "torch.bool";
    case DType::Int64:
      return "torch.int64";
    case DType::Float32:
      return "torch.float32";
    case DType::Float64:
      return "torch.float64";
  }
  return "";
}

const char* dtype_short_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "bool";
    case DType::Int64:
      return "long";
    case DType::Float32:
      return "float";
    case DType::Float64:
      return "double";
  }
  return "";
}

const char* dtype_tensor_type_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "torch.BoolTensor";
    case DType::Int64:
      return "torch.LongTensor";
    case DType::Float32:
      return "torch.FloatTensor";
    case DType::Float64:
      return "torch.DoubleTensor";
  }
  return "";
}

namespace {

// torch.set_printoptions defaults.
constexpr int kPrecision = 4;         // digits after the point ("{:.4f}", "{:.4e}")
constexpr int64_t kThreshold = 1000;  // more elements than this are summarised
constexpr int64_t kEdgeItems = 3;     // items kept at each end of a summarised dimension
constexpr int64_t kLineWidth = 80;    // rows wrap to fit this many columns
// torch.get_default_dtype(): empty tensors of any other dtype show it.
constexpr DType kDefaultDType = DType::Float32;

// Python's " " * n: empty for n <= 0.
std::string spaces(int64_t n) {
  return std::string(static_cast<size_t>(std::max<int64_t>(0, n)), ' ');
}

int64_t numel(const FormatView& v) {
  int64_t n = 1;
  for (int64_t s : v.sizes) n *= s;
  return n;
}

double float_at(const FormatView& v, int64_t i) {
  if (v.dtype == DType::Float32) return static_cast<const float*>(v.data)[i];
  return static_cast<const double*>(v.data)[i];
}

// Python's str() of a non-floating element.
std::string integral_str(const FormatView& v, int64_t i) {
  if (v.dtype == DType::Bool) return static_cast<const uint8_t*>(v.data)[i] ? "True" : "False";
  return std::to_string(static_cast<const int64_t*>(v.data)[i]);
}

constexpr std::string_view kFixedSpec = ".4f", kSciSpec = ".4e", kIntegralSpec = ".0f";
static_assert(kPrecision == 4, "the specs above spell out the precision");

// _Formatter: picks one style and one column width for all printed elements.
class Formatter {
 public:
  // `indices`: the flat indices of the elements that will be printed (the summarised data).
  Formatter(const FormatView& v, const std::vector<int64_t>& indices) : view_(v) {
    floating_ = is_floating(v.dtype);
    if (!floating_) {
      for (int64_t i : indices) width_ = std::max(width_, integral_str(v, i).size());
      return;
    }
    std::vector<double> values;  // nonzero finite
    for (int64_t i : indices) {
      double x = float_at(v, i);
      if (std::isfinite(x) && x != 0) values.push_back(x);
    }
    if (values.empty()) return;
    double lo = std::fabs(values[0]), hi = lo;
    for (double x : values) {
      lo = std::min(lo, std::fabs(x));
      hi = std::max(hi, std::fabs(x));
      if (x != std::ceil(x)) int_mode_ = false;
    }
    // Integers never fall below 1e-4, so only mixed magnitudes or huge values need exponents.
    sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (double x : values) {
      if (sci_mode_)
        width_ = std::max(width_, python_format_float(x, kSciSpec).size());
      else if (int_mode_)
        width_ = std::max(width_, python_format_float(x, kIntegralSpec).size() + 1);
      else
        width_ = std::max(width_, python_format_float(x, kFixedSpec).size());
    }
  }

  size_t width() const { return width_; }

  // One element, right-aligned to the common width.
  std::string format(int64_t i) const {
    std::string s;
    if (!floating_) {
      s = integral_str(view_, i);
    } else {
      double x = float_at(view_, i);
      if (sci_mode_) {
        s = python_format_float(x, kSciSpec);
      } else if (int_mode_) {
        s = python_format_float(x, kIntegralSpec);
        if (std::isfinite(x)) s += '.';
      } else {
        s = python_format_float(x, kFixedSpec);
      }
    }
    if (s.size() < width_) s.insert(0, width_ - s.size(), ' ');
    return s;
  }

 private:
  const FormatView& view_;
  bool floating_ = false;
  bool int_mode_ = true;
  bool sci_mode_ = false;
  size_t width_ = 1;
};

// Positions printed along one dimension of size n: all, or the first and last kEdgeItems
// with -1 marking the "..." between them.
std::vector<int64_t> printed_positions(int64_t n, bool summarize) {
  std::vector<int64_t> out;
  if (summarize && n > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i) out.push_back(i);
    out.push_back(-1);
    for (int64_t i = n - kEdgeItems; i < n; ++i) out.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i) out.push_back(i);
  }
  return out;
}

class Printer {
 public:
  Printer(const FormatView& v, bool summarize) : view_(v), summarize_(summarize) {
    strides_.assign(v.sizes.size(), 1);
    for (size_t d = v.sizes.size(); d-- > 1;) strides_[d - 1] = strides_[d] * v.sizes[d];
  }

  // get_summarized_data, as flat indices.
  void collect(size_t dim, int64_t offset, std::vector<int64_t>& out) const {
    if (dim == view_.sizes.size()) {
      out.push_back(offset);
      return;
    }
    for (int64_t i : printed_positions(view_.sizes[dim], summarize_))
      if (i >= 0) collect(dim + 1, offset + i * strides_[dim], out);
  }

  // _tensor_str_with_formatter for the sub-tensor at `offset` spanning dims [dim, ndim).
  std::string str(const Formatter& f, size_t dim, int64_t offset, int64_t indent) const {
    size_t ndim = view_.sizes.size();
    if (ndim == 0) return f.format(offset);
    if (dim + 1 == ndim) return vector_str(f, offset, indent);
    std::string sep = "," + std::string(ndim - dim - 1, '\n') + spaces(indent + 1);
    std::string out = "[";
    bool first = true;
    for (int64_t i : printed_positions(view_.sizes[dim], summarize_)) {
      if (!first) out += sep;
      first = false;
      out += i < 0 ? "..." : str(f, dim + 1, offset + i * strides_[dim], indent + 1);
    }
    return out + "]";
  }

 private:
  // _vector_str: elements joined by ", ", wrapped to the line width.
  std::string vector_str(const Formatter& f, int64_t offset, int64_t indent) const {
    int64_t element_length = static_cast<int64_t>(f.width()) + 2;
    int64_t room = kLineWidth - indent;  // floor division, as Python's math.floor
    int64_t per_line =
        room >= 0 ? room / element_length : -((-room + element_length - 1) / element_length);
    per_line = std::max<int64_t>(1, per_line);
    std::string line_sep = ",\n" + spaces(indent + 1);
    std::string out = "[";
    int64_t count = 0;
    for (int64_t i : printed_positions(view_.sizes.back(), summarize_)) {
      if (count > 0) out += count % per_line == 0 ? line_sep : ", ";
      ++count;
      out += i < 0 ? " ..." : f.format(offset + i);
    }
    return out + "]";
  }

  const FormatView& view_;
  bool summarize_;
  std::vector<int64_t> strides_;
};

// str(tuple(shape)): "(0, 3)", "(0,)".
std::string shape_tuple(const std::vector<int64_t>& sizes) {
  std::string out = "(";
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(sizes[i]);
  }
  return out + (sizes.size() == 1 ? ",)" : ")");
}

// _add_suffixes: ", suffix" on the last line while it fits the line width (by PyTorch's
// slightly generous count), else on a new line at `indent`.
std::string add_suffixes(std::string text, const std::vector<std::string>& suffixes,
                         int64_t indent) {
  size_t newline = text.rfind('\n');
  int64_t last_line_len = static_cast<int64_t>(text.size()) -
                          (newline == std::string::npos ? -1 : static_cast<int64_t>(newline)) + 1;
  for (const std::string& suffix : suffixes) {
    int64_t len = static_cast<int64_t>(suffix.size());
    if (last_line_len + len + 2 > kLineWidth) {
      text += ",\n" + spaces(indent) + suffix;
      last_line_len = indent + len;
    } else {
      text += ", " + suffix;
      last_line_len += len + 2;
    }
  }
  return text + ")";
}

}  // namespace

std::string tensor_data_str(const FormatView& view, int indent) {
  int64_t n = numel(view);
  if (n == 0) return "[]";
  bool summarize = n > kThreshold;
  Printer printer(view, summarize);
  std::vector<int64_t> indices;
  printer.collect(0, 0, indices);
  Formatter formatter(view, indices);
  return printer.str(formatter, 0, 0, indent);
}

std::string tensor_repr(const FormatView& view, const ReprSuffix& suffix) {
  const std::string prefix = "tensor(";
  const int indent = static_cast<int>(prefix.size());
  std::vector<std::string> suffixes;
  std::string data;
  if (numel(view) == 0) {
    // Empty: the shape unless it is (0,), and the dtype unless it is the default float.
    if (view.sizes.size() != 1) suffixes.push_back("size=" + shape_tuple(view.sizes));
    if (view.dtype != kDefaultDType)
      suffixes.push_back(std::string("dtype=") + dtype_name(view.dtype));
    data = "[]";
  } else {
    // int64 and bool can be told from the printed values; float64 cannot.
    bool default_dtype =
        view.dtype == kDefaultDType || view.dtype == DType::Int64 || view.dtype == DType::Bool;
    if (!default_dtype) suffixes.push_back(std::string("dtype=") + dtype_name(view.dtype));
    data = tensor_data_str(view, indent);
  }
  if (suffix.grad_fn)
    suffixes.push_back(std::string("grad_fn=<") + suffix.grad_fn + ">");
  else if (suffix.requires_grad)
    suffixes.push_back("requires_grad=True");
  return add_suffixes(prefix + data, suffixes, indent);
}

}  // namespace gradlab
