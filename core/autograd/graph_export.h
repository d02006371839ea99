// The autograd graph behind a tensor as a plain description, for show_graph(t) and the page's
// graph view: a node per op (its grad_fn name from ops.def, AccumulateGrad for leaves), a node
// per tensor the graph can name (the root, each leaf, and any extra tensor the caller passes,
// e.g. the session's globals), edges in data-flow order (inputs -> op -> output), the order
// the backward engine visits the ops, and the gradient each edge carries.
//
// Before backward(), the gradient on each edge comes from a dry re-run of the nodes' backward
// functions over the graph (the engine's own scheduling, seeded with ones), which reads the
// saved tensors and writes nothing: no .grad, no engine state. After backward() (which frees
// the saved tensors unless retain_graph=True) it is what the engine sent along each edge
// (Node::edge_grads). Only a graph mixing freed ops with ops no backward went through has no
// edge gradients; `grads_note` says so. Big graphs are folded (see kMaxGraphNodes).
//
//   GraphExport g = export_graph(out, {x});   // nodes x, AccumulateGrad, PowBackward0, ...
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "autograd/node.h"

namespace gradlab {

// Limit: nodes one graph description draws. Past it, repeated sub-graphs (identical ops over
// the same leaves, e.g. one per sample of a batch loop) are drawn once with a fold node
// standing for the others, and what still does not fit is cut breadth-first from the root
// into one fold node. Each fold is described in GraphExport::folded.
inline constexpr size_t kMaxGraphNodes = 200;
// Limit: ops a dry re-run for edge gradients goes through; a bigger graph shows no edge
// gradients (the re-run would cost as much as the backward itself).
inline constexpr size_t kMaxGraphDryRunOps = 20000;

struct GraphNode {
  enum class Kind : uint8_t { Tensor, Op, Fold };
  Kind kind = Kind::Op;
  std::string label;  // Op: the grad_fn name ("PowBackward0"); Fold: what it stands for
  // Tensor nodes: the tensor (its value and .grad are read from it).
  Tensor tensor;
  const Node* fn = nullptr;  // Op nodes: the graph node
  int visit = -1;            // Op nodes: position in the engine's visit order, -1 if not visited
  int64_t folded = 0;        // Fold nodes: how many graph nodes it stands for
};

struct GraphEdge {
  int from = 0, to = 0;  // indices into GraphExport::nodes, in data-flow direction
  int input = 0;         // which input of `to` (its position in the op's inputs)
  Tensor grad;           // the gradient backward sends along it (undefined if not known)
};

struct GraphExport {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  int root = 0;                     // the node of the tensor show_graph was given
  std::vector<int> visit_order;     // op node indices in the order the engine runs them
  size_t total_nodes = 0;           // nodes of the whole graph (op and tensor), folded or not
  std::vector<std::string> folded;  // one sentence per fold
  bool has_edge_grads = false;
  std::string grads_note;  // why edge gradients are missing, when they are
  std::string note;        // a one-node graph: why there is nothing more to draw
};

// Walks the graph that produced `root` (iteratively). `named` are tensors the caller can
// name (a tensor node is drawn for each one whose grad_fn output is in the graph; leaves
// always get one). `max_nodes` caps what is drawn.
GraphExport export_graph(const Tensor& root, const std::vector<Tensor>& named,
                         size_t max_nodes = kMaxGraphNodes);

}  // namespace gradlab
