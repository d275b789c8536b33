#include "loopfront/workload/analysis.h"

#include <catch2/catch.hpp>

#include "loopfront/util/error.h"
#include "loopfront/workload/shape_sweep.h"

using namespace loopfront::workload;

namespace {

TransformerSpec Gpt2Small(std::int64_t seq_len) {
  return TransformerSpec{.name = "gpt2",
                         .d_model = 768,
                         .heads = 12,
                         .d_head = 64,
                         .d_ff = 3072,
                         .layers = 12,
                         .seq_len = seq_len,
                         .norm_placement = NormPlacement::kPre,
                         .decoder = true};
}

const WorkSummary& Row(const std::vector<WorkSummary>& rows, const std::string& group) {
  for (const WorkSummary& row : rows) {
    if (row.group == group) return row;
  }
  FAIL("no row " << group);
  return rows.front();
}

}  // namespace

TEST_CASE("BERT-Base at 128 tokens by class: the survey's numbers", "[workload][analysis]") {
  const std::vector<WorkSummary> rows =
      AnalyzeWorkloadSpec(LoadWorkloadSpec("bert-base", WorkloadOverrides{.seq_len = 128}), GroupBy::kClass);
  REQUIRE(rows.size() == 8);
  CHECK(rows[0].group == "mha_projection");
  CHECK(rows[1].group == "mha_act_to_act");
  CHECK(rows[2].group == "ffn_projection");
  CHECK(rows[3].group == "other");
  CHECK(rows[4].group == "embedding");
  CHECK(rows[5].group == "lm_head");
  CHECK(rows[6].group == "moe_router");
  CHECK(rows[7].group == "total");
  // 12 layers × 4 projections × 2 FLOPs × 768² × 128.
  CHECK(rows[0].flops == 7247757312.0L);
  CHECK(rows[0].count == 48);
  CHECK(rows[0].macs == 12LL * 4 * 768 * 768 * 128);
  // 12 layers × 2 matmuls × 12 heads × 128 × 128 × 64.
  CHECK(rows[1].macs == 12LL * 2 * 12 * 128 * 128 * 64);
  CHECK(rows[2].macs == 12LL * 2 * 128 * 768 * 3072);
  CHECK(rows[3].macs == 0);
  const WorkSummary& total = rows[7];
  CHECK(total.macs == rows[0].macs + rows[1].macs + rows[2].macs + rows[5].macs + rows[6].macs);
  CHECK(total.flops ==
        rows[0].flops + rows[1].flops + rows[2].flops + rows[3].flops + rows[4].flops + rows[5].flops + rows[6].flops);
  CHECK(total.count == 12 * 14 + rows[4].count + rows[5].count + rows[6].count);
  // Projections under ideal reuse: (2 × 128 × 768 + 768²) bytes each.
  CHECK(rows[0].bytes == 48.0L * (2 * 128 * 768 + 768 * 768));
  CHECK(rows[0].ArithmeticIntensity() == Approx(192.0));
}

TEST_CASE("By op: one row per op in data-flow order, then the total", "[workload][analysis]") {
  const Workload workload = BuildTransformer(Gpt2Small(32));
  const std::vector<WorkSummary> rows = AnalyzeWorkload(workload, GroupBy::kOp);
  REQUIRE(rows.size() == workload.NumOps() + 1);
  CHECK(rows.front().group == "attn_norm");
  CHECK(rows.back().group == "total");
  const Op& softmax = workload.op(*workload.FindOp("softmax"));
  CHECK(Row(rows, "softmax").flops == static_cast<long double>(softmax.Flops()) * 12);
  CHECK(Row(rows, "softmax").bytes == static_cast<long double>(softmax.IdealBytes()) * 12);
}

TEST_CASE("Decode totals sum the steps kv_len = 1 … seq_len exactly", "[workload][analysis]") {
  TransformerSpec spec = Gpt2Small(7);
  spec.phase = Phase::kDecode;
  spec.batch = 3;
  // Brute force for 1, 2 and 7 tokens: each step's workload analysed on its own and added up.
  for (const std::int64_t tokens : {1, 2, 7}) {
    INFO("tokens " << tokens);
    spec.seq_len = tokens;
    std::vector<WorkSummary> expected;
    for (std::int64_t kv_len = 1; kv_len <= tokens; ++kv_len) {
      TransformerSpec step = spec;
      step.kv_len = kv_len;
      const std::vector<WorkSummary> step_rows = AnalyzeWorkload(BuildTransformer(step), GroupBy::kOp);
      if (expected.empty()) {
        expected = step_rows;
        continue;
      }
      for (std::size_t row = 0; row < expected.size(); ++row) {
        expected[row].count += step_rows[row].count;
        expected[row].macs += step_rows[row].macs;
        expected[row].flops += step_rows[row].flops;
        expected[row].bytes += step_rows[row].bytes;
        // Parameters are the model's (every step has the same); the KV cache is the last step's.
        CHECK(step_rows[row].params == expected[row].params);
        expected[row].kv_cache_bytes = step_rows[row].kv_cache_bytes;
      }
    }
    CHECK(AnalyzeTransformer(spec, GroupBy::kOp) == expected);
  }
  const std::vector<WorkSummary> rows = AnalyzeTransformer(spec, GroupBy::kOp);

  // Closed forms: projections are 7 matrix-vector steps; Q×K^T sums batch × heads × d_head × t.
  CHECK(Row(rows, "q_proj").macs == 12LL * 7 * 3 * 768 * 768);
  CHECK(Row(rows, "q_proj").count == 12 * 7);
  CHECK(Row(rows, "qk_matmul").macs == 12LL * 3 * 12 * 64 * (7 * 8 / 2));
  CHECK(Row(rows, "av_matmul").macs == 12LL * 3 * 12 * 64 * (7 * 8 / 2));
  // The KV cache is read whole at every step: q (3 × 12 × 64) + K (3 × 12 × t × 64) + scores
  // (3 × 12 × t) bytes per layer at step t; Σ t = 28.
  CHECK(Row(rows, "qk_matmul").bytes == 12.0L * (7 * 3 * 12 * 64 + 3 * 12 * 64 * 28 + 3 * 12 * 28));
  const std::vector<WorkSummary> classes = AnalyzeTransformer(spec, GroupBy::kClass);
  CHECK(Row(classes, "mha_projection").flops == 2.0L * 12 * 4 * 7 * 3 * 768 * 768);
}

TEST_CASE("Decode of LLaMA-2-7B for 4096 tokens matches the closed form", "[workload][analysis]") {
  // The blocks only (the closed form counts them; the embedding and LM head are checked elsewhere).
  const WorkloadSpec spec = loopfront::workload::LoadSweptWorkloadSpec(
      "llama2-7b", {}, WorkloadOverrides{.seq_len = 4096, .phase = Phase::kDecode}, /*blocks_only=*/true);
  const std::vector<WorkSummary> rows = AnalyzeWorkloadSpec(spec, GroupBy::kClass);
  // 32 layers × 2 matmuls × 32 heads × 128 × Σ_{t=1}^{4096} t.
  CHECK(Row(rows, "mha_act_to_act").macs == 32LL * 2 * 32 * 128 * (4096LL * 4097 / 2));
  CHECK(Row(rows, "ffn_projection").macs == 32LL * 3 * 4096 * 11008 * 4096);
  // 16 ops of a SwiGLU block plus q_rope and k_rope (rotary positions), per layer and step.
  CHECK(Row(rows, "total").count == 32LL * 18 * 4096);
}

namespace {

Tensor Plain(std::string name, TensorRole role, std::vector<int> dims, int word_bits,
             TensorData data = TensorData::kActivation) {
  return Tensor{.name = std::move(name), .role = role, .dims = std::move(dims), .word_bits = word_bits, .data = data};
}

// An op with its name, class, dims and kind; the test sets the rest member by member.
Op Named(std::string name, OpClass op_class, std::vector<Dim> dims, OpKind kind = OpKind::kContraction) {
  Op op;
  op.name = std::move(name);
  op.kind = kind;
  op.op_class = op_class;
  op.dims = std::move(dims);
  return op;
}

// A hand-built model of 3 layers: an embedding gather, a K projection, and two attention matmuls
// reading an 8-bit K cache and a 16-bit V cache, plus a second reader of the K cache.
std::vector<Op> HandBuiltOps() {
  Op embed = Named("embed", OpClass::kEmbedding, {{"m", 4}, {"n", 8}}, OpKind::kGather);
  embed.tensors = {Plain("w_embed", TensorRole::kWeight, {0, 1}, 4, TensorData::kParameter),
                   Plain("x", TensorRole::kOutput, {0, 1}, 8)};
  embed.ops_per_element = {0};
  embed.parameters = 100 * 8;  // vocab 100 × d_model 8, once

  Op k_proj = Named("k_proj", OpClass::kMhaProjection, {{"m", 4}, {"k", 8}, {"n", 6}});
  k_proj.tensors = {Plain("x", TensorRole::kInput, {0, 1}, 8),
                    Plain("w_k", TensorRole::kWeight, {1, 2}, 4, TensorData::kParameter),
                    Plain("k", TensorRole::kOutput, {0, 2}, 8, TensorData::kKvCache)};
  k_proj.count = 3;
  k_proj.parameters = 3 * (8 * 6 + 6);  // 3 layers × (W_K + bias)

  Op qk = Named("qk_matmul", OpClass::kMhaActToAct, {{"h", 2}, {"m", 4}, {"n", 5}, {"k", 3}});
  qk.tensors = {Plain("q", TensorRole::kInput, {0, 1, 3}, 8),
                Plain("k_cache", TensorRole::kWeight, {0, 2, 3}, 8, TensorData::kKvCache),
                Plain("scores", TensorRole::kOutput, {0, 1, 2}, 8)};
  qk.count = 3;

  Op av = Named("av_matmul", OpClass::kMhaActToAct, {{"h", 2}, {"m", 4}, {"k", 5}, {"n", 3}});
  av.tensors = {Plain("scores", TensorRole::kInput, {0, 1, 2}, 8),
                Plain("v_cache", TensorRole::kWeight, {0, 2, 3}, 16, TensorData::kKvCache),
                Plain("attn", TensorRole::kOutput, {0, 1, 3}, 8)};
  av.count = 3;

  // Reads the same K cache again (in the class `other`): the cache is counted once.
  Op again = Named("qk_again", OpClass::kOther, {{"h", 2}, {"m", 4}, {"n", 5}, {"k", 3}});
  again.tensors = {Plain("q", TensorRole::kInput, {0, 1, 3}, 8),
                   Plain("k_cache", TensorRole::kWeight, {0, 2, 3}, 8, TensorData::kKvCache),
                   Plain("scores_again", TensorRole::kOutput, {0, 1, 2}, 8)};
  again.count = 3;
  return {embed, k_proj, qk, av, again};
}

}  // namespace

TEST_CASE("params and kv_cache_bytes of a hand-built workload", "[workload][analysis]") {
  for (const Op& op : HandBuiltOps()) REQUIRE(CheckOp(op).empty());
  const Workload workload("hand", HandBuiltOps());

  const std::vector<WorkSummary> by_op = AnalyzeWorkload(workload, GroupBy::kOp);
  // Parameters are Op::parameters, never multiplied by the count.
  CHECK(Row(by_op, "embed").params == 800);
  CHECK(Row(by_op, "k_proj").params == 162);
  CHECK(Row(by_op, "qk_matmul").params == 0);
  // K cache: h 2 × n 5 × k 3 elements × 1 byte × 3 layers; V cache: 2 × 5 × 3 × 2 bytes × 3.
  // k_proj writes a kv_cache tensor but does not read one; qk_again re-reads the K cache.
  CHECK(Row(by_op, "k_proj").kv_cache_bytes == 0);
  CHECK(Row(by_op, "qk_matmul").kv_cache_bytes == 90);
  CHECK(Row(by_op, "av_matmul").kv_cache_bytes == 180);
  CHECK(Row(by_op, "qk_again").kv_cache_bytes == 0);
  CHECK(Row(by_op, "total").params == 962);
  CHECK(Row(by_op, "total").kv_cache_bytes == 270);
  // The gather moves its table slice and output at their own word sizes: 32 × 4 + 32 × 8 bits.
  CHECK(Row(by_op, "embed").bytes == 48);
  CHECK(Row(by_op, "embed").flops == 0);

  const std::vector<WorkSummary> by_class = AnalyzeWorkload(workload, GroupBy::kClass);
  REQUIRE(by_class.size() == 8);
  CHECK(Row(by_class, "embedding").params == 800);
  CHECK(Row(by_class, "embedding").count == 1);
  CHECK(Row(by_class, "mha_projection").params == 162);
  CHECK(Row(by_class, "mha_act_to_act").kv_cache_bytes == 270);
  CHECK(Row(by_class, "other").kv_cache_bytes == 0);
  CHECK(Row(by_class, "lm_head").count == 0);
  CHECK(Row(by_class, "total").params == 962);
  CHECK(Row(by_class, "total").kv_cache_bytes == 270);
}

TEST_CASE("Decode with a sliding window sums min(t, W) keys per step exactly", "[workload][analysis]") {
  TransformerSpec spec = Gpt2Small(9);
  spec.phase = Phase::kDecode;
  spec.batch = 2;
  for (const std::int64_t window : {1, 2, 3, 4, 8, 9, 20}) {
    for (const std::int64_t tokens : {1, 2, 5, 9}) {
      INFO("window " << window << ", tokens " << tokens);
      spec.seq_len = tokens;
      spec.sliding_window = window;
      // Brute force: step t analysed on its own with min(t, W) keys, then added up.
      std::vector<WorkSummary> expected;
      for (std::int64_t step_index = 1; step_index <= tokens; ++step_index) {
        TransformerSpec step = spec;
        step.kv_len = std::min(step_index, window);
        const std::vector<WorkSummary> step_rows = AnalyzeWorkload(BuildTransformer(step), GroupBy::kOp);
        if (expected.empty()) {
          expected = step_rows;
          continue;
        }
        for (std::size_t row = 0; row < expected.size(); ++row) {
          expected[row].count += step_rows[row].count;
          expected[row].macs += step_rows[row].macs;
          expected[row].flops += step_rows[row].flops;
          expected[row].bytes += step_rows[row].bytes;
          REQUIRE(step_rows[row].params == expected[row].params);
          // The cache after the last step.
          expected[row].kv_cache_bytes = step_rows[row].kv_cache_bytes;
        }
      }
      CHECK(AnalyzeTransformer(spec, GroupBy::kOp) == expected);
    }
  }
  // Closed form: 12 layers × batch 2 × 12 heads × d_head 64 × Σ_{t=1..9} min(t, 4) = 1+2+3+4 + 5×4.
  spec.seq_len = 9;
  spec.sliding_window = 4;
  const std::vector<WorkSummary> rows = AnalyzeTransformer(spec, GroupBy::kClass);
  CHECK(Row(rows, "mha_act_to_act").macs == 2 * 12LL * 2 * 12 * 64 * 30);
  CHECK(Row(rows, "mha_projection").macs == 12LL * 4 * 9 * 2 * 768 * 768);
  // A window no shorter than the generation changes nothing.
  TransformerSpec unwindowed = spec;
  unwindowed.sliding_window.reset();
  spec.sliding_window = 9;
  CHECK(AnalyzeTransformer(spec, GroupBy::kOp) == AnalyzeTransformer(unwindowed, GroupBy::kOp));
}
