// matplotlib.pyplot and seaborn, as far as course notebooks use them: calls draw into the
// current figure (lines, scatter points with text annotations, one heatmap, title and axis
// labels), which plt.show(), plt.figure() or the end of the cell sends as one chart. Keywords
// that only style a chart (color=, marker=, figsize=, cmap=, ...) are accepted and ignored.
#include <cmath>

#include "lang/plot_internal.h"

namespace gradlab::lang::plot {

namespace {

bool given(const Value& v) { return !v.is_undef() && !v.is_none(); }

// Positional argument i, else the keyword `name`, else Undef.
Value arg(const CallArgs& a, uint32_t i, std::string_view name) {
  if (i < a.npos) return a[i];
  return keyword(a, name);
}

Value required(VM& vm, const CallArgs& a, uint32_t i, std::string_view name, const char* fname) {
  Value v = arg(a, i, name);
  if (v.is_undef())
    type_error(std::string(fname) + "() missing 1 required positional argument: '" +
               std::string(name) + "'");
  return v;
}

// A line or point set from x (may be absent: 0, 1, 2, ...) and y, both 1-D.
Series make_series(VM& vm, const Value& x, const Value& y, const char* fname,
                   std::optional<std::string> name) {
  Series s;
  s.y = to_numbers(vm, y, fname, "y", 1);
  if (given(x)) {
    s.x = to_numbers(vm, x, fname, "x", 1);
    if (s.x.shape[0] != s.y.shape[0])
      value_error(std::string(fname) +
                  "(): x and y must have same first dimension, but have shapes " + s.x.shape_str() +
                  " and " + s.y.shape_str());
  } else {
    s.x = arange(s.y.shape[0]);
  }
  s.name = std::move(name);
  return s;
}

Heatmap make_heatmap(VM& vm, const Value& m, const char* fname) {
  Heatmap h;
  h.matrix = to_numbers(vm, m, fname, "data", 2);
  return h;
}

// Tick labels given as a list (or tensor); seaborn's True/False/"auto"/int mean default ticks.
std::optional<std::vector<std::string>> tick_labels(VM& vm, const Value& v, const char* fname,
                                                    const char* argname, int64_t n) {
  if (!v.is_tensor() && !is_kind(v, ObjKind::List) && !is_kind(v, ObjKind::Tuple))
    return std::nullopt;
  auto labels = to_labels(vm, v, fname, argname);
  if (int64_t(labels->size()) != n)
    value_error(std::string(fname) + "(): '" + argname + "' has " + std::to_string(labels->size()) +
                " labels for " + std::to_string(n) + " ticks");
  return labels;
}

// --- matplotlib.pyplot ------------------------------------------------------------------------
// plot([x], y, [fmt], [x2], y2, [fmt2], ..., label=None): one line per (x, y) group.
Value plt_plot(VM& vm, CallArgs& a) {
  auto label = opt_str(vm, keyword(a, "label"));
  std::vector<Series> lines;
  uint32_t i = 0;
  while (i < a.npos) {
    Value x, y;
    if (i + 1 < a.npos && !is_kind(a[i + 1], ObjKind::Str)) {
      x = a[i];
      y = a[i + 1];
      i += 2;
    } else {
      y = a[i];
      i += 1;
    }
    if (is_kind(y, ObjKind::Str))
      value_error("plot(): a format string such as '" + as<StrObj>(y)->s +
                  "' must follow the data it styles");
    if (i < a.npos && is_kind(a[i], ObjKind::Str)) ++i;  // a format string ("r--", "o-")
    lines.push_back(make_series(vm, x, y, "plot", label));
  }
  Figure& f = display_of(vm).figure;
  for (auto& s : lines) f.lines.push_back(std::move(s));
  return Value::none();
}

// scatter(x, y, s=None, c=None, label=None, ...)
Value plt_scatter(VM& vm, CallArgs& a) {
  Value x = required(vm, a, 0, "x", "scatter"), y = required(vm, a, 1, "y", "scatter");
  Series s = make_series(vm, x, y, "scatter", opt_str(vm, keyword(a, "label")));
  s.markers = true;
  display_of(vm).figure.scatters.push_back(std::move(s));
  return Value::none();
}

Value set_text(VM& vm, CallArgs& a, const char* fname, const char* argname,
               std::optional<std::string> Figure::*field) {
  Value v = required(vm, a, 0, argname, fname);
  display_of(vm).figure.*field = opt_str(vm, v);
  return Value::none();
}
Value plt_title(VM& vm, CallArgs& a) { return set_text(vm, a, "title", "label", &Figure::title); }
Value plt_xlabel(VM& vm, CallArgs& a) {
  return set_text(vm, a, "xlabel", "xlabel", &Figure::xlabel);
}
Value plt_ylabel(VM& vm, CallArgs& a) {
  return set_text(vm, a, "ylabel", "ylabel", &Figure::ylabel);
}

// text(x, y, s): labels the scatter point nearest to (x, y).
Value plt_text(VM& vm, CallArgs& a) {
  double x = to_number(vm, required(vm, a, 0, "x", "text"), "text", "x", nullptr);
  double y = to_number(vm, required(vm, a, 1, "y", "text"), "text", "y", nullptr);
  std::string s = vm.str_of(required(vm, a, 2, "s", "text"));
  display_of(vm).figure.texts.push_back(Annotation{x, y, std::move(s)});
  return Value::none();
}

// annotate(text, xy, ...): the same as text(xy[0], xy[1], text).
Value plt_annotate(VM& vm, CallArgs& a) {
  std::string s = vm.str_of(required(vm, a, 0, "text", "annotate"));
  NumArray xy = to_numbers(vm, required(vm, a, 1, "xy", "annotate"), "annotate", "xy", 1);
  if (xy.shape[0] != 2)
    value_error("annotate(): 'xy' must be a point (x, y), got shape " + xy.shape_str());
  display_of(vm).figure.texts.push_back(Annotation{xy.values[0], xy.values[1], std::move(s)});
  return Value::none();
}

// imshow(X): a matrix shown as a heatmap without numbers.
Value plt_imshow(VM& vm, CallArgs& a) {
  Heatmap h = make_heatmap(vm, required(vm, a, 0, "X", "imshow"), "imshow");
  display_of(vm).figure.heatmap = std::move(h);
  return Value::none();
}

// figure() starts a new figure (showing the current one); show() shows it.
Value plt_show(VM& vm, CallArgs& a) {
  show_figure(display_of(vm));
  return Value::none();
}

Value plt_close(VM& vm, CallArgs& a) {
  display_of(vm).figure = Figure();
  return Value::none();
}

// legend(), grid(), xlim(), ...: the page always shows series names and grids, and fits the
// axes to the data, so these change nothing.
Value no_effect(VM& vm, CallArgs& a) { return Value::none(); }

// --- seaborn ----------------------------------------------------------------------------------
// lineplot(data=None, *, x=None, y=None, label=None, ...)
Value sns_lineplot(VM& vm, CallArgs& a) {
  Value data = arg(a, 0, "data"), x = keyword(a, "x"), y = keyword(a, "y");
  if (!given(y)) {
    if (!given(data)) type_error("lineplot() needs y= (or data=) to draw");
    y = data;
  }
  display_of(vm).figure.lines.push_back(
      make_series(vm, x, y, "lineplot", opt_str(vm, keyword(a, "label"))));
  return Value::none();
}

// scatterplot(data=None, *, x=None, y=None, label=None, ...): x= and y=, or data of shape (N, 2).
Value sns_scatterplot(VM& vm, CallArgs& a) {
  Value data = arg(a, 0, "data"), x = keyword(a, "x"), y = keyword(a, "y");
  Series s;
  if (given(x) && given(y)) {
    s = make_series(vm, x, y, "scatterplot", std::nullopt);
  } else if (given(data)) {
    NumArray d = to_numbers(vm, data, "scatterplot", "data", 2);
    if (d.shape[1] != 2)
      value_error("scatterplot(): 'data' must have shape (N, 2), got " + d.shape_str());
    int64_t n = d.shape[0];
    s.x.shape = s.y.shape = {n};
    s.x.kind = s.y.kind = d.kind;
    for (int64_t i = 0; i < n; ++i) {
      s.x.values.push_back(d.values[size_t(2 * i)]);
      s.y.values.push_back(d.values[size_t(2 * i + 1)]);
    }
  } else {
    type_error("scatterplot() needs x= and y= (or data=) to draw");
  }
  s.name = opt_str(vm, keyword(a, "label"));
  s.markers = true;
  display_of(vm).figure.scatters.push_back(std::move(s));
  return Value::none();
}

// heatmap(data, *, annot=None, xticklabels="auto", yticklabels="auto", ...)
Value sns_heatmap(VM& vm, CallArgs& a) {
  Heatmap h = make_heatmap(vm, required(vm, a, 0, "data", "heatmap"), "heatmap");
  Value annot = keyword(a, "annot");
  h.annotate = given(annot) && vm.truthy(annot);
  h.rows = tick_labels(vm, keyword(a, "yticklabels"), "heatmap", "yticklabels", h.matrix.shape[0]);
  h.cols = tick_labels(vm, keyword(a, "xticklabels"), "heatmap", "xticklabels", h.matrix.shape[1]);
  display_of(vm).figure.heatmap = std::move(h);
  return Value::none();
}

struct Fn {
  const char* name;
  NativeFn fn;
};

void define(VM& vm, ModuleObj& m, const Value& holder, std::initializer_list<Fn> fns) {
  for (auto& f : fns) vm.set_global(&m, f.name, vm.native_function(f.name, f.fn, holder));
}

// --- the JSON of a figure ---------------------------------------------------------------------
// Labels of scatter points from text annotations: each text names the point nearest to it
// (distances measured relative to the data's extent, as the eye sees them).
std::optional<std::vector<std::string>> point_labels(const std::vector<double>& xy,
                                                     const std::vector<Annotation>& texts) {
  size_t n = xy.size() / 2;
  if (texts.empty() || n == 0) return std::nullopt;
  double lo[2] = {HUGE_VAL, HUGE_VAL}, hi[2] = {-HUGE_VAL, -HUGE_VAL};
  for (size_t i = 0; i < n; ++i)
    for (int k = 0; k < 2; ++k) {
      double v = xy[2 * i + size_t(k)];
      if (!std::isfinite(v)) continue;
      lo[k] = std::min(lo[k], v);
      hi[k] = std::max(hi[k], v);
    }
  double span[2];
  for (int k = 0; k < 2; ++k) span[k] = hi[k] > lo[k] ? hi[k] - lo[k] : 1.0;
  std::vector<std::string> labels(n);
  for (auto& t : texts) {
    size_t best = n;
    double best_d = HUGE_VAL;
    for (size_t i = 0; i < n; ++i) {
      double dx = (xy[2 * i] - t.x) / span[0], dy = (xy[2 * i + 1] - t.y) / span[1];
      double d = dx * dx + dy * dy;
      if (d < best_d) {
        best_d = d;
        best = i;
      }
    }
    if (best == n) continue;  // no finite point
    labels[best] += (labels[best].empty() ? "" : ", ") + t.text;
  }
  return labels;
}

void series_json(Json& j, const Series& s) {
  j.begin_object().key("name").maybe(s.name);
  j.key("x").numbers(s.x.values.data(), s.x.values.size(), s.x.kind);
  j.key("y").numbers(s.y.values.data(), s.y.values.size(), s.y.kind);
  // Scatter points on a line chart (plt.scatter next to plt.plot): to be drawn as dots.
  if (s.markers) j.key("mode").str("markers");
  j.end_object();
}

}  // namespace

std::string figure_json(const Figure& f, const std::string& id) {
  if (f.heatmap) {
    const Heatmap& h = *f.heatmap;
    Json j;
    j.begin_object().key("id").str(id).key("op").str("new").key("type").str("heatmap");
    j.key("matrix").nested(h.matrix).key("rows").strs(h.rows).key("cols").strs(h.cols);
    j.key("annotate").boolean(h.annotate).key("title").maybe(f.title);
    return j.end_object().take();
  }
  if (f.lines.empty()) {
    Points p;
    p.xlabel = f.xlabel;
    p.ylabel = f.ylabel;
    for (auto& s : f.scatters) {
      p.kind = wider(p.kind, wider(s.x.kind, s.y.kind));
      for (size_t i = 0; i < s.x.values.size(); ++i) {
        p.xy.push_back(s.x.values[i]);
        p.xy.push_back(s.y.values[i]);
      }
    }
    return scatter_json(id, "new", p, point_labels(p.xy, f.texts), f.title);
  }
  Json j;
  j.begin_object().key("id").str(id).key("op").str("new").key("type").str("line");
  j.key("title").maybe(f.title).key("xlabel").maybe(f.xlabel).key("ylabel").maybe(f.ylabel);
  j.key("series").begin_array();
  for (auto& s : f.lines) series_json(j, s);
  for (auto& s : f.scatters) series_json(j, s);
  j.end_array();
  return j.end_object().take();
}

void show_figure(DisplayState& st) {
  if (!st.figure.empty()) st.emit(DisplayKind::Plot, figure_json(st.figure, st.next_figure_id()));
  st.figure = Figure();
}

void init_pyplot(VM& vm, ModuleObj& m, const Value& holder) {
  define(vm, m, holder,
         {{"plot", plt_plot},         {"scatter", plt_scatter},    {"title", plt_title},
          {"xlabel", plt_xlabel},     {"ylabel", plt_ylabel},      {"text", plt_text},
          {"annotate", plt_annotate}, {"imshow", plt_imshow},      {"figure", plt_show},
          {"show", plt_show},         {"close", plt_close},        {"legend", no_effect},
          {"grid", no_effect},        {"tight_layout", no_effect}, {"xlim", no_effect},
          {"ylim", no_effect},        {"xticks", no_effect},       {"yticks", no_effect},
          {"colorbar", no_effect},    {"axis", no_effect}});
}

void init_seaborn(VM& vm, ModuleObj& m, const Value& holder) {
  // set_theme() and friends only style charts; the page has one style.
  define(vm, m, holder,
         {{"lineplot", sns_lineplot},
          {"scatterplot", sns_scatterplot},
          {"heatmap", sns_heatmap},
          {"set", no_effect},
          {"set_theme", no_effect},
          {"set_style", no_effect}});
}

}  // namespace gradlab::lang::plot
