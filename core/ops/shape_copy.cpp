// Shape ops, part 2: the ones that copy into a new tensor. cat, stack, flip, clone,
// contiguous and repeat, each with its backward. (The views are in shape.cpp.)
#include <string>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/shape_internal.h"

namespace gradlab {

using namespace shape_detail;

// The gradient for an input of dtype dt (cat/stack promote their inputs' dtypes).
static Tensor grad_as(const Tensor& g, DType dt) { return g.dtype() == dt ? g : cast_data(g, dt); }

// --- cat -------------------------------------------------------------------------------------
// PyTorch still skips 1-D empty tensors (size [0]) in cat, whatever their dims.
static bool cat_skipped(const Shape& s) { return s.size() == 1 && s[0] == 0; }

static void cat_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor& g = gout[0];
  const int dim = int(n.ints[0]);
  int64_t pos = 0;
  for (size_t i = 0; i < n.shapes.size(); ++i) {
    const Shape& s = n.shapes[i];
    if (cat_skipped(s)) {
      if (n.needs_input_grad(i)) gin[i] = empty(s, n.dtypes[i]);
      continue;
    }
    if (n.needs_input_grad(i))
      gin[i] =
          grad_as(make_view(g, s, g.strides(), g->offset + pos * g.strides()[dim]), n.dtypes[i]);
    pos += s[dim];
  }
}

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  if (ts.empty()) runtime_error("torch.cat(): expected a non-empty list of Tensors");
  for (size_t i = 0; i < ts.size(); ++i)
    if (ts[i].dim() == 0)
      runtime_error("zero-dimensional tensor (at position " + std::to_string(i) +
                    ") cannot be concatenated");
  size_t valid = ts.size();
  for (size_t i = 0; i < ts.size() && valid == ts.size(); ++i)
    if (!cat_skipped(ts[i].sizes())) valid = i;
  DType dt = ts[0].dtype();
  for (const Tensor& t : ts) dt = promote(dt, t.dtype());

  int d = int(dim);
  Shape out_sizes{0};
  if (valid < ts.size()) {
    const Tensor& first = ts[valid];
    d = wrap_dim(dim, first.dim());
    int64_t at_dim = 0;
    for (size_t i = 0; i < ts.size(); ++i) {
      const Tensor& t = ts[i];
      if (cat_skipped(t.sizes())) continue;
      if (t.dim() != first.dim())
        runtime_error("Tensors must have same number of dimensions: got " +
                      std::to_string(first.dim()) + " and " + std::to_string(t.dim()));
      for (int k = 0; k < first.dim(); ++k)
        if (k != d && first.sizes()[k] != t.sizes()[k])
          runtime_error("Sizes of tensors must match except in dimension " + std::to_string(d) +
                        ". Expected size " + std::to_string(first.sizes()[k]) + " but got size " +
                        std::to_string(t.sizes()[k]) + " for tensor number " + std::to_string(i) +
                        " in the list.");
      at_dim += t.sizes()[d];
    }
    out_sizes = first.sizes();
    out_sizes[d] = at_dim;
  }

  Tensor out = empty(out_sizes, dt);
  int64_t pos = 0;
  for (const Tensor& t : ts) {
    if (cat_skipped(t.sizes())) continue;
    copy_values(make_view(out, t.sizes(), out.strides(), pos * out.strides()[d]), t);
    pos += t.sizes()[d];
  }

  std::vector<const Tensor*> inputs;
  inputs.reserve(ts.size());
  for (const Tensor& t : ts) inputs.push_back(&t);
  if (Node* n = record(OpId::Cat, cat_backward, inputs, {&out})) {
    n->ints = {d};
    for (const Tensor& t : ts) {
      n->shapes.push_back(t.sizes());
      n->dtypes.push_back(t.dtype());
    }
  }
  return out;
}

// --- stack -----------------------------------------------------------------------------------
static void stack_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor& g = gout[0];
  const int dim = int(n.ints[0]);
  for (size_t i = 0; i < n.dtypes.size(); ++i)
    if (n.needs_input_grad(i)) gin[i] = grad_as(select_view(g, dim, int64_t(i)), n.dtypes[i]);
}

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  if (ts.empty()) runtime_error("stack expects a non-empty TensorList");
  const int d = wrap_dim(dim, ts[0].dim() + 1);
  DType dt = ts[0].dtype();
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].sizes() != ts[0].sizes())
      runtime_error("stack expects each tensor to be equal size, but got " + ts[0].sizes().str() +
                    " at entry 0 and " + ts[i].sizes().str() + " at entry " + std::to_string(i));
    dt = promote(dt, ts[i].dtype());
  }
  Shape out_sizes = ts[0].sizes();
  out_sizes.insert(d, int64_t(ts.size()));
  Tensor out = empty(out_sizes, dt);
  for (size_t i = 0; i < ts.size(); ++i) copy_values(select_view(out, d, int64_t(i)), ts[i]);

  std::vector<const Tensor*> inputs;
  inputs.reserve(ts.size());
  for (const Tensor& t : ts) inputs.push_back(&t);
  if (Node* n = record(OpId::Stack, stack_backward, inputs, {&out})) {
    n->ints = {d};
    for (const Tensor& t : ts) n->dtypes.push_back(t.dtype());
  }
  return out;
}

// --- flip ------------------------------------------------------------------------------------
// t read backwards along the dims flagged in `flipped` (a negative-stride view, no copy).
static Tensor reversed_view(const Tensor& t, const std::vector<int64_t>& dims) {
  Shape st = t.strides();
  int64_t off = t->offset;
  for (int64_t d : dims) {
    const int64_t s = t.sizes()[int(d)];
    if (s < 2) continue;
    off += (s - 1) * st[int(d)];
    st[int(d)] = -st[int(d)];
  }
  return make_view(t, t.sizes(), st, off);
}

static Tensor flip_nograd(const Tensor& a, const std::vector<int64_t>& dims) {
  Tensor out = empty_like_preserve(a, a.dtype());
  copy_values(out, reversed_view(a, dims));
  return out;
}

static void flip_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = flip_nograd(gout[0], n.ints);
}

Tensor flip(const Tensor& a, const std::vector<int64_t>& dims) {
  std::vector<int64_t> wrapped;
  wrapped.reserve(dims.size());
  bool seen[kMaxDims + 1] = {};
  for (int64_t d : dims) {
    const int w = wrap_dim(d, a.dim());
    if (seen[w])
      runtime_error("dim " + std::to_string(w) + " appears multiple times in the list of dims");
    seen[w] = true;
    wrapped.push_back(w);
  }
  if (a.dim() == 0) wrapped.clear();
  Tensor out = flip_nograd(a, wrapped);
  if (Node* n = record(OpId::Flip, flip_backward, {&a}, {&out})) n->ints = wrapped;
  return out;
}

// --- clone / contiguous ----------------------------------------------------------------------
static void clone_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = gout[0];
}

// clone() keeps a dense tensor's layout (x.t().clone() is not contiguous), as PyTorch's
// preserve_format does; contiguous() always lays out row-major.
static Tensor copy_recorded(const Tensor& a, Tensor out) {
  copy_values(out, a);
  record(OpId::Clone, clone_backward, {&a}, {&out});
  return out;
}

Tensor clone(const Tensor& a) { return copy_recorded(a, empty_like_preserve(a, a.dtype())); }

Tensor contiguous(const Tensor& a) {
  if (a.is_contiguous()) return a;  // PyTorch returns the input itself
  return copy_recorded(a, empty(a.sizes(), a.dtype()));
}

// --- repeat ----------------------------------------------------------------------------------
// PyTorch's repeat_backward: sum the leading new dims away, then view each repeated dim as
// (repeat, size) and sum over the repeats in one reduction.
static void repeat_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& in = n.shapes[0];
  const std::vector<int64_t>& reps = n.ints;
  for (int64_t r : reps)
    if (r == 0) {
      gin[0] = empty(in, gout[0].dtype());
      return;
    }
  Tensor g = gout[0];
  const int lead = g.dim() - in.size();
  for (int i = 0; i < lead; ++i) g = sum(g, {0}, false);
  std::vector<int64_t> grad_size, sum_dims;
  for (int d = 0; d < in.size(); ++d) {
    const int64_t r = reps[size_t(d + lead)];
    if (r != 1) {
      grad_size.push_back(r);
      sum_dims.push_back(int64_t(grad_size.size()) - 1);
    }
    grad_size.push_back(in[d]);
  }
  if (!sum_dims.empty()) g = sum(reshape_nograd(g, Shape(grad_size)), sum_dims, false);
  gin[0] = g;
}

Tensor repeat(const Tensor& a, const std::vector<int64_t>& repeats) {
  if (int64_t(repeats.size()) < a.dim())
    runtime_error(
        "Number of dimensions of repeat dims can not be smaller than number of "
        "dimensions of tensor");
  // The input with leading 1s (stride 0) up to len(repeats) dims.
  const int nd = int(repeats.size()), lead = nd - a.dim();
  Shape padded, padded_strides, target;
  for (int i = 0; i < nd; ++i) {
    padded.push_back(i < lead ? 1 : a.sizes()[i - lead]);
    padded_strides.push_back(i < lead ? 0 : a.strides()[i - lead]);
    target.push_back(padded[i] * repeats[size_t(i)]);
  }
  Tensor out = empty(target, a.dtype());
  if (out.numel() > 0) {
    // The input copied into each of the prod(repeats) blocks of the output.
    const Tensor src = make_view(a, padded, padded_strides, a->offset);
    int64_t blocks = 1;
    for (int64_t r : repeats) blocks *= r;
    int64_t k[kMaxDims] = {};
    for (int64_t b = 0; b < blocks; ++b) {
      int64_t off = 0;
      for (int i = 0; i < nd; ++i) off += k[i] * padded[i] * out.strides()[i];
      copy_values(make_view(out, padded, out.strides(), off), src);
      for (int i = nd - 1; i >= 0; --i) {
        if (++k[i] < repeats[size_t(i)]) break;
        k[i] = 0;
      }
    }
  }
  if (Node* n = record(OpId::Repeat, repeat_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->ints = repeats;
  }
  return out;
}

}  // namespace gradlab
