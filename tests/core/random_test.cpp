// The random fills against PyTorch 1.13: every value in tests/fixtures/random.txt (written by
// gen_random.py from Debian's python3-torch and glibc) must match bit for bit, plus the
// generator's own contract and the argument errors.
#include "tensor/random.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "tensor/error.h"
#include "tensor/random_libm.h"

namespace gradlab {
namespace {

// One fill of the fixture: `op dtype n a b = values...` at line `line`.
struct Record {
  int line = 0;
  std::string op, dtype, a, b;
  int64_t n = 0;
  std::vector<std::string> values;
};

// A run of fills on one generator: "case <seed>", "case default" (a fresh Generator()) or
// "case libm" (glibc log / sincos rows, no generator).
struct Case {
  std::string seed;
  std::vector<Record> ops;
};

std::vector<Case> load_fixture() {
  const std::string path = std::string(GRADLAB_FIXTURES_DIR) + "/random.txt";
  std::ifstream in(path);
  if (!in) ADD_FAILURE() << "cannot open " << path;
  std::vector<Case> cases;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.empty() || text[0] == '#') continue;
    std::istringstream s(text);
    std::string head;
    s >> head;
    if (head == "case") {
      cases.push_back({});
      s >> cases.back().seed;
      continue;
    }
    if (cases.empty()) {
      ADD_FAILURE() << "line " << line << ": fill before the first case";
      continue;
    }
    Record r;
    r.line = line;
    r.op = head;
    std::string eq;
    s >> r.dtype >> r.n >> r.a >> r.b >> eq;
    if (!s || eq != "=") {
      ADD_FAILURE() << "line " << line << ": malformed record";
      continue;
    }
    for (std::string v; s >> v;) r.values.push_back(v);
    if (static_cast<int64_t>(r.values.size()) != r.n) {
      ADD_FAILURE() << "line " << line << ": " << r.values.size() << " values for n=" << r.n;
    }
    cases.back().ops.push_back(r);
  }
  return cases;
}

const std::vector<Case>& fixture() {
  static const std::vector<Case> cases = load_fixture();
  return cases;
}

double real(const std::string& s) { return std::strtod(s.c_str(), nullptr); }
int64_t integer(const std::string& s) { return std::stoll(s); }

std::string hex_bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(b));
  return buf;
}

std::string hex_bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(b));
  return buf;
}

std::string hex_bits(int64_t v) { return std::to_string(v); }

// Runs one fill into a buffer of its dtype and renders the result as the fixture does.
template <typename T>
std::vector<std::string> run_typed(Generator& gen, const Record& r) {
  std::vector<T> out(static_cast<size_t>(r.n));
  T* p = out.data();
  if (r.op == "uniform") {
    if constexpr (std::is_floating_point_v<T>) uniform_fill(gen, p, r.n, real(r.a), real(r.b));
  } else if (r.op == "normal") {
    if constexpr (std::is_floating_point_v<T>) normal_fill(gen, p, r.n, real(r.a), real(r.b));
  } else if (r.op == "randint") {
    random_from_to_fill(gen, p, r.n, integer(r.a), integer(r.b));
  } else if (r.op == "randperm") {
    if constexpr (std::is_same_v<T, int64_t>) randperm_fill(gen, p, r.n);
  } else if (r.op == "bernoulli") {
    if constexpr (std::is_floating_point_v<T>) bernoulli_fill(gen, p, r.n, real(r.a));
  } else {
    ADD_FAILURE() << "line " << r.line << ": unknown op " << r.op;
  }
  std::vector<std::string> rendered;
  for (T v : out) rendered.push_back(hex_bits(v));
  return rendered;
}

std::vector<std::string> run(Generator& gen, const Record& r) {
  if (r.op == "log") return {hex_bits(random_libm::log(real(r.a)))};
  if (r.op == "sincos") {
    double s, c;
    random_libm::sincos(real(r.a), &s, &c);
    return {hex_bits(s), hex_bits(c)};
  }
  if (r.dtype == "f32") return run_typed<float>(gen, r);
  if (r.dtype == "f64") return run_typed<double>(gen, r);
  return run_typed<int64_t>(gen, r);
}

// Replays every case in order (so generator state carries over exactly as in PyTorch) and
// compares the fills named `op`. Returns how many values were compared.
int64_t check_op(const std::string& op) {
  int64_t compared = 0;
  for (const Case& c : fixture()) {
    Generator gen;
    if (c.seed != "default" && c.seed != "libm") gen.manual_seed(std::stoull(c.seed));
    for (const Record& r : c.ops) {
      const std::vector<std::string> got = run(gen, r);
      if (r.op != op) continue;
      for (size_t i = 0; i < got.size() && i < r.values.size(); ++i) {
        ++compared;
        if (got[i] != r.values[i]) {
          ADD_FAILURE() << "random.txt line " << r.line << ": " << r.op << " " << r.dtype
                        << " n=" << r.n << " a=" << r.a << " b=" << r.b << " (case " << c.seed
                        << "), index " << i << ": got " << got[i] << ", expected " << r.values[i];
          break;  // one report per fill
        }
      }
    }
  }
  return compared;
}

TEST(RandomFixture, Uniform) { EXPECT_GT(check_op("uniform"), 5000); }
TEST(RandomFixture, Normal) { EXPECT_GT(check_op("normal"), 10000); }
TEST(RandomFixture, Randint) { EXPECT_GT(check_op("randint"), 1000); }
TEST(RandomFixture, Randperm) { EXPECT_GT(check_op("randperm"), 10000); }
TEST(RandomFixture, Bernoulli) { EXPECT_GT(check_op("bernoulli"), 1000); }
// glibc's log and sincos on arguments where a different libm, or the port with one fused
// multiply-add unfused, would round differently.
TEST(RandomFixture, LibmLog) { EXPECT_GE(check_op("log"), 20); }
TEST(RandomFixture, LibmSincos) { EXPECT_GE(check_op("sincos"), 60); }

TEST(Generator, MatchesStdMt19937) {
  for (uint64_t seed : {uint64_t{0}, uint64_t{42}, uint64_t{5489}, uint64_t{0xffffffffu}}) {
    Generator gen(seed);
    std::mt19937 ref(static_cast<std::mt19937::result_type>(seed));
    for (int i = 0; i < 2000; ++i) ASSERT_EQ(gen.random(), ref()) << "seed " << seed << " #" << i;
  }
  Generator gen(5489);
  uint32_t v = 0;
  for (int i = 0; i < 10000; ++i) v = gen.random();
  EXPECT_EQ(v, 4123659995u);  // the C++ standard's check value for mt19937
}

TEST(Generator, SeedsWithLow32BitsButKeepsFullSeed) {
  const uint64_t seed = (uint64_t{5} << 32) | 7u;
  Generator a(seed), b(7);
  EXPECT_EQ(a.initial_seed(), seed);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.random(), b.random());
  EXPECT_EQ(Generator().initial_seed(), Generator::kDefaultSeed);
}

TEST(Generator, Random64IsHighThenLow) {
  Generator a(3), b(3);
  const uint64_t hi = a.random(), lo = a.random();
  EXPECT_EQ(b.random64(), (hi << 32) | lo);
}

TEST(Generator, ManualSeedClearsCachedNormals) {
  Generator gen(1);
  double one[1];
  normal_fill(gen, one, 1, 0.0, 1.0);
  ASSERT_TRUE(gen.next_double_normal_sample().has_value());
  gen.set_next_float_normal_sample(1.0f);
  gen.manual_seed(1);
  EXPECT_FALSE(gen.next_double_normal_sample().has_value());
  EXPECT_FALSE(gen.next_float_normal_sample().has_value());
  double again[1];
  normal_fill(gen, again, 1, 0.0, 1.0);
  EXPECT_EQ(hex_bits(one[0]), hex_bits(again[0]));
}

TEST(Generator, EmptyFillsDrawNothing) {
  Generator gen(9), ref(9);
  normal_fill(gen, static_cast<float*>(nullptr), 0, 0.0, 1.0);
  uniform_fill(gen, static_cast<double*>(nullptr), 0, 0.0, 1.0);
  random_from_to_fill(gen, static_cast<int64_t*>(nullptr), 0, 0, 5);
  randperm_fill(gen, nullptr, 0);
  randperm_fill(gen, nullptr, 0);
  bernoulli_fill(gen, static_cast<float*>(nullptr), 0, 0.5);
  int64_t one[1];
  randperm_fill(gen, one, 1);  // a permutation of one element needs no swap
  EXPECT_EQ(one[0], 0);
  EXPECT_EQ(gen.random(), ref.random());
}

// Runs `fill` and returns the RuntimeError text it raises ("" if none).
template <typename F>
std::string error_of(F fill) {
  try {
    fill();
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "RuntimeError");
    return e.message();
  }
  return "";
}

TEST(RandomErrors, WordedAsPyTorch) {
  Generator gen;
  float f[3];
  int64_t i[3];
  EXPECT_EQ(error_of([&] { normal_fill(gen, f, 3, 0.0, -1.5); }),
            "normal expects std >= 0.0, but found std -1.5");
  EXPECT_EQ(error_of([&] { uniform_fill(gen, f, 3, 2.0, 1.0); }),
            "uniform_ expects to return a [from, to) range, but found from=2 > to=1");
  EXPECT_EQ(error_of([&] { uniform_fill(gen, f, 3, -3e38, 3e38); }),
            "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3e+38 "
            "and from=-3e+38 which result in to-from to exceed the limit");
  EXPECT_EQ(error_of([&] { uniform_fill(gen, f, 3, 0.5, 1e300); }),
            "to is out of bounds for float");
  EXPECT_EQ(error_of([&] { random_from_to_fill(gen, i, 3, 5, 5); }),
            "random_ expects 'from' to be less than 'to', but got from=5 >= to=5");
  EXPECT_EQ(error_of([&] { bernoulli_fill(gen, f, 3, 1.5); }),
            "bernoulli_ expects p to be in [0, 1], but got p=1.5");
  EXPECT_EQ(error_of([&] { bernoulli_fill(gen, f, 3, -0.25); }),
            "bernoulli_ expects p to be in [0, 1], but got p=-0.25");
  EXPECT_EQ(error_of([&] { randperm_fill(gen, i, -1); }),
            "Trying to create tensor with negative dimension -1: [-1]");
}

}  // namespace
}  // namespace gradlab
