// Tensor creation as torch.* functions: torch.tensor, zeros/ones/full/empty (and *_like),
// arange, linspace, eye, and the random ones on the session's generator (rand, randn, randint,
// randperm, normal, manual_seed) with the in-place random methods (normal_, uniform_, ...).
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

// The keywords every creation function takes: dtype, requires_grad, and the device, layout
// and memory keywords PyTorch accepts (the CPU is the only device).
struct CreationKw {
  std::optional<TorchDType> dtype;
  bool requires_grad = false;
};

// Reads the keyword arguments of a creation call: `own` names are stored in `out` (in order),
// the creation keywords in `kw`; anything else is a TypeError.
void creation_kwargs(VM& vm, const CallArgs& a, const char* name,
                     std::initializer_list<std::string_view> own, Value* out, CreationKw& kw) {
  for (uint32_t k = 0; k < a.nkw; ++k) {
    std::string_view n = a.kwname(k);
    const Value& v = a.kwvalues[k];
    size_t i = 0;
    for (std::string_view o : own) {
      if (o == n) break;
      ++i;
    }
    if (i < own.size()) {
      out[i] = v;
    } else if (n == "dtype") {
      kw.dtype = dtype_opt(vm, v, name);
    } else if (n == "requires_grad") {
      kw.requires_grad = bool_arg(vm, v, name, "requires_grad");
    } else if (n == "device") {
      check_device(vm, v);
    } else if (n != "layout" && n != "pin_memory" && n != "generator" && n != "memory_format") {
      type_error(std::string(name) + "() got an unexpected keyword argument '" + std::string(n) +
                 "'");
    }
  }
}

Value finish(Tensor t, const CreationKw& kw) {
  if (kw.dtype == TorchDType::Int32 && t.dtype() == DType::Int64) t->int32 = true;
  if (kw.requires_grad) t.set_requires_grad(true);
  return wrap(std::move(t));
}

DType dtype_or(const CreationKw& kw, DType d) { return kw.dtype ? storage_dtype(*kw.dtype) : d; }
std::optional<DType> dtype_opt_of(const CreationKw& kw) {
  if (kw.dtype) return storage_dtype(*kw.dtype);
  return std::nullopt;
}

Value fn_tensor(VM& vm, CallArgs& a) {
  Value p[1];
  CreationKw kw;
  creation_kwargs(vm, a, "tensor", {"data"}, p, kw);
  if (a.npos > 1)
    type_error("tensor() takes 1 positional argument but " + std::to_string(a.npos) +
               " were given");
  if (a.npos == 1) p[0] = a.pos[0];
  if (p[0].is_undef()) type_error("tensor() missing 1 required positional arguments: \"data\"");
  Tensor t = tensor_from_data(vm, p[0], kw.dtype);
  if (kw.requires_grad && !is_floating(t.dtype()))
    runtime_error("Only Tensors of floating point and complex dtype can require gradients");
  return finish(std::move(t), {std::nullopt, kw.requires_grad});
}

// torch.as_tensor(data, dtype=None): data itself when it is a tensor of that dtype.
Value fn_as_tensor(VM& vm, CallArgs& a) {
  Value p[1];
  CreationKw kw;
  creation_kwargs(vm, a, "as_tensor", {"data"}, p, kw);
  if (a.npos >= 1) p[0] = a.pos[0];
  if (p[0].is_tensor()) {
    Tensor t = unwrap(p[0]);
    if (!kw.dtype || *kw.dtype == torch_dtype_of(t)) return p[0];
    if (*kw.dtype == TorchDType::Int32 || t->int32) return wrap(convert_dtype(t, *kw.dtype));
    return wrap(to_dtype(t, storage_dtype(*kw.dtype)));
  }
  return wrap(tensor_from_data(vm, p[0], kw.dtype));
}

// zeros(*size) / ones / empty / rand / randn
enum class Fill { Zeros, Ones, Rand, Randn };
Tensor filled(VM& vm, const Shape& shape, Fill fill, DType d) {
  switch (fill) {
    case Fill::Zeros:
      return zeros(shape, d);
    case Fill::Ones:
      return ones(shape, d);
    case Fill::Rand:
      return rand(torch_state(vm).generator, shape, d);
    case Fill::Randn:
      break;
  }
  return randn(torch_state(vm).generator, shape, d);
}

Value sized(VM& vm, CallArgs& a, const char* name, Fill fill) {
  Value p[1];
  CreationKw kw;
  creation_kwargs(vm, a, name, {"size"}, p, kw);
  std::vector<int64_t> dims;
  if (!p[0].is_undef()) {
    if (a.npos) type_error(std::string(name) + "() got multiple values for argument 'size'");
    dims = shape_from_args(vm, p, 1, name);
  } else {
    dims = shape_from_args(vm, a.pos, a.npos, name);
  }
  return finish(filled(vm, Shape(dims), fill, dtype_or(kw, DType::Float32)), kw);
}
Value fn_zeros(VM& vm, CallArgs& a) { return sized(vm, a, "zeros", Fill::Zeros); }
Value fn_ones(VM& vm, CallArgs& a) { return sized(vm, a, "ones", Fill::Ones); }
Value fn_empty(VM& vm, CallArgs& a) { return sized(vm, a, "empty", Fill::Zeros); }
Value fn_rand(VM& vm, CallArgs& a) { return sized(vm, a, "rand", Fill::Rand); }
Value fn_randn(VM& vm, CallArgs& a) { return sized(vm, a, "randn", Fill::Randn); }

// zeros_like(input) / ones_like / empty_like / rand_like / randn_like: input's shape and dtype.
Value like(VM& vm, CallArgs& a, const char* name, Fill fill) {
  Value p[1];
  CreationKw kw;
  creation_kwargs(vm, a, name, {"input"}, p, kw);
  if (a.npos > 1)
    type_error(std::string(name) + "() takes 1 positional argument but " + std::to_string(a.npos) +
               " were given");
  if (a.npos == 1) p[0] = a.pos[0];
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  if (!kw.dtype) kw.dtype = torch_dtype_of(t);
  return finish(filled(vm, t.sizes(), fill, storage_dtype(*kw.dtype)), kw);
}
Value fn_zeros_like(VM& vm, CallArgs& a) { return like(vm, a, "zeros_like", Fill::Zeros); }
Value fn_ones_like(VM& vm, CallArgs& a) { return like(vm, a, "ones_like", Fill::Ones); }
Value fn_empty_like(VM& vm, CallArgs& a) { return like(vm, a, "empty_like", Fill::Zeros); }
Value fn_rand_like(VM& vm, CallArgs& a) { return like(vm, a, "rand_like", Fill::Rand); }
Value fn_randn_like(VM& vm, CallArgs& a) { return like(vm, a, "randn_like", Fill::Randn); }

// Positional arguments followed by the keyword ones named in `own` (creation keywords aside).
void positional(VM& vm, const CallArgs& a, const char* name,
                std::initializer_list<std::string_view> own, Value* out, CreationKw& kw) {
  if (a.npos > own.size())
    type_error(std::string(name) + "() takes at most " + std::to_string(own.size()) +
               " positional arguments (" + std::to_string(a.npos) + " given)");
  creation_kwargs(vm, a, name, own, out, kw);
  size_t i = 0;
  for (std::string_view n : own) {
    if (i < a.npos) {
      if (!out[i].is_undef())
        type_error(std::string(name) + "() got multiple values for argument '" + std::string(n) +
                   "'");
      out[i] = a.pos[i];
    }
    ++i;
  }
}

Value fn_full(VM& vm, CallArgs& a) {
  Value p[2];
  CreationKw kw;
  positional(vm, a, "full", {"size", "fill_value"}, p, kw);
  if (p[0].is_undef() || p[1].is_undef())
    type_error("full() missing required arguments: 'size' and 'fill_value'");
  Shape shape(shape_from_args(vm, p, 1, "full"));
  return finish(full(shape, scalar_arg(vm, p[1], "full", "fill_value"), dtype_opt_of(kw)), kw);
}

Value fn_full_like(VM& vm, CallArgs& a) {
  Value p[2];
  CreationKw kw;
  positional(vm, a, "full_like", {"input", "fill_value"}, p, kw);
  Tensor t = tensor_arg(vm, p[0], "full_like", "input", 1);
  if (p[1].is_undef())
    type_error("full_like() missing 1 required positional argument: 'fill_value'");
  if (!kw.dtype) kw.dtype = torch_dtype_of(t);
  return finish(
      full(t.sizes(), scalar_arg(vm, p[1], "full_like", "fill_value"), storage_dtype(*kw.dtype)),
      kw);
}

// arange(end) / arange(start, end, step=1)
Value fn_arange(VM& vm, CallArgs& a) {
  Value p[3];
  CreationKw kw;
  positional(vm, a, "arange", {"start", "end", "step"}, p, kw);
  Value start = p[0], end = p[1];
  if (a.npos == 1 && end.is_undef()) {
    end = start;
    start = Value();
  }
  if (end.is_undef()) type_error("arange() missing 1 required positional argument: 'end'");
  Scalar s0 = start.is_undef() ? Scalar::from_int(0) : scalar_arg(vm, start, "arange", "start");
  Scalar s1 = scalar_arg(vm, end, "arange", "end");
  Scalar st = p[2].is_undef() ? Scalar::from_int(1) : scalar_arg(vm, p[2], "arange", "step");
  return finish(arange(s0, s1, st, dtype_opt_of(kw)), kw);
}

Value fn_linspace(VM& vm, CallArgs& a) {
  Value p[3];
  CreationKw kw;
  positional(vm, a, "linspace", {"start", "end", "steps"}, p, kw);
  if (p[2].is_undef()) type_error("linspace() missing 1 required positional argument: 'steps'");
  Scalar s0 = scalar_arg(vm, p[0], "linspace", "start"),
         s1 = scalar_arg(vm, p[1], "linspace", "end");
  return finish(linspace(s0, s1, int64_arg(vm, p[2], "linspace", "steps"), dtype_opt_of(kw)), kw);
}

Value fn_eye(VM& vm, CallArgs& a) {
  Value p[2];
  CreationKw kw;
  positional(vm, a, "eye", {"n", "m"}, p, kw);
  if (p[0].is_undef()) type_error("eye() missing 1 required positional argument: 'n'");
  int64_t n = int64_arg(vm, p[0], "eye", "n");
  int64_t m = p[1].is_undef() || p[1].is_none() ? -1 : int64_arg(vm, p[1], "eye", "m");
  return finish(eye(n, m, dtype_or(kw, DType::Float32)), kw);
}

// randint(high, size) / randint(low, high, size)
Value fn_randint(VM& vm, CallArgs& a) {
  Value p[3];
  CreationKw kw;
  positional(vm, a, "randint", {"low", "high", "size"}, p, kw);
  Value low = p[0], high = p[1], size = p[2];
  if (a.npos == 2 && size.is_undef()) {  // randint(high, size)
    size = high;
    high = low;
    low = Value();
  } else if (a.npos <= 1 && !low.is_undef() && high.is_undef()) {  // randint(10, size=(3,))
    high = low;
    low = Value();
  }
  if (high.is_undef() || size.is_undef())
    type_error("randint() missing required arguments: 'high' and 'size'");
  int64_t lo = low.is_undef() ? 0 : int64_arg(vm, low, "randint", "low");
  int64_t hi = int64_arg(vm, high, "randint", "high");
  Shape shape(shape_from_args(vm, &size, 1, "randint"));
  return finish(randint(torch_state(vm).generator, lo, hi, shape, dtype_or(kw, DType::Int64)), kw);
}

Value fn_randperm(VM& vm, CallArgs& a) {
  Value p[1];
  CreationKw kw;
  positional(vm, a, "randperm", {"n"}, p, kw);
  if (p[0].is_undef()) type_error("randperm() missing 1 required positional argument: 'n'");
  return finish(randperm(torch_state(vm).generator, int64_arg(vm, p[0], "randperm", "n"),
                         dtype_or(kw, DType::Int64)),
                kw);
}

// normal(mean, std, size) with numbers; normal(mean_tensor, std) and normal(mean, std_tensor)
// draw normal_(0, std) over the tensor's shape and add the mean, as PyTorch does.
Value fn_normal(VM& vm, CallArgs& a) {
  Value p[3];
  CreationKw kw;
  positional(vm, a, "normal", {"mean", "std", "size"}, p, kw);
  Generator& g = torch_state(vm).generator;
  if (p[0].is_tensor() || p[1].is_tensor()) {
    if (p[0].is_tensor() && p[1].is_tensor()) {
      Tensor mean = unwrap(p[0]), sd = unwrap(p[1]);
      Tensor out = normal(g, 0.0, 1.0, broadcast_shapes(mean.sizes(), sd.sizes()), mean.dtype());
      return finish(add(mul(out, sd), mean), kw);
    }
    if (p[0].is_tensor()) {
      Tensor mean = unwrap(p[0]);
      double sd = p[1].is_undef() ? 1.0 : double_arg(vm, p[1], "normal", "std");
      Tensor out = normal(g, 0.0, sd, mean.sizes(), mean.dtype());
      return finish(add(out, mean), kw);
    }
    Tensor sd = unwrap(p[1]);
    double mean = double_arg(vm, p[0], "normal", "mean");
    Tensor out = normal(g, 0.0, 1.0, sd.sizes(), sd.dtype());
    return finish(add(mul(out, sd), wrapped_scalar(Scalar::from_double(mean))), kw);
  }
  if (p[0].is_undef() || p[1].is_undef() || p[2].is_undef())
    type_error("normal() missing required arguments: 'mean', 'std' and 'size'");
  double mean = double_arg(vm, p[0], "normal", "mean"), sd = double_arg(vm, p[1], "normal", "std");
  Shape shape(shape_from_args(vm, &p[2], 1, "normal"));
  return finish(normal(g, mean, sd, shape, dtype_or(kw, DType::Float32)), kw);
}

// torch.manual_seed(seed): reseeds the session's generator and returns it.
Value fn_manual_seed(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "manual_seed", {"seed"}, p);
  int64_t seed =
      p[0].is_float() ? int64_t(p[0].as_float()) : int64_arg(vm, p[0], "manual_seed", "seed");
  TorchState& st = torch_state(vm);
  st.generator.manual_seed(uint64_t(seed));
  return Value::object(st.holder);
}

Value fn_initial_seed(VM& vm, CallArgs& a) {
  if (a.npos || a.nkw) type_error("initial_seed() takes 0 positional arguments");
  return Value::integer(int64_t(torch_state(vm).generator.initial_seed()));
}

// --- in-place random methods ---------------------------------------------------------------------
Value fn_normal_(VM& vm, CallArgs& a) {
  Value p[4];
  torch_args(vm, a, "normal_", {"self", "mean=", "std=", "*", "generator="}, p);
  Tensor t = tensor_arg(vm, p[0], "normal_", "self", 0);
  double mean = p[1].is_undef() ? 0.0 : double_arg(vm, p[1], "normal_", "mean");
  double sd = p[2].is_undef() ? 1.0 : double_arg(vm, p[2], "normal_", "std");
  normal_(torch_state(vm).generator, t, mean, sd);
  return p[0];
}

Value fn_uniform_(VM& vm, CallArgs& a) {
  Value p[4];
  torch_args(vm, a, "uniform_", {"self", "from=", "to=", "*", "generator="}, p);
  Tensor t = tensor_arg(vm, p[0], "uniform_", "self", 0);
  double from = p[1].is_undef() ? 0.0 : double_arg(vm, p[1], "uniform_", "from");
  double to = p[2].is_undef() ? 1.0 : double_arg(vm, p[2], "uniform_", "to");
  uniform_(torch_state(vm).generator, t, from, to);
  return p[0];
}

Value fn_bernoulli_(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "bernoulli_", {"self", "p=", "*", "generator="}, p);
  Tensor t = tensor_arg(vm, p[0], "bernoulli_", "self", 0);
  bernoulli_(torch_state(vm).generator, t,
             p[1].is_undef() ? 0.5 : double_arg(vm, p[1], "bernoulli_", "p"));
  return p[0];
}

const TorchFnDef kDefs[] = {
    {"tensor", fn_tensor, kFunction},
    {"as_tensor", fn_as_tensor, kFunction},
    {"zeros", fn_zeros, kFunction},
    {"ones", fn_ones, kFunction},
    {"empty", fn_empty, kFunction},
    {"rand", fn_rand, kFunction},
    {"randn", fn_randn, kFunction},
    {"zeros_like", fn_zeros_like, kFunction},
    {"ones_like", fn_ones_like, kFunction},
    {"empty_like", fn_empty_like, kFunction},
    {"rand_like", fn_rand_like, kFunction},
    {"randn_like", fn_randn_like, kFunction},
    {"full", fn_full, kFunction},
    {"full_like", fn_full_like, kFunction},
    {"arange", fn_arange, kFunction},
    {"linspace", fn_linspace, kFunction},
    {"eye", fn_eye, kFunction},
    {"randint", fn_randint, kFunction},
    {"randperm", fn_randperm, kFunction},
    {"normal", fn_normal, kFunction},
    {"manual_seed", fn_manual_seed, kFunction},
    {"initial_seed", fn_initial_seed, kFunction},
    {"normal_", fn_normal_, kMethod},
    {"uniform_", fn_uniform_, kMethod},
    {"bernoulli_", fn_bernoulli_, kMethod},
};

}  // namespace

TorchFnTable creation_fns() { return {kDefs, sizeof(kDefs) / sizeof(kDefs[0])}; }

}  // namespace gradlab::lang
