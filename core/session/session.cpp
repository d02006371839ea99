// Session: cells, slices, output events with the per-cell limit, error records and the one
// function that formats every error as a CPython traceback.
#include "session/session.h"

#include "lang/builtins.h"
#include "lang/compiler.h"
#include "lang/io_module.h"
#include "lang/parser.h"
#include "lang/torch_module.h"
#include "nn/nn_module.h"
#include "session/graph.h"
#include "tensor/tensor.h"

namespace gradlab {

using namespace lang;

namespace {
std::string strip(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return std::string(s.substr(a, b - a));
}

std::string exception_type_name(VM& vm, const Value& exc) {
  ClassObj* c = vm.class_of(exc);
  if (c->module_name == "builtins" || c->module_name == "__main__") return c->name;
  return c->module_name + "." + c->name;
}

// "Type: message" (or just "Type"), as the last line of a traceback.
std::string exception_line(VM& vm, const Value& exc, std::string* message) {
  std::string msg;
  try {
    msg = vm.str_of(exc);
  } catch (...) {
    msg = "<exception str() failed>";
  }
  if (message) *message = msg;
  const std::string& hint = vm.exception_data(exc).suggestion;
  if (!hint.empty()) msg += ". Did you mean: '" + hint + "'?";
  if (message) *message = msg;
  std::string t = exception_type_name(vm, exc);
  return msg.empty() ? t : t + ": " + msg;
}

// Visible traceback entries, outermost first.
std::vector<TracebackEntry> visible_entries(VM& vm, const Value& exc) {
  std::vector<TracebackEntry> out;
  const auto& tb = vm.exception_data(exc).tb;
  for (size_t i = tb.size(); i-- > 0;)
    if (!as<CodeObj>(tb[i].code)->hidden) out.push_back(tb[i]);
  return out;
}
}  // namespace

std::string format_traceback(VM& vm, const Value& exc) {
  std::string out;
  auto entries = visible_entries(vm, exc);
  if (!entries.empty()) {
    out += "Traceback (most recent call last):\n";
    for (auto& e : entries) {
      CodeObj* co = as<CodeObj>(e.code);
      int line = e.ip < co->spans.size() ? co->spans[e.ip].line : 0;
      out += "  File \"" + co->source->filename + "\", line " + std::to_string(line) + ", in " + co->name + "\n";
      std::string src = strip(co->source->line(line));
      if (!src.empty()) out += "    " + src + "\n";
    }
  }
  // Hints come before the final line, so that the last line is always "Type: message".
  for (auto& n : vm.exception_data(exc).notes) out += n + "\n";
  out += exception_line(vm, exc, nullptr) + "\n";
  return out;
}

const char* event_kind_name(OutputEvent::Kind k) {
  switch (k) {
    case OutputEvent::Kind::Text:
      return "text";
    case OutputEvent::Kind::Plot:
      return "plot";
    case OutputEvent::Kind::Progress:
      return "progress";
    case OutputEvent::Kind::Input:
      return "input";
    case OutputEvent::Kind::Graph:
      return "graph";
  }
  return "text";
}

Session::Session(SessionLimits limits)
    : limits_(limits),
      display_(std::make_unique<Display>(
          [this](DisplayKind k, std::string json) { emit_event(k, std::move(json)); })) {
  ctx_->byte_budget = limits_.max_tensor_bytes;
  Scope scope(*this);
  build_vm();
}

Session::~Session() {
  Scope scope(*this);  // the heap's tensors go back to this session's context
  vm_.reset();
}

void Session::build_vm() {
  vm_.reset();
  vm_ = std::make_unique<VM>();
  VM& vm = *vm_;
  vm.recursion_limit = limits_.recursion_limit;
  vm.output = [this](std::string_view text) { emit(text); };
  vm.compile_source = [](VM& vm, const std::string& source, const std::string& filename, ModuleObj* module,
                         bool hidden) -> Value {
    Module ast = parse(source);
    CompileOptions opts;
    opts.hidden = hidden;
    return compile_module(vm, ast, module, std::make_shared<SourceText>(filename, source), opts);
  };
  register_torch(vm);  // torch, torch.linalg, torch.autograd (added modules may replace them)
  register_nn(vm);     // torch.nn, torch.nn.functional, torch.nn.init, torch.optim (core/nn)
  register_display(vm, *display_);  // plot, matplotlib.pyplot, seaborn, tqdm, slider()
  register_io(vm, [this](const std::string& path) { return files_->read(path); });  // open()
  register_show_graph(vm, *this);   // show_graph(t) (session/graph.cpp)
  for (auto& [name, def] : modules_) vm.register_module(name, def);
  // The gradlab-language builtins.
  Value prelude = vm.new_module("builtins");
  Value code = vm.compile_source(vm, kPreludeSource, "<prelude>", as<ModuleObj>(prelude), true);
  vm.start(code, as<ModuleObj>(prelude));
  if (vm.run(UINT64_MAX) != RunStatus::Done) throw gradlab::Error("RuntimeError", "the gradlab prelude failed to load");
  vm.prelude = prelude;
  for (const char* n : {"map", "filter"}) vm.add_builtin(n, vm.get_attr(prelude, vm.intern(n)));
}

void Session::add_module(const std::string& dotted_name, ModuleDef def) {
  Scope scope(*this);
  modules_.emplace_back(dotted_name, def);
  vm_->register_module(dotted_name, std::move(def));
}

void Session::emit(std::string_view text) {
  if (truncated_) return;
  if (cell_output_ + text.size() > limits_.max_output_bytes_per_cell) {
    truncated_ = true;
    size_t room = size_t(limits_.max_output_bytes_per_cell - cell_output_);
    std::string t(text.substr(0, room));
    t += "\n[output truncated: this cell printed more than " + std::to_string(limits_.max_output_bytes_per_cell) +
         " bytes]\n";
    cell_output_ = limits_.max_output_bytes_per_cell;
    deliver(OutputEvent{OutputEvent::Kind::Text, std::move(t), {}});
    return;
  }
  cell_output_ += text.size();
  if (!handler_ && !events_.empty() && events_.back().kind == OutputEvent::Kind::Text) {
    events_.back().text += text;  // queued text stays one event until something else comes
    return;
  }
  deliver(OutputEvent{OutputEvent::Kind::Text, std::string(text), {}});
}

void Session::emit_event(DisplayKind kind, std::string json) {
  if (events_dropped_ || muted_) return;
  if (cell_event_bytes_ + json.size() > limits_.max_event_bytes_per_cell) {
    events_dropped_ = true;
    deliver(OutputEvent{OutputEvent::Kind::Text,
                        "\n[charts stopped: this cell sent more than " +
                            std::to_string(limits_.max_event_bytes_per_cell) +
                            " bytes of chart and progress data]\n",
                        {}});
    return;
  }
  cell_event_bytes_ += json.size();
  OutputEvent::Kind k = kind == DisplayKind::Plot       ? OutputEvent::Kind::Plot
                        : kind == DisplayKind::Progress ? OutputEvent::Kind::Progress
                                                        : OutputEvent::Kind::Input;
  deliver(OutputEvent{k, {}, std::move(json)});
}

void Session::emit_graph(std::string json) {
  if (events_dropped_ || muted_) return;
  if (cell_event_bytes_ + json.size() > limits_.max_event_bytes_per_cell) {
    events_dropped_ = true;
    deliver(OutputEvent{OutputEvent::Kind::Text,
                        "\n[charts stopped: this cell sent more than " +
                            std::to_string(limits_.max_event_bytes_per_cell) +
                            " bytes of chart and progress data]\n",
                        {}});
    return;
  }
  cell_event_bytes_ += json.size();
  deliver(OutputEvent{OutputEvent::Kind::Graph, {}, std::move(json)});
}

std::string Session::graph(const std::string& name) {
  Scope scope(*this);
  VM& vm = *vm_;
  ModuleObj* m = vm.main_module();
  for (size_t i = 0; i < m->names.size(); ++i) {
    if (m->names[i]->s != name || m->values[i].is_undef()) continue;
    const Value& v = m->values[i];
    if (!v.is_tensor())
      throw gradlab::Error("TypeError", "show_graph(): argument 't' must be a Tensor, not " + vm.type_name(v));
    return graph_json(vm, Tensor::borrow(v.as_tensor()));
  }
  throw gradlab::Error("NameError", "name '" + name + "' is not defined");
}

void Session::deliver(OutputEvent ev) {
  if (handler_)
    handler_(ev);
  else
    events_.push_back(std::move(ev));
}

void Session::set_output_handler(std::function<void(const OutputEvent&)> handler) { handler_ = std::move(handler); }

std::vector<OutputEvent> Session::take_events() {
  std::vector<OutputEvent> out;
  out.swap(events_);
  return out;
}

void Session::record_syntax_error(const gradlab::Error& e, Span span, const std::string& file, std::string_view source) {
  ErrorRecord r;
  r.type = e.type();
  r.message = e.message();
  r.file = file;
  r.line = span.line;
  r.column = span.column;
  r.length = span.length;
  SourceText text(file, std::string(source));
  std::string line(text.line(span.line));
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
  std::string shown = strip(line);
  r.traceback = "  File \"" + file + "\", line " + std::to_string(span.line) + "\n";
  if (!shown.empty()) {
    r.traceback += "    " + shown + "\n";
    int caret = std::max(0, span.column - 1 - int(lead));
    r.traceback += "    " + std::string(size_t(caret), ' ') + std::string(size_t(std::max(1, span.length)), '^') + "\n";
  }
  r.traceback += r.type + ": " + r.message + "\n";
  error_ = std::move(r);
}

bool Session::run_cell(std::string_view source, std::string cell_name) {
  Scope scope(*this);
  abort_run();
  cell_start_grad_enabled_ = ctx_->grad_enabled;
  ++cells_;
  if (cell_name.empty()) cell_name = "<cell " + std::to_string(cells_) + ">";
  error_.reset();
  exit_status_.reset();
  cell_output_ = 0;
  truncated_ = false;
  cell_event_bytes_ = 0;
  events_dropped_ = false;
  display_->begin_cell();
  vm_->heap.collect_cycles();
  if (source.size() > limits_.max_source_bytes) {
    gradlab::Error e("SyntaxError", "the program is too long (more than " + std::to_string(limits_.max_source_bytes) + " bytes)");
    record_syntax_error(e, Span{1, 1, 1}, cell_name, source);
    return false;
  }
  try {
    Module ast = parse(source);
    CompileOptions opts;
    opts.echo_last_expression = echo_last_expression_;
    Value code = compile_module(*vm_, ast, vm_->main_module(),
                                std::make_shared<SourceText>(cell_name, std::string(source)), opts);
    vm_->start(code, vm_->main_module());
  } catch (const SyntaxError& e) {
    record_syntax_error(e, e.span(), cell_name, source);
    return false;
  }
  cell_start_instructions_ = vm_->instructions_executed();
  return true;
}

RunStatus Session::run(uint64_t budget) {
  Scope scope(*this);
  if (!vm_->running()) return error_ ? RunStatus::Error : RunStatus::Done;
  if (limits_.max_instructions_per_cell) {
    uint64_t used = vm_->instructions_executed() - cell_start_instructions_;
    if (used >= limits_.max_instructions_per_cell) {
      abort_run();
      ErrorRecord r;
      r.type = "TimeoutError";
      r.message = "the cell ran more than " + std::to_string(limits_.max_instructions_per_cell) + " instructions";
      r.traceback = r.type + ": " + r.message + "\n";
      error_ = std::move(r);
      display_->end_cell();
      return RunStatus::Error;
    }
    budget = std::min(budget, limits_.max_instructions_per_cell - used);
  }
  return finish(vm_->run(budget));
}

RunStatus Session::run_to_end(uint64_t slice) {
  RunStatus st = RunStatus::Suspended;
  while (st == RunStatus::Suspended) st = run(slice);
  return st;
}

RunStatus Session::step_line(uint64_t max_budget) {
  if (!vm_->running()) return run(1);
  const std::string file = vm_->current_file();
  const int line = current_line();
  RunStatus st = RunStatus::Suspended;
  for (uint64_t used = 0; used < max_budget; ++used) {
    st = run(1);
    if (st != RunStatus::Suspended) return st;
    int now = current_line();
    if (now != 0 && (now != line || vm_->current_file() != file)) return st;
  }
  return st;
}

RunStatus Session::finish(RunStatus st) {
  if (st != RunStatus::Suspended) display_->end_cell();
  if (st != RunStatus::Error) return st;
  Value exc = vm_->error();
  vm_->clear_error();
  if (vm_->isinstance(exc, vm_->classes.system_exit)) {
    auto* inst = as<InstanceObj>(exc);
    const Value* args = inst->attrs.find(vm_->names[VM::kArgs]);
    int code = 0;
    if (args && !as<TupleObj>(*args)->items.empty()) {
      const Value& a = as<TupleObj>(*args)->items[0];
      if (a.is_intlike()) {
        code = int(a.as_int());
      } else if (!a.is_none()) {
        emit("");
        ErrorRecord r;
        r.type = "SystemExit";
        r.message = vm_->str_of(a);
        r.traceback = r.message + "\n";
        error_ = std::move(r);
        code = 1;
      }
    }
    exit_status_ = code;
    return error_ ? RunStatus::Error : RunStatus::Done;
  }
  record_exception(exc);
  return RunStatus::Error;
}

void Session::record_exception(const Value& exc) {
  VM& vm = *vm_;
  ErrorRecord r;
  r.type = exception_type_name(vm, exc);
  exception_line(vm, exc, &r.message);
  for (auto& e : visible_entries(vm, exc)) {
    CodeObj* co = as<CodeObj>(e.code);
    Span sp = e.ip < co->spans.size() ? co->spans[e.ip] : Span{};
    r.frames.push_back(FrameRecord{co->name, co->source->filename, sp.line});
    r.file = co->source->filename;
    r.line = sp.line;
    r.column = sp.column;
    r.length = sp.length;
  }
  auto* inst = as<InstanceObj>(exc);
  if (vm.isinstance(exc, vm.exception_class("SyntaxError"))) {
    if (const Value* ln = inst->attrs.find(vm.intern("lineno")); ln && ln->is_int()) {
      r.line = int(ln->as_int());
      if (const Value* c = inst->attrs.find(vm.intern("offset"))) r.column = int(c->as_int());
      if (const Value* l = inst->attrs.find(vm.intern("length"))) r.length = int(l->as_int());
    }
  }
  r.notes = vm.exception_data(exc).notes;
  r.traceback = format_traceback(vm, exc);
  error_ = std::move(r);
}

void Session::interrupt() { vm_->interrupt(); }

void Session::abort_run() {
  Scope scope(*this);
  if (!vm_->running()) return;
  vm_->abort_run();
  ctx_->grad_enabled = cell_start_grad_enabled_;
}

void Session::reset() {
  Scope scope(*this);
  vm_.reset();
  ctx_->grad_enabled = true;
  display_->begin_cell();
  display_->clear_inputs();
  build_vm();
  cells_ = 0;
  error_.reset();
  exit_status_.reset();
  events_.clear();
}

void Session::set_input(const std::string& name, double value) {
  Scope scope(*this);
  display_->set_input(name, value);
  vm_->set_global(vm_->main_module(), name, Value::number(value));
}

bool Session::busy() const { return vm_->running(); }
int Session::current_line() const { return current_span().line; }

Span Session::current_span() const {
  if (!vm_->running()) return Span{};
  // The VM reports where each frame is at (the instruction that ran last, or the call a caller
  // waits on); for the innermost frame the page wants the instruction about to run.
  const Frame* f = vm_->current_frame();
  if (f && !f->code->hidden && f->ip < f->code->spans.size()) return f->code->spans[f->ip];
  return vm_->current_span();
}

}  // namespace gradlab
