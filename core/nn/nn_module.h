// torch.nn and torch.optim for gradlab: registers the modules on a VM. Their code is gradlab
// Python (core/nn/*.py, core/optim/*.py, embedded at build time); the exactness-critical math is
// native (nn_ops.h) and reached through the private module torch._gradlab.
//
//   lang::VM& vm = ...;
//   register_torch(vm);
//   register_nn(vm);   // then `import torch.nn as nn`, `import torch.optim as optim` work
#pragma once
#include "lang/vm.h"

namespace gradlab::lang {

// torch._gradlab, torch.nn (torch.nn.modules.module), torch.nn.functional, torch.nn.init,
// torch.optim and torch.optim.lr_scheduler. Importing any of them imports torch first.
void register_nn(VM& vm);

}  // namespace gradlab::lang
