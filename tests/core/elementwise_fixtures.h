// Reading PyTorch-generated fixtures (tests/fixtures/gen_elementwise.py, gen_creation.py
// describe the format) and comparing tensors bit for bit. Standard library only.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace gradlab {
namespace fixtures {

struct FxTensor {
  std::string kind;           // t, rg, w, T (inputs); empty otherwise
  DType dtype = DType::Float32;
  Shape shape;
  std::vector<double> values;  // exact: float32 values are exact doubles; int64 as double
  std::vector<int64_t> ints;   // int64/bool values
  bool none = false;           // "grad none"
};

struct FxCase {
  std::string name, op;
  std::map<std::string, Scalar> params;
  std::map<std::string, std::string> strs;  // "p name s:text" parameters
  std::vector<FxTensor> inputs;
  bool has_out = false;
  FxTensor out;
  std::string err_type, err_msg;
  bool has_gout = false;
  FxTensor gout;
  std::vector<FxTensor> grads;
  std::string grad_err_type, grad_err_msg;
};

inline DType parse_dtype(const std::string& s) {
  if (s == "float32") return DType::Float32;
  if (s == "float64") return DType::Float64;
  if (s == "int64") return DType::Int64;
  return DType::Bool;
}

inline Shape parse_shape(const std::string& s) {
  Shape sh;
  if (s == "-") return sh;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) sh.push_back(std::stoll(part));
  return sh;
}

// "<dtype> <shape> <values...>" from a token stream.
inline FxTensor parse_tensor(std::istringstream& in) {
  FxTensor t;
  std::string dt, shape;
  in >> dt;
  if (dt == "none") {
    t.none = true;
    return t;
  }
  in >> shape;
  t.dtype = parse_dtype(dt);
  t.shape = parse_shape(shape);
  std::string v;
  while (in >> v) {
    if (t.dtype == DType::Float32 || t.dtype == DType::Float64) {
      t.values.push_back(std::strtod(v.c_str(), nullptr));
    } else {
      t.ints.push_back(std::stoll(v));
      t.values.push_back(double(t.ints.back()));
    }
  }
  return t;
}

inline Scalar parse_scalar(const std::string& s) {
  const std::string v = s.substr(2);
  if (s[0] == 'b') return Scalar::from_bool(v == "1");
  if (s[0] == 'i') return Scalar::from_int(std::stoll(v));
  return Scalar::from_double(std::strtod(v.c_str(), nullptr));
}

inline std::vector<FxCase> load(const std::string& file) {
  std::vector<FxCase> cases;
  std::ifstream f(std::string(GRADLAB_FIXTURES_DIR) + "/" + file);
  std::string line;
  FxCase c;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "case") {
      c = FxCase();
      in >> c.name;
    } else if (tag == "op") {
      in >> c.op;
    } else if (tag == "p") {
      std::string k, v;
      in >> k >> v;
      if (v[0] == 's') c.strs[k] = v.substr(2);
      else c.params[k] = parse_scalar(v);
    } else if (tag == "in") {
      std::string kind;
      in >> kind;
      FxTensor t = parse_tensor(in);
      t.kind = kind;
      c.inputs.push_back(t);
    } else if (tag == "out") {
      c.has_out = true;
      c.out = parse_tensor(in);
    } else if (tag == "err" || tag == "grad_err") {
      std::string type, msg;
      in >> type;
      std::getline(in, msg);
      if (!msg.empty() && msg[0] == ' ') msg.erase(0, 1);
      (tag == "err" ? c.err_type : c.grad_err_type) = type;
      (tag == "err" ? c.err_msg : c.grad_err_msg) = msg;
    } else if (tag == "gout") {
      c.has_gout = true;
      c.gout = parse_tensor(in);
    } else if (tag == "grad") {
      c.grads.push_back(parse_tensor(in));
    } else if (tag == "end") {
      cases.push_back(c);
    }
  }
  return cases;
}

// A tensor from a fixture input (a leaf; requires grad for kind "rg"; a wrapped Python number
// for kind "w").
inline Tensor make(const FxTensor& t) {
  if (t.kind == "w") {
    if (t.dtype == DType::Bool) return wrapped_scalar(Scalar::from_bool(t.ints[0] != 0));
    if (t.dtype == DType::Int64) return wrapped_scalar(Scalar::from_int(t.ints[0]));
    return wrapped_scalar(Scalar::from_double(t.values[0]));
  }
  Tensor r = t.dtype == DType::Int64 || t.dtype == DType::Bool ? from_int64s(t.ints, t.shape, t.dtype)
                                                             : from_doubles(t.values, t.shape, t.dtype);
  if (t.kind == "rg") r.set_requires_grad(true);
  if (t.kind == "T")  // the transpose of the 2-d tensor given: a strided view
    r = make_view(r, Shape{t.shape[1], t.shape[0]}, Shape{r.strides()[1], r.strides()[0]}, 0);
  return r;
}

// "" when `got` has expected's dtype, shape and exact values (NaN matches NaN; -0.0 and 0.0
// differ), else a description of the first difference.
inline std::string compare(const FxTensor& expected, const Tensor& got) {
  if (!got.defined()) return "no tensor";
  if (got.dtype() != expected.dtype)
    return std::string("dtype ") + dtype_name(got.dtype()) + ", expected " + dtype_name(expected.dtype);
  if (got.sizes() != expected.shape)
    return "shape " + got.sizes().str() + ", expected " + expected.shape.str();
  const std::vector<double> g = to_doubles(got);
  for (size_t i = 0; i < g.size(); ++i) {
    double e = expected.values[i], v = g[i];
    if (expected.dtype == DType::Float32) e = double(float(e));
    if (std::isnan(e) && std::isnan(v)) continue;
    if (std::memcmp(&e, &v, sizeof e) != 0) {
      std::ostringstream s;
      s.precision(17);
      s << "element " << i << ": got " << v << ", expected " << e;
      if (expected.dtype == DType::Float32 && std::isfinite(e) && std::isfinite(v)) {
        const float ef = float(e), vf = float(v);
        int32_t ei, vi;
        std::memcpy(&ei, &ef, 4);
        std::memcpy(&vi, &vf, 4);
        s << " (" << (vi - ei) << " ulp)";
      } else if (expected.dtype == DType::Float64 && std::isfinite(e) && std::isfinite(v)) {
        int64_t ei, vi;
        std::memcpy(&ei, &e, 8);
        std::memcpy(&vi, &v, 8);
        s << " (" << (vi - ei) << " ulp)";
      }
      return s.str();
    }
  }
  return "";
}

}  // namespace fixtures
}  // namespace gradlab
