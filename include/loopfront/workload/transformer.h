// A Transformer described by its published hyper-parameters (DESIGN §2.2), and the builder that
// turns it into the ops of one block.
//
// One block, in data-flow order (post-norm, as BERT; `norm_placement: pre` moves each norm in
// front of its sublayer, as GPT-2, LLaMA and ViT):
//
//   q_proj, k_proj, v_proj    x[m,k]·w[k,n]        mha_projection  (m = batch·tokens, k = n = d_model)
//   qk_matmul                 q[b,h,m,k]·k[b,h,n,k] mha_act_to_act  (per head: n = keys, k = d_head)
//   softmax                   over n                other
//   av_matmul                 p[b,h,m,k]·v[b,h,k,n] mha_act_to_act  (k = keys, n = d_head)
//   out_proj                  attn[m,k]·w_o[k,n]    mha_projection
//   attn_residual, attn_norm  add; layernorm|rmsnorm other
//   ffn_w1, gelu, ffn_w2      d_model→d_ff→d_model  ffn_projection / other
//     (swiglu: ffn_w1 → silu, ffn_w3, gate_mul = silu ⊙ w3, then ffn_w2: LLaMA's w1/w3/w2)
//   ffn_residual, ffn_norm    add; norm             other
//
// Tensor names: x (block input), q, k, v, scores, probs, attn, attn_out, then (post-norm)
// attn_sum → h → ... ffn_out, ffn_sum → y, or (pre-norm) x_norm, h, h_norm, ..., ffn_out → y.
// FFN intermediates: ffn_hidden → ffn_act (gelu), or gate, gate_act, up → ffn_act (swiglu).
//
// Every op has count = layers: blocks are identical, so the workload is one block's graph. Left
// out (docs/workloads.md): embeddings, positional encodings, the final norm and the LM or
// classifier head, LayerNorm's gamma/beta, the 1/sqrt(d_head) scaling (folded into W_Q) and
// dropout; the causal mask does not reduce work (a dense kernel computes the masked half too).
//
// Phases: `prefill` processes seq_len tokens per sequence at once. `decode` is ONE generation
// step with a KV cache: one new token per sequence (m = 1 per sequence, so the projections are
// matrix-vector products for batch 1), and Q×K^T / attention×V read kv_len cached keys/values
// (n = kv_len for Q×K^T, k = kv_len for ×V; kv_len includes the new token).
//
// Units: sizes are element counts, `bits` is the word size of every tensor.
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
  // heads / d_ff for that layer (then every layer is built as its own block, count 1).
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
  // Unset: every tensor has `bits`. Set: word sizes per tensor class, and contraction outputs
  // carry Op::accumulator_bits.
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
// d_model == heads × d_head, decode only for decoders, kv_len only for decode, bits in 1..64, and
// op sizes within the limits of CheckOp.
std::vector<std::string> CheckTransformerSpec(const TransformerSpec& spec);

// The ops of one block, in data-flow order (see above), each with count = layers. The spec must
// be valid (CheckTransformerSpec empty), else util::InternalError.
std::vector<Op> TransformerBlockOps(const TransformerSpec& spec);
// The `patch_embed` conv of a spec with a patch embedding (MakeConvolution: n = batch, c =
// channels, m = d_model, p = q = image / patch, r = s = stride = patch; tensors image, w_patch → x;
// class other, count 1), then TransformerBlockOps, as a Workload named spec.name.
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
