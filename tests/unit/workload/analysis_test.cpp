#include "loopfront/workload/analysis.h"

#include <catch2/catch.hpp>

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
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].group == "mha_projection");
  CHECK(rows[1].group == "mha_act_to_act");
  CHECK(rows[2].group == "ffn_projection");
  CHECK(rows[3].group == "other");
  CHECK(rows[4].group == "total");
  // 12 layers × 4 projections × 2 FLOPs × 768² × 128.
  CHECK(rows[0].flops == 7247757312.0L);
  CHECK(rows[0].count == 48);
  CHECK(rows[0].macs == 12LL * 4 * 768 * 768 * 128);
  // 12 layers × 2 matmuls × 12 heads × 128 × 128 × 64.
  CHECK(rows[1].macs == 12LL * 2 * 12 * 128 * 128 * 64);
  CHECK(rows[2].macs == 12LL * 2 * 128 * 768 * 3072);
  CHECK(rows[3].macs == 0);
  CHECK(rows[4].macs == rows[0].macs + rows[1].macs + rows[2].macs);
  CHECK(rows[4].flops == rows[0].flops + rows[1].flops + rows[2].flops + rows[3].flops);
  CHECK(rows[4].count == 12 * 14);
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
