// graph_json() and the show_graph builtin (graph.h): the graph description of
// core/autograd/graph_export.h with the session's names and printed values, as JSON.
#include "session/graph.h"

#include <unordered_map>

#include "lang/builtins.h"
#include "lang/plot_internal.h"
#include "lang/torch_convert.h"
#include "session/session.h"

namespace gradlab {

using namespace lang;

namespace {

// The printed form of a tensor, cut at a line break past kMaxGraphValueChars.
std::string value_text(VM& vm, const Tensor& t) {
  std::string s;
  try {
    s = vm.str_of(wrap(t));
  } catch (const Error& e) {
    return "<str() failed: " + e.type() + ">";
  }
  if (s.size() <= kMaxGraphValueChars) return s;
  size_t end = s.rfind('\n', kMaxGraphValueChars - 3);
  if (end == std::string::npos || end == 0) {
    end = kMaxGraphValueChars - 3;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  }
  return s.substr(0, end) + "...";
}

// Names of the tensors the notebook can reach: the parameters of nn.Module globals (their
// _parameters and _modules dicts, a few levels deep), "model.embedding.weight", then globals.
struct Names {
  std::unordered_map<const TensorImpl*, std::string> of;
  std::vector<Tensor> tensors;

  void add(const Value& v, const std::string& name) {
    if (!v.is_tensor() || of.count(v.as_tensor())) return;
    of.emplace(v.as_tensor(), name);
    tensors.push_back(unwrap(v));
  }
};

const DictObj* dict_attr(VM& vm, const InstanceObj* inst, const char* name) {
  const Value* v = inst->attrs.find(vm.intern(name));
  if (!v || !v->is_object() || kind_of(*v) != ObjKind::Dict) return nullptr;
  return static_cast<const DictObj*>(v->as_object());
}

Names collect_names(VM& vm) {
  Names names;
  ModuleObj* m = vm.main_module();
  std::vector<std::pair<std::string, Value>> modules;  // nn.Module-like instances to walk
  std::vector<std::pair<std::string, Value>> tensors;
  for (size_t i = 0; i < m->names.size(); ++i) {
    const Value& v = m->values[i];
    const std::string& name = m->names[i]->s;
    if (v.is_undef() || name.empty() || name[0] == '_') continue;
    if (v.is_tensor())
      tensors.emplace_back(name, v);
    else if (v.is_object() && kind_of(v) == ObjKind::Instance)
      modules.emplace_back(name, v);
  }
  // Breadth-first over submodules, at most kDepth levels below a global.
  constexpr int kDepth = 4;
  std::vector<std::pair<std::string, Value>> next;
  for (int depth = 0; depth < kDepth && !modules.empty(); ++depth) {
    next.clear();
    for (auto& [prefix, v] : modules) {
      auto* inst = static_cast<const InstanceObj*>(v.as_object());
      if (const DictObj* params = dict_attr(vm, inst, "_parameters"))
        for (const auto& e : params->table.entries())
          if (!e.key.is_undef() && e.key.is_object() && kind_of(e.key) == ObjKind::Str)
            names.add(e.value, prefix + "." + static_cast<const StrObj*>(e.key.as_object())->s);
      if (const DictObj* subs = dict_attr(vm, inst, "_modules"))
        for (const auto& e : subs->table.entries())
          if (!e.key.is_undef() && e.key.is_object() && kind_of(e.key) == ObjKind::Str &&
              e.value.is_object() && kind_of(e.value) == ObjKind::Instance)
            next.emplace_back(prefix + "." + static_cast<const StrObj*>(e.key.as_object())->s,
                              e.value);
    }
    modules.swap(next);
  }
  // A parameter keeps its module path ("model.weight" says more than a loop's `param`).
  for (auto& [name, v] : tensors) names.add(v, name);
  return names;
}

const char* kind_name(GraphNode::Kind k) {
  switch (k) {
    case GraphNode::Kind::Tensor:
      return "tensor";
    case GraphNode::Kind::Op:
      return "op";
    case GraphNode::Kind::Fold:
      return "fold";
  }
  return "op";
}

// The data of show_graph's holder object: the session the events go to.
struct SessionRef : NativeData {
  Session* session = nullptr;
};

Value show_graph_fn(VM& vm, CallArgs& a) {
  expect_args(vm, a, "show_graph", 1, 1);
  no_kwargs(vm, a, "show_graph");
  if (!a[0].is_tensor())
    vm.raise("TypeError", "show_graph(): argument 't' must be a Tensor, not " + vm.type_name(a[0]));
  Session& session =
      *static_cast<SessionRef*>(as<NativeObj>(vm.native_data())->data.get())->session;
  session.emit_graph(graph_json(vm, unwrap(a[0])));
  return Value::none();
}

}  // namespace

std::string graph_json(VM& vm, const Tensor& root, size_t max_nodes) {
  Names names = collect_names(vm);
  GraphExport g = export_graph(root, names.tensors, max_nodes);
  const auto text_or_null = [](plot::Json& j, const std::string& s) -> plot::Json& {
    return s.empty() ? j.null() : j.str(s);
  };
  plot::Json j;
  j.begin_object().key("root").integer(g.root).key("nodes").begin_array();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const GraphNode& n = g.nodes[i];
    j.begin_object().key("id").integer(int64_t(i)).key("kind").str(kind_name(n.kind));
    if (n.kind == GraphNode::Kind::Tensor) {
      const Tensor& t = n.tensor;
      auto it = names.of.find(t.get());
      j.key("name");
      if (it != names.of.end())
        j.str(it->second);
      else
        j.null();
      j.key("label").str(it != names.of.end() ? it->second : std::string("tensor"));
      j.key("shape").begin_array();
      for (int d = 0; d < t.dim(); ++d) j.integer(t.sizes()[d]);
      j.end_array();
      j.key("dtype").str(torch_dtype_name(torch_dtype_of(t)));
      j.key("requiresGrad").boolean(t.requires_grad());
      j.key("leaf").boolean(!t->grad_fn);
      j.key("value").str(value_text(vm, t));
      j.key("grad");
      if (Tensor gr = t.grad(); gr.defined())
        j.str(value_text(vm, gr));
      else
        j.null();
    } else {
      j.key("label").str(n.label);
      if (n.kind == GraphNode::Kind::Op) {
        j.key("visit");
        if (n.visit >= 0)
          j.integer(n.visit);
        else
          j.null();
      } else {
        j.key("folded").integer(int64_t(n.folded));
      }
    }
    j.end_object();
  }
  j.end_array().key("edges").begin_array();
  for (const GraphEdge& e : g.edges) {
    j.begin_object().key("from").integer(e.from).key("to").integer(e.to);
    j.key("input").integer(e.input).key("grad");
    if (e.grad.defined())
      j.str(value_text(vm, e.grad));
    else
      j.null();
    j.end_object();
  }
  j.end_array().key("visit").begin_array();
  for (int k : g.visit_order) j.integer(k);
  j.end_array();
  j.key("total").integer(int64_t(g.total_nodes)).key("drawn").integer(int64_t(g.nodes.size()));
  j.key("folded").begin_array();
  for (const std::string& f : g.folded) j.str(f);
  j.end_array().key("edgeGrads").boolean(g.has_edge_grads);
  text_or_null(j.key("gradsNote"), g.grads_note);
  text_or_null(j.key("note"), g.note);
  return j.end_object().take();
}

void register_show_graph(VM& vm, Session& session) {
  ClassObj* cls = vm.new_class("GraphHook", "builtins", vm.classes.object);
  cls->subclassable = false;
  auto ref = std::make_unique<SessionRef>();
  ref->session = &session;
  Value holder = vm.native_object(cls, std::move(ref));
  vm.add_builtin("show_graph", vm.native_function("show_graph", show_graph_fn, holder));
}

}  // namespace gradlab
