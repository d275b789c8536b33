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
enum class Activation : std::uint8_t { kGelu, kSwiGlu };
enum class Norm : std::uint8_t { kLayerNorm, kRmsNorm };
enum class NormPlacement : std::uint8_t { kPost, kPre };

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
  std::int64_t d_head = 0;  // d_model must equal heads × d_head
  std::int64_t d_ff = 0;
  std::int64_t layers = 0;
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

  bool operator==(const TransformerSpec&) const = default;

  std::int64_t KvLen() const { return kv_len.value_or(seq_len); }
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
std::optional<Phase> ParsePhase(std::string_view text);
std::optional<Activation> ParseActivation(std::string_view text);
std::optional<Norm> ParseNorm(std::string_view text);
std::optional<NormPlacement> ParseNormPlacement(std::string_view text);
std::vector<std::string> PhaseNames();
std::vector<std::string> ActivationNames();
std::vector<std::string> NormNames();
std::vector<std::string> NormPlacementNames();

}  // namespace loopfront::workload
