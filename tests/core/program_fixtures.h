// Program fixtures (tests/fixtures/gen_nn.py writes them): gradlab programs with the exact
// stdout PyTorch 1.13 printed for them, run here through a Session as the CLI and the page
// run them. File format: "### NAME", the source, "### output", the output, "### end".
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "session/session.h"

namespace gradlab {
namespace fixtures {

struct Program {
  std::string name, source, output;
};

inline std::vector<Program> load_programs(const std::string& file) {
  std::ifstream f(std::string(GRADLAB_FIXTURES_DIR) + "/" + file);
  if (!f) throw std::runtime_error("fixture: cannot open " + file);
  std::vector<Program> out;
  std::string line;
  std::string* target = nullptr;
  while (std::getline(f, line)) {
    if (line.rfind("### ", 0) == 0) {
      const std::string tag = line.substr(4);
      if (tag == "output") {
        target = &out.back().output;
      } else if (tag == "end") {
        target = nullptr;
      } else {
        out.push_back(Program{tag, "", ""});
        target = &out.back().source;
      }
      continue;
    }
    if (target) *target += line + "\n";
  }
  return out;
}

// Runs `source` in a fresh Session: its output, then "Type: message" if it raised.
inline std::string run_program(const std::string& source) {
  Session s;
  std::string out;
  s.set_output_handler([&](const OutputEvent& e) { out += e.text; });
  const RunStatus st = s.run_cell(source) ? s.run_to_end() : RunStatus::Error;
  if (st == RunStatus::Error && s.last_error())
    out += s.last_error()->type + ": " + s.last_error()->message + "\n";
  return out;
}

// Every program of `file` prints exactly what PyTorch printed.
inline void run_program_fixtures(const std::string& file) {
  const std::vector<Program> programs = load_programs(file);
  ASSERT_FALSE(programs.empty()) << file;
  for (const Program& p : programs)
    EXPECT_EQ(run_program(p.source), p.output) << file << ": program " << p.name;
}

}  // namespace fixtures
}  // namespace gradlab
