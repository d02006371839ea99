// Completion of torch names in the editor: a static list of what students type most
// (torch.*, nn.*, optim.*, F.*, plot.*, tensor methods). No DOM, no worker round trip.

const words = (s) => s.trim().split(/\s+/);

/** Names after `<prefix>.`; `tensor` is used after any other `name.`. */
export const NAMESPACES = {
  torch: words(`
    tensor zeros ones zeros_like ones_like full full_like empty arange linspace eye rand randn
    randint randperm rand_like randn_like manual_seed seed normal bernoulli multinomial
    cat stack split chunk reshape flatten squeeze unsqueeze transpose permute t narrow gather
    where masked_select index_select take clamp clip abs neg exp log log2 log10 log1p expm1
    sqrt rsqrt sin cos tan tanh sigmoid relu pow square sign floor ceil round trunc frac
    sum mean std var prod max min argmax argmin amax amin cumsum cumprod median mode logsumexp
    norm dist dot matmul mm bmm mv outer einsum allclose equal isclose isnan isinf sort topk
    argsort unique diag tril triu trace det inverse svd qr linalg no_grad enable_grad
    set_grad_enabled is_tensor numel float32 float64 float int64 long int32 int bool
    float16 double Tensor Size dtype device nn optim set_printoptions softmax log_softmax
    from_numpy as_tensor clone detach flip roll broadcast_to meshgrid`),
  nn: words(`
    Module Linear Embedding Sequential ModuleList ReLU Sigmoid Tanh Softmax LogSoftmax
    Dropout Identity Flatten MSELoss L1Loss BCELoss BCEWithLogitsLoss CrossEntropyLoss NLLLoss
    Parameter init functional LayerNorm BatchNorm1d GELU LeakyReLU ELU SiLU Softplus CosineSimilarity`),
  optim: words(`SGD Adam AdamW RMSprop Adagrad lr_scheduler Optimizer`),
  lr_scheduler: words(`StepLR ExponentialLR MultiStepLR LambdaLR CosineAnnealingLR`),
  F: words(`
    relu sigmoid tanh softmax log_softmax mse_loss l1_loss cross_entropy nll_loss
    binary_cross_entropy binary_cross_entropy_with_logits linear embedding dropout gelu
    leaky_relu elu silu softplus normalize cosine_similarity one_hot pad`),
  init: words(
    `normal_ uniform_ zeros_ ones_ constant_ xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_`,
  ),
  plot: words(`line live heatmap scatter embeddings live_embeddings`),
  plt: words(`plot scatter title xlabel ylabel text show figure legend`),
  sns: words(`lineplot heatmap scatterplot`),
  tensor: words(`
    item tolist numpy size shape dim ndim numel dtype requires_grad grad grad_fn backward
    detach clone requires_grad_ zero_ fill_ normal_ uniform_ add add_ sub sub_ mul mul_ div div_
    pow exp log sqrt abs neg sum mean std var prod max min argmax argmin norm matmul mm t T
    transpose permute reshape view view_as flatten squeeze unsqueeze expand expand_as repeat
    contiguous float double long int bool to type_as clamp clamp_ sigmoid relu tanh softmax
    log_softmax round floor ceil sign cumsum sort topk gather index_select masked_fill
    masked_fill_ eq ne lt le gt ge all any retain_grad is_leaf data
    parameters named_parameters zero_grad step state_dict eval train forward param_groups`),
};

/** gradlab's names at the start of an expression (Python's builtins and keywords come from
 * @codemirror/lang-python's own completion). */
export const GLOBALS = words(`torch nn optim F plot plt sns tqdm slider lr_scheduler`);

/**
 * CodeMirror completion source.
 * @param {import('@codemirror/autocomplete').CompletionContext} ctx
 */
export function torchCompletions(ctx) {
  const m = ctx.matchBefore(/(?:[A-Za-z_][\w]*\.)*[A-Za-z_]?\w*$/);
  if (!m || (m.from === m.to && !ctx.explicit)) return null;
  const text = m.text;
  const dot = text.lastIndexOf('.');
  if (dot >= 0) {
    const owner = text.slice(0, dot).split('.').pop();
    const names = NAMESPACES[owner] || NAMESPACES.tensor;
    const kind = NAMESPACES[owner] ? 'function' : 'method';
    return {
      from: m.from + dot + 1,
      options: names.map((label) => ({ label, type: /^[A-Z]/.test(label) ? 'class' : kind })),
      validFor: /^\w*$/,
    };
  }
  return {
    from: m.from,
    options: GLOBALS.map((label) => ({ label, type: 'namespace' })),
    validFor: /^\w*$/,
  };
}
