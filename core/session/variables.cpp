// Session::variables(): the notebook's globals for the variables panel, each with its type,
// tensor metadata and a short preview of its printed form.
#include <algorithm>

#include "lang/torch_convert.h"
#include "session/session.h"

namespace gradlab {

using namespace lang;

namespace {

// Modules, functions and classes are the notebook's tools, not its data.
bool is_tool(const Value& v) {
  if (!v.is_object()) return false;
  switch (kind_of(v)) {
    case ObjKind::Module:
    case ObjKind::Function:
    case ObjKind::NativeFunction:
    case ObjKind::BoundMethod:
    case ObjKind::Class:
      return true;
    default:
      return false;
  }
}

// The first lines of `text` that fit in kMaxPreviewChars bytes, "..." marking a cut; a first
// line too long on its own is cut at a UTF-8 character boundary.
std::string preview_of(const std::string& text) {
  if (text.size() <= kMaxPreviewChars) return text;
  const size_t room = kMaxPreviewChars - 3;
  size_t end = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos && nl <= room;
       nl = text.find('\n', nl + 1))
    end = nl;
  if (end == 0) {
    end = room;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  return text.substr(0, end) + "...";
}

std::string printed(VM& vm, const Value& v) {
  try {
    return preview_of(vm.str_of(v));
  } catch (const PyException& e) {
    return "<str() failed: " + vm.type_name(e.exc) + ">";
  } catch (const gradlab::Error& e) {
    return "<str() failed: " + e.type() + ">";
  }
}

}  // namespace

std::vector<VariableInfo> Session::variables() {
  Scope scope(*this);
  VM& vm = *vm_;
  // A snapshot first: printing runs user code (__repr__), which may change the globals.
  std::vector<std::pair<std::string, Value>> globals;
  ModuleObj* m = vm.main_module();
  for (size_t i = 0; i < m->names.size(); ++i) {
    const Value& v = m->values[i];
    const std::string& name = m->names[i]->s;
    if (v.is_undef() || name.empty() || name[0] == '_' || is_tool(v)) continue;
    globals.emplace_back(name, v);
  }
  std::sort(globals.begin(), globals.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  // What a __repr__ prints (or plots) while the panel looks at it is not the cell's output.
  auto saved_output = std::move(vm.output);
  vm.output = nullptr;
  muted_ = true;
  std::vector<VariableInfo> out;
  try {
    for (auto& [name, v] : globals) {
      VariableInfo info;
      info.name = name;
      info.type = vm.type_name(v);
      info.preview = printed(vm, v);
      if (v.is_tensor()) {
        Tensor t = unwrap(v);
        info.is_tensor = true;
        info.shape = t.sizes().vec();
        info.dtype = torch_dtype_name(torch_dtype_of(t));
        info.requires_grad = t.requires_grad();
        if (Tensor g = t.grad(); g.defined()) {
          info.has_grad = true;
          info.grad = printed(vm, wrap(std::move(g)));
        }
      }
      out.push_back(std::move(info));
    }
  } catch (...) {
    vm.output = std::move(saved_output);
    muted_ = false;
    throw;
  }
  vm.output = std::move(saved_output);
  muted_ = false;
  return out;
}

}  // namespace gradlab
