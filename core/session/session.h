// A Session is one student's kernel: the globals shared by the cells they run, the heap, the
// native modules (torch gets in through add_module), the output events and the last error.
// Code runs in slices: run_cell() compiles and starts a cell, run(budget) executes up to
// `budget` instructions and returns Done, Suspended or Error. No global state: two sessions
// are independent.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/plot_module.h"
#include "session/filesystem.h"
#include "lang/vm.h"
#include "tensor/tensor.h"

namespace gradlab {

using lang::RunStatus;

// Limits (each has a test in tests/core/session_test.cpp).
// Bytes one cell may print; the rest is dropped after a one-line notice.
inline constexpr uint64_t kMaxOutputBytesPerCell = 1'000'000;
// Largest cell source accepted.
inline constexpr size_t kMaxSourceBytes = 1'000'000;
// Instructions per slice the CLI runs between checks for Ctrl-C.
inline constexpr uint64_t kCliSliceBudget = 100'000;
// Instructions per slice under `gradlab run --time-limit`, which reads the clock between
// slices: short, so that a loop of large tensor ops still stops close to the limit.
inline constexpr uint64_t kCliTimedSliceBudget = 1'000;
// Bytes of chart, progress and input events one cell may send; later ones are dropped after a
// one-line notice (a loop calling plot.live a million times must not exhaust wasm memory).
inline constexpr uint64_t kMaxEventBytesPerCell = 16'000'000;
// Characters of a variable's preview (VariableInfo::preview and ::grad).
inline constexpr size_t kMaxPreviewChars = 200;
// Bytes of tensor data the session may hold at once; a larger allocation is a MemoryError
// naming its size and shape (ExecutionContext::byte_budget's default).
inline constexpr int64_t kMaxTensorBytes = int64_t(1) << 30;

// What a cell shows, in the order it happens (wasm/PROTOCOL.md §1).
struct OutputEvent {
  enum class Kind { Text, Plot, Progress, Input, Graph };
  Kind kind = Kind::Text;
  std::string text;  // Text: exactly what was printed
  std::string json;  // other kinds: one JSON object (wasm/PROTOCOL.md §1)
};
// "text", "plot", "progress", "input", "graph".
const char* event_kind_name(OutputEvent::Kind k);

// One global of the notebook, for the variables panel.
struct VariableInfo {
  std::string name;  // global name
  std::string type;  // "Tensor", "Parameter", "int", "float", "list", "Linear", ...
  bool is_tensor = false;
  std::vector<int64_t> shape;  // tensors only
  std::string dtype;           // "torch.float32" (tensors only)
  bool requires_grad = false;
  std::string preview;  // first lines of the printed value, <= kMaxPreviewChars
  bool has_grad = false;
  std::string grad;  // preview of .grad when it exists
};

struct FrameRecord {
  std::string name;  // "<module>", "f", "Net.forward"
  std::string file;  // "<cell 3>"
  int line = 0;
};

// An uncaught error, for the page to underline and to print.
struct ErrorRecord {
  std::string type;                      // "NameError"
  std::string message;                   // "name 'x' is not defined"
  std::string file;                      // where the span is
  int line = 0, column = 0, length = 0;  // the failing expression (1-based; 0 if unknown)
  std::vector<FrameRecord> frames;       // outermost first
  std::vector<std::string> notes;        // hint lines printed after the message
  std::string traceback;                 // the full CPython-style text
};

struct SessionLimits {
  uint64_t max_output_bytes_per_cell = kMaxOutputBytesPerCell;
  size_t max_source_bytes = kMaxSourceBytes;
  int recursion_limit = lang::kRecursionLimit;
  // Instructions one cell may run before TimeoutError; 0 for no limit.
  uint64_t max_instructions_per_cell = 0;
  uint64_t max_event_bytes_per_cell = kMaxEventBytesPerCell;
  // Tensor data the session's tensors may hold at once (its ExecutionContext's byte_budget).
  int64_t max_tensor_bytes = kMaxTensorBytes;
};

class Session {
 public:
  explicit Session(SessionLimits limits = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers a native module by dotted name ("torch", "torch.nn"); kept across reset().
  void add_module(const std::string& dotted_name, lang::ModuleDef def);

  // Compiles `source` and starts it; cells share globals. The traceback filename is
  // `cell_name`, or "<cell N>" when empty. Returns false on a compile error (see last_error).
  bool run_cell(std::string_view source, std::string cell_name = "");
  // Notebook mode: a cell ending in an expression prints its repr, as Jupyter does (the page
  // turns this on; a script run by the CLI prints only what it prints).
  void set_echo_last_expression(bool on) { echo_last_expression_ = on; }
  // Runs up to `budget` instructions of the started cell.
  RunStatus run(uint64_t budget);
  // Runs the started cell to its end, in slices of `slice` instructions.
  RunStatus run_to_end(uint64_t slice = kCliSliceBudget);
  // Runs until the line about to execute changes (entering or leaving a function counts), or
  // the cell ends, or `max_budget` instructions ran (then Suspended, still on the line).
  RunStatus step_line(uint64_t max_budget);
  // Makes the next slice end with KeyboardInterrupt (safe from a signal handler).
  void interrupt();
  // Abandons the started cell at once (its frames go; globals stay), as after a time limit.
  // No `with` block's exit runs, so the grad mode goes back to what it was when the cell began.
  void abort_run();
  // Frees everything (globals, heap, cycles included, slider inputs) and starts afresh.
  void reset();

  // The user's globals for the variables panel, sorted by name: not modules, functions or
  // classes, and not names starting with '_'. Previews are the printed value's first lines
  // (a __repr__ that prints has its output dropped; one that fails shows its error type).
  std::vector<VariableInfo> variables();
  // A slider moved: slider(name, ...) returns `value` from now on, and the global `name`
  // becomes the float `value` at once (a running loop that reads it sees the change).
  void set_input(const std::string& name, double value);
  // The autograd graph of the global tensor `name` for the variables panel's graph button:
  // the JSON of a `graph` event (wasm/PROTOCOL.md §1; core/session/graph.h). NameError for an
  // unknown global, TypeError for one that is not a tensor.
  std::string graph(const std::string& name);
  // show_graph(t): delivers a graph event (counted in the cell's event bytes like charts).
  void emit_graph(std::string json);

  // Files open() reads (core/session/filesystem.h): added in memory (the page's "Add data
  // file"; they survive reset()), and from disk only when the host set a disk root (the CLI).
  // add_file throws gradlab::Error (ValueError, OSError) for a bad name or size.
  void add_file(std::string_view name, std::string bytes) { files_->add(name, std::move(bytes)); }
  bool remove_file(std::string_view name) { return files_->remove(name); }
  std::vector<FileInfo> list_files() const { return files_->list(); }
  FileSystem& files() { return *files_; }
  // Shares another file system (the wasm bindings keep theirs across a rebuilt Session).
  void set_files(std::shared_ptr<FileSystem> files) { files_ = std::move(files); }

  bool busy() const;
  int current_line() const;         // line about to run (0 when idle)
  lang::Span current_span() const;  // of the instruction about to run
  const std::optional<ErrorRecord>& last_error() const { return error_; }
  // exit()/quit()/SystemExit ended the cell: its exit status (0 for exit() or exit(0)).
  std::optional<int> exit_status() const { return exit_status_; }

  // Output: delivered to the handler as produced, or queued for take_events().
  void set_output_handler(std::function<void(const OutputEvent&)> handler);
  std::vector<OutputEvent> take_events();

  lang::VM& vm() { return *vm_; }
  const SessionLimits& limits() const { return limits_; }

 private:
  // NOTE: every public method that may run code or touch tensors installs the session's own
  // ExecutionContext (grad mode, tensor byte budget and count, block caches) for its duration,
  // so sessions sharing a thread never see each other's state: the page's worker runs its
  // warm-up session between the student's slices, and a `with torch.no_grad():` suspended in
  // one session must not switch gradients off in the other.
  struct Scope {
    explicit Scope(Session& s) : scope(*s.ctx_) {}
    ExecutionScope scope;
  };
  void build_vm();
  void emit(std::string_view text);
  void emit_event(lang::DisplayKind kind, std::string json);
  void deliver(OutputEvent ev);
  RunStatus finish(RunStatus st);
  void record_exception(const lang::Value& exc);
  void record_syntax_error(const gradlab::Error& e, lang::Span span, const std::string& file,
                           std::string_view source);

  // First member, destroyed last: every tensor of the session is counted in it until freed.
  std::unique_ptr<ExecutionContext> ctx_ = std::make_unique<ExecutionContext>();
  bool echo_last_expression_ = false;
  SessionLimits limits_;
  std::unique_ptr<lang::Display> display_;  // before vm_: the VM's display modules point to it
  std::shared_ptr<FileSystem> files_ = std::make_shared<FileSystem>();  // before vm_: open() reads it
  std::unique_ptr<lang::VM> vm_;
  std::vector<std::pair<std::string, lang::ModuleDef>> modules_;
  std::function<void(const OutputEvent&)> handler_;
  std::vector<OutputEvent> events_;
  std::optional<ErrorRecord> error_;
  std::optional<int> exit_status_;
  int cells_ = 0;
  uint64_t cell_output_ = 0;
  bool truncated_ = false;
  uint64_t cell_event_bytes_ = 0;
  bool events_dropped_ = false;
  bool muted_ = false;  // variables() is printing values: what they emit is not the cell's
  uint64_t cell_start_instructions_ = 0;
  bool cell_start_grad_enabled_ = true;  // for abort_run()
};

// The CPython-style text of an exception object: traceback lines, then "Type: message".
std::string format_traceback(lang::VM& vm, const lang::Value& exc);

}  // namespace gradlab
