// libFuzzer target: the input bytes are one cell's source, run in a fresh Session with small
// limits through the whole pipeline (lexer, parser, compiler, VM, torch bindings, kernels).
// Any Python-level error is a fine outcome; a crash, a sanitizer report, a leak or a hang is
// a bug. Built by the `fuzz` preset (-DGRADLAB_FUZZ=ON, clang): see tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "session/session.h"

namespace {
// Small limits keep each input fast and its memory bounded under ASan.
gradlab::SessionLimits fuzz_limits() {
  gradlab::SessionLimits lim;
  lim.max_tensor_bytes = int64_t(16) << 20;      // 16 MiB of tensor data
  lim.max_instructions_per_cell = 300'000;       // then TimeoutError
  lim.recursion_limit = 200;                     // RecursionError sooner than 1000 frames
  lim.max_output_bytes_per_cell = 64 * 1024;     // then the truncation notice
  lim.max_event_bytes_per_cell = 256 * 1024;     // charts
  lim.max_source_bytes = 64 * 1024;
  return lim;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gradlab::Session session(fuzz_limits());
  session.set_output_handler([](const gradlab::OutputEvent&) {});  // output is discarded
  std::string_view source(reinterpret_cast<const char*>(data), size);
  if (session.run_cell(source, "<fuzz>")) session.run_to_end(10'000);
  // A second cell in the same session: globals, heap and cycles left by the first.
  if (session.run_cell("print(dir())\n", "<fuzz 2>")) session.run_to_end(10'000);
  return 0;
}
