// The session's side of the graph view: names for the tensors of an autograd graph (the
// notebook's globals, and the parameters of nn.Module globals as "model.layer.weight"), the
// JSON of a graph description (wasm/PROTOCOL.md §1, kind "graph"), and the show_graph(t)
// builtin that emits it as an output event.
#pragma once
#include <string>

#include "autograd/graph_export.h"
#include "lang/vm.h"

namespace gradlab {

class Session;

// Limit: characters of a node's or an edge's value text in the graph JSON (the full value
// shown on click); longer values are cut at a line break with "...".
inline constexpr size_t kMaxGraphValueChars = 4000;

// The JSON of the graph behind `root` (PROTOCOL.md §1 `graph`), its tensors named after the
// globals of `vm`'s main module (parameters by their module path).
std::string graph_json(lang::VM& vm, const Tensor& root, size_t max_nodes = kMaxGraphNodes);

// Registers the builtin show_graph(t) on the session's VM: emits a graph event for tensor t.
void register_show_graph(lang::VM& vm, Session& session);

}  // namespace gradlab
