// A Transformer described by its published hyper-parameters (DESIGN §2.2), and the builder that
// turns it into ops: the embedding ops, the blocks, and the LM head.
//
// One block, in data-flow order (post-norm, as BERT; `norm_placement: pre` moves each norm in
// front of its sublayer, as GPT-2, LLaMA and ViT). T = batch·tokens rows, H = heads, G = kv_heads
// (KvHeads()), D = d_head:
//
//   q_proj                    x[m,k]·w_q[k,n]        mha_projection  (m = T, k = d_model, n = H·D)
//   k_proj, v_proj            x[m,k]·w[k,n]          mha_projection  (n = G·D; outputs k, v: kv_cache)
//   q_rope, k_rope            rope over [m, H·D] / [m, G·D] (positions: rotary) → q_rot, k_rot
//   qk_matmul                 q[b,h,m,k]·k[b,h,n,k]  mha_act_to_act  (h = H, n = keys, k = D)
//   softmax                   over n                 other
//   av_matmul                 p[b,h,m,k]·v[b,h,k,n]  mha_act_to_act  (k = keys, n = D)
//     grouped-query attention (G < H): dims b, h = G, g = H / G, m, n, k; q, scores, probs and
//     attn carry g after h, K and V do not (each KV head is read once for its g query heads).
//     keys = AttendedKeys() = min(kv_len, sliding_window).
//   out_proj                  attn[m,k]·w_o[k,n]     mha_projection  (k = H·D, n = d_model)
//   attn_residual, attn_norm  add; layernorm|rmsnorm other
//   ffn_w1, gelu, ffn_w2      d_model→d_ff→d_model   ffn_projection / other
//     swiglu: ffn_w1 → silu, ffn_w3, gate_mul = silu ⊙ w3, then ffn_w2 (LLaMA's w1/w3/w2);
//     geglu: the same with gelu in place of silu (Gemma)
//   ffn_residual, ffn_norm    add; norm              other
//
// Mixture of experts (moe.experts = E > 0, top k = experts_per_token) replaces ffn_w1 … ffn_w2:
//   router [m = T, n = E, k = d_model], router_softmax and router_topk over n (class moe_router);
//   expert_w1, expert_silu (swiglu) | expert_gelu, expert_w3, expert_gate_mul, expert_w2
//   (ffn_projection / other, m = r rows, count = layers × X); moe_combine (add, moe_router, 2k ops
//   per element: each token's k weighted expert outputs). Under uniform routing each expert is
//   missed by all T tokens with probability (1 − k/E)^T, so the batch touches
//   X = round(E·(1 − (1 − k/E)^T)) experts (rounded to nearest, kept in [1, E]), each on
//   r = ceil(T·k / X) rows: the weights of X experts are read per step (a decode step of batch 1
//   reads k experts), while Op::parameters counts all E.
//
// Before the blocks (count 1, class embedding) when vocab > 0: `embed` (gather of w_embed rows),
// `pos_embed` (absolute positions: + w_pos), `type_embed` (token_types > 0: + w_type) and
// `embed_norm` (post-norm models: BERT's embedding LayerNorm); the last writes x. With a patch
// embedding, `patch_embed` (then `pos_embed` with absolute positions) writes x. After the blocks
// (count 1) when vocab > 0 and the LM head is not none: `final_norm` (pre-norm models, class
// other) and `lm_head` (class lm_head, m = batch for `last` and every decode step, T for `all`,
// k = d_model, n = vocab, weight w_lm, or w_embed with tie_embeddings).
//
// Tensor names: x (block input), q, k, v (q_rot, k_rot), scores, probs, attn, attn_out, then
// (post-norm) attn_sum → h → ... ffn_out, ffn_sum → y, or (pre-norm) x_norm, h, h_norm, ...,
// ffn_out → y; y_final → logits. FFN intermediates: ffn_hidden → ffn_act (gelu), or gate,
// gate_act, up → ffn_act (gated). Weights: w_q, w_k, w_v, w_o, w_1, w_2, w_3, w_router,
// w_expert_1/2/3, w_embed, w_pos, w_type, w_lm.
//
// Counts: blocks are identical, so one block's graph runs count = layers. With per-layer lists
// (layer_heads / layer_d_ff) every layer is its own block, count 1, its op and tensor names
// prefixed `l0.`, `l1.`, …, layer i reading layer i−1's output y (layer 0 reads x).
//
// Op::parameters: the weight elements an op holds over all layers (and all experts), biases
// included (qkv_bias, out_bias, mlp_bias: one per output column), norms 2·d_model (layernorm's
// gamma and beta) or d_model (rmsnorm's gamma) per layer although their tensors are left out of
// the ops; a tied LM head holds 0 (its table is counted at `embed`). Left out
// (docs/workloads.md): the classifier head, the 1/sqrt(d_head) scaling (folded into W_Q),
// dropout, the MoE token permutation; the causal mask does not reduce work (a dense kernel
// computes the masked half too).
//
// Phases: `prefill` processes seq_len tokens per sequence at once. `decode` is ONE generation
// step with a KV cache: one new token per sequence (m = 1 per sequence, so the projections are
// matrix-vector products for batch 1), and Q×K^T / attention×V read the cached keys/values (n =
// keys for Q×K^T, k = keys for ×V; kv_len includes the new token).
// Sliding window (Mistral): each query attends to at most `sliding_window` keys. In prefill too,
// n = min(seq_len, window), modelling a banded kernel that skips keys outside the window; in
// decode the rolling cache holds at most `window` keys.
//
// Units: sizes are element counts. Word sizes: without `precision` every tensor has `bits`; with
// it, parameter tensors have precision.weights, K and V (k, v, k_rot) precision.kv_cache, every
// other tensor precision.activations, and every op carries Op::accumulator_bits (packed words).
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/workload/op.h"
#include "loopfront/workload/workload.h"

namespace loopfront::workload {

enum class Phase : std::uint8_t { kPrefill, kDecode };
// The MLP: gelu = w2(gelu(w1·x)); swiglu = w2(silu(w1·x) ⊙ w3·x) (LLaMA, Mistral, Qwen2, Phi-3);
// geglu = w2(gelu(w1·x) ⊙ w3·x) (Gemma). Shazeer 2020, "GLU Variants Improve Transformer".
enum class Activation : std::uint8_t { kGelu, kSwiGlu, kGeGlu };
enum class Norm : std::uint8_t { kLayerNorm, kRmsNorm };
enum class NormPlacement : std::uint8_t { kPost, kPre };
// How token positions enter: none; absolute = a learned position table added to the token
// embedding (BERT, GPT-2, ViT); rotary = RoPE applied to Q and K in every block (Su et al. 2021;
// LLaMA, Mistral, Qwen2, Gemma, Phi-3).
enum class Positions : std::uint8_t { kNone, kAbsolute, kRotary };
// Which rows the LM head computes logits for: none, the last position of each sequence (what
// generation needs; the default for decoders), or every position (training, scoring).
enum class LmHead : std::uint8_t { kNone, kLast, kAll };

// Word sizes in bits per tensor class (`precision:`; `--precision w4a16kv8`). Weights are the
// model's parameters (projections, embedding table, LM head, experts, router), kv_cache the K and V
// tensors (what a decode step caches), activations every other tensor, accumulators the partial
// sums of a contraction's output (Op::accumulator_bits).
struct Precision {
  int weights = 8;
  int activations = 8;
  int kv_cache = 8;
  int accumulators = 32;
  bool operator==(const Precision&) const = default;
};

// A mixture-of-experts MLP (Mixtral; Jiang et al. 2024, arXiv 2401.04088): a router picks
// `experts_per_token` of `experts` expert MLPs for each token. experts = 0: a dense MLP.
struct MixtureOfExperts {
  std::int64_t experts = 0;
  std::int64_t experts_per_token = 0;
  bool operator==(const MixtureOfExperts&) const = default;
};

// A vision Transformer's patch embedding (ViT, Dosovitskiy et al. 2021, Sec. 3.1): the
// image_size × image_size image with `channels` channels is cut into patch_size × patch_size
// patches, each projected to d_model: a convolution with stride = filter = patch_size.
struct PatchEmbedding {
  std::int64_t image_size = 0;
  std::int64_t patch_size = 0;
  std::int64_t channels = 3;
  bool operator==(const PatchEmbedding&) const = default;
};

struct TransformerSpec {
  std::string name = "transformer";
  // Required sizes; 0 = unset (CheckTransformerSpec rejects it).
  std::int64_t d_model = 0;
  std::int64_t heads = 0;
  std::int64_t d_head = 0;  // attention width = heads × d_head (usually, not necessarily, d_model)
  std::int64_t d_ff = 0;
  std::int64_t layers = 0;
  // Grouped-query attention: K and V have kv_heads heads, each shared by heads / kv_heads query
  // heads (1 = multi-query). 0 = heads (multi-head attention).
  std::int64_t kv_heads = 0;
  // Per-layer shapes (survey Sec. 6, Tab. 9): when non-empty, one entry per layer, replacing
  // heads / d_ff for that layer (then every layer is built as its own block, count 1). The
  // loader then sets heads / d_ff to the list's largest entry.
  std::vector<std::int64_t> layer_heads{};
  std::vector<std::int64_t> layer_d_ff{};
  std::int64_t seq_len = 0;  // tokens per sequence (prefill); decode: default kv_len
  std::int64_t batch = 1;    // sequences processed together
  Phase phase = Phase::kPrefill;
  std::optional<std::int64_t> kv_len{};  // decode only: cached keys attended to, default seq_len
  int bits = 8;                          // word size of every tensor (survey Sec. 2.2: 8-bit)
  Activation activation = Activation::kGelu;
  Norm norm = Norm::kLayerNorm;
  NormPlacement norm_placement = NormPlacement::kPost;
  bool decoder = false;  // causal (GPT, LLaMA); only decoders have a decode phase
  // Prefill only: a `patch_embed` conv (count 1, not per layer) that writes the block input x.
  std::optional<PatchEmbedding> patch_embedding{};
  // The model's ends. vocab > 0: a token-embedding gather (`embed`) before the blocks and, unless
  // lm_head is none, a final norm (pre-norm models) and the LM head after them.
  std::int64_t vocab = 0;
  Positions positions = Positions::kNone;
  std::int64_t max_positions = 0;  // rows of an absolute position table (parameters); 0 = seq_len
  std::int64_t token_types = 0;    // BERT's segment embedding rows (type_vocab_size); 0 = none
  std::optional<LmHead> lm_head{};  // unset: last for decoders, none for encoders (LmHeadOrDefault)
  bool tie_embeddings = false;      // the LM head reuses the embedding table (counted once)
  // Biases are parameters; the add itself happens in the accumulator (Gemmini's matmul preloads
  // the bias into its accumulator rows, `tiled_matmul_auto`'s D operand), so they add no op.
  bool qkv_bias = false;  // Q, K, V projection biases (BERT, GPT-2, Qwen2)
  bool out_bias = false;  // output projection bias (BERT, GPT-2)
  bool mlp_bias = false;  // MLP biases (BERT, GPT-2, ViT)
  std::optional<std::int64_t> sliding_window{};  // attention sees at most this many keys
  MixtureOfExperts moe{};
  // Unset: every tensor has `bits`. Set: word sizes per tensor class, and every op carries
  // Op::accumulator_bits (the cost models then pack words; partial sums at accumulators).
  std::optional<Precision> precision{};

  bool operator==(const TransformerSpec&) const = default;

  std::int64_t KvLen() const { return kv_len.value_or(seq_len); }
  // Keys each query attends to: KvLen() capped at the sliding window.
  std::int64_t AttendedKeys() const {
    const std::int64_t keys = KvLen();
    return sliding_window && *sliding_window < keys ? *sliding_window : keys;
  }
  std::int64_t KvHeads() const { return kv_heads > 0 ? kv_heads : heads; }
  LmHead LmHeadOrDefault() const { return lm_head.value_or(decoder ? LmHead::kLast : LmHead::kNone); }
  // Tokens each sequence contributes to this workload: seq_len (prefill) or 1 (decode).
  std::int64_t TokensPerSequence() const { return phase == Phase::kDecode ? 1 : seq_len; }
};

// Problems with a spec, one message each, naming the keys (empty = valid): positive sizes,
// per-layer lists of `layers` entries, kv_heads dividing every layer's heads, moe with
// 1 ≤ experts_per_token ≤ experts, sliding_window ≥ 1, bits and precision in 1..64, lm_head /
// tie_embeddings / token_types / absolute positions only with a vocab (absolute positions also
// with a patch embedding), max_positions only with absolute positions (a longer seq_len is a
// what-if beyond the learned table, allowed), decode
// only for decoders, kv_len only for decode, and every op built (projections, attention, LM head,
// router, experts) below kMaxIterationPoints.
std::vector<std::string> CheckTransformerSpec(const TransformerSpec& spec);

// The ops of the blocks, in data-flow order (see above): one block with count = layers, or every
// layer's block (per-layer lists). The spec must be valid (CheckTransformerSpec empty), else
// util::InternalError.
std::vector<Op> TransformerBlockOps(const TransformerSpec& spec);
// The embedding ops (the `patch_embed` conv of a spec with a patch embedding — MakeConvolution:
// n = batch, c = channels, m = d_model, p = q = image / patch, r = s = stride = patch; tensors
// image, w_patch → x; class other, count 1 — or the token embedding ops), the blocks, then the
// final norm and LM head, as a Workload named spec.name. Same validity rule as above.
Workload BuildTransformer(const TransformerSpec& spec);

std::string_view ToString(Phase phase);
std::string_view ToString(Activation activation);
std::string_view ToString(Norm norm);
std::string_view ToString(NormPlacement placement);
std::string_view ToString(Positions positions);
std::string_view ToString(LmHead lm_head);
std::optional<Positions> ParsePositions(std::string_view text);
std::optional<LmHead> ParseLmHead(std::string_view text);
std::vector<std::string> PositionsNames();
std::vector<std::string> LmHeadNames();
std::optional<Phase> ParsePhase(std::string_view text);
std::optional<Activation> ParseActivation(std::string_view text);
std::optional<Norm> ParseNorm(std::string_view text);
std::optional<NormPlacement> ParseNormPlacement(std::string_view text);
std::vector<std::string> PhaseNames();
std::vector<std::string> ActivationNames();
std::vector<std::string> NormNames();
std::vector<std::string> NormPlacementNames();

}  // namespace loopfront::workload
