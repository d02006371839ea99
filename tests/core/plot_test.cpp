// The display modules (core/lang/plot_*.cpp): the exact JSON of every plot function, live
// charts, matplotlib.pyplot and seaborn figures, tqdm's progress events, the number writer,
// and the errors students get for bad chart data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <regex>

#include "lang/plot_internal.h"
#include "session/session.h"

namespace gradlab {
namespace {

using Kind = OutputEvent::Kind;

struct Cell {
  std::vector<OutputEvent> events;
  std::string text;   // all Text events
  std::string error;  // "Type: message" of an uncaught error
  // The JSON of the events of one kind, in order.
  std::vector<std::string> of(Kind k) const {
    std::vector<std::string> out;
    for (auto& e : events)
      if (e.kind == k) out.push_back(e.json);
    return out;
  }
};

Cell run(Session& s, const std::string& source) {
  Cell c;
  s.set_output_handler([&](const OutputEvent& ev) {
    c.events.push_back(ev);
    if (ev.kind == Kind::Text) c.text += ev.text;
  });
  RunStatus st = s.run_cell(source) ? s.run_to_end() : RunStatus::Error;
  if (st == RunStatus::Error && s.last_error())
    c.error = s.last_error()->type + ": " + s.last_error()->message;
  s.set_output_handler(nullptr);
  return c;
}

// The single plot event of a cell.
std::string plot_of(const std::string& source) {
  Session s;
  Cell c = run(s, source);
  EXPECT_EQ(c.error, "");
  std::vector<std::string> p = c.of(Kind::Plot);
  EXPECT_EQ(p.size(), 1u) << source;
  return p.empty() ? "" : p[0];
}

std::string error_of(const std::string& source) {
  Session s;
  return run(s, source).error;
}

// Progress JSON with the wall-clock field blanked out.
std::string no_elapsed(const std::string& json) {
  return std::regex_replace(json, std::regex("\"elapsed\":[0-9.e+-]+"), "\"elapsed\":E");
}

// --- the plot module ----------------------------------------------------------------------------
TEST(PlotModule, LineFromListsTuplesAndTensors) {
  EXPECT_EQ(
      plot_of("import plot\nplot.line([1, 2.5, 3], title='loss', xlabel='epoch')"),
      R"J({"id":"fig1","op":"new","type":"line","title":"loss","xlabel":"epoch","ylabel":null,)J"
      R"J("series":[{"name":null,"x":[0,1,2],"y":[1.0,2.5,3.0]}]})J");
  EXPECT_EQ(plot_of("import plot, torch\nplot.line(torch.tensor([0.1, 0.25]), x=(10, 20), "
                    "ylabel='y', label='train')"),
            R"J({"id":"fig1","op":"new","type":"line","title":null,"xlabel":null,"ylabel":"y",)J"
            R"J("series":[{"name":"train","x":[10,20],"y":[0.1,0.25]}]})J");
  // Tensors that need grad are read without autograd; lists may hold 0-d tensors and None.
  EXPECT_EQ(plot_of("import plot, torch\nw = torch.tensor([1.5, -2.0], requires_grad=True)\n"
                    "plot.line([w.sum(), None, torch.tensor(3, dtype=torch.float64)], x=range(3))"),
            R"J({"id":"fig1","op":"new","type":"line","title":null,"xlabel":null,"ylabel":null,)J"
            R"J("series":[{"name":null,"x":[0,1,2],"y":[-0.5,null,3.0]}]})J");
}

TEST(PlotModule, Heatmap) {
  EXPECT_EQ(plot_of("import plot\nplot.heatmap([[1, 2], [3, 4]], rows=['a', 'b'], cols=('x', 'y'), "
                    "title='m')"),
            R"J({"id":"fig1","op":"new","type":"heatmap","matrix":[[1,2],[3,4]],"rows":["a","b"],)J"
            R"J("cols":["x","y"],"annotate":true,"title":"m"})J");
  EXPECT_EQ(
      plot_of("import plot, torch\nplot.heatmap(torch.eye(2), cols=torch.tensor([7, 8]), "
              "annotate=False)"),
      R"J({"id":"fig1","op":"new","type":"heatmap","matrix":[[1.0,0.0],[0.0,1.0]],"rows":null,)J"
      R"J("cols":["7","8"],"annotate":false,"title":null})J");
}

TEST(PlotModule, Scatter) {
  EXPECT_EQ(plot_of("import plot\nplot.scatter([[1, 2], [3.5, -4]], labels=['cat', 'dog'])"),
            R"J({"id":"fig1","op":"new","type":"scatter","points":[[1.0,2.0],[3.5,-4.0]],)J"
            R"J("labels":["cat","dog"],"xlabel":null,"ylabel":null,"title":null})J");
}

TEST(PlotModule, EmbeddingsWithOneOrTwoColumnsAreDrawnAsGiven) {
  EXPECT_EQ(
      plot_of("import plot, torch\nplot.embeddings(torch.tensor([[1, 2], [3, 4]]), title='e')"),
      R"J({"id":"fig1","op":"new","type":"scatter","points":[[1,2],[3,4]],"labels":null,)J"
      R"J("xlabel":null,"ylabel":null,"title":"e"})J");
  EXPECT_EQ(plot_of("import plot\nplot.embeddings([[0.5], [2]], labels=['a', 'b'])"),
            R"J({"id":"fig1","op":"new","type":"scatter","points":[[0.5,0.0],[2.0,0.0]],)J"
            R"J("labels":["a","b"],"xlabel":null,"ylabel":null,"title":null})J");
}

TEST(PlotModule, EmbeddingsProjectWiderPointsWithPca) {
  // Centred, the columns are [3, -1, -1, -1], [0, 2, -1, -1] and 0: orthogonal, so they are the
  // principal axes, with 12/18 and 6/18 of the variance (hand-computed).
  EXPECT_EQ(
      plot_of("import plot\nplot.embeddings([[4, 5, 7], [0, 7, 7], [0, 4, 7], [0, 4, 7]])"),
      R"J({"id":"fig1","op":"new","type":"scatter","points":[[3.0,0.0],[-1.0,2.0],[-1.0,-1.0],)J"
      R"J([-1.0,-1.0]],"labels":null,"xlabel":"PC1 (66.7%)","ylabel":"PC2 (33.3%)","title":null})J");
}

// Numbers of a JSON text, in order.
std::vector<double> numbers_in(const std::string& json) {
  std::vector<double> out;
  const char* p = json.c_str();
  while (*p) {
    if ((*p >= '0' && *p <= '9') || *p == '-') {
      char* end;
      out.push_back(std::strtod(p, &end));
      p = end;
    } else {
      ++p;
    }
  }
  return out;
}

TEST(PlotModule, EmbeddingsPcaMatchesTorch) {
  // Expected from /usr/bin/python3 with torch 1.13: the centred matrix's torch.linalg.svd, each
  // component's sign fixed so its largest score is positive, scores U[:, :2] * S[:2],
  // S**2 / (S**2).sum() = [0.4762, 0.4249, 0.0694, 0.0295].
  std::string j = plot_of(
      "import plot, torch\n"
      "E = torch.tensor([[1., 2, 0, 1], [2, 0, 1, 3], [0, 1, 4, 1], [3, 3, 1, 0], [1, 0, 2, 2], "
      "[2, 1, 0, 4]])\n"
      "plot.embeddings(E, labels=['a', 'b', 'c', 'd', 'e', 'f'])");
  EXPECT_NE(
      j.find(
          R"J("labels":["a","b","c","d","e","f"],"xlabel":"PC1 (47.6%)","ylabel":"PC2 (42.5%)")J"),
      std::string::npos)
      << j;
  const double torch_scores[] = {-0.17196047, 1.3405852,  -1.2528849, -1.0579586,
                                 2.870838,    -1.2885237, 0.6173948,  2.8482456,
                                 0.3963032,   -1.2905943, -2.4596908, -0.55175424};
  std::string points = j.substr(j.find("\"points\""), j.find("\"labels\"") - j.find("\"points\""));
  std::vector<double> got = numbers_in(points);
  ASSERT_EQ(got.size(), 12u) << points;
  for (size_t i = 0; i < 12; ++i) EXPECT_NEAR(got[i], torch_scores[i], 1e-6) << i;
}

TEST(PlotModule, UnnamedChartsAreNumberedPerCell) {
  Session s;
  Cell c = run(s, "import plot\nplot.line([1])\nplot.scatter([[1, 2]])\nplot.heatmap([[1]])");
  auto p = c.of(Kind::Plot);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].substr(0, 13), R"J({"id":"fig1",)J");
  EXPECT_EQ(p[1].substr(0, 13), R"J({"id":"fig2",)J");
  EXPECT_EQ(p[2].substr(0, 13), R"J({"id":"fig3",)J");
  p = run(s, "plot.line([2])").of(Kind::Plot);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].substr(0, 13), R"J({"id":"fig1",)J");
}

TEST(PlotModule, LiveChartsAppendPerName) {
  Session s;
  Cell c = run(s,
               "import plot, torch\nfor i in range(3):\n    plot.live('loss', 1 / (i + 1))\n"
               "    plot.live('acc', torch.tensor(0.5) * i)\n");
  EXPECT_EQ(
      c.of(Kind::Plot),
      (std::vector<std::string>{
          R"J({"id":"loss","op":"new","type":"line","title":"loss","xlabel":null,"ylabel":null,)J"
          R"J("series":[{"name":"loss","x":[0],"y":[1.0]}]})J",
          R"J({"id":"acc","op":"new","type":"line","title":"acc","xlabel":null,"ylabel":null,)J"
          R"J("series":[{"name":"acc","x":[0],"y":[0.0]}]})J",
          R"J({"id":"loss","op":"append","x":1,"y":0.5})J",
          R"J({"id":"acc","op":"append","x":1,"y":0.5})J",
          R"J({"id":"loss","op":"append","x":2,"y":0.3333333333333333})J",
          R"J({"id":"acc","op":"append","x":2,"y":1.0})J"}));
  // A new cell starts the chart afresh.
  EXPECT_EQ(
      run(s, "plot.live(name='loss', value=7)").of(Kind::Plot),
      (std::vector<std::string>{
          R"J({"id":"loss","op":"new","type":"line","title":"loss","xlabel":null,"ylabel":null,)J"
          R"J("series":[{"name":"loss","x":[0],"y":[7]}]})J"}));
}

TEST(PlotModule, LiveEmbeddingsReplaceTheScatter) {
  Session s;
  Cell c = run(
      s,
      "import plot, torch\nfor i in range(2):\n"
      "    plot.live_embeddings('emb', torch.tensor([[1., 2], [3, 4 + i]]), labels=['a', 'b'])\n");
  EXPECT_EQ(
      c.of(Kind::Plot),
      (std::vector<std::string>{
          R"J({"id":"emb","op":"new","type":"scatter","points":[[1.0,2.0],[3.0,4.0]],"labels":["a","b"],)J"
          R"J("xlabel":null,"ylabel":null,"title":"emb"})J",
          R"J({"id":"emb","op":"replace","type":"scatter","points":[[1.0,2.0],[3.0,5.0]],"labels":["a","b"],)J"
          R"J("xlabel":null,"ylabel":null,"title":"emb"})J"}));
  EXPECT_EQ(run(s, "plot.live('emb', 1)\nplot.live_embeddings('emb', [[1, 2]])").error,
            "ValueError: live_embeddings(): 'emb' is already a live line chart in this cell; give "
            "this chart another name");
}

TEST(PlotModule, BadDataGetsClearErrors) {
  EXPECT_EQ(error_of("import plot\nplot.line([[1, 2], [3]])"),
            "ValueError: line(): 'ys' is ragged: it holds items of shape (2,) and (1,)");
  EXPECT_EQ(error_of("import plot\nplot.line([[1, 2], [3, 4]])"),
            "ValueError: line(): 'ys' must be 1-D, got shape (2, 2)");
  EXPECT_EQ(error_of("import plot\nplot.line(['a'])"),
            "TypeError: line(): 'ys' must hold numbers, not str");
  EXPECT_EQ(
      error_of("import plot\nplot.line([1, 2], x=[1])"),
      "ValueError: line(): x and ys must have the same length, but have shapes (1,) and (2,)");
  EXPECT_EQ(error_of("import plot\nplot.line()"),
            "TypeError: line() missing 1 required positional argument: 'ys'");
  EXPECT_EQ(error_of("import plot\nplot.scatter([[1, 2, 3]])"),
            "ValueError: scatter(): 'points' must have shape (N, 2), got (1, 3); plot.embeddings() "
            "projects wider points to 2-D");
  EXPECT_EQ(error_of("import plot\nplot.heatmap([[1, 2]], rows=['a', 'b'])"),
            "ValueError: heatmap(): 'rows' has 2 labels for 1 rows");
  EXPECT_EQ(error_of("import plot\nplot.heatmap([[1, 2]], cols='ab')"),
            "TypeError: heatmap(): 'cols' must be a list of labels, not str");
  EXPECT_EQ(error_of("import plot\nplot.live(3, 1.0)"),
            "TypeError: live(): 'name' must be str, not int");
  EXPECT_EQ(
      error_of("import plot, torch\nplot.live('a', torch.ones(2))"),
      "ValueError: live(): 'value' must be a number or a one-element tensor, got a tensor of 2 "
      "elements");
  EXPECT_EQ(error_of("import plot\nplot.embeddings([[]])"),
            "ValueError: embeddings(): the points have no coordinates (shape (1, 0))");
}

TEST(PlotModule, ChartDataIsLimited) {
  EXPECT_EQ(lang::kMaxChartValues, 1'000'000);
  EXPECT_EQ(error_of("import plot\nplot.line(range(1000001))"),
            "ValueError: line(): 'ys' has more than 1000000 numbers, more than a chart can show");
  EXPECT_EQ(error_of("import plot\nplot.line(range(1000000))"), "");
}

TEST(PlotModule, TextIsEscapedAndNonFiniteNumbersAreNull) {
  EXPECT_EQ(
      plot_of("import plot\nplot.line([float('nan'), float('inf')], title='a \"b\"\\\\\\n\\tc é')"),
      "{\"id\":\"fig1\",\"op\":\"new\",\"type\":\"line\",\"title\":\"a \\\"b\\\"\\\\\\n\\tc é\","
      "\"xlabel\":null,\"ylabel\":null,\"series\":[{\"name\":null,\"x\":[0,1],\"y\":[null,null]}]"
      "}");
}

TEST(PlotModule, OtherModulesAreStillNotFound) {
  EXPECT_EQ(error_of("import matplotlib.animation"),
            "ModuleNotFoundError: gradlab has no module named 'matplotlib.animation'");
  EXPECT_EQ(error_of("import pandas as pd"),
            "ModuleNotFoundError: gradlab has no module named 'pandas'");
}

// --- numbers in JSON ----------------------------------------------------------------------------
std::string num(double v, lang::plot::NumKind k) {
  std::string s;
  lang::plot::append_number(s, v, k);
  return s;
}

TEST(PlotJson, NumbersAsPythonWritesThem) {
  using lang::plot::NumKind;
  EXPECT_EQ(num(3, NumKind::Int), "3");
  EXPECT_EQ(num(-4e18, NumKind::Int), "-4000000000000000000");
  EXPECT_EQ(num(0.1, NumKind::Float64), "0.1");
  EXPECT_EQ(num(1.0, NumKind::Float64), "1.0");
  EXPECT_EQ(num(-0.0, NumKind::Float64), "-0.0");
  EXPECT_EQ(num(100.0, NumKind::Float64), "100.0");
  EXPECT_EQ(num(0.0001, NumKind::Float64), "0.0001");
  EXPECT_EQ(num(1e-05, NumKind::Float64), "1e-05");
  EXPECT_EQ(num(1.5e16, NumKind::Float64), "1.5e+16");
  EXPECT_EQ(num(1e16, NumKind::Float64), "1e+16");
  EXPECT_EQ(num(9999999999999998.0, NumKind::Float64), "9999999999999998.0");
  EXPECT_EQ(num(1.0 / 3, NumKind::Float64), "0.3333333333333333");
  EXPECT_EQ(num(5e-324, NumKind::Float64), "5e-324");
  EXPECT_EQ(num(1.7976931348623157e308, NumKind::Float64), "1.7976931348623157e+308");
  EXPECT_EQ(num(std::nan(""), NumKind::Float64), "null");
  EXPECT_EQ(num(-HUGE_VAL, NumKind::Float32), "null");
  EXPECT_EQ(num(1e39, NumKind::Float32), "null");  // beyond float32
  // float32 values get the float32's shortest digits, also when they come as Python floats.
  EXPECT_EQ(num(double(0.1f), NumKind::Float32), "0.1");
  EXPECT_EQ(num(double(0.3f), NumKind::Float64), "0.3");
  EXPECT_EQ(num(double(16777216.0f), NumKind::Float32), "16777216.0");
  EXPECT_EQ(num(double(1.17549435e-38f), NumKind::Float32), "1.1754944e-38");
}

TEST(PlotJson, NumbersReadBackExactly) {
  using lang::plot::NumKind;
  std::mt19937_64 rng(7);
  int checked = 0, floats = 0, longer = 0;
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    float f;
    uint32_t fbits = uint32_t(bits >> 17);
    std::memcpy(&f, &fbits, sizeof f);
    if (std::isfinite(d) && double(float(d)) != d) {
      std::string s = num(d, NumKind::Float64);
      ASSERT_EQ(std::strtod(s.c_str(), nullptr), d) << s;
      ++checked;
    }
    if (std::isfinite(f)) {
      std::string s = num(f, NumKind::Float32);
      ASSERT_EQ(std::strtof(s.c_str(), nullptr), f) << s;
      // Grisu2 gives the shortest digits but for ~0.1% of values (those whose shortest form
      // lies exactly on the rounding boundary), which get a digit or two more.
      char buf[40];
      int shortest = 1;
      for (; shortest <= 9; ++shortest) {
        std::snprintf(buf, sizeof buf, "%.*g", shortest, double(f));
        if (std::strtof(buf, nullptr) == f) break;
      }
      std::string mantissa = s.substr(0, s.find('e'));
      if (mantissa.size() > 2 && mantissa.compare(mantissa.size() - 2, 2, ".0") == 0)
        mantissa.resize(mantissa.size() - 2);
      size_t first = mantissa.find_first_of("123456789"), last = mantissa.find_last_of("123456789");
      int digits = 0;
      for (size_t k = first; first != std::string::npos && k <= last; ++k)
        digits += mantissa[k] != '.';
      ASSERT_LE(digits, 9) << s;
      longer += digits > shortest;
      ++floats;
    }
  }
  EXPECT_LT(longer * 100, floats) << longer << " of " << floats << " floats were not shortest";
  EXPECT_GT(checked, 100000);
}

// --- matplotlib.pyplot and seaborn ------------------------------------------------------------
TEST(Pyplot, CallsAccumulateIntoOneFigureThatShowSends) {
  Session s;
  Cell c = run(s,
               "import matplotlib.pyplot as plt\n"
               "plt.figure(figsize=(6, 4))\n"
               "plt.plot([1, 2, 3], label='train', color='red')\n"
               "plt.plot([0, 1, 2], [3, 2, 1], 'r--', label='val')\n"
               "plt.title('loss')\nplt.xlabel('epoch')\nplt.ylabel('mse')\nplt.legend()\n"
               "plt.grid(True)\nprint('before show')\nplt.show()\nprint('after show')\n");
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[0].text, "before show\n");
  EXPECT_EQ(c.events[1].kind, Kind::Plot);
  EXPECT_EQ(
      c.events[1].json,
      R"J({"id":"fig1","op":"new","type":"line","title":"loss","xlabel":"epoch","ylabel":"mse",)J"
      R"J("series":[{"name":"train","x":[0,1,2],"y":[1,2,3]},{"name":"val","x":[0,1,2],"y":[3,2,1]}]})J");
  EXPECT_EQ(c.events[2].text, "after show\n");
}

TEST(Pyplot, ThePendingFigureIsShownAtTheEndOfTheCell) {
  Session s;
  Cell c = run(s,
               "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.figure()\n"
               "plt.plot([3, 4], [5, 6])\nprint('end')\n");
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[0].json,
            R"J({"id":"fig1","op":"new","type":"line","title":null,"xlabel":null,"ylabel":null,)J"
            R"J("series":[{"name":null,"x":[0,1],"y":[1,2]}]})J");
  EXPECT_EQ(c.events[1].text, "end\n");
  EXPECT_EQ(c.events[2].json,
            R"J({"id":"fig2","op":"new","type":"line","title":null,"xlabel":null,"ylabel":null,)J"
            R"J("series":[{"name":null,"x":[3,4],"y":[5,6]}]})J");
  // Also after an error; close() drops a figure; an empty figure sends nothing.
  c = run(s, "plt.plot([1])\nplt.title('t')\n1 / 0\n");
  EXPECT_EQ(c.error, "ZeroDivisionError: division by zero");
  EXPECT_EQ(c.of(Kind::Plot).size(), 1u);
  EXPECT_TRUE(
      run(s, "plt.plot([1])\nplt.close()\nplt.title('only a title')\nplt.show()\n").events.empty());
}

TEST(Pyplot, ScatterWithTextAnnotationsLabelsPoints) {
  // Each text names the nearest point (texts are usually nudged off their point).
  EXPECT_EQ(
      plot_of("import matplotlib.pyplot as plt\nimport torch\n"
              "emb = torch.tensor([[0., 0.], [1., 1.], [2., 0.]])\n"
              "plt.scatter(emb[:, 0], emb[:, 1])\n"
              "for i, w in enumerate(['king', 'queen', 'apple']):\n"
              "    plt.text(emb[i, 0] + 0.05, emb[i, 1] + 0.05, w)\n"
              "plt.annotate('fruit', (2.0, 0.1))\nplt.title('words')\n"),
      R"J({"id":"fig1","op":"new","type":"scatter","points":[[0.0,0.0],[1.0,1.0],[2.0,0.0]],)J"
      R"J("labels":["king","queen","apple, fruit"],"xlabel":null,"ylabel":null,"title":"words"})J");
}

TEST(Pyplot, ScatterNextToLinesIsASeriesOfMarkers) {
  EXPECT_EQ(plot_of("import matplotlib.pyplot as plt\nplt.scatter([1, 2], [2, 4], label='data')\n"
                    "plt.plot([1, 2], [2.1, 3.9], label='fit')\n"),
            R"J({"id":"fig1","op":"new","type":"line","title":null,"xlabel":null,"ylabel":null,)J"
            R"J("series":[{"name":"fit","x":[1,2],"y":[2.1,3.9]},)J"
            R"J({"name":"data","x":[1,2],"y":[2,4],"mode":"markers"}]})J");
}

TEST(Pyplot, ImshowIsAHeatmap) {
  EXPECT_EQ(
      plot_of("import matplotlib.pyplot as plt\nplt.imshow([[1, 2], [3, 4]], cmap='gray')\n"
              "plt.colorbar()\nplt.title('img')\n"),
      R"J({"id":"fig1","op":"new","type":"heatmap","matrix":[[1,2],[3,4]],"rows":null,"cols":null,)J"
      R"J("annotate":false,"title":"img"})J");
}

TEST(Pyplot, Errors) {
  EXPECT_EQ(
      error_of("import matplotlib.pyplot as plt\nplt.plot([1, 2], [1, 2, 3])"),
      "ValueError: plot(): x and y must have same first dimension, but have shapes (2,) and (3,)");
  EXPECT_EQ(error_of("import matplotlib.pyplot as plt\nplt.plot('r--')"),
            "ValueError: plot(): a format string such as 'r--' must follow the data it styles");
  EXPECT_EQ(error_of("import matplotlib.pyplot as plt\nplt.scatter([1])"),
            "TypeError: scatter() missing 1 required positional argument: 'y'");
  EXPECT_EQ(error_of("import matplotlib.pyplot as plt\nplt.title()"),
            "TypeError: title() missing 1 required positional argument: 'label'");
}

TEST(Seaborn, LineplotScatterplotAndHeatmap) {
  EXPECT_EQ(
      plot_of("import seaborn as sns\nimport matplotlib.pyplot as plt\nsns.set_theme()\n"
              "sns.lineplot(x=[1, 2, 3], y=[0.5, 0.25, 0.125], label='loss')\nplt.title('t')\n"),
      R"J({"id":"fig1","op":"new","type":"line","title":"t","xlabel":null,"ylabel":null,)J"
      R"J("series":[{"name":"loss","x":[1,2,3],"y":[0.5,0.25,0.125]}]})J");
  EXPECT_EQ(plot_of("import seaborn as sns\nsns.scatterplot(x=[1, 2], y=[3, 4])\n"),
            R"J({"id":"fig1","op":"new","type":"scatter","points":[[1,3],[2,4]],"labels":null,)J"
            R"J("xlabel":null,"ylabel":null,"title":null})J");
  EXPECT_EQ(
      plot_of("import seaborn as sns, torch\n"
              "sns.heatmap(torch.tensor([[0.5, 1], [2, 3]]), annot=True, "
              "xticklabels=['a', 'b'], yticklabels=False, cmap='Blues')\n"),
      R"J({"id":"fig1","op":"new","type":"heatmap","matrix":[[0.5,1.0],[2.0,3.0]],"rows":null,)J"
      R"J("cols":["a","b"],"annotate":true,"title":null})J");
  EXPECT_EQ(plot_of("import seaborn as sns\nsns.heatmap([[1]])\n"),
            R"J({"id":"fig1","op":"new","type":"heatmap","matrix":[[1]],"rows":null,"cols":null,)J"
            R"J("annotate":false,"title":null})J");
  EXPECT_EQ(error_of("import seaborn as sns\nsns.lineplot(x=[1])"),
            "TypeError: lineplot() needs y= (or data=) to draw");
}

// --- tqdm ---------------------------------------------------------------------------------------
TEST(Tqdm, ReportsAboutAHundredTimesPerLoop) {
  Session s;
  Cell c = run(s,
               "from tqdm import tqdm\ntotal = 0\nfor i in tqdm(range(1000), desc='train'):\n"
               "    total += i\nprint(total)\n");
  EXPECT_EQ(c.text, "499500\n");
  auto p = c.of(Kind::Progress);
  ASSERT_EQ(p.size(), 101u);  // n = 0, 10, 20, ..., 1000
  EXPECT_EQ(no_elapsed(p[0]),
            R"J({"id":"progress1","n":0,"total":1000,"elapsed":E,"desc":"train"})J");
  EXPECT_EQ(no_elapsed(p[1]),
            R"J({"id":"progress1","n":10,"total":1000,"elapsed":E,"desc":"train"})J");
  EXPECT_EQ(no_elapsed(p[100]),
            R"J({"id":"progress1","n":1000,"total":1000,"elapsed":E,"desc":"train"})J");
  // The last progress event comes before what the loop's successor prints.
  EXPECT_EQ(c.events.back().kind, Kind::Text);
  // 250 items: every 3, and the end.
  p = run(s, "for i in tqdm(list(range(250))):\n    pass\n").of(Kind::Progress);
  ASSERT_EQ(p.size(), 85u);
  EXPECT_EQ(no_elapsed(p[84]),
            R"J({"id":"progress1","n":250,"total":250,"elapsed":E,"desc":null})J");
  EXPECT_EQ(no_elapsed(p[83]),
            R"J({"id":"progress1","n":249,"total":250,"elapsed":E,"desc":null})J");
}

TEST(Tqdm, IteratesLikeItsIterable) {
  Session s;
  Cell c = run(s,
               "import tqdm as tq\nfrom tqdm.auto import tqdm, trange\n"
               "print(list(tqdm((1, 2))), [x * 2 for x in trange(3)], sum(tq.tqdm(range(4))))\n"
               "for k, v in tqdm({'a': 1}.items()):\n    print(k, v)\n"
               "for i, ch in tqdm(enumerate('ab')):\n    print(i, ch)\n"
               "print(len(tqdm(range(7))))\n");
  EXPECT_EQ(c.error, "");
  EXPECT_EQ(c.text, "[1, 2] [0, 2, 4] 6\na 1\n0 a\n1 b\n7\n");
  EXPECT_EQ(run(s, "len(tqdm(iter([1])))").error, "TypeError: object of type 'tqdm' has no len()");
}

TEST(Tqdm, UnknownTotalsReportAtPowersOfTwo) {
  Session s;
  auto p = run(s, "from tqdm import tqdm\nfor p in tqdm(zip(range(10), range(10))):\n    pass\n")
               .of(Kind::Progress);
  std::vector<std::string> ns;
  for (auto& j : p)
    ns.push_back(j.substr(j.find("\"n\""), j.find(",\"elapsed\"") - j.find("\"n\"")));
  EXPECT_EQ(ns, (std::vector<std::string>{R"("n":0,"total":null)", R"("n":1,"total":null)",
                                          R"("n":2,"total":null)", R"("n":4,"total":null)",
                                          R"("n":8,"total":null)", R"("n":10,"total":null)"}));
}

TEST(Tqdm, ABrokenLoopReportsItsCountAtTheEndOfTheCell) {
  Session s;
  Cell c = run(s,
               "from tqdm import tqdm\nfor i in tqdm(range(1000)):\n    if i == 437:\n"
               "        break\nprint('after')\n");
  auto p = c.of(Kind::Progress);
  ASSERT_EQ(p.size(), 45u);  // 0, 10, ..., 430, then 437 when the cell ends
  EXPECT_EQ(no_elapsed(p.back()),
            R"J({"id":"progress1","n":437,"total":1000,"elapsed":E,"desc":null})J");
  EXPECT_EQ(c.events.back().kind, Kind::Progress);
}

TEST(Tqdm, ManualUpdatesAndPostfix) {
  Session s;
  Cell c = run(s,
               "from tqdm import tqdm\nwith tqdm(total=4, desc='steps') as bar:\n"
               "    for i in range(2):\n        bar.update(2)\n"
               "        bar.set_postfix(loss=0.123456, lr=1e-05, step=i)\n");
  EXPECT_EQ(c.error, "");
  auto p = c.of(Kind::Progress);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(no_elapsed(p[1]), R"J({"id":"progress1","n":2,"total":4,"elapsed":E,"desc":"steps"})J");
  EXPECT_EQ(
      no_elapsed(p[2]),
      R"J({"id":"progress1","n":4,"total":4,"elapsed":E,"desc":"steps [loss=0.123, lr=1e-5, step=0]"})J");
  EXPECT_EQ(run(s, "tqdm(range(3), total=-1)").error,
            "ValueError: tqdm(): 'total' must be a count, got -1");
}

TEST(Tqdm, ElapsedIsWallClockSeconds) {
  Session s;
  auto p = run(s, "from tqdm import tqdm\nfor i in tqdm(range(3)):\n    pass\n").of(Kind::Progress);
  ASSERT_FALSE(p.empty());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(p.back(), m, std::regex("\"elapsed\":([0-9.]+),")));
  double e = std::stod(m[1]);
  EXPECT_GE(e, 0.0);
  EXPECT_LT(e, 60.0);
}

}  // namespace
}  // namespace gradlab
