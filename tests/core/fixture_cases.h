// PyTorch-generated op fixtures (tests/fixtures/fixture_cases.py writes them): loading and
// running them against gradlab. A test file maps each case name to a lambda doing what the
// generator's lambda did in PyTorch; run_fixture_cases() runs every case of a fixture file
// and checks that the two lists of names match.
//
// For each case the inputs are rebuilt, the lambda runs, and then either PyTorch's exception
// (type and message) or the output (dtype, shape, values exactly; grad_fn name; storage
// sharing with the first input; contiguity) and the gradients of sum(out * w) are compared.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/node.h"
#include "ops/ops.h"

namespace gradlab {
namespace fixtures {

struct FTensor {
  DType dtype = DType::Float32;
  bool requires_grad = false;
  Shape shape;
  std::vector<std::string> values;
};

struct FCase {
  std::string name;
  std::vector<FTensor> inputs;
  bool is_error = false;
  std::string error_type, error_message;
  FTensor out;
  std::string grad_fn;
  int shares = -1, contig = -1;
  std::vector<std::pair<int, FTensor>> grads;
};

inline DType parse_dtype(const std::string& s) {
  if (s == "float32") return DType::Float32;
  if (s == "float64") return DType::Float64;
  if (s == "int64") return DType::Int64;
  if (s == "bool") return DType::Bool;
  throw std::runtime_error("fixture: unknown dtype " + s);
}

// NDIM DIMS... VALUES... from the stream.
inline void read_tensor(std::istringstream& in, FTensor& t) {
  int nd = 0;
  in >> nd;
  std::vector<int64_t> dims(static_cast<size_t>(nd));
  for (int64_t& d : dims) in >> d;
  t.shape = Shape(dims);
  t.values.resize(size_t(t.shape.numel()));
  for (std::string& v : t.values) in >> v;
}

inline std::vector<FCase> load_fixture_cases(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("fixture: cannot open " + path);
  std::vector<FCase> cases;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string key;
    in >> key;
    if (key == "case") {
      cases.emplace_back();
      in >> cases.back().name;
      continue;
    }
    if (cases.empty()) continue;
    FCase& c = cases.back();
    if (key == "in") {
      FTensor t;
      std::string dt;
      int req = 0;
      in >> dt >> req;
      t.dtype = parse_dtype(dt);
      t.requires_grad = req != 0;
      read_tensor(in, t);
      c.inputs.push_back(t);
    } else if (key == "error") {
      c.is_error = true;
      in >> c.error_type;
      std::getline(in, c.error_message);
      if (!c.error_message.empty() && c.error_message[0] == ' ') c.error_message.erase(0, 1);
    } else if (key == "out") {
      std::string dt;
      in >> dt;
      c.out.dtype = parse_dtype(dt);
      read_tensor(in, c.out);
    } else if (key == "grad_fn") {
      in >> c.grad_fn;
    } else if (key == "shares") {
      in >> c.shares;
    } else if (key == "contig") {
      in >> c.contig;
    } else if (key == "grad") {
      int i = 0;
      in >> i;
      FTensor g;
      g.dtype = c.inputs.at(size_t(i)).dtype;
      read_tensor(in, g);
      c.grads.emplace_back(i, g);
    }
  }
  return cases;
}

inline Tensor build(const FTensor& t) {
  if (t.dtype == DType::Int64 || t.dtype == DType::Bool) {
    std::vector<int64_t> v;
    for (const std::string& s : t.values) v.push_back(std::stoll(s));
    return from_int64s(v, t.shape, t.dtype);
  }
  std::vector<double> v;
  for (const std::string& s : t.values) v.push_back(std::strtod(s.c_str(), nullptr));
  return from_doubles(v, t.shape, t.dtype);
}

inline Tensor fixture_weights(const Tensor& out) {
  std::vector<double> w;
  for (int64_t i = 0; i < out.numel(); ++i) w.push_back(double((7 * i) % 11 - 5) / 4.0);
  return from_doubles(w, out.sizes(), out.dtype());
}

// "" when t matches the fixture (exact values, or within tol relative for gradients).
inline std::string compare(const Tensor& t, const FTensor& e, double tol) {
  if (t.dtype() != e.dtype)
    return std::string("dtype ") + dtype_name(t.dtype()) + ", expected " + dtype_name(e.dtype);
  if (t.sizes() != e.shape) return "shape " + t.sizes().str() + ", expected " + e.shape.str();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const std::string& s = e.values[size_t(i)];
    if (e.dtype == DType::Int64 || e.dtype == DType::Bool) {
      if (element_as_int(t, i) != std::stoll(s))
        return "element " + std::to_string(i) + " is " + std::to_string(element_as_int(t, i)) +
               ", expected " + s;
      continue;
    }
    const double got = element_as_double(t, i), want = std::strtod(s.c_str(), nullptr);
    const bool same = (std::isnan(got) && std::isnan(want)) || got == want ||
                      std::fabs(got - want) <= tol * std::max(1.0, std::fabs(want));
    if (!same) {
      std::ostringstream m;
      m.precision(17);
      m << "element " << i << " is " << got << ", expected " << s;
      return m.str();
    }
  }
  return "";
}

using CaseFn = std::function<Tensor(std::vector<Tensor>&)>;

inline std::string run_case(const FCase& c, const CaseFn& fn) {
  std::vector<Tensor> in;
  for (const FTensor& t : c.inputs) {
    Tensor x = build(t);
    if (t.requires_grad) x.set_requires_grad(true);
    in.push_back(x);
  }
  const std::vector<Tensor> leaves = in;
  Tensor out;
  try {
    out = fn(in);
  } catch (const Error& e) {
    if (!c.is_error) return "raised " + e.type() + ": " + e.message();
    if (e.type() != c.error_type || e.message() != c.error_message)
      return "raised " + e.type() + ": " + e.message() + "\n  expected " + c.error_type + ": " +
             c.error_message;
    return "";
  }
  if (c.is_error) return "returned, expected " + c.error_type + ": " + c.error_message;
  std::string m = compare(out, c.out, 0.0);
  if (!m.empty()) return "output: " + m;
  const std::string gf = out.grad_fn() ? grad_fn_name(out.grad_fn()->op) : "None";
  if (gf != c.grad_fn) return "grad_fn " + gf + ", expected " + c.grad_fn;
  if (c.shares >= 0 && (out->storage == leaves[0]->storage) != (c.shares == 1))
    return std::string("output ") + (c.shares ? "does not share" : "shares") +
           " the first input's storage";
  // NOTE: PyTorch calls every empty tensor contiguous; TensorImpl::is_contiguous (tensor.cpp)
  // does not yet, which ShapeViews.EmptyTensorsAreContiguous reports as a skip.
  if (c.contig >= 0 && out.numel() > 0 && out.is_contiguous() != (c.contig == 1))
    return std::string("output is ") + (c.contig ? "not " : "") + "contiguous";
  if (out.requires_grad() != !c.grads.empty())
    return std::string("output ") + (out.requires_grad() ? "requires" : "does not require") +
           " grad";
  if (!c.grads.empty()) {
    backward(out, fixture_weights(out));
    for (const auto& [i, g] : c.grads) {
      const Tensor got = leaves[size_t(i)].grad();
      if (!got.defined()) return "input " + std::to_string(i) + " got no gradient";
      m = compare(got, g, g.dtype == DType::Float32 ? 1e-6 : 1e-12);
      if (!m.empty()) return "gradient of input " + std::to_string(i) + ": " + m;
    }
  }
  return "";
}

// Runs every case of `file` (in GRADLAB_FIXTURES_DIR) with the lambda of the same name.
inline void run_fixture_cases(const std::string& file, const std::map<std::string, CaseFn>& fns) {
  const std::vector<FCase> cases =
      load_fixture_cases(std::string(GRADLAB_FIXTURES_DIR) + "/" + file);
  ASSERT_FALSE(cases.empty()) << file;
  std::set<std::string> seen;
  for (const FCase& c : cases) {
    seen.insert(c.name);
    auto it = fns.find(c.name);
    if (it == fns.end()) {
      ADD_FAILURE() << file << ": case " << c.name << " has no gradlab lambda";
      continue;
    }
    EXPECT_EQ(run_case(c, it->second), "") << file << ": case " << c.name;
  }
  for (const auto& [name, fn] : fns)
    EXPECT_TRUE(seen.count(name)) << file << " has no case " << name << " (regenerate it)";
}

}  // namespace fixtures
}  // namespace gradlab
