// The LLM ops of #13, each number derived by hand from the spec (docs/workloads.md, "Op graph").
#include <catch2/catch.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "loopfront/workload/transformer.h"

using namespace loopfront::workload;

namespace {

const Op& OpNamed(const Workload& workload, const std::string& name) {
  const std::optional<OpId> id = workload.FindOp(name);
  INFO(name);
  REQUIRE(id.has_value());
  return workload.op(*id);
}

// `l<layer>.`, the name prefix of a per-layer block.
std::string LayerPrefix(std::int64_t layer) {
  std::string prefix = "l";
  prefix += std::to_string(layer);
  prefix += '.';
  return prefix;
}

bool HasOp(const Workload& workload, const std::string& name) { return workload.FindOp(name).has_value(); }

const Tensor& TensorNamed(const Op& op, const std::string& name) {
  const Tensor* tensor = op.FindTensor(name);
  INFO(op.name << " / " << name);
  REQUIRE(tensor != nullptr);
  return *tensor;
}

std::vector<std::string> DimNames(const Op& op) {
  std::vector<std::string> names;
  for (const Dim& dim : op.dims) names.push_back(dim.name);
  return names;
}

std::int64_t TotalParameters(const Workload& workload) {
  std::int64_t total = 0;
  for (const Op& op : workload.ops()) total += op.parameters;
  return total;
}

// One LLaMA-3-8B-shaped layer (Meta's config.json: hidden_size 4096, 32 heads, 8 KV heads,
// head_dim 128, intermediate_size 14336), pre-norm RMSNorm SwiGLU decoder.
TransformerSpec GqaLayer() {
  return TransformerSpec{.name = "gqa",
                         .d_model = 4096,
                         .heads = 32,
                         .d_head = 128,
                         .d_ff = 14336,
                         .layers = 1,
                         .kv_heads = 8,
                         .seq_len = 512,
                         .activation = Activation::kSwiGlu,
                         .norm = Norm::kRmsNorm,
                         .norm_placement = NormPlacement::kPre,
                         .decoder = true};
}

// Mixtral-8x7B-shaped (hidden 4096, 32 heads, 8 KV heads, intermediate 14336, 8 experts, top-2),
// 2 layers, one decode step.
TransformerSpec MixtralDecode(std::int64_t batch) {
  TransformerSpec spec = GqaLayer();
  spec.name = "moe";
  spec.layers = 2;
  spec.moe = {.experts = 8, .experts_per_token = 2};
  spec.phase = Phase::kDecode;
  spec.seq_len = 1024;
  spec.batch = batch;
  return spec;
}

}  // namespace

TEST_CASE("One GQA layer: K/V of kv_heads × d_head columns, attention batched over g query heads per KV head",
          "[workload][transformer]") {
  const Workload workload = BuildTransformer(GqaLayer());
  const Op& q_proj = OpNamed(workload, "q_proj");
  const Op& k_proj = OpNamed(workload, "k_proj");
  // K projection: d_model × kv_heads·d_head = 4096 × 1024 MACs per token.
  CHECK(k_proj.Macs() == 512LL * 4096 * 1024);
  CHECK(k_proj.DimSize("n") == 1024);
  CHECK(OpNamed(workload, "v_proj").DimSize("n") == 1024);
  CHECK(q_proj.DimSize("n") == 4096);
  CHECK(TensorNamed(k_proj, "k").data == TensorData::kKvCache);
  CHECK(TensorNamed(k_proj, "w_k").data == TensorData::kParameter);
  CHECK(TensorNamed(q_proj, "q").data == TensorData::kActivation);

  const Op& qk = OpNamed(workload, "qk_matmul");
  CHECK(DimNames(qk) == std::vector<std::string>{"b", "h", "g", "m", "n", "k"});
  CHECK(qk.DimSize("h") == 8);
  CHECK(qk.DimSize("g") == 4);
  CHECK(qk.DimSize("n") == 512);
  CHECK(qk.DimSize("k") == 128);
  // Same MACs as 32 heads of multi-head attention: 32 × 512 × 512 × 128.
  CHECK(qk.Macs() == 32LL * 512 * 512 * 128);
  // K is indexed without g: each KV head is read once for its 4 query heads.
  CHECK(qk.TensorElements(TensorNamed(qk, "k")) == 8LL * 512 * 128);
  CHECK(qk.TensorElements(TensorNamed(qk, "q")) == 32LL * 512 * 128);
  const Op& softmax = OpNamed(workload, "softmax");
  CHECK(DimNames(softmax) == std::vector<std::string>{"b", "h", "g", "m", "n"});
  const Op& av = OpNamed(workload, "av_matmul");
  CHECK(DimNames(av) == std::vector<std::string>{"b", "h", "g", "m", "n", "k"});
  CHECK(av.TensorElements(TensorNamed(av, "v")) == 8LL * 512 * 128);
  CHECK(OpNamed(workload, "out_proj").DimSize("k") == 4096);

  // Multi-head attention keeps b, h, m, n, k exactly.
  TransformerSpec mha = GqaLayer();
  mha.kv_heads = 0;
  CHECK(DimNames(OpNamed(BuildTransformer(mha), "qk_matmul")) == std::vector<std::string>{"b", "h", "m", "n", "k"});
  mha.kv_heads = 32;
  CHECK(DimNames(OpNamed(BuildTransformer(mha), "qk_matmul")) == std::vector<std::string>{"b", "h", "m", "n", "k"});

  // Decode: the KV cache read per step is kv_heads-sized.
  TransformerSpec decode = GqaLayer();
  decode.phase = Phase::kDecode;
  decode.kv_len = 2048;
  const Workload decode_workload = BuildTransformer(decode);
  const Op& qk_decode = OpNamed(decode_workload, "qk_matmul");
  CHECK(qk_decode.DimSize("m") == 1);
  CHECK(qk_decode.TensorElements(TensorNamed(qk_decode, "k")) == 8LL * 2048 * 128);
}

TEST_CASE("heads × d_head may differ from d_model (Gemma-7B: 16 × 256 = 4096, d_model 3072)",
          "[workload][transformer]") {
  TransformerSpec spec = GqaLayer();
  spec.d_model = 3072;
  spec.heads = 16;
  spec.kv_heads = 16;
  spec.d_head = 256;
  const Workload workload = BuildTransformer(spec);
  CHECK(OpNamed(workload, "q_proj").DimSize("k") == 3072);
  CHECK(OpNamed(workload, "q_proj").DimSize("n") == 4096);
  CHECK(OpNamed(workload, "out_proj").DimSize("k") == 4096);
  CHECK(OpNamed(workload, "out_proj").DimSize("n") == 3072);
}

TEST_CASE("One MoE decode step: router, top-k and the experts the batch touches", "[workload][transformer]") {
  const Workload one = BuildTransformer(MixtralDecode(1));
  const Op& router = OpNamed(one, "router");
  CHECK(router.op_class == OpClass::kMoeRouter);
  CHECK(router.DimSize("m") == 1);
  CHECK(router.DimSize("n") == 8);
  CHECK(router.DimSize("k") == 4096);
  CHECK(router.parameters == 2LL * 4096 * 8);
  CHECK(OpNamed(one, "router_softmax").op_class == OpClass::kMoeRouter);
  const Op& topk = OpNamed(one, "router_topk");
  CHECK(topk.kind == OpKind::kTopK);
  CHECK(topk.ops_per_element == std::vector<double>{2});
  CHECK(topk.reduced_dim == topk.DimIndex("n"));
  // Batch 1: T = round(8·(1 − 0.75¹)) = 2 experts, r = ceil(1·2 / 2) = 1 row each.
  for (const std::string name : {"expert_w1", "expert_silu", "expert_w3", "expert_gate_mul", "expert_w2"}) {
    INFO(name);
    const Op& op = OpNamed(one, name);
    CHECK(op.DimSize("m") == 1);
    CHECK(op.count == 2 * 2);  // layers × T
  }
  const Op& w1 = OpNamed(one, "expert_w1");
  CHECK(w1.op_class == OpClass::kFfnProjection);
  CHECK(w1.DimSize("k") == 4096);
  CHECK(w1.DimSize("n") == 14336);
  // Parameters: all 8 experts of both layers, not the 2 touched.
  CHECK(w1.parameters == 2LL * 8 * 4096 * 14336);
  CHECK(OpNamed(one, "expert_w2").parameters == 2LL * 8 * 14336 * 4096);
  // Weights read per step: T = 2 experts × 3 matrices × 4096 × 14336 per layer.
  std::int64_t expert_weight_reads = 0;
  for (const std::string name : {"expert_w1", "expert_w3", "expert_w2"}) {
    const Op& op = OpNamed(one, name);
    expert_weight_reads += op.TensorElements(op.tensors[1]) * op.count;
  }
  CHECK(expert_weight_reads == 2LL * 2 * 3 * 4096 * 14336);
  const Op& combine = OpNamed(one, "moe_combine");
  CHECK(combine.op_class == OpClass::kMoeRouter);
  CHECK(combine.ops_per_element == std::vector<double>{4});  // k mul + k add
  CHECK(combine.DimSize("m") == 1);
  CHECK(combine.DimSize("n") == 4096);
  CHECK_FALSE(HasOp(one, "ffn_w1"));

  // Batch 4: T = round(8·(1 − 0.75⁴)) = round(5.47) = 5, r = ceil(4·2 / 5) = 2.
  const Workload four = BuildTransformer(MixtralDecode(4));
  CHECK(OpNamed(four, "expert_w1").DimSize("m") == 2);
  CHECK(OpNamed(four, "expert_w1").count == 2 * 5);
  CHECK(OpNamed(four, "router").DimSize("m") == 4);

  // Prefill of 512 tokens touches all 8: r = 512·2 / 8 = 128 rows each.
  TransformerSpec prefill = MixtralDecode(1);
  prefill.phase = Phase::kPrefill;
  prefill.seq_len = 512;
  const Workload all = BuildTransformer(prefill);
  CHECK(OpNamed(all, "expert_w1").DimSize("m") == 128);
  CHECK(OpNamed(all, "expert_w1").count == 2 * 8);
}

TEST_CASE("The LM head: last, all, decode, tied", "[workload][transformer]") {
  TransformerSpec spec = GqaLayer();
  spec.vocab = 128256;
  spec.batch = 2;
  const Workload last = BuildTransformer(spec);  // a decoder's default: last
  const Op& head = OpNamed(last, "lm_head");
  CHECK(head.op_class == OpClass::kLmHead);
  CHECK(head.count == 1);
  CHECK(head.DimSize("m") == 2);  // one row per sequence
  CHECK(head.DimSize("k") == 4096);
  CHECK(head.DimSize("n") == 128256);
  CHECK(head.Macs() == 2LL * 4096 * 128256);
  CHECK(head.parameters == 128256LL * 4096);
  CHECK(TensorNamed(head, "w_lm").data == TensorData::kParameter);
  CHECK(TensorNamed(head, "y_final").role == TensorRole::kInput);
  // Pre-norm: the final norm over the same rows, reading the last block's y.
  const Op& final_norm = OpNamed(last, "final_norm");
  CHECK(final_norm.kind == OpKind::kRmsNorm);
  CHECK(final_norm.DimSize("m") == 2);
  CHECK(final_norm.parameters == 4096);
  CHECK(final_norm.tensors[0].name == "y");

  spec.lm_head = LmHead::kAll;
  CHECK(OpNamed(BuildTransformer(spec), "lm_head").DimSize("m") == 2 * 512);
  spec.phase = Phase::kDecode;
  CHECK(OpNamed(BuildTransformer(spec), "lm_head").DimSize("m") == 2);
  spec.lm_head = LmHead::kNone;
  CHECK_FALSE(HasOp(BuildTransformer(spec), "lm_head"));
  CHECK_FALSE(HasOp(BuildTransformer(spec), "final_norm"));

  spec.lm_head = LmHead::kLast;
  spec.tie_embeddings = true;
  const Workload tied = BuildTransformer(spec);
  CHECK(OpNamed(tied, "lm_head").parameters == 0);
  CHECK(OpNamed(tied, "lm_head").tensors[1].name == "w_embed");
  CHECK(OpNamed(tied, "embed").parameters == 128256LL * 4096);

  // An encoder has no LM head by default.
  spec.decoder = false;
  spec.phase = Phase::kPrefill;
  spec.lm_head.reset();
  CHECK_FALSE(HasOp(BuildTransformer(spec), "lm_head"));
}

TEST_CASE("Embeddings and RoPE", "[workload][transformer]") {
  // BERT-Base: vocab 30522, 512 positions, 2 token types, post-norm (embedding LayerNorm).
  TransformerSpec bert{.name = "bert", .d_model = 768, .heads = 12, .d_head = 64, .d_ff = 3072, .layers = 12,
                       .seq_len = 128};
  bert.vocab = 30522;
  bert.positions = Positions::kAbsolute;
  bert.max_positions = 512;
  bert.token_types = 2;
  const Workload workload = BuildTransformer(bert);
  const std::vector<std::string> first = {workload.ops()[0].name, workload.ops()[1].name, workload.ops()[2].name,
                                          workload.ops()[3].name};
  CHECK(first == std::vector<std::string>{"embed", "pos_embed", "type_embed", "embed_norm"});
  const Op& embed = OpNamed(workload, "embed");
  CHECK(embed.kind == OpKind::kGather);
  CHECK(embed.op_class == OpClass::kEmbedding);
  CHECK(embed.count == 1);
  CHECK(embed.DimSize("m") == 128);
  CHECK(embed.DimSize("n") == 768);
  CHECK(TensorNamed(embed, "w_embed").role == TensorRole::kWeight);
  CHECK(TensorNamed(embed, "w_embed").data == TensorData::kParameter);
  CHECK(embed.parameters == 30522LL * 768);
  CHECK(OpNamed(workload, "pos_embed").parameters == 512LL * 768);
  CHECK(OpNamed(workload, "type_embed").parameters == 2LL * 768);
  CHECK(OpNamed(workload, "embed_norm").parameters == 2LL * 768);
  CHECK(OpNamed(workload, "embed_norm").op_class == OpClass::kEmbedding);
  CHECK(OpNamed(workload, "embed_norm").Output().name == "x");
  // The blocks read x from the embedding: one graph.
  CHECK(workload.Producer("x") == workload.FindOp("embed_norm"));
  CHECK_FALSE(HasOp(workload, "lm_head"));  // an encoder

  // Rotary positions: q_rope and k_rope between the projections and Q×K^T.
  const Workload rope = [] {
    TransformerSpec spec = GqaLayer();
    spec.positions = Positions::kRotary;
    return BuildTransformer(spec);
  }();
  const Op& q_rope = OpNamed(rope, "q_rope");
  const Op& k_rope = OpNamed(rope, "k_rope");
  CHECK(q_rope.kind == OpKind::kRope);
  CHECK(q_rope.DimSize("n") == 4096);
  CHECK(k_rope.DimSize("n") == 1024);
  CHECK(q_rope.Flops() == 512.0 * 4096 * 3);  // 2 mul + 1 add per element
  CHECK(TensorNamed(k_rope, "k_rot").data == TensorData::kKvCache);
  const Op& qk = OpNamed(rope, "qk_matmul");
  CHECK(qk.tensors[0].name == "q_rot");
  CHECK(qk.tensors[1].name == "k_rot");
  CHECK_FALSE(HasOp(rope, "embed"));  // vocab 0: the blocks only
}

TEST_CASE("Per-layer heads and d_ff (survey Tab. 9): one block per layer, chained", "[workload][transformer]") {
  TransformerSpec spec{.name = "tab9", .d_model = 672, .heads = 12, .d_head = 64, .d_ff = 2560, .layers = 6,
                       .seq_len = 128};
  spec.layer_heads = {12, 6, 12, 8, 10, 6};
  spec.layer_d_ff = {1280, 1280, 2560, 768, 2048, 1024};
  const Workload workload = BuildTransformer(spec);
  CHECK(workload.NumOps() == 6 * 14);
  for (std::int64_t layer = 0; layer < 6; ++layer) {
    const std::string prefix = LayerPrefix(layer);
    INFO(prefix);
    const Op& q_proj = OpNamed(workload, prefix + "q_proj");
    CHECK(q_proj.count == 1);
    CHECK(q_proj.DimSize("n") == spec.layer_heads[layer] * 64);
    CHECK(OpNamed(workload, prefix + "qk_matmul").DimSize("h") == spec.layer_heads[layer]);
    CHECK(OpNamed(workload, prefix + "ffn_w1").DimSize("n") == spec.layer_d_ff[layer]);
    CHECK(TensorNamed(q_proj, prefix + "w_q").data == TensorData::kParameter);
    // Layer i reads layer i−1's output.
    const std::string input = layer == 0 ? "x" : LayerPrefix(layer - 1) + "y";
    CHECK(q_proj.tensors[0].name == input);
  }
  CHECK(workload.Results() == std::vector<std::string>{"l5.y"});
  // 6 layers of d_model × heads·64 per Q projection: 672 × 64 × (12+6+12+8+10+6) = 672 × 64 × 54.
  std::int64_t q_parameters = 0;
  for (std::int64_t layer = 0; layer < 6; ++layer) {
    q_parameters += OpNamed(workload, LayerPrefix(layer) + "q_proj").parameters;
  }
  CHECK(q_parameters == 672LL * 64 * 54);
}

TEST_CASE("Sliding window caps the keys in prefill and decode", "[workload][transformer]") {
  TransformerSpec spec = GqaLayer();
  spec.sliding_window = 256;
  CHECK(OpNamed(BuildTransformer(spec), "qk_matmul").DimSize("n") == 256);
  CHECK(OpNamed(BuildTransformer(spec), "softmax").DimSize("n") == 256);
  CHECK(OpNamed(BuildTransformer(spec), "av_matmul").DimSize("k") == 256);
  spec.phase = Phase::kDecode;
  spec.kv_len = 4096;
  CHECK(OpNamed(BuildTransformer(spec), "qk_matmul").DimSize("n") == 256);
  spec.kv_len = 100;
  CHECK(OpNamed(BuildTransformer(spec), "qk_matmul").DimSize("n") == 100);
}

TEST_CASE("Precision sets word bits per tensor class and accumulator bits on contractions",
          "[workload][transformer]") {
  TransformerSpec spec = GqaLayer();
  spec.vocab = 1000;
  spec.positions = Positions::kRotary;
  // Without precision: every tensor has `bits`, no accumulator bits.
  const Workload plain = BuildTransformer(spec);  // named: a range-for would outlive a temporary
  for (const Op& op : plain.ops()) {
    CHECK_FALSE(op.accumulator_bits.has_value());
    for (const Tensor& tensor : op.tensors) CHECK(tensor.word_bits == 8);
  }
  spec.precision = Precision{.weights = 4, .activations = 16, .kv_cache = 8, .accumulators = 32};
  const Workload workload = BuildTransformer(spec);
  for (const Op& op : workload.ops()) {
    INFO(op.name);
    // Every op packs words; only a contraction has partial sums (at 32 bits).
    CHECK(op.accumulator_bits == std::optional<int>(32));
    for (const Tensor& tensor : op.tensors) {
      INFO(tensor.name);
      const int expected = tensor.data == TensorData::kParameter ? 4 : tensor.data == TensorData::kKvCache ? 8 : 16;
      CHECK(tensor.word_bits == expected);
    }
  }
  CHECK(TensorNamed(OpNamed(workload, "q_proj"), "w_q").word_bits == 4);
  CHECK(TensorNamed(OpNamed(workload, "k_proj"), "k").word_bits == 8);
  CHECK(TensorNamed(OpNamed(workload, "qk_matmul"), "k_rot").word_bits == 8);
  CHECK(TensorNamed(OpNamed(workload, "av_matmul"), "v").word_bits == 8);
  CHECK(TensorNamed(OpNamed(workload, "qk_matmul"), "q_rot").word_bits == 16);
  CHECK(TensorNamed(OpNamed(workload, "embed"), "w_embed").word_bits == 4);
  CHECK(TensorNamed(OpNamed(workload, "lm_head"), "logits").word_bits == 16);
}

TEST_CASE("Parameters of a small spec, summed by hand", "[workload][transformer]") {
  // GPT-2-like: d 8, 2 heads of 4, d_ff 32, 3 layers, vocab 50, 16 positions, tied, all biases,
  // LayerNorm, pre-norm.
  TransformerSpec spec{.name = "tiny", .d_model = 8, .heads = 2, .d_head = 4, .d_ff = 32, .layers = 3, .seq_len = 16};
  spec.norm_placement = NormPlacement::kPre;
  spec.decoder = true;
  spec.vocab = 50;
  spec.positions = Positions::kAbsolute;
  spec.tie_embeddings = true;
  spec.qkv_bias = true;
  spec.out_bias = true;
  spec.mlp_bias = true;
  // Per layer: Q, K, V 3 × (8·8 + 8) = 216; out 8·8 + 8 = 72; w1 8·32 + 32 = 288; w2 32·8 + 8 = 264;
  // two LayerNorms 2 × 16 = 32: 872 per layer, 2616 for 3. Embeddings 50·8 = 400, positions
  // 16·8 = 128, final norm 16, LM head tied: 0. Total 3160 (GPT-2's own formula at this size).
  CHECK(TotalParameters(BuildTransformer(spec)) == 3160);
  spec.tie_embeddings = false;
  CHECK(TotalParameters(BuildTransformer(spec)) == 3160 + 400);

  // SwiGLU with GQA, RMSNorm, no biases: d 8, 4 heads of 2, 2 KV heads, d_ff 16, 2 layers.
  TransformerSpec llama{.name = "tiny-llama", .d_model = 8, .heads = 4, .d_head = 2, .d_ff = 16, .layers = 2,
                        .kv_heads = 2, .seq_len = 16};
  llama.activation = Activation::kSwiGlu;
  llama.norm = Norm::kRmsNorm;
  llama.norm_placement = NormPlacement::kPre;
  llama.decoder = true;
  llama.vocab = 10;
  llama.positions = Positions::kRotary;
  // Per layer: Q 8·8 = 64, K and V 2 × 8·4 = 64, out 64, w1 w3 w2 3 × 128 = 384, norms 2 × 8 = 16:
  // 592, 1184 for 2. Embedding 80, final norm 8, LM head 80. Total 1352.
  CHECK(TotalParameters(BuildTransformer(llama)) == 1352);
  // MoE with 4 experts: the MLP's 384 becomes 4 × 384 plus the router 8·4 = 32.
  llama.moe = {.experts = 4, .experts_per_token = 2};
  CHECK(TotalParameters(BuildTransformer(llama)) == 1352 + 2 * (3 * 384 + 32));
}

TEST_CASE("CheckTransformerSpec covers the new keys", "[workload][transformer]") {
  TransformerSpec spec = GqaLayer();
  CHECK(CheckTransformerSpec(spec).empty());
  TransformerSpec bad = spec;
  bad.moe = {.experts = 2, .experts_per_token = 3};
  CHECK_FALSE(CheckTransformerSpec(bad).empty());
  bad = spec;
  bad.layer_heads = {32, 32};  // layers 1
  CHECK_FALSE(CheckTransformerSpec(bad).empty());
  bad = spec;
  bad.lm_head = LmHead::kAll;  // no vocab
  CHECK_FALSE(CheckTransformerSpec(bad).empty());
  bad = spec;
  bad.precision = Precision{.weights = 0};
  CHECK_FALSE(CheckTransformerSpec(bad).empty());
  // The LM head counts toward the 2^52 limit: 512 rows × 4096 × 2^32 vocab = 2^53; last: 1 row.
  bad = spec;
  bad.vocab = std::int64_t{1} << 32;
  CHECK(CheckTransformerSpec(bad).empty());
  bad.lm_head = LmHead::kAll;
  CHECK_FALSE(CheckTransformerSpec(bad).empty());
}

TEST_CASE("A ViT's absolute positions are added after the patch embedding", "[workload][transformer]") {
  TransformerSpec vit{.name = "vit", .d_model = 768, .heads = 12, .d_head = 64, .d_ff = 3072, .layers = 12,
                      .seq_len = 197};
  vit.norm_placement = NormPlacement::kPre;
  vit.patch_embedding = PatchEmbedding{.image_size = 224, .patch_size = 16, .channels = 3};
  // Without positions: patch_embed writes x, as before.
  CHECK(OpNamed(BuildTransformer(vit), "patch_embed").Output().name == "x");
  CHECK(OpNamed(BuildTransformer(vit), "patch_embed").parameters == 768LL * 3 * 16 * 16);
  vit.positions = Positions::kAbsolute;
  const Workload workload = BuildTransformer(vit);
  CHECK(OpNamed(workload, "patch_embed").Output().name == "emb_patch");
  const Op& pos = OpNamed(workload, "pos_embed");
  CHECK(pos.Output().name == "x");
  CHECK(pos.parameters == 197LL * 768);
  CHECK_FALSE(HasOp(workload, "embed_norm"));
  CHECK_FALSE(HasOp(workload, "lm_head"));
}
