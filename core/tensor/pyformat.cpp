// Python's number and string formatting: repr(float) and format(value, spec).
//
// The structure follows CPython 3.11: Python/pystrtod.c (format_float_short, which lays out
// the digits David Gay's dtoa produced) and Python/formatter_unicode.c (spec parsing, sign,
// padding and digit grouping). Gay's dtoa is replaced by correctly rounded libc conversions:
// snprintf's %.*e and %.*f round the exact binary value half-to-even, exactly as dtoa's
// modes 2 and 3 do, and the shortest round-trip digits (mode 0) are found by testing the
// correctly rounded candidates of increasing length with strtod (emscripten's libc++ has no
// floating-point std::to_chars).
#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tensor/format.h"

namespace gradlab {
namespace {

// ---- UTF-8 ---------------------------------------------------------------------------------

// Decodes UTF-8; a byte that does not start a valid sequence becomes one code point of its
// own value, so any input decodes.
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t extra = (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : 0;
    char32_t cp = b & (0x7F >> (extra + 1));
    bool valid = extra > 0 && i + extra < s.size();
    for (size_t k = 1; valid && k <= extra; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      valid = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!valid) {
      cp = b;
      extra = 0;
    }
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void append_fill(std::string& out, char32_t fill, int64_t n) {
  for (int64_t i = 0; i < n; ++i) append_utf8(out, fill);
}

// ---- decimal digits, as Gay's dtoa returns them ----------------------------------------

// |v| = 0.d1d2d3... x 10^decpt, digits without trailing zeros. Zero is ("0", 1); a value
// that rounds away to nothing in fixed mode is ("", -ndigits), as in dtoa.
struct Decimal {
  std::string digits;
  int decpt;
};

std::string c_format(const char* fmt, int precision, double a) {
  int n = std::snprintf(nullptr, 0, fmt, precision, a);
  std::string buf(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(buf.data(), buf.size(), fmt, precision, a);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

void strip_trailing_zeros(std::string& d) {
  while (!d.empty() && d.back() == '0') d.pop_back();
}

// Splits snprintf's "d.ddde+XX" into its mantissa digits and exponent.
void split_exponent(const std::string& s, std::string& mantissa, int& exp10) {
  size_t e = s.find('e');
  mantissa.clear();
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.') mantissa += s[i];
  exp10 = std::atoi(s.c_str() + e + 1);
}

// dtoa mode 2: `ndigits` (>= 1) significant digits, correctly rounded. `a` finite, >= 0.
Decimal significant_digits(double a, int ndigits) {
  if (a == 0) return {"0", 1};
  std::string mantissa;
  int exp10 = 0;
  split_exponent(c_format("%.*e", ndigits - 1, a), mantissa, exp10);
  strip_trailing_zeros(mantissa);
  return {mantissa, exp10 + 1};
}

// dtoa mode 3: rounded to `ndigits` (>= 0) digits after the decimal point.
Decimal fixed_digits(double a, int ndigits) {
  if (a == 0) return {"0", 1};
  std::string s = c_format("%.*f", ndigits, a);
  size_t point = s.find('.');
  int int_len = static_cast<int>(point == std::string::npos ? s.size() : point);
  std::string all = s.substr(0, static_cast<size_t>(int_len));
  if (point != std::string::npos) all += s.substr(point + 1);
  size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) return {"", -ndigits};
  std::string digits = all.substr(first);
  strip_trailing_zeros(digits);
  return {digits, int_len - static_cast<int>(first)};
}

// Adds `delta` (+1 or -1) to the last digit of a decimal digit string; false when the result
// no longer has the same number of digits (a carry out or a borrow into the leading digit).
bool step_last_digit(std::string& d, int delta) {
  for (size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0' + delta;
    if (v >= 0 && v <= 9) {
      d[i] = static_cast<char>('0' + v);
      return d[0] != '0';
    }
    d[i] = delta > 0 ? '0' : '9';
  }
  return false;
}

bool reads_back_as(const std::string& mantissa, int exp10, double a) {
  std::string s = mantissa.substr(0, 1) + "." + mantissa.substr(1) + "e" + std::to_string(exp10);
  return std::strtod(s.c_str(), nullptr) == a;
}

// dtoa mode 0: the shortest digit string that reads back as `a`; of several that short, the
// closest. The closest n-digit decimal is the correctly rounded one; when it fails to read
// back, a neighbour can still succeed where the rounding interval is lopsided (powers of 2).
Decimal shortest_digits(double a) {
  if (a == 0) return {"0", 1};
  for (int n = 1; n <= 17; ++n) {
    std::string mantissa;
    int exp10 = 0;
    split_exponent(c_format("%.*e", n - 1, a), mantissa, exp10);
    bool found = reads_back_as(mantissa, exp10, a);
    for (int delta : {1, -1}) {
      if (found) break;
      std::string neighbour = mantissa;
      if (step_last_digit(neighbour, delta) && reads_back_as(neighbour, exp10, a)) {
        mantissa = neighbour;
        found = true;
      }
    }
    if (found) {
      strip_trailing_zeros(mantissa);
      return {mantissa, exp10 + 1};
    }
  }
  return significant_digits(a, 17);  // unreachable: 17 digits always read back
}

// ---- PyOS_double_to_string -----------------------------------------------------------------

struct FloatStyle {
  char type;               // 'e', 'f', 'g' or 'r' (repr); upper-case variants allowed
  int precision;           // as given in the spec (ignored for 'r')
  bool add_dot_0 = false;  // "1.0", not "1", when no exponent
  bool alternate = false;  // '#': keep the decimal point and trailing zeros
  bool no_neg_0 = false;   // 'z': "-0.0" becomes "0.0"
};

// CPython's format_float_short: lays out dtoa's digits with zero padding, a decimal point and
// an exponent.
std::string double_to_string(double v, FloatStyle st) {
  bool upper = st.type == 'E' || st.type == 'F' || st.type == 'G';
  char type = static_cast<char>(upper ? st.type - 'A' + 'a' : st.type);
  int precision = st.precision;
  bool negative = std::signbit(v);
  if (std::isnan(v) || std::isinf(v)) {
    std::string s = std::isnan(v) ? "nan" : (negative ? "-inf" : "inf");  // nan has no sign
    if (upper)
      for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  double a = std::fabs(v);
  Decimal dec;
  if (type == 'e') {
    ++precision;
    dec = significant_digits(a, precision);
  } else if (type == 'f') {
    dec = fixed_digits(a, precision);
  } else if (type == 'g') {
    if (precision == 0) precision = 1;
    dec = significant_digits(a, precision);
  } else {
    dec = shortest_digits(a);
  }
  const std::string& digits = dec.digits;
  int64_t digits_len = static_cast<int64_t>(digits.size());
  int64_t decpt = dec.decpt;
  if (st.no_neg_0 && negative && (digits.empty() || digits == "0")) negative = false;

  // Output the slice [vdigits_start, vdigits_end) of the digits padded with zeros on both
  // sides, with the decimal point after position decpt.
  bool use_exp = false;
  int64_t vdigits_end = digits_len;
  if (type == 'e') {
    use_exp = true;
    vdigits_end = precision;
  } else if (type == 'f') {
    vdigits_end = decpt + precision;
  } else if (type == 'g') {
    if (decpt <= -4 || decpt > (st.add_dot_0 ? precision - 1 : precision)) use_exp = true;
    if (st.alternate) vdigits_end = precision;
  } else if (decpt <= -4 || decpt > 16) {
    use_exp = true;
  }
  int64_t exp10 = 0;
  if (use_exp) {
    exp10 = decpt - 1;
    decpt = 1;
  }
  int64_t vdigits_start = decpt <= 0 ? decpt - 1 : 0;
  if (!use_exp && st.add_dot_0)
    vdigits_end = std::max(vdigits_end, decpt + 1);
  else
    vdigits_end = std::max(vdigits_end, decpt);

  std::string out;
  if (negative) out += '-';
  if (decpt <= 0) {
    out.append(static_cast<size_t>(decpt - vdigits_start), '0');
    out += '.';
    out.append(static_cast<size_t>(-decpt), '0');
  } else {
    out.append(static_cast<size_t>(-vdigits_start), '0');
  }
  if (0 < decpt && decpt <= digits_len) {
    out.append(digits, 0, static_cast<size_t>(decpt));
    out += '.';
    out.append(digits, static_cast<size_t>(decpt), std::string::npos);
  } else {
    out += digits;
  }
  if (digits_len < decpt) {
    out.append(static_cast<size_t>(decpt - digits_len), '0');
    out += '.';
    out.append(static_cast<size_t>(vdigits_end - decpt), '0');
  } else {
    out.append(static_cast<size_t>(vdigits_end - digits_len), '0');
  }
  if (out.back() == '.' && !st.alternate) out.pop_back();
  if (use_exp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%+.02" PRId64, upper ? 'E' : 'e', exp10);
    out += buf;
  }
  return out;
}

// ---- the format-spec mini-language ----------------------------------------------------------

enum class Grouping { None, Comma, Underscore, UnderscoreFour };

struct Spec {
  char32_t fill = ' ';
  char32_t align = 0;
  char sign = 0;
  bool no_neg_0 = false;
  bool alternate = false;
  int64_t width = -1;
  Grouping grouping = Grouping::None;
  int64_t precision = -1;
  char32_t type = 0;
};

// Whether c is one of the ASCII characters in `set`.
bool is_one_of(char32_t c, std::string_view set) {
  return c > 0 && c < 128 && set.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_alignment(char32_t c) { return is_one_of(c, "<>=^"); }

// Reads a run of ASCII digits; returns how many were read. (CPython also accepts other
// Unicode decimal digits here, e.g. Arabic-Indic ones; we do not.)
int64_t read_integer(const std::u32string& s, size_t& pos, int64_t& result) {
  int64_t value = 0, count = 0;
  for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++count) {
    int digit = static_cast<int>(s[pos] - '0');
    if (value > (INT64_MAX - digit) / 10) value_error("Too many decimal digits in format string");
    value = value * 10 + digit;
  }
  result = value;
  return count;
}

// "'d'" for a printable ASCII character, "'\xe9'" otherwise, as CPython words it.
std::string quote_code(char32_t c) {
  char buf[32];
  if (c > 32 && c < 128)
    std::snprintf(buf, sizeof buf, "'%c'", static_cast<char>(c));
  else
    std::snprintf(buf, sizeof buf, "'\\x%x'", static_cast<unsigned>(c));
  return buf;
}

[[noreturn]] void unknown_code(char32_t type, const char* type_name) {
  value_error("Unknown format code " + quote_code(type) + " for object of type '" + type_name +
              "'");
}

// CPython's parse_internal_render_format_spec.
Spec parse_spec(std::string_view text, const char* type_name, char32_t default_type,
                char32_t default_align) {
  std::u32string s = decode_utf8(text);
  Spec f;
  f.align = default_align;
  f.type = default_type;
  size_t pos = 0, end = s.size();
  bool fill_specified = false, align_specified = false;
  if (end - pos >= 2 && is_alignment(s[pos + 1])) {
    f.align = s[pos + 1];
    f.fill = s[pos];
    fill_specified = align_specified = true;
    pos += 2;
  } else if (end - pos >= 1 && is_alignment(s[pos])) {
    f.align = s[pos];
    align_specified = true;
    ++pos;
  }
  if (pos < end && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' '))
    f.sign = static_cast<char>(s[pos++]);
  if (pos < end && s[pos] == 'z') {
    f.no_neg_0 = true;
    ++pos;
  }
  if (pos < end && s[pos] == '#') {
    f.alternate = true;
    ++pos;
  }
  if (!fill_specified && pos < end && s[pos] == '0') {
    f.fill = '0';
    if (!align_specified && default_align == '>') f.align = '=';
    ++pos;
  }
  if (read_integer(s, pos, f.width) == 0) f.width = -1;
  if (pos < end && s[pos] == ',') {
    f.grouping = Grouping::Comma;
    ++pos;
  }
  if (pos < end && s[pos] == '_') {
    if (f.grouping != Grouping::None) value_error("Cannot specify both ',' and '_'.");
    f.grouping = Grouping::Underscore;
    ++pos;
  }
  if (pos < end && s[pos] == ',' && f.grouping == Grouping::Underscore)
    value_error("Cannot specify both ',' and '_'.");
  if (pos < end && s[pos] == '.') {
    ++pos;
    if (read_integer(s, pos, f.precision) == 0) value_error("Format specifier missing precision");
  }
  if (end - pos > 1)
    value_error("Invalid format specifier '" + std::string(text) + "' for object of type '" +
                type_name + "'");
  if (end - pos == 1) f.type = s[pos];
  if (f.grouping != Grouping::None && f.type != 0 && !is_one_of(f.type, "defgEGF%")) {
    if (f.grouping == Grouping::Underscore && is_one_of(f.type, "boxX"))
      f.grouping = Grouping::UnderscoreFour;  // PEP 515: every four digits in bin/oct/hex
    else
      value_error(std::string("Cannot specify '") + (f.grouping == Grouping::Comma ? ',' : '_') +
                  "' with " + quote_code(f.type) + ".");
  }
  return f;
}

void check_size_limit(const Spec& f) {
  if (f.width > kMaxFormatWidth || f.precision > kMaxFormatWidth)
    raise("MemoryError",
          "format width and precision are limited to " + std::to_string(kMaxFormatWidth));
}

// Digits grouped from the right with `sep` every `group` digits (group 0: no grouping), and
// zero-padded on the left to at least `min_width` characters (the '0' flag). CPython's
// _PyUnicode_InsertThousandsGrouping.
std::string group_digits(std::string_view digits, int64_t min_width, int group, char sep) {
  min_width = std::max<int64_t>(0, min_width);
  int64_t remaining = static_cast<int64_t>(digits.size());
  size_t pos = digits.size();
  std::string reversed;
  bool use_sep = false;
  auto emit = [&](int64_t len) {
    int64_t n_zeros = std::max<int64_t>(0, len - remaining);
    int64_t n_chars = std::max<int64_t>(0, std::min(remaining, len));
    if (use_sep) reversed += sep;
    for (int64_t i = 0; i < n_chars; ++i) reversed += digits[--pos];
    reversed.append(static_cast<size_t>(n_zeros), '0');
    use_sep = true;
    remaining -= n_chars;
  };
  bool done = false;
  while (group > 0) {
    int64_t len = std::min<int64_t>(group, std::max({remaining, min_width, int64_t{1}}));
    emit(len);
    min_width -= len;
    if (remaining <= 0 && min_width <= 0) {
      done = true;
      break;
    }
    min_width -= 1;  // the separator's width
  }
  if (!done) emit(std::max({remaining, min_width, int64_t{1}}));
  return std::string(reversed.rbegin(), reversed.rend());
}

// The pieces of a formatted number: [sign][prefix][digits][.remainder] -- remainder is what
// follows the integer digits ("5%", "e+10", "inf"; or the character for 'c').
struct NumberParts {
  bool negative = false;
  std::string prefix;  // "0x" etc.
  std::string digits;
  bool has_decimal = false;
  std::string remainder;
};

// CPython's calc_number_widths + fill_number: sign, padding and grouping.
std::string layout_number(const Spec& f, const NumberParts& p, bool use_locale, bool upper) {
  int group = 0;
  char sep = 0;
  if (!use_locale) {  // 'n' uses the C locale here: no grouping, '.' as the decimal point
    if (f.grouping == Grouping::Comma) group = 3, sep = ',';
    if (f.grouping == Grouping::Underscore) group = 3, sep = '_';
    if (f.grouping == Grouping::UnderscoreFour) group = 4, sep = '_';
  }
  char sign = 0;
  if (f.sign == '+')
    sign = p.negative ? '-' : '+';
  else if (f.sign == ' ')
    sign = p.negative ? '-' : ' ';
  else if (p.negative)
    sign = '-';
  int64_t remainder_len = static_cast<int64_t>(decode_utf8(p.remainder).size());
  int64_t non_digits = (sign ? 1 : 0) + static_cast<int64_t>(p.prefix.size()) +
                       (p.has_decimal ? 1 : 0) + remainder_len;
  int64_t min_width = f.fill == '0' && f.align == '=' ? f.width - non_digits : 0;
  std::string grouped = p.digits.empty() ? "" : group_digits(p.digits, min_width, group, sep);
  int64_t padding = f.width - (non_digits + static_cast<int64_t>(grouped.size()));
  int64_t left = 0, middle = 0, right = 0;
  if (padding > 0) {
    if (f.align == '<') right = padding;
    if (f.align == '^') left = padding / 2, right = padding - left;
    if (f.align == '=') middle = padding;
    if (f.align == '>') left = padding;
  }
  std::string prefix = p.prefix;
  if (upper) {
    for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : grouped) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  std::string out;
  append_fill(out, f.fill, left);
  if (sign) out += sign;
  out += prefix;
  append_fill(out, f.fill, middle);
  out += grouped;
  if (p.has_decimal) out += '.';
  out += p.remainder;
  append_fill(out, f.fill, right);
  return out;
}

// CPython's format_float_internal.
std::string format_float_spec(double v, const Spec& f) {
  if (f.precision > INT_MAX) value_error("precision too big");
  check_size_limit(f);
  FloatStyle st{static_cast<char>(f.type), static_cast<int>(f.precision)};
  st.alternate = f.alternate;
  st.no_neg_0 = f.no_neg_0;
  int default_precision = 6;
  if (f.type == 0) {
    st.add_dot_0 = true;
    st.type = 'r';
    default_precision = 0;
  }
  if (f.type == 'n') st.type = 'g';
  bool percent = f.type == '%';
  if (percent) {
    st.type = 'f';
    v *= 100;
  }
  if (st.precision < 0)
    st.precision = default_precision;
  else if (st.type == 'r')
    st.type = 'g';
  std::string s = double_to_string(v, st);
  if (percent) s += '%';

  NumberParts p;
  size_t i = 0;
  if (s[0] == '-') {
    p.negative = true;
    i = 1;
  }
  size_t digits_end = i;
  while (digits_end < s.size() && s[digits_end] >= '0' && s[digits_end] <= '9') ++digits_end;
  p.digits = s.substr(i, digits_end - i);
  p.has_decimal = digits_end < s.size() && s[digits_end] == '.';
  p.remainder = s.substr(digits_end + (p.has_decimal ? 1 : 0));
  return layout_number(f, p, f.type == 'n', false);
}

std::string to_base(uint64_t magnitude, int base) {
  if (magnitude == 0) return "0";
  std::string out;
  for (; magnitude; magnitude /= static_cast<uint64_t>(base))
    out += "0123456789abcdef"[magnitude % static_cast<uint64_t>(base)];
  return std::string(out.rbegin(), out.rend());
}

// CPython's format_long_internal.
std::string format_int_spec(int64_t v, const Spec& f) {
  if (f.precision != -1) value_error("Precision not allowed in integer format specifier");
  if (f.no_neg_0) value_error("Negative zero coercion (z) not allowed in integer format specifier");
  NumberParts p;
  if (f.type == 'c') {
    if (f.sign != 0) value_error("Sign not allowed with integer format specifier 'c'");
    if (f.alternate)
      value_error("Alternate form (#) not allowed with integer format specifier 'c'");
    if (v < 0 || v > 0x10FFFF) raise("OverflowError", "%c arg not in range(0x110000)");
    append_utf8(p.remainder, static_cast<char32_t>(v));
  } else {
    int base = f.type == 'b' ? 2 : f.type == 'o' ? 8 : (f.type == 'x' || f.type == 'X') ? 16 : 10;
    if (f.alternate && base != 10) p.prefix = base == 2 ? "0b" : base == 8 ? "0o" : "0x";
    p.negative = v < 0;
    uint64_t magnitude = p.negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    p.digits = to_base(magnitude, base);
  }
  check_size_limit(f);
  return layout_number(f, p, f.type == 'n', f.type == 'X');
}

}  // namespace

std::string python_float_repr(double v) {
  FloatStyle st{'r', 0};
  st.add_dot_0 = true;
  return double_to_string(v, st);
}

std::string python_format_float(double v, std::string_view spec) {
  if (spec.empty()) return python_float_repr(v);
  Spec f = parse_spec(spec, "float", 0, '>');
  if (f.type != 0 && !is_one_of(f.type, "eEfFgGn%")) unknown_code(f.type, "float");
  return format_float_spec(v, f);
}

std::string python_format_int(int64_t v, std::string_view spec) {
  if (spec.empty()) return std::to_string(v);
  Spec f = parse_spec(spec, "int", 'd', '>');
  if (is_one_of(f.type, "bcdoxXn")) return format_int_spec(v, f);
  if (is_one_of(f.type, "eEfFgG%")) return format_float_spec(static_cast<double>(v), f);
  unknown_code(f.type, "int");
}

std::string python_format_str(std::string_view s, std::string_view spec) {
  if (spec.empty()) return std::string(s);
  Spec f = parse_spec(spec, "str", 's', '<');
  if (f.type != 's') unknown_code(f.type, "str");
  if (f.sign == ' ') value_error("Space not allowed in string format specifier");
  if (f.sign != 0) value_error("Sign not allowed in string format specifier");
  if (f.no_neg_0) value_error("Negative zero coercion (z) not allowed in string format specifier");
  if (f.alternate) value_error("Alternate form (#) not allowed in string format specifier");
  if (f.align == '=') value_error("'=' alignment not allowed in string format specifier");
  check_size_limit(f);
  std::u32string chars = decode_utf8(s);
  int64_t len = static_cast<int64_t>(chars.size());
  if (f.precision >= 0 && len > f.precision) len = f.precision;
  int64_t total = std::max(len, f.width);
  int64_t left = f.align == '>' ? total - len : f.align == '^' ? (total - len) / 2 : 0;
  std::string out;
  append_fill(out, f.fill, left);
  for (int64_t i = 0; i < len; ++i) append_utf8(out, chars[static_cast<size_t>(i)]);
  append_fill(out, f.fill, total - len - left);
  return out;
}

}  // namespace gradlab
