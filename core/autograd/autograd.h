// Recording ops into the autograd graph, and running backward over it.
#pragma once
#include <initializer_list>

#include "autograd/node.h"

namespace gradlab {

// True when grad mode is on and any input requires grad.
bool any_requires_grad(std::initializer_list<const Tensor*> inputs);

// Records an op: when grad mode is on and any input requires grad, creates a Node with
// edges to the inputs' grad_fns (or their AccumulateGrad nodes for leaves), makes it the
// grad_fn of each output (output_nr = position), marks outputs requires_grad, and returns it
// so the caller can save what backward needs. Otherwise returns nullptr and records nothing.
//   if (Node* n = record(OpId::Mul, mul_backward, {&a, &b}, {&out})) { n->save(a); n->save(b); }
Node* record(OpId op, BackwardFn backward, std::initializer_list<const Tensor*> inputs,
             std::initializer_list<Tensor*> outputs);
Node* record(OpId op, BackwardFn backward, const std::vector<const Tensor*>& inputs,
             std::initializer_list<Tensor*> outputs);

// For an in-place op on `self`: PyTorch's checks (RuntimeError for a leaf that requires
// grad while grad mode is on). Call before writing; the op bumps the version itself once it
// has written (bump_version), so a failed op leaves the counter alone.
void check_inplace(const Tensor& self);
// After an in-place op that should be differentiable, makes `self`'s history go through
// the new node: records op with inputs (self's old history first) and self as output.
Node* record_inplace(OpId op, BackwardFn backward, std::initializer_list<const Tensor*> inputs,
                     Tensor& self);

// tensor.backward(gradient=None, retain_graph=False). Iterative: no recursion over the graph.
void backward(const Tensor& root, const Tensor& gradient = Tensor(), bool retain_graph = false);

// tensor.retain_grad()
void retain_grad(const Tensor& t);

// tensor.detach_(): t leaves the graph in place (no grad_fn, requires_grad off).
void detach_(const Tensor& t);

// Sum `grad` down to `shape` (undoing broadcasting) — every broadcasting op's backward uses it.
Tensor sum_to(const Tensor& grad, const Shape& shape);

}  // namespace gradlab
