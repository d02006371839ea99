// The JSON the display modules send: a small writer, and numbers written as the shortest
// decimal that reads back as the same double (or float32) -- Grisu2 (Florian Loitsch, "Printing
// Floating-Point Numbers Quickly and Accurately with Integers", PLDI 2010) with integer
// arithmetic only. A chart sends thousands of numbers (a live scatter redraws every epoch), so
// this is ~50x cheaper than the snprintf round-trip search print() can afford; Grisu2 always
// round-trips and gives the shortest digits for all but ~0.1% of values (then one more digit).
// Doubles that hold a float32 value are written as that float32 (see append_number).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "lang/plot_internal.h"

namespace gradlab::lang::plot {

namespace {

// --- Grisu2 ---------------------------------------------------------------------------------
struct DiyFp {  // f * 2^e
  uint64_t f;
  int e;
};

// The upper 64 bits of the 128-bit product, rounded.
DiyFp mul(DiyFp x, DiyFp y) {
  const uint64_t m32 = 0xFFFFFFFFu;
  const uint64_t a = x.f >> 32, b = x.f & m32, c = y.f >> 32, d = y.f & m32;
  const uint64_t ac = a * c, bc = b * c, ad = a * d, bd = b * d;
  const uint64_t mid = (bd >> 32) + (ad & m32) + (bc & m32) + (uint64_t{1} << 31);
  return {ac + (ad >> 32) + (bc >> 32) + (mid >> 32), x.e + y.e + 64};
}

DiyFp normalize(DiyFp x) {  // x.f != 0
  const int s = __builtin_clzll(x.f);
  return {x.f << s, x.e - s};
}

// The value and the midpoints to its neighbours (m-, m+) of a double or float32, normalized to
// one exponent.
struct Boundaries {
  DiyFp w, minus, plus;
};

template <class T>
Boundaries boundaries(T value) {
  constexpr int kDigits = std::numeric_limits<T>::digits;  // 53 or 24, the hidden bit included
  constexpr int kBias = std::numeric_limits<T>::max_exponent - 1 + (kDigits - 1);
  constexpr int kMinExp = 1 - kBias;
  using Bits = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;
  Bits bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint64_t hidden = uint64_t{1} << (kDigits - 1);
  const uint64_t fraction = uint64_t(bits) & (hidden - 1);
  const int biased = int(bits >> (kDigits - 1));
  const DiyFp v = biased == 0 ? DiyFp{fraction, kMinExp} : DiyFp{fraction + hidden, biased - kBias};
  // The gap below is half as wide at a power of two (except for the smallest normal).
  const bool closer_below = fraction == 0 && biased > 1;
  const DiyFp plus = normalize(DiyFp{2 * v.f + 1, v.e - 1});
  DiyFp minus = closer_below ? DiyFp{4 * v.f - 1, v.e - 2} : DiyFp{2 * v.f - 1, v.e - 1};
  minus.f <<= minus.e - plus.e;
  minus.e = plus.e;
  DiyFp w = normalize(v);
  w.f <<= w.e - plus.e;
  w.e = plus.e;
  return {w, minus, plus};
}

// 10^k ~= f * 2^e for k = -300, -292, ..., 324 (rounded to nearest; made with exact rationals).
struct CachedPower {
  uint64_t f;
  int e;
  int k;
};
constexpr CachedPower kCachedPowers[] = {
    {0xAB70FE17C79AC6CAULL, -1060, -300}, {0xFF77B1FCBEBCDC4FULL, -1034, -292},
    {0xBE5691EF416BD60CULL, -1007, -284}, {0x8DD01FAD907FFC3CULL, -980, -276},
    {0xD3515C2831559A83ULL, -954, -268},  {0x9D71AC8FADA6C9B5ULL, -927, -260},
    {0xEA9C227723EE8BCBULL, -901, -252},  {0xAECC49914078536DULL, -874, -244},
    {0x823C12795DB6CE57ULL, -847, -236},  {0xC21094364DFB5637ULL, -821, -228},
    {0x9096EA6F3848984FULL, -794, -220},  {0xD77485CB25823AC7ULL, -768, -212},
    {0xA086CFCD97BF97F4ULL, -741, -204},  {0xEF340A98172AACE5ULL, -715, -196},
    {0xB23867FB2A35B28EULL, -688, -188},  {0x84C8D4DFD2C63F3BULL, -661, -180},
    {0xC5DD44271AD3CDBAULL, -635, -172},  {0x936B9FCEBB25C996ULL, -608, -164},
    {0xDBAC6C247D62A584ULL, -582, -156},  {0xA3AB66580D5FDAF6ULL, -555, -148},
    {0xF3E2F893DEC3F126ULL, -529, -140},  {0xB5B5ADA8AAFF80B8ULL, -502, -132},
    {0x87625F056C7C4A8BULL, -475, -124},  {0xC9BCFF6034C13053ULL, -449, -116},
    {0x964E858C91BA2655ULL, -422, -108},  {0xDFF9772470297EBDULL, -396, -100},
    {0xA6DFBD9FB8E5B88FULL, -369, -92},   {0xF8A95FCF88747D94ULL, -343, -84},
    {0xB94470938FA89BCFULL, -316, -76},   {0x8A08F0F8BF0F156BULL, -289, -68},
    {0xCDB02555653131B6ULL, -263, -60},   {0x993FE2C6D07B7FACULL, -236, -52},
    {0xE45C10C42A2B3B06ULL, -210, -44},   {0xAA242499697392D3ULL, -183, -36},
    {0xFD87B5F28300CA0EULL, -157, -28},   {0xBCE5086492111AEBULL, -130, -20},
    {0x8CBCCC096F5088CCULL, -103, -12},   {0xD1B71758E219652CULL, -77, -4},
    {0x9C40000000000000ULL, -50, 4},      {0xE8D4A51000000000ULL, -24, 12},
    {0xAD78EBC5AC620000ULL, 3, 20},       {0x813F3978F8940984ULL, 30, 28},
    {0xC097CE7BC90715B3ULL, 56, 36},      {0x8F7E32CE7BEA5C70ULL, 83, 44},
    {0xD5D238A4ABE98068ULL, 109, 52},     {0x9F4F2726179A2245ULL, 136, 60},
    {0xED63A231D4C4FB27ULL, 162, 68},     {0xB0DE65388CC8ADA8ULL, 189, 76},
    {0x83C7088E1AAB65DBULL, 216, 84},     {0xC45D1DF942711D9AULL, 242, 92},
    {0x924D692CA61BE758ULL, 269, 100},    {0xDA01EE641A708DEAULL, 295, 108},
    {0xA26DA3999AEF774AULL, 322, 116},    {0xF209787BB47D6B85ULL, 348, 124},
    {0xB454E4A179DD1877ULL, 375, 132},    {0x865B86925B9BC5C2ULL, 402, 140},
    {0xC83553C5C8965D3DULL, 428, 148},    {0x952AB45CFA97A0B3ULL, 455, 156},
    {0xDE469FBD99A05FE3ULL, 481, 164},    {0xA59BC234DB398C25ULL, 508, 172},
    {0xF6C69A72A3989F5CULL, 534, 180},    {0xB7DCBF5354E9BECEULL, 561, 188},
    {0x88FCF317F22241E2ULL, 588, 196},    {0xCC20CE9BD35C78A5ULL, 614, 204},
    {0x98165AF37B2153DFULL, 641, 212},    {0xE2A0B5DC971F303AULL, 667, 220},
    {0xA8D9D1535CE3B396ULL, 694, 228},    {0xFB9B7CD9A4A7443CULL, 720, 236},
    {0xBB764C4CA7A44410ULL, 747, 244},    {0x8BAB8EEFB6409C1AULL, 774, 252},
    {0xD01FEF10A657842CULL, 800, 260},    {0x9B10A4E5E9913129ULL, 827, 268},
    {0xE7109BFBA19C0C9DULL, 853, 276},    {0xAC2820D9623BF429ULL, 880, 284},
    {0x80444B5E7AA7CF85ULL, 907, 292},    {0xBF21E44003ACDD2DULL, 933, 300},
    {0x8E679C2F5E44FF8FULL, 960, 308},    {0xD433179D9C8CB841ULL, 986, 316},
    {0x9E19DB92B4E31BA9ULL, 1013, 324},
};
constexpr int kCachedPowersMinDecExp = -300;
constexpr int kCachedPowersDecStep = 8;
// The scaled value's binary exponent lands in [kAlpha, -32], so that its integral part fits
// 32 bits and digits come out of shifts and masks.
constexpr int kAlpha = -60;

// A cached power c with kAlpha <= c.e + e + 64 <= -32.
CachedPower cached_power(int e) {
  const int f = kAlpha - e - 1;
  const int k = (f * 78913) / (1 << 18) + int(f > 0);  // ceil(f * log10(2))
  const int index =
      (-kCachedPowersMinDecExp + k + (kCachedPowersDecStep - 1)) / kCachedPowersDecStep;
  return kCachedPowers[index];
}

// Moves the last digit towards w while the number stays inside the interval.
void round_weed(char* buf, int len, uint64_t dist, uint64_t delta, uint64_t rest, uint64_t ten_k) {
  while (rest < dist && delta - rest >= ten_k &&
         (rest + ten_k < dist || dist - rest > rest + ten_k - dist)) {
    --buf[len - 1];
    rest += ten_k;
  }
}

// The fewest digits of a number inside (minus, plus), closest to w: buf[0..len) * 10^exp10.
void digit_gen(char* buf, int& len, int& exp10, DiyFp minus, DiyFp w, DiyFp plus) {
  uint64_t delta = plus.f - minus.f;
  uint64_t dist = plus.f - w.f;
  const int shift = -plus.e;
  const uint64_t one = uint64_t{1} << shift;
  uint32_t p1 = uint32_t(plus.f >> shift);  // integral part (< 2^32)
  uint64_t p2 = plus.f & (one - 1);         // fractional part
  uint32_t pow10 = 1;
  int n = 1;
  while (n < 10 && p1 >= pow10 * 10) {
    pow10 *= 10;
    ++n;
  }
  while (n > 0) {
    buf[len++] = char('0' + p1 / pow10);
    p1 %= pow10;
    --n;
    const uint64_t rest = (uint64_t{p1} << shift) + p2;
    if (rest <= delta) {
      exp10 += n;
      round_weed(buf, len, dist, delta, rest, uint64_t{pow10} << shift);
      return;
    }
    pow10 /= 10;
  }
  int m = 0;
  for (;;) {
    p2 *= 10;
    buf[len++] = char('0' + (p2 >> shift));
    p2 &= one - 1;
    ++m;
    delta *= 10;
    dist *= 10;
    if (p2 <= delta) break;
  }
  exp10 -= m;
  round_weed(buf, len, dist, delta, p2, one);
}

// Digits of a positive finite value: value ~= buf[0..len) * 10^exp10.
template <class T>
void grisu2(T value, char* buf, int& len, int& exp10) {
  const Boundaries b = boundaries(value);
  const CachedPower c = cached_power(b.plus.e);
  const DiyFp ck{c.f, c.e};
  const DiyFp w = mul(b.w, ck), lo = mul(b.minus, ck), hi = mul(b.plus, ck);
  // The products are off by up to one unit each way: keep inside the shrunk interval.
  len = 0;
  exp10 = -c.k;
  digit_gen(buf, len, exp10, DiyFp{lo.f + 1, lo.e}, w, DiyFp{hi.f - 1, hi.e});
}

// Lays the digits out as Python's repr(float) does: fixed notation for 1e-4 <= |v| < 1e16
// ("100.0", "0.0001"), else "1e-05", "1.5e+16".
void layout(std::string& out, bool negative, const char* d, int len, int exp10) {
  if (negative) out += '-';
  const int point = len + exp10;  // digits before the decimal point
  if (point > -4 && point <= 16) {
    if (point <= 0) {
      out += "0.";
      out.append(size_t(-point), '0');
      out.append(d, size_t(len));
    } else if (point >= len) {
      out.append(d, size_t(len));
      out.append(size_t(point - len), '0');
      out += ".0";
    } else {
      out.append(d, size_t(point));
      out += '.';
      out.append(d + point, size_t(len - point));
    }
    return;
  }
  out += d[0];
  if (len > 1) {
    out += '.';
    out.append(d + 1, size_t(len - 1));
  }
  const int e = point - 1;
  out += e < 0 ? "e-" : "e+";
  const int a = e < 0 ? -e : e;
  if (a < 10) out += '0';
  out += std::to_string(a);
}

template <class T>
void append_shortest(std::string& out, T v) {
  if (v == 0) {
    out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  char buf[32];
  int len, exp10;
  grisu2(std::fabs(v), buf, len, exp10);
  layout(out, std::signbit(v), buf, len, exp10);
}

}  // namespace

void append_number(std::string& out, double v, NumKind kind) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  switch (kind) {
    case NumKind::Int:
      if (std::fabs(v) < 9.2e18 && v == std::trunc(v)) {
        out += std::to_string(static_cast<long long>(v));
        return;
      }
      append_shortest(out, v);
      return;
    case NumKind::Float64:
      // A Python float that holds a float32 value (loss.item()) gets the float32's digits:
      // 0.30000001 rather than 0.30000001192092896, which a chart cannot tell apart.
      if (double(float(v)) == v)
        append_shortest(out, float(v));
      else
        append_shortest(out, v);
      return;
    case NumKind::Float32: {
      const float f = static_cast<float>(v);
      if (!std::isfinite(f)) {
        out += "null";
        return;
      }
      append_shortest(out, f);
      return;
    }
  }
}

void Json::sep() {
  if (!first_) out_ += ',';
  first_ = false;
}

Json& Json::begin_object() {
  sep();
  out_ += '{';
  first_ = true;
  return *this;
}

Json& Json::end_object() {
  out_ += '}';
  first_ = false;
  return *this;
}

Json& Json::begin_array() {
  sep();
  out_ += '[';
  first_ = true;
  return *this;
}

Json& Json::end_array() {
  out_ += ']';
  first_ = false;
  return *this;
}

Json& Json::key(std::string_view k) {
  str(k);
  out_ += ':';
  first_ = true;
  return *this;
}

Json& Json::str(std::string_view s) {
  sep();
  out_ += '"';
  size_t run = 0;  // start of the characters not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
        out_ += buf;
      }
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
  return *this;
}

Json& Json::maybe(const std::optional<std::string>& s) { return s ? str(*s) : null(); }

Json& Json::strs(const std::optional<std::vector<std::string>>& s) {
  if (!s) return null();
  begin_array();
  for (auto& x : *s) str(x);
  return end_array();
}

Json& Json::null() {
  sep();
  out_ += "null";
  return *this;
}

Json& Json::boolean(bool b) {
  sep();
  out_ += b ? "true" : "false";
  return *this;
}

Json& Json::integer(int64_t i) {
  sep();
  out_ += std::to_string(i);
  return *this;
}

Json& Json::number(double v, NumKind kind) {
  sep();
  append_number(out_, v, kind);
  return *this;
}

Json& Json::numbers(const double* v, size_t n, NumKind kind, size_t stride) {
  begin_array();
  for (size_t i = 0; i < n; ++i) number(v[i * stride], kind);
  return end_array();
}

namespace {
void nested_level(Json& j, const NumArray& a, size_t dim, size_t& pos) {
  if (dim == a.shape.size()) {
    j.number(a.values[pos++], a.kind);
    return;
  }
  j.begin_array();
  for (int64_t i = 0; i < a.shape[dim]; ++i) nested_level(j, a, dim + 1, pos);
  j.end_array();
}
}  // namespace

Json& Json::nested(const NumArray& a) {
  size_t pos = 0;
  nested_level(*this, a, 0, pos);
  return *this;
}

}  // namespace gradlab::lang::plot
