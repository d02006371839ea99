// The gradlab-language sources of torch.nn and torch.optim, generated at build time from
// core/nn/*.py and core/optim/*.py by cmake/embed_python.cmake (never committed).
#pragma once

namespace gradlab::nn_sources {

extern const char* const kModule;       // core/nn/module.py        -> torch.nn.modules.module
extern const char* const kNn;           // core/nn/nn.py            -> torch.nn
extern const char* const kFunctional;   // core/nn/functional.py    -> torch.nn.functional
extern const char* const kInit;         // core/nn/init.py          -> torch.nn.init
extern const char* const kOptim;        // core/optim/optim.py      -> torch.optim
extern const char* const kLrScheduler;  // core/optim/lr_scheduler.py -> torch.optim.lr_scheduler

}  // namespace gradlab::nn_sources
