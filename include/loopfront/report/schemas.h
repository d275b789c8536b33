// Every CSV loopfront writes, its columns named once, in order (issue 10). Writers build their
// report::Table from these columns; readers (experiment/plot.h, `search --reference-front`) look
// columns up by the same names, so a renamed or reordered column changes both sides at once.
//
// Each schema is a struct with one Column per column (name, kind, and how aligned text shows it)
// and a function that lists them in file order. The schemas are immutable globals; concurrent use
// is safe.
//
//   search (one op)   stdout of `search --format csv`:
//                     op,searcher,seed,point,latency_cycles,energy_pj,edp_pj_cycles,mapping
//   search --model    stdout of `search --model --format csv`:
//                     model,seq_len,batch,phase,arch,fusion,point,latency_cycles,energy_pj,
//                     edp_pj_cycles,fusion_plan
//   analyze           stdout of `analyze --format csv`:
//                     model,seq_len,batch,phase,group,count,macs,flops,bytes,arithmetic_intensity
//   experiment        summary.csv, fronts.csv, ops.csv, groups.csv, baseline_ops.csv, edp_samples.csv
//                     of `run` and `merge`: the point's key columns (point_id, model, seq_len,
//                     batch, phase, arch, fusion), one column per swept architecture key, then the
//                     table's own columns.
//   reproduce survey  survey.csv: id,figure,description,value,unit,command (report/survey.h)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "loopfront/report/table.h"

namespace loopfront::report {

// The columns of one op's search front (`search`): the run's identity in CSV only, then one row
// per front point. Aligned text shows the point columns at fixed widths.
struct SearchFrontSchema {
  Column op{.name = "op"};
  Column searcher{.name = "searcher"};
  Column seed{.name = "seed", .kind = ColumnKind::kInteger};
  Column point{.name = "point", .kind = ColumnKind::kInteger, .width = 5, .fit_cells = false};
  Column latency_cycles{.name = "latency_cycles", .kind = ColumnKind::kReal, .width = 15, .fit_cells = false};
  Column energy_pj{
      .name = "energy_pj", .kind = ColumnKind::kReal, .width = 15, .fit_cells = false, .text_format = "{:.6g}"};
  Column edp_pj_cycles{
      .name = "edp_pj_cycles", .kind = ColumnKind::kReal, .width = 15, .fit_cells = false, .text_format = "{:.6g}"};
  Column mapping{.name = "mapping"};

  // The CSV's columns.
  std::vector<Column> Csv() const {
    return {op, searcher, seed, point, latency_cycles, energy_pj, edp_pj_cycles, mapping};
  }
  // A front point's columns (aligned text, JSON).
  std::vector<Column> Point() const { return {point, latency_cycles, energy_pj, edp_pj_cycles, mapping}; }
};
inline const SearchFrontSchema kSearchFront;

// The columns of a whole model's front (`search --model`): the model's identity in CSV only, then
// one row per front point.
struct ModelFrontSchema {
  Column model{.name = "model"};
  Column seq_len{.name = "seq_len"};  // text: empty for op lists
  Column batch{.name = "batch"};
  Column phase{.name = "phase"};
  Column arch{.name = "arch"};
  Column fusion{.name = "fusion"};
  Column point = kSearchFront.point;
  Column latency_cycles = kSearchFront.latency_cycles;
  Column energy_pj = kSearchFront.energy_pj;
  Column edp_pj_cycles = kSearchFront.edp_pj_cycles;
  Column fusion_plan{.name = "fusion_plan"};

  std::vector<Column> Csv() const {
    return {model, seq_len, batch, phase, arch, fusion, point, latency_cycles, energy_pj, edp_pj_cycles, fusion_plan};
  }
  std::vector<Column> Point() const { return {point, latency_cycles, energy_pj, edp_pj_cycles, fusion_plan}; }
};
inline const ModelFrontSchema kModelFront;

// `analyze`'s rows: one per op or op class (and the total) of each analysed configuration.
// flops, bytes and kv_cache_bytes are exact integers below 2^64 (workload/analysis.h), reals
// beyond. params and kv_cache_bytes came later (issue 13) and are appended after the older columns.
struct AnalysisSchema {
  Column model{.name = "model"};
  Column seq_len{.name = "seq_len", .kind = ColumnKind::kInteger};  // empty for op lists
  Column batch{.name = "batch", .kind = ColumnKind::kInteger};
  Column phase{.name = "phase"};
  Column group{.name = "group"};
  Column count{.name = "count", .kind = ColumnKind::kInteger};
  Column macs{.name = "macs", .kind = ColumnKind::kInteger};
  Column flops{.name = "flops", .kind = ColumnKind::kReal};
  Column bytes{.name = "bytes", .kind = ColumnKind::kReal};
  Column arithmetic_intensity{.name = "arithmetic_intensity", .kind = ColumnKind::kReal};
  Column params{.name = "params", .kind = ColumnKind::kInteger};
  Column kv_cache_bytes{.name = "kv_cache_bytes", .kind = ColumnKind::kReal};

  std::vector<Column> Csv() const {
    return {model,  seq_len,       batch, phase, group, count, macs, flops, bytes, arithmetic_intensity,
            params, kv_cache_bytes};
  }
};
inline const AnalysisSchema kAnalysis;

// The key columns that open every table of an experiment's output folder. The identity cells are
// the point result's text (seq_len is "" for op lists).
struct PointKeySchema {
  Column point_id{.name = "point_id"};
  Column model{.name = "model"};
  Column seq_len{.name = "seq_len"};
  Column batch{.name = "batch"};
  Column phase{.name = "phase"};
  Column arch{.name = "arch"};
  Column fusion{.name = "fusion"};

  // model … fusion: the point's identity, the last of which (fusion) precedes the sweep columns.
  std::vector<Column> Identity() const { return {model, seq_len, batch, phase, arch, fusion}; }
};
inline const PointKeySchema kPointKey;

// The column of a swept architecture key ("levels.L2.capacity_bytes" → "levels_L2_capacity_bytes").
std::string SweepColumn(std::string_view key);

// An experiment table's columns: point_id, the identity, one (text) column per swept key (sorted
// as given), then `own`.
std::vector<Column> ExperimentColumns(const std::vector<std::string>& sweep_keys, const std::vector<Column>& own);

// summary.csv: one row per point, its knee.
struct SummarySchema {
  std::string_view file_name = "summary.csv";
  Column knee_latency_cycles{.name = "knee_latency_cycles", .kind = ColumnKind::kReal};
  Column knee_energy_pj{.name = "knee_energy_pj", .kind = ColumnKind::kReal};
  Column knee_edp_pj_cycles{.name = "knee_edp_pj_cycles", .kind = ColumnKind::kReal};
  Column front_size{.name = "front_size", .kind = ColumnKind::kInteger};
  Column evaluations{.name = "evaluations", .kind = ColumnKind::kInteger};
  Column wall_seconds{.name = "wall_seconds", .kind = ColumnKind::kReal};

  // Only when some point has a baseline (`baseline:`, empty cells in the others' rows), after Own():
  // the baseline model's totals, and the knee's speedup (baseline latency / knee latency) and EDP gain
  // (baseline EDP / knee EDP) over it.
  Column baseline_latency_cycles{.name = "baseline_latency_cycles", .kind = ColumnKind::kReal};
  Column baseline_energy_pj{.name = "baseline_energy_pj", .kind = ColumnKind::kReal};
  Column baseline_edp_pj_cycles{.name = "baseline_edp_pj_cycles", .kind = ColumnKind::kReal};
  Column baseline_speedup{.name = "baseline_speedup", .kind = ColumnKind::kReal};
  Column baseline_edp_gain{.name = "baseline_edp_gain", .kind = ColumnKind::kReal};

  std::vector<Column> Own() const {
    return {knee_latency_cycles, knee_energy_pj, knee_edp_pj_cycles, front_size, evaluations, wall_seconds};
  }
  std::vector<Column> Baseline() const {
    return {baseline_latency_cycles, baseline_energy_pj, baseline_edp_pj_cycles, baseline_speedup, baseline_edp_gain};
  }
};
inline const SummarySchema kSummary;

// fronts.csv: one row per point of each front ("fused", "unfused") of each point.
struct FrontsSchema {
  std::string_view file_name = "fronts.csv";
  Column front{.name = "front"};
  Column point{.name = "point", .kind = ColumnKind::kInteger};
  Column latency_cycles{.name = "latency_cycles", .kind = ColumnKind::kReal};
  Column energy_pj{.name = "energy_pj", .kind = ColumnKind::kReal};
  Column edp_pj_cycles{.name = "edp_pj_cycles", .kind = ColumnKind::kReal};
  Column is_knee{.name = "is_knee", .kind = ColumnKind::kInteger};  // 1 or 0
  Column fusion_plan{.name = "fusion_plan"};

  std::vector<Column> Own() const {
    return {front, point, latency_cycles, energy_pj, edp_pj_cycles, is_knee, fusion_plan};
  }
};
inline const FrontsSchema kFronts;

// ops.csv: one row per op or fused group of each point's knee plan. `dram_bytes` and the last two
// columns came later: a reader treats them as optional. An empty peak is unknown; an "inf"
// bandwidth unlimited.
struct OpsSchema {
  std::string_view file_name = "ops.csv";
  Column unit{.name = "unit"};
  Column count{.name = "count", .kind = ColumnKind::kReal};
  Column latency_cycles{.name = "latency_cycles", .kind = ColumnKind::kReal};
  Column energy_pj{.name = "energy_pj", .kind = ColumnKind::kReal};
  Column bounding_level{.name = "bounding_level"};
  Column flops{.name = "flops", .kind = ColumnKind::kReal};
  Column bytes{.name = "bytes", .kind = ColumnKind::kReal};
  Column dram_bytes{.name = "dram_bytes", .kind = ColumnKind::kReal};
  Column arithmetic_intensity{.name = "arithmetic_intensity", .kind = ColumnKind::kReal};
  Column attained_flops_per_cycle{.name = "attained_flops_per_cycle", .kind = ColumnKind::kReal};
  Column peak_flops_per_cycle{.name = "peak_flops_per_cycle", .kind = ColumnKind::kReal};
  Column dram_bandwidth_bytes_per_cycle{.name = "dram_bandwidth_bytes_per_cycle", .kind = ColumnKind::kReal};
  // The part of latency_cycles spent de/quantizing on a floating-point host (planner::BreakdownRow);
  // 0 for a point file written before they existed.
  Column dequantize_cycles{.name = "dequantize_cycles", .kind = ColumnKind::kReal};
  Column quantize_cycles{.name = "quantize_cycles", .kind = ColumnKind::kReal};

  std::vector<Column> Own() const {
    return {unit,
            count,
            latency_cycles,
            energy_pj,
            bounding_level,
            flops,
            bytes,
            dram_bytes,
            arithmetic_intensity,
            attained_flops_per_cycle,
            peak_flops_per_cycle,
            dram_bandwidth_bytes_per_cycle,
            dequantize_cycles,
            quantize_cycles};
  }
};
inline const OpsSchema kOps;

// baseline_ops.csv (only when some point has a baseline): ops.csv's columns, one row per op of each
// point's model under the baseline schedule (planner/baseline_model.h).
struct BaselineOpsSchema {
  std::string_view file_name = "baseline_ops.csv";
  std::vector<Column> Own() const { return kOps.Own(); }
};
inline const BaselineOpsSchema kBaselineOps;

// groups.csv: one row per candidate fused group of each point searched with fusion (a point file's
// `groups`, and `search --model --format json`'s, hold the same rows; report/model_search.h,
// CandidateGroups). All latencies and energies are per execution; the fused_* cells and
// min_latency_change are empty when the group is not feasible.
struct GroupsSchema {
  std::string_view file_name = "groups.csv";
  Column group{.name = "group"};
  Column part{.name = "part"};
  Column members{.name = "members"};
  Column rule{.name = "rule"};
  Column feasible{.name = "feasible", .kind = ColumnKind::kInteger};  // 1 or 0
  Column not_feasible{.name = "not_feasible"};
  Column count = kOps.count;  // executions, as ops.csv counts them
  Column fused_min_latency_cycles{.name = "fused_min_latency_cycles", .kind = ColumnKind::kReal};
  Column fused_min_latency_energy_pj{.name = "fused_min_latency_energy_pj", .kind = ColumnKind::kReal};
  Column fused_knee_latency_cycles{.name = "fused_knee_latency_cycles", .kind = ColumnKind::kReal};
  Column fused_knee_energy_pj{.name = "fused_knee_energy_pj", .kind = ColumnKind::kReal};
  Column unfused_min_latency_cycles{.name = "unfused_min_latency_cycles", .kind = ColumnKind::kReal};
  Column unfused_min_latency_energy_pj{.name = "unfused_min_latency_energy_pj", .kind = ColumnKind::kReal};
  Column min_latency_change{.name = "min_latency_change", .kind = ColumnKind::kReal};

  std::vector<Column> Own() const {
    return {group,
            part,
            members,
            rule,
            feasible,
            not_feasible,
            count,
            fused_min_latency_cycles,
            fused_min_latency_energy_pj,
            fused_knee_latency_cycles,
            fused_knee_energy_pj,
            unfused_min_latency_cycles,
            unfused_min_latency_energy_pj,
            min_latency_change};
  }
};
inline const GroupsSchema kGroups;

// edp_samples.csv (only when the experiment asks for random mappings): one row per sampled mapping,
// its EDP and its EDP relative to the best known for the op.
struct EdpSamplesSchema {
  std::string_view file_name = "edp_samples.csv";
  Column op{.name = "op"};
  Column sample{.name = "sample", .kind = ColumnKind::kInteger};
  Column edp_pj_cycles{.name = "edp_pj_cycles", .kind = ColumnKind::kReal};
  Column relative_edp{.name = "relative_edp", .kind = ColumnKind::kReal};

  std::vector<Column> Own() const { return {op, sample, edp_pj_cycles, relative_edp}; }
};
inline const EdpSamplesSchema kEdpSamples;

// survey.csv of `loopfront reproduce survey` (report/survey.h): one row per published figure value.
struct SurveySchema {
  std::string_view file_name = "survey.csv";
  Column id{.name = "id"};
  Column figure{.name = "figure"};
  Column description{.name = "description"};
  Column value{.name = "value", .kind = ColumnKind::kReal};
  Column unit{.name = "unit"};
  Column command{.name = "command"};

  std::vector<Column> Own() const { return {id, figure, description, value, unit, command}; }
};
inline const SurveySchema kSurvey;

}  // namespace loopfront::report
