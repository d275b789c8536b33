#include "loopfront/workload/transformer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
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

// How many layers differ: every layer when the spec has per-layer lists (their length is checked to
// be `layers`), else one, which stands for all (`layers` may be up to 2^40, too many to visit).
std::int64_t DistinctLayers(const TransformerSpec& spec) {
  return spec.layer_heads.empty() && spec.layer_d_ff.empty() ? 1 : spec.layers;
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
  TensorData data = TensorData::kActivation;
  std::optional<TensorRole> role{};  // default: the operand slot's role
};

// Builds ops with consistent dim names (docs/workloads.md, "Dimension names"). One builder per
// group of ops that share a count and a name prefix: the embedding ops (count 1), one block
// (count = layers), or layer i of a per-layer model (count 1, names prefixed `l<i>.`).
class OpsBuilder {
 public:
  struct Options {
    std::int64_t count = 1;
    std::string prefix{};       // prepended to op and tensor names
    std::string block_input{};  // the tensor `x` stands for (unprefixed); empty: `x` is prefixed as any name
    std::int64_t heads = 0;     // query heads of this layer
    std::int64_t d_ff = 0;      // FFN width of this layer
  };

  OpsBuilder(const TransformerSpec& spec, Options options)
      : spec_(spec), options_(std::move(options)), token_rows_(spec.batch * spec.TokensPerSequence()) {}

  std::int64_t token_rows() const { return token_rows_; }
  std::int64_t count() const { return options_.count; }
  std::int64_t heads() const { return options_.heads; }
  std::int64_t d_ff() const { return options_.d_ff; }

  // out[m,n] = in[m,k] · weight[k,n] over `rows` token rows; `parameters` over the whole workload.
  Op& Projection(std::string name, OpClass op_class, const std::string& input, const std::string& weight,
                 const std::string& output, std::int64_t k_size, std::int64_t n_size, bool bias,
                 std::int64_t rows) {
    Op& op = Add(Make(std::move(name), OpKind::kContraction, op_class, {{"m", rows}, {"n", n_size}, {"k", k_size}},
                      {{input, {"m", "k"}}, {weight, {"k", "n"}, TensorData::kParameter}}, {output, {"m", "n"}},
                      TensorRole::kWeight));
    op.parameters = (k_size * n_size + (bias ? n_size : 0)) * options_.count;
    return op;
  }
  Op& Projection(std::string name, OpClass op_class, const std::string& input, const std::string& weight,
                 const std::string& output, std::int64_t k_size, std::int64_t n_size, bool bias) {
    return Projection(std::move(name), op_class, input, weight, output, k_size, n_size, bias, token_rows_);
  }

  // Batched attention matmul over the heads dims (b, h[, g]) then m, n, k (survey Table 2 computes
  // these per head). `dims` are b, h (= kv heads), then g (query heads per KV head, grouped-query only), m, n, k.
  void AttentionMatmul(std::string name, std::vector<Dim> dims, TensorUse input, TensorUse weight, TensorUse output) {
    Add(Make(std::move(name), OpKind::kContraction, OpClass::kMhaActToAct, std::move(dims),
             {std::move(input), std::move(weight)}, std::move(output), TensorRole::kWeight));
  }

  // A vector op over `rows` token rows × `width` features ([m,n]); the second operand, if any,
  // has `second_role`.
  Op& RowVector(std::string name, OpKind kind, OpClass op_class, std::vector<TensorUse> operands,
                const std::string& output, std::int64_t width, bool reduces_rows, std::int64_t rows,
                TensorRole second_role = TensorRole::kInput) {
    for (TensorUse& operand : operands) operand.dims = {"m", "n"};
    Op op = Make(std::move(name), kind, op_class, {{"m", rows}, {"n", width}}, std::move(operands),
                 {output, {"m", "n"}}, second_role);
    if (reduces_rows) op.reduced_dim = op.DimIndex("n");
    return Add(std::move(op));
  }
  Op& RowVector(std::string name, OpKind kind, const std::vector<std::string>& inputs, const std::string& output,
                std::int64_t width, bool reduces_rows) {
    std::vector<TensorUse> operands;
    for (const std::string& input : inputs) operands.push_back({input, {}});
    return RowVector(std::move(name), kind, OpClass::kOther, std::move(operands), output, width, reduces_rows,
                     token_rows_);
  }

  // A vector op over the given dims (softmax over the keys, a MoE top-k over the experts).
  Op& Vector(std::string name, OpKind kind, OpClass op_class, std::vector<Dim> dims, const std::string& input,
             const std::string& output, const std::string& reduced) {
    std::vector<std::string> names;
    for (const Dim& dim : dims) names.push_back(dim.name);
    Op op = Make(std::move(name), kind, op_class, std::move(dims), {{input, names}}, {output, names},
                 TensorRole::kInput);
    op.reduced_dim = op.DimIndex(reduced);
    return Add(std::move(op));
  }

  // LayerNorm (gamma and beta: 2·width parameters) or RMSNorm (gamma: width) over `rows` rows.
  Op& Norm(std::string name, OpClass op_class, const std::string& input, const std::string& output,
           std::int64_t rows) {
    const bool rms = spec_.norm == Norm::kRmsNorm;
    Op& op = RowVector(std::move(name), rms ? OpKind::kRmsNorm : OpKind::kLayerNorm, op_class, {{input, {}}}, output,
                       spec_.d_model, true, rows);
    op.parameters = (rms ? 1 : 2) * spec_.d_model * options_.count;
    return op;
  }
  Op& Norm(std::string name, const std::string& input, const std::string& output) {
    return Norm(std::move(name), OpClass::kOther, input, output, token_rows_);
  }

  // A finished op added as is (the patch-embedding conv).
  Op& AddBuilt(Op op) { return Add(std::move(op)); }

  std::vector<Op> Take() { return std::move(ops_); }

  // The op or tensor name as built: `x` is the block input, everything else gets the prefix.
  std::string Name(const std::string& name) const {
    if (name == "x" && !options_.block_input.empty()) return options_.block_input;
    return options_.prefix + name;
  }

 private:
  // `second_role` is the role of the second operand: a contraction's weight slot, or another input.
  Op Make(std::string name, OpKind kind, OpClass op_class, std::vector<Dim> dims, std::vector<TensorUse> operands,
          TensorUse output, TensorRole second_role) const {
    Op op;
    op.name = options_.prefix + std::move(name);
    op.kind = kind;
    op.op_class = op_class;
    op.dims = std::move(dims);
    op.count = options_.count;
    const VectorOpProfile profile = DefaultVectorProfile(kind);
    op.passes = profile.passes;
    op.ops_per_element = profile.ops_per_element;
    // Every op of a workload with precision packs words (a vector op has no partial sums: for it
    // accumulator_bits only turns packing on).
    if (spec_.precision) op.accumulator_bits = spec_.precision->accumulators;
    for (std::size_t operand = 0; operand < operands.size(); ++operand) {
      const TensorRole slot_role = operand == 0 ? TensorRole::kInput : second_role;
      op.tensors.push_back(ToTensor(op, operands[operand], operands[operand].role.value_or(slot_role)));
    }
    op.tensors.push_back(ToTensor(op, output, TensorRole::kOutput));
    return op;
  }

  Tensor ToTensor(const Op& op, const TensorUse& use, TensorRole role) const {
    Tensor tensor{.name = Name(use.name), .role = role, .dims = {}, .word_bits = WordBits(use.data)};
    tensor.data = use.data;
    for (const std::string& dim : use.dims) tensor.dims.push_back(op.DimIndex(dim));
    return tensor;
  }

  // Without precision every tensor has `bits`; with it, the word size of the tensor's class.
  int WordBits(TensorData data) const {
    if (!spec_.precision) return spec_.bits;
    switch (data) {
      case TensorData::kParameter:
        return spec_.precision->weights;
      case TensorData::kKvCache:
        return spec_.precision->kv_cache;
      case TensorData::kActivation:
        return spec_.precision->activations;
    }
    throw util::InternalError("WordBits: unknown tensor data");
  }

  Op& Add(Op op) {
    ops_.push_back(std::move(op));
    return ops_.back();
  }

  const TransformerSpec& spec_;
  Options options_;
  std::int64_t token_rows_;
  std::vector<Op> ops_;
};

// The experts a batch of `tokens` tokens is expected to touch when each picks k of E experts
// uniformly at random: E·(1 − (1 − k/E)^tokens) (each expert is missed by one token with
// probability 1 − k/E), rounded to the nearest integer and kept in [1, E].
std::int64_t TouchedExperts(const MixtureOfExperts& moe, std::int64_t tokens) {
  const long double experts = static_cast<long double>(moe.experts);
  const long double missed = std::pow(1.0L - static_cast<long double>(moe.experts_per_token) / experts,
                                      static_cast<long double>(tokens));
  const std::int64_t touched = std::llround(experts * (1.0L - missed));
  return std::clamp<std::int64_t>(touched, 1, moe.experts);
}

FunctionMix MixOf(std::initializer_list<std::pair<MathFunction, double>> entries) {
  FunctionMix mix{};
  for (const auto& [function, count] : entries) mix[static_cast<int>(function)] = count;
  return mix;
}

// The gated (or plain GELU) MLP: w2(act(w1·x) ⊙ w3·x) or w2(gelu(w1·x)); `ffn_in` → ffn_out.
void BuildDenseMlp(const TransformerSpec& spec, OpsBuilder& block, const std::string& ffn_in) {
  const std::int64_t d_model = spec.d_model;
  const std::int64_t d_ff = block.d_ff();
  if (spec.activation == Activation::kGelu) {
    block.Projection("ffn_w1", OpClass::kFfnProjection, ffn_in, "w_1", "ffn_hidden", d_model, d_ff, spec.mlp_bias);
    block.RowVector("gelu", OpKind::kGelu, {"ffn_hidden"}, "ffn_act", d_ff, false);
  } else {
    // LLaMA: w2(silu(w1·x) ⊙ w3·x); Gemma: gelu instead of silu (Shazeer 2020, "GLU Variants
    // Improve Transformer").
    const bool swiglu = spec.activation == Activation::kSwiGlu;
    block.Projection("ffn_w1", OpClass::kFfnProjection, ffn_in, "w_1", "gate", d_model, d_ff, spec.mlp_bias);
    block.RowVector(swiglu ? "silu" : "gelu", swiglu ? OpKind::kSilu : OpKind::kGelu, {"gate"}, "gate_act", d_ff,
                    false);
    block.Projection("ffn_w3", OpClass::kFfnProjection, ffn_in, "w_3", "up", d_model, d_ff, spec.mlp_bias);
    block.RowVector("gate_mul", OpKind::kMul, {"gate_act", "up"}, "ffn_act", d_ff, false);
  }
  block.Projection("ffn_w2", OpClass::kFfnProjection, "ffn_act", "w_2", "ffn_out", d_ff, d_model, spec.mlp_bias);
}

// A mixture-of-experts MLP (Mixtral, arXiv 2401.04088 Sec. 2.1): router logits, softmax and
// top-k over the experts, then the expert MLPs, run T times per layer on r rows each (T =
// TouchedExperts, r = ceil(tokens·k / T): the routed rows shared evenly by the touched experts),
// and the weighted combine of each token's k expert outputs. `ffn_in` → ffn_out.
void BuildMoeMlp(const TransformerSpec& spec, OpsBuilder& block, const std::string& ffn_in) {
  const std::int64_t d_model = spec.d_model;
  const std::int64_t d_ff = block.d_ff();
  const std::int64_t experts = spec.moe.experts;
  const std::int64_t top_k = spec.moe.experts_per_token;
  const std::int64_t tokens = block.token_rows();
  block.Projection("router", OpClass::kMoeRouter, ffn_in, "w_router", "router_logits", d_model, experts, false);
  const std::vector<Dim> router_dims = {{"m", tokens}, {"n", experts}};
  block.Vector("router_softmax", OpKind::kSoftmax, OpClass::kMoeRouter, router_dims, "router_logits", "router_probs",
               "n");
  Op& topk =
      block.Vector("router_topk", OpKind::kTopK, OpClass::kMoeRouter, router_dims, "router_probs", "router_weights", "n");
  // k passes of a running max along the experts, folded into one pass of k compare-selects.
  topk.ops_per_element = {static_cast<double>(top_k)};
  topk.functions = {MixOf({{MathFunction::kMax, static_cast<double>(top_k)}})};

  const std::int64_t touched = TouchedExperts(spec.moe, tokens);
  const std::int64_t expert_rows = (tokens * top_k + touched - 1) / touched;
  const std::int64_t runs = block.count() * touched;
  // Parameters: all E experts of every layer, whichever the batch touches.
  const std::int64_t all_experts = block.count() * experts;
  auto expert_projection = [&](std::string name, const std::string& input, const std::string& weight,
                               const std::string& output, std::int64_t k_size, std::int64_t n_size) {
    Op& op = block.Projection(std::move(name), OpClass::kFfnProjection, input, weight, output, k_size, n_size,
                              spec.mlp_bias, expert_rows);
    op.count = runs;
    op.parameters = (k_size * n_size + (spec.mlp_bias ? n_size : 0)) * all_experts;
  };
  auto expert_vector = [&](std::string name, OpKind kind, std::vector<std::string> inputs, const std::string& output) {
    std::vector<TensorUse> operands;
    for (const std::string& input : inputs) operands.push_back({input, {}});
    block.RowVector(std::move(name), kind, OpClass::kOther, std::move(operands), output, d_ff, false, expert_rows)
        .count = runs;
  };
  if (spec.activation == Activation::kGelu) {
    expert_projection("expert_w1", ffn_in, "w_expert_1", "expert_hidden", d_model, d_ff);
    expert_vector("expert_gelu", OpKind::kGelu, {"expert_hidden"}, "expert_act");
  } else {
    const bool swiglu = spec.activation == Activation::kSwiGlu;
    expert_projection("expert_w1", ffn_in, "w_expert_1", "expert_gate", d_model, d_ff);
    expert_vector(swiglu ? "expert_silu" : "expert_gelu", swiglu ? OpKind::kSilu : OpKind::kGelu, {"expert_gate"},
                  "expert_gate_act");
    expert_projection("expert_w3", ffn_in, "w_expert_3", "expert_up", d_model, d_ff);
    expert_vector("expert_gate_mul", OpKind::kMul, {"expert_gate_act", "expert_up"}, "expert_act");
  }
  expert_projection("expert_w2", "expert_act", "w_expert_2", "expert_out", d_ff, d_model);
  // Each token's output: Σ over its k experts of router weight × expert output (k mul + k add).
  Op& combine = block.RowVector("moe_combine", OpKind::kAdd, OpClass::kMoeRouter, {{"expert_out", {}}}, "ffn_out",
                                d_model, false, tokens);
  combine.ops_per_element = {2.0 * static_cast<double>(top_k)};
  combine.functions = {MixOf({{MathFunction::kMul, static_cast<double>(top_k)},
                              {MathFunction::kAdd, static_cast<double>(top_k)}})};
}

// The output of `op` is (part of) the KV cache: data kv_cache, at the KV cache's word size.
void MarkOutputKvCache(Op& op, const TransformerSpec& spec) {
  for (Tensor& tensor : op.tensors) {
    if (tensor.role != TensorRole::kOutput) continue;
    tensor.data = TensorData::kKvCache;
    if (spec.precision) tensor.word_bits = spec.precision->kv_cache;
  }
}

// One block: x → y (names as given to `block`).
void BuildBlock(const TransformerSpec& spec, OpsBuilder& block) {
  const bool pre_norm = spec.norm_placement == NormPlacement::kPre;
  const std::int64_t d_model = spec.d_model;
  const std::int64_t heads = block.heads();
  const std::int64_t kv_heads = spec.kv_heads > 0 ? spec.kv_heads : heads;
  const std::int64_t d_head = spec.d_head;
  const std::int64_t keys = spec.AttendedKeys();
  const std::int64_t tokens = spec.TokensPerSequence();

  // Attention sublayer.
  const std::string attn_in = pre_norm ? "x_norm" : "x";
  if (pre_norm) block.Norm("attn_norm", "x", attn_in);
  block.Projection("q_proj", OpClass::kMhaProjection, attn_in, "w_q", "q", d_model, heads * d_head, spec.qkv_bias);
  // K and V (kv_heads × d_head columns) are what a decode step caches.
  MarkOutputKvCache(block.Projection("k_proj", OpClass::kMhaProjection, attn_in, "w_k", "k", d_model,
                                     kv_heads * d_head, spec.qkv_bias),
                    spec);
  MarkOutputKvCache(block.Projection("v_proj", OpClass::kMhaProjection, attn_in, "w_v", "v", d_model,
                                     kv_heads * d_head, spec.qkv_bias),
                    spec);
  std::string q_name = "q";
  std::string k_name = "k";
  if (spec.positions == Positions::kRotary) {
    block.RowVector("q_rope", OpKind::kRope, OpClass::kOther, {{"q", {}}}, "q_rot", heads * d_head, false,
                    block.token_rows());
    MarkOutputKvCache(block.RowVector("k_rope", OpKind::kRope, OpClass::kOther, {{"k", {}, TensorData::kKvCache}},
                                      "k_rot", kv_heads * d_head, false, block.token_rows()),
                      spec);
    q_name = "q_rot";
    k_name = "k_rot";
  }
  // Grouped-query attention adds the dim g (query heads per KV head) after h = kv_heads; multi-head
  // attention keeps b, h, m, n, k.
  const bool grouped = kv_heads < heads;
  std::vector<Dim> head_dims = {{"b", spec.batch}, {"h", kv_heads}};
  std::vector<std::string> query_heads = {"b", "h"};
  if (grouped) {
    head_dims.push_back({"g", heads / kv_heads});
    query_heads.push_back("g");
  }
  auto with = [](std::vector<std::string> dims, std::initializer_list<std::string> more) {
    dims.insert(dims.end(), more);
    return dims;
  };
  auto dims_with = [&](std::initializer_list<Dim> more) {
    std::vector<Dim> dims = head_dims;
    dims.insert(dims.end(), more);
    return dims;
  };
  // scores[b,h,(g,)m,n] = Σ_k q[b,h,(g,)m,k]·k[b,h,n,k]: n runs over the keys (the KV cache in decode).
  block.AttentionMatmul("qk_matmul", dims_with({{"m", tokens}, {"n", keys}, {"k", d_head}}),
                        {q_name, with(query_heads, {"m", "k"})}, {k_name, {"b", "h", "n", "k"}, TensorData::kKvCache},
                        {"scores", with(query_heads, {"m", "n"})});
  block.Vector("softmax", OpKind::kSoftmax, OpClass::kOther, dims_with({{"m", tokens}, {"n", keys}}), "scores",
               "probs", "n");
  // attn[b,h,(g,)m,n] = Σ_k probs[b,h,(g,)m,k]·v[b,h,k,n]: k runs over the keys, n over d_head.
  block.AttentionMatmul("av_matmul", dims_with({{"m", tokens}, {"n", d_head}, {"k", keys}}),
                        {"probs", with(query_heads, {"m", "k"})}, {"v", {"b", "h", "k", "n"}, TensorData::kKvCache},
                        {"attn", with(query_heads, {"m", "n"})});
  block.Projection("out_proj", OpClass::kMhaProjection, "attn", "w_o", "attn_out", heads * d_head, d_model,
                   spec.out_bias);
  const std::string attn_sum = pre_norm ? "h" : "attn_sum";
  block.RowVector("attn_residual", OpKind::kAdd, {"attn_out", "x"}, attn_sum, d_model, false);
  if (!pre_norm) block.Norm("attn_norm", attn_sum, "h");

  // Feed-forward sublayer.
  const std::string ffn_in = pre_norm ? "h_norm" : "h";
  if (pre_norm) block.Norm("ffn_norm", "h", ffn_in);
  if (spec.moe.experts > 0) {
    BuildMoeMlp(spec, block, ffn_in);
  } else {
    BuildDenseMlp(spec, block, ffn_in);
  }
  const std::string ffn_sum = pre_norm ? "y" : "ffn_sum";
  block.RowVector("ffn_residual", OpKind::kAdd, {"ffn_out", "h"}, ffn_sum, d_model, false);
  if (!pre_norm) block.Norm("ffn_norm", ffn_sum, "y");
}

// The blocks: one block of count = layers, or (per-layer lists) layer i as `l<i>.` with count 1,
// reading layer i−1's output. Returns the ops and the name of the last block's output.
std::pair<std::vector<Op>, std::string> BuildBlocks(const TransformerSpec& spec) {
  if (spec.layer_heads.empty() && spec.layer_d_ff.empty()) {
    OpsBuilder block(spec, {.count = spec.layers, .prefix = "", .block_input = "", .heads = spec.heads,
                            .d_ff = spec.d_ff});
    BuildBlock(spec, block);
    return {block.Take(), "y"};
  }
  std::vector<Op> ops;
  std::string input = "x";
  for (std::int64_t layer = 0; layer < spec.layers; ++layer) {
    OpsBuilder block(spec, {.count = 1,
                            .prefix = fmt::format("l{}.", layer),
                            .block_input = input,
                            .heads = LayerHeads(spec, layer),
                            .d_ff = LayerDff(spec, layer)});
    BuildBlock(spec, block);
    std::vector<Op> layer_ops = block.Take();
    ops.insert(ops.end(), std::make_move_iterator(layer_ops.begin()), std::make_move_iterator(layer_ops.end()));
    input = block.Name("y");
  }
  return {std::move(ops), input};
}

// The patch-embedding conv of a vision Transformer, writing `output`.
Op PatchEmbed(const TransformerSpec& spec, const std::string& output, int bits) {
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
                              .bits = bits,
                              // The image comes in, the weight is the patch projection, the output
                              // is the blocks' input x.
                              .input_name = "image",
                              .weight_name = "w_patch",
                              .output_name = output});
  return embed;
}

// The ops before the blocks (count 1, class embedding): the patch-embedding conv or the token
// gather `embed`, then the position add (absolute positions), the segment add (token_types) and
// BERT's embedding LayerNorm (post-norm models). The last one writes x.
std::vector<Op> BuildEmbedding(const TransformerSpec& spec) {
  const bool tokens = spec.vocab > 0;
  if (!tokens && !spec.patch_embedding) return {};
  enum class Step : std::uint8_t { kPatch, kTokens, kPositions, kTypes, kNorm };
  std::vector<Step> steps = {spec.patch_embedding ? Step::kPatch : Step::kTokens};
  if (spec.positions == Positions::kAbsolute) steps.push_back(Step::kPositions);
  if (tokens && spec.token_types > 0) steps.push_back(Step::kTypes);
  if (tokens && spec.norm_placement == NormPlacement::kPost) steps.push_back(Step::kNorm);

  OpsBuilder builder(spec, {.count = 1, .prefix = "", .block_input = "", .heads = spec.heads, .d_ff = spec.d_ff});
  const std::int64_t rows = builder.token_rows();
  const std::int64_t d_model = spec.d_model;
  std::string current;
  for (std::size_t step_idx = 0; step_idx < steps.size(); ++step_idx) {
    const bool last = step_idx + 1 == steps.size();
    auto output = [&](const char* intermediate) { return last ? std::string("x") : std::string(intermediate); };
    switch (steps[step_idx]) {
      case Step::kPatch: {
        Op patch = PatchEmbed(spec, output("emb_patch"), spec.precision ? spec.precision->activations : spec.bits);
        for (Tensor& tensor : patch.tensors) {
          if (tensor.role != TensorRole::kWeight) continue;
          tensor.data = TensorData::kParameter;
          if (spec.precision) tensor.word_bits = spec.precision->weights;
          patch.parameters = patch.TensorElements(tensor);
        }
        if (spec.precision) patch.accumulator_bits = spec.precision->accumulators;
        current = patch.Output().name;
        builder.AddBuilt(std::move(patch));
        break;
      }
      case Step::kTokens: {
        // The rows of w_embed the token ids select: a copy, no arithmetic.
        Op& embed = builder.RowVector(
            "embed", OpKind::kGather, OpClass::kEmbedding,
            {{"w_embed", {}, TensorData::kParameter, TensorRole::kWeight}}, output("emb_tok"), d_model, false, rows);
        embed.parameters = spec.vocab * d_model;
        current = embed.Output().name;
        break;
      }
      case Step::kPositions: {
        // The learned table has max_positions rows (seq_len when not given).
        const std::int64_t table_rows = spec.max_positions > 0 ? spec.max_positions : spec.seq_len;
        Op& add = builder.RowVector("pos_embed", OpKind::kAdd, OpClass::kEmbedding,
                                    {{current, {}}, {"w_pos", {}, TensorData::kParameter}}, output("emb_pos"), d_model,
                                    false, rows, TensorRole::kWeight);
        add.parameters = table_rows * d_model;
        current = add.Output().name;
        break;
      }
      case Step::kTypes: {
        Op& add = builder.RowVector("type_embed", OpKind::kAdd, OpClass::kEmbedding,
                                    {{current, {}}, {"w_type", {}, TensorData::kParameter}}, output("emb_type"),
                                    d_model, false, rows, TensorRole::kWeight);
        add.parameters = spec.token_types * d_model;
        current = add.Output().name;
        break;
      }
      case Step::kNorm:
        current = builder.Norm("embed_norm", OpClass::kEmbedding, current, output("emb_sum"), rows).Output().name;
        break;
    }
  }
  return builder.Take();
}

// The ops after the blocks (count 1) when there is a vocab and an LM head: the final norm
// (pre-norm models) and the LM head over the rows that need logits.
std::vector<Op> BuildEnd(const TransformerSpec& spec, const std::string& blocks_output) {
  const LmHead lm_head = spec.LmHeadOrDefault();
  if (spec.vocab == 0 || lm_head == LmHead::kNone) return {};
  OpsBuilder builder(spec, {.count = 1, .prefix = "", .block_input = "", .heads = spec.heads, .d_ff = spec.d_ff});
  // `last` (and every decode step): one row per sequence; `all`: every token row.
  const std::int64_t rows = lm_head == LmHead::kAll ? builder.token_rows() : spec.batch;
  std::string input = blocks_output;
  if (spec.norm_placement == NormPlacement::kPre) {
    input = builder.Norm("final_norm", OpClass::kOther, blocks_output, "y_final", rows).Output().name;
  }
  // Tied embeddings: the LM head reads the embedding table, already counted at `embed`.
  Op& head = builder.Projection("lm_head", OpClass::kLmHead, input, spec.tie_embeddings ? "w_embed" : "w_lm", "logits",
                                spec.d_model, spec.vocab, false, rows);
  head.parameters = spec.tie_embeddings ? 0 : spec.vocab * spec.d_model;
  return builder.Take();
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
  for (std::int64_t layer = 0; layer < DistinctLayers(spec); ++layer) {
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
  // Products are formed in long double first: the sizes are user input and must not overflow int64.
  using Wide = long double;
  const Wide token_rows = Wide(spec.batch) * Wide(spec.TokensPerSequence());
  Wide largest = 0;
  for (std::int64_t layer = 0; layer < DistinctLayers(spec); ++layer) {
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
  const LmHead lm_head = spec.LmHeadOrDefault();
  const Wide lm_rows = lm_head == LmHead::kAll ? token_rows : lm_head == LmHead::kLast ? Wide(spec.batch) : Wide(0);
  largest = std::max(largest, lm_rows * Wide(spec.vocab) * Wide(spec.d_model));
  if (spec.moe.experts > 0) {
    largest = std::max(largest, token_rows * Wide(spec.moe.experts_per_token) * Wide(spec.d_model) *
                                    Wide(std::max(spec.d_ff, spec.d_model)));
    largest = std::max(largest, token_rows * Wide(spec.moe.experts) * Wide(spec.d_model));
  }
  if (largest >= Wide(kMaxIterationPoints)) {
    problems.push_back(fmt::format(
        "expected sizes whose largest op has fewer than 2^52 iteration points, got {:.3g} (batch {} × {} tokens)",
        static_cast<double>(largest), spec.batch, spec.TokensPerSequence()));
  } else {
    // The workload's totals (Σ MACs × count, Σ parameters; analysis.cpp counts them in int64) over
    // `layers` blocks: a block has fewer than kMaxOpsPerBlock ops, each below `largest` points and
    // holding fewer than d_model × widest (+ a bias row) parameters per expert. The tables
    // (embeddings, positions, LM head) add at most (vocab + max_positions + token_types + 2) rows
    // of d_model. Bounding the sum by 2^62 proves that no count the builder forms can overflow.
    constexpr Wide kMaxOpsPerBlock = 32;
    const Wide experts = Wide(std::max<std::int64_t>(spec.moe.experts, 1));
    Wide widest = Wide(spec.d_model);
    for (std::int64_t layer = 0; layer < DistinctLayers(spec); ++layer) {
      widest = std::max({widest, Wide(LayerHeads(spec, layer)) * Wide(spec.d_head), Wide(LayerDff(spec, layer))});
    }
    const Wide block_work = kMaxOpsPerBlock * experts * (largest + Wide(spec.d_model) * (widest + 1));
    const Wide tables = (Wide(spec.vocab) + Wide(spec.max_positions) + Wide(spec.token_types) + 2) * Wide(spec.d_model);
    const Wide total = Wide(spec.layers) * block_work + 2 * tables + largest;
    if (total >= Wide(std::int64_t{1} << 62)) {
      problems.push_back(fmt::format(
          "layers: expected a model whose total MACs and parameters stay below 2^62, got up to {:.3g} with {} layers",
          static_cast<double>(total), spec.layers));
    }
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
      problems.push_back("patch_embedding: expected a conv with fewer than 2^52 iteration points");
    }
    if (spec.phase != Phase::kPrefill) {
      problems.push_back("patch_embedding: expected phase prefill (the image is embedded once, before the blocks)");
    }
  }
  return problems;
}

namespace {

void ThrowIfUnchecked(const TransformerSpec& spec, std::string_view caller) {
  const std::vector<std::string> problems = CheckTransformerSpec(spec);
  if (!problems.empty()) {
    throw util::InternalError(
        fmt::format("{}('{}') on an unchecked spec: {}", caller, spec.name, util::Join(problems, "; ")));
  }
}

void Append(std::vector<Op>& ops, std::vector<Op> more) {
  ops.insert(ops.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

}  // namespace

std::vector<Op> TransformerBlockOps(const TransformerSpec& spec) {
  ThrowIfUnchecked(spec, "TransformerBlockOps");
  return BuildBlocks(spec).first;
}

Workload BuildTransformer(const TransformerSpec& spec) {
  ThrowIfUnchecked(spec, "BuildTransformer");
  std::vector<Op> ops = BuildEmbedding(spec);
  auto [blocks, blocks_output] = BuildBlocks(spec);
  Append(ops, std::move(blocks));
  Append(ops, BuildEnd(spec, blocks_output));
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
