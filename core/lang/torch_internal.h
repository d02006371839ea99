// Private to the torch bindings (core/lang/torch_*.cpp): the per-VM torch state, the tables of
// functions and methods each family file contributes, and small argument helpers.
//
// One TorchState per VM, created when torch is imported. It is the native data of
// torch.default_generator (a torch._C.Generator object), and every Tensor method holds that
// object as its data, so the state lives as long as the Tensor class (the VM's). The tensor
// class's hooks are a member of the state (TensorTypeHooks), which is how a hook that only
// receives the VM finds it.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autograd/node.h"
#include "lang/torch_convert.h"
#include "lang/vm.h"
#include "ops/ops.h"
#include "tensor/random.h"

namespace gradlab::lang {

struct TorchState;

struct TensorTypeHooks : TypeHooks {
  TorchState* state = nullptr;
};

struct TorchState : NativeData {
  TensorTypeHooks tensor_hooks;
  TypeHooks size_hooks, dtype_hooks, node_hooks, return_hooks, no_grad_hooks, device_hooks;
  ClassObj* tensor_class = nullptr;
  ClassObj* size_class = nullptr;
  ClassObj* dtype_class = nullptr;
  ClassObj* generator_class = nullptr;
  ClassObj* no_grad_class = nullptr;
  ClassObj* enable_grad_class = nullptr;
  ClassObj* set_grad_class = nullptr;
  ClassObj* device_class = nullptr;
  ClassObj* return_max = nullptr;
  ClassObj* return_min = nullptr;
  ClassObj* return_svd = nullptr;
  ClassObj* return_linalg_svd = nullptr;
  ClassObj* node_classes[kNumOps] = {};  // grad_fn classes ("MulBackward0"), made on first use
  ClassObj* legacy_classes[kNumTorchDTypes] = {};  // torch.FloatTensor, torch.LongTensor, ...
  Value dtypes[kNumTorchDTypes];                   // the torch.dtype objects, by TorchDType
  Object* holder = nullptr;  // torch.default_generator, whose data this state is (weak)
  Value cpu;                 // device(type='cpu')
  Generator generator;       // the session's default CPU generator
  // Wrapped-scalar tensors by Scalar::Kind, reused while nothing else holds them (see
  // number_tensor): `x * 2` in a loop then allocates only its result.
  TensorImpl* scalar_cache[3] = {};
  ~TorchState() override {
    for (TensorImpl* t : scalar_cache)
      if (t) decref(t);
  }
};

// The state of the VM's torch module (the module must have been imported: tensors exist).
inline TorchState& torch_state(VM& vm) {
  return *static_cast<const TensorTypeHooks*>(vm.classes.tensor->hooks)->state;
}

// A function of the torch API: `where` says whether it is a Tensor method, a torch.*
// function or both. Both forms share one NativeFn: a method receives self as args[0],
// exactly where the function receives `input`.
enum : uint8_t { kMethod = 1, kFunction = 2, kBoth = 3 };
struct TorchFnDef {
  const char* name;
  NativeFn fn;
  uint8_t where;
};
struct TorchFnTable {
  const TorchFnDef* defs;
  size_t size;
};
TorchFnTable elementwise_fns();  // torch_fns_elementwise.cpp
TorchFnTable reduce_fns();       // torch_fns_reduce.cpp
TorchFnTable shape_fns();        // torch_fns_shape.cpp
TorchFnTable tensor_fns();       // torch_tensor_methods.cpp: item, tolist, backward, to, ...
TorchFnTable creation_fns();     // torch_fns_creation.cpp
// torch.linalg's functions (torch_fns_reduce.cpp).
Value linalg_svd_fn(VM& vm, CallArgs& a);
Value linalg_norm_fn(VM& vm, CallArgs& a);
Value vector_norm_fn(VM& vm, CallArgs& a);
Value linalg_matmul_fn(VM& vm, CallArgs& a);

// --- argument helpers (torch_args.cpp) ------------------------------------------------------
// parse_args with a fast path for calls without keywords (no allocation).
void torch_args(VM& vm, const CallArgs& a, const char* fname,
                std::initializer_list<std::string_view> names, Value* out);
// args[0] of a method or function as a tensor ("fname(): argument 'input' must be Tensor").
Tensor self_tensor(VM& vm, const CallArgs& a, const char* fname);
// A Python number as the wrapped-scalar tensor ops take (wrapped_scalar), reusing the state's
// cached one when no op kept a reference to it.
Tensor number_tensor(VM& vm, const Scalar& s);
// A tensor argument that may also be a Python number (a wrapped scalar).
Tensor tensor_or_number(VM& vm, const Value& v, const char* fname, const char* argname,
                        int position);
// A tensor argument that must be a tensor.
Tensor tensor_arg(VM& vm, const Value& v, const char* fname, const char* argname, int position);
// Python scalars.
Scalar scalar_arg(VM& vm, const Value& v, const char* fname, const char* argname);
double double_arg(VM& vm, const Value& v, const char* fname, const char* argname);
int64_t int64_arg(VM& vm, const Value& v, const char* fname, const char* argname);
bool bool_arg(VM& vm, const Value& v, const char* fname, const char* argname);
// A `dtype=` argument: nullopt when absent or None.
std::optional<TorchDType> dtype_opt(VM& vm, const Value& v, const char* fname);
// `dim`/`axis` merged: the value of whichever was given (Undef if neither); TypeError if both.
Value dim_or_axis(VM& vm, const Value& dim, const Value& axis, const char* fname);
// A `device=` argument: the CPU passes; CUDA fails as on a CPU-only PyTorch build.
void check_device(VM& vm, const Value& v);
// A single dim (int); TypeError otherwise.
int64_t dim_arg(VM& vm, const Value& v, const char* fname);
// A tensor result, keeping the int32 tag of `like` when the op preserves dtype.
Value result_like(Tensor t, const Tensor& like);
// The result of a binary arithmetic op on x and y: int32 when PyTorch's promotion would keep
// int32 (every integer operand int32, a Python number, or 0-d next to a dimensioned tensor).
Value arith_result(Tensor r, const Tensor& x, const Tensor& y);
// A list/tuple of tensors ("cat(): argument 'tensors' must be tuple of Tensors").
std::vector<Tensor> tensor_list(VM& vm, const Value& v, const char* fname, const char* argname);

// --- objects (torch_objects.cpp) ------------------------------------------------------------
// The torch.dtype object of a dtype.
Value dtype_value(VM& vm, TorchDType d);
// torch.Size(shape).
Value make_size(VM& vm, const Shape& s);
// The grad_fn object of a node (None for null).
Value node_value(VM& vm, Node* n);
// torch.return_types.max/min(values, indices) and torch.return_types.svd(U, S, V).
Value return_pair(VM& vm, ClassObj* cls, Tensor a, Tensor b);
Value return_svd(VM& vm, Tensor u, Tensor s, Tensor v);
Value return_linalg_svd(VM& vm, Tensor u, Tensor s, Tensor vh);
// Creates the classes of the state (Size, dtype, grad_fn, return types, no_grad, Generator,
// device) and the dtype objects.
void init_torch_objects(VM& vm, TorchState& st);
// Creates the Tensor class with its hooks and methods (torch_tensor.cpp); each method holds
// `holder` (the state's object) as its data.
void init_tensor_class(VM& vm, TorchState& st, const Value& holder);

// The tensor's repr: tensor_repr with its autograd suffix, the int32 dtype suffix and the
// "Parameter containing:" prefix (torch_tensor.cpp).
std::string tensor_repr_of(const Tensor& t);

}  // namespace gradlab::lang
