#include "loopfront/experiment/survey.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/runner.h"
#include "loopfront/io/csv_reader.h"
#include "loopfront/io/presets.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/report/schemas.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/workload/analysis.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/shape_sweep.h"

namespace loopfront::experiment {
namespace {

using report::SurveyDirection;
using report::SurveyRow;

constexpr std::int64_t kKiB = 1024;
// Gemmini's accumulator is 16 banks, one per PE column (architectures/gemmini.yaml,
// gemmini-ibert.yaml); the experiments sweep capacity_bytes per bank.
constexpr std::int64_t kAccumulatorBanks = 16;

std::string RunCommand(const std::filesystem::path& output, const std::string& name, const std::string& run_suffix) {
  return fmt::format("loopfront run experiments/survey/{}.yaml --output {}{}", name, (output / name).string(),
                     run_suffix);
}

// One CSV of an experiment's output, absent when the experiment wrote none (it failed or did not
// run). Rows are picked by the text of key columns.
class ResultTable {
 public:
  explicit ResultTable(const std::filesystem::path& path) {
    if (std::filesystem::exists(path)) file_ = io::CsvFile::Read(path);
  }

  // The rows whose `column` cells equal the given texts, all of them.
  std::vector<std::size_t> Select(const std::vector<std::pair<std::string, std::string>>& where) const {
    std::vector<std::size_t> selected;
    if (!file_) return selected;
    std::vector<std::pair<std::size_t, std::string>> keys;
    for (const auto& [column, text] : where) {
      const std::optional<std::size_t> index = file_->FindColumn(column);
      if (!index) return selected;
      keys.emplace_back(*index, text);
    }
    for (std::size_t row = 0; row < file_->rows(); ++row) {
      const bool match = std::all_of(keys.begin(), keys.end(),
                                     [&](const auto& key) { return file_->row(row)[key.first] == key.second; });
      if (match) selected.push_back(row);
    }
    return selected;
  }

  const std::string& Text(std::size_t row, const std::string& column) const {
    return file_->row(row)[file_->Column(column)];
  }
  // An empty cell counts as 0 (e.g. dequantize_cycles of an op that does not dequantize).
  double Number(std::size_t row, const std::string& column) const {
    const std::optional<std::size_t> index = file_->FindColumn(column);
    if (!index || file_->row(row)[*index].empty()) return 0.0;
    return file_->Number(row, *index);
  }
  double Sum(const std::vector<std::size_t>& rows, const std::string& column) const {
    double sum = 0.0;
    for (const std::size_t row : rows) sum += Number(row, column);
    return sum;
  }

 private:
  std::optional<io::CsvFile> file_;
};

std::optional<double> Ratio(double numerator, double denominator) {
  if (!(denominator > 0) || !std::isfinite(numerator)) return std::nullopt;
  return numerator / denominator;
}

std::optional<double> Change(std::optional<double> value, std::optional<double> reference) {
  if (!value || !reference || !(*reference > 0)) return std::nullopt;
  return *value / *reference - 1.0;
}

// BERT-Base's ops by name (the workload every Gemmini study runs), to tell matmuls from vector ops.
std::map<std::string, workload::OpKind> BertOpKinds() {
  const workload::Workload workload = workload::LoadWorkload("bert-base");
  std::map<std::string, workload::OpKind> kinds;
  for (std::size_t id = 0; id < workload.NumOps(); ++id) kinds[workload.op(id).name] = workload.op(id).kind;
  return kinds;
}

// The units of Fig. 14's breakdowns.
enum class Fig14Unit { kMatmul, kSoftmax, kLayerNorm, kResidualAdd, kGelu, kOther };

Fig14Unit UnitOf(workload::OpKind kind) {
  switch (kind) {
    case workload::OpKind::kContraction:
      return Fig14Unit::kMatmul;
    case workload::OpKind::kSoftmax:
      return Fig14Unit::kSoftmax;
    case workload::OpKind::kLayerNorm:
      return Fig14Unit::kLayerNorm;
    case workload::OpKind::kAdd:
      return Fig14Unit::kResidualAdd;
    case workload::OpKind::kGelu:
      return Fig14Unit::kGelu;
    default:
      return Fig14Unit::kOther;
  }
}

// A model's latency split into Fig. 14's units: each op's latency_cycles goes to its unit, except
// the cycles it spends de/quantizing (ops.csv dequantize_cycles, quantize_cycles), which form
// their own unit. Empty when the rows are missing.
struct Breakdown {
  std::map<Fig14Unit, double> cycles;
  double dequant_quant_cycles = 0.0;
  double total_cycles = 0.0;

  std::optional<double> Share(double unit_cycles) const { return Ratio(unit_cycles, total_cycles); }
  double Of(Fig14Unit unit) const {
    const auto found = cycles.find(unit);
    return found == cycles.end() ? 0.0 : found->second;
  }
};

Breakdown BreakdownOf(const ResultTable& ops, const std::vector<std::size_t>& rows,
                      const std::map<std::string, workload::OpKind>& kinds) {
  Breakdown breakdown;
  for (const std::size_t row : rows) {
    const auto kind = kinds.find(ops.Text(row, "unit"));
    const double latency = ops.Number(row, "latency_cycles");
    const double dequant_quant = ops.Number(row, "dequantize_cycles") + ops.Number(row, "quantize_cycles");
    const Fig14Unit unit = kind == kinds.end() ? Fig14Unit::kOther : UnitOf(kind->second);
    breakdown.cycles[unit] += latency - dequant_quant;
    breakdown.dequant_quant_cycles += dequant_quant;
    breakdown.total_cycles += latency;
  }
  return breakdown;
}

// Σ flops / Σ (latency × peak) over the matmul rows: the PE array's utilization while matmuls run.
std::optional<double> MatmulUtilization(const ResultTable& ops, const std::vector<std::size_t>& rows,
                                        const std::map<std::string, workload::OpKind>& kinds) {
  double flops = 0.0;
  double peak_flops = 0.0;
  for (const std::size_t row : rows) {
    const auto kind = kinds.find(ops.Text(row, "unit"));
    if (kind == kinds.end() || kind->second != workload::OpKind::kContraction) continue;
    flops += ops.Number(row, "flops");
    peak_flops += ops.Number(row, "latency_cycles") * ops.Number(row, "peak_flops_per_cycle");
  }
  return Ratio(flops, peak_flops);
}

double MatmulCycles(const ResultTable& ops, const std::vector<std::size_t>& rows,
                    const std::map<std::string, workload::OpKind>& kinds) {
  double cycles = 0.0;
  for (const std::size_t row : rows) {
    const auto kind = kinds.find(ops.Text(row, "unit"));
    if (kind != kinds.end() && kind->second == workload::OpKind::kContraction) {
      cycles += ops.Number(row, "latency_cycles");
    }
  }
  return cycles;
}

// The point of an experiment's table with these key cells (the sweep columns of memory/fusion).
std::vector<std::pair<std::string, std::string>> MemoryKeys(std::int64_t scratchpad_kib, std::int64_t accumulator_kib) {
  return {{"scratchpad_capacity_bytes", std::to_string(scratchpad_kib * kKiB)},
          {"accumulator_capacity_bytes", std::to_string(accumulator_kib * kKiB / kAccumulatorBanks)}};
}

class RowBuilder {
 public:
  void Add(SurveyRow row) { rows_.push_back(std::move(row)); }
  std::vector<SurveyRow> Take() { return std::move(rows_); }

 private:
  std::vector<SurveyRow> rows_;
};

void Table3(RowBuilder& rows) {
  const std::string command = "loopfront analyze --model bert-base --blocks-only --seq 128,512,4096 --by class";
  for (const std::int64_t seq_len : {128, 512, 4096}) {
    // The blocks only, as the survey counts them (Sec. 2.2).
    const workload::WorkloadSpec spec =
        workload::LoadSweptWorkloadSpec("bert-base", {}, {.seq_len = seq_len}, /*blocks_only=*/true);
    const std::vector<workload::WorkSummary> analysis = workload::AnalyzeWorkloadSpec(spec, workload::GroupBy::kClass);
    // The survey's Table 2 classes and the total, picked by name: analysis has further classes
    // (embedding, lm_head, moe_router) that Table 3 does not list.
    for (const std::string_view group : std::array<std::string_view, 5>{
             "mha_projection", "mha_act_to_act", "ffn_projection", "other", workload::kTotalGroup}) {
      const auto found = std::find_if(analysis.begin(), analysis.end(),
                                      [&](const workload::WorkSummary& row) { return row.group == group; });
      if (found == analysis.end()) {
        throw util::InternalError(fmt::format("workload analysis has no class '{}'", group));
      }
      const workload::WorkSummary& summary = *found;
      const std::string prefix = fmt::format("table3.s{}.{}", seq_len, summary.group);
      const std::string what = fmt::format("BERT-Base, {} tokens, {} (all 12 layers)", seq_len, summary.group);
      rows.Add({.id = prefix + ".flops",
                .figure = "Table 3",
                .description = what + ": FLOPs (a MAC is 2)",
                .value = static_cast<double>(summary.flops),
                .unit = "FLOPs",
                .command = command});
      rows.Add({.id = prefix + ".mops",
                .figure = "Table 3",
                .description = what + ": memory operations, every tensor read or written once",
                .value = static_cast<double>(summary.bytes),
                .unit = "bytes",
                .command = command});
      rows.Add({.id = prefix + ".intensity",
                .figure = "Table 3",
                .description = what + ": arithmetic intensity",
                .value = summary.ArithmeticIntensity(),
                .unit = "FLOPs/byte",
                .command = command});
    }
  }
}

void Table5(RowBuilder& rows, const std::filesystem::path& output, const std::string& run_suffix) {
  const std::string name = "sec3_3_model";
  const ResultTable ops(output / name / report::kOps.file_name);
  const std::string command = RunCommand(output, name, run_suffix);
  const std::vector<std::pair<std::string, std::string>> table_ops = {{"wq", "q_proj"},    {"qk", "qk_matmul"},
                                                                      {"sv", "av_matmul"}, {"wout", "out_proj"},
                                                                      {"w1", "ffn_w1"},    {"w2", "ffn_w2"}};
  for (const std::int64_t seq_len : {128, 512, 4096}) {
    const std::vector<std::size_t> point =
        ops.Select({{"model", "bert-base"}, {"seq_len", std::to_string(seq_len)}, {"phase", "prefill"}});
    for (const auto& [id, op] : table_ops) {
      std::optional<double> value;
      for (const std::size_t row : point) {
        if (ops.Text(row, "unit") == op) value = Ratio(ops.Number(row, "flops"), ops.Number(row, "dram_bytes"));
      }
      rows.Add({.id = fmt::format("table5.s{}.{}.intensity", seq_len, id),
                .figure = "Table 5",
                .description = fmt::format("BERT-Base, {} tokens, {} on the Sec. 3.3 model: FLOPs per DRAM byte the "
                                           "searched knee mapping moves (ops.csv flops / dram_bytes)",
                                           seq_len, op),
                .value = value,
                .unit = "FLOPs/byte",
                .command = command});
    }
    rows.Add({.id = fmt::format("table5.s{}.total.intensity", seq_len),
              .figure = "Table 5",
              .description = fmt::format(
                  "BERT-Base, {} tokens, every op on the Sec. 3.3 model: Σ FLOPs / Σ DRAM bytes of the knee", seq_len),
              .value = point.empty() ? std::nullopt : Ratio(ops.Sum(point, "flops"), ops.Sum(point, "dram_bytes")),
              .unit = "FLOPs/byte",
              .command = command});
  }
}

void Fig32(RowBuilder& rows, const std::filesystem::path& output, const std::string& run_suffix) {
  const std::string name = "sec3_3_model";
  const ResultTable fronts(output / name / report::kFronts.file_name);
  const std::string command = RunCommand(output, name, run_suffix);
  // The fastest point of a model's front (fronts.csv lists a front's points by increasing latency).
  auto fastest = [&](const std::string& model, std::int64_t seq_len) -> std::optional<double> {
    const std::vector<std::size_t> selected =
        fronts.Select({{"model", model}, {"seq_len", std::to_string(seq_len)}, {"front", "fused"}, {"point", "0"}});
    if (selected.empty()) return std::nullopt;
    return fronts.Number(selected.front(), "latency_cycles");
  };
  const std::optional<double> reference = fastest("bert-base", 128);
  for (const std::string model : {"bert-base", "bert-large", "gpt2"}) {
    for (const std::int64_t seq_len : {128, 256, 512, 1024, 2048, 4096}) {
      const std::optional<double> latency = fastest(model, seq_len);
      rows.Add({.id = fmt::format("fig32.{}.s{}.latency_norm", model, seq_len),
                .figure = "Fig. 32",
                .description = fmt::format("{} at {} tokens{} on the Sec. 3.3 model: the fastest latency of the "
                                           "searched front, over BERT-Base's at 128 tokens",
                                           model, seq_len, model == "gpt2" ? " (generating them one by one)" : ""),
                .value = latency && reference ? Ratio(*latency, *reference) : std::nullopt,
                .unit = "relative",
                .command = command});
    }
  }
}

void Fig13(RowBuilder& rows, const std::filesystem::path& output, const std::string& run_suffix,
           const std::map<std::string, workload::OpKind>& kinds) {
  const std::string name = "memory";
  const ResultTable ops(output / name / "baseline_ops.csv");
  const std::string command = RunCommand(output, name, run_suffix);
  for (const std::int64_t scratchpad : {64, 128, 256}) {
    for (const std::int64_t accumulator : {64, 128, 256}) {
      const std::vector<std::size_t> point = ops.Select(MemoryKeys(scratchpad, accumulator));
      rows.Add({.id = fmt::format("fig13.sp{}.acc{}.matmul_util", scratchpad, accumulator),
                .figure = "Fig. 13",
                .description = fmt::format(
                    "BERT-Base, 512 tokens, Gemmini with a {} KiB scratchpad and a {} KiB accumulator, default "
                    "schedule: the PE array's utilization over the matmuls (Σ FLOPs / Σ latency × peak)",
                    scratchpad, accumulator),
                .value = point.empty() ? std::nullopt : MatmulUtilization(ops, point, kinds),
                .unit = "share",
                .command = command});
    }
  }
}

void Fig14AndSec34(RowBuilder& rows, const std::filesystem::path& output, const std::string& run_suffix,
                   const std::map<std::string, workload::OpKind>& kinds) {
  const ResultTable memory(output / "memory" / "baseline_ops.csv");
  const ResultTable ibert(output / "ibert" / "baseline_ops.csv");
  const std::string memory_command = RunCommand(output, "memory", run_suffix);
  const std::string ibert_command = RunCommand(output, "ibert", run_suffix);
  const std::vector<std::size_t> baseline_point = memory.Select(MemoryKeys(256, 64));
  const std::vector<std::size_t> rebalanced_point = memory.Select(MemoryKeys(64, 256));
  const std::vector<std::size_t> ibert_point = ibert.Select({{"model", "bert-base"}});
  const Breakdown baseline = BreakdownOf(memory, baseline_point, kinds);
  const Breakdown ibert_breakdown = BreakdownOf(ibert, ibert_point, kinds);

  const std::vector<std::pair<std::string, double>> baseline_units = {
      {"matmul", baseline.Of(Fig14Unit::kMatmul)},
      {"dequant_quant", baseline.dequant_quant_cycles},
      {"softmax", baseline.Of(Fig14Unit::kSoftmax)},
      {"layernorm", baseline.Of(Fig14Unit::kLayerNorm)},
      {"residual_add", baseline.Of(Fig14Unit::kResidualAdd)},
      {"gelu", baseline.Of(Fig14Unit::kGelu)}};
  for (const auto& [unit, cycles] : baseline_units) {
    rows.Add({.id = fmt::format("fig14.baseline.{}.share", unit),
              .figure = "Fig. 14",
              .description = fmt::format("BERT-Base, 512 tokens, baseline Gemmini (vector ops on the host in FP32), "
                                         "default schedule: {}'s share of the latency",
                                         unit),
              .value = baseline.Share(cycles),
              .unit = "share",
              .command = memory_command});
  }
  // I-BERT's units: GELU runs fused with its matmul in the survey; here it is the matmuls' and GELU's
  // latency together.
  const std::vector<std::pair<std::string, double>> ibert_units = {
      {"matmul_gelu", ibert_breakdown.Of(Fig14Unit::kMatmul) + ibert_breakdown.Of(Fig14Unit::kGelu)},
      {"softmax", ibert_breakdown.Of(Fig14Unit::kSoftmax)},
      {"layernorm", ibert_breakdown.Of(Fig14Unit::kLayerNorm)},
      {"residual_add", ibert_breakdown.Of(Fig14Unit::kResidualAdd)}};
  for (const auto& [unit, cycles] : ibert_units) {
    rows.Add({.id = fmt::format("fig14.ibert.{}.share", unit),
              .figure = "Fig. 14",
              .description = fmt::format("BERT-Base, 512 tokens, Gemmini with I-BERT units and 64/256 KiB memories, "
                                         "default schedule: {}'s share of the latency",
                                         unit),
              .value = ibert_breakdown.Share(cycles),
              .unit = "share",
              .command = ibert_command});
  }

  const std::optional<double> baseline_matmul =
      baseline_point.empty() ? std::nullopt : std::optional<double>(MatmulCycles(memory, baseline_point, kinds));
  const std::optional<double> rebalanced_matmul =
      rebalanced_point.empty() ? std::nullopt : std::optional<double>(MatmulCycles(memory, rebalanced_point, kinds));
  rows.Add({.id = "sec3_4.rebalance.matmul_latency_change",
            .figure = "Sec. 3.4.3",
            .description =
                "BERT-Base, 512 tokens, baseline Gemmini, default schedule: the matmuls' latency with a 64 KiB "
                "scratchpad and a 256 KiB accumulator relative to 256/64 KiB",
            .value = Change(rebalanced_matmul, baseline_matmul),
            .unit = "relative",
            .command = memory_command,
            .direction = SurveyDirection::kBelow,
            .threshold = 0.0,
            .direction_text = "rebalancing the memories speeds up the matmuls"});
  rows.Add({.id = "sec3_4.end_to_end_speedup",
            .figure = "Sec. 3.4.4",
            .description = "BERT-Base, 512 tokens, default schedule: baseline Gemmini's latency over that of Gemmini "
                           "with I-BERT units and rebalanced memories",
            .value = baseline_point.empty() || ibert_point.empty()
                         ? std::nullopt
                         : Ratio(baseline.total_cycles, ibert_breakdown.total_cycles),
            .unit = "x",
            .command = memory_command + "; " + ibert_command,
            .direction = SurveyDirection::kAbove,
            .threshold = 1.0,
            .direction_text = "I-BERT units and rebalancing speed BERT up"});
}

void Sec551(RowBuilder& rows, const std::filesystem::path& output, const std::string& run_suffix) {
  const std::string name = "random_mappings";
  const ResultTable samples(output / name / report::kEdpSamples.file_name);
  const std::string command = RunCommand(output, name, run_suffix);
  for (const std::string model : {"bert-base", "bert-large"}) {
    for (const auto& [id, op] :
         std::vector<std::pair<std::string, std::string>>{{"q_proj", "q_proj"}, {"ffn_w1", "ffn_w1"}}) {
      std::vector<double> relative;
      for (const std::size_t row : samples.Select({{"model", model}, {"op", op}})) {
        relative.push_back(samples.Number(row, "relative_edp"));
      }
      std::sort(relative.begin(), relative.end());
      std::optional<double> p10;
      std::optional<double> within3x;
      if (!relative.empty()) {
        // Nearest rank: the smallest value with at least 10% of the samples at or below it.
        const auto rank = static_cast<std::size_t>(std::ceil(0.1 * static_cast<double>(relative.size())));
        p10 = relative[std::max<std::size_t>(rank, 1) - 1];
        const auto within = std::upper_bound(relative.begin(), relative.end(), 3.0) - relative.begin();
        within3x = static_cast<double>(within) / static_cast<double>(relative.size());
      }
      const std::string what = fmt::format("{}, 512 tokens, {} on Gemmini: random valid mappings' EDP", model, op);
      rows.Add({.id = fmt::format("sec5_5_1.{}.{}.p10", model, id),
                .figure = "Sec. 5.5.1",
                .description = what + ", 10th percentile, relative to the best EDP known",
                .value = p10,
                .unit = "x best EDP",
                .command = command});
      rows.Add({.id = fmt::format("sec5_5_1.{}.{}.within3x", model, id),
                .figure = "Sec. 5.5.1",
                .description = what + ": the share within 3x of the best",
                .value = within3x,
                .unit = "share",
                .command = command});
    }
  }
}

void Sec552(RowBuilder& rows, const std::filesystem::path& output, const std::string& run_suffix) {
  const std::string name = "fusion";
  const ResultTable groups(output / name / "groups.csv");
  const ResultTable baseline(output / name / "baseline_ops.csv");
  const std::string command = RunCommand(output, name, run_suffix);
  struct Pair {
    std::string id;
    std::string wording;
    std::vector<std::vector<std::string>> groups;  // the fused groups (members) that make it up
    SurveyDirection direction = SurveyDirection::kNone;
    std::string direction_text{};
  };
  const std::vector<Pair> pairs = {
      {"qk_softmax",
       "Q×K^T + softmax",
       {{"qk_matmul", "softmax"}},
       SurveyDirection::kBelow,
       "fusing Q×K^T with softmax gains"},
      {"wout_layernorm", "W_out + residual add + LayerNorm", {{"out_proj", "attn_residual", "attn_norm"}}},
      {"w2_layernorm",
       "W2 + residual add + LayerNorm",
       {{"ffn_w2", "ffn_residual", "ffn_norm"}},
       SurveyDirection::kAbove,
       "fusing W2 with LayerNorm loses"},
      {"both_mha",
       "Q×K^T + softmax and W_out + residual add + LayerNorm",
       {{"qk_matmul", "softmax"}, {"out_proj", "attn_residual", "attn_norm"}}}};
  for (const Pair& pair : pairs) {
    for (const std::int64_t seq_len : {512, 4096}) {
      for (const std::int64_t accumulator : {128, 256}) {
        const std::vector<std::pair<std::string, std::string>> point = {
            {"seq_len", std::to_string(seq_len)},
            {"accumulator_capacity_bytes", std::to_string(accumulator * kKiB / kAccumulatorBanks)}};
        std::optional<double> fused = 0.0;
        std::optional<double> unfused = 0.0;
        for (const std::vector<std::string>& members : pair.groups) {
          std::vector<std::pair<std::string, std::string>> where = point;
          std::string joined;
          for (const std::string& member : members) joined += (joined.empty() ? "" : "+") + member;
          where.emplace_back("members", joined);
          const std::vector<std::size_t> group = groups.Select(where);
          const double fastest = group.empty() ? 0.0 : groups.Number(group.front(), "fused_min_latency_cycles");
          if (!(fastest > 0)) fused.reset();
          if (fused) *fused += fastest;
          // The same ops under the default schedule, per execution.
          for (const std::string& member : members) {
            std::vector<std::pair<std::string, std::string>> op_where = point;
            op_where.emplace_back("unit", member);
            const std::vector<std::size_t> op = baseline.Select(op_where);
            const double count = op.empty() ? 0.0 : baseline.Number(op.front(), "count");
            if (!(count > 0)) unfused.reset();
            if (unfused) *unfused += baseline.Number(op.front(), "latency_cycles") / count;
          }
        }
        rows.Add({.id = fmt::format("sec5_5_2.{}.s{}.acc{}.latency_change", pair.id, seq_len, accumulator),
                  .figure = "Sec. 5.5.2",
                  .description = fmt::format("BERT-Base, {} tokens, Gemmini with I-BERT units and a {} KiB "
                                             "accumulator: {} fused (the fastest searched fused mapping) relative to "
                                             "the same ops under the default schedule, per execution",
                                             seq_len, accumulator, pair.wording),
                  .value = Change(fused, unfused),
                  .unit = "relative",
                  .command = command,
                  .direction = pair.direction,
                  .threshold = 0.0,
                  .direction_text = pair.direction_text});
      }
    }
  }
}

}  // namespace

std::vector<std::string> SurveyExperimentNames() {
  return {"sec3_3_model", "memory", "ibert", "random_mappings", "fusion"};
}

std::vector<report::SurveyRow> SurveyRows(const std::filesystem::path& output, const std::string& run_suffix) {
  const std::map<std::string, workload::OpKind> kinds = BertOpKinds();
  RowBuilder rows;
  Table3(rows);
  Table5(rows, output, run_suffix);
  Fig32(rows, output, run_suffix);
  Fig13(rows, output, run_suffix, kinds);
  Fig14AndSec34(rows, output, run_suffix, kinds);
  Sec551(rows, output, run_suffix);
  Sec552(rows, output, run_suffix);
  return rows.Take();
}

SurveyRun ReproduceSurvey(const SurveyOptions& options) {
  SurveyRun run;
  for (const std::string& name : SurveyExperimentNames()) {
    if (util::StopRequested()) break;
    const io::Preset* preset = io::FindPreset(io::PresetKind::kExperiment, name);
    if (preset == nullptr) throw util::InternalError(fmt::format("the survey experiment {} is not embedded", name));
    util::Diagnostics diagnostics;
    const io::YamlDocument document =
        io::YamlDocument::LoadString(std::string(preset->text), std::string(preset->path), diagnostics);
    diagnostics.ThrowIfAny();
    Experiment experiment = ReadExperimentDocument(document, name);
    ApplySearchOverrides(experiment, {.budget_evaluations = options.budget_evaluations});
    const std::vector<Point> points = ExpandPoints(experiment);
    RunOptions run_options;
    run_options.output = options.output / name;
    run_options.threads = options.threads > 0 ? options.threads : experiment.threads;
    run_options.progress = options.progress;
    run_options.verbose = options.verbose;
    run_options.command_line = options.command_line;
    const RunReport report = RunExperiment(experiment, points, run_options);
    if (options.on_experiment) options.on_experiment(name, report);
    for (const std::string& failure : report.failures) run.failures.push_back(name + ": " + failure);
    if (report.stop_signal != 0) {
      run.stop_signal = report.stop_signal;
      return run;
    }
  }
  if (util::StopRequested()) return run;
  run.rows = SurveyRows(options.output, options.budget_evaluations
                                            ? fmt::format(" --budget-evals {}", *options.budget_evaluations)
                                            : std::string());
  return run;
}

}  // namespace loopfront::experiment
