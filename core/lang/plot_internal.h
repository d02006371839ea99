// Private to the display modules (core/lang/plot_*.cpp): the session's display state, numbers
// read out of Python values and tensors, the 2-D projection of embeddings, a small JSON writer,
// and the registration entry point of each file.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/plot_module.h"
#include "lang/vm.h"

namespace gradlab::lang::plot {

// --- numbers ------------------------------------------------------------------------------
// How an array's numbers are written: Python ints (and int/bool tensors) as integers, Python
// floats and float64 tensors as repr(float), float32 tensors (and computed display coordinates)
// as the shortest decimal that reads back as the same float32 ("0.1", not 0.10000000149011612).
enum class NumKind : uint8_t { Int, Float32, Float64 };
// The kind that can write numbers of both kinds.
NumKind wider(NumKind a, NumKind b);

struct NumArray {
  std::vector<double> values;  // row-major
  std::vector<int64_t> shape;  // {} for a single number
  NumKind kind = NumKind::Int;
  std::string shape_str() const;  // "(3, 2)", as Python prints a shape tuple
};

// Numbers out of a number, a (nested) list/tuple/range, or a tensor (read directly: detached,
// no autograd); lists may hold numbers and tensors. Errors name `fname` and `argname`.
NumArray to_numbers(VM& vm, const Value& v, const char* fname, const char* argname);
// The same, required to be `ndim`-dimensional: ValueError "heatmap(): 'matrix' must be 2-D,
// got shape (3,)".
NumArray to_numbers(VM& vm, const Value& v, const char* fname, const char* argname, int ndim);
// 0, 1, ..., n-1: the default x of a line.
NumArray arange(int64_t n);
// One number: a Python number or a one-element tensor.
double to_number(VM& vm, const Value& v, const char* fname, const char* argname, NumKind* kind);
// A list, tuple or tensor of labels, each as str() shows it; nullopt for None or absent.
std::optional<std::vector<std::string>> to_labels(VM& vm, const Value& v, const char* fname,
                                                  const char* argname);
// str(v), or nullopt for None or absent.
std::optional<std::string> opt_str(VM& vm, const Value& v);
// A str argument (TypeError otherwise).
std::string str_param(VM& vm, const Value& v, const char* fname, const char* argname);

// Points for a scatter chart from an (N, D) array: D == 2 as given, D == 1 with y = 0, and
// D > 2 projected on the first two principal components (SVD of the centred matrix), with
// axis labels "PC1 (71.2%)" giving each component's share of the variance.
struct Points {
  std::vector<double> xy;  // x0, y0, x1, y1, ...
  NumKind kind = NumKind::Int;
  std::optional<std::string> xlabel, ylabel;
};
Points embed_2d(const NumArray& a, const char* fname);

// --- JSON -----------------------------------------------------------------------------------
// Writes one compact JSON object; commas are placed by the writer. NaN and infinities are
// written as null.
class Json {
 public:
  Json() { out_.reserve(128); }
  Json& begin_object();
  Json& end_object();
  Json& begin_array();
  Json& end_array();
  Json& key(std::string_view k);
  Json& str(std::string_view s);
  Json& maybe(const std::optional<std::string>& s);  // null when absent
  Json& strs(const std::optional<std::vector<std::string>>& s);
  Json& null();
  Json& boolean(bool b);
  Json& integer(int64_t i);
  Json& number(double v, NumKind kind);
  Json& numbers(const double* v, size_t n, NumKind kind, size_t stride = 1);
  // An n-dimensional array as nested JSON arrays.
  Json& nested(const NumArray& a);
  std::string take() { return std::move(out_); }

 private:
  void sep();
  std::string out_;
  bool first_ = true;
};
// The JSON text of one number.
void append_number(std::string& out, double v, NumKind kind);

// --- the session's display state ------------------------------------------------------------
struct Series {
  std::optional<std::string> name;
  NumArray x, y;
  bool markers = false;  // scatter points drawn on a line chart
};

struct Annotation {
  double x, y;
  std::string text;
};

struct Heatmap {
  NumArray matrix;
  std::optional<std::vector<std::string>> rows, cols;
  bool annotate = false;
};

// matplotlib's current figure (seaborn draws into it too), shown by plt.show(), plt.figure()
// or the end of the cell.
struct Figure {
  std::optional<std::string> title, xlabel, ylabel;
  std::vector<Series> lines;
  std::vector<Series> scatters;
  std::vector<Annotation> texts;
  std::optional<Heatmap> heatmap;
  bool empty() const { return lines.empty() && scatters.empty() && !heatmap; }
};

struct ProgressBar {
  std::string id;
  int64_t n = 0;
  int64_t total = -1;  // -1: unknown
  int64_t every = 1;   // report each `every` steps when the total is known
  int64_t reported = -1;
  bool started = false;  // the first item was handed out
  bool closed = false;
  std::optional<std::string> desc;
  std::string postfix;
  std::chrono::steady_clock::time_point start;
};

struct LiveChart {
  bool scatter = false;
  int64_t next_x = 0;
  std::string append_prefix;  // {"id":"loss","op":"append","x":
};

struct DisplayState {
  Display::Sink sink;
  // Per cell.
  int figures = 0;
  int bars = 0;
  std::unordered_map<std::string, LiveChart> live;
  Figure figure;
  std::vector<std::shared_ptr<ProgressBar>> cell_bars;
  // Per session.
  std::unordered_map<std::string, double> inputs;

  void emit(DisplayKind k, std::string json) {
    if (sink) sink(k, std::move(json));
  }
  std::string next_figure_id() { return "fig" + std::to_string(++figures); }
};

// The native data of the display holder, the object every display native has as its data
// (one per VM; the state it points to is the session's and outlives VMs).
struct DisplayRef : NativeData {
  DisplayState* state = nullptr;
  ClassObj* bar_class = nullptr;  // tqdm's progress-bar objects (made when tqdm is imported)
};
DisplayRef& display_ref(VM& vm);
// The display state behind the running native function.
inline DisplayState& display_of(VM& vm) { return *display_ref(vm).state; }
// Emits matplotlib's current figure if anything was drawn, and starts a new one.
void show_figure(DisplayState& st);

// --- each file's part -----------------------------------------------------------------------
// plot_module.cpp: the `plot` module.
void init_plot(VM& vm, ModuleObj& m, const Value& holder);
// plot_pyplot.cpp: matplotlib.pyplot and seaborn; the JSON of a figure.
void init_pyplot(VM& vm, ModuleObj& m, const Value& holder);
void init_seaborn(VM& vm, ModuleObj& m, const Value& holder);
std::string figure_json(const Figure& f, const std::string& id);
// plot_widgets.cpp: tqdm's natives and gradlab source, and the slider builtin.
void init_tqdm(VM& vm, ModuleObj& m, const Value& holder);
extern const char* const kTqdmSource;
Value slider_fn(VM& vm, CallArgs& a);
std::string progress_json(const ProgressBar& b);

// Writes the JSON of a scatter chart.
std::string scatter_json(const std::string& id, const char* op, const Points& p,
                         const std::optional<std::vector<std::string>>& labels,
                         const std::optional<std::string>& title);

// A keyword argument of a matplotlib-style call (Undef if absent); such calls accept and
// ignore keywords that only style the chart (color=, marker=, figsize=, ...).
Value keyword(const CallArgs& a, std::string_view name);

}  // namespace gradlab::lang::plot
