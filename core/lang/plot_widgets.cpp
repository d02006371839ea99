// The widgets: tqdm progress bars and the slider builtin.
//
// tqdm is a small gradlab-language class (its __next__ must be a Python frame, so that the
// StopIteration ending the iteration ends the for loop) over native steps. A bar reports
// {id, n, total, elapsed, desc} when it starts, each ceil(total/100) steps, and at the end,
// so a loop sends about 100 events however long it is; with an unknown total it reports at
// n = 1, 2, 4, 8, ... and at the end.
#include <cmath>

#include "lang/plot_internal.h"
#include "tensor/format.h"

namespace gradlab::lang::plot {

const char* const kTqdmSource = R"TQDM(
class tqdm:
    def __init__(self, iterable=None, desc=None, total=None, leave=True, **kwargs):
        self.iterable = iterable
        self._bar = _start(iterable, desc, total)
        self._it = None

    def __iter__(self):
        self._it = iter(self.iterable)
        return self

    def __next__(self):
        return _next(self._bar, self._it)

    def __len__(self):
        return _total(self._bar)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _close(self._bar)

    def update(self, n=1):
        _update(self._bar, n)

    def close(self):
        _close(self._bar)

    def set_description(self, desc=None, refresh=True):
        _describe(self._bar, desc)

    def set_postfix(self, ordered_dict=None, refresh=True, **kwargs):
        _postfix(self._bar, ordered_dict, kwargs)

    def set_postfix_str(self, s="", refresh=True):
        _postfix(self._bar, None, s)


def trange(*args, **kwargs):
    return tqdm(range(*args), **kwargs)
)TQDM";

namespace {

struct BarData : NativeData {
  std::shared_ptr<ProgressBar> bar;
};

ProgressBar& bar_arg(VM& vm, const Value& v) {
  ClassObj* cls = display_ref(vm).bar_class;
  if (!is_kind(v, ObjKind::Native) || as<NativeObj>(v)->class_obj() != cls)
    type_error("expected a tqdm progress bar, not " + vm.type_name(v));
  return *static_cast<BarData*>(as<NativeObj>(v)->data.get())->bar;
}

void report(DisplayState& st, ProgressBar& b) {
  b.reported = b.n;
  st.emit(DisplayKind::Progress, progress_json(b));
}

int bit_length(int64_t n) {
  int k = 0;
  for (; n > 0; n >>= 1) ++k;
  return k;
}

// Reports the count if it entered a new reporting step.
void step_to(DisplayState& st, ProgressBar& b, int64_t n) {
  b.n = n;
  if (b.n == b.reported) return;
  bool due;
  if (b.total >= 0)
    due = b.n / b.every != b.reported / b.every || (b.n >= b.total && b.reported < b.total);
  else
    due = bit_length(b.n) != bit_length(b.reported);
  if (due) report(st, b);
}

void finish(DisplayState& st, ProgressBar& b) {
  if (b.closed) return;
  b.closed = true;
  if (b.n != b.reported) report(st, b);
}

// _start(iterable, desc, total): a new bar, reported at n = 0.
Value t_start(VM& vm, CallArgs& a) {
  DisplayRef& ref = display_ref(vm);
  DisplayState& st = *ref.state;
  auto bar = std::make_shared<ProgressBar>();
  const Value &iterable = a[0], &desc = a[1], &total = a[2];
  if (!total.is_none()) {
    NumKind k;
    double t = to_number(vm, total, "tqdm", "total", &k);
    if (!(t >= 0) || t > 9e18)
      value_error("tqdm(): 'total' must be a count, got " + vm.repr(total));
    bar->total = int64_t(t);
  } else if (!iterable.is_none()) {
    try {
      bar->total = vm.len(iterable);
    } catch (const PyException&) {  // no len(): an iterator; the total stays unknown
    } catch (const gradlab::Error&) {
    }
  }
  bar->every = bar->total > 0 ? (bar->total + 99) / 100 : 1;
  bar->desc = opt_str(vm, desc);
  bar->id = "progress" + std::to_string(++st.bars);
  bar->start = std::chrono::steady_clock::now();
  st.cell_bars.push_back(bar);
  report(st, *bar);
  auto data = std::make_unique<BarData>();
  data->bar = std::move(bar);
  return vm.native_object(ref.bar_class, std::move(data));
}

// _next(bar, iterator): the next item; counts the previous one as done.
Value t_next(VM& vm, CallArgs& a) {
  ProgressBar& b = bar_arg(vm, a[0]);
  DisplayState& st = display_of(vm);
  if (a[1].is_none()) type_error("'tqdm' object is not an iterator");
  if (b.started)
    step_to(st, b, b.n + 1);
  else
    b.started = true;
  Value out;
  if (!vm.next(a[1], out)) {
    finish(st, b);
    vm.raise(vm.classes.stop_iteration, "");
  }
  return out;
}

Value t_update(VM& vm, CallArgs& a) {
  ProgressBar& b = bar_arg(vm, a[0]);
  NumKind k;
  double n = to_number(vm, a[1], "update", "n", &k);
  step_to(display_of(vm), b, b.n + int64_t(n));
  return Value::none();
}

Value t_close(VM& vm, CallArgs& a) {
  finish(display_of(vm), bar_arg(vm, a[0]));
  return Value::none();
}

Value t_total(VM& vm, CallArgs& a) {
  ProgressBar& b = bar_arg(vm, a[0]);
  if (b.total < 0) type_error("object of type 'tqdm' has no len()");
  return Value::integer(b.total);
}

Value t_describe(VM& vm, CallArgs& a) {
  bar_arg(vm, a[0]).desc = opt_str(vm, a[1]);
  return Value::none();
}

// A postfix value as tqdm writes it: numbers in 3 significant digits when that is shorter.
std::string postfix_value(VM& vm, const Value& v) {
  if (!v.is_float()) return vm.str_of(v);
  std::string f = python_format_float(v.as_float(), ".3g"), s = vm.str_of(v);
  for (const char* from : {"+0", "-0"})  // as tqdm's format_num: "1e-05" -> "1e-5"
    for (size_t at = f.find(from); at != std::string::npos; at = f.find(from, at + 1))
      f.erase(at + 1, 1);
  return f.size() < s.size() ? f : s;
}

// _postfix(bar, ordered_dict, kwargs_or_str): "loss=0.123, acc=0.9", shown after the desc.
Value t_postfix(VM& vm, CallArgs& a) {
  ProgressBar& b = bar_arg(vm, a[0]);
  if (is_kind(a[2], ObjKind::Str)) {
    b.postfix = as<StrObj>(a[2])->s;
    return Value::none();
  }
  std::string out;
  for (const Value* d : {&a[1], &a[2]}) {
    if (!is_kind(*d, ObjKind::Dict)) continue;
    for (auto& e : as<DictObj>(*d)->table.entries()) {
      if (e.key.is_undef()) continue;
      if (!out.empty()) out += ", ";
      out += vm.str_of(e.key) + "=" + postfix_value(vm, e.value);
    }
  }
  b.postfix = std::move(out);
  return Value::none();
}

// A native with fixed arity (only the tqdm class calls these).
template <NativeFn F, uint32_t N>
Value fixed(VM& vm, CallArgs& a) {
  if (a.npos != N || a.nkw) type_error("tqdm internals called with the wrong arguments");
  return F(vm, a);
}

}  // namespace

std::string progress_json(const ProgressBar& b) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - b.start).count();
  Json j;
  j.begin_object().key("id").str(b.id).key("n").integer(b.n).key("total");
  if (b.total >= 0)
    j.integer(b.total);
  else
    j.null();
  j.key("elapsed").number(std::round(secs * 1000) / 1000, NumKind::Float64);
  if (b.postfix.empty())
    j.key("desc").maybe(b.desc);
  else
    j.key("desc").str((b.desc ? *b.desc + " " : std::string()) + "[" + b.postfix + "]");
  return j.end_object().take();
}

void init_tqdm(VM& vm, ModuleObj& m, const Value& holder) {
  DisplayRef& ref = *static_cast<DisplayRef*>(as<NativeObj>(holder)->data.get());
  if (!ref.bar_class) {
    ref.bar_class = vm.new_class("progress_bar", "tqdm", vm.classes.object);
    ref.bar_class->subclassable = false;
  }
  const struct {
    const char* name;
    NativeFn fn;
  } fns[] = {{"_start", fixed<t_start, 3>},    {"_next", fixed<t_next, 2>},
             {"_update", fixed<t_update, 2>},  {"_close", fixed<t_close, 1>},
             {"_total", fixed<t_total, 1>},    {"_describe", fixed<t_describe, 2>},
             {"_postfix", fixed<t_postfix, 3>}};
  for (auto& f : fns) vm.set_global(&m, f.name, vm.native_function(f.name, f.fn, holder));
}

// slider(name, value, min, max, step=None): draws a slider on the page and returns its value:
// the one the page last sent for `name` (Session::set_input), else `value`.
Value slider_fn(VM& vm, CallArgs& a) {
  Value p[5];
  parse_args(vm, a, "slider", {"name", "value", "min", "max", "step="}, p);
  std::string name = str_param(vm, p[0], "slider", "name");
  NumKind kv, klo, khi, ks = NumKind::Int;
  double value = to_number(vm, p[1], "slider", "value", &kv);
  double lo = to_number(vm, p[2], "slider", "min", &klo);
  double hi = to_number(vm, p[3], "slider", "max", &khi);
  bool has_step = !p[4].is_undef() && !p[4].is_none();
  double step = has_step ? to_number(vm, p[4], "slider", "step", &ks) : 0;
  auto num = [](double v, NumKind k) {
    std::string s;
    append_number(s, v, k);
    return s;
  };
  if (!(lo <= hi))
    value_error("slider(): min (" + num(lo, klo) + ") must not be greater than max (" +
                num(hi, khi) + ")");
  if (!(value >= lo && value <= hi))
    value_error("slider(): value " + num(value, kv) + " is outside [" + num(lo, klo) + ", " +
                num(hi, khi) + "]");
  if (has_step && !(step > 0)) value_error("slider(): step must be positive, got " + num(step, ks));
  DisplayState& st = display_of(vm);
  auto it = st.inputs.find(name);
  bool moved = it != st.inputs.end();
  Json j;
  j.begin_object().key("name").str(name).key("kind").str("slider");
  j.key("value").number(moved ? it->second : value, moved ? NumKind::Float64 : kv);
  j.key("min").number(lo, klo).key("max").number(hi, khi).key("step");
  if (has_step)
    j.number(step, ks);
  else
    j.null();
  st.emit(DisplayKind::Input, j.end_object().take());
  if (moved) return Value::number(it->second);
  return p[1].is_tensor() ? Value::number(value) : p[1];
}

}  // namespace gradlab::lang::plot
