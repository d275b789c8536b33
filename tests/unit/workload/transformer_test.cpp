#include "loopfront/workload/transformer.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "loopfront/util/error.h"

using namespace loopfront::workload;

namespace {

// BERT-Base (Devlin et al. 2019): 12 layers, d_model 768, 12 heads of 64, d_ff 3072, post-norm.
TransformerSpec BertBase(std::int64_t seq_len) {
  return TransformerSpec{
      .name = "bert-base", .d_model = 768, .heads = 12, .d_head = 64, .d_ff = 3072, .layers = 12, .seq_len = seq_len};
}

// GPT-2 small as a pre-norm decoder.
TransformerSpec Gpt2(std::int64_t seq_len) {
  TransformerSpec spec = BertBase(seq_len);
  spec.name = "gpt2";
  spec.norm_placement = NormPlacement::kPre;
  spec.decoder = true;
  return spec;
}

const Op& OpNamed(const Workload& workload, const std::string& name) {
  const std::optional<OpId> id = workload.FindOp(name);
  REQUIRE(id.has_value());
  return workload.op(*id);
}

std::vector<std::string> OpNames(const Workload& workload, const std::vector<OpId>& ids) {
  std::vector<std::string> names;
  for (const OpId id : ids) names.push_back(workload.op(id).name);
  return names;
}

void CheckTopologicalOrder(const Workload& workload) {
  const std::vector<OpId>& order = workload.TopologicalOrder();
  REQUIRE(order.size() == workload.NumOps());
  std::map<OpId, std::size_t> position;
  for (std::size_t index = 0; index < order.size(); ++index) position[order[index]] = index;
  REQUIRE(position.size() == workload.NumOps());
  for (const TensorEdge& edge : workload.Edges()) CHECK(position[edge.producer] < position[edge.consumer]);
}

}  // namespace

TEST_CASE("A BERT-Base layer at 128 tokens has the hand-derived counts", "[workload][transformer]") {
  const Workload workload = BuildTransformer(BertBase(128));
  // Projections: 128 tokens × 768 × 768.
  const Op& q_proj = OpNamed(workload, "q_proj");
  CHECK(q_proj.Macs() == 768LL * 768 * 128);
  CHECK(q_proj.op_class == OpClass::kMhaProjection);
  CHECK(q_proj.count == 12);
  CHECK(q_proj.IdealBytes() == 128.0 * 768 * 2 + 768.0 * 768);
  CHECK(OpNamed(workload, "out_proj").Macs() == 768LL * 768 * 128);
  // Q×K^T per head (survey Table 2): heads × queries × keys × d_head.
  const Op& qk = OpNamed(workload, "qk_matmul");
  CHECK(qk.Macs() == 12LL * 128 * 128 * 64);
  CHECK(qk.op_class == OpClass::kMhaActToAct);
  CHECK(qk.DimSize("b") == 1);
  CHECK(qk.DimSize("h") == 12);
  CHECK(qk.DimSize("n") == 128);
  CHECK(qk.DimSize("k") == 64);
  CHECK(OpNamed(workload, "av_matmul").Macs() == 12LL * 128 * 64 * 128);
  // Softmax: 12 × 128 × 128 scores, 3 passes of 1 + 3 + 1 operations.
  const Op& softmax = OpNamed(workload, "softmax");
  CHECK(softmax.Flops() == 12.0 * 128 * 128 * 5);
  CHECK(softmax.reduced_dim == softmax.DimIndex("n"));
  CHECK(softmax.IdealBytes() == 2.0 * 12 * 128 * 128);
  // FFN: 128 × 768 × 3072 each way; GELU over 128 × 3072 at 5 operations.
  CHECK(OpNamed(workload, "ffn_w1").Macs() == 128LL * 768 * 3072);
  CHECK(OpNamed(workload, "ffn_w2").Macs() == 128LL * 3072 * 768);
  CHECK(OpNamed(workload, "ffn_w1").op_class == OpClass::kFfnProjection);
  CHECK(OpNamed(workload, "gelu").Flops() == 128.0 * 3072 * 5);
  // LayerNorm: 3 passes of 1 + 3 + 4 over 128 × 768.
  CHECK(OpNamed(workload, "attn_norm").Flops() == 128.0 * 768 * 8);
  CHECK(OpNamed(workload, "attn_norm").kind == OpKind::kLayerNorm);
  CHECK(OpNamed(workload, "attn_residual").Flops() == 128.0 * 768);
}

TEST_CASE("Every contraction uses m, n, k (and b, h) with k the reduction", "[workload][transformer]") {
  const Workload workload = BuildTransformer(BertBase(64));
  for (const Op& op : workload.ops()) {
    if (!op.IsContraction()) continue;
    INFO(op.name);
    const Tensor& output = op.Output();
    CHECK(op.DimIndex("m") >= 0);
    CHECK(op.DimIndex("n") >= 0);
    CHECK(op.DimIndex("k") >= 0);
    // The output indexes m and n but not k; the weight indexes k and n but not m.
    CHECK(std::count(output.dims.begin(), output.dims.end(), op.DimIndex("k")) == 0);
    for (const Tensor& tensor : op.tensors) {
      if (tensor.role != TensorRole::kWeight) continue;
      CHECK(std::count(tensor.dims.begin(), tensor.dims.end(), op.DimIndex("m")) == 0);
      CHECK(std::count(tensor.dims.begin(), tensor.dims.end(), op.DimIndex("k")) == 1);
    }
  }
}

TEST_CASE("A post-norm block graph: 14 ops, 14 edges, the input fans out to Q, K, V", "[workload][transformer]") {
  const Workload workload = BuildTransformer(BertBase(128));
  CHECK(workload.NumOps() == 14);
  CHECK(workload.NumEdges() == 14);
  CheckTopologicalOrder(workload);
  CHECK(OpNames(workload, workload.Consumers("x")) ==
        std::vector<std::string>{"q_proj", "k_proj", "v_proj", "attn_residual"});
  CHECK(OpNames(workload, workload.Predecessors(*workload.FindOp("qk_matmul"))) ==
        std::vector<std::string>{"q_proj", "k_proj"});
  CHECK(OpNames(workload, workload.Predecessors(*workload.FindOp("av_matmul"))) ==
        std::vector<std::string>{"v_proj", "softmax"});
  // The second residual reads the first sublayer's normalised output.
  CHECK(OpNames(workload, workload.Predecessors(*workload.FindOp("ffn_residual"))) ==
        std::vector<std::string>{"attn_norm", "ffn_w2"});
  CHECK(workload.Results() == std::vector<std::string>{"y"});
  // In data-flow order: the order the block was built in.
  CHECK(workload.TopologicalOrder().front() == *workload.FindOp("q_proj"));
  CHECK(workload.TopologicalOrder().back() == *workload.FindOp("ffn_norm"));
}

TEST_CASE("A pre-norm block: the first norm fans out to Q, K, V", "[workload][transformer]") {
  const Workload workload = BuildTransformer(Gpt2(64));
  CHECK(workload.NumOps() == 14);
  CHECK(workload.NumEdges() == 16);
  CheckTopologicalOrder(workload);
  CHECK(OpNames(workload, workload.Successors(*workload.FindOp("attn_norm"))) ==
        std::vector<std::string>{"q_proj", "k_proj", "v_proj"});
  CHECK(OpNames(workload, workload.Consumers("x")) == std::vector<std::string>{"attn_norm", "attn_residual"});
  CHECK(OpNames(workload, workload.Predecessors(*workload.FindOp("ffn_residual"))) ==
        std::vector<std::string>{"attn_residual", "ffn_w2"});
}

TEST_CASE("SwiGLU adds the W3 projection, SiLU and the gating product", "[workload][transformer]") {
  TransformerSpec spec = Gpt2(32);
  spec.activation = Activation::kSwiGlu;
  spec.norm = Norm::kRmsNorm;
  spec.d_ff = 2048;
  const Workload workload = BuildTransformer(spec);
  CHECK(workload.NumOps() == 16);
  CHECK(workload.NumEdges() == 19);
  CheckTopologicalOrder(workload);
  CHECK_FALSE(workload.FindOp("gelu").has_value());
  CHECK(OpNamed(workload, "ffn_w3").op_class == OpClass::kFfnProjection);
  CHECK(OpNamed(workload, "ffn_w3").Macs() == 32LL * 768 * 2048);
  CHECK(OpNamed(workload, "silu").kind == OpKind::kSilu);
  CHECK(OpNames(workload, workload.Predecessors(*workload.FindOp("gate_mul"))) ==
        std::vector<std::string>{"silu", "ffn_w3"});
  CHECK(OpNamed(workload, "ffn_norm").kind == OpKind::kRmsNorm);
  CHECK(OpNamed(workload, "ffn_norm").passes == 2);
}

TEST_CASE("Decode: one token per sequence against a KV cache of kv_len", "[workload][transformer]") {
  TransformerSpec spec = Gpt2(1024);
  spec.phase = Phase::kDecode;
  spec.kv_len = 300;
  REQUIRE(CheckTransformerSpec(spec).empty());
  const Workload decode = BuildTransformer(spec);
  const Workload prefill = BuildTransformer(Gpt2(1024));
  // Same block graph in both phases.
  CHECK(decode.NumOps() == prefill.NumOps());
  CHECK(decode.Edges() == prefill.Edges());
  // Matrix-vector projections.
  CHECK(OpNamed(decode, "q_proj").DimSize("m") == 1);
  CHECK(OpNamed(decode, "ffn_w1").DimSize("m") == 1);
  CHECK(OpNamed(prefill, "q_proj").DimSize("m") == 1024);
  // Q×K^T: n = kv_len; attention×V: k = kv_len.
  CHECK(OpNamed(decode, "qk_matmul").DimSize("m") == 1);
  CHECK(OpNamed(decode, "qk_matmul").DimSize("n") == 300);
  CHECK(OpNamed(decode, "av_matmul").DimSize("k") == 300);
  CHECK(OpNamed(decode, "softmax").DimSize("n") == 300);
  CHECK(OpNamed(decode, "qk_matmul").Macs() == 12LL * 300 * 64);

  spec.kv_len.reset();
  CHECK(OpNamed(BuildTransformer(spec), "qk_matmul").DimSize("n") == 1024);
  // Batch 4: four tokens in the projections, b = 4 in attention.
  spec.batch = 4;
  CHECK(OpNamed(BuildTransformer(spec), "q_proj").DimSize("m") == 4);
  CHECK(OpNamed(BuildTransformer(spec), "qk_matmul").DimSize("b") == 4);
}

TEST_CASE("CheckTransformerSpec rejects inconsistent specs", "[workload][transformer]") {
  CHECK(CheckTransformerSpec(BertBase(128)).empty());
  TransformerSpec bad_heads = BertBase(128);
  bad_heads.kv_heads = 5;
  REQUIRE(CheckTransformerSpec(bad_heads).size() == 1);
  CHECK(CheckTransformerSpec(bad_heads)[0].find("kv_heads: expected a divisor of heads (12)") != std::string::npos);
  CHECK_THROWS_AS(BuildTransformer(bad_heads), loopfront::util::InternalError);
  // heads × d_head may differ from d_model (Gemma-7B: 16 × 256 = 4096 ≠ 3072).
  TransformerSpec wide_heads = BertBase(128);
  wide_heads.d_head = 96;
  CHECK(CheckTransformerSpec(wide_heads).empty());

  TransformerSpec encoder_decode = BertBase(128);
  encoder_decode.phase = Phase::kDecode;
  CHECK_FALSE(CheckTransformerSpec(encoder_decode).empty());

  TransformerSpec prefill_kv = BertBase(128);
  prefill_kv.kv_len = 64;
  CHECK_FALSE(CheckTransformerSpec(prefill_kv).empty());

  TransformerSpec huge = BertBase(1LL << 40);
  CHECK_FALSE(CheckTransformerSpec(huge).empty());

  CHECK_FALSE(CheckTransformerSpec(TransformerSpec{}).empty());
}
