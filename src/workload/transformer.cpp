#include "loopfront/workload/transformer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::workload {
namespace {

constexpr int kMaxBits = 64;

template <typename Enum, std::size_t kSize>
using NameTable = std::array<std::pair<Enum, std::string_view>, kSize>;

constexpr NameTable<Phase, 2> kPhaseNames = {{{Phase::kPrefill, "prefill"}, {Phase::kDecode, "decode"}}};
constexpr NameTable<Activation, 3> kActivationNames = {
    {{Activation::kGelu, "gelu"}, {Activation::kSwiGlu, "swiglu"}, {Activation::kGeGlu, "geglu"}}};
constexpr NameTable<Norm, 2> kNormNames = {{{Norm::kLayerNorm, "layernorm"}, {Norm::kRmsNorm, "rmsnorm"}}};
constexpr NameTable<NormPlacement, 2> kPlacementNames = {
    {{NormPlacement::kPost, "post"}, {NormPlacement::kPre, "pre"}}};
constexpr NameTable<Positions, 3> kPositionsNames = {
    {{Positions::kNone, "none"}, {Positions::kAbsolute, "absolute"}, {Positions::kRotary, "rotary"}}};
constexpr NameTable<LmHead, 3> kLmHeadNames = {{{LmHead::kNone, "none"}, {LmHead::kLast, "last"}, {LmHead::kAll, "all"}}};

template <typename Enum, std::size_t kSize>
std::string_view NameOf(const NameTable<Enum, kSize>& table, Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  throw util::InternalError("enum value without a name");
}

template <typename Enum, std::size_t kSize>
std::optional<Enum> ValueOf(const NameTable<Enum, kSize>& table, std::string_view text) {
  for (const auto& [entry, name] : table) {
    if (name == text) return entry;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t kSize>
std::vector<std::string> NamesOf(const NameTable<Enum, kSize>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

// Heads and FFN width of one layer (the per-layer lists when given).
std::int64_t LayerHeads(const TransformerSpec& spec, std::int64_t layer) {
  return spec.layer_heads.empty() ? spec.heads : spec.layer_heads[static_cast<std::size_t>(layer)];
}
std::int64_t LayerDff(const TransformerSpec& spec, std::int64_t layer) {
  return spec.layer_d_ff.empty() ? spec.d_ff : spec.layer_d_ff[static_cast<std::size_t>(layer)];
}

// A tensor of the op being built, named by its dims.
struct TensorUse {
  std::string name;
  std::vector<std::string> dims;
};

// Builds one block's ops with consistent dim names (docs/workloads.md, "Dimension names").
class BlockBuilder {
 public:
  explicit BlockBuilder(const TransformerSpec& spec)
      : spec_(spec), token_rows_(spec.batch * spec.TokensPerSequence()) {}

  // out[m,n] = in[m,k] · weight[k,n] over all token rows of the batch.
  void Projection(std::string name, OpClass op_class, const std::string& input, const std::string& weight,
                  const std::string& output, std::int64_t k_size, std::int64_t n_size) {
    Add(Make(std::move(name), OpKind::kContraction, op_class, {{"m", token_rows_}, {"n", n_size}, {"k", k_size}},
             {{input, {"m", "k"}}, {weight, {"k", "n"}}}, {output, {"m", "n"}}, TensorRole::kWeight));
  }

  // Per-head attention matmul with dims b, h, m, n, k (survey Table 2 computes these per head).
  void AttentionMatmul(std::string name, std::int64_t n_size, std::int64_t k_size, TensorUse input, TensorUse weight,
                       TensorUse output) {
    Add(Make(std::move(name), OpKind::kContraction, OpClass::kMhaActToAct,
             {{"b", spec_.batch}, {"h", spec_.heads}, {"m", spec_.TokensPerSequence()}, {"n", n_size}, {"k", k_size}},
             {std::move(input), std::move(weight)}, std::move(output), TensorRole::kWeight));
  }

  // A vector op over token rows × d-wide features ([m,n]).
  void RowVector(std::string name, OpKind kind, const std::vector<std::string>& inputs, const std::string& output,
                 std::int64_t width, bool reduces_rows) {
    std::vector<TensorUse> uses;
    for (const std::string& input : inputs) uses.push_back({input, {"m", "n"}});
    Op op = Make(std::move(name), kind, OpClass::kOther, {{"m", token_rows_}, {"n", width}}, std::move(uses),
                 {output, {"m", "n"}}, TensorRole::kInput);
    if (reduces_rows) op.reduced_dim = op.DimIndex("n");
    Add(std::move(op));
  }

  // Softmax over the key dim n of the per-head scores.
  void Softmax(const std::string& input, const std::string& output) {
    const std::vector<std::string> dims = {"b", "h", "m", "n"};
    Op op = Make("softmax", OpKind::kSoftmax, OpClass::kOther,
                 {{"b", spec_.batch}, {"h", spec_.heads}, {"m", spec_.TokensPerSequence()}, {"n", spec_.KvLen()}},
                 {{input, dims}}, {output, dims}, TensorRole::kInput);
    op.reduced_dim = op.DimIndex("n");
    Add(std::move(op));
  }

  void Norm(std::string name, const std::string& input, const std::string& output) {
    RowVector(std::move(name), spec_.norm == Norm::kRmsNorm ? OpKind::kRmsNorm : OpKind::kLayerNorm, {input}, output,
              spec_.d_model, true);
  }

  std::vector<Op> Take() { return std::move(ops_); }

 private:
  // `second_role` is the role of the second operand: a contraction's weight slot, or another input.
  Op Make(std::string name, OpKind kind, OpClass op_class, std::vector<Dim> dims, std::vector<TensorUse> operands,
          TensorUse output, TensorRole second_role) const {
    Op op;
    op.name = std::move(name);
    op.kind = kind;
    op.op_class = op_class;
    op.dims = std::move(dims);
    op.count = spec_.layers;
    const VectorOpProfile profile = DefaultVectorProfile(kind);
    op.passes = profile.passes;
    op.ops_per_element = profile.ops_per_element;
    for (std::size_t operand = 0; operand < operands.size(); ++operand) {
      op.tensors.push_back(ToTensor(op, operands[operand], operand == 0 ? TensorRole::kInput : second_role));
    }
    op.tensors.push_back(ToTensor(op, output, TensorRole::kOutput));
    return op;
  }

  Tensor ToTensor(const Op& op, const TensorUse& use, TensorRole role) const {
    Tensor tensor{.name = use.name, .role = role, .dims = {}, .word_bits = spec_.bits};
    for (const std::string& dim : use.dims) tensor.dims.push_back(op.DimIndex(dim));
    return tensor;
  }

  void Add(Op op) { ops_.push_back(std::move(op)); }

  const TransformerSpec& spec_;
  std::int64_t token_rows_;
  std::vector<Op> ops_;
};

std::vector<Op> BuildBlock(const TransformerSpec& spec) {
  BlockBuilder block(spec);
  const bool pre_norm = spec.norm_placement == NormPlacement::kPre;
  const std::int64_t d_model = spec.d_model;

  // Attention sublayer.
  const std::string attn_in = pre_norm ? "x_norm" : "x";
  if (pre_norm) block.Norm("attn_norm", "x", attn_in);
  block.Projection("q_proj", OpClass::kMhaProjection, attn_in, "w_q", "q", d_model, d_model);
  block.Projection("k_proj", OpClass::kMhaProjection, attn_in, "w_k", "k", d_model, d_model);
  block.Projection("v_proj", OpClass::kMhaProjection, attn_in, "w_v", "v", d_model, d_model);
  // scores[b,h,m,n] = Σ_k q[b,h,m,k]·k[b,h,n,k]: n runs over the keys (the KV cache in decode).
  block.AttentionMatmul("qk_matmul", spec.KvLen(), spec.d_head, {"q", {"b", "h", "m", "k"}},
                        {"k", {"b", "h", "n", "k"}}, {"scores", {"b", "h", "m", "n"}});
  block.Softmax("scores", "probs");
  // attn[b,h,m,n] = Σ_k probs[b,h,m,k]·v[b,h,k,n]: k runs over the keys, n over d_head.
  block.AttentionMatmul("av_matmul", spec.d_head, spec.KvLen(), {"probs", {"b", "h", "m", "k"}},
                        {"v", {"b", "h", "k", "n"}}, {"attn", {"b", "h", "m", "n"}});
  block.Projection("out_proj", OpClass::kMhaProjection, "attn", "w_o", "attn_out", d_model, d_model);
  const std::string attn_sum = pre_norm ? "h" : "attn_sum";
  block.RowVector("attn_residual", OpKind::kAdd, {"attn_out", "x"}, attn_sum, d_model, false);
  if (!pre_norm) block.Norm("attn_norm", attn_sum, "h");

  // Feed-forward sublayer.
  const std::string ffn_in = pre_norm ? "h_norm" : "h";
  if (pre_norm) block.Norm("ffn_norm", "h", ffn_in);
  if (spec.activation == Activation::kSwiGlu) {
    // LLaMA: w2(silu(w1·x) ⊙ w3·x) (Shazeer 2020, "GLU Variants Improve Transformer").
    block.Projection("ffn_w1", OpClass::kFfnProjection, ffn_in, "w_1", "gate", d_model, spec.d_ff);
    block.RowVector("silu", OpKind::kSilu, {"gate"}, "gate_act", spec.d_ff, false);
    block.Projection("ffn_w3", OpClass::kFfnProjection, ffn_in, "w_3", "up", d_model, spec.d_ff);
    block.RowVector("gate_mul", OpKind::kMul, {"gate_act", "up"}, "ffn_act", spec.d_ff, false);
  } else {
    block.Projection("ffn_w1", OpClass::kFfnProjection, ffn_in, "w_1", "ffn_hidden", d_model, spec.d_ff);
    block.RowVector("gelu", OpKind::kGelu, {"ffn_hidden"}, "ffn_act", spec.d_ff, false);
  }
  block.Projection("ffn_w2", OpClass::kFfnProjection, "ffn_act", "w_2", "ffn_out", spec.d_ff, d_model);
  const std::string ffn_sum = pre_norm ? "y" : "ffn_sum";
  block.RowVector("ffn_residual", OpKind::kAdd, {"ffn_out", "h"}, ffn_sum, d_model, false);
  if (!pre_norm) block.Norm("ffn_norm", ffn_sum, "y");
  return block.Take();
}

}  // namespace

std::vector<std::string> CheckTransformerSpec(const TransformerSpec& spec) {
  std::vector<std::string> problems;
  const std::pair<std::string_view, std::int64_t> sizes[] = {
      {"d_model", spec.d_model}, {"heads", spec.heads},     {"d_head", spec.d_head}, {"d_ff", spec.d_ff},
      {"layers", spec.layers},   {"seq_len", spec.seq_len}, {"batch", spec.batch}};
  for (const auto& [key, value] : sizes) {
    if (value <= 0) problems.push_back(fmt::format("{}: expected a positive integer, got {}", key, value));
  }
  const std::pair<std::string_view, std::int64_t> non_negative[] = {
      {"kv_heads", spec.kv_heads}, {"vocab", spec.vocab}, {"max_positions", spec.max_positions},
      {"token_types", spec.token_types}};
  for (const auto& [key, value] : non_negative) {
    if (value < 0) problems.push_back(fmt::format("{}: expected a non-negative integer, got {}", key, value));
  }
  if (spec.kv_len && *spec.kv_len <= 0) {
    problems.push_back(fmt::format("kv_len: expected a positive integer, got {}", *spec.kv_len));
  }
  if (spec.sliding_window && *spec.sliding_window <= 0) {
    problems.push_back(fmt::format("sliding_window: expected a positive integer, got {}", *spec.sliding_window));
  }
  if (spec.bits <= 0 || spec.bits > kMaxBits) {
    problems.push_back(fmt::format("bits: expected an integer in 1..{}, got {}", kMaxBits, spec.bits));
  }
  if (const std::optional<Precision>& precision = spec.precision) {
    const std::pair<std::string_view, int> entries[] = {{"weights", precision->weights},
                                                        {"activations", precision->activations},
                                                        {"kv_cache", precision->kv_cache},
                                                        {"accumulators", precision->accumulators}};
    for (const auto& [key, value] : entries) {
      if (value <= 0 || value > kMaxBits) {
        problems.push_back(fmt::format("precision.{}: expected an integer in 1..{}, got {}", key, kMaxBits, value));
      }
    }
  }
  if (spec.moe.experts < 0 || spec.moe.experts_per_token < 0 ||
      (spec.moe.experts > 0 && (spec.moe.experts_per_token < 1 || spec.moe.experts_per_token > spec.moe.experts)) ||
      (spec.moe.experts == 0 && spec.moe.experts_per_token != 0)) {
    problems.push_back(fmt::format("moe: expected experts ≥ 1 and 1 ≤ experts_per_token ≤ experts, got {} and {}",
                                   spec.moe.experts, spec.moe.experts_per_token));
  }
  for (const auto& [key, list] : {std::pair{"heads", &spec.layer_heads}, std::pair{"d_ff", &spec.layer_d_ff}}) {
    if (list->empty()) continue;
    if (static_cast<std::int64_t>(list->size()) != spec.layers) {
      problems.push_back(fmt::format("{}: expected one entry per layer (layers: {}), got {} entries", key, spec.layers,
                                     list->size()));
    }
    if (std::any_of(list->begin(), list->end(), [](std::int64_t entry) { return entry <= 0; })) {
      problems.push_back(fmt::format("{}: expected positive integers per layer", key));
    }
  }
  if (!problems.empty()) return problems;
  for (std::int64_t layer = 0; layer < spec.layers; ++layer) {
    const std::int64_t heads = LayerHeads(spec, layer);
    if (spec.kv_heads > 0 && heads % spec.kv_heads != 0) {
      problems.push_back(fmt::format("kv_heads: expected a divisor of heads ({}), got {}", heads, spec.kv_heads));
      break;
    }
  }
  if (spec.vocab == 0) {
    if (spec.lm_head && *spec.lm_head != LmHead::kNone) {
      problems.push_back("lm_head: expected none without a vocab (the LM head projects onto vocab logits)");
    }
    if (spec.tie_embeddings) problems.push_back("tie_embeddings: expected false without a vocab");
    if (spec.token_types > 0) problems.push_back("token_types: expected 0 without a vocab");
    if (spec.positions == Positions::kAbsolute && !spec.patch_embedding) {
      problems.push_back("positions: expected none or rotary without a vocab or patch_embedding");
    }
  }
  if (spec.max_positions > 0 && spec.positions == Positions::kAbsolute) {
    const std::int64_t needed = spec.phase == Phase::kDecode ? spec.KvLen() : spec.seq_len;
    if (spec.max_positions < needed) {
      problems.push_back(fmt::format("max_positions: expected at least {} (the positions the table must cover), got {}",
                                     needed, spec.max_positions));
    }
  }
  // Products are formed in long double first: the sizes are user input and must not overflow int64.
  using Wide = long double;
  const Wide token_rows = Wide(spec.batch) * Wide(spec.TokensPerSequence());
  Wide largest = 0;
  for (std::int64_t layer = 0; layer < spec.layers; ++layer) {
    const Wide heads = Wide(LayerHeads(spec, layer));
    const Wide d_ff = Wide(LayerDff(spec, layer));
    const Wide attention_width = heads * Wide(spec.d_head);
    const Wide projection = token_rows * Wide(spec.d_model) * std::max({Wide(spec.d_model), attention_width, d_ff});
    const Wide attention = Wide(spec.batch) * heads * Wide(spec.TokensPerSequence()) * Wide(spec.AttendedKeys()) *
                           Wide(spec.d_head);
    largest = std::max({largest, projection, attention});
  }
  // The LM head (at most every token row × vocab × d_model), the router and the experts (at most
  // every token routed to one expert: token_rows × k rows) stay within the same limit.
  largest = std::max(largest, token_rows * Wide(spec.vocab) * Wide(spec.d_model));
  if (spec.moe.experts > 0) {
    largest = std::max(largest, token_rows * Wide(spec.moe.experts_per_token) * Wide(spec.d_model) *
                                    Wide(std::max(spec.d_ff, spec.d_model)));
    largest = std::max(largest, token_rows * Wide(spec.moe.experts) * Wide(spec.d_model));
  }
  if (largest >= Wide(kMaxIterationPoints)) {
    problems.push_back(fmt::format(
        "expected sizes whose largest op has fewer than 2^53 iteration points, got {:.3g} (batch {} × {} tokens)",
        static_cast<double>(largest), spec.batch, spec.TokensPerSequence()));
  }
  if (spec.phase == Phase::kDecode && !spec.decoder) {
    problems.push_back(
        "phase: expected prefill for an encoder (decoder: false), got decode; only decoder models generate tokens "
        "one at a time");
  }
  if (spec.kv_len && spec.phase != Phase::kDecode) {
    problems.push_back("kv_len: expected no kv_len in phase prefill (the keys are the seq_len prompt tokens)");
  }
  if (const std::optional<PatchEmbedding>& patch = spec.patch_embedding) {
    if (patch->image_size <= 0 || patch->patch_size <= 0 || patch->channels <= 0) {
      problems.push_back("patch_embedding: expected positive image_size, patch_size and channels");
    } else if (patch->image_size % patch->patch_size != 0) {
      problems.push_back(fmt::format("patch_embedding.image_size: expected a multiple of patch_size {}, got {}",
                                     patch->patch_size, patch->image_size));
    } else if (Wide(patch->image_size / patch->patch_size) * Wide(patch->image_size / patch->patch_size) >
               Wide(spec.seq_len)) {
      problems.push_back(fmt::format("patch_embedding: expected at most seq_len = {} patches, got ({} / {})² = {}",
                                     spec.seq_len, patch->image_size, patch->patch_size,
                                     (patch->image_size / patch->patch_size) * (patch->image_size / patch->patch_size)));
    } else if (Wide(spec.batch) * Wide(patch->channels) * Wide(spec.d_model) * Wide(patch->image_size) *
                   Wide(patch->image_size) >=
               Wide(kMaxIterationPoints)) {
      problems.push_back("patch_embedding: expected a conv with fewer than 2^53 iteration points");
    }
    if (spec.phase != Phase::kPrefill) {
      problems.push_back("patch_embedding: expected phase prefill (the image is embedded once, before the blocks)");
    }
  }
  return problems;
}

std::vector<Op> TransformerBlockOps(const TransformerSpec& spec) {
  const std::vector<std::string> problems = CheckTransformerSpec(spec);
  if (!problems.empty()) {
    throw util::InternalError(
        fmt::format("TransformerBlockOps('{}') on an unchecked spec: {}", spec.name, util::Join(problems, "; ")));
  }
  return BuildBlock(spec);
}

Workload BuildTransformer(const TransformerSpec& spec) {
  std::vector<Op> block = TransformerBlockOps(spec);
  if (!spec.patch_embedding) return Workload(spec.name, std::move(block));
  const PatchEmbedding& patch = *spec.patch_embedding;
  const std::int64_t patches_per_side = patch.image_size / patch.patch_size;
  Op embed = MakeConvolution({.name = "patch_embed",
                              .n = spec.batch,
                              .c = patch.channels,
                              .m = spec.d_model,
                              .p = patches_per_side,
                              .q = patches_per_side,
                              .r = patch.patch_size,
                              .s = patch.patch_size,
                              .stride_w = patch.patch_size,
                              .stride_h = patch.patch_size,
                              .bits = spec.bits,
                              // The image comes in, the weight is the patch projection, the output
                              // is the blocks' input x.
                              .input_name = "image",
                              .weight_name = "w_patch",
                              .output_name = "x"});
  std::vector<Op> ops = {std::move(embed)};
  ops.insert(ops.end(), std::make_move_iterator(block.begin()), std::make_move_iterator(block.end()));
  return Workload(spec.name, std::move(ops));
}

std::string_view ToString(Phase phase) { return NameOf(kPhaseNames, phase); }
std::string_view ToString(Activation activation) { return NameOf(kActivationNames, activation); }
std::string_view ToString(Norm norm) { return NameOf(kNormNames, norm); }
std::string_view ToString(NormPlacement placement) { return NameOf(kPlacementNames, placement); }
std::optional<Phase> ParsePhase(std::string_view text) { return ValueOf(kPhaseNames, text); }
std::optional<Activation> ParseActivation(std::string_view text) { return ValueOf(kActivationNames, text); }
std::optional<Norm> ParseNorm(std::string_view text) { return ValueOf(kNormNames, text); }
std::optional<NormPlacement> ParseNormPlacement(std::string_view text) { return ValueOf(kPlacementNames, text); }
std::vector<std::string> PhaseNames() { return NamesOf(kPhaseNames); }
std::vector<std::string> ActivationNames() { return NamesOf(kActivationNames); }
std::vector<std::string> NormNames() { return NamesOf(kNormNames); }
std::vector<std::string> NormPlacementNames() { return NamesOf(kPlacementNames); }
std::string_view ToString(Positions positions) { return NameOf(kPositionsNames, positions); }
std::string_view ToString(LmHead lm_head) { return NameOf(kLmHeadNames, lm_head); }
std::optional<Positions> ParsePositions(std::string_view text) { return ValueOf(kPositionsNames, text); }
std::optional<LmHead> ParseLmHead(std::string_view text) { return ValueOf(kLmHeadNames, text); }
std::vector<std::string> PositionsNames() { return NamesOf(kPositionsNames); }
std::vector<std::string> LmHeadNames() { return NamesOf(kLmHeadNames); }

}  // namespace loopfront::workload
