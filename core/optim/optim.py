# torch.optim for gradlab, written in gradlab's Python subset.
#
# Each optimizer is PyTorch 1.13's single-tensor implementation (torch/optim/*.py, the path
# CPU tensors take by default): the same tensor ops in the same order, so parameters match
# PyTorch bit for bit. addcmul_/addcdiv_ are native (torch._gradlab, core/optim/pointwise.cpp)
# with PyTorch's AVX2 rounding, and Adam's update runs as one native pass with the same bits
# when it can (_gl.adam_, core/optim/adam.cpp). step() runs under no_grad, reads each group's
# hyper-parameters (so param_groups[i]['lr'] is writable), and advances step counters once per
# call.
import math
import torch
import torch._gradlab as _gl


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    # torch.typename: the legacy type name of a tensor ("torch.FloatTensor").
    if isinstance(obj, torch.Tensor):
        return obj.type()
    return type(obj).__name__


class _State:
    """Optimizer.state: PyTorch's defaultdict(dict), keyed by parameter."""

    def __init__(self):
        self._d = {}

    def __getitem__(self, key):
        if key not in self._d:
            self._d[key] = {}
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

    def __repr__(self):
        return "defaultdict(<class 'dict'>, " + repr(self._d) + ")"


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, torch.Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = _State()
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)
        self._step_count = 0

    def __repr__(self):
        format_string = type(self).__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            format_string += '\n'
            format_string += 'Parameter Group {0}\n'.format(i)
            for key in sorted(group.keys()):
                if key != 'params':
                    format_string += '    {0}: {1}\n'.format(key, group[key])
        format_string += ')'
        return format_string

    def add_param_group(self, param_group):
        assert isinstance(param_group, dict), "param group must be a dict"
        params = param_group['params']
        if isinstance(params, torch.Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError('optimizer parameters need to be organized in ordered collections, '
                            'but the ordering of tensors in sets will change between runs. Please '
                            'use a list instead.')
        else:
            param_group['params'] = list(params)
        for param in param_group['params']:
            if not isinstance(param, torch.Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " +
                                _typename(param))
            if not (param.is_leaf or getattr(param, 'retains_grad', False)):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required optimization "
                                 "parameter " + name)
            else:
                param_group.setdefault(name, default)
        seen = set()
        for group in self.param_groups:
            for p in group['params']:
                seen.add(id(p))
        for p in param_group['params']:
            if id(p) in seen:
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # zero_grad(self, set_to_none=False) is native (core/nn/per_step.cpp, installed below SGD):
    # per parameter of each group that has a grad, set it to None, or detach it (requires_grad
    # off) and zero it in place -- PyTorch 1.13's loop.

    def step(self, closure=None):
        raise NotImplementedError

    def _state_of(self, p):
        return self.state[p]

    def state_dict(self):
        index = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {}
            for k, v in group.items():
                if k != 'params':
                    packed[k] = v
            ids = []
            for p in group['params']:
                if id(p) not in index:
                    index[id(p)] = start
                    start += 1
                ids.append(index[id(p)])
            packed['params'] = ids
            groups.append(packed)
        packed_state = {}
        for group in self.param_groups:
            for p in group['params']:
                if p in self.state:
                    packed_state[index[id(p)]] = self.state[p]
        return {'state': packed_state, 'param_groups': groups}

    def load_state_dict(self, state_dict):
        groups = self.param_groups
        saved_groups = state_dict['param_groups']
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for g, s in zip(groups, saved_groups):
            if len(g['params']) != len(s['params']):
                raise ValueError("loaded state dict contains a parameter group that doesn't match "
                                 "the size of optimizer's group")
        id_map = {}
        for g, s in zip(groups, saved_groups):
            for old_id, p in zip(s['params'], g['params']):
                id_map[old_id] = p
        state = _State()
        for k, v in state_dict['state'].items():
            if k in id_map:
                copied = {}
                for key, value in v.items():
                    copied[key] = value.clone() if isinstance(value, torch.Tensor) else value
                state[id_map[k]] = copied
        self.state = state
        new_groups = []
        for g, s in zip(groups, saved_groups):
            ng = {}
            for k, v in s.items():
                ng[k] = v
            ng['params'] = g['params']
            new_groups.append(ng)
        self.param_groups = new_groups


def _with_grads(group):
    return [p for p in group['params'] if p.grad is not None]


class SGD(Optimizer):
    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False):
        if lr is not required and lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if momentum < 0.0:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if weight_decay < 0.0:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        self._step_count += 1
        with torch.no_grad():
            for group in self.param_groups:
                # The loop below, natively (core/nn/nn_module.cpp), when the hyper-parameters
                # are plain numbers.
                if _gl.sgd(group['params'], self.state._d, group['weight_decay'],
                           group['momentum'], group['lr'], group['dampening'], group['nesterov'],
                           group['maximize']):
                    continue
                weight_decay = group['weight_decay']
                momentum = group['momentum']
                dampening = group['dampening']
                nesterov = group['nesterov']
                lr = group['lr']
                for param in _with_grads(group):
                    d_p = param.grad if not group['maximize'] else -param.grad
                    if weight_decay != 0:
                        d_p = d_p.add(param, alpha=weight_decay)
                    if momentum != 0:
                        state = self._state_of(param)
                        buf = state.get('momentum_buffer')
                        if buf is None:
                            buf = torch.clone(d_p).detach()
                            state['momentum_buffer'] = buf
                        else:
                            buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                        if nesterov:
                            d_p = d_p.add(buf, alpha=momentum)
                        else:
                            d_p = buf
                    else:
                        self._state_of(param)['momentum_buffer'] = None
                    param.add_(d_p, alpha=-lr)
        return loss


def _check_adam_args(lr, betas, eps, weight_decay):
    if not 0.0 <= lr:
        raise ValueError("Invalid learning rate: {}".format(lr))
    if not 0.0 <= eps:
        raise ValueError("Invalid epsilon value: {}".format(eps))
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError("Invalid beta parameter at index 0: {}".format(betas[0]))
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError("Invalid beta parameter at index 1: {}".format(betas[1]))
    if not 0.0 <= weight_decay:
        raise ValueError("Invalid weight_decay value: {}".format(weight_decay))


def _adam_state(opt, p, amsgrad):
    state = opt._state_of(p)
    if len(state) == 0:
        state['step'] = torch.tensor(0.)
        state['exp_avg'] = torch.zeros_like(p)
        state['exp_avg_sq'] = torch.zeros_like(p)
        if amsgrad:
            state['max_exp_avg_sq'] = torch.zeros_like(p)
    return state


def _adam_bias_corrections(state, beta1, beta2, lr):
    step = state['step'].item()
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = math.sqrt(bias_correction2)
    return step_size, bias_correction2_sqrt


def _adam_moments(grad, exp_avg, exp_avg_sq, beta1, beta2):
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    _gl.addcmul_(exp_avg_sq.mul_(beta2), grad, grad, 1 - beta2)


def _adam_update(param, grad, state, amsgrad, beta1, beta2, lr, eps):
    # The tail shared by _single_tensor_adam and _single_tensor_adamw (non-capturable).
    exp_avg = state['exp_avg']
    exp_avg_sq = state['exp_avg_sq']
    if amsgrad:
        _adam_moments(grad, exp_avg, exp_avg_sq, beta1, beta2)
        step_size, bias_correction2_sqrt = _adam_bias_corrections(state, beta1, beta2, lr)
        max_exp_avg_sq = state['max_exp_avg_sq']
        max_exp_avg_sq.copy_(torch.maximum(max_exp_avg_sq, exp_avg_sq))
        denom = (max_exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    else:
        # The bias corrections first (the moments do not change what they read), so that the
        # whole update can run as one native pass with the same bits (_gl.adam_,
        # core/optim/adam.cpp). Should they raise, the moments are updated first, as in PyTorch.
        try:
            step_size, bias_correction2_sqrt = _adam_bias_corrections(state, beta1, beta2, lr)
        except BaseException:
            _adam_moments(grad, exp_avg, exp_avg_sq, beta1, beta2)
            raise
        if _gl.adam_(param, grad, exp_avg, exp_avg_sq, beta1, beta2, -step_size,
                     bias_correction2_sqrt, eps):
            return
        _adam_moments(grad, exp_avg, exp_avg_sq, beta1, beta2)
        denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    _gl.addcdiv_(param, exp_avg, denom, -step_size)


# Optimizer.zero_grad and, for plain-number settings without a closure, SGD.step run natively
# (core/nn/per_step.cpp); SGD.step above is what runs otherwise.
_gl.install_optimizer_natives(Optimizer, SGD)


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        self._step_count += 1
        with torch.no_grad():
            for group in self.param_groups:
                beta1 = group['betas'][0]
                beta2 = group['betas'][1]
                amsgrad = group['amsgrad']
                weight_decay = group['weight_decay']
                params = _with_grads(group)
                states = [_adam_state(self, p, amsgrad) for p in params]
                for i in range(len(params)):
                    param = params[i]
                    state = states[i]
                    grad = param.grad if not group['maximize'] else -param.grad
                    state['step'] += 1
                    if weight_decay != 0:
                        grad = grad.add(param, alpha=weight_decay)
                    _adam_update(param, grad, state, amsgrad, beta1, beta2, group['lr'],
                                 group['eps'])
        return loss


class AdamW(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        foreach=foreach, maximize=maximize, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        self._step_count += 1
        with torch.no_grad():
            for group in self.param_groups:
                beta1 = group['betas'][0]
                beta2 = group['betas'][1]
                amsgrad = group['amsgrad']
                lr = group['lr']
                params = _with_grads(group)
                states = [_adam_state(self, p, amsgrad) for p in params]
                for i in range(len(params)):
                    param = params[i]
                    state = states[i]
                    grad = param.grad if not group['maximize'] else -param.grad
                    state['step'] += 1
                    param.mul_(1 - lr * group['weight_decay'])
                    _adam_update(param, grad, state, amsgrad, beta1, beta2, lr, group['eps'])
        return loss


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= momentum:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= alpha:
            raise ValueError("Invalid alpha value: {}".format(alpha))
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        self._step_count += 1
        with torch.no_grad():
            for group in self.param_groups:
                alpha = group['alpha']
                momentum = group['momentum']
                lr = group['lr']
                params = _with_grads(group)
                states = []
                for p in params:
                    state = self._state_of(p)
                    if len(state) == 0:
                        state['step'] = 0
                        state['square_avg'] = torch.zeros_like(p)
                        if momentum > 0:
                            state['momentum_buffer'] = torch.zeros_like(p)
                        if group['centered']:
                            state['grad_avg'] = torch.zeros_like(p)
                    state['step'] += 1
                    states.append(state)
                for i in range(len(params)):
                    param = params[i]
                    state = states[i]
                    grad = param.grad if not group['maximize'] else -param.grad
                    square_avg = state['square_avg']
                    if group['weight_decay'] != 0:
                        grad = grad.add(param, alpha=group['weight_decay'])
                    _gl.addcmul_(square_avg.mul_(alpha), grad, grad, 1 - alpha)
                    if group['centered']:
                        grad_avg = state['grad_avg']
                        grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
                        avg = _gl.addcmul_(square_avg.clone(), grad_avg, grad_avg, -1).sqrt()
                    else:
                        avg = square_avg.sqrt()
                    avg = avg.add_(group['eps'])
                    if momentum > 0:
                        buf = state['momentum_buffer']
                        _gl.addcdiv_(buf.mul_(momentum), grad, avg, 1)
                        param.add_(buf, alpha=-lr)
                    else:
                        _gl.addcdiv_(param, grad, avg, -lr)
        return loss


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= lr_decay:
            raise ValueError("Invalid lr_decay value: {}".format(lr_decay))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: {}".format(
                initial_accumulator_value))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group['params']:
                state = self._state_of(p)
                state['step'] = torch.tensor(0.0)
                state['sum'] = torch.full_like(p, initial_accumulator_value)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        self._step_count += 1
        with torch.no_grad():
            for group in self.param_groups:
                lr = group['lr']
                for param in _with_grads(group):
                    state = self.state[param]
                    step_t = state['step']
                    step_t += 1
                    step = step_t.item()
                    grad = param.grad if not group['maximize'] else -param.grad
                    if group['weight_decay'] != 0:
                        grad = grad.add(param, alpha=group['weight_decay'])
                    clr = lr / (1 + (step - 1) * group['lr_decay'])
                    _gl.addcmul_(state['sum'], grad, grad, 1)
                    std = state['sum'].sqrt().add_(group['eps'])
                    _gl.addcdiv_(param, grad, std, -clr)
        return loss


import torch.optim.lr_scheduler as lr_scheduler

# Importing torch.optim makes torch.nn available too (as `import torch` does in PyTorch).
import torch.nn
