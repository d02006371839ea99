// The `plot` module (gradlab's own charts: line, heatmap, scatter, embeddings, and the live
// charts a training loop appends to), the Display state, and the registration of every
// display module.
#include "lang/plot_module.h"

#include "lang/plot_internal.h"

namespace gradlab::lang {

// --- Display ----------------------------------------------------------------------------------
Display::Display(Sink sink) : state_(std::make_unique<plot::DisplayState>()) {
  state_->sink = std::move(sink);
}
Display::~Display() = default;

void Display::begin_cell() {
  plot::DisplayState& st = *state_;
  st.figures = 0;
  st.bars = 0;
  st.live.clear();
  st.figure = plot::Figure();
  st.cell_bars.clear();
}

void Display::end_cell() {
  plot::DisplayState& st = *state_;
  plot::show_figure(st);
  for (auto& b : st.cell_bars) {
    if (!b->closed && b->n != b->reported) {
      b->reported = b->n;
      st.emit(DisplayKind::Progress, plot::progress_json(*b));
    }
    b->closed = true;
  }
  st.cell_bars.clear();
}

void Display::set_input(const std::string& name, double value) { state_->inputs[name] = value; }

std::optional<double> Display::input(const std::string& name) const {
  auto it = state_->inputs.find(name);
  if (it == state_->inputs.end()) return std::nullopt;
  return it->second;
}

void Display::clear_inputs() { state_->inputs.clear(); }

namespace plot {

DisplayRef& display_ref(VM& vm) {
  return *static_cast<DisplayRef*>(as<NativeObj>(vm.native_data())->data.get());
}

namespace {

bool given(const Value& v) { return !v.is_undef() && !v.is_none(); }

void check_count(const std::optional<std::vector<std::string>>& labels, int64_t n,
                 const char* fname, const char* argname, const char* what) {
  if (labels && int64_t(labels->size()) != n)
    value_error(std::string(fname) + "(): '" + argname + "' has " + std::to_string(labels->size()) +
                " labels for " + std::to_string(n) + " " + what);
}

// plot.line(ys, x=None, title=None, xlabel=None, ylabel=None, label=None)
Value p_line(VM& vm, CallArgs& a) {
  Value p[6];
  parse_args(vm, a, "line", {"ys", "x=", "title=", "xlabel=", "ylabel=", "label="}, p);
  Series s;
  s.y = to_numbers(vm, p[0], "line", "ys", 1);
  if (given(p[1])) {
    s.x = to_numbers(vm, p[1], "line", "x", 1);
    if (s.x.shape != s.y.shape)
      value_error("line(): x and ys must have the same length, but have shapes " + s.x.shape_str() +
                  " and " + s.y.shape_str());
  } else {
    s.x = arange(s.y.shape[0]);
  }
  s.name = opt_str(vm, p[5]);
  Figure f;
  f.title = opt_str(vm, p[2]);
  f.xlabel = opt_str(vm, p[3]);
  f.ylabel = opt_str(vm, p[4]);
  f.lines.push_back(std::move(s));
  DisplayState& st = display_of(vm);
  st.emit(DisplayKind::Plot, figure_json(f, st.next_figure_id()));
  return Value::none();
}

// plot.heatmap(matrix, rows=None, cols=None, annotate=True, title=None)
Value p_heatmap(VM& vm, CallArgs& a) {
  Value p[5];
  parse_args(vm, a, "heatmap", {"matrix", "rows=", "cols=", "annotate=", "title="}, p);
  Figure f;
  Heatmap h;
  h.matrix = to_numbers(vm, p[0], "heatmap", "matrix", 2);
  h.rows = to_labels(vm, p[1], "heatmap", "rows");
  h.cols = to_labels(vm, p[2], "heatmap", "cols");
  check_count(h.rows, h.matrix.shape[0], "heatmap", "rows", "rows");
  check_count(h.cols, h.matrix.shape[1], "heatmap", "cols", "columns");
  h.annotate = p[3].is_undef() || vm.truthy(p[3]);
  f.heatmap = std::move(h);
  f.title = opt_str(vm, p[4]);
  DisplayState& st = display_of(vm);
  st.emit(DisplayKind::Plot, figure_json(f, st.next_figure_id()));
  return Value::none();
}

// plot.scatter(points, labels=None, title=None): points of shape (N, 2).
Value p_scatter(VM& vm, CallArgs& a) {
  Value p[3];
  parse_args(vm, a, "scatter", {"points", "labels=", "title="}, p);
  NumArray pts = to_numbers(vm, p[0], "scatter", "points", 2);
  if (pts.shape[1] != 2)
    value_error("scatter(): 'points' must have shape (N, 2), got " + pts.shape_str() +
                "; plot.embeddings() projects wider points to 2-D");
  auto labels = to_labels(vm, p[1], "scatter", "labels");
  check_count(labels, pts.shape[0], "scatter", "labels", "points");
  DisplayState& st = display_of(vm);
  st.emit(DisplayKind::Plot, scatter_json(st.next_figure_id(), "new", embed_2d(pts, "scatter"),
                                          labels, opt_str(vm, p[2])));
  return Value::none();
}

// The points and labels of an embedding matrix (N, D), for embeddings / live_embeddings.
Points embedding_points(VM& vm, const Value& m, const Value& lab, const char* fname,
                        std::optional<std::vector<std::string>>* labels) {
  NumArray e = to_numbers(vm, m, fname, "tensor");
  if (e.shape.size() == 1) e.shape.push_back(1);  // a 1-D tensor: one coordinate per point
  Points pts = embed_2d(e, fname);
  *labels = to_labels(vm, lab, fname, "labels");
  check_count(*labels, e.shape[0], fname, "labels", "points");
  return pts;
}

// plot.embeddings(tensor, labels=None, title=None)
Value p_embeddings(VM& vm, CallArgs& a) {
  Value p[3];
  parse_args(vm, a, "embeddings", {"tensor", "labels=", "title="}, p);
  std::optional<std::vector<std::string>> labels;
  Points pts = embedding_points(vm, p[0], p[1], "embeddings", &labels);
  DisplayState& st = display_of(vm);
  st.emit(DisplayKind::Plot,
          scatter_json(st.next_figure_id(), "new", pts, labels, opt_str(vm, p[2])));
  return Value::none();
}

LiveChart& live_chart(VM& vm, DisplayState& st, const std::string& name, bool scatter,
                      bool* fresh) {
  auto [it, added] = st.live.try_emplace(name);
  *fresh = added;
  if (added) {
    it->second.scatter = scatter;
  } else if (it->second.scatter != scatter) {
    value_error(std::string(scatter ? "live_embeddings" : "live") + "(): '" + name +
                "' is already a live " + (scatter ? "line" : "scatter") +
                " chart in this cell; give this chart another name");
  }
  return it->second;
}

// plot.live(name, value): appends (0, 1, 2, ... per name within the cell, value) to the named
// line chart. The hot path of a training loop: no argument parsing beyond the checks.
Value p_live(VM& vm, CallArgs& a) {
  Value p[2];
  if (a.npos == 2 && a.nkw == 0) {
    p[0] = a[0];
    p[1] = a[1];
  } else {
    parse_args(vm, a, "live", {"name", "value"}, p);
  }
  if (!is_kind(p[0], ObjKind::Str))
    type_error("live(): 'name' must be str, not " + vm.type_name(p[0]));
  const std::string& name = as<StrObj>(p[0])->s;
  NumKind kind;
  double y = to_number(vm, p[1], "live", "value", &kind);
  DisplayState& st = display_of(vm);
  bool fresh;
  LiveChart& c = live_chart(vm, st, name, false, &fresh);
  int64_t x = c.next_x++;
  if (fresh) {
    Json j;
    j.begin_object().key("id").str(name).key("op").str("new").key("type").str("line");
    j.key("title").str(name).key("xlabel").null().key("ylabel").null().key("series").begin_array();
    j.begin_object().key("name").str(name).key("x").begin_array().integer(x).end_array();
    j.key("y").begin_array().number(y, kind).end_array().end_object().end_array();
    st.emit(DisplayKind::Plot, j.end_object().take());
    Json prefix;
    prefix.begin_object().key("id").str(name).key("op").str("append").key("x");
    c.append_prefix = prefix.take();
    return Value::none();
  }
  std::string json;
  json.reserve(c.append_prefix.size() + 40);
  json += c.append_prefix;
  json += std::to_string(x);
  json += ",\"y\":";
  append_number(json, y, kind);
  json += '}';
  st.emit(DisplayKind::Plot, std::move(json));
  return Value::none();
}

// plot.live_embeddings(name, tensor, labels=None): draws, then redraws, the named scatter.
Value p_live_embeddings(VM& vm, CallArgs& a) {
  Value p[3];
  parse_args(vm, a, "live_embeddings", {"name", "tensor", "labels="}, p);
  std::string name = str_param(vm, p[0], "live_embeddings", "name");
  std::optional<std::vector<std::string>> labels;
  Points pts = embedding_points(vm, p[1], p[2], "live_embeddings", &labels);
  DisplayState& st = display_of(vm);
  bool fresh;
  live_chart(vm, st, name, true, &fresh);
  st.emit(DisplayKind::Plot, scatter_json(name, fresh ? "new" : "replace", pts, labels, name));
  return Value::none();
}

}  // namespace

void init_plot(VM& vm, ModuleObj& m, const Value& holder) {
  const struct {
    const char* name;
    NativeFn fn;
  } fns[] = {{"line", p_line},       {"heatmap", p_heatmap},
             {"scatter", p_scatter}, {"embeddings", p_embeddings},
             {"live", p_live},       {"live_embeddings", p_live_embeddings}};
  for (auto& f : fns) vm.set_global(&m, f.name, vm.native_function(f.name, f.fn, holder));
}

}  // namespace plot

void register_display(VM& vm, Display& display) {
  ClassObj* cls = vm.new_class("Display", "plot", vm.classes.object);
  cls->subclassable = false;
  auto ref = std::make_unique<plot::DisplayRef>();
  ref->state = &display.state();
  Value holder = vm.native_object(cls, std::move(ref));
  auto with_holder = [holder](void (*init)(VM&, ModuleObj&, const Value&)) {
    return ModuleDef{[holder, init](VM& vm, ModuleObj& m) { init(vm, m, holder); }, "", true};
  };
  vm.register_module("plot", with_holder(plot::init_plot));
  vm.register_module("matplotlib", ModuleDef{});  // only a package for matplotlib.pyplot
  vm.register_module("matplotlib.pyplot", with_holder(plot::init_pyplot));
  vm.register_module("seaborn", with_holder(plot::init_seaborn));
  ModuleDef tqdm = with_holder(plot::init_tqdm);
  tqdm.source = plot::kTqdmSource;
  vm.register_module("tqdm", std::move(tqdm));
  // The notebook flavours of tqdm are the same bar here.
  for (const char* sub : {"tqdm.auto", "tqdm.notebook"})
    vm.register_module(sub, ModuleDef{nullptr, "from tqdm import tqdm, trange\n", true});
  vm.add_builtin("slider", vm.native_function("slider", plot::slider_fn, holder));
}

}  // namespace gradlab::lang
