// experiment/survey.h: every id of issue 11's list is produced, and each figure's value is derived
// from the experiments' tables as docs/survey.md says — checked on small hand-written tables whose
// values are worked out below.
#include "loopfront/experiment/survey.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "loopfront/workload/analysis.h"
#include "loopfront/workload/shape_sweep.h"
#include "loopfront/workload/loader.h"

namespace {

namespace fs = std::filesystem;
using loopfront::report::SurveyRow;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// The ids issue 11 lists, built independently of the code under test.
std::set<std::string> ExpectedIds() {
  std::set<std::string> ids;
  for (const int seq_len : {128, 512, 4096}) {
    for (const std::string group : {"mha_projection", "mha_act_to_act", "ffn_projection", "other", "total"}) {
      for (const std::string what : {"flops", "mops", "intensity"}) {
        ids.insert("table3.s" + std::to_string(seq_len) + "." + group + "." + what);
      }
    }
    for (const std::string op : {"wq", "qk", "sv", "wout", "w1", "w2", "total"}) {
      ids.insert("table5.s" + std::to_string(seq_len) + "." + op + ".intensity");
    }
  }
  for (const std::string model : {"bert-base", "bert-large", "gpt2"}) {
    for (const int seq_len : {128, 256, 512, 1024, 2048, 4096}) {
      ids.insert("fig32." + model + ".s" + std::to_string(seq_len) + ".latency_norm");
    }
  }
  for (const int scratchpad : {64, 128, 256}) {
    for (const int accumulator : {64, 128, 256}) {
      ids.insert("fig13.sp" + std::to_string(scratchpad) + ".acc" + std::to_string(accumulator) + ".matmul_util");
    }
  }
  for (const std::string unit : {"matmul", "dequant_quant", "softmax", "layernorm", "residual_add", "gelu"}) {
    ids.insert("fig14.baseline." + unit + ".share");
  }
  for (const std::string unit : {"matmul_gelu", "softmax", "layernorm", "residual_add"}) {
    ids.insert("fig14.ibert." + unit + ".share");
  }
  ids.insert("sec3_4.rebalance.matmul_latency_change");
  ids.insert("sec3_4.end_to_end_speedup");
  for (const std::string model : {"bert-base", "bert-large"}) {
    for (const std::string op : {"q_proj", "ffn_w1"}) {
      ids.insert("sec5_5_1." + model + "." + op + ".p10");
      ids.insert("sec5_5_1." + model + "." + op + ".within3x");
    }
  }
  for (const std::string pair : {"qk_softmax", "wout_layernorm", "w2_layernorm", "both_mha"}) {
    for (const int seq_len : {512, 4096}) {
      for (const int accumulator : {128, 256}) {
        ids.insert("sec5_5_2." + pair + ".s" + std::to_string(seq_len) + ".acc" + std::to_string(accumulator) +
                   ".latency_change");
      }
    }
  }
  return ids;
}

std::map<std::string, SurveyRow> ById(const std::vector<SurveyRow>& rows) {
  std::map<std::string, SurveyRow> by_id;
  for (const SurveyRow& row : rows) by_id.emplace(row.id, row);
  return by_id;
}

}  // namespace

TEST_CASE("SurveyRows lists every id of issue 11 once, with empty values where no experiment ran",
          "[experiment][survey]") {
  const fs::path empty = fs::temp_directory_path() / "loopfront_survey_empty_output";
  fs::remove_all(empty);
  const std::vector<SurveyRow> rows = loopfront::experiment::SurveyRows(empty, "");
  std::set<std::string> ids;
  for (const SurveyRow& row : rows) {
    INFO(row.id);
    CHECK(ids.insert(row.id).second);
    CHECK_FALSE(row.figure.empty());
    CHECK_FALSE(row.description.empty());
    CHECK_FALSE(row.command.empty());
    // Without results only Table 3 (a count, no search) has values.
    CHECK(row.value.has_value() == row.id.starts_with("table3."));
  }
  CHECK(ids == ExpectedIds());
  CHECK(rows.size() == 129);
}

TEST_CASE("Table 3's rows are workload/analysis.h's counts", "[experiment][survey]") {
  const auto rows = ById(loopfront::experiment::SurveyRows(fs::temp_directory_path() / "loopfront_no_output", ""));
  namespace workload = loopfront::workload;
  const auto analysis = workload::AnalyzeWorkloadSpec(
      workload::LoadSweptWorkloadSpec("bert-base", {}, {.seq_len = 512}, /*blocks_only=*/true), workload::GroupBy::kClass);
  const workload::WorkSummary& total = analysis.back();
  REQUIRE(total.group == "total");
  CHECK(*rows.at("table3.s512.total.flops").value == static_cast<double>(total.flops));
  CHECK(*rows.at("table3.s512.total.mops").value == static_cast<double>(total.bytes));
  CHECK(*rows.at("table3.s512.total.intensity").value == Approx(total.ArithmeticIntensity()));
  CHECK(rows.at("table3.s512.total.flops").command ==
        "loopfront analyze --model bert-base --blocks-only --seq 128,512,4096 --by class");
}

TEST_CASE("SurveyRows derives each figure from the experiments' tables", "[experiment][survey]") {
  const fs::path output = fs::temp_directory_path() / "loopfront_survey_fixture";
  fs::remove_all(output);
  // Table 5 and Fig. 32 (sec3_3_model): q_proj does 1000 FLOPs per 10 DRAM bytes → 100 FLOPs/byte;
  // the point's total is (1000 + 100) / (10 + 90) = 11. Fig. 32 takes each front's fastest point
  // (point 0): GPT-2 at 4096 tokens, 2500 cycles, over BERT-Base at 128, 100 cycles → 25.
  Write(output / "sec3_3_model/ops.csv",
        "model,seq_len,phase,unit,flops,dram_bytes\n"
        "bert-base,512,prefill,q_proj,1000,10\n"
        "bert-base,512,prefill,softmax,100,90\n");
  Write(output / "sec3_3_model/fronts.csv",
        "model,seq_len,front,point,latency_cycles\n"
        "bert-base,128,fused,0,100\n"
        "bert-base,128,fused,1,150\n"
        "gpt2,4096,fused,0,2500\n");
  // memory (scratchpad 256 KiB = 262144 B; accumulator 64 KiB = 16 banks × 4096 B):
  //   Fig. 13: q_proj's 256000 FLOPs in 1000 cycles at 512 FLOPs/cycle → 0.5; at 64/256 KiB in
  //   800 cycles → 0.625.
  //   Fig. 14 (256/64), total 5000 cycles: matmul 1000 → 0.2; de/quantization 1000 + 500 + 200 +
  //   100 = 1800 → 0.36; softmax 3000 − 1500 = 1500 → 0.3; GELU 1000 − 300 = 700 → 0.14.
  //   Sec. 3.4.3: the matmuls take 800 / 1000 − 1 = −0.2 after rebalancing.
  Write(output / "memory/baseline_ops.csv",
        "model,scratchpad_capacity_bytes,accumulator_capacity_bytes,unit,count,latency_cycles,flops,"
        "peak_flops_per_cycle,dequantize_cycles,quantize_cycles\n"
        "bert-base,262144,4096,q_proj,12,1000,256000,512,,\n"
        "bert-base,262144,4096,softmax,12,3000,0,1,1000,500\n"
        "bert-base,262144,4096,gelu,12,1000,0,1,200,100\n"
        "bert-base,65536,16384,q_proj,12,800,256000,512,,\n");
  // ibert: total 1000 cycles; matmul + GELU 600 → 0.6, softmax 0.4; end to end 5000 / 1000 = 5.
  Write(output / "ibert/baseline_ops.csv",
        "model,unit,count,latency_cycles\n"
        "bert-base,q_proj,12,500\n"
        "bert-base,gelu,12,100\n"
        "bert-base,softmax,12,400\n");
  // random_mappings: relative EDPs 1…10 → the 10th percentile (nearest rank 1) is 1, and 3 of 10
  // are within 3x.
  std::string samples = "model,op,relative_edp\n";
  for (int edp = 10; edp >= 1; --edp) samples += "bert-base,q_proj," + std::to_string(edp) + "\n";
  Write(output / "random_mappings/edp_samples.csv", samples);
  // fusion, 512 tokens, 128 KiB accumulator (8192 B per bank): Q×K^T + softmax fused take 90 cycles
  // per execution; under the default schedule 1200 / 12 + 240 / 12 = 120 → 90 / 120 − 1 = −0.25.
  Write(output / "fusion/groups.csv",
        "seq_len,accumulator_capacity_bytes,members,fused_min_latency_cycles\n"
        "512,8192,qk_matmul+softmax,90\n");
  Write(output / "fusion/baseline_ops.csv",
        "seq_len,accumulator_capacity_bytes,unit,count,latency_cycles\n"
        "512,8192,qk_matmul,12,1200\n"
        "512,8192,softmax,12,240\n");

  const auto rows = ById(loopfront::experiment::SurveyRows(output, " --budget-evals 7"));
  auto value = [&](const std::string& id) {
    INFO(id);
    REQUIRE(rows.at(id).value.has_value());
    return *rows.at(id).value;
  };
  CHECK(value("table5.s512.wq.intensity") == Approx(100));
  CHECK(value("table5.s512.total.intensity") == Approx(11));
  CHECK_FALSE(rows.at("table5.s512.qk.intensity").value.has_value());
  CHECK(value("fig32.bert-base.s128.latency_norm") == Approx(1));
  CHECK(value("fig32.gpt2.s4096.latency_norm") == Approx(25));
  CHECK_FALSE(rows.at("fig32.bert-large.s128.latency_norm").value.has_value());
  CHECK(value("fig13.sp256.acc64.matmul_util") == Approx(0.5));
  CHECK(value("fig13.sp64.acc256.matmul_util") == Approx(0.625));
  CHECK_FALSE(rows.at("fig13.sp128.acc128.matmul_util").value.has_value());
  CHECK(value("fig14.baseline.matmul.share") == Approx(0.2));
  CHECK(value("fig14.baseline.dequant_quant.share") == Approx(0.36));
  CHECK(value("fig14.baseline.softmax.share") == Approx(0.3));
  CHECK(value("fig14.baseline.gelu.share") == Approx(0.14));
  CHECK(value("fig14.baseline.layernorm.share") == 0);
  CHECK(value("fig14.ibert.matmul_gelu.share") == Approx(0.6));
  CHECK(value("fig14.ibert.softmax.share") == Approx(0.4));
  CHECK(value("sec3_4.rebalance.matmul_latency_change") == Approx(-0.2));
  CHECK(rows.at("sec3_4.rebalance.matmul_latency_change").Agrees() == std::optional<bool>(true));
  CHECK(value("sec3_4.end_to_end_speedup") == Approx(5));
  CHECK(value("sec5_5_1.bert-base.q_proj.p10") == Approx(1));
  CHECK(value("sec5_5_1.bert-base.q_proj.within3x") == Approx(0.3));
  CHECK_FALSE(rows.at("sec5_5_1.bert-large.q_proj.p10").value.has_value());
  CHECK(value("sec5_5_2.qk_softmax.s512.acc128.latency_change") == Approx(-0.25));
  CHECK_FALSE(rows.at("sec5_5_2.qk_softmax.s512.acc256.latency_change").value.has_value());
  CHECK_FALSE(rows.at("sec5_5_2.both_mha.s512.acc128.latency_change").value.has_value());
  CHECK(rows.at("fig13.sp64.acc64.matmul_util").command ==
        "loopfront run experiments/survey/memory.yaml --output " + (output / "memory").string() + " --budget-evals 7");
  fs::remove_all(output);
}
