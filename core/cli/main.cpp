// The gradlab command line: a thin shell over Session.
//   gradlab run [--time-limit S] FILE.py
//                         program output to stdout as produced, traceback to stderr;
//                         exit status 1 after an uncaught error, else 0 (or exit()'s status);
//                         --time-limit: stop after S seconds of wall time (TimeoutError, exit 1)
//   gradlab repl          read cells from stdin (a blank line ends a multi-line block)
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "session/session.h"
#include "tensor/format.h"

namespace {

const char kUsage[] =
    "usage: gradlab run [--time-limit S] FILE.py | gradlab repl\n"
    "  run FILE.py        run a program: its output to stdout, an uncaught error's traceback\n"
    "                     to stderr (exit status 1)\n"
    "  --time-limit S     stop the program after S seconds of wall time (S > 0, fractions\n"
    "                     allowed) with \"TimeoutError: gradlab stopped the program after S s\"\n"
    "                     (exit status 1)\n"
    "  repl               read cells from stdin (a blank line ends a multi-line block)\n";

// A wall-time limit, and the number as Python would print what the user typed ("2", "2.5").
struct TimeLimit {
  double seconds = 0;  // 0: none
  std::string text;
};

// Parses S of --time-limit: a positive, finite decimal number. False if it is not one.
bool parse_time_limit(const std::string& s, TimeLimit* out) {
  if (s.empty() || s.find_first_not_of("0123456789.eE+-") != std::string::npos) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || !(v > 0)) return false;
  out->seconds = v;
  if (s.find_first_not_of("0123456789") == std::string::npos) {
    out->text = s.substr(std::min(s.find_first_not_of('0'), s.size() - 1));  // int("007") is 7
  } else {
    out->text = gradlab::python_float_repr(v);  // float("2.50") prints 2.5
  }
  return true;
}

gradlab::Session* g_session = nullptr;  // for the Ctrl-C handler only

void on_sigint(int) {
  if (g_session) g_session->interrupt();
}

void print_output(const gradlab::OutputEvent& ev) {
  if (ev.kind != gradlab::OutputEvent::Kind::Text) return;  // charts and widgets are the page's
  std::fwrite(ev.text.data(), 1, ev.text.size(), stdout);
  std::fflush(stdout);
}

int report(gradlab::Session& s, gradlab::RunStatus st) {
  if (st == gradlab::RunStatus::Error && s.last_error()) {
    std::fflush(stdout);
    std::fputs(s.last_error()->traceback.c_str(), stderr);
    std::fflush(stderr);
    return s.exit_status() ? *s.exit_status() : 1;
  }
  return s.exit_status() ? *s.exit_status() : 0;
}

int run_file(const char* path, const TimeLimit& limit) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limit.seconds));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "gradlab: can't open file '%s'\n", path);
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  gradlab::Session session;
  // open() reads relative paths from the script's directory (absolute paths as they are).
  std::string script(path);
  size_t slash = script.rfind('/');
  session.files().set_disk_root(slash == std::string::npos ? "" : script.substr(0, slash + 1));
  g_session = &session;
  std::signal(SIGINT, on_sigint);
  session.set_output_handler(print_output);
  if (!session.run_cell(buf.str(), path)) return report(session, gradlab::RunStatus::Error);
  if (limit.seconds <= 0) return report(session, session.run_to_end());
  // The clock is read between slices (no signals): short slices bound how late the stop is
  // when each instruction is a large tensor op.
  gradlab::RunStatus st = gradlab::RunStatus::Suspended;
  while (st == gradlab::RunStatus::Suspended) {
    if (Clock::now() >= deadline) {
      session.abort_run();
      std::fflush(stdout);
      std::fprintf(stderr, "TimeoutError: gradlab stopped the program after %s s\n", limit.text.c_str());
      std::fflush(stderr);
      return 1;
    }
    st = session.run(gradlab::kCliTimedSliceBudget);
  }
  return report(session, st);
}

int repl() {
  gradlab::Session session;
  session.files().set_disk_root("");  // open() reads from the working directory
  g_session = &session;
  std::signal(SIGINT, on_sigint);
  session.set_output_handler(print_output);
  std::string line, cell;
  bool block = false;
  std::fputs(">>> ", stdout);
  std::fflush(stdout);
  while (std::getline(std::cin, line)) {
    if (block && !line.empty()) {
      cell += line + "\n";
      std::fputs("... ", stdout);
      std::fflush(stdout);
      continue;
    }
    if (!block) {
      cell = line + "\n";
      if (!line.empty() && line.back() == ':') {
        block = true;
        std::fputs("... ", stdout);
        std::fflush(stdout);
        continue;
      }
    }
    block = false;
    if (session.run_cell(cell))
      report(session, session.run_to_end());
    else
      report(session, gradlab::RunStatus::Error);
    std::fputs(">>> ", stdout);
    std::fflush(stdout);
  }
  std::fputs("\n", stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "run") {
    TimeLimit limit;
    const char* file = nullptr;
    for (int i = 2; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      }
      if (a == "--time-limit" || a.rfind("--time-limit=", 0) == 0) {
        std::string value = a == "--time-limit" ? (i + 1 < argc ? argv[++i] : "") : a.substr(13);
        if (!parse_time_limit(value, &limit)) {
          std::fprintf(stderr, "gradlab: --time-limit needs a positive number of seconds, got '%s'\n",
                       value.c_str());
          return 2;
        }
      } else if (!file && (a.empty() || a[0] != '-')) {
        file = argv[i];
      } else {
        file = nullptr;
        break;
      }
    }
    if (file) return run_file(file, limit);
  }
  if (cmd == "repl" && argc == 2) return repl();
  std::fputs(kUsage, stderr);
  return 2;
}
