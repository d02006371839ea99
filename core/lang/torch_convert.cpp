// Conversions between VM values and tensors; see torch_convert.h.
#include "lang/torch_convert.h"

#include <cmath>

#include "lang/torch_internal.h"

namespace gradlab::lang {

const char* torch_dtype_name(TorchDType d) {
  switch (d) {
    case TorchDType::Bool:
      return "torch.bool";
    case TorchDType::Int64:
      return "torch.int64";
    case TorchDType::Float32:
      return "torch.float32";
    case TorchDType::Float64:
      return "torch.float64";
    case TorchDType::Int32:
      return "torch.int32";
  }
  return "";
}

const char* torch_dtype_type_name(TorchDType d) {
  switch (d) {
    case TorchDType::Bool:
      return "torch.BoolTensor";
    case TorchDType::Int64:
      return "torch.LongTensor";
    case TorchDType::Float32:
      return "torch.FloatTensor";
    case TorchDType::Float64:
      return "torch.DoubleTensor";
    case TorchDType::Int32:
      return "torch.IntTensor";
  }
  return "";
}

const char* torch_dtype_legacy_name(TorchDType d) { return torch_dtype_type_name(d) + 6; }

bool scalar_of(const Value& v, Scalar* out) {
  switch (v.tag()) {
    case Tag::Bool:
      *out = Scalar::from_bool(v.as_bool());
      return true;
    case Tag::Int:
      *out = Scalar::from_int(v.as_int());
      return true;
    case Tag::Float:
      *out = Scalar::from_double(v.as_float());
      return true;
    default:
      return false;
  }
}

Value scalar_value(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::Bool:
      return Value::boolean(s.b);
    case Scalar::Kind::Int:
      return Value::integer(s.i);
    case Scalar::Kind::Float:
      return Value::number(s.f);
  }
  return Value::none();
}

// Wraps every element of an Int64 tensor to 32 bits (in place) and tags it int32.
static void make_int32(Tensor& t) {
  int64_t* p = t.data<int64_t>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = int64_t(int32_t(uint32_t(uint64_t(p[i]))));
  t->int32 = true;
}

Tensor convert_dtype(const Tensor& t, TorchDType d) {
  Tensor out = empty(t.sizes(), storage_dtype(d));
  copy_into(out, t);
  if (d == TorchDType::Int32) make_int32(out);
  return out;
}

// --- torch.tensor(data) ---------------------------------------------------------------------
namespace {

bool is_sequence(const Value& v) {
  return is_kind(v, ObjKind::List) || is_kind(v, ObjKind::Tuple) || is_kind(v, ObjKind::Range);
}

int64_t sequence_length(const Value& v) {
  if (is_kind(v, ObjKind::List)) return int64_t(as<ListObj>(v)->items.size());
  if (is_kind(v, ObjKind::Tuple)) return int64_t(as<TupleObj>(v)->items.size());
  return as<RangeObj>(v)->length();
}

Value sequence_item(const Value& v, int64_t i) {
  if (is_kind(v, ObjKind::List)) return as<ListObj>(v)->items[size_t(i)];
  if (is_kind(v, ObjKind::Tuple)) return as<TupleObj>(v)->items[size_t(i)];
  auto* r = as<RangeObj>(v);
  return Value::integer(r->start + i * r->step);
}

struct DataReader {
  VM& vm;
  std::vector<int64_t> sizes;
  std::vector<Scalar> values;
  DType inferred = DType::Bool;
  bool any = false;

  void note(DType d) {
    inferred = any ? promote(inferred, d) : d;
    any = true;
  }

  [[noreturn]] void bad_element(const Value& v) {
    if (is_kind(v, ObjKind::Str)) value_error("too many dimensions 'str'");
    runtime_error("Could not infer dtype of " + vm.type_name(v));
  }

  void scalar(const Value& v) {
    Scalar s;
    if (scalar_of(v, &s)) {
      note(s.kind == Scalar::Kind::Float ? DType::Float32
           : s.kind == Scalar::Kind::Int ? DType::Int64
                                         : DType::Bool);
      values.push_back(s);
      return;
    }
    if (v.is_tensor()) {
      Tensor t = unwrap(v);
      if (t.numel() != 1)
        value_error("only one element tensors can be converted to Python scalars");
      note(t.dtype());
      values.push_back(item(t));
      return;
    }
    if (is_sequence(v)) {
      // A sequence where the first element's depth promised a number.
      type_error("'" + vm.type_name(v) + "' object cannot be interpreted as an integer");
    }
    bad_element(v);
  }

  void read(const Value& v, size_t dim) {
    if (dim == sizes.size()) return scalar(v);
    if (!is_sequence(v)) {
      if (is_kind(v, ObjKind::Str)) value_error("too many dimensions 'str'");
      type_error("not a sequence");
    }
    int64_t n = sequence_length(v);
    if (n != sizes[dim])
      value_error("expected sequence of length " + std::to_string(sizes[dim]) + " at dim " +
                  std::to_string(dim) + " (got " + std::to_string(n) + ")");
    for (int64_t i = 0; i < n; ++i) read(sequence_item(v, i), dim + 1);
  }
};

template <typename T>
void store(T* out, const std::vector<Scalar>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    const Scalar& s = values[i];
    if constexpr (std::is_same_v<T, bool>) {
      out[i] = s.kind == Scalar::Kind::Float ? s.f != 0.0 : s.to_int() != 0;
    } else if constexpr (std::is_same_v<T, int64_t>) {
      if (s.kind == Scalar::Kind::Float) {
        // PyTorch's float -> int64 cast: truncation; NaN and out-of-range give INT64_MIN.
        double f = s.f;
        out[i] =
            (f >= -9223372036854775808.0 && f < 9223372036854775808.0) ? int64_t(f) : INT64_MIN;
      } else {
        out[i] = s.to_int();
      }
    } else {
      out[i] = T(s.to_double());
    }
  }
}

}  // namespace

Tensor tensor_from_data(VM& vm, const Value& data, std::optional<TorchDType> dtype) {
  if (data.is_tensor()) {
    Tensor t = unwrap(data);
    return convert_dtype(t, dtype ? *dtype : torch_dtype_of(t));
  }
  if (!is_sequence(data) && !data.is_number()) {
    if (is_kind(data, ObjKind::Str) || is_kind(data, ObjKind::Dict) || is_kind(data, ObjKind::Set))
      type_error("new(): invalid data type '" + vm.type_name(data) + "'");
  }
  DataReader r{vm, {}, {}};
  for (Value v = data; is_sequence(v);) {
    int64_t n = sequence_length(v);
    r.sizes.push_back(n);
    if (int(r.sizes.size()) > kMaxDims)
      runtime_error("gradlab supports tensors of at most " + std::to_string(kMaxDims) +
                    " dimensions");
    if (n == 0) break;
    v = sequence_item(v, 0);
  }
  r.read(data, 0);
  TorchDType d = dtype ? *dtype : r.any ? torch_dtype(r.inferred) : TorchDType::Float32;
  Tensor t = empty(Shape(r.sizes), storage_dtype(d));
  switch (t.dtype()) {
    case DType::Bool:
      store(t.data<bool>(), r.values);
      break;
    case DType::Int64:
      store(t.data<int64_t>(), r.values);
      break;
    case DType::Float32:
      store(t.data<float>(), r.values);
      break;
    case DType::Float64:
      store(t.data<double>(), r.values);
      break;
  }
  if (d == TorchDType::Int32) make_int32(t);
  return t;
}

// --- item / tolist --------------------------------------------------------------------------
Value tensor_item(const Tensor& t) {
  if (t.numel() != 1) value_error("only one element tensors can be converted to Python scalars");
  return scalar_value(item(t));
}

namespace {
template <typename T>
Value list_level(VM& vm, const T* data, const Shape& sizes, int dim, int64_t& pos) {
  if (dim == sizes.size()) {
    T x = data[pos++];
    if constexpr (std::is_same_v<T, bool>)
      return Value::boolean(x);
    else if constexpr (std::is_same_v<T, int64_t>)
      return Value::integer(x);
    else
      return Value::number(double(x));
  }
  std::vector<Value> items;
  items.reserve(size_t(sizes[dim]));
  for (int64_t i = 0; i < sizes[dim]; ++i)
    items.push_back(list_level(vm, data, sizes, dim + 1, pos));
  return vm.list(std::move(items));
}
}  // namespace

Value tensor_tolist(VM& vm, const Tensor& t) {
  Tensor c = contiguous_data(t);
  int64_t pos = 0;
  switch (c.dtype()) {
    case DType::Bool:
      return list_level(vm, c.data<bool>(), c.sizes(), 0, pos);
    case DType::Int64:
      return list_level(vm, c.data<int64_t>(), c.sizes(), 0, pos);
    case DType::Float32:
      return list_level(vm, c.data<float>(), c.sizes(), 0, pos);
    case DType::Float64:
      return list_level(vm, c.data<double>(), c.sizes(), 0, pos);
  }
  return Value::none();
}

// --- shapes and dims ------------------------------------------------------------------------
// PyTorch 1.13 calls sizes "SymInts" in its argument errors and other int lists "ints".
static const char* int_kind(const char* argname) {
  return std::string_view(argname) == "size" ? "SymInts" : "ints";
}

static int64_t size_element(VM& vm, const Value& v, const char* fname, const char* argname,
                            size_t pos) {
  if (v.is_intlike()) return v.as_int();
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.dim() == 0 && t.dtype() == DType::Int64) return item(t).i;
  }
  type_error(std::string(fname) + "(): argument '" + argname + "' must be tuple of " +
             int_kind(argname) + ", but found element of type " + vm.type_name(v) + " at pos " +
             std::to_string(pos + 1));
}

std::vector<int64_t> shape_from_args(VM& vm, const Value* args, size_t n, const char* fname,
                                     const char* argname) {
  std::vector<int64_t> out;
  if (n == 1 && (is_kind(args[0], ObjKind::List) || is_kind(args[0], ObjKind::Tuple))) {
    const auto& items = is_kind(args[0], ObjKind::List) ? as<ListObj>(args[0])->items
                                                        : as<TupleObj>(args[0])->items;
    for (size_t i = 0; i < items.size(); ++i)
      out.push_back(size_element(vm, items[i], fname, argname, i));
    return out;
  }
  if (n == 1 && !args[0].is_intlike() && !args[0].is_tensor())
    type_error(std::string(fname) + "(): argument '" + argname +
               "' (position 1) must be tuple of " + int_kind(argname) + ", not " +
               vm.type_name(args[0]));
  for (size_t i = 0; i < n; ++i) out.push_back(size_element(vm, args[i], fname, argname, i));
  return out;
}

std::vector<int64_t> int_list_arg(VM& vm, const Value& v, const char* fname, const char* argname) {
  if (v.is_intlike()) return {v.as_int()};
  if (is_kind(v, ObjKind::List) || is_kind(v, ObjKind::Tuple))
    return shape_from_args(vm, &v, 1, fname, argname);
  type_error(std::string(fname) + "(): argument '" + argname + "' must be tuple of ints, not " +
             vm.type_name(v));
}

std::vector<int64_t> dims_arg(VM& vm, const Value& v, const char* fname) {
  if (v.is_undef() || v.is_none()) return {};
  return int_list_arg(vm, v, fname, "dim");
}

std::optional<TorchDType> dtype_of_value(VM& vm, const Value& v) {
  TorchState& st = torch_state(vm);
  if (is_kind(v, ObjKind::Native) && as<NativeObj>(v)->class_obj() == st.dtype_class) {
    for (int i = 0; i < kNumTorchDTypes; ++i)
      if (st.dtypes[i].same(v)) return TorchDType(i);
  }
  for (int i = 0; i < kNumTorchDTypes; ++i) {
    if (is_kind(v, ObjKind::Class) && as<ClassObj>(v) == st.legacy_classes[i]) return TorchDType(i);
    if (is_kind(v, ObjKind::Str) && as<StrObj>(v)->s == torch_dtype_type_name(TorchDType(i)))
      return TorchDType(i);
  }
  if (is_kind(v, ObjKind::Class) && as<ClassObj>(v) == st.tensor_class) return TorchDType::Float32;
  return std::nullopt;
}

// --- subscripts -----------------------------------------------------------------------------
static std::optional<int64_t> slice_bound(VM& vm, const Value& v) {
  if (v.is_none() || v.is_undef()) return std::nullopt;
  if (v.is_intlike()) return v.as_int();
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.numel() == 1 && is_integral(t.dtype(), true)) return item(t).to_int();
  }
  type_error("slice indices must be integers or None or have an __index__ method");
}

static IndexItem index_item(VM& vm, const Value& k) {
  switch (k.tag()) {
    case Tag::Int:
      return IndexItem::integer(k.as_int());
    case Tag::Bool:
      return IndexItem::of(scalar_tensor(Scalar::from_bool(k.as_bool()), DType::Bool));
    case Tag::None:
      return IndexItem::none();
    case Tag::Ellipsis:
      return IndexItem::ellipsis();
    case Tag::Tensor: {
      Tensor t = unwrap(k);
      if (is_floating(t.dtype()))
        index_error("tensors used as indices must be long, byte or bool tensors");
      if (t.dim() == 0 && t.dtype() == DType::Int64) return IndexItem::integer(item(t).i);
      return IndexItem::of(t);
    }
    default:
      break;
  }
  if (is_kind(k, ObjKind::Slice)) {
    auto* s = as<SliceObj>(k);
    return IndexItem::slice(slice_bound(vm, s->start), slice_bound(vm, s->stop),
                            slice_bound(vm, s->step));
  }
  if (is_kind(k, ObjKind::List) || is_kind(k, ObjKind::Tuple) || is_kind(k, ObjKind::Range)) {
    Tensor t = tensor_from_data(vm, k, std::nullopt);
    if (t.numel() == 0) t = convert_dtype(t, TorchDType::Int64);  // a[[]]: an empty int64 index
    if (is_floating(t.dtype()))
      index_error("tensors used as indices must be long, byte or bool tensors");
    return IndexItem::of(t);
  }
  index_error(
      "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
      "indices (got " +
      vm.type_name(k) + ")");
}

std::vector<IndexItem> index_items(VM& vm, const Value& key) {
  std::vector<IndexItem> out;
  if (is_kind(key, ObjKind::Tuple) && as<TupleObj>(key)->cls.is_undef()) {
    for (const Value& k : as<TupleObj>(key)->items) out.push_back(index_item(vm, k));
  } else {
    out.push_back(index_item(vm, key));
  }
  return out;
}

}  // namespace gradlab::lang
