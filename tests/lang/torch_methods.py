import torch


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__ + ":", e)


x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
m = torch.tensor([[1.0, 7.0, 3.0], [4.0, 2.0, 6.5]])
i = torch.tensor([3, 9, 2, 9])

# elementwise, as functions and methods, with keyword names
print(torch.add(x, 1, alpha=2), x.sub(1), torch.subtract(x, x), torch.rsub(x, 1), x.mul(2), torch.multiply(x, x))
print(x.div(2), torch.div(x, 2, rounding_mode="floor"), torch.div(i, 2, rounding_mode="trunc"), torch.true_divide(i, 2))
print(torch.div(-i, 2, rounding_mode="trunc"), i.floor_divide(2), torch.remainder(i, 4), x.pow(2), torch.pow(2, x))
print(torch.square(x), x.neg(), torch.negative(x), x.abs(), torch.absolute(i), x.sign(), torch.sign(i))
print(torch.exp(x), x.sigmoid(), x.tanh(), x.relu(), x.sin(), x.cos().round(decimals=3), torch.tan(x))
p = torch.tensor([0.25, 1.0, 4.0])
print(p.log(), p.log2(), torch.log10(p), p.sqrt(), p.reciprocal(), torch.floor(x), x.ceil(), x.round())
print(x.clamp(-1, 1), x.clamp(min=0), torch.clamp(x, max=0.5), x.clip(-0.5, 0.5), torch.clamp(i, 3, 5))
show("clamp none", lambda: x.clamp())
print(torch.maximum(x, torch.zeros(5)), torch.minimum(i, torch.tensor(5)), x.maximum(-x))
print(torch.where(x > 0, x, 0.0), x.where(x > 0, torch.tensor(-1.0)), torch.where(x > 0), torch.nonzero(i > 2))
print(torch.nonzero(m > 3, as_tuple=True), torch.where(m > 3, 1, 0))
print(x.eq(0), x.ne(0), torch.lt(x, 0), x.le(0), x.gt(0), x.ge(0), torch.greater(i, 3), torch.less_equal(i, 3))
print(torch.logical_and(x > -1, x < 1), torch.logical_or(x < -1, x > 1), (x > 0).logical_not(), torch.logical_xor(x > 0, x > 1))
print(torch.bitwise_and(i, 1), i.bitwise_or(4), torch.bitwise_xor(i, i), torch.bitwise_not(i > 3))
n = torch.tensor([1.0, float("inf"), float("nan")])
print(n.isnan(), torch.isinf(n), n.isfinite(), torch.allclose(x, x + 1e-9), x.allclose(x + 1), torch.equal(i, i.clone()))

# in-place methods return self
f = torch.tensor([1.0, 2.0, 3.0])
print(f.add_(1), f.sub_(0.5, alpha=2), f.mul_(2), f.div_(4), f.pow_(2), f.clamp_(max=1.5), f.clip_(min=1.2))
print(f.zero_(), f.fill_(2.5), f.copy_(torch.tensor([1.0, 2.0, 3.0])), f.masked_fill_(f > 1, 0.0), f)

# reductions
print(m.sum(), m.sum(0), m.sum(dim=1, keepdim=True), torch.sum(m, axis=0), m.sum(dtype=torch.float64), i.sum())
print(m.mean(), m.mean(1), torch.mean(m, dim=(0, 1)), m.mean(dtype=torch.float64), i.float().mean())
show("mean long", lambda: i.mean())
print(m.prod(), m.prod(1), torch.prod(m, 0, keepdim=True), i.prod(), m.cumsum(1), torch.cumsum(i, dim=0), i.cumsum(0).dtype)
print(m.max(), m.min(), m.max(1), m.min(dim=0, keepdim=True), torch.max(m, 1)[1], torch.max(m, torch.ones(3) * 4))
v, j = torch.min(m, 1)
print(v, j, m.max(1).values, m.max(1).indices, len(m.max(1)), list(m.min(0)))
print(m.argmax(), m.argmin(1), torch.argmax(m, dim=0, keepdim=True), i.argmax(), i.max(), i.min(0))
print(m.var(), m.std(), m.var(1), m.std(0, unbiased=False), torch.var(m, dim=1, keepdim=True), m.std(False), m.var(True))
print(m.norm(), m.norm(1), torch.norm(m, dim=1), m.norm(p=2, dim=0, keepdim=True), m.norm(p="fro"), torch.linalg.norm(x))
print((x > 0).any(), (x > -3).all(), torch.any(m > 6, dim=1), (m > 1).all(0), torch.all(i > 0))

# linear algebra
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
u = torch.tensor([1.0, -1.0])
print(a.matmul(a), torch.mm(a, a), a.mv(u), torch.mv(a, u), u.dot(u), torch.outer(u, u), u.ger(u))
print(torch.bmm(a.unsqueeze(0), a.unsqueeze(0)), a.diag(), torch.diag(u), torch.diag(a, 1), a.trace(), torch.trace(a))
print(torch.linalg.matmul(a, u), torch.linalg.vector_norm(u))
res = torch.linalg.svd(torch.tensor([[3.0, 0.0], [0.0, 2.0]]))
print(res.S, res.U.abs(), res.Vh.abs(), type(res).__name__)
show("mm shape", lambda: torch.mm(a, torch.ones(3, 2)))

# shape and views
c = torch.arange(24).reshape(2, 3, 4)
print(c.view(6, 4).shape, c.view(-1).shape, c.view((4, 6)).shape, c.reshape(4, -1).shape, torch.reshape(c, (24,)).shape)
print(c.flatten().shape, c.flatten(1).shape, torch.flatten(c, 0, 1).shape, c.view_as(torch.zeros(6, 4)).shape)
print(c.unsqueeze(0).shape, torch.unsqueeze(c, -1).shape, torch.zeros(1, 3, 1).squeeze().shape, torch.zeros(1, 3, 1).squeeze(0).shape)
print(c.transpose(0, 2).shape, torch.transpose(c, 1, 2).shape, c.swapaxes(0, 1).shape, c.permute(2, 0, 1).shape, torch.permute(c, (1, 0, 2)).shape)
print(a.t(), torch.t(a), a.T, u.expand(3, 2), u.expand_as(a), torch.broadcast_to(u, (2, 2)), u.repeat(2), u.repeat(2, 2))
print(torch.cat([a, a]), torch.cat((a, a), dim=1), torch.concat([u, u]), torch.cat([u, u], axis=0), torch.stack([u, u], dim=1))
print(c.flip(0)[0, 0], torch.flip(u, [0]), u.flip(0), a.flip(0, 1))
print(a.clone(), a.T.contiguous().is_contiguous(), a.T.is_contiguous(), a.detach(), torch.select(a, 1, 0), a.select(0, 1))
print(torch.index_select(a, 0, torch.tensor([1, 1, 0])), a.masked_fill(a > 2, -1.0), torch.narrow(c, 2, 1, 2).shape, a.narrow(0, 1, 1))
print(torch.unbind(a), a.unbind(1), torch.split(torch.arange(5), 2), torch.arange(5).split([1, 4]), torch.chunk(torch.arange(5), 3))
print(c.numel(), c.nelement(), c.dim(), c.ndimension(), c.size(), c.size(1), c.size(dim=-1), c.element_size(), a.element_size())
show("view bad", lambda: c.transpose(0, 1).view(-1))
show("cat bad", lambda: torch.cat(a))
show("size bad", lambda: c.size(5))

# conversions
print(a.to(torch.float64), a.to(dtype=torch.int64), a.to("cpu") is a, a.to(a) is a, a.to(i), a.float() is a, a.long(), a.bool())
print(a.double().dtype, a.int().dtype, a.type(torch.int64), a.type("torch.DoubleTensor"), a.type_as(i), a.cpu() is a)
print(a.is_floating_point(), torch.is_floating_point(i), a.is_contiguous(), a.new_zeros(2), a.new_ones((1, 2)), a.new_full((2,), 5))
print(i.new_tensor([1.5, 2.5]), a.new_zeros(2, dtype=torch.int64), a.to(torch.float64, copy=True))
show("cuda", lambda: a.cuda())
show("zeros cuda", lambda: torch.zeros(2, device="cuda"))
show("device cpu", lambda: torch.zeros(1, device=torch.device("cpu")))
show("to cuda", lambda: a.to("cuda"))
show("type bad", lambda: a.type("int"))
