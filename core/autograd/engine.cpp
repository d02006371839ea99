// Recording the graph and running backward over it, iteratively (no recursion: the wasm
// stack is small and overflows silently). Mirrors PyTorch's engine: dependency counting, a
// ready queue ordered by creation (latest first, AccumulateGrad as soon as ready), per-node
// input buffers summed in arrival order, saved tensors freed unless retain_graph.
#include <algorithm>
#include <queue>

#include "autograd/autograd.h"
#include "ops/ops.h"

namespace gradlab {

const char* grad_fn_name(OpId op) {
  static const char* const names[] = {
#define OP(id, name) name,
#include "autograd/ops.def"
#undef OP
  };
  return names[int(op)];
}

void node_incref(Node* n) { ++n->refcount; }

Node* new_node() {
  void* mem = current_context().node_blocks.get(sizeof(Node));
  if (!mem) throw std::bad_alloc();
  return new (mem) Node;  // default-initialized: the inline lists' room stays unwritten
}

namespace {
// The nodes a teardown still has to free: a few inline, the rest of a long chain on the heap.
class DeadStack {
 public:
  void push(Node* n) {
    if (n_ < kInline) inline_[n_++] = n;
    else spill_.push_back(n);
  }
  Node* pop() {
    if (!spill_.empty()) {
      Node* n = spill_.back();
      spill_.pop_back();
      return n;
    }
    return n_ ? inline_[--n_] : nullptr;
  }

 private:
  static constexpr int kInline = 32;
  Node* inline_[kInline];
  int n_ = 0;
  std::vector<Node*> spill_;
};
}  // namespace

void node_decref(Node* n) {
  // Iterative teardown: dropping the last reference to a long chain (a 1000-step graph)
  // must not recurse once per node.
  if (--n->refcount != 0) return;
  DeadStack dead;
  for (Node* d = n; d; d = dead.pop()) {
    for (Edge& e : d->next)
      if (e.fn && --e.fn->refcount == 0) dead.push(e.fn);
    d->next.clear();
    if (d->variable) {
      if (d->variable->grad_accumulator == d) d->variable->grad_accumulator = nullptr;
      decref(d->variable);
    }
    for (TensorImpl* r : d->retained) r->retains_grad = false;
    d->~Node();
    current_context().node_blocks.put(d);
  }
}

void forget_retained(TensorImpl* t) {
  if (!t->retains_grad || !t->grad_fn) return;
  auto& kept = t->grad_fn->retained;
  for (size_t i = 0; i < kept.size(); ++i)
    if (kept[i] == t) {
      kept.erase(kept.begin() + long(i));
      break;
    }
}

void Node::save(const Tensor& t) {
  SavedTensor s;
  if (t.defined()) {
    s.data = t;
    s.version = t->storage->version;
  }
  saved.push_back(std::move(s));
}

void Node::save_output(const Tensor& t) {
  SavedTensor s;
  s.data = alias_detached(t);
  s.version = t->storage->version;
  s.is_output = true;
  ++t->storage->saved_output_refs;
  saved.push_back(std::move(s));
}

Tensor Node::saved_tensor(size_t i) const {
  if (released)
    runtime_error(
        "Trying to backward through the graph a second time (or directly access saved tensors "
        "after they have already been freed). Saved intermediate values of the graph are freed "
        "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
        "backward through the graph a second time or if you need to access saved tensors after "
        "calling backward.");
  const SavedTensor& s = saved[i];
  if (s.data.defined() && s.data->storage->version != s.version) {
    const Tensor& t = s.data;
    std::string shape;
    for (int d = 0; d < t.dim(); ++d) shape += (d ? ", " : "") + std::to_string(t.sizes()[d]);
    std::string which;
    if (s.is_output)
      which = ", which is output 0 of " + std::string(grad_fn_name(op)) + ",";
    else if (t->grad_fn)
      which = ", which is output " + std::to_string(t->output_nr) + " of " +
              grad_fn_name(t->grad_fn->op) + ",";
    runtime_error(
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [" + std::string(dtype_tensor_type_name(t.dtype())) + " [" + shape + "]]" +
        which + " is at version " + std::to_string(t->storage->version) + "; expected version " +
        std::to_string(s.version) +
        " instead. Hint: enable anomaly detection to find the operation that failed to compute "
        "its gradient, with torch.autograd.set_detect_anomaly(True).");
  }
  return s.data;
}

// --- recording ---------------------------------------------------------------------------
bool any_requires_grad(std::initializer_list<const Tensor*> inputs) {
  if (!grad_mode_enabled()) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

// The node a gradient for `t` flows into: its grad_fn, or (for a leaf that requires grad)
// its AccumulateGrad node, created on first use and shared while alive.
static Edge gradient_edge(const Tensor& t) {
  Edge e;
  if (!t.defined() || !t.requires_grad()) return e;
  if (t->grad_fn) {
    e.fn = t->grad_fn;
    e.input_nr = t->output_nr;
    ++e.fn->refcount;
    return e;
  }
  if (Node* acc = t->grad_accumulator) {
    ++acc->refcount;
    e.fn = acc;
    return e;
  }
  Node* acc = new_node();  // its one reference belongs to the returned edge
  acc->op = OpId::AccumulateGrad;
  acc->sequence_nr = UINT64_MAX;
  acc->variable = t.get();
  incref(t.get());
  t->grad_accumulator = acc;
  e.fn = acc;
  return e;
}

template <typename Inputs>
static Node* record_impl(OpId op, BackwardFn backward, const Inputs& inputs,
                         std::initializer_list<Tensor*> outputs) {
  if (!grad_mode_enabled()) return nullptr;
  bool any = false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) any = true;
  if (!any) return nullptr;
  Node* n = new_node();
  n->op = op;
  n->backward = backward;
  n->sequence_nr = current_context().next_sequence_nr++;
  n->num_outputs = uint16_t(outputs.size());
  n->next.reserve(inputs.size());
  for (const Tensor* t : inputs) n->next.push_back(gradient_edge(*t));
  uint32_t nr = 0;
  for (Tensor* out : outputs) {
    TensorImpl* o = out->get();
    // An in-place op gives `o` a new grad_fn: a retain_grad() moves with it, as in PyTorch.
    const bool retains = o->retains_grad && o->grad_fn;
    forget_retained(o);
    if (o->grad_fn) node_decref(o->grad_fn);
    ++n->refcount;
    o->grad_fn = n;
    if (retains) n->retained.push_back(o);
    o->output_nr = nr++;
    o->requires_grad = is_floating(o->dtype);
  }
  --n->refcount;  // the outputs hold the node; the caller gets a borrowed pointer
  return n;
}

Node* record(OpId op, BackwardFn backward, std::initializer_list<const Tensor*> inputs,
             std::initializer_list<Tensor*> outputs) {
  return record_impl(op, backward, inputs, outputs);
}
Node* record(OpId op, BackwardFn backward, const std::vector<const Tensor*>& inputs,
             std::initializer_list<Tensor*> outputs) {
  return record_impl(op, backward, inputs, outputs);
}

void check_inplace(const Tensor& self) {
  if (grad_mode_enabled() && self.requires_grad() && self.is_leaf())
    runtime_error("a leaf Variable that requires grad is being used in an in-place operation.");
}

Node* record_inplace(OpId op, BackwardFn backward, std::initializer_list<const Tensor*> inputs,
                     Tensor& self) {
  // `inputs` must list self first: its current history becomes the node's first edge.
  return record_impl(op, backward, inputs, {&self});
}

void detach_(const Tensor& t) {
  if (Node* n = t->grad_fn) {
    forget_retained(t.get());
    t->retains_grad = false;
    t->grad_fn = nullptr;
    t->output_nr = 0;
    node_decref(n);
  }
  t->requires_grad = false;
}

void retain_grad(const Tensor& t) {
  if (!t.requires_grad())
    runtime_error("can't retain_grad on Tensor that has requires_grad=False");
  if (t.is_leaf() || t->retains_grad) return;
  t->retains_grad = true;
  t->grad_fn->retained.push_back(t.get());
}

// --- backward ----------------------------------------------------------------------------
namespace {

struct ByPriority {
  bool operator()(const Node* a, const Node* b) const { return a->sequence_nr < b->sequence_nr; }
};

Tensor accumulate(const Tensor& old, const Tensor& g) {
  if (!old.defined()) return g;
  if (!g.defined()) return old;
  return add(old, g);
}

// Gives the leaf its gradient: a fresh tensor the first time, an in-place += afterwards.
void accumulate_into_leaf(TensorImpl* leaf, const Tensor& g) {
  Tensor grad = g;
  if (grad.dtype() != leaf->dtype) grad = cast_data(grad, leaf->dtype);
  if (grad.sizes() != leaf->sizes) grad = sum_to(grad, leaf->sizes);
  if (!leaf->grad) {
    // The engine's buffers may alias other tensors: the leaf gets its own copy.
    Tensor fresh = empty(leaf->sizes, leaf->dtype);
    copy_into(fresh, grad);
    leaf->grad = fresh.release();
  } else {
    Tensor existing = Tensor::borrow(leaf->grad);
    add_(existing, grad);
  }
}

// The buffer slot of output `nr` of a node reached by the running backward.
Tensor& buffer_slot(Node* n, uint32_t nr) {
  if (nr == 0) return n->grad_buffer;
  if (n->grad_buffer_rest.empty()) n->grad_buffer_rest.resize(n->num_outputs - 1);
  return n->grad_buffer_rest[nr - 1];
}

// Leaves every node of a pass as it was before (also when a backward function threw).
void end_pass(const std::vector<Node*>& graph) {
  for (Node* n : graph) {
    n->in_backward = false;
    n->pending = 0;
    n->grad_buffer = Tensor();
    n->grad_buffer_rest.clear();
  }
}

}  // namespace

void backward(const Tensor& root, const Tensor& gradient, bool retain_graph) {
  if (!root.requires_grad())
    runtime_error("element 0 of tensors does not require grad and does not have a grad_fn");
  Tensor seed = gradient;
  if (!seed.defined()) {
    if (root.numel() != 1) runtime_error("grad can be implicitly created only for scalar outputs");
    seed = ones_like(root);
  } else if (seed.sizes() != root.sizes()) {
    runtime_error("Mismatch in shape: grad_output[0] has a shape of " +
                  std::string("torch.Size(") + seed.sizes().str() +
                  ") and output[0] has a shape of torch.Size(" + root.sizes().str() + ").");
  }

  NoGradGuard no_grad;  // backward computations are not recorded
  Edge root_edge = gradient_edge(root);
  Node* root_node = root_edge.fn;

  // Every node reachable from the root, and how many edges point at each (pending). The
  // per-node state lives in the nodes (no maps); end_pass resets it, also after an error.
  std::vector<Node*> graph;
  try {
    graph.reserve(64);
    graph.push_back(root_node);
    root_node->in_backward = true;
    for (size_t k = 0; k < graph.size(); ++k) {
      for (const Edge& e : graph[k]->next) {
        if (!e.fn) continue;
        if (!e.fn->in_backward) {
          graph.push_back(e.fn);  // before marking it: end_pass resets what graph holds
          e.fn->in_backward = true;
        }
        ++e.fn->pending;
      }
    }

    buffer_slot(root_node, root_edge.input_nr) = seed;
    std::vector<Node*> queue_storage;
    queue_storage.reserve(graph.size());
    std::priority_queue<Node*, std::vector<Node*>, ByPriority> ready(ByPriority(),
                                                                     std::move(queue_storage));
    ready.push(root_node);

    std::vector<Tensor> multi_out, many_in;
    while (!ready.empty()) {
      Node* n = ready.top();
      ready.pop();
      // The gradients of n's outputs (undefined where none flowed).
      Tensor out0 = std::move(n->grad_buffer);
      const Tensor* grads_out = &out0;
      if (n->num_outputs > 1) {
        multi_out.assign(n->num_outputs, Tensor());
        multi_out[0] = std::move(out0);
        for (size_t i = 0; i < n->grad_buffer_rest.size(); ++i)
          multi_out[i + 1] = std::move(n->grad_buffer_rest[i]);
        n->grad_buffer_rest.clear();
        grads_out = multi_out.data();
      }

      for (TensorImpl* r : n->retained) {
        const Tensor& g = grads_out[r->output_nr];
        if (!g.defined()) continue;
        Tensor copy = empty(g.sizes(), g.dtype());
        copy_into(copy, g);
        if (r->grad) {
          Tensor existing = Tensor::borrow(r->grad);
          add_(existing, copy);
        } else {
          r->grad = copy.release();
        }
      }

      if (n->op == OpId::AccumulateGrad) {
        if (grads_out[0].defined()) accumulate_into_leaf(n->variable, grads_out[0]);
        continue;
      }

      // One gradient per input, all undefined on entry.
      constexpr size_t kInlineInputs = 4;
      Tensor few_in[kInlineInputs];
      Tensor* grads_in = few_in;
      const size_t nin = n->next.size();
      if (nin > kInlineInputs) {
        many_in.assign(nin, Tensor());
        grads_in = many_in.data();
      }
      bool any_grad = false;
      for (uint16_t i = 0; i < n->num_outputs; ++i) any_grad = any_grad || grads_out[i].defined();
      if (any_grad) n->backward(*n, grads_out, grads_in);
      n->edge_grads.assign(grads_in, grads_in + nin);  // for show_graph after backward
      if (!retain_graph) {
        n->saved.clear();
        n->released = true;
      }

      for (size_t i = 0; i < nin; ++i) {
        const Edge& e = n->next[i];
        if (!e.fn) continue;
        if (grads_in[i].defined()) {
          Tensor& buf = buffer_slot(e.fn, e.input_nr);
          buf = accumulate(buf, grads_in[i]);
        }
        if (--e.fn->pending == 0) ready.push(e.fn);
      }
      if (nin > kInlineInputs) many_in.clear();
    }
  } catch (...) {
    end_pass(graph);
    if (root_node) node_decref(root_node);
    throw;
  }
  end_pass(graph);
  node_decref(root_node);
}

}  // namespace gradlab
