// Helpers for the compiler, VM, builtins and session tests: run gradlab source in a fresh
// Session and collect what it printed and how it ended.
#pragma once
#include <cstdint>
#include <string>

#include "session/session.h"

namespace gradlab::testing {

struct Outcome {
  std::string out;  // everything printed
  RunStatus status = RunStatus::Done;
  std::string error;   // "Type: message" of an uncaught error, else empty
  ErrorRecord record;  // the full record when status is Error
};

// Runs `source` as one cell in `session`, in slices of `slice` instructions.
inline Outcome run_in(Session& session, const std::string& source, uint64_t slice = 1u << 30) {
  Outcome o;
  session.set_output_handler([&](const OutputEvent& ev) { o.out += ev.text; });
  if (!session.run_cell(source)) {
    o.status = RunStatus::Error;
  } else {
    o.status = session.run_to_end(slice);
  }
  if (o.status == RunStatus::Error && session.last_error()) {
    o.record = *session.last_error();
    o.error = o.record.message.empty() ? o.record.type : o.record.type + ": " + o.record.message;
  }
  session.set_output_handler(nullptr);
  return o;
}

inline Outcome run(const std::string& source, uint64_t slice = 1u << 30) {
  Session session;
  return run_in(session, source, slice);
}

// What the program printed, followed by "!Type: message" if it failed.
inline std::string output(const std::string& source) {
  Outcome o = run(source);
  return o.error.empty() ? o.out : o.out + "!" + o.error;
}

}  // namespace gradlab::testing
