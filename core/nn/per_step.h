// The torch._gradlab natives a training step reaches every time: nn.Module.__call__ and
// __getattr__ (every model(x), every self.weight in a forward()), nn.Embedding.forward with
// the default options (a recommender's every lookup), the optimizers' zero_grad, and SGD's
// step with its update. Each is the Python of PyTorch 1.13 written natively, with the same
// steps in the same order. They live apart from nn_module.cpp because the browser build
// optimises that file for size and these for speed.
#pragma once
#include "lang/vm.h"

namespace gradlab::lang {

// Adds install_module_dunders, install_embedding_forward, install_optimizer_natives,
// zero_grads and sgd to torch._gradlab (`m`).
void add_per_step_natives(VM& vm, ModuleObj& m);

}  // namespace gradlab::lang
