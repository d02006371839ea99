// Finite-difference gradient checks for every row of the op table (core/autograd/ops.def).
//
// Each family registers, per OpId, one or more cases: a name and a lambda that builds its
// float64 inputs through a GradInputs and returns the op's output(s). The harness
//   1. runs the lambda with grad on, checks that the output's graph contains a node of the
//      registered op, and back-propagates fixed random weights w (autograd's gradient of
//      sum(out * w) with respect to every input);
//   2. perturbs each input element through its storage by +-eps and re-runs the lambda with
//      grad off (the inputs are the same tensors, so the perturbation reaches the op);
//   3. compares (f(x+eps) - f(x-eps)) / 2eps with autograd's value:
//      |got - expected| <= atol + rtol * |expected|.
//
// Registering a case (in tests/core/gradcheck_<family>_test.cpp; the file name must end in
// _test.cpp to be compiled):
//
//   #include "gradcheck.h"
//   GRADCHECK_CASE(OpId::Mul, "mul broadcast", [](gradlab::GradInputs& in) {
//     gradlab::Tensor a = in.randn({2, 3});           // float64, requires_grad, checked
//     gradlab::Tensor b = in.uniform({3}, 0.5, 2.0);  // values in [0.5, 2)
//     return gradlab::mul(a, b);
//   });
//
// GradInputs (every call returns a float64 leaf that requires grad and is checked; on
// re-runs the same call returns the same tensor, so call it the same way every time):
//   in.randn(shape)                 standard normal values
//   in.uniform(shape, lo, hi)       values in [lo, hi) (keep away from kinks: relu at 0, ...)
//   in.values({1.0, -2.0}, shape)   exact values (shape defaults to 1-D)
//   in.tensor(t)                    a tensor you built (cast to float64, made a leaf)
// Anything else the lambda builds (int index tensors, masks, bounds) is not checked.
//
// A row whose backward PyTorch does not implement (grad_fn=<NotImplemented>) registers the
// error its backward must raise instead:
//   GRADCHECK_ERROR_CASE(OpId::FloorDivide, "floor_divide",
//                        "derivative for aten::floor_divide is not implemented",
//                        [](gradlab::GradInputs& in) { ... return out; });
// The lambda may return one Tensor or a std::vector<Tensor> (multi-output ops); outputs that
// are not floating point (indices) are ignored. The values come from a PRNG seeded by the case
// name, so every run checks the same points.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/node.h"
#include "ops/ops.h"

namespace gradlab {

// Tolerances of the check (float64 central differences).
inline constexpr double kGradcheckEps = 1e-6;
inline constexpr double kGradcheckAtol = 1e-5;
inline constexpr double kGradcheckRtol = 1e-3;

// A small deterministic PRNG (splitmix64): the harness owns its randomness.
class GradcheckRng {
 public:
  explicit GradcheckRng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
  double normal() {  // Box-Muller
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t s_;
};

inline uint64_t gradcheck_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The inputs a case builds. First run: creates and remembers them; re-runs: returns them.
class GradInputs {
 public:
  explicit GradInputs(uint64_t seed) : rng_(seed) {}

  Tensor randn(const Shape& shape) {
    return next([&] {
      std::vector<double> v(size_t(shape.numel()));
      for (double& x : v) x = rng_.normal();
      return from_doubles(v, shape, DType::Float64);
    });
  }
  Tensor uniform(const Shape& shape, double lo, double hi) {
    return next([&] {
      std::vector<double> v(size_t(shape.numel()));
      for (double& x : v) x = lo + (hi - lo) * rng_.uniform();
      return from_doubles(v, shape, DType::Float64);
    });
  }
  Tensor values(const std::vector<double>& v) {
    return values(v, Shape{int64_t(v.size())});
  }
  Tensor values(const std::vector<double>& v, const Shape& shape) {
    return next([&] { return from_doubles(v, shape, DType::Float64); });
  }
  Tensor tensor(const Tensor& t) {
    return next([&] {
      Tensor c = empty(t.sizes(), DType::Float64);
      copy_into(c, t);
      return c;
    });
  }

  const std::vector<Tensor>& all() const { return inputs_; }
  void rewind() { pos_ = 0; }
  size_t used() const { return pos_; }

 private:
  template <typename Make>
  Tensor next(Make&& make) {
    if (pos_ < inputs_.size()) return inputs_[pos_++];
    Tensor t = make();
    t.set_requires_grad(true);
    inputs_.push_back(t);
    ++pos_;
    return t;
  }

  GradcheckRng rng_;
  std::vector<Tensor> inputs_;
  size_t pos_ = 0;
};

using GradcheckFn = std::function<std::vector<Tensor>(GradInputs&)>;

struct GradcheckCase {
  OpId op;
  std::string name;
  GradcheckFn fn;
  std::string file;
  int line = 0;
  std::string expect_error;  // non-empty: backward must raise gradlab::Error with this message
};

inline std::vector<GradcheckCase>& gradcheck_registry() {
  static std::vector<GradcheckCase> cases;  // filled by static registrars before main
  return cases;
}

struct GradcheckRegistrar {
  template <typename F>
  GradcheckRegistrar(OpId op, const char* name, F f, const char* file, int line,
                     const char* expect_error = "") {
    GradcheckFn fn;
    using R = decltype(f(std::declval<GradInputs&>()));
    if constexpr (std::is_same_v<std::decay_t<R>, Tensor>)
      fn = [f](GradInputs& in) { return std::vector<Tensor>{f(in)}; };
    else
      fn = [f](GradInputs& in) { return std::vector<Tensor>(f(in)); };
    gradcheck_registry().push_back(GradcheckCase{op, name, std::move(fn), file, line, expect_error});
  }
};

#define GRADLAB_GC_CAT2(a, b) a##b
#define GRADLAB_GC_CAT(a, b) GRADLAB_GC_CAT2(a, b)
// GRADCHECK_CASE(OpId::X, "name", [](gradlab::GradInputs& in) { ...; return out; });
#define GRADCHECK_CASE(op, name, ...)                                                       \
  static ::gradlab::GradcheckRegistrar GRADLAB_GC_CAT(gradcheck_case_, __COUNTER__)(        \
      ::gradlab::op, name, __VA_ARGS__, __FILE__, __LINE__)
// GRADCHECK_ERROR_CASE(OpId::X, "name", "expected backward error", [](gradlab::GradInputs& in) {...});
#define GRADCHECK_ERROR_CASE(op, name, message, ...)                                        \
  static ::gradlab::GradcheckRegistrar GRADLAB_GC_CAT(gradcheck_case_, __COUNTER__)(        \
      ::gradlab::op, name, __VA_ARGS__, __FILE__, __LINE__, message)

// True when the graph reachable from t's grad_fn contains a node of `op` (iteratively).
inline bool graph_contains(const Tensor& t, OpId op) {
  std::vector<Node*> stack;
  std::vector<Node*> seen;
  if (t.defined() && t.grad_fn()) stack.push_back(t.grad_fn());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (n->op == op) return true;
    for (const Edge& e : n->next) {
      if (!e.fn) continue;
      bool dup = false;
      for (Node* s : seen) dup = dup || s == e.fn;
      if (!dup) {
        seen.push_back(e.fn);
        stack.push_back(e.fn);
      }
    }
  }
  return false;
}

// Runs one case; returns "" on success, else a message naming op, case, argument, element,
// got (autograd) and expected (finite differences).
inline std::string run_gradcheck(const GradcheckCase& c) {
  std::ostringstream err;
  err.precision(17);
  const std::string who = std::string(grad_fn_name(c.op)) + " case '" + c.name + "' (" + c.file +
                          ":" + std::to_string(c.line) + ")";
  GradInputs in(gradcheck_hash(c.name));
  std::vector<Tensor> outs = c.fn(in);
  const std::vector<Tensor> inputs = in.all();
  if (inputs.empty()) return who + ": the case built no inputs through GradInputs";

  // Fixed random weights per floating output.
  GradcheckRng wrng(gradcheck_hash(c.name) ^ 0x5eedull);
  std::vector<std::vector<double>> weights(outs.size());
  bool found = false, any_diff = false;
  for (size_t k = 0; k < outs.size(); ++k) {
    if (!outs[k].defined() || !is_floating(outs[k].dtype())) continue;
    for (int64_t i = 0; i < outs[k].numel(); ++i) weights[k].push_back(2.0 * wrng.uniform() - 1.0);
    found = found || graph_contains(outs[k], c.op);
    any_diff = any_diff || outs[k].requires_grad();
  }
  if (!found)
    return who + ": the output's graph has no " + grad_fn_name(c.op) + " node";

  if (!c.expect_error.empty()) {
    for (size_t k = 0; k < outs.size(); ++k) {
      if (weights[k].empty() || !outs[k].requires_grad()) continue;
      try {
        backward(outs[k], from_doubles(weights[k], outs[k].sizes(), outs[k].dtype()));
      } catch (const Error& e) {
        if (e.message() == c.expect_error) return "";
        return who + ": backward raised '" + e.message() + "', expected '" + c.expect_error + "'";
      }
    }
    return who + ": backward did not raise '" + c.expect_error + "'";
  }

  // Autograd: backward of each output with its weights (grads accumulate over outputs).
  for (size_t k = 0; k < outs.size(); ++k) {
    if (weights[k].empty() || !outs[k].requires_grad()) continue;
    Tensor w = from_doubles(weights[k], outs[k].sizes(), outs[k].dtype());
    backward(outs[k], w, /*retain_graph=*/true);
  }
  outs.clear();

  auto loss = [&]() {
    NoGradGuard no_grad;
    in.rewind();
    std::vector<Tensor> o = c.fn(in);
    double s = 0.0;
    for (size_t k = 0; k < o.size() && k < weights.size(); ++k) {
      if (weights[k].empty()) continue;
      std::vector<double> v = to_doubles(o[k]);
      for (size_t i = 0; i < v.size(); ++i) s += v[i] * weights[k][i];
    }
    return s;
  };

  for (size_t a = 0; a < inputs.size(); ++a) {
    const Tensor& x = inputs[a];
    const Tensor g = x.grad();
    if (g.defined() && g.sizes() != x.sizes())
      return who + ": input " + std::to_string(a) + " got a gradient of shape " + g.sizes().str() +
             ", expected " + x.sizes().str();
    std::vector<double> got = g.defined() ? to_doubles(g) : std::vector<double>(size_t(x.numel()), 0.0);
    double* data = static_cast<double*>(x->storage->data);  // inputs are fresh & contiguous
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double orig = data[x->offset + i];
      data[x->offset + i] = orig + kGradcheckEps;
      const double fp = loss();
      data[x->offset + i] = orig - kGradcheckEps;
      const double fm = loss();
      data[x->offset + i] = orig;
      const double expected = (fp - fm) / (2.0 * kGradcheckEps);
      const double gi = got[size_t(i)];
      if (!(std::fabs(gi - expected) <= kGradcheckAtol + kGradcheckRtol * std::fabs(expected))) {
        err << who << ": input " << a << ", element " << i << " (value " << orig
            << "): got " << gi << " (autograd), expected " << expected << " (finite differences)";
        return err.str();
      }
    }
  }
  if (!any_diff) return who + ": the output does not require grad";
  return "";
}

}  // namespace gradlab
