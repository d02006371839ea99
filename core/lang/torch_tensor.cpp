// The torch.Tensor class: the TypeHooks that give tensor Values PyTorch's operators,
// subscripts, truthiness, printing and attributes, and the class with its methods.
//
// The binary hook is the interpreter's hottest path (`c = a + b` in a loop): it dispatches on
// the operator with a switch, builds no strings, and allocates only the result (plus a
// wrapped scalar when one operand is a Python number).
#include "autograd/autograd.h"
#include "lang/torch_internal.h"
#include "tensor/format.h"

namespace gradlab::lang {

// --- printing ---------------------------------------------------------------------------------
// The line width and indent of PyTorch's printer (torch/_tensor_str.py, default options).
static constexpr size_t kLineWidth = 80;
static constexpr size_t kReprIndent = 7;  // "tensor("

// Appends ", dtype=torch.int32" to a repr as _add_suffixes does (a new line when it does not
// fit): int32 tensors are Int64 tensors to the printer, which leaves int64's dtype unsaid.
static std::string add_int32_suffix(std::string text, bool empty) {
  if (empty) {
    size_t p = text.find("dtype=torch.int64");
    if (p != std::string::npos) text.replace(p, 17, "dtype=torch.int32");
    return text;
  }
  text.pop_back();  // ")"
  const std::string suffix = "dtype=torch.int32";
  size_t nl = text.rfind('\n');
  size_t last_line = nl == std::string::npos ? text.size() + 1 : text.size() - nl + 1;
  if (last_line + suffix.size() + 2 > kLineWidth)
    text += ",\n" + std::string(kReprIndent, ' ') + suffix;
  else
    text += ", " + suffix;
  return text + ")";
}

std::string tensor_repr_of(const Tensor& t) {
  Tensor c = contiguous_data(t);
  FormatView view{c.dtype(), c.sizes().vec(), c->data_ptr()};
  ReprSuffix suffix;
  suffix.requires_grad = t.requires_grad();
  suffix.grad_fn = t.grad_fn() ? grad_fn_name(t.grad_fn()->op) : nullptr;
  std::string r = tensor_repr(view, suffix);
  if (t->int32) r = add_int32_suffix(std::move(r), t.numel() == 0);
  if (t->is_parameter) return "Parameter containing:\n" + r;
  return r;
}

// int32 survives arithmetic when every int operand is int32, a Python number or a 0-d tensor
// next to a dimensioned one (PyTorch's promotion within the integral category).
static bool int32_operand(const Tensor& o, const Tensor& other) {
  return o->int32 || o.dtype() == DType::Bool || o->is_wrapped_number ||
         (o.dim() == 0 && other.dim() > 0);
}
Value arith_result(Tensor r, const Tensor& x, const Tensor& y) {
  if (r.dtype() == DType::Int64 && (x->int32 || y->int32) && int32_operand(x, y) &&
      int32_operand(y, x))
    r->int32 = true;
  return wrap(std::move(r));
}

namespace {

// --- operators --------------------------------------------------------------------------------
// x << y and x >> y on integer tensors: multiplication and floor division by 2**y (the same
// bits as shifts in two's complement).
Tensor shift(BinaryOp op, const Tensor& x, const Tensor& y) {
  const char* kernel = op == BinaryOp::LShift ? "lshift_cpu" : "rshift_cpu";
  for (const Tensor* t : {&x, &y})
    if (is_floating(t->dtype()))
      runtime_error(std::string("\"") + kernel + "\" not implemented for '" +
                    (t->dtype() == DType::Float32 ? "Float" : "Double") + "'");
  Tensor p = pow(wrapped_scalar(Scalar::from_int(2)), y);
  return op == BinaryOp::LShift ? mul(x, p) : floor_divide(x, p);
}

// x op y for two tensors; undefined for operators tensors do not have.
Tensor binary_op(BinaryOp op, const Tensor& x, const Tensor& y) {
  switch (op) {
    case BinaryOp::Add:
      return add(x, y);
    case BinaryOp::Sub:
      return sub(x, y);
    case BinaryOp::Mul:
      return mul(x, y);
    case BinaryOp::Div:
      return div(x, y);
    case BinaryOp::MatMul:
      return matmul(x, y);
    case BinaryOp::FloorDiv:
      return floor_divide(x, y);
    case BinaryOp::Mod:
      return remainder(x, y);
    case BinaryOp::Pow:
      return pow(x, y);
    case BinaryOp::And:
      return bitwise_and(x, y);
    case BinaryOp::Or:
      return bitwise_or(x, y);
    case BinaryOp::Xor:
      return bitwise_xor(x, y);
    case BinaryOp::LShift:
    case BinaryOp::RShift:
      return shift(op, x, y);
  }
  return Tensor();
}

// number op t, as Tensor's reflected dunders define it in PyTorch 1.13.
Tensor reflected_op(VM& vm, BinaryOp op, const Scalar& s, const Tensor& t) {
  switch (op) {
    case BinaryOp::Add:
      return add(t, number_tensor(vm, s));
    case BinaryOp::Mul:
      return mul(t, number_tensor(vm, s));
    case BinaryOp::Sub:
      return rsub(t, number_tensor(vm, s));  // RsubBackward1
    case BinaryOp::Div:
      return mul(reciprocal(t), number_tensor(vm, s));  // __rdiv__
    case BinaryOp::FloorDiv:
      return floor_divide(number_tensor(vm, s), t);
    case BinaryOp::Mod:
      return remainder(number_tensor(vm, s), t);
    case BinaryOp::Pow:
      // __rpow__: torch.tensor(other, dtype=result_type(other, self)) ** self (PowBackward1)
      return pow(scalar_tensor(s, result_type(number_tensor(vm, s), t)), t);
    case BinaryOp::And:
      return bitwise_and(t, number_tensor(vm, s));
    case BinaryOp::Or:
      return bitwise_or(t, number_tensor(vm, s));
    case BinaryOp::Xor:
      return bitwise_xor(t, number_tensor(vm, s));
    case BinaryOp::LShift:
    case BinaryOp::RShift:
      return shift(op, scalar_tensor(s, s.default_dtype()), t);
    default:
      break;
  }
  return Tensor();
}

// A handle on a Value's tensor that leaves the refcount alone (the Value, a VM stack slot,
// keeps the impl alive meanwhile): the hot path saves an out-of-line incref/decref pair.
class Borrowed {
 public:
  explicit Borrowed(const Value& v) : t_(Tensor::reclaim(v.as_tensor())) {}
  ~Borrowed() { t_.release(); }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  const Tensor& get() const { return t_; }

 private:
  Tensor t_;
};

Value binary_hook(VM& vm, BinaryOp op, const Value& a, const Value& b) {
  if (a.is_tensor() && b.is_tensor()) {
    Borrowed x(a), y(b);
    Tensor r = binary_op(op, x.get(), y.get());
    if (!r.defined()) return Value::not_implemented();
    return arith_result(std::move(r), x.get(), y.get());
  }
  Scalar s;
  if (a.is_tensor()) {
    if (!scalar_of(b, &s) || op == BinaryOp::MatMul) return Value::not_implemented();
    Borrowed x(a);
    Tensor y = number_tensor(vm, s);
    Tensor r = binary_op(op, x.get(), y);
    if (!r.defined()) return Value::not_implemented();
    return arith_result(std::move(r), x.get(), y);
  }
  if (!scalar_of(a, &s)) return Value::not_implemented();
  Tensor t = unwrap(b);
  Tensor r = reflected_op(vm, op, s, t);
  if (!r.defined()) return Value::not_implemented();
  if (r.dtype() == DType::Int64 && t->int32 && op != BinaryOp::Pow) r->int32 = true;
  return wrap(std::move(r));
}

// PyTorch's can_cast for in-place results: no float into an integer tensor, nothing but
// bool into a bool tensor.
const char* scalar_type_name(DType d) {
  switch (d) {
    case DType::Bool:
      return "Bool";
    case DType::Int64:
      return "Long";
    case DType::Float32:
      return "Float";
    case DType::Float64:
      return "Double";
  }
  return "";
}
void check_castable(const Tensor& result, const Tensor& self) {
  bool bad = (is_floating(result.dtype()) && !is_floating(self.dtype())) ||
             (self.dtype() == DType::Bool && result.dtype() != DType::Bool);
  if (bad)
    runtime_error(std::string("result type ") + scalar_type_name(result.dtype()) +
                  " can't be cast to the desired output type " + scalar_type_name(self.dtype()));
}

Value inplace_hook(VM& vm, BinaryOp op, const Value& a, const Value& b) {
  Tensor self = unwrap(a);
  Tensor other;
  Scalar s;
  if (b.is_tensor())
    other = unwrap(b);
  else if (scalar_of(b, &s))
    other = number_tensor(vm, s);
  else
    return Value::not_implemented();
  switch (op) {
    case BinaryOp::Add:
      add_(self, other);
      break;
    case BinaryOp::Sub:
      sub_(self, other);
      break;
    case BinaryOp::Mul:
      mul_(self, other);
      break;
    case BinaryOp::Div:
      div_(self, other);
      break;
    case BinaryOp::Pow:
      pow_(self, other);
      break;
    case BinaryOp::FloorDiv:
    case BinaryOp::Mod:
    case BinaryOp::And:
    case BinaryOp::Or:
    case BinaryOp::Xor: {
      // Not differentiable: computed out of place and written back.
      check_inplace(self);
      Tensor r = binary_op(op, self, other);
      check_castable(r, self);
      copy_into(self, r);
      break;
    }
    default:
      return Value::not_implemented();
  }
  return a;
}

Value unary_hook(VM& vm, UnaryOp op, const Value& v) {
  Tensor t = unwrap(v);
  switch (op) {
    case UnaryOp::Neg:
      return result_like(neg(t), t);
    case UnaryOp::Pos:
      return v;
    case UnaryOp::Invert:
      if (is_floating(t.dtype()))
        type_error("~ (operator.invert) is only implemented on integer and Boolean-type tensors");
      return result_like(bitwise_not(t), t);
    case UnaryOp::Not:
      break;
  }
  return Value::not_implemented();
}

CmpOp cmp_of(CompareOp op) {
  switch (op) {
    case CompareOp::Eq:
      return CmpOp::Eq;
    case CompareOp::Ne:
      return CmpOp::Ne;
    case CompareOp::Lt:
      return CmpOp::Lt;
    case CompareOp::Le:
      return CmpOp::Le;
    case CompareOp::Gt:
      return CmpOp::Gt;
    case CompareOp::Ge:
      return CmpOp::Ge;
  }
  return CmpOp::Eq;
}
CmpOp swapped(CmpOp op) {
  switch (op) {
    case CmpOp::Lt:
      return CmpOp::Gt;
    case CmpOp::Le:
      return CmpOp::Ge;
    case CmpOp::Gt:
      return CmpOp::Lt;
    case CmpOp::Ge:
      return CmpOp::Le;
    default:
      return op;
  }
}

Value compare_hook(VM& vm, CompareOp op, const Value& a, const Value& b) {
  if (a.is_tensor() && b.is_tensor()) return wrap(compare(unwrap(a), unwrap(b), cmp_of(op)));
  Scalar s;
  if (a.is_tensor()) {
    if (!scalar_of(b, &s)) return Value::not_implemented();
    return wrap(compare(unwrap(a), number_tensor(vm, s), cmp_of(op)));
  }
  if (!scalar_of(a, &s)) return Value::not_implemented();
  return wrap(compare(unwrap(b), number_tensor(vm, s), swapped(cmp_of(op))));
}

// --- subscripts, length, iteration, truth ------------------------------------------------------
Value get_item_hook(VM& vm, const Value& self, const Value& key) {
  Tensor t = unwrap(self);
  return result_like(index(t, index_items(vm, key)), t);
}

void set_item_hook(VM& vm, const Value& self, const Value& key, const Value& v) {
  Tensor t = unwrap(self);
  Tensor value;
  Scalar s;
  if (v.is_tensor())
    value = unwrap(v);
  else if (scalar_of(v, &s))
    value = wrapped_scalar(s);
  else
    type_error("can't assign a " + vm.type_name(v) + " to a " +
               torch_dtype_type_name(torch_dtype_of(t)));
  std::vector<IndexItem> items = index_items(vm, key);
  index_put_(t, items, value);
}

int64_t len_hook(VM& vm, const Value& self) {
  Tensor t = unwrap(self);
  if (t.dim() == 0) type_error("len() of a 0-d tensor");
  return t.sizes()[0];
}

Value iter_hook(VM& vm, const Value& self) {
  Tensor t = unwrap(self);
  if (t.dim() == 0) type_error("iteration over a 0-d tensor");
  std::vector<Value> rows;
  rows.reserve(size_t(t.sizes()[0]));
  for (int64_t i = 0; i < t.sizes()[0]; ++i) rows.push_back(result_like(select(t, 0, i), t));
  return vm.list(std::move(rows));
}

bool truthy_hook(VM& vm, const Value& self) {
  Tensor t = unwrap(self);
  if (t.numel() == 0) runtime_error("Boolean value of Tensor with no values is ambiguous");
  if (t.numel() > 1) runtime_error("Boolean value of Tensor with more than one value is ambiguous");
  return element_as_double(t, 0) != 0.0;
}

bool contains_hook(VM& vm, const Value& self, const Value& item) {
  Tensor t = unwrap(self);
  Scalar s;
  Tensor other;
  if (item.is_tensor())
    other = unwrap(item);
  else if (scalar_of(item, &s))
    other = number_tensor(vm, s);
  else
    runtime_error("Tensor.__contains__ only supports Tensor or scalar, but you passed in a " +
                  vm.repr(Value::object(vm.class_of(item))) + ".");
  return element_as_double(any(compare(t, other, CmpOp::Eq)), 0) != 0.0;
}

std::string repr_hook(VM& vm, const Value& self) { return tensor_repr_of(unwrap(self)); }

std::string format_hook(VM& vm, const Value& self, std::string_view spec) {
  Tensor t = unwrap(self);
  if (t.dim() != 0) {
    if (spec.empty()) return tensor_repr_of(t);
    type_error("unsupported format string passed to Tensor.__format__");
  }
  Scalar s = item(t);
  switch (s.kind) {
    case Scalar::Kind::Float:
      return python_format_float(s.f, spec);
    case Scalar::Kind::Int:
      return python_format_int(s.i, spec);
    case Scalar::Kind::Bool:
      if (spec.empty()) return s.b ? "True" : "False";
      return python_format_int(s.b ? 1 : 0, spec);
  }
  return "";
}

// --- attributes ---------------------------------------------------------------------------------
Value get_attr_hook(VM& vm, const Value& self, std::string_view name) {
  Tensor t = unwrap(self);
  switch (name.size()) {
    case 1:
      if (name == "T") return result_like(T(t), t);
      break;
    case 2:
      if (name == "mT") return result_like(transpose(t, -2, -1), t);
      break;
    case 4:
      if (name == "grad") return t->grad ? Value::tensor_borrow(t->grad) : Value::none();
      if (name == "data") return result_like(alias_detached(t), t);
      if (name == "ndim") return Value::integer(t.dim());
      break;
    case 5:
      if (name == "shape") return make_size(vm, t.sizes());
      if (name == "dtype") return dtype_value(vm, torch_dtype_of(t));
      break;
    case 6:
      if (name == "device") return torch_state(vm).cpu;
      break;
    case 7:
      if (name == "grad_fn") return node_value(vm, t.grad_fn());
      if (name == "is_leaf") return Value::boolean(t.is_leaf());
      if (name == "is_cuda") return Value::boolean(false);
      break;
    case 13:
      if (name == "requires_grad") return Value::boolean(t.requires_grad());
      break;
    default:
      break;
  }
  return Value::undef();
}

// `x.data = y`: x takes y's storage and geometry in place, keeping its autograd identity.
void set_data(const Tensor& x, const Tensor& y) {
  TensorImpl* dst = x.get();
  TensorImpl* src = y.get();
  ++src->storage->refcount;
  Storage::release(dst->storage);
  dst->storage = src->storage;
  dst->dtype = src->dtype;
  dst->int32 = src->int32;
  dst->sizes = src->sizes;
  dst->strides = src->strides;
  dst->offset = src->offset;
  dst->numel = src->numel;
}

bool set_attr_hook(VM& vm, const Value& self, std::string_view name, const Value& v) {
  Tensor t = unwrap(self);
  if (name == "grad") {
    if (v.is_none())
      t.set_grad(Tensor());
    else if (v.is_tensor())
      t.set_grad(unwrap(v));
    else
      type_error("assigned grad expected to be a Tensor or None but got grad of type" +
                 vm.type_name(v));
    return true;
  }
  if (name == "requires_grad") {
    if (!v.is_bool()) type_error("requires_grad must be a bool, not " + vm.type_name(v));
    if (v.as_bool() && t.is_leaf() && !is_floating(t.dtype()))
      runtime_error("only Tensors of floating point and complex dtype can require gradients");
    t.set_requires_grad(v.as_bool());
    return true;
  }
  if (name == "data") {
    if (!v.is_tensor()) type_error("Variable data has to be a tensor, but got " + vm.type_name(v));
    set_data(t, unwrap(v));
    return true;
  }
  return false;
}

// torch.Tensor(...): torch.Tensor([1, 2]) copies data as float32; torch.Tensor(2, 3) makes a
// zero-filled float32 tensor of that shape (PyTorch leaves it uninitialized).
Value tensor_construct(VM& vm, CallArgs& a) {
  if (a.nkw) type_error("Tensor() does not take keyword arguments");
  if (a.npos == 0) return wrap(empty(Shape{0}, DType::Float32));
  if (a.npos == 1 && !a.pos[0].is_intlike())
    return wrap(tensor_from_data(vm, a.pos[0], TorchDType::Float32));
  return wrap(zeros(Shape(shape_from_args(vm, a.pos, a.npos, "Tensor")), DType::Float32));
}

}  // namespace

void init_tensor_class(VM& vm, TorchState& st, const Value& holder) {
  TensorTypeHooks& h = st.tensor_hooks;
  h.state = &st;
  h.get_attr = get_attr_hook;
  h.set_attr = set_attr_hook;
  h.binary = binary_hook;
  h.inplace = inplace_hook;
  h.unary = unary_hook;
  h.compare = compare_hook;
  h.get_item = get_item_hook;
  h.set_item = set_item_hook;
  h.len = len_hook;
  h.iter = iter_hook;
  h.truthy = truthy_hook;
  h.repr = repr_hook;
  h.format = format_hook;
  h.contains = contains_hook;
  ClassObj* cls = vm.new_class("Tensor", "torch", vm.classes.object, &h, tensor_construct);
  cls->subclassable = false;
  st.tensor_class = cls;
  vm.set_tensor_class(cls);
  for (TorchFnTable table :
       {elementwise_fns(), reduce_fns(), shape_fns(), tensor_fns(), creation_fns()})
    for (size_t i = 0; i < table.size; ++i)
      if (table.defs[i].where & kMethod)
        vm.add_method(cls, table.defs[i].name, table.defs[i].fn, holder);
}

}  // namespace gradlab::lang
