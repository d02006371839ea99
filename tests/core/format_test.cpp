// Tests for core/tensor/format.cpp and core/tensor/pyformat.cpp: hand-written cases, then
// the fixtures tests/fixtures/gen_format.py generated with PyTorch 1.13 and CPython 3.11.
#include "tensor/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/error.h"

namespace gradlab {
namespace {

// ---- fixture files ----------------------------------------------------------------------

// Undoes gen_format.py's esc(): \\ -> \, \n -> newline, \xHH -> that byte.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    if (c == 'n') {
      out += '\n';
    } else if (c == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) fields.push_back(field);
  if (!line.empty() && line.back() == '\t') fields.emplace_back();
  return fields;
}

std::vector<std::vector<std::string>> read_fixture(const std::string& name, size_t columns) {
  std::string path = std::string(GRADLAB_FIXTURES_DIR) + "/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    rows.push_back(split_tabs(line));
    EXPECT_EQ(rows.back().size(), columns) << name << " line " << rows.size();
  }
  return rows;
}

uint64_t parse_hex(const std::string& s) { return std::stoull(s, nullptr, 16); }

double double_from_hex(const std::string& hex) {
  uint64_t bits = parse_hex(hex);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

DType dtype_from_name(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "float64") return DType::Float64;
  if (name == "int64") return DType::Int64;
  return DType::Bool;
}

// Element storage for one fixture tensor, decoded from fixed-width big-endian hex.
struct FixtureTensor {
  DType dtype;
  std::vector<int64_t> sizes;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<int64_t> i64;
  std::vector<uint8_t> b8;

  FixtureTensor(const std::string& dtype_name, const std::string& shape, const std::string& hex)
      : dtype(dtype_from_name(dtype_name)) {
    std::istringstream in(shape);
    std::string dim;
    while (std::getline(in, dim, ',')) sizes.push_back(std::stoll(dim));
    size_t width = dtype == DType::Bool ? 2 : dtype == DType::Float32 ? 8 : 16;
    for (size_t pos = 0; pos < hex.size(); pos += width) {
      uint64_t bits = parse_hex(hex.substr(pos, width));
      if (dtype == DType::Float32) {
        auto b32 = static_cast<uint32_t>(bits);
        float v;
        std::memcpy(&v, &b32, sizeof v);
        f32.push_back(v);
      } else if (dtype == DType::Float64) {
        double v;
        std::memcpy(&v, &bits, sizeof v);
        f64.push_back(v);
      } else if (dtype == DType::Int64) {
        i64.push_back(static_cast<int64_t>(bits));
      } else {
        b8.push_back(static_cast<uint8_t>(bits));
      }
    }
  }

  FormatView view() const {
    const void* data = dtype == DType::Float32   ? static_cast<const void*>(f32.data())
                       : dtype == DType::Float64 ? static_cast<const void*>(f64.data())
                       : dtype == DType::Int64   ? static_cast<const void*>(i64.data())
                                                 : static_cast<const void*>(b8.data());
    return FormatView{dtype, sizes, data};
  }
};

// Runs `fn`, returning its result or "<Type>: <message>" for a gradlab::Error.
template <typename Fn>
std::string result_or_error(Fn fn) {
  try {
    return "ok: " + fn();
  } catch (const Error& e) {
    return e.type() + ": " + e.message();
  }
}

// ---- hand-written cases ---------------------------------------------------------------------

TEST(DTypeNames, AllFour) {
  EXPECT_STREQ(dtype_name(DType::Float32), "torch.float32");
  EXPECT_STREQ(dtype_name(DType::Float64), "torch.float64");
  EXPECT_STREQ(dtype_name(DType::Int64), "torch.int64");
  EXPECT_STREQ(dtype_name(DType::Bool), "torch.bool");
  EXPECT_STREQ(dtype_short_name(DType::Float32), "float");
  EXPECT_STREQ(dtype_short_name(DType::Float64), "double");
  EXPECT_STREQ(dtype_short_name(DType::Int64), "long");
  EXPECT_STREQ(dtype_short_name(DType::Bool), "bool");
  EXPECT_STREQ(dtype_tensor_type_name(DType::Float32), "torch.FloatTensor");
  EXPECT_STREQ(dtype_tensor_type_name(DType::Float64), "torch.DoubleTensor");
  EXPECT_STREQ(dtype_tensor_type_name(DType::Int64), "torch.LongTensor");
  EXPECT_STREQ(dtype_tensor_type_name(DType::Bool), "torch.BoolTensor");
}

TEST(TensorRepr, SmallExamples) {
  std::vector<float> f = {1.f, 2.f};
  EXPECT_EQ(tensor_repr({DType::Float32, {2}, f.data()}), "tensor([1., 2.])");
  EXPECT_EQ(tensor_repr({DType::Float32, {2}, f.data()}, {true, nullptr}),
            "tensor([1., 2.], requires_grad=True)");
  EXPECT_EQ(tensor_repr({DType::Float32, {2}, f.data()}, {true, "MulBackward0"}),
            "tensor([1., 2.], grad_fn=<MulBackward0>)");
  std::vector<double> d = {0.5};
  EXPECT_EQ(tensor_repr({DType::Float64, {}, d.data()}), "tensor(0.5000, dtype=torch.float64)");
  std::vector<int64_t> i = {-1, 20, -300};
  EXPECT_EQ(tensor_repr({DType::Int64, {3}, i.data()}), "tensor([  -1,   20, -300])");
  std::vector<uint8_t> b = {1, 0};
  EXPECT_EQ(tensor_repr({DType::Bool, {2, 1}, b.data()}), "tensor([[ True],\n        [False]])");
  EXPECT_EQ(tensor_repr({DType::Float32, {0, 3}, nullptr}), "tensor([], size=(0, 3))");
  EXPECT_EQ(tensor_repr({DType::Bool, {0}, nullptr}), "tensor([], dtype=torch.bool)");
}

TEST(TensorRepr, ParameterIsReprUnderAHeading) {
  std::vector<float> w = {0.5f, -1.f};
  EXPECT_EQ("Parameter containing:\n" + tensor_repr({DType::Float32, {1, 2}, w.data()}, {true}),
            "Parameter containing:\ntensor([[ 0.5000, -1.0000]], requires_grad=True)");
}

TEST(TensorDataStr, IndentSetsContinuationColumn) {
  std::vector<int64_t> v = {1, 2, 3, 4};
  EXPECT_EQ(tensor_data_str({DType::Int64, {2, 2}, v.data()}, 7), "[[1, 2],\n        [3, 4]]");
  EXPECT_EQ(tensor_data_str({DType::Int64, {2, 2}, v.data()}, 0), "[[1, 2],\n [3, 4]]");
  EXPECT_EQ(tensor_data_str({DType::Int64, {}, v.data()}, 7), "1");
  EXPECT_EQ(tensor_data_str({DType::Int64, {0}, nullptr}, 7), "[]");
  // Past the line width every element gets its own line, as math.floor of a negative gives.
  EXPECT_EQ(tensor_data_str({DType::Int64, {3}, v.data()}, 90),
            "[1,\n" + std::string(91, ' ') + "2,\n" + std::string(91, ' ') + "3]");
}

TEST(PythonFloatRepr, Examples) {
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(1e-05), "1e-05");
  EXPECT_EQ(python_float_repr(static_cast<float>(5.2)), "5.199999809265137");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(100.0), "100.0");
  EXPECT_EQ(python_float_repr(-0.0), "-0.0");
  EXPECT_EQ(python_float_repr(HUGE_VAL), "inf");
  EXPECT_EQ(python_float_repr(-HUGE_VAL), "-inf");
  EXPECT_EQ(python_float_repr(std::nan("")), "nan");
}

TEST(PythonFormat, Examples) {
  EXPECT_EQ(python_format_float(2.0 / 3, ".4f"), "0.6667");
  EXPECT_EQ(python_format_float(3.14159, "8.3f"), "   3.142");
  EXPECT_EQ(python_format_float(1234567.5, ","), "1,234,567.5");
  EXPECT_EQ(python_format_float(0.25, "%"), "25.000000%");
  EXPECT_EQ(python_format_float(2.5, ".0f"), "2");
  EXPECT_EQ(python_format_int(42, "05d"), "00042");
  EXPECT_EQ(python_format_int(255, "#x"), "0xff");
  EXPECT_EQ(python_format_int(3, ".2f"), "3.00");
  EXPECT_EQ(python_format_int(1234567, "_"), "1_234_567");
  EXPECT_EQ(python_format_str("ab", "*^6"), "**ab**");
  EXPECT_EQ(python_format_str("héllo", ">7"), "  héllo");
}

TEST(PythonFormat, ErrorsUsePythonsWording) {
  EXPECT_EQ(result_or_error([] { return python_format_float(1.0, "d"); }),
            "ValueError: Unknown format code 'd' for object of type 'float'");
  EXPECT_EQ(result_or_error([] { return python_format_int(1, ".2d"); }),
            "ValueError: Precision not allowed in integer format specifier");
  EXPECT_EQ(result_or_error([] { return python_format_str("s", "+"); }),
            "ValueError: Sign not allowed in string format specifier");
  EXPECT_EQ(result_or_error([] { return python_format_int(-1, "c"); }),
            "OverflowError: %c arg not in range(0x110000)");
}

TEST(PythonFormat, WidthLimit) {
  EXPECT_EQ(python_format_str("a", ">1048576").size(), 1048576u);
  EXPECT_EQ(result_or_error([] { return python_format_float(1.0, "1048577"); }),
            "MemoryError: format width and precision are limited to 1048576");
  EXPECT_EQ(result_or_error([] { return python_format_float(1.0, ".1048577f"); }),
            "MemoryError: format width and precision are limited to 1048576");
}

// ---- fixtures from PyTorch 1.13 and CPython 3.11 ----------------------------------------

TEST(Fixtures, TensorRepr) {
  auto rows = read_fixture("format_tensor.tsv", 7);
  ASSERT_GT(rows.size(), 1000u);
  int failures = 0;
  for (const auto& r : rows) {
    if (r.size() != 7) continue;
    FixtureTensor t(r[1], r[2], r[5]);
    ReprSuffix suffix{r[3] == "1", r[4] == "-" ? nullptr : r[4].c_str()};
    std::string got = tensor_repr(t.view(), suffix);
    std::string want = unescape(r[6]);
    if (got != want && ++failures <= 20)
      ADD_FAILURE() << r[0] << " (" << r[1] << ", shape " << r[2] << ")\n got:\n"
                    << got << "\n want:\n"
                    << want;
  }
  EXPECT_EQ(failures, 0) << "of " << rows.size();
}

TEST(Fixtures, FloatRepr) {
  auto rows = read_fixture("format_float_repr.tsv", 2);
  ASSERT_GT(rows.size(), 5000u);
  int failures = 0;
  for (const auto& r : rows) {
    if (r.size() != 2) continue;
    std::string got = python_float_repr(double_from_hex(r[0]));
    if (got != r[1] && ++failures <= 20)
      ADD_FAILURE() << "bits " << r[0] << ": got " << got << ", want " << r[1];
  }
  EXPECT_EQ(failures, 0) << "of " << rows.size();
}

TEST(Fixtures, FormatSpec) {
  auto rows = read_fixture("format_spec.tsv", 5);
  ASSERT_GT(rows.size(), 5000u);
  int failures = 0;
  for (const auto& r : rows) {
    if (r.size() != 5) continue;
    std::string spec = unescape(r[2]);
    std::string got = result_or_error([&] {
      if (r[0] == "f") return python_format_float(double_from_hex(r[1]), spec);
      if (r[0] == "i") return python_format_int(std::stoll(r[1]), spec);
      return python_format_str(unescape(r[1]), spec);
    });
    std::string want = r[3] + ": " + unescape(r[4]);
    if (got != want && ++failures <= 20)
      ADD_FAILURE() << "format(" << r[0] << " " << r[1] << ", '" << spec << "')\n got:  " << got
                    << "\n want: " << want;
  }
  EXPECT_EQ(failures, 0) << "of " << rows.size();
}

}  // namespace
}  // namespace gradlab
