# torch.nn.Module and nn.Parameter for gradlab, written in gradlab's Python subset
# (registered as torch.nn.modules.module; torch.nn re-exports them).
#
# Module follows PyTorch 1.13's torch/nn/modules/module.py: parameters, buffers and
# submodules assigned as attributes are registered by __setattr__ into _parameters, _buffers
# and _modules (in assignment order) and found again by __getattr__; parameters() walks them
# in that order, recursing into submodules and skipping duplicates; state_dict() and the repr
# are PyTorch's.
import torch
import torch._gradlab as _gl

# nn.Parameter: a native class (a subclass of torch.Tensor); Parameter(data, requires_grad)
# shares data's storage, and print() shows "Parameter containing:".
Parameter = _gl.Parameter


def _addindent(s_, numSpaces):
    s = s_.split('\n')
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [(numSpaces * ' ') + line for line in s]
    return first + '\n' + '\n'.join(s)


class OrderedDict:
    """The insertion-ordered mapping state_dict() returns (repr as collections.OrderedDict)."""

    def __init__(self, items=None):
        self._d = {}
        if items is not None:
            self.update(items)

    def update(self, items):
        if isinstance(items, dict) or isinstance(items, OrderedDict):
            items = items.items()
        for kv in items:
            self._d[kv[0]] = kv[1]

    def __getitem__(self, key):
        return self._d[key]

    def __setitem__(self, key, value):
        self._d[key] = value

    def __delitem__(self, key):
        del self._d[key]

    def __contains__(self, key):
        return key in self._d

    def __len__(self):
        return len(self._d)

    def __iter__(self):
        return iter(list(self._d.keys()))

    def keys(self):
        return self._d.keys()

    def values(self):
        return self._d.values()

    def items(self):
        return self._d.items()

    def get(self, key, default=None):
        return self._d.get(key, default)

    def pop(self, key, *default):
        return self._d.pop(key, *default)

    def copy(self):
        return OrderedDict(self._d.items())

    def __eq__(self, other):
        if isinstance(other, OrderedDict):
            return list(self._d.items()) == list(other._d.items())
        return self._d == other

    def __repr__(self):
        if not self._d:
            return 'OrderedDict()'
        return 'OrderedDict(' + repr(list(self._d.items())) + ')'


class _IncompatibleKeys:
    def __init__(self, missing_keys, unexpected_keys):
        self.missing_keys = missing_keys
        self.unexpected_keys = unexpected_keys

    def __getitem__(self, i):
        return [self.missing_keys, self.unexpected_keys][i]

    def __iter__(self):
        return iter([self.missing_keys, self.unexpected_keys])

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return '<All keys matched successfully>'
        return '_IncompatibleKeys(missing_keys={}, unexpected_keys={})'.format(
            self.missing_keys, self.unexpected_keys)


class Module:
    def __init__(self):
        object.__setattr__(self, 'training', True)
        object.__setattr__(self, '_parameters', {})
        object.__setattr__(self, '_buffers', {})
        object.__setattr__(self, '_non_persistent_buffers_set', set())
        object.__setattr__(self, '_modules', {})

    def forward(self, *input):
        raise NotImplementedError('Module [{}] is missing the required "forward" function'.format(
            type(self).__name__))

    # --- registration -----------------------------------------------------------------
    def register_buffer(self, name, tensor, persistent=True):
        if '_buffers' not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        elif not isinstance(name, str):
            raise TypeError("buffer name should be a string. Got {}".format(type(name).__name__))
        elif '.' in name:
            raise KeyError("buffer name can't contain \".\"")
        elif name == '':
            raise KeyError("buffer name can't be empty string \"\"")
        elif hasattr(self, name) and name not in self._buffers:
            raise KeyError("attribute '{}' already exists".format(name))
        elif tensor is not None and not isinstance(tensor, torch.Tensor):
            raise TypeError("cannot assign '{}' object to buffer '{}' (torch Tensor or None "
                            "required)".format(type(tensor).__name__, name))
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        if '_parameters' not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        elif not isinstance(name, str):
            raise TypeError("parameter name should be a string. Got {}".format(
                type(name).__name__))
        elif '.' in name:
            raise KeyError("parameter name can't contain \".\"")
        elif name == '':
            raise KeyError("parameter name can't be empty string \"\"")
        elif hasattr(self, name) and name not in self._parameters:
            raise KeyError("attribute '{}' already exists".format(name))
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError("cannot assign '{}' object to parameter '{}' (torch.nn.Parameter or "
                            "None required)".format(_typename(param), name))
        elif param.grad_fn is not None:
            raise ValueError("Cannot assign non-leaf Tensor to parameter '{0}'. Model parameters "
                             "must be created explicitly. To express '{0}' as a function of "
                             "another Tensor, compute the value in the forward() method.".format(
                                 name))
        else:
            self._parameters[name] = param

    def add_module(self, name, module):
        if not isinstance(module, Module) and module is not None:
            raise TypeError("{} is not a Module subclass".format(_typename(module)))
        elif not isinstance(name, str):
            raise TypeError("module name should be a string. Got {}".format(type(name).__name__))
        elif hasattr(self, name) and name not in self._modules:
            raise KeyError("attribute '{}' already exists".format(name))
        elif '.' in name:
            raise KeyError("module name can't contain \".\", got: {}".format(name))
        elif name == '':
            raise KeyError("module name can't be empty string \"\"")
        self._modules[name] = module

    def register_module(self, name, module):
        self.add_module(name, module)

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get('_parameters')
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(self, name, False, True, True)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError("cannot assign '{}' as parameter '{}' (torch.nn.Parameter or None "
                                "expected)".format(_typename(value), name))
            self.register_parameter(name, value)
        else:
            modules = d.get('_modules')
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                _remove_from(self, name, True, True, False)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError("cannot assign '{}' as child module '{}' (torch.nn.Module or "
                                    "None expected)".format(_typename(value), name))
                modules[name] = value
            else:
                buffers = d.get('_buffers')
                if buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, torch.Tensor):
                        raise TypeError("cannot assign '{}' as buffer '{}' (torch.Tensor or None "
                                        "expected)".format(_typename(value), name))
                    buffers[name] = value
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    # --- traversal ----------------------------------------------------------------------
    def named_modules(self, memo=None, prefix='', remove_duplicate=True):
        out = []
        _collect_modules(self, memo if memo is not None else set(), prefix, remove_duplicate, out)
        return iter(out)

    def modules(self):
        return iter([m[1] for m in _named_modules_list(self)])

    def named_children(self):
        out = []
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                out.append((name, module))
        return iter(out)

    def children(self):
        return iter([c[1] for c in self.named_children()])

    def _named_members(self, kind, prefix='', recurse=True):
        if recurse:
            modules = _named_modules_list(self, prefix)
        else:
            modules = [(prefix, self)]
        memo = set()
        out = []
        for module_prefix, module in modules:
            members = module._parameters if kind == 0 else module._buffers
            for k, v in members.items():
                if v is None or id(v) in memo:
                    continue
                memo.add(id(v))
                out.append((module_prefix + ('.' if module_prefix else '') + k, v))
        return out

    def named_parameters(self, prefix='', recurse=True):
        return iter(self._named_members(0, prefix, recurse))

    def parameters(self, recurse=True):
        return iter([p[1] for p in self._named_members(0, '', recurse)])

    def named_buffers(self, prefix='', recurse=True):
        return iter(self._named_members(1, prefix, recurse))

    def buffers(self, recurse=True):
        return iter([b[1] for b in self._named_members(1, '', recurse)])

    def get_submodule(self, target):
        if target == '':
            return self
        mod = self
        for item in target.split('.'):
            if item not in mod._modules:
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = mod._modules[item]
        return mod

    def get_parameter(self, target):
        parts = target.rsplit('.', 1)
        mod = self.get_submodule(parts[0]) if len(parts) == 2 else self
        name = parts[-1]
        if name not in mod._parameters:
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        return mod._parameters[name]

    def apply(self, fn):
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # --- modes and gradients ------------------------------------------------------------
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=False):
        _gl.zero_grads(self.parameters(), set_to_none)  # the optimizers' loop (optim.py)

    def _apply_to_tensors(self, fn):
        for module in self.children():
            module._apply_to_tensors(fn)
        for key in list(self._parameters.keys()):
            param = self._parameters[key]
            if param is not None:
                with torch.no_grad():
                    param.data = fn(param.data)
                if param.grad is not None:
                    param.grad = fn(param.grad)
        for key in list(self._buffers.keys()):
            buf = self._buffers[key]
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def float(self):
        return self._apply_to_tensors(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply_to_tensors(lambda t: t.double() if t.is_floating_point() else t)

    def to(self, *args, **kwargs):
        dtype = kwargs.get('dtype')
        for a in args:
            if isinstance(a, torch.dtype):
                dtype = a
        if dtype is None:
            return self
        if not dtype.is_floating_point:
            raise TypeError('nn.Module.to only accepts floating point or complex dtypes, but got '
                            'desired dtype={}'.format(dtype))
        return self._apply_to_tensors(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def cpu(self):
        return self

    # --- state --------------------------------------------------------------------------
    def state_dict(self, destination=None, prefix='', keep_vars=False):
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, prefix + name + '.', keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict=True):
        missing_keys = []
        error_msgs = []
        expected = set()
        every = []
        _collect_modules(self, set(), '', False, every)  # shared submodules load once per name
        for name, module in every:
            prefix = name + '.' if name else ''
            local = []
            for k, v in module._parameters.items():
                if v is not None:
                    local.append((k, v))
            for k, v in module._buffers.items():
                if v is not None and k not in module._non_persistent_buffers_set:
                    local.append((k, v))
            for k, param in local:
                key = prefix + k
                expected.add(key)
                if key not in state_dict:
                    missing_keys.append(key)
                    continue
                input_param = state_dict[key]
                if not isinstance(input_param, torch.Tensor):
                    error_msgs.append('While copying the parameter named "{}", expected '
                                      'torch.Tensor or Tensor-like object from checkpoint but '
                                      'received {}'.format(key, type(input_param)))
                    continue
                if input_param.shape != param.shape:
                    error_msgs.append('size mismatch for {}: copying a param with shape {} from '
                                      'checkpoint, the shape in current model is {}.'.format(
                                          key, input_param.shape, param.shape))
                    continue
                with torch.no_grad():
                    param.copy_(input_param)
        unexpected_keys = [k for k in state_dict.keys() if k not in expected]
        if strict:
            if len(unexpected_keys) > 0:
                error_msgs.insert(0, 'Unexpected key(s) in state_dict: {}. '.format(
                    ', '.join(['"{}"'.format(k) for k in unexpected_keys])))
            if len(missing_keys) > 0:
                error_msgs.insert(0, 'Missing key(s) in state_dict: {}. '.format(
                    ', '.join(['"{}"'.format(k) for k in missing_keys])))
        if len(error_msgs) > 0:
            raise RuntimeError('Error(s) in loading state_dict for {}:\n\t{}'.format(
                type(self).__name__, "\n\t".join(error_msgs)))
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # --- printing -----------------------------------------------------------------------
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        return ''

    def __repr__(self):
        extra_lines = []
        extra_repr = self.extra_repr()
        if extra_repr:
            extra_lines = extra_repr.split('\n')
        child_lines = []
        for key, module in self._modules.items():
            mod_str = _addindent(repr(module), 2)
            child_lines.append('(' + key + '): ' + mod_str)
        lines = extra_lines + child_lines
        main_str = self._get_name() + '('
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main_str += extra_lines[0]
            else:
                main_str += '\n  ' + '\n  '.join(lines) + '\n'
        return main_str + ')'


# Module.__call__ (self.forward(*input, **kwargs)) and Module.__getattr__ (a registered
# parameter, buffer or submodule, else AttributeError) run on every model(x) and every
# self.weight in a forward(): they are native (core/nn/nn_module.cpp) so they cost no frame.
_gl.install_module_dunders(Module)


def _typename(obj):
    # torch.typename: the legacy type name of a tensor ("torch.FloatTensor").
    if isinstance(obj, torch.Tensor):
        return obj.type()
    return type(obj).__name__


def _remove_from(module, name, params, buffers, modules):
    d = module.__dict__
    if name in d:
        object.__delattr__(module, name)
    if params and name in module._parameters:
        del module._parameters[name]
    if buffers and name in module._buffers:
        del module._buffers[name]
        module._non_persistent_buffers_set.discard(name)
    if modules and name in module._modules:
        del module._modules[name]


def _collect_modules(module, memo, prefix, remove_duplicate, out):
    if id(module) in memo:
        return
    if remove_duplicate:
        memo.add(id(module))
    out.append((prefix, module))
    for name, sub in module._modules.items():
        if sub is None:
            continue
        _collect_modules(sub, memo, prefix + ('.' if prefix else '') + name, remove_duplicate, out)


def _named_modules_list(module, prefix=''):
    out = []
    _collect_modules(module, set(), prefix, True, out)
    return out
