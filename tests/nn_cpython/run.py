#!/usr/bin/python3
"""Checks the LOGIC of gradlab's torch.nn / torch.optim sources (core/nn/*.py, core/optim/*.py)
in CPython against real PyTorch 1.13, before (and independently of) the native build.

The sources are loaded as ordinary Python modules whose private helper module torch._gradlab
is replaced by a shim over PyTorch's own kernels (the native versions in core/nn/*.cpp are
meant to compute the same thing). Each case program has its `torch.nn` / `torch.nn.functional`
/ `torch.optim` imports pointed at the gradlab sources, runs in a subprocess, and its stdout is
compared with the case's .out (PyTorch's own output).

    /usr/bin/python3 tests/nn_cpython/run.py [--cases DIR] [-v] [NAME_GLOB ...]
"""
import argparse
import difflib
import fnmatch
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = [  # module name, file
    ('gl_functional', 'core/nn/functional.py'),
    ('gl_module', 'core/nn/module.py'),
    ('gl_init', 'core/nn/init.py'),
    ('gl_nn', 'core/nn/nn.py'),
    ('gl_optim', 'core/optim/optim.py'),
    ('gl_lr_scheduler', 'core/optim/lr_scheduler.py'),
]
IMPORTS = [  # how the sources and the cases name the modules -> the harness's names
    ('import torch._gradlab as _gl', 'import gl_private as _gl'),
    ('import torch.nn.functional as F', 'import gl_functional as F'),
    ('import torch.nn.init as init', 'import gl_init as init'),
    ('from torch.nn.modules.module import', 'from gl_module import'),
    ('import torch.nn as nn', 'import gl_nn as nn'),
    ('from torch.optim import Optimizer', 'from gl_optim import Optimizer'),
    ('import torch.optim.lr_scheduler as lr_scheduler', 'import gl_lr_scheduler as lr_scheduler'),
    ('import torch.optim as optim', 'import gl_optim as optim'),
]

SHIM = '''
import torch
Parameter = torch.nn.Parameter
def linear(input, weight, bias):
    return torch._C._nn.linear(input, weight, bias)
def embedding(weight, input, padding_idx):
    return torch.embedding(weight, input, -1 if padding_idx is None else padding_idx)
def softmax(x, dim):
    return torch._softmax(x, dim, False)
def log_softmax(x, dim):
    return torch._log_softmax(x, dim, False)
def broadcast_tensors(a, b):
    return torch.broadcast_tensors(a, b)
def mse_loss(a, b, r):
    return torch._C._nn.mse_loss(a, b, r)
def binary_cross_entropy(i, t, w, r):
    return torch._C._nn.binary_cross_entropy(i, t, w, r)
def binary_cross_entropy_with_logits(i, t, w, pw, r):
    return torch.binary_cross_entropy_with_logits(i, t, w, pw, r)
def nll_loss(i, t, w, r, ignore_index):
    return torch._C._nn.nll_loss_nd(i, t, w, r, ignore_index)
def div_scalar(t, s):
    return torch.ops.aten.div.Scalar(t, s)
def addcmul_(s, a, b, v):
    return s.addcmul_(a, b, value=v)
def addcdiv_(s, a, b, v):
    return s.addcdiv_(a, b, value=v)
# The per-step natives (core/nn/per_step.cpp, core/optim/adam.cpp): the two update kernels
# decline, so the sources' own Python updates run; the installers give the classes what the
# natives do in Python.
def adam_(*args):
    return False
def sgd(*args):
    return False
def zero_grads(params, set_to_none):
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
            continue
        if p.grad.grad_fn is not None:
            p.grad.detach_()
        else:
            p.grad.requires_grad_(False)
        p.grad.zero_()
def install_module_dunders(cls):
    def __call__(self, *input, **kwargs):
        return self.forward(*input, **kwargs)
    def __getattr__(self, name):
        if name in ('_parameters', '_buffers', '_modules', '_non_persistent_buffers_set'):
            raise AttributeError(name)
        for table in ('_parameters', '_buffers', '_modules'):
            d = self.__dict__.get(table)
            if d is not None and name in d:
                return d[name]
        raise AttributeError("'{}' object has no attribute '{}'".format(type(self).__name__, name))
    cls.__call__ = __call__
    cls.__getattr__ = __getattr__
def install_embedding_forward(cls):
    pass  # the Python forward is the whole behaviour; the native one is its fast path
def install_optimizer_natives(optimizer, sgd_class):
    def zero_grad(self, set_to_none=False):
        for group in self.param_groups:
            zero_grads(group['params'], set_to_none)
    optimizer.zero_grad = zero_grad
'''


def rewrite(text):
    for old, new in IMPORTS:
        text = text.replace(old, new)
    return text


def build_package(dest):
    with open(os.path.join(dest, 'gl_private.py'), 'w') as f:
        f.write(SHIM)
    for name, path in SOURCES:
        with open(os.path.join(ROOT, path)) as f:
            text = f.read()
        with open(os.path.join(dest, name + '.py'), 'w') as f:
            f.write(rewrite(text))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cases', default=os.path.join(ROOT, '..', 'shared', 'conformance', 'cases'))
    ap.add_argument('-v', action='store_true')
    ap.add_argument('patterns', nargs='*', default=['nn_*', 'optim_*', 'train_*', 'rng_bits_*'])
    args = ap.parse_args()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        build_package(tmp)
        names = sorted(n[:-3] for n in os.listdir(args.cases) if n.endswith('.py'))
        for name in names:
            if not any(fnmatch.fnmatch(name, p) for p in args.patterns):
                continue
            with open(os.path.join(args.cases, name + '.py')) as f:
                program = rewrite(f.read())
            prog_path = os.path.join(tmp, 'case_' + name + '.py')
            with open(prog_path, 'w') as f:
                f.write(program)
            env = dict(os.environ, PYTHONPATH=tmp, PYTHONWARNINGS='ignore')
            run = subprocess.run([sys.executable, prog_path], capture_output=True, text=True,
                                 env=env, timeout=120)
            with open(os.path.join(args.cases, name + '.out')) as f:
                want = f.read()
            got = [l.rstrip() for l in run.stdout.rstrip('\n').split('\n')]
            exp = [l.rstrip() for l in want.rstrip('\n').split('\n')]
            err_path = os.path.join(args.cases, name + '.err')
            ok = got == exp
            if os.path.exists(err_path):
                with open(err_path) as f:
                    last = [l for l in run.stderr.strip().split('\n') if l.strip()]
                    ok = ok and run.returncode != 0 and last and last[-1] == f.read().strip()
            else:
                ok = ok and run.returncode == 0
            if ok:
                passed += 1
            else:
                failed += 1
                print('FAIL', name)
                if args.v:
                    sys.stdout.writelines(difflib.unified_diff(
                        [l + '\n' for l in exp], [l + '\n' for l in got], 'expected', 'got'))
                    print(run.stderr[-3000:])
    print('{} passed, {} failed'.format(passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
