// The case-spec interpreter of the reduction and linear-algebra fixtures (the C++ twin of
// apply() in tests/fixtures/gen_reduce.py): a case named "OP;key=value...#TAG" runs OP with
// those arguments on the case's inputs. Included by reduce_test.cpp and linalg_test.cpp.
#pragma once
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fixture_cases.h"
#include "ops/ops.h"

namespace gradlab {
namespace spec {

struct Spec {
  std::string op;
  std::map<std::string, std::string> kv;
  bool has(const std::string& k) const { return kv.count(k) != 0; }
  const std::string& at(const std::string& k) const { return kv.at(k); }
};

inline Spec parse(const std::string& name) {
  Spec s;
  const std::string body = name.substr(0, name.find('#'));
  std::istringstream in(body);
  std::string item;
  std::getline(in, s.op, ';');
  while (std::getline(in, item, ';')) {
    const size_t eq = item.find('=');
    s.kv[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return s;
}

inline std::vector<int64_t> ints(const std::string& s) {
  std::vector<int64_t> v;
  std::istringstream in(s);
  std::string x;
  while (std::getline(in, x, ',')) v.push_back(std::stoll(x));
  return v;
}

inline double pval(const std::string& s) {
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  return std::stod(s);
}

inline DType dtype_of(const std::string& s) {
  if (s == "f32") return DType::Float32;
  if (s == "f64") return DType::Float64;
  if (s == "i64") return DType::Int64;
  return DType::Bool;
}

inline Tensor pre(const Tensor& x, const Spec& s) {
  if (!s.has("pre")) return x;
  const std::string& p = s.at("pre");
  if (p == "t") return transpose(x, -1, -2);
  if (p.rfind("p:", 0) == 0) return permute(x, ints(p.substr(2)));
  if (p == "s2")
    return index(x, {IndexItem::ellipsis(), IndexItem::slice(std::nullopt, std::nullopt, 2)});
  if (p == "c")
    return index(x, {IndexItem::ellipsis(), IndexItem::slice(1, std::nullopt, std::nullopt)});
  throw std::runtime_error("unknown pre " + p);
}

inline Tensor apply(const std::string& name, std::vector<Tensor>& xs) {
  const Spec s = parse(name);
  const Tensor x = pre(xs[0], s);
  const bool keep = s.has("keep") && s.at("keep") == "1";
  const bool unb = !(s.has("unb") && s.at("unb") == "0");
  const std::optional<int64_t> dim =
      s.has("dim") ? std::optional<int64_t>(std::stoll(s.at("dim"))) : std::nullopt;
  const std::optional<DType> dt =
      s.has("dt") ? std::optional<DType>(dtype_of(s.at("dt"))) : std::nullopt;
  const std::string& op = s.op;
  if (op == "sum") return s.has("dims") ? sum(x, ints(s.at("dims")), keep, dt) : sum(x, dt);
  if (op == "mean") return s.has("dims") ? mean(x, ints(s.at("dims")), keep) : mean(x);
  if (op == "prod") return dim ? prod(x, *dim, keep) : prod(x);
  if (op == "cumsum") return cumsum(x, *dim);
  if (op == "max" || op == "min") {
    if (!dim) return op == "max" ? max(x) : min(x);
    ValuesIndices r = op == "max" ? max(x, *dim, keep) : min(x, *dim, keep);
    return s.has("out") && s.at("out") == "indices" ? r.indices : r.values;
  }
  if (op == "argmax") return argmax(x, dim, keep);
  if (op == "argmin") return argmin(x, dim, keep);
  if (op == "var" || op == "std") {
    const std::vector<int64_t> dims = s.has("dims") ? ints(s.at("dims")) : std::vector<int64_t>{};
    return op == "var" ? var(x, dims, unb, keep) : std(x, dims, unb, keep);
  }
  if (op == "norm") {
    const double p = s.has("p") ? pval(s.at("p")) : 2.0;
    return s.has("dims") ? norm(x, p, ints(s.at("dims")), keep) : norm(x, p);
  }
  if (op == "fro")
    return frobenius_norm(x, s.has("dims") ? ints(s.at("dims")) : std::vector<int64_t>{}, keep);
  if (op == "any") return dim ? any(x, *dim, keep) : any(x);
  if (op == "all") return dim ? all(x, *dim, keep) : all(x);
  if (op == "sumto") return sum_to(detach(x), Shape(ints(s.at("shape"))));
  if (op == "dot") return dot(x, xs[1]);
  if (op == "mv") return mv(x, xs[1]);
  if (op == "mm") return mm(x, xs[1]);
  if (op == "bmm") return bmm(x, xs[1]);
  if (op == "matmul") return matmul(x, xs[1]);
  if (op == "outer") return outer(x, xs[1]);
  if (op == "diag") return diag(x, s.has("k") ? std::stoll(s.at("k")) : 0);
  if (op == "trace") return trace(x);
  throw std::runtime_error("unknown op " + op);
}

// Runs every case of a fixture file through apply().
inline void run_spec_fixtures(const std::string& file) {
  const std::vector<fixtures::FCase> cases =
      fixtures::load_fixture_cases(std::string(GRADLAB_FIXTURES_DIR) + "/" + file);
  std::map<std::string, fixtures::CaseFn> fns;
  for (const fixtures::FCase& c : cases) {
    const std::string name = c.name;
    fns[name] = [name](std::vector<Tensor>& in) { return apply(name, in); };
  }
  fixtures::run_fixture_cases(file, fns);
}

}  // namespace spec
}  // namespace gradlab
