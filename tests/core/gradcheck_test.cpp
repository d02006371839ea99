// Runs every registered gradcheck case (tests/core/gradcheck_*_test.cpp) and checks that
// every row of the op table has at least one.
#include "gradcheck.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace gradlab {
namespace {

class Gradcheck : public testing::TestWithParam<size_t> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Gradcheck);

TEST_P(Gradcheck, MatchesFiniteDifferences) {
  const GradcheckCase& c = gradcheck_registry()[GetParam()];
  const std::string failure = run_gradcheck(c);
  EXPECT_EQ(failure, "");
}

// Test names: GradFnName_case_name, made unique.
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const GradcheckCase& c : gradcheck_registry()) {
    std::string n = std::string(grad_fn_name(c.op)) + "_";
    for (char ch : c.name) n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    std::string u = n;
    for (int k = 2; seen.count(u); ++k) u = n + "_" + std::to_string(k);
    seen.insert(u);
    names.push_back(u);
  }
  return names;
}

std::vector<size_t> case_indices() {
  std::vector<size_t> idx;
  for (size_t i = 0; i < gradcheck_registry().size(); ++i) idx.push_back(i);
  return idx;
}

INSTANTIATE_TEST_SUITE_P(Ops, Gradcheck, testing::ValuesIn(case_indices()),
                         [](const testing::TestParamInfo<size_t>& info) {
                           static const std::vector<std::string> names = case_names();
                           return names[info.param];
                         });

TEST(GradcheckCoverage, EveryOpTableRowHasACase) {
  std::set<int> covered;
  for (const GradcheckCase& c : gradcheck_registry()) covered.insert(int(c.op));
  for (int i = 0; i < kNumOps; ++i) {
    if (OpId(i) == OpId::AccumulateGrad) continue;
    EXPECT_TRUE(covered.count(i)) << "op table row " << grad_fn_name(OpId(i))
                                  << " has no gradcheck case (register one with GRADCHECK_CASE)";
  }
}

// The harness itself: a wrong backward must be caught and named.
void wrong_backward(Node& n, const Tensor* gout, Tensor* gin) {
  gin[0] = mul(gout[0], wrapped_scalar(Scalar::from_double(3.0)));  // true derivative: 2
}
Tensor doubled_with_wrong_grad(const Tensor& x) {
  Tensor out = mul(alias_detached(x), wrapped_scalar(Scalar::from_double(2.0)));
  record(OpId::Mul, wrong_backward, {&x}, {&out});
  return out;
}

TEST(GradcheckHarness, ReportsOpArgumentElementGotExpected) {
  GradcheckCase c{OpId::Mul, "deliberately wrong", [](GradInputs& in) {
                    Tensor x = in.values({1.0, 2.0});
                    return std::vector<Tensor>{doubled_with_wrong_grad(x)};
                  },
                  "here", 1, ""};
  const std::string msg = run_gradcheck(c);
  EXPECT_NE(msg.find("MulBackward0 case 'deliberately wrong'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("input 0, element 0 (value 1)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(autograd), expected "), std::string::npos) << msg;
}

TEST(GradcheckHarness, ReportsAMissingNode) {
  GradcheckCase c{OpId::Exp, "not exp", [](GradInputs& in) {
                    return std::vector<Tensor>{neg(in.randn({2}))};
                  },
                  "here", 1, ""};
  EXPECT_NE(run_gradcheck(c).find("the output's graph has no ExpBackward0 node"), std::string::npos);
}

TEST(GradcheckHarness, PassesACorrectOp) {
  GradcheckCase c{OpId::Mul, "mul broadcast", [](GradInputs& in) {
                    Tensor a = in.randn({2, 3});
                    Tensor b = in.randn({3});
                    return std::vector<Tensor>{mul(a, b)};
                  },
                  "here", 1, ""};
  EXPECT_EQ(run_gradcheck(c), "");
}

}  // namespace
}  // namespace gradlab
