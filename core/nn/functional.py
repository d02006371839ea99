# torch.nn.functional for gradlab, written in gradlab's Python subset.
#
# Each function follows PyTorch 1.13's torch/nn/functional.py (argument names, defaults,
# checks and error wording) and reaches the same kernels: the exactness-critical ones
# (linear, the losses, softmax and log_softmax) are native functions of the private module
# torch._gradlab (core/nn/*.cpp), the rest are compositions of tensor ops, in PyTorch's order.
import torch
import torch._gradlab as _gl


# --- reductions (torch/nn/_reduction.py) ----------------------------------------------------
def _reduction_enum(reduction):
    if reduction == 'none':
        return 0
    if reduction == 'mean' or reduction == 'elementwise_mean':
        return 1
    if reduction == 'sum':
        return 2
    raise ValueError("{} is not a valid value for reduction".format(reduction))


def _legacy_reduction(size_average, reduce):
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        return 'mean'
    if reduce:
        return 'sum'
    return 'none'


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _reduction_enum(_legacy_reduction(size_average, reduce))
    return _reduction_enum(reduction)


def _apply_reduction(loss, enum):
    if enum == 1:
        return loss.mean()
    if enum == 2:
        return loss.sum()
    return loss


# --- layers ---------------------------------------------------------------------------------
def linear(input, weight, bias=None):
    return _gl.linear(input, weight, bias)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    if scale_grad_by_freq:
        raise NotImplementedError("gradlab's embedding does not support scale_grad_by_freq=True")
    if sparse:
        raise NotImplementedError("gradlab has no sparse tensors: use embedding(..., sparse=False)")
    if max_norm is not None:
        input = input.contiguous()
        _embedding_renorm_(weight, input, max_norm, norm_type)
    return _gl.embedding(weight, input, padding_idx)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    # ATen's embedding_renorm_: each distinct row looked up, in sorted order, is scaled down
    # to max_norm when its norm exceeds it.
    with torch.no_grad():
        rows = sorted(set(input.reshape(-1).tolist()))
        for i in rows:
            row = weight[i]
            norm = row.norm(norm_type).item()
            if norm > max_norm:
                row.mul_(max_norm / (norm + 1e-7))
    return weight


def dropout(input, p=0.5, training=True, inplace=False):
    if p < 0.0 or p > 1.0:
        raise ValueError("dropout probability has to be between 0 and 1, but got {}".format(p))
    # ATen's _dropout (the CPU path of at::dropout): a bernoulli(1 - p) keep mask scaled by
    # 1 / (1 - p), multiplied into the input.
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        if inplace:
            return input.mul_(torch.zeros(()))
        return input * torch.zeros(())
    noise = torch.empty_like(input)
    noise.bernoulli_(1 - p)
    noise.div_(1 - p)
    if inplace:
        return input.mul_(noise)
    return input * noise


# --- activations ----------------------------------------------------------------------------
def relu(input, inplace=False):
    if inplace:
        return torch.relu_(input)
    return torch.relu(input)


def sigmoid(input):
    return torch.sigmoid(input)


def tanh(input):
    return torch.tanh(input)


def _softmax_dim(ndim):
    if ndim == 0 or ndim == 1 or ndim == 3:
        return 0
    return 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim(input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return _gl.softmax(input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim(input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return _gl.log_softmax(input, dim)


# --- losses ---------------------------------------------------------------------------------
def l1_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    enum = _reduction(size_average, reduce, reduction)
    pair = _gl.broadcast_tensors(input, target)
    return _apply_reduction((pair[0] - pair[1]).abs(), enum)


def mse_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    enum = _reduction(size_average, reduce, reduction)
    pair = _gl.broadcast_tensors(input, target)
    return _gl.mse_loss(pair[0], pair[1], enum)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction='mean'):
    enum = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(
            "Using a target size ({}) that is different to the input size ({}) is deprecated. "
            "Please ensure they have the same size.".format(target.size(), input.size()))
    if weight is not None:
        weight = _gl.broadcast_tensors(weight, target)[0]
    return _gl.binary_cross_entropy(input, target, weight, enum)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction='mean', pos_weight=None):
    enum = _reduction(size_average, reduce, reduction)
    if not (target.size() == input.size()):
        raise ValueError("Target size ({}) must be the same as input size ({})".format(
            target.size(), input.size()))
    return _gl.binary_cross_entropy_with_logits(input, target, weight, pos_weight, enum)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction='mean'):
    enum = _reduction(size_average, reduce, reduction)
    return _gl.nll_loss(input, target, weight, enum, ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction='mean', label_smoothing=0.0):
    enum = _reduction(size_average, reduce, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if target.is_floating_point():
        return _cross_entropy_probs(input, target, weight, enum, label_smoothing, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: {}".format(
                label_smoothing))
        return _cross_entropy_smoothed(input, target, weight, enum, ignore_index, label_smoothing,
                                       class_dim)
    return _gl.nll_loss(_gl.log_softmax(input, class_dim), target, weight, enum, ignore_index)


def _cross_entropy_probs(input, target, weight, enum, label_smoothing, class_dim):
    # ATen's cross_entropy_loss_prob_target.
    n_classes = input.size(class_dim)
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        raise RuntimeError("cross_entropy: weight tensor should be defined either for all {} "
                           "classes or no classes but got weight tensor of shape: {}".format(
                               n_classes, list(weight.shape)))
    logp = _gl.log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: {}".format(
                label_smoothing))
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = n_classes
        logp = logp * weight.view(shape)
    if enum == 1:
        return _gl.div_scalar(-(logp * target).sum(), input.numel() // n_classes)
    if enum == 2:
        return -(logp * target).sum()
    return -(logp * target).sum(class_dim)


def _cross_entropy_smoothed(input, target, weight, enum, ignore_index, label_smoothing,
                            class_dim):
    # ATen's cross_entropy_loss_label_smoothing.
    logp = _gl.log_softmax(input, class_dim)
    nll = _gl.nll_loss(logp, target, weight, enum, ignore_index)
    n_classes = logp.size(class_dim)
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = n_classes
        smooth = -(logp * weight.view(shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    ignore_mask = target == ignore_index
    smooth = smooth.masked_fill(ignore_mask, 0.0)
    if enum == 1:
        if weight is not None:
            ret = smooth.sum() / weight[target.reshape(-1)[~ignore_mask.reshape(-1)]].sum()
        else:
            ret = smooth.sum() / (~ignore_mask).sum()
    elif enum == 2:
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - label_smoothing) * nll + ret * (label_smoothing / n_classes)
