// The gradlab command line: a thin shell over Session.
//   gradlab run FILE.py   program output to stdout as produced, traceback to stderr;
//                         exit status 1 after an uncaught error, else 0 (or exit()'s status)
//   gradlab repl          read cells from stdin (a blank line ends a multi-line block)
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "session/session.h"

namespace {

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

int run_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "gradlab: can't open file '%s'\n", path);
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  gradlab::Session session;
  g_session = &session;
  std::signal(SIGINT, on_sigint);
  session.set_output_handler(print_output);
  if (!session.run_cell(buf.str(), path)) return report(session, gradlab::RunStatus::Error);
  return report(session, session.run_to_end());
}

int repl() {
  gradlab::Session session;
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
  if (cmd == "run" && argc == 3) return run_file(argv[2]);
  if (cmd == "repl" && argc == 2) return repl();
  std::fprintf(stderr, "usage: gradlab run FILE.py | gradlab repl\n");
  return 2;
}
