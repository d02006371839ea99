// The display modules: what a cell shows besides printed text. Registers on a VM
//   plot                      line, heatmap, scatter, embeddings (PCA), live, live_embeddings
//   matplotlib.pyplot         plot, scatter, title, xlabel, ylabel, legend, text, figure, show, ...
//   seaborn                   lineplot, heatmap, scatterplot
//   tqdm, tqdm.auto           tqdm(iterable, desc=None, total=None), trange
//   slider(...)               a builtin: an input the page draws as a slider
// Each produces events carrying one JSON object (wasm/PROTOCOL.md §1), handed to the host's
// sink as they happen. The hot paths (plot.live, a tqdm step) are native and cost well under
// a microsecond.
//
//   Display display([&](DisplayKind k, std::string json) { ... });
//   register_display(vm, display);   // then `import plot`, `slider(...)` work in code the VM runs
//   display.begin_cell();  ...run the cell...  display.end_cell();
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "lang/vm.h"

namespace gradlab::lang {

namespace plot {
struct DisplayState;  // plot_internal.h
}

enum class DisplayKind : uint8_t { Plot, Progress, Input };

// Limit: numbers (or labels) one chart call may send; a million points is already more than
// a page can draw, and the JSON of more would take a large share of the wasm memory.
inline constexpr int64_t kMaxChartValues = 1'000'000;

// The display state of one session: chart and progress-bar numbering and live charts (per
// cell), matplotlib's current figure, and the values the page's inputs last sent (per session).
class Display {
 public:
  using Sink = std::function<void(DisplayKind, std::string json)>;
  explicit Display(Sink sink);
  ~Display();
  Display(const Display&) = delete;
  Display& operator=(const Display&) = delete;

  // A new cell: ids restart at "fig1" / "progress1", live charts start afresh, and a figure
  // left over from an abandoned cell is dropped.
  void begin_cell();
  // The cell ended (done or error): shows the pending matplotlib figure, if anything was drawn,
  // and the last count of progress bars whose final step was not reported yet.
  void end_cell();

  // The page moved an input: slider(name, ...) returns `value` from now on.
  void set_input(const std::string& name, double value);
  std::optional<double> input(const std::string& name) const;
  void clear_inputs();

  plot::DisplayState& state() { return *state_; }

 private:
  std::unique_ptr<plot::DisplayState> state_;
};

// Registers plot, matplotlib, matplotlib.pyplot, seaborn, tqdm, tqdm.auto and the slider
// builtin on `vm`. `display` must outlive the VM's use of them.
void register_display(VM& vm, Display& display);

}  // namespace gradlab::lang
