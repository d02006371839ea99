// export_graph(): the autograd graph behind a tensor as plain records (graph_export.h).
// Everything is iterative (breadth-first walks, an explicit post-order stack): a graph built by
// a 1000-step loop is 1000 nodes deep and the wasm stack is small.
#include "autograd/graph_export.h"

#include <algorithm>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "tensor/error.h"

namespace gradlab {

namespace {

uint64_t mix(uint64_t h, uint64_t v) {
  // splitmix64 of the running hash combined with v.
  uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Same order as the engine's ready queue (engine.cpp): later-created nodes first,
// AccumulateGrad (sequence_nr UINT64_MAX) as soon as it is ready.
struct ByPriority {
  bool operator()(const Node* a, const Node* b) const { return a->sequence_nr < b->sequence_nr; }
};

// The whole op graph reachable from a node, breadth-first.
struct OpGraph {
  std::vector<Node*> nodes;
  std::unordered_map<const Node*, int> index;
};

OpGraph collect(Node* root) {
  OpGraph g;
  g.nodes.push_back(root);
  g.index[root] = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    for (const Edge& e : g.nodes[k]->next)
      if (e.fn && g.index.emplace(e.fn, int(g.nodes.size())).second) g.nodes.push_back(e.fn);
  return g;
}

// What the engine would do: the visit order always; the gradients of every node's outputs and
// inputs when `run` (a dry re-run of the backward functions that writes no .grad).
struct DryRun {
  std::vector<int> order;                      // indices into OpGraph::nodes
  std::vector<std::vector<Tensor>> grads_out;  // per node: gradient of each output
  std::vector<std::vector<Tensor>> grads_in;   // per node: gradient sent along each edge
  bool ran = false;
  std::string error;
};

DryRun dry_run(const OpGraph& g, const Tensor& seed, uint32_t root_nr, bool run) {
  DryRun d;
  const size_t n = g.nodes.size();
  std::vector<int32_t> pending(n, 0);
  for (Node* node : g.nodes)
    for (const Edge& e : node->next)
      if (e.fn) ++pending[size_t(g.index.at(e.fn))];
  if (run) {
    d.grads_out.resize(n);
    d.grads_in.resize(n);
    for (size_t i = 0; i < n; ++i) d.grads_out[i].resize(g.nodes[i]->num_outputs);
    d.grads_out[0][root_nr] = seed;
  }
  NoGradGuard no_grad;
  std::priority_queue<Node*, std::vector<Node*>, ByPriority> ready;
  ready.push(g.nodes[0]);
  while (!ready.empty()) {
    Node* node = ready.top();
    ready.pop();
    const size_t k = size_t(g.index.at(node));
    d.order.push_back(int(k));
    if (node->op == OpId::AccumulateGrad) continue;
    const size_t nin = node->next.size();
    if (run) {
      std::vector<Tensor>& in = d.grads_in[k];
      in.assign(nin, Tensor());
      const std::vector<Tensor>& out = d.grads_out[k];
      bool any = false;
      for (const Tensor& t : out) any = any || t.defined();
      if (any && node->backward) {
        try {
          node->backward(*node, out.data(), in.data());
        } catch (const Error& e) {
          run = false;
          d.error = e.message();
        }
      }
    }
    for (size_t i = 0; i < nin; ++i) {
      const Edge& e = node->next[i];
      if (!e.fn) continue;
      const size_t to = size_t(g.index.at(e.fn));
      if (run && d.grads_in[k][i].defined()) {
        Tensor& buf = d.grads_out[to][e.input_nr];
        buf = buf.defined() ? add(buf, d.grads_in[k][i]) : d.grads_in[k][i];
      }
      if (--pending[to] == 0) ready.push(e.fn);
    }
  }
  d.ran = run;
  return d;
}

// After backward() freed the saved tensors the dry run cannot go, but the engine kept what it
// sent along each edge (Node::edge_grads): the same grads_in, and grads_out summed from them
// in the visit order, as the engine did. False if some op has no record (it was never part of
// a backward pass).
bool fill_recorded(const OpGraph& g, DryRun& d, const Tensor& seed, uint32_t root_nr) {
  const size_t n = g.nodes.size();
  for (Node* node : g.nodes)
    if (node->op != OpId::AccumulateGrad && node->edge_grads.size() != node->next.size()) return false;
  d.grads_out.assign(n, {});
  d.grads_in.assign(n, {});
  for (size_t i = 0; i < n; ++i) d.grads_out[i].resize(g.nodes[i]->num_outputs);
  d.grads_out[0][root_nr] = seed;
  NoGradGuard no_grad;
  for (int k : d.order) {
    Node* node = g.nodes[size_t(k)];
    if (node->op == OpId::AccumulateGrad) continue;
    std::vector<Tensor>& in = d.grads_in[size_t(k)];
    in.assign(node->edge_grads.begin(), node->edge_grads.end());
    for (size_t i = 0; i < node->next.size(); ++i) {
      const Edge& e = node->next[i];
      if (!e.fn || !in[i].defined()) continue;
      Tensor& buf = d.grads_out[size_t(g.index.at(e.fn))][e.input_nr];
      buf = buf.defined() ? add(buf, in[i]) : in[i];
    }
  }
  d.ran = true;
  return true;
}

// A structural signature per node: the op, and its inputs' signatures; a leaf's
// AccumulateGrad hashes its leaf. Equal signatures = the same ops over the same leaves.
std::vector<uint64_t> signatures(const OpGraph& g) {
  const size_t n = g.nodes.size();
  std::vector<uint64_t> sig(n, 0);
  std::vector<uint8_t> state(n, 0);  // 0 new, 1 on the stack, 2 done
  std::vector<std::pair<int, size_t>> stack;
  for (size_t start = 0; start < n; ++start) {
    if (state[start]) continue;
    stack.emplace_back(int(start), 0);
    state[start] = 1;
    while (!stack.empty()) {
      auto& [k, edge] = stack.back();
      Node* node = g.nodes[size_t(k)];
      if (edge < node->next.size()) {
        const Edge& e = node->next[edge++];
        if (e.fn) {
          const int c = g.index.at(e.fn);
          if (state[size_t(c)] == 0) {
            state[size_t(c)] = 1;
            stack.emplace_back(c, 0);
          }
        }
        continue;
      }
      uint64_t h = mix(0x51ed2701ULL, uint64_t(node->op));
      if (node->op == OpId::AccumulateGrad)
        h = mix(h, uint64_t(reinterpret_cast<uintptr_t>(node->variable)));
      for (const Edge& e : node->next)
        h = mix(h, e.fn ? mix(sig[size_t(g.index.at(e.fn))], e.input_nr) : 0x7f4a7c15ULL);
      sig[size_t(k)] = h;
      state[size_t(k)] = 2;
      stack.pop_back();
    }
  }
  return sig;
}

// Ops reachable from node k (k included), counted once each.
size_t subgraph_size(const OpGraph& g, int k) {
  std::unordered_set<int> seen{k};
  std::vector<int> todo{k};
  while (!todo.empty()) {
    Node* node = g.nodes[size_t(todo.back())];
    todo.pop_back();
    for (const Edge& e : node->next)
      if (e.fn) {
        const int c = g.index.at(e.fn);
        if (seen.insert(c).second) todo.push_back(c);
      }
  }
  return seen.size();
}

std::string counts_text(const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string s;
  for (size_t i = 0; i < v.size() && i < 4; ++i)
    s += (i ? ", " : "") + v[i].first + " \xC3\x97" + std::to_string(v[i].second);
  if (v.size() > 4) s += ", ...";
  return s;
}

}  // namespace

GraphExport export_graph(const Tensor& root, const std::vector<Tensor>& named, size_t max_nodes) {
  GraphExport out;
  GraphNode root_node;
  root_node.kind = GraphNode::Kind::Tensor;
  root_node.tensor = root;
  out.nodes.push_back(root_node);
  out.root = 0;
  out.total_nodes = 1;
  Node* fn = root.defined() ? root->grad_fn : nullptr;
  if (!fn) {
    out.note = root.defined() && root.requires_grad()
                   ? "a leaf tensor: the user created it, no operation did, so its graph is itself"
                   : "this tensor does not require grad, so autograd recorded no graph for it";
    out.grads_note = out.note;
    return out;
  }
  if (max_nodes < 4) max_nodes = 4;

  const OpGraph g = collect(fn);
  const size_t n = g.nodes.size();

  // Tensor nodes the graph can show: each leaf, and named outputs of ops in the graph.
  size_t leaves = 0;
  for (Node* node : g.nodes)
    if (node->op == OpId::AccumulateGrad && node->variable) ++leaves;
  std::map<std::pair<int, uint32_t>, Tensor> named_outputs;  // (op index, output_nr)
  for (const Tensor& t : named) {
    if (!t.defined() || !t->grad_fn || t.get() == root.get()) continue;
    auto it = g.index.find(t->grad_fn);
    if (it == g.index.end()) continue;
    named_outputs.emplace(std::make_pair(it->second, t->output_nr), t);
  }
  out.total_nodes = 1 + n + leaves + named_outputs.size();

  // The engine's visit order, and the edge gradients when the saved values are still there.
  bool can_run = n <= kMaxGraphDryRunOps;
  for (Node* node : g.nodes)
    if (node->released) can_run = false;
  DryRun d = dry_run(g, ones_like(root), root->output_nr, can_run);
  if (!d.ran && d.error.empty()) fill_recorded(g, d, ones_like(root), root->output_nr);
  out.has_edge_grads = d.ran;
  if (!d.ran) {
    if (!d.error.empty())
      out.grads_note = "the backward functions could not be re-run: " + d.error;
    else if (n > kMaxGraphDryRunOps)
      out.grads_note = "the graph has more than " + std::to_string(kMaxGraphDryRunOps) +
                       " operations: edge gradients are not computed";
    else
      out.grads_note =
          "backward() freed the graph's saved values, so the gradient on each edge is gone (call "
          "backward(retain_graph=True), or show_graph before backward(), to see them); the "
          "leaves' .grad is shown";
  }
  std::vector<int> visit_pos(n, -1);
  for (size_t i = 0; i < d.order.size(); ++i) visit_pos[size_t(d.order[i])] = int(i);

  // Which ops are drawn: all of them when the whole graph fits; otherwise repeated
  // sub-graphs are drawn once and the rest is cut breadth-first.
  constexpr int kNone = -1;
  std::vector<int> place(n, kNone);  // op index -> output node index (an op or a fold node)
  std::vector<int> drawn;            // op indices, breadth-first from the root
  // Fold nodes: one per repeat and consumer (so every edge stays short: a fold node shared by
  // a hundred consumers would make the layout route a hundred long edges), and the cut node.
  std::map<std::pair<int, uint64_t>, int> fold_of;  // (consumer op, signature) -> fold node
  std::unordered_map<uint64_t, int> rep_of;         // signature -> the op drawn for it
  std::map<uint64_t, std::vector<int>> folds_by_sig;
  int cut = kNone;
  std::map<std::string, int64_t> cut_counts;
  auto add_fold = [&](std::string label) {
    GraphNode f;
    f.kind = GraphNode::Kind::Fold;
    f.label = std::move(label);
    out.nodes.push_back(std::move(f));
    return int(out.nodes.size() - 1);
  };
  auto add_op = [&](int k) {
    GraphNode o;
    o.kind = GraphNode::Kind::Op;
    o.fn = g.nodes[size_t(k)];
    o.label = grad_fn_name(o.fn->op);
    o.visit = visit_pos[size_t(k)];
    out.nodes.push_back(std::move(o));
    place[size_t(k)] = int(out.nodes.size() - 1);
    drawn.push_back(k);
  };

  if (out.total_nodes <= max_nodes) {
    for (size_t k = 0; k < n; ++k) add_op(int(k));
  } else {
    const std::vector<uint64_t> sig = signatures(g);
    // Room: every drawn leaf costs two nodes (AccumulateGrad and the tensor), every fold one;
    // one is kept for the cut node.
    size_t used = 1;
    const size_t room = max_nodes - 1;
    auto cost = [&](int k) {
      Node* node = g.nodes[size_t(k)];
      return node->op == OpId::AccumulateGrad && node->variable ? size_t(2) : size_t(1);
    };
    std::vector<uint8_t> queued(n, 0);
    std::vector<int> queue{0};
    queued[0] = 1;
    used += cost(0);
    rep_of[sig[0]] = 0;
    for (size_t qi = 0; qi < queue.size(); ++qi) {
      const int k = queue[qi];
      add_op(k);
      for (const Edge& e : g.nodes[size_t(k)]->next) {
        if (!e.fn) continue;
        const int c = g.index.at(e.fn);
        if (queued[size_t(c)]) continue;
        const uint64_t s = sig[size_t(c)];
        auto rep = rep_of.find(s);
        if (e.fn->op != OpId::AccumulateGrad && rep != rep_of.end() && rep->second != c) {
          auto f = fold_of.find({k, s});
          if (f == fold_of.end() && used + 1 <= room) {
            f = fold_of.emplace(std::make_pair(k, s), add_fold("")).first;
            folds_by_sig[s].push_back(f->second);
            ++used;
          }
          if (f != fold_of.end()) {
            queued[size_t(c)] = 2;  // folded as a repeat
            place[size_t(c)] = f->second;
            out.nodes[size_t(f->second)].folded += 1;
            continue;
          }
        }
        if (used + cost(c) > room) continue;  // cut below
        used += cost(c);
        queued[size_t(c)] = 1;
        rep_of.emplace(s, c);
        queue.push_back(c);
      }
    }
    // Ops below a folded sub-graph belong to its fold; whatever else is not drawn is cut.
    std::vector<int> todo;
    for (size_t k = 0; k < n; ++k)
      if (queued[k] == 2) todo.push_back(int(k));
    while (!todo.empty()) {
      const int k = todo.back();
      todo.pop_back();
      for (const Edge& e : g.nodes[size_t(k)]->next) {
        if (!e.fn) continue;
        const int c = g.index.at(e.fn);
        if (place[size_t(c)] != kNone) continue;
        place[size_t(c)] = place[size_t(k)];
        todo.push_back(c);
      }
    }
    // Label the repeat folds: how often the sub-graph occurs in the whole graph, how many of
    // its copies this fold stands for, and how many ops they hold.
    std::unordered_map<uint64_t, int64_t> occurrences;
    for (size_t k = 0; k < n; ++k) ++occurrences[sig[k]];
    std::vector<int64_t> ops_in(out.nodes.size(), 0);
    for (size_t k = 0; k < n; ++k)
      if (place[k] != kNone) ++ops_in[size_t(place[k])];
    std::vector<std::pair<int, uint64_t>> sigs_in_order;  // by their first fold node
    for (auto& [s, folds] : folds_by_sig) sigs_in_order.emplace_back(folds.front(), s);
    std::sort(sigs_in_order.begin(), sigs_in_order.end());
    for (auto& [first, s] : sigs_in_order) {
      const int rep = rep_of.at(s);
      const std::string op = grad_fn_name(g.nodes[size_t(rep)]->op);
      int64_t copies = 0, ops = 0;
      for (int f : folds_by_sig[s]) {
        GraphNode& node = out.nodes[size_t(f)];
        copies += node.folded;
        node.folded = ops_in[size_t(f)];
        ops += node.folded;
        node.label = "repeat of the " + op + " sub-graph";
      }
      out.folded.push_back("a " + op + " sub-graph of " + std::to_string(subgraph_size(g, rep)) +
                           " ops repeats " + std::to_string(occurrences[s]) +
                           " times: drawn once, " + std::to_string(copies) +
                           " copies folded into one node each (" + std::to_string(ops) + " ops)");
    }
    int64_t hidden = 0;
    for (size_t k = 0; k < n; ++k)
      if (place[k] == kNone) {
        ++hidden;
        ++cut_counts[grad_fn_name(g.nodes[k]->op)];
      }
    if (hidden > 0) {
      cut = add_fold(std::to_string(hidden) + " more ops not drawn");
      for (size_t k = 0; k < n; ++k)
        if (place[k] == kNone) place[k] = cut;
      out.nodes[size_t(cut)].folded = hidden;
      out.folded.push_back("cut breadth-first at " + std::to_string(max_nodes) +
                           " nodes: " + std::to_string(hidden) + " ops not drawn (" +
                           counts_text(cut_counts) + ")");
    }
  }

  // Tensor nodes: each drawn leaf, named outputs of drawn ops (while there is room).
  std::map<std::pair<int, uint32_t>, int> tensor_at;  // (op index, output_nr) -> node index
  tensor_at[{0, root->output_nr}] = 0;
  std::vector<GraphEdge> leaf_edges;
  for (int k : drawn) {
    Node* node = g.nodes[size_t(k)];
    if (node->op != OpId::AccumulateGrad || !node->variable) continue;
    GraphNode t;
    t.kind = GraphNode::Kind::Tensor;
    t.tensor = Tensor::borrow(node->variable);
    out.nodes.push_back(std::move(t));
    GraphEdge e;
    e.from = int(out.nodes.size() - 1);
    e.to = place[size_t(k)];
    if (d.ran) e.grad = d.grads_out[size_t(k)][0];
    leaf_edges.push_back(std::move(e));
  }
  for (auto& [key, t] : named_outputs) {
    if (out.nodes.size() >= max_nodes) break;
    const int p = place[size_t(key.first)];
    if (p == kNone || out.nodes[size_t(p)].kind != GraphNode::Kind::Op) continue;
    if (tensor_at.count(key)) continue;
    GraphNode tn;
    tn.kind = GraphNode::Kind::Tensor;
    tn.tensor = t;
    out.nodes.push_back(std::move(tn));
    tensor_at[key] = int(out.nodes.size() - 1);
  }

  // Edges, in data-flow order: leaf -> AccumulateGrad, producer (or its named output) ->
  // consumer, op -> named output.
  for (auto& e : leaf_edges) out.edges.push_back(std::move(e));
  std::set<std::pair<int, int>> fold_edges;  // (fold node, consumer): drawn once
  for (int k : drawn) {
    Node* node = g.nodes[size_t(k)];
    for (size_t i = 0; i < node->next.size(); ++i) {
      const Edge& e = node->next[i];
      if (!e.fn) continue;
      const int c = g.index.at(e.fn);
      int from = place[size_t(c)];
      if (from == kNone) continue;
      if (out.nodes[size_t(from)].kind == GraphNode::Kind::Fold) {
        if (!fold_edges.insert({from, place[size_t(k)]}).second) continue;
      } else if (auto t = tensor_at.find({c, e.input_nr}); t != tensor_at.end()) {
        from = t->second;
      }
      GraphEdge ge;
      ge.from = from;
      ge.to = place[size_t(k)];
      ge.input = int(i);
      if (d.ran) ge.grad = d.grads_in[size_t(k)][i];
      out.edges.push_back(std::move(ge));
    }
  }
  for (auto& [key, node_index] : tensor_at) {
    const int p = place[size_t(key.first)];
    if (p == kNone || out.nodes[size_t(p)].kind != GraphNode::Kind::Op) continue;
    GraphEdge ge;
    ge.from = p;
    ge.to = node_index;
    if (d.ran) ge.grad = d.grads_out[size_t(key.first)][key.second];
    out.edges.push_back(std::move(ge));
  }

  for (int k : d.order)
    if (place[size_t(k)] != kNone &&
        out.nodes[size_t(place[size_t(k)])].kind == GraphNode::Kind::Op)
      out.visit_order.push_back(place[size_t(k)]);
  return out;
}

}  // namespace gradlab
