// The data side of the display modules: numbers and labels read out of Python values and
// tensors, the 2-D projection of embeddings (PCA through an SVD), and the JSON writer.
#include <Eigen/SVD>
#include <cmath>
#include <cstdio>

#include "lang/plot_internal.h"
#include "lang/torch_convert.h"

namespace gradlab::lang::plot {

NumKind wider(NumKind a, NumKind b) {
  if (a == b) return a;
  if (a == NumKind::Int) return b;
  if (b == NumKind::Int) return a;
  return NumKind::Float64;  // float32 next to float64
}

std::string NumArray::shape_str() const {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

namespace {

std::string where(const char* fname, const char* argname) {
  return std::string(fname) + "(): '" + argname + "'";
}

NumKind tensor_kind(const Tensor& t) {
  switch (t.dtype()) {
    case DType::Float32:
      return NumKind::Float32;
    case DType::Float64:
      return NumKind::Float64;
    default:
      return NumKind::Int;
  }
}

// Appends the numbers of nested lists, tuples, ranges, numbers and tensors, checking that
// they form a rectangular array.
class Collector {
 public:
  Collector(VM& vm, NumArray& out, const char* fname, const char* argname)
      : vm_(vm), out_(out), fname_(fname), argname_(argname) {}

  // Appends v's numbers; returns v's shape.
  std::vector<int64_t> add(const Value& v, int depth) {
    if (depth > kMaxDims) value_error(where(fname_, argname_) + " is nested too deeply");
    if (v.is_number()) {
      push(v.to_double(), v.is_float() ? NumKind::Float64 : NumKind::Int);
      return {};
    }
    if (v.is_none()) {  // a gap, as matplotlib draws None
      push(NAN, out_.kind);
      return {};
    }
    if (v.is_tensor()) {
      Tensor t = unwrap(v);
      reserve(t.numel());
      std::vector<double> vals = to_doubles(t);
      out_.values.insert(out_.values.end(), vals.begin(), vals.end());
      out_.kind = wider(out_.kind, tensor_kind(t));
      return t.sizes().vec();
    }
    if (is_kind(v, ObjKind::Range)) {
      auto* r = as<RangeObj>(v);
      int64_t n = r->length();
      reserve(n);
      for (int64_t i = 0; i < n; ++i) out_.values.push_back(double(r->start + i * r->step));
      return {n};
    }
    if (!is_kind(v, ObjKind::List) && !is_kind(v, ObjKind::Tuple))
      type_error(where(fname_, argname_) + " must hold numbers, not " + vm_.type_name(v));
    // Copied: a tensor's repr is never called here, but the list must not change under us.
    std::vector<Value> items =
        is_kind(v, ObjKind::List) ? as<ListObj>(v)->items : as<TupleObj>(v)->items;
    std::vector<int64_t> inner;
    for (size_t i = 0; i < items.size(); ++i) {
      std::vector<int64_t> s = add(items[i], depth + 1);
      if (i == 0) {
        inner = std::move(s);
      } else if (s != inner) {
        NumArray a, b;
        a.shape = inner;
        b.shape = s;
        value_error(where(fname_, argname_) + " is ragged: it holds items of shape " +
                    a.shape_str() + " and " + b.shape_str());
      }
    }
    inner.insert(inner.begin(), int64_t(items.size()));
    return inner;
  }

 private:
  void push(double v, NumKind k) {
    reserve(1);
    out_.values.push_back(v);
    out_.kind = wider(out_.kind, k);
  }
  void reserve(int64_t n) {
    if (int64_t(out_.values.size()) + n > kMaxChartValues)
      value_error(where(fname_, argname_) + " has more than " + std::to_string(kMaxChartValues) +
                  " numbers, more than a chart can show");
  }

  VM& vm_;
  NumArray& out_;
  const char* fname_;
  const char* argname_;
};

}  // namespace

NumArray to_numbers(VM& vm, const Value& v, const char* fname, const char* argname) {
  NumArray out;
  if (v.is_undef() || v.is_none()) type_error(where(fname, argname) + " is required");
  out.shape = Collector(vm, out, fname, argname).add(v, 0);
  return out;
}

NumArray to_numbers(VM& vm, const Value& v, const char* fname, const char* argname, int ndim) {
  NumArray out = to_numbers(vm, v, fname, argname);
  if (int(out.shape.size()) != ndim)
    value_error(where(fname, argname) + " must be " + std::to_string(ndim) + "-D, got shape " +
                out.shape_str());
  return out;
}

NumArray arange(int64_t n) {
  NumArray a;
  a.shape = {n};
  a.values.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) a.values[size_t(i)] = double(i);
  return a;
}

double to_number(VM& vm, const Value& v, const char* fname, const char* argname, NumKind* kind) {
  if (v.is_number()) {
    if (kind) *kind = v.is_float() ? NumKind::Float64 : NumKind::Int;
    return v.to_double();
  }
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.numel() != 1)
      value_error(where(fname, argname) +
                  " must be a number or a one-element tensor, got a "
                  "tensor of " +
                  std::to_string(t.numel()) + " elements");
    if (kind) *kind = tensor_kind(t);
    return element_as_double(t, 0);
  }
  type_error(where(fname, argname) + " must be a number, not " + vm.type_name(v));
}

std::optional<std::vector<std::string>> to_labels(VM& vm, const Value& v, const char* fname,
                                                  const char* argname) {
  if (v.is_undef() || v.is_none()) return std::nullopt;
  std::vector<Value> items;
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.dim() != 1)
      value_error(where(fname, argname) + " must be 1-D, got a tensor of " +
                  std::to_string(t.dim()) + " dimensions");
    items = vm.to_vector(tensor_tolist(vm, t));
  } else if (is_kind(v, ObjKind::List) || is_kind(v, ObjKind::Tuple) ||
             is_kind(v, ObjKind::Range)) {
    items = vm.to_vector(v);
  } else {
    type_error(where(fname, argname) + " must be a list of labels, not " + vm.type_name(v));
  }
  if (int64_t(items.size()) > kMaxChartValues)
    value_error(where(fname, argname) + " has more than " + std::to_string(kMaxChartValues) +
                " labels");
  std::vector<std::string> out;
  out.reserve(items.size());
  for (auto& x : items) out.push_back(vm.str_of(x));
  return out;
}

std::optional<std::string> opt_str(VM& vm, const Value& v) {
  if (v.is_undef() || v.is_none()) return std::nullopt;
  return vm.str_of(v);
}

std::string str_param(VM& vm, const Value& v, const char* fname, const char* argname) {
  if (!is_kind(v, ObjKind::Str))
    type_error(where(fname, argname) + " must be str, not " + vm.type_name(v));
  return as<StrObj>(v)->s;
}

// --- embeddings in 2-D ----------------------------------------------------------------------
namespace {
std::string percent_label(int k, double share) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "PC%d (%.1f%%)", k, share * 100.0);
  return buf;
}
}  // namespace

Points embed_2d(const NumArray& a, const char* fname) {
  if (a.shape.size() != 2)
    value_error(std::string(fname) + "(): expected an (N, D) matrix of N points, got shape " +
                a.shape_str());
  const int64_t n = a.shape[0], d = a.shape[1];
  if (d == 0)
    value_error(std::string(fname) + "(): the points have no coordinates (shape " + a.shape_str() +
                ")");
  Points p;
  p.xy.resize(size_t(2 * n));
  if (d <= 2) {
    p.kind = a.kind;
    for (int64_t i = 0; i < n; ++i) {
      p.xy[size_t(2 * i)] = a.values[size_t(i * d)];
      p.xy[size_t(2 * i + 1)] = d == 2 ? a.values[size_t(i * d + 1)] : 0.0;
    }
    return p;
  }
  // PCA: the centred points' coordinates along the first two right singular vectors are
  // U * S; each component explains s_k^2 / sum(s^2) of the variance.
  Eigen::MatrixXd x(n, d);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) x(i, j) = a.values[size_t(i * d + j)];
  x.rowwise() -= x.colwise().mean();
  Eigen::BDCSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU);
  const Eigen::VectorXd& s = svd.singularValues();
  const Eigen::MatrixXd& u = svd.matrixU();
  const double total = s.squaredNorm();
  // Coordinates this small next to the largest are the SVD's rounding noise: show 0.
  const double noise = 1e-12 * (s.size() ? s(0) : 0.0);
  p.kind = NumKind::Float32;
  for (int k = 0; k < 2; ++k) {
    const bool has = k < s.size();
    // Singular vectors are defined up to sign: make each component's largest coordinate
    // positive (scikit-learn's svd_flip), so the picture does not flip between runs.
    double sign = 1;
    if (has && n > 0) {
      Eigen::Index arg;
      u.col(k).cwiseAbs().maxCoeff(&arg);
      if (u(arg, k) < 0) sign = -1;
    }
    for (int64_t i = 0; i < n; ++i) {
      const double c = has ? sign * u(i, k) * s(k) : 0.0;
      p.xy[size_t(2 * i + k)] = std::fabs(c) <= noise ? 0.0 : c;  // also no "-0.0"
    }
    const double share = has && total > 0 ? s(k) * s(k) / total : 0.0;
    (k == 0 ? p.xlabel : p.ylabel) = percent_label(k + 1, share);
  }
  return p;
}

std::string scatter_json(const std::string& id, const char* op, const Points& p,
                         const std::optional<std::vector<std::string>>& labels,
                         const std::optional<std::string>& title) {
  Json j;
  j.begin_object().key("id").str(id).key("op").str(op).key("type").str("scatter");
  j.key("points").begin_array();
  for (size_t i = 0; i + 1 < p.xy.size(); i += 2) j.numbers(&p.xy[i], 2, p.kind);
  j.end_array();
  j.key("labels").strs(labels);
  j.key("xlabel").maybe(p.xlabel).key("ylabel").maybe(p.ylabel).key("title").maybe(title);
  return j.end_object().take();
}

Value keyword(const CallArgs& a, std::string_view name) {
  for (uint32_t i = 0; i < a.nkw; ++i)
    if (a.kwname(i) == name) return a.kwvalues[i];
  return Value();
}

}  // namespace gradlab::lang::plot
