// Shape, view and indexing ops as torch.* functions and Tensor methods: view/reshape,
// squeeze/unsqueeze, transpose/permute, cat/stack, flip, clone, select, masked_fill, split, ...
#include "autograd/autograd.h"
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

// The shape after self: varargs (x.view(2, 3)) or one sequence (x.view((2, 3))).
std::vector<int64_t> rest_shape(VM& vm, CallArgs& a, const char* name, const char* argname) {
  for (uint32_t k = 0; k < a.nkw; ++k) {
    std::string_view n = a.kwname(k);
    if (n == argname || n == "size" || n == "shape" || n == "dims") {
      if (a.npos > 1)
        type_error(std::string(name) + "() got multiple values for argument '" + std::string(n) +
                   "'");
      return shape_from_args(vm, &a.kwvalues[k], 1, name, argname);
    }
    type_error(std::string(name) + "() got an unexpected keyword argument '" + std::string(n) +
               "'");
  }
  if (a.npos < 2)
    type_error(std::string(name) + "() missing 1 required positional argument: '" + argname + "'");
  return shape_from_args(vm, a.pos + 1, a.npos - 1, name, argname);
}

Value fn_view(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "view");
  if (a.npos == 2 && a.nkw == 0) {
    if (auto d = dtype_of_value(vm, a.pos[1])) {
      if (*d != torch_dtype_of(t))
        runtime_error(
            "gradlab does not reinterpret tensor bytes: view(dtype) needs the same dtype");
      return result_like(alias_detached(t), t);
    }
  }
  return result_like(view(t, rest_shape(vm, a, "view", "size")), t);
}

Value fn_reshape(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "reshape");
  return result_like(reshape(t, rest_shape(vm, a, "reshape", "shape")), t);
}

Value fn_view_as(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "view_as", {"input", "other"}, p);
  Tensor t = tensor_arg(vm, p[0], "view_as", "input", 0);
  return result_like(view(t, tensor_arg(vm, p[1], "view_as", "other", 1).sizes().vec()), t);
}

Value fn_reshape_as(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "reshape_as", {"input", "other"}, p);
  Tensor t = tensor_arg(vm, p[0], "reshape_as", "input", 0);
  return result_like(reshape(t, tensor_arg(vm, p[1], "reshape_as", "other", 1).sizes().vec()), t);
}

Value fn_flatten(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "flatten", {"input", "start_dim=", "end_dim="}, p);
  Tensor t = tensor_arg(vm, p[0], "flatten", "input", 1);
  int64_t start = p[1].is_undef() ? 0 : dim_arg(vm, p[1], "flatten");
  int64_t end = p[2].is_undef() ? -1 : dim_arg(vm, p[2], "flatten");
  return result_like(flatten(t, start, end), t);
}

Value fn_squeeze(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "squeeze", {"input", "dim="}, p);
  Tensor t = tensor_arg(vm, p[0], "squeeze", "input", 1);
  if (p[1].is_undef() || p[1].is_none()) return result_like(squeeze(t), t);
  return result_like(squeeze(t, dim_arg(vm, p[1], "squeeze")), t);
}

Value fn_unsqueeze(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "unsqueeze", {"input", "dim"}, p);
  Tensor t = tensor_arg(vm, p[0], "unsqueeze", "input", 1);
  return result_like(unsqueeze(t, dim_arg(vm, p[1], "unsqueeze")), t);
}

Value fn_transpose(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "transpose", {"input", "dim0", "dim1"}, p);
  Tensor t = tensor_arg(vm, p[0], "transpose", "input", 1);
  return result_like(transpose(t, dim_arg(vm, p[1], "transpose"), dim_arg(vm, p[2], "transpose")),
                     t);
}

Value fn_t(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "t", {"input"}, p);
  Tensor x = tensor_arg(vm, p[0], "t", "input", 1);
  return result_like(t(x), x);
}

Value fn_permute(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "permute");
  return result_like(permute(t, rest_shape(vm, a, "permute", "dims")), t);
}

Value fn_expand(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "expand");
  return result_like(expand(t, rest_shape(vm, a, "expand", "size")), t);
}

Value fn_expand_as(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "expand_as", {"input", "other"}, p);
  Tensor t = tensor_arg(vm, p[0], "expand_as", "input", 0);
  return result_like(expand(t, tensor_arg(vm, p[1], "expand_as", "other", 1).sizes().vec()), t);
}

Value fn_broadcast_to(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "broadcast_to", {"input", "size"}, p);
  Tensor t = tensor_arg(vm, p[0], "broadcast_to", "input", 1);
  return result_like(expand(t, shape_from_args(vm, &p[1], 1, "broadcast_to")), t);
}

Value fn_repeat(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "repeat");
  return result_like(repeat(t, rest_shape(vm, a, "repeat", "repeats")), t);
}

// The int32 tag of a list of tensors' result: only when all of them are int32.
Value joined(Tensor r, const std::vector<Tensor>& ts) {
  bool all32 = !ts.empty();
  for (const Tensor& t : ts) all32 = all32 && t->int32;
  if (all32 && r.dtype() == DType::Int64) r->int32 = true;
  return wrap(std::move(r));
}

Value fn_cat(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "cat", {"tensors", "dim=", "*", "axis="}, p);
  std::vector<Tensor> ts = tensor_list(vm, p[0], "cat", "tensors");
  Value dim = dim_or_axis(vm, p[1], p[2], "cat");
  return joined(cat(ts, dim.is_undef() ? 0 : dim_arg(vm, dim, "cat")), ts);
}

Value fn_stack(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "stack", {"tensors", "dim=", "*", "axis="}, p);
  std::vector<Tensor> ts = tensor_list(vm, p[0], "stack", "tensors");
  Value dim = dim_or_axis(vm, p[1], p[2], "stack");
  return joined(stack(ts, dim.is_undef() ? 0 : dim_arg(vm, dim, "stack")), ts);
}

Value fn_flip(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "flip");
  return result_like(flip(t, rest_shape(vm, a, "flip", "dims")), t);
}

Value fn_clone(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "clone", {"input", "*", "memory_format="}, p);
  Tensor t = tensor_arg(vm, p[0], "clone", "input", 1);
  return result_like(clone(t), t);
}

Value fn_contiguous(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "contiguous", {"input", "memory_format="}, p);
  Tensor t = tensor_arg(vm, p[0], "contiguous", "input", 0);
  if (t.is_contiguous()) return p[0];
  return result_like(contiguous(t), t);
}

Value fn_detach(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "detach", {"input"}, p);
  Tensor t = tensor_arg(vm, p[0], "detach", "input", 1);
  return result_like(detach(t), t);
}

Value fn_select(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "select", {"input", "dim", "index"}, p);
  Tensor t = tensor_arg(vm, p[0], "select", "input", 1);
  return result_like(select(t, dim_arg(vm, p[1], "select"), int64_arg(vm, p[2], "select", "index")),
                     t);
}

Value fn_index_select(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "index_select", {"input", "dim", "index"}, p);
  Tensor t = tensor_arg(vm, p[0], "index_select", "input", 1);
  Tensor idx = tensor_arg(vm, p[2], "index_select", "index", 3);
  return result_like(index_select(t, dim_arg(vm, p[1], "index_select"), idx), t);
}

Value fn_masked_fill(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "masked_fill", {"input", "mask", "value"}, p);
  Tensor t = tensor_arg(vm, p[0], "masked_fill", "input", 1);
  Tensor mask = tensor_arg(vm, p[1], "masked_fill", "mask", 2);
  return result_like(masked_fill(t, mask, scalar_arg(vm, p[2], "masked_fill", "value")), t);
}

// x.masked_fill_(mask, value) is x[mask] = value with the mask broadcast to x's shape.
Value fn_masked_fill_(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "masked_fill_", {"input", "mask", "value"}, p);
  Tensor t = tensor_arg(vm, p[0], "masked_fill_", "input", 0);
  Tensor mask = tensor_arg(vm, p[1], "masked_fill_", "mask", 1);
  if (mask.dtype() != DType::Bool)
    runtime_error("masked_fill_ only supports boolean masks, but got mask with dtype " +
                  std::string(torch_dtype_name(torch_dtype_of(mask))));
  if (mask.sizes() != t.sizes()) mask = contiguous_data(expand(mask, t.sizes().vec()));
  index_put_(t, {IndexItem::of(mask)},
             wrapped_scalar(scalar_arg(vm, p[2], "masked_fill_", "value")));
  return p[0];
}

// A slice of `length` elements from `start` along `dim`, as t[..., start:start+length].
Tensor narrow_view(const Tensor& t, int64_t dim, int64_t start, int64_t length) {
  int d = wrap_dim(dim, t.dim());
  std::vector<IndexItem> items(size_t(d),
                               IndexItem::slice(std::nullopt, std::nullopt, std::nullopt));
  items.push_back(IndexItem::slice(start, start + length, std::nullopt));
  return index(t, items);
}

Value fn_narrow(VM& vm, CallArgs& a) {
  Value p[4];
  torch_args(vm, a, "narrow", {"input", "dim", "start", "length"}, p);
  Tensor t = tensor_arg(vm, p[0], "narrow", "input", 1);
  int64_t dim = dim_arg(vm, p[1], "narrow");
  int64_t start = int64_arg(vm, p[2], "narrow", "start"),
          length = int64_arg(vm, p[3], "narrow", "length");
  int d = wrap_dim(dim, t.dim());
  if (start < 0) start += t.sizes()[d];
  if (start < 0 || length < 0 || start + length > t.sizes()[d])
    index_error("start (" + std::to_string(start) + ") + length (" + std::to_string(length) +
                ") exceeds dimension size (" + std::to_string(t.sizes()[d]) + ").");
  return result_like(narrow_view(t, d, start, length), t);
}

Value fn_unbind(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "unbind", {"input", "dim="}, p);
  Tensor t = tensor_arg(vm, p[0], "unbind", "input", 1);
  int d = wrap_dim(p[1].is_undef() ? 0 : dim_arg(vm, p[1], "unbind"), t.dim());
  std::vector<Value> out;
  for (int64_t i = 0; i < t.sizes()[d]; ++i) out.push_back(result_like(select(t, d, i), t));
  return vm.tuple(std::move(out));
}

// Pieces of `sizes` lengths along dim.
Value pieces(VM& vm, const Tensor& t, int d, const std::vector<int64_t>& sizes) {
  std::vector<Value> out;
  int64_t start = 0;
  for (int64_t n : sizes) {
    out.push_back(result_like(narrow_view(t, d, start, n), t));
    start += n;
  }
  return vm.tuple(std::move(out));
}

Value fn_split(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "split", {"tensor", "split_size_or_sections", "dim="}, p);
  Tensor t = tensor_arg(vm, p[0], "split", "tensor", 1);
  int d = wrap_dim(p[2].is_undef() ? 0 : dim_arg(vm, p[2], "split"), t.dim());
  int64_t n = t.sizes()[d];
  std::vector<int64_t> sizes;
  if (p[1].is_intlike()) {
    int64_t s = p[1].as_int();
    if (s <= 0)
      runtime_error("split_size can only be 0 if dimension size is 0, but got dimension size of " +
                    std::to_string(n));
    for (int64_t start = 0; start < n; start += s) sizes.push_back(std::min(s, n - start));
  } else {
    sizes = int_list_arg(vm, p[1], "split", "split_size_or_sections");
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    if (total != n)
      runtime_error("split_with_sizes expects split_sizes to sum exactly to " + std::to_string(n) +
                    " (input tensor's size at dimension " + std::to_string(d) +
                    "), but got split_sizes=" + Shape(sizes).str());
  }
  return pieces(vm, t, d, sizes);
}

Value fn_chunk(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "chunk", {"input", "chunks", "dim="}, p);
  Tensor t = tensor_arg(vm, p[0], "chunk", "input", 1);
  int64_t chunks = int64_arg(vm, p[1], "chunk", "chunks");
  if (chunks <= 0)
    runtime_error("chunk expects `chunks` to be greater than 0, got: " + std::to_string(chunks));
  int d = wrap_dim(p[2].is_undef() ? 0 : dim_arg(vm, p[2], "chunk"), t.dim());
  int64_t n = t.sizes()[d];
  int64_t s = (n + chunks - 1) / chunks;
  std::vector<int64_t> sizes;
  for (int64_t start = 0; start < n; start += s) sizes.push_back(std::min(s, n - start));
  return pieces(vm, t, d, sizes);
}

Value fn_numel(VM& vm, CallArgs& a) { return Value::integer(self_tensor(vm, a, "numel").numel()); }

Value fn_dim(VM& vm, CallArgs& a) { return Value::integer(self_tensor(vm, a, "dim").dim()); }

Value fn_size(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "size", {"input", "dim="}, p);
  Tensor t = tensor_arg(vm, p[0], "size", "input", 0);
  if (p[1].is_undef() || p[1].is_none()) return make_size(vm, t.sizes());
  return Value::integer(t.size(int(dim_arg(vm, p[1], "size"))));
}

const TorchFnDef kDefs[] = {
    {"view", fn_view, kMethod},
    {"reshape", fn_reshape, kBoth},
    {"view_as", fn_view_as, kMethod},
    {"reshape_as", fn_reshape_as, kMethod},
    {"flatten", fn_flatten, kBoth},
    {"squeeze", fn_squeeze, kBoth},
    {"unsqueeze", fn_unsqueeze, kBoth},
    {"transpose", fn_transpose, kBoth},
    {"swapaxes", fn_transpose, kBoth},
    {"swapdims", fn_transpose, kBoth},
    {"t", fn_t, kBoth},
    {"permute", fn_permute, kBoth},
    {"expand", fn_expand, kMethod},
    {"expand_as", fn_expand_as, kMethod},
    {"broadcast_to", fn_broadcast_to, kBoth},
    {"repeat", fn_repeat, kMethod},
    {"cat", fn_cat, kFunction},
    {"concat", fn_cat, kFunction},
    {"concatenate", fn_cat, kFunction},
    {"stack", fn_stack, kFunction},
    {"flip", fn_flip, kBoth},
    {"clone", fn_clone, kBoth},
    {"contiguous", fn_contiguous, kMethod},
    {"detach", fn_detach, kBoth},
    {"select", fn_select, kBoth},
    {"index_select", fn_index_select, kBoth},
    {"masked_fill", fn_masked_fill, kBoth},
    {"masked_fill_", fn_masked_fill_, kMethod},
    {"narrow", fn_narrow, kBoth},
    {"unbind", fn_unbind, kBoth},
    {"split", fn_split, kBoth},
    {"chunk", fn_chunk, kBoth},
    {"numel", fn_numel, kBoth},
    {"nelement", fn_numel, kMethod},
    {"dim", fn_dim, kMethod},
    {"ndimension", fn_dim, kMethod},
    {"size", fn_size, kMethod},
};

}  // namespace

TorchFnTable shape_fns() { return {kDefs, sizeof(kDefs) / sizeof(kDefs[0])}; }

}  // namespace gradlab::lang
