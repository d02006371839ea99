// The browser build's float32 matrix product (core/tensor/gemm_wasm_simd.cpp: packed, blocked,
// SIMD128) against two references, on shapes that exercise its edges: odd sizes that leave
// partial register tiles in both directions, K longer than one cache panel (256), transposed
// and sliced operands (the layouts mm's backward hands it), batches, and gradients.
//  1. A float64 product: |C - A·B| <= K * 2^-23 * (|A|·|B|), elementwise (the standard bound
//     for a float32 dot product of length K, with room for the float64 rounding).
//  2. The sequential float32 sum, built from elementwise ops in the program itself
//     (seq = seq + A[:, k:k+1] * B[k:k+1, :] for k = 0..K-1): bit for bit, because the kernel
//     keeps PyTorch's reference-BLAS order (each product rounded, then added, k increasing).
// Shapes below the kernel's threshold take the plain loop and are held to the same checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGradlab, output } from './helpers.mjs';

const M = await loadGradlab();

/** Program text: A [m,k] and B [k,n] in the given layouts, their product, both references. */
function productCase({ m, k, n, ta = false, tb = false, slice = false, seed = 0 }) {
  // Layouts: `ta` makes A the transpose of a row-major [k,m] (strides (1, m)); `slice` takes A
  // and B as every other row and column of bigger matrices (strides (2 cols, 2)).
  const make = (rows, cols, transposed) => {
    if (slice) return `torch.randn(${2 * rows}, ${2 * cols})[::2, 1::2]`;
    return transposed ? `torch.randn(${cols}, ${rows}).t()` : `torch.randn(${rows}, ${cols})`;
  };
  return `import torch
torch.manual_seed(${seed})
A = ${make(m, k, ta)}
B = ${make(k, n, tb)}
C = A @ B
ref = A.double() @ B.double()
bound = A.double().abs() @ B.double().abs()
ratio = ((C.double() - ref).abs() / (bound * ${k} * 2.0 ** -23 + 1e-300)).max().item()
seq = torch.zeros(${m}, ${n})
for i in range(${k}):
    seq = seq + A[:, i:i + 1] * B[i:i + 1, :]
print(list(C.shape), C.dtype, ratio <= 1.0, torch.equal(C, seq))
`;
}

const shapes = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [17, 33, 65],
  [7, 300, 9],
  [13, 257, 31],
  [64, 64, 64],
  [100, 513, 37],
];
for (const [m, k, n] of shapes) {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    test(`${m}x${k} @ ${k}x${n}${ta ? ', A transposed' : ''}${tb ? ', B transposed' : ''}`, () => {
      const s = new M.GradlabSession();
      try {
        const text = output(s, productCase({ m, k, n, ta, tb, seed: m + k + n }));
        assert.equal(text, `[${m}, ${n}] torch.float32 True True\n`);
      } finally {
        s.delete();
      }
    });
  }
}

test('sliced (non-contiguous) operands', () => {
  const s = new M.GradlabSession();
  try {
    const text = output(s, productCase({ m: 29, k: 41, n: 23, slice: true, seed: 5 }));
    assert.equal(text, '[29, 23] torch.float32 True True\n');
  } finally {
    s.delete();
  }
});

test('512x512 @ 512x512, and with A transposed', () => {
  const s = new M.GradlabSession();
  try {
    assert.equal(output(s, productCase({ m: 512, k: 512, n: 512, seed: 1 })), '[512, 512] torch.float32 True True\n');
    assert.equal(
      output(s, productCase({ m: 512, k: 512, n: 512, ta: true, seed: 2 })),
      '[512, 512] torch.float32 True True\n',
    );
  } finally {
    s.delete();
  }
});

test('batched matmul (bmm) through the same kernel, per batch', () => {
  const s = new M.GradlabSession();
  try {
    const text = output(
      s,
      `import torch
torch.manual_seed(3)
A = torch.randn(3, 19, 45)
B = torch.randn(3, 45, 26)
C = torch.matmul(A, B)
ok = True
for b in range(3):
    seq = torch.zeros(19, 26)
    for i in range(45):
        seq = seq + A[b, :, i:i + 1] * B[b, i:i + 1, :]
    ok = ok and torch.equal(C[b], seq)
err = (C.double() - A.double() @ B.double()).abs().max().item()
print(list(C.shape), ok, err < 1e-4)
`,
    );
    assert.equal(text, '[3, 19, 26] True True\n');
  } finally {
    s.delete();
  }
});

test('nn.Linear through the same kernel: the reference order, bias added last or first', () => {
  const s = new M.GradlabSession();
  try {
    // A batch through nn.Linear sums each dot product from zero and adds the bias last; with
    // the weight a transposed view (F.linear(x, M.t(), b)) PyTorch's gemm sums the products onto
    // the bias instead (linear.cpp). Both are checked bit for bit against the sequential sums
    // (which PyTorch 1.13 matches on this program: True True False True), at sizes the SIMD
    // kernel takes.
    const text = output(
      s,
      `import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(4)
lin = nn.Linear(70, 33)
x = torch.randn(40, 70)
W, b = lin.weight.detach(), lin.bias.detach()
M = torch.randn(70, 33)
y = lin(x)
seq = torch.zeros(40, 33)
for i in range(70):
    seq = seq + x[:, i:i + 1] * W.t()[i:i + 1, :]
onto = b.expand(40, 33)
for i in range(70):
    onto = onto + x[:, i:i + 1] * M[i:i + 1, :]
seq2 = torch.zeros(40, 33)
for i in range(70):
    seq2 = seq2 + x[:, i:i + 1] * M[i:i + 1, :]
z = F.linear(x, M.t(), b)
y.sum().backward()
print(y.grad_fn.name(), torch.equal(y, seq + b), torch.equal(z, onto), torch.equal(z, seq2 + b), torch.equal(lin.weight.grad, torch.ones(33, 40) @ x))
`,
    );
    assert.equal(text, 'AddmmBackward0 True True False True\n');
  } finally {
    s.delete();
  }
});

test('mm backward: A.grad = G·Bᵀ and B.grad = Aᵀ·G through transposed views', () => {
  const s = new M.GradlabSession();
  try {
    const text = output(
      s,
      `import torch
torch.manual_seed(4)
A = torch.randn(37, 70, requires_grad=True)
B = torch.randn(70, 21, requires_grad=True)
G = torch.randn(37, 21)
(A @ B).backward(G)
ga = G.double() @ B.detach().double().t()
gb = A.detach().double().t() @ G.double()
sa = torch.zeros(37, 70)
for i in range(21):
    sa = sa + G[:, i:i + 1] * B.detach().t()[i:i + 1, :]
sb = torch.zeros(70, 21)
for i in range(37):
    sb = sb + A.detach().t()[:, i:i + 1] * G[i:i + 1, :]
print(torch.equal(A.grad, sa), torch.equal(B.grad, sb),
      (A.grad.double() - ga).abs().max().item() < 1e-4, (B.grad.double() - gb).abs().max().item() < 1e-4)
`,
    );
    assert.equal(text, 'True True True True\n');
  } finally {
    s.delete();
  }
});

test('special values propagate as in the plain loop (inf, nan, -0)', () => {
  const s = new M.GradlabSession();
  try {
    const text = output(
      s,
      `import torch
A = torch.zeros(8, 64)
B = torch.ones(64, 8)
A[0, 3] = float('inf')
A[1, 5] = float('nan')
A[2, :] = -0.0
C = A @ B
print(C[0, 0].item(), C[0, 2].item(), C[1, 1].item(), str(C[2, 0].item()), C[3, 3].item())
`,
    );
    // inf spreads along its row, nan too; a row of -0 products sums to +0 (the sum starts at 0).
    assert.equal(text, 'inf inf nan 0.0 0.0\n');
  } finally {
    s.delete();
  }
});
