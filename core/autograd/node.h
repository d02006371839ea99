// A node of the autograd graph: the record of one differentiable op applied to some inputs.
// It keeps the op (from the op table), edges to the nodes that produced its inputs, the
// tensors and values its backward needs, and its backward function. The page later draws the
// graph from exactly these records.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/small_vector.h"
#include "tensor/tensor.h"

namespace gradlab {

enum class OpId : uint16_t {
#define OP(id, name) id,
#include "autograd/ops.def"
#undef OP
  kCount
};
// "MulBackward0" etc. as PyTorch 1.13 names grad_fn classes.
const char* grad_fn_name(OpId op);
inline constexpr int kNumOps = int(OpId::kCount);

struct Edge {
  Node* fn = nullptr;      // owned reference; null when that input needs no gradient
  uint32_t input_nr = 0;   // which output of fn the input was
};

// A tensor saved for backward, with the storage version it had when saved.
struct SavedTensor {
  Tensor data;             // inputs: the tensor itself; outputs: a detached alias (no cycle)
  uint32_t version = 0;
  bool is_output = false;  // an output alias, counted in Storage::saved_output_refs

  SavedTensor() = default;
  SavedTensor(SavedTensor&& o) noexcept
      : data(std::move(o.data)), version(o.version), is_output(o.is_output) {
    o.is_output = false;
  }
  SavedTensor& operator=(SavedTensor&& o) noexcept {
    if (this != &o) {
      uncount();
      data = std::move(o.data);
      version = o.version;
      is_output = o.is_output;
      o.is_output = false;
    }
    return *this;
  }
  SavedTensor(const SavedTensor&) = delete;
  SavedTensor& operator=(const SavedTensor&) = delete;
  ~SavedTensor() { uncount(); }

 private:
  void uncount() {
    if (is_output && data.defined()) --data->storage->saved_output_refs;
    is_output = false;
  }
};

// grad_outputs has node.num_outputs entries (undefined where no gradient flowed);
// grad_inputs has node.next.size() entries, all undefined on entry: fill the ones whose
// edge is set (node.needs_input_grad(i)).
using BackwardFn = void (*)(Node& node, const Tensor* grad_outputs, Tensor* grad_inputs);

struct Node {
  int32_t refcount = 1;
  OpId op = OpId::AccumulateGrad;
  uint16_t num_outputs = 1;
  bool released = false;          // saved tensors freed by backward without retain_graph
  uint64_t sequence_nr = 0;       // creation order; the engine runs later nodes first
  BackwardFn backward = nullptr;
  // The lists hold their first few entries inline (small_vector.h): most ops have one to
  // three inputs, so building a node allocates nothing beyond the node itself.
  SmallVector<Edge, 3> next;         // one per input of the op
  SmallVector<SavedTensor, 3> saved;
  SmallVector<Shape, 2> shapes;      // saved sizes (e.g. of broadcast inputs)
  SmallVector<double, 2> scalars;    // saved scalar arguments (exponent, clamp bounds, ...)
  std::vector<int64_t> ints;         // saved integer arguments (dims, flags, ...)
  SmallVector<DType, 3> dtypes;      // saved input dtypes
  TensorImpl* variable = nullptr; // AccumulateGrad: the leaf it accumulates into (owned)
  // Non-leaf outputs that called retain_grad(): weak pointers, cleared when they die.
  std::vector<TensorImpl*> retained;
  // The gradient the last backward pass sent along each edge (parallel to `next`, undefined
  // where none flowed): what the graph view labels edges with after backward() freed the
  // saved tensors. Handles to tensors no one modifies (the engine accumulates out of place).
  SmallVector<Tensor, 3> edge_grads;
  // backward()'s scratch, in use only while a backward runs over the node: whether the pass
  // reached it, the edges into it not yet processed, and the gradients arriving for its
  // outputs (output 0 inline; the others for multi-output ops).
  bool in_backward = false;
  int32_t pending = 0;
  Tensor grad_buffer;
  std::vector<Tensor> grad_buffer_rest;

  bool needs_input_grad(size_t i) const { return i < next.size() && next[i].fn != nullptr; }
  // Saves an input of the op for backward, with its current version.
  void save(const Tensor& t);
  // Saves an output of the op (sigmoid, exp, ... reuse their result): kept as a detached
  // alias, so the node does not own the tensor that owns it.
  void save_output(const Tensor& t);
  // Saved tensor i, checking it is still valid: RuntimeError (PyTorch's wording) when the
  // graph was freed by an earlier backward or the tensor was modified in place since.
  Tensor saved_tensor(size_t i) const;
};

// A new node (refcount 1) from the context's node cache; freed by the last node_decref.
Node* new_node();
void node_incref(Node* n);
void node_decref(Node* n);
// Removes t from its grad_fn's retained list (t is dying, detaching, or changing grad_fn):
// the list holds weak pointers.
void forget_retained(TensorImpl* t);

}  // namespace gradlab
