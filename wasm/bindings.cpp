// The Embind boundary (PROTOCOL.md §2): one GradlabSession per notebook kernel, plain records
// out. Every method catches every C++ exception and answers with a record instead, so nothing
// but JS values ever crosses into JS (a raw throw reaches JS as a number and leaks its object).
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "session/session.h"
#include "tensor/error.h"

namespace {

using emscripten::val;
using gradlab::ErrorRecord;
using gradlab::OutputEvent;
using gradlab::RunStatus;
using gradlab::Session;

// Live GradlabSession objects, for the binding tests' leak check (heapStats()).
int g_live_sessions = 0;

// Limit: heap bytes each session holds back and lets go when a cell ends with the heap full, so
// that the next cell (`del big`) can still be compiled and run: wasm memory never shrinks, and by
// then it is at MAXIMUM_MEMORY. Starting a cell collects cycles, which takes memory in
// proportion to the live objects (a hash map entry and two vector slots each), hence the second
// term.
constexpr size_t kMemoryReserveBytes = size_t(4) << 20;
constexpr size_t kMemoryReserveBytesPerObject = 64;

// A JS number budget becomes a VM instruction count: at least 1 (0 would mean "no progress"),
// at most 2^53 (larger doubles are not exact integers).
uint64_t to_budget(double budget) {
  if (!(budget >= 1)) return 1;
  if (budget >= 9007199254740992.0) return uint64_t(1) << 53;
  return uint64_t(budget);
}

const char* status_name(RunStatus st) {
  switch (st) {
    case RunStatus::Done:
      return "done";
    case RunStatus::Suspended:
      return "suspended";
    case RunStatus::Error:
      return "error";
  }
  return "error";
}

// An error the bindings make themselves (no Python frame to point at).
ErrorRecord boundary_error(std::string type, std::string message) {
  ErrorRecord r;
  r.type = std::move(type);
  r.message = std::move(message);
  r.traceback = r.message.empty() ? r.type + "\n" : r.type + ": " + r.message + "\n";
  return r;
}

val error_to_val(const ErrorRecord& e) {
  val frames = val::array();
  for (size_t i = 0; i < e.frames.size(); ++i) {
    val f = val::object();
    f.set("name", e.frames[i].name);
    f.set("file", e.frames[i].file);
    f.set("line", e.frames[i].line);
    frames.set(i, f);
  }
  val r = val::object();
  r.set("type", e.type);
  r.set("message", e.message);
  r.set("line", e.line);
  r.set("column", e.column);
  r.set("length", e.length);
  r.set("file", e.file);
  r.set("frames", frames);
  r.set("traceback", e.traceback);
  return r;
}

// {kind, text} for text; {kind, data} with the JSON text for the others (the worker parses it).
val events_to_val(const std::vector<OutputEvent>& events) {
  val out = val::array();
  for (size_t i = 0; i < events.size(); ++i) {
    const OutputEvent& ev = events[i];
    val v = val::object();
    v.set("kind", gradlab::event_kind_name(ev.kind));
    if (ev.kind == OutputEvent::Kind::Text) {
      v.set("text", ev.text);
    } else {
      v.set("data", ev.json);
    }
    out.set(i, v);
  }
  return out;
}

val result_record(const char* status, int line, val events, val error) {
  val r = val::object();
  r.set("status", status);
  r.set("line", line);
  r.set("events", std::move(events));
  r.set("error", std::move(error));
  return r;
}

// The last resort when even the error record cannot be built (the heap is exhausted).
val out_of_memory_record() {
  val e = val::object();
  e.set("type", "MemoryError");
  e.set("message", "out of memory");
  e.set("line", 0);
  e.set("column", 0);
  e.set("length", 0);
  e.set("file", "");
  e.set("frames", val::array());
  e.set("traceback", "MemoryError: out of memory\n");
  return e;
}

val variable_to_val(const gradlab::VariableInfo& v) {
  val r = val::object();
  r.set("name", v.name);
  r.set("type", v.type);
  if (v.is_tensor) {
    val shape = val::array();
    for (size_t i = 0; i < v.shape.size(); ++i) shape.set(i, double(v.shape[i]));
    r.set("shape", shape);
    r.set("dtype", v.dtype);
  } else {
    r.set("shape", val::null());
    r.set("dtype", val::null());
  }
  r.set("requiresGrad", v.requires_grad);
  r.set("preview", v.preview);
  r.set("grad", v.has_grad ? val(v.grad) : val::null());
  return r;
}

class GradlabSession {
 public:
  GradlabSession() {
    ++g_live_sessions;
    create();
    rebalance_reserve();
  }
  ~GradlabSession() {
    --g_live_sessions;
    std::free(reserve_);
  }
  GradlabSession(const GradlabSession&) = delete;
  GradlabSession& operator=(const GradlabSession&) = delete;

  // Compiles and starts a cell; runs nothing (status "suspended") unless it does not compile.
  val runCell(const std::string& code, const std::string& cell_name) {
    return guarded([&] {
      bool started = session_->run_cell(code, cell_name);
      return result(started ? RunStatus::Suspended : RunStatus::Error);
    });
  }

  // Runs up to `budget` instructions of the started cell.
  val resume(double budget) {
    return guarded([&] { return result(session_->run(to_budget(budget))); });
  }

  // Runs until the line about to execute changes, or `max_budget` instructions.
  val stepLine(double max_budget) {
    return guarded([&] { return result(session_->step_line(to_budget(max_budget))); });
  }

  // The next slice ends with KeyboardInterrupt. Only while a cell runs: the VM checks the flag
  // at the start of a slice, and a flag set while idle would interrupt the next cell instead.
  void interrupt() {
    if (session_ && session_->busy()) session_->interrupt();
  }

  // Fresh globals. Returns null, or an error record if no session could be built.
  val reset() {
    return guarded_call([&] {
      try {
        session_->reset();
      } catch (...) {
        session_.reset();  // half reset, without a VM: the next call builds a new Session
        throw;
      }
      return val::null();
    });
  }

  // A slider moved: global `name` = `value`. Returns null, or an error record.
  val setInput(const std::string& name, double value) {
    return guarded_call([&] {
      session_->set_input(name, value);
      return val::null();
    });
  }

  // Every global tensor / number: an array of Variable records, or an error record.
  val variables() {
    return guarded_call([&] {
      std::vector<gradlab::VariableInfo> vars = session_->variables();
      val out = val::array();
      for (size_t i = 0; i < vars.size(); ++i) out.set(i, variable_to_val(vars[i]));
      return out;
    });
  }

  // Data files open() reads (the page's "Add data file"): `data` is a Uint8Array / ArrayBuffer
  // (bytes as they are) or a string (UTF-8): Embind's std::string takes all three, so the glue
  // needs no emval calls. Returns null, or an error record (OSError for a file over the size
  // limits, ValueError for a bad name). The files outlive reset().
  val addFile(const std::string& name, std::string data) {
    return guarded_call([&] {
      files_->add(name, std::move(data));
      return val::null();
    });
  }

  // Removes an added file: true if there was one.
  bool removeFile(const std::string& name) { return files_->remove(name); }

  // The added files: [{name, size}] sorted by name.
  val listFiles() {
    val out = val::array();
    std::vector<gradlab::FileInfo> files = files_->list();
    for (size_t i = 0; i < files.size(); ++i) {
      val f = val::object();
      f.set("name", files[i].name);
      f.set("size", double(files[i].size));
      out.set(i, f);
    }
    return out;
  }

  // The autograd graph of global tensor `name` (the variables panel's graph button): the JSON
  // text of a `graph` event (PROTOCOL.md §1), or an error record.
  val graph(const std::string& name) {
    return guarded_call([&] { return val(session_->graph(name)); });
  }

 private:
  // A Session that failed to build (out of memory) leaves session_ empty; every later call
  // tries again and answers MemoryError until one succeeds.
  void create() {
    try {
      session_ = std::make_unique<Session>();
      session_->set_files(files_);  // a rebuilt Session keeps the added files
      session_->set_echo_last_expression(true);  // a notebook shows its last expression's value
    } catch (...) {
      session_.reset();
    }
  }

  // After an exception escaped the session, abandon the running cell so the next call starts
  // clean; globals are kept.
  void recover() {
    rebalance_reserve();
    try {
      if (session_) session_->abort_run();
    } catch (...) {
      session_.reset();  // the VM is in an unknown state: drop it, the next call builds anew
    }
  }

  // Runs `f` (which returns a record) with every C++ exception turned into an error record;
  // nothing is thrown after the catch blocks end.
  template <class F>
  std::optional<ErrorRecord> capture(F&& f, val& out) {
    try {
      if (!session_) create();
      if (!session_)
        return boundary_error("MemoryError", "out of memory: the session could not be created");
      out = f();
      return std::nullopt;
    } catch (const std::bad_alloc&) {
      return boundary_error("MemoryError", "out of memory");
    } catch (const gradlab::Error& e) {
      return boundary_error(e.type(), e.message());
    } catch (const std::exception& e) {
      return boundary_error("SystemError", std::string("internal error: ") + e.what());
    } catch (...) {
      return boundary_error("SystemError", "internal error");
    }
  }

  // For the Result-returning methods: failures become {status: "error", ...}.
  template <class F>
  val guarded(F&& f) {
    val out = val::undefined();
    std::optional<ErrorRecord> failure;
    try {
      failure = capture(f, out);
      if (!failure) return out;
      recover();
      val events = val::array();
      if (session_) events = events_to_val(session_->take_events());
      return result_record("error", 0, events, error_to_val(*failure));
    } catch (...) {
      return result_record("error", 0, val::array(), out_of_memory_record());
    }
  }

  // For the other methods: the value, or the bare error record.
  template <class F>
  val guarded_call(F&& f) {
    val out = val::undefined();
    try {
      std::optional<ErrorRecord> failure = capture(f, out);
      if (!failure) return out;
      recover();
      return error_to_val(*failure);
    } catch (...) {
      return out_of_memory_record();
    }
  }

  val result(RunStatus st) {
    val error = val::null();
    if (st == RunStatus::Error) {
      const std::optional<ErrorRecord>& e = session_->last_error();
      error = error_to_val(
          e ? *e
            : boundary_error("SystemError", "internal error: the cell failed without an error"));
    }
    if (st != RunStatus::Suspended) rebalance_reserve();
    int line = st == RunStatus::Suspended ? session_->current_line() : 0;
    return result_record(status_name(st), line, events_to_val(session_->take_events()), error);
  }

  // Called when a cell ends: holds back the out-of-memory reserve if the heap has room for it
  // twice over, else lets it go (the heap is full: the next cell gets what it held).
  void rebalance_reserve() {
    std::free(reserve_);
    reserve_ = nullptr;
    size_t objects = session_ ? session_->vm().heap.live_objects() : 0;
    size_t want = kMemoryReserveBytes + kMemoryReserveBytesPerObject * objects;
    void* probe = std::malloc(2 * want);
    if (!probe) return;
    std::free(probe);
    reserve_ = std::malloc(want);
  }

  std::shared_ptr<gradlab::FileSystem> files_ = std::make_shared<gradlab::FileSystem>();
  std::unique_ptr<Session> session_;
  void* reserve_ = nullptr;
};

// Heap bytes in use (dlmalloc's uordblks) and live sessions, for the leak tests.
val heap_stats() {
  struct mallinfo mi = mallinfo();
  val r = val::object();
  r.set("heapBytes", double(mi.uordblks));
  r.set("sessions", g_live_sessions);
  return r;
}

}  // namespace

EMSCRIPTEN_BINDINGS(gradlab) {
  emscripten::class_<GradlabSession>("GradlabSession")
      .constructor<>()
      .function("runCell", &GradlabSession::runCell)
      .function("resume", &GradlabSession::resume)
      .function("stepLine", &GradlabSession::stepLine)
      .function("interrupt", &GradlabSession::interrupt)
      .function("reset", &GradlabSession::reset)
      .function("setInput", &GradlabSession::setInput)
      .function("variables", &GradlabSession::variables)
      .function("addFile", &GradlabSession::addFile)
      .function("removeFile", &GradlabSession::removeFile)
      .function("listFiles", &GradlabSession::listFiles)
      .function("graph", &GradlabSession::graph);
  emscripten::function("heapStats", &heap_stats);
}
