// export_graph (core/autograd/graph_export.cpp) and the session's graph JSON and show_graph
// builtin (core/session/graph.cpp): grad_fn names, data-flow edges, the engine's visit order,
// edge gradients from the dry re-run (and that it writes no .grad), the folding cap, errors.
#include "autograd/graph_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "lang/torch_convert.h"
#include "session/graph.h"
#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::run_in;

Tensor global(Session& s, const std::string& name) {
  lang::ModuleObj* m = s.vm().main_module();
  for (size_t i = 0; i < m->names.size(); ++i)
    if (m->names[i]->s == name && m->values[i].is_tensor()) return lang::unwrap(m->values[i]);
  ADD_FAILURE() << "no tensor global " << name;
  return Tensor();
}

std::string printed(Session& s, const Tensor& t) { return s.vm().str_of(lang::wrap(t)); }

int find_op(const GraphExport& g, const std::string& label) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].kind == GraphNode::Kind::Op && g.nodes[i].label == label) return int(i);
  return -1;
}

const GraphEdge* edge(const GraphExport& g, int from, int to) {
  for (const GraphEdge& e : g.edges)
    if (e.from == from && e.to == to) return &e;
  return nullptr;
}

const char* kPowSum =
    "import torch\n"
    "x = torch.tensor([[2., -1.], [3., 1.]], requires_grad=True)\n"
    "out = x.pow(3).sum()\n";

TEST(GraphExport, NamesAndDataFlowEdgesOfPowSum) {
  Session s;
  ASSERT_EQ(run_in(s, kPowSum).error, "");
  Tensor out = global(s, "out"), x = global(s, "x");
  GraphExport g = export_graph(out, {x, out});
  ASSERT_EQ(g.nodes.size(), 5u);  // out, SumBackward0, PowBackward0, AccumulateGrad, x
  EXPECT_EQ(g.root, 0);
  EXPECT_EQ(g.nodes[0].tensor.get(), out.get());
  const int sum = find_op(g, "SumBackward0"), pw = find_op(g, "PowBackward0"),
            acc = find_op(g, "AccumulateGrad");
  ASSERT_GE(sum, 0);
  ASSERT_GE(pw, 0);
  ASSERT_GE(acc, 0);
  int xi = -1;
  for (size_t i = 1; i < g.nodes.size(); ++i)
    if (g.nodes[i].kind == GraphNode::Kind::Tensor) xi = int(i);
  ASSERT_GE(xi, 0);
  EXPECT_EQ(g.nodes[size_t(xi)].tensor.get(), x.get());
  // Data flow: x -> AccumulateGrad -> PowBackward0 -> SumBackward0 -> out.
  EXPECT_EQ(g.edges.size(), 4u);
  EXPECT_NE(edge(g, xi, acc), nullptr);
  EXPECT_NE(edge(g, acc, pw), nullptr);
  EXPECT_NE(edge(g, pw, sum), nullptr);
  EXPECT_NE(edge(g, sum, 0), nullptr);
  EXPECT_EQ(g.total_nodes, 5u);
  EXPECT_TRUE(g.folded.empty());
  // The names agree with what print(t.grad_fn) shows.
  EXPECT_EQ(run_in(s, "print(out.grad_fn)").out.substr(0, 24), "<SumBackward0 object at ");
  EXPECT_EQ(run_in(s, "print(out.grad_fn.next_functions[0][0])").out.substr(0, 24),
            "<PowBackward0 object at ");
}

TEST(GraphExport, DryRunGivesEdgeGradientsAndLeavesGradAlone) {
  Session s;
  ASSERT_EQ(run_in(s, kPowSum).error, "");
  Tensor out = global(s, "out"), x = global(s, "x");
  GraphExport g = export_graph(out, {});
  ASSERT_TRUE(g.has_edge_grads) << g.grads_note;
  const int sum = find_op(g, "SumBackward0"), pw = find_op(g, "PowBackward0"),
            acc = find_op(g, "AccumulateGrad");
  const GraphEdge* into_sum = edge(g, pw, sum);
  const GraphEdge* into_pow = edge(g, acc, pw);
  ASSERT_TRUE(into_sum && into_pow);
  EXPECT_EQ(printed(s, into_sum->grad), "tensor([[1., 1.],\n        [1., 1.]])");
  EXPECT_EQ(printed(s, into_pow->grad), "tensor([[12.,  3.],\n        [27.,  3.]])");
  EXPECT_EQ(printed(s, edge(g, sum, 0)->grad), "tensor(1.)");
  EXPECT_FALSE(x.grad().defined());  // the dry run wrote no .grad
  // The graph is intact: a real backward still works and gives the same numbers.
  EXPECT_EQ(run_in(s, "out.backward()\nprint(x.grad)").out,
            "tensor([[12.,  3.],\n        [27.,  3.]])\n");
}

TEST(GraphExport, AfterBackwardTheEdgesShowWhatTheEngineSent) {
  Session s;
  ASSERT_EQ(run_in(s, std::string(kPowSum) + "out.backward()\n").error, "");
  Tensor out = global(s, "out"), x = global(s, "x");
  GraphExport g = export_graph(out, {});
  // backward() freed the saved tensors (no dry run possible), but the engine kept what it
  // sent along each edge.
  ASSERT_TRUE(g.has_edge_grads) << g.grads_note;
  EXPECT_EQ(g.grads_note, "");
  {
    const int sum = find_op(g, "SumBackward0"), pw = find_op(g, "PowBackward0"),
              acc = find_op(g, "AccumulateGrad");
    const GraphEdge* into_sum = edge(g, pw, sum);
    const GraphEdge* into_pow = edge(g, acc, pw);
    ASSERT_TRUE(into_sum && into_pow);
    EXPECT_EQ(printed(s, into_sum->grad), "tensor([[1., 1.],\n        [1., 1.]])");
    EXPECT_EQ(printed(s, into_pow->grad), "tensor([[12.,  3.],\n        [27.,  3.]])");
  }
  bool found = false;
  for (const GraphNode& n : g.nodes)
    if (n.kind == GraphNode::Kind::Tensor && n.tensor.get() == x.get()) {
      found = true;
      EXPECT_EQ(printed(s, n.tensor.grad()), "tensor([[12.,  3.],\n        [27.,  3.]])");
    }
  EXPECT_TRUE(found);
  // A new op over a part freed by an earlier backward: that part cannot be re-run and the new
  // op has no record yet, so there are no edge gradients, and the note says why.
  {
    Session s2;
    ASSERT_EQ(run_in(s2, std::string(kPowSum) + "a = x.pow(2)\nb = a.sum()\nb.backward()\nc = a.mean()\n").error, "");
    GraphExport partial = export_graph(global(s2, "c"), {});
    EXPECT_FALSE(partial.has_edge_grads);
    EXPECT_NE(partial.grads_note.find("retain_graph=True"), std::string::npos);
    for (const GraphEdge& e : partial.edges) EXPECT_FALSE(e.grad.defined());
  }
  // The visit order is still known: the engine runs Sum, Pow, then the leaf's accumulator.
  ASSERT_EQ(g.visit_order.size(), 3u);
  EXPECT_EQ(g.nodes[size_t(g.visit_order[0])].label, "SumBackward0");
  EXPECT_EQ(g.nodes[size_t(g.visit_order[1])].label, "PowBackward0");
  EXPECT_EQ(g.nodes[size_t(g.visit_order[2])].label, "AccumulateGrad");

  // With retain_graph=True the saved values stay, and so do the edge gradients.
  ASSERT_EQ(
      run_in(s, "x.grad = None\nout = x.pow(3).sum()\nout.backward(retain_graph=True)\n").error,
      "");
  GraphExport kept = export_graph(global(s, "out"), {});
  EXPECT_TRUE(kept.has_edge_grads);
  EXPECT_EQ(printed(s, global(s, "x").grad()), "tensor([[12.,  3.],\n        [27.,  3.]])");
}

TEST(GraphExport, VisitOrderFollowsTheEngineLatestCreatedFirst) {
  // Two branches into an add: the engine runs the branch created last (exp) before mul,
  // and each AccumulateGrad as soon as it is ready; a retained grad shows the same order.
  Session s;
  ASSERT_EQ(run_in(s,
                   "import torch\n"
                   "x = torch.tensor([1., 2.], requires_grad=True)\n"
                   "w = torch.tensor([3., 4.], requires_grad=True)\n"
                   "a = x * w\n"
                   "b = x.exp()\n"
                   "c = (a + b).sum()\n")
                .error,
            "");
  GraphExport g = export_graph(global(s, "c"), {});
  std::vector<std::string> order;
  for (int i : g.visit_order) order.push_back(g.nodes[size_t(i)].label);
  EXPECT_EQ(order, (std::vector<std::string>{"SumBackward0", "AddBackward0", "ExpBackward0",
                                             "MulBackward0", "AccumulateGrad", "AccumulateGrad"}));
  // x feeds two ops: one AccumulateGrad node with two edges out of it.
  int acc_edges = 0;
  const int mul = find_op(g, "MulBackward0"), ex = find_op(g, "ExpBackward0");
  for (const GraphEdge& e : g.edges)
    if (g.nodes[size_t(e.from)].label == "AccumulateGrad" && (e.to == mul || e.to == ex))
      ++acc_edges;
  EXPECT_EQ(acc_edges, 3);  // x -> mul, w -> mul, x -> exp
  EXPECT_EQ(g.visit_order.size(), 6u);
}

TEST(GraphExport, NamedIntermediatesAreTensorNodesOnTheirEdges) {
  Session s;
  ASSERT_EQ(
      run_in(s, "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\nz = y.sum()\n")
          .error,
      "");
  Tensor y = global(s, "y");
  GraphExport g = export_graph(global(s, "z"), {y});
  int yi = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].kind == GraphNode::Kind::Tensor && g.nodes[i].tensor.get() == y.get())
      yi = int(i);
  ASSERT_GE(yi, 0);
  const int mul = find_op(g, "MulBackward0"), sum = find_op(g, "SumBackward0");
  EXPECT_NE(edge(g, mul, yi), nullptr);  // MulBackward0 -> y -> SumBackward0
  EXPECT_NE(edge(g, yi, sum), nullptr);
  EXPECT_EQ(edge(g, mul, sum), nullptr);
}

TEST(GraphExport, BigGraphsFoldRepeatsAndStayUnderTheCap) {
  Session s;
  ASSERT_EQ(run_in(s,
                   "import torch\n"
                   "w = torch.tensor([1., 2.], requires_grad=True)\n"
                   "loss = torch.tensor(0.)\n"
                   "for i in range(300):\n"
                   "    loss = loss + (w * float(i)).sigmoid().sum()\n")
                .error,
            "");
  GraphExport g = export_graph(global(s, "loss"), {});
  EXPECT_LE(g.nodes.size(), kMaxGraphNodes);
  EXPECT_GT(g.total_nodes, 1000u);  // 300 x (Add, Sum, Sigmoid, Mul) + AccumulateGrad + 2
  ASSERT_EQ(g.folded.size(), 2u);
  // The 300 per-step sub-graphs are the same ops over the same leaf: drawn once, folded.
  EXPECT_NE(g.folded[0].find("repeats"), std::string::npos) << g.folded[0];
  EXPECT_NE(g.folded[1].find("cut breadth-first at 200 nodes"), std::string::npos) << g.folded[1];
  EXPECT_NE(g.folded[1].find("AddBackward0"), std::string::npos) << g.folded[1];
  // One fold node per folded copy (each beside the op that uses it), and one cut node.
  int folds = 0, cuts = 0;
  int64_t folded = 0;
  for (const GraphNode& n : g.nodes)
    if (n.kind == GraphNode::Kind::Fold) {
      ++folds;
      folded += n.folded;
      if (n.label.find("more ops not drawn") != std::string::npos)
        ++cuts;
      else
        EXPECT_EQ(n.label, "repeat of the SumBackward0 sub-graph");
    }
  EXPECT_GT(folds, 10);
  EXPECT_EQ(cuts, 1);
  // A repeat's fold node feeds exactly one op: no long edges for the layout to route.
  std::map<int, int> fold_out;
  for (const GraphEdge& e : g.edges)
    if (g.nodes[size_t(e.from)].kind == GraphNode::Kind::Fold &&
        g.nodes[size_t(e.from)].label.find("more ops not drawn") == std::string::npos)
      ++fold_out[e.from];
  for (auto& [f, count] : fold_out) EXPECT_EQ(count, 1) << g.nodes[size_t(f)].label;
  size_t ops = 0;
  for (const GraphNode& n : g.nodes) ops += n.kind == GraphNode::Kind::Op;
  EXPECT_EQ(ops + size_t(folded) + 2, g.total_nodes);  // + the root and the leaf w
  // Every edge joins nodes that exist.
  for (const GraphEdge& e : g.edges) {
    EXPECT_LT(size_t(e.from), g.nodes.size());
    EXPECT_LT(size_t(e.to), g.nodes.size());
  }
  // A small cap folds more; a graph that fits is not folded.
  EXPECT_LE(export_graph(global(s, "loss"), {}, 20).nodes.size(), 20u);
  ASSERT_EQ(run_in(s, "small = (w * 2).sum()\n").error, "");
  EXPECT_TRUE(export_graph(global(s, "small"), {}).folded.empty());
}

TEST(GraphExport, LeafAndConstantAreSingleNodeGraphs) {
  Session s;
  ASSERT_EQ(
      run_in(s, "import torch\nx = torch.ones(2, requires_grad=True)\nc = torch.ones(2)\n").error,
      "");
  GraphExport leaf = export_graph(global(s, "x"), {});
  EXPECT_EQ(leaf.nodes.size(), 1u);
  EXPECT_TRUE(leaf.edges.empty());
  EXPECT_NE(leaf.note.find("leaf"), std::string::npos);
  GraphExport constant = export_graph(global(s, "c"), {});
  EXPECT_EQ(constant.nodes.size(), 1u);
  EXPECT_NE(constant.note.find("does not require grad"), std::string::npos);
}

TEST(ShowGraph, EmitsAGraphEventWithNamesAndPreviews) {
  Session s;
  std::vector<OutputEvent> events;
  s.set_output_handler([&](const OutputEvent& ev) { events.push_back(ev); });
  ASSERT_TRUE(s.run_cell(std::string(kPowSum) + "out.backward()\nshow_graph(out)\n"));
  ASSERT_EQ(s.run_to_end(), RunStatus::Done);
  s.set_output_handler(nullptr);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, OutputEvent::Kind::Graph);
  const std::string& j = events[0].json;
  for (const char* part :
       {"\"kind\":\"op\",\"label\":\"PowBackward0\"", "\"kind\":\"op\",\"label\":\"SumBackward0\"",
        "\"label\":\"AccumulateGrad\"", "\"name\":\"x\"", "\"name\":\"out\"",
        "\"grad\":\"tensor([[12.,  3.],\\n        [27.,  3.]])\"", "\"edgeGrads\":true",
        "\"gradsNote\":null", "\"grad\":\"tensor(1.)\"",
        "\"shape\":[2,2]", "\"dtype\":\"torch.float32\""})
    EXPECT_NE(j.find(part), std::string::npos) << part << " in " << j;
  EXPECT_EQ(j.front(), '{');
  EXPECT_EQ(j.back(), '}');
}

TEST(ShowGraph, ParameterNamesComeFromModules) {
  Session s;
  ASSERT_EQ(run_in(s,
                   "import torch\nfrom torch import nn\n"
                   "torch.manual_seed(0)\n"
                   "model = nn.Linear(2, 1)\n"
                   "loss = model(torch.ones(1, 2)).sum()\n")
                .error,
            "");
  std::string j = graph_json(s.vm(), global(s, "loss"));
  EXPECT_NE(j.find("\"name\":\"model.weight\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"name\":\"model.bias\""), std::string::npos) << j;
  EXPECT_NE(j.find("AddmmBackward0"), std::string::npos) << j;
}

TEST(ShowGraph, ErrorsNameTheArgument) {
  Session s;
  EXPECT_EQ(run_in(s, "show_graph(3)").error,
            "TypeError: show_graph(): argument 't' must be a Tensor, not int");
  EXPECT_EQ(run_in(s, "show_graph()").error.substr(0, 10), "TypeError:");
  ASSERT_EQ(run_in(s, "n = 1\nimport torch\nc = torch.ones(2)\n").error, "");
  EXPECT_THROW(s.graph("missing"), Error);
  try {
    s.graph("n");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "TypeError");
  }
  // A tensor without history is a one-node graph that says why.
  std::string j = s.graph("c");
  EXPECT_NE(j.find("does not require grad"), std::string::npos);
  EXPECT_NE(j.find("\"name\":\"c\""), std::string::npos);
}

TEST(ShowGraph, SeedEmbeddingModelLossGraph) {
  // The nn.Embedding model of the course notebook (3 users x 3 movies), one epoch.
  Session s;
  ASSERT_EQ(run_in(s, R"(import torch
from torch import nn, optim
class EmbeddingNetworkModel(nn.Module):
    def __init__(self, seed):
        super().__init__()
        self.seed = torch.manual_seed(seed)
        self.embedding = nn.Embedding(3, 3)
    def forward(self, x):
        user_id = x[0]
        item_repr = x[1]
        y = self.embedding(user_id) * item_repr
        y = torch.sum(y)
        y = torch.sigmoid(y)
        return y
user_ids = [torch.tensor(0), torch.tensor(1), torch.tensor(2)]
items = [torch.tensor([0.6, 0.4, -0.2]), torch.tensor([-0.7, 0.8, -0.7]), torch.tensor([0.8, -0.75, 0.9])]
responses = [1, 0, 0, 0, 1, 0, 0, 0, 1]
data = [(user_ids[u], items[i]) for u in range(3) for i in range(3)]
embedding_nn = EmbeddingNetworkModel(seed=6789)
for i in range(len(data)):
    y = embedding_nn((data[i][0], data[i][1]))
    if i == 0:
        loss = torch.pow(y - responses[i], 2)
    else:
        loss += torch.pow(y - responses[i], 2)
for param in embedding_nn.parameters():
    loss += 1 / 5 * torch.norm(param)
loss.backward()
)")
                .error,
            "");
  GraphExport g = export_graph(global(s, "loss"), {});
  std::map<std::string, int> counts;
  for (const GraphNode& n : g.nodes)
    if (n.kind == GraphNode::Kind::Op) ++counts[n.label];
  // PyTorch 1.13 has exactly these nodes (66 in all) for this loss.
  EXPECT_EQ(counts, (std::map<std::string, int>{{"AccumulateGrad", 1},
                                                {"AddBackward0", 9},
                                                {"EmbeddingBackward0", 9},
                                                {"MulBackward0", 10},
                                                {"NormBackward1", 1},
                                                {"PowBackward0", 9},
                                                {"SigmoidBackward0", 9},
                                                {"SubBackward0", 9},
                                                {"SumBackward0", 9}}));
  std::string j = graph_json(s.vm(), global(s, "loss"));
  EXPECT_NE(j.find("\"name\":\"embedding_nn.embedding.weight\""), std::string::npos);
}

}  // namespace
}  // namespace gradlab
