// The torch bindings' entry point: registers the `torch` module (with torch.linalg and a
// minimal torch.autograd) on a VM. Importing torch creates the Tensor class, the dtype objects
// and the session's random generator; they live as long as the VM.
//
//   lang::VM& vm = ...;
//   register_torch(vm);   // then `import torch` works in code the VM runs
#pragma once
#include "lang/vm.h"
#include "tensor/random.h"

namespace gradlab::lang {

void register_torch(VM& vm);

// The VM's default CPU generator (torch.manual_seed seeds it), for native modules built on
// torch (nn initialisation). torch must have been imported.
Generator& torch_generator(VM& vm);

}  // namespace gradlab::lang
