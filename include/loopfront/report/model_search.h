// A whole model's search (`loopfront search --model`, planner/model_search.h) as output: the model
// front — latency, energy, EDP and fusion plan per point, fastest first, the knee marked — the
// front without fusion, the knee's per-op/group breakdown, the fused groups and the statistics.
//
//   table  a title line, the front (aligned, fixed widths), the no-fusion knee, the breakdown, the
//          groups (with fusion) and "statistics: …"
//   csv    the fronts (schemas.h, ModelFrontSchema) on `out` — with fusion, the fused front's rows
//          (fusion = auto) and then the no-fusion front's (fusion = none); the breakdown and the
//          statistics on `err`, so that `out` is the same for any thread count
//   json   everything in one object
//
// Also the pieces of an experiment's point result (experiment/runner.h) that describe the search:
// its fronts and statistics.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/planner/model_search.h"
#include "loopfront/report/table.h"

namespace loopfront::report {

// What identifies a model search in its output. seq_len, batch and phase are "" for op lists.
struct ModelSearchHeader {
  std::string model;
  std::string seq_len{};
  std::string batch{};
  std::string phase{};
  std::string description;  // one line for the title
  std::string architecture;
  std::string cost_model;
  std::string searcher;
  std::uint64_t seed = 0;
  std::string fusion;  // "auto" or "none"
};

// The front's points (ModelFrontSchema::Point columns), fastest first.
Table ModelFrontTable(const planner::ModelSearchResult& result, const pareto::Front<planner::ModelPlan>& front);

// The statistics as a JSON object: ops, op_searches, candidate_groups, fusable_groups (=
// feasible_groups), member_searches, evaluations, search_seconds, wall_seconds (only
// `with_wall_seconds`: a point result keeps its own wall time under `timing`), threads.
nlohmann::ordered_json ToJson(const planner::ModelSearchStatistics& statistics, bool with_wall_seconds);

// A front as an experiment's point result keeps it: {"knee_point": K (-1 when empty), "points":
// [{latency_cycles, energy_pj, edp_pj_cycles, fusion_plan}, …]}.
nlohmann::ordered_json PointResultFrontJson(const planner::ModelSearchResult& result,
                                            const pareto::Front<planner::ModelPlan>& front);

// One row of a point result's `knee_ops`: a unit of the knee's breakdown with its work, all
// `count` executions together (experiment/runner.h says how the work is found).
struct KneeOpRow {
  planner::BreakdownRow row;
  double flops = 0.0;
  double bytes = 0.0;
  double arithmetic_intensity = 0.0;                       // flops / bytes, 0 without bytes
  double attained_flops_per_cycle = 0.0;                   // flops / latency, 0 without latency
  std::optional<double> peak_flops_per_cycle{};            // null when unknown
  std::optional<double> dram_bandwidth_bytes_per_cycle{};  // null when the outermost level is unlimited
};

// [{unit, part, count, latency_cycles, energy_pj, bounding_level, flops, bytes,
//   arithmetic_intensity, attained_flops_per_cycle, peak_flops_per_cycle,
//   dram_bandwidth_bytes_per_cycle, dequantize_cycles, quantize_cycles, mapping}, …]
nlohmann::ordered_json KneeOpsJson(const std::vector<KneeOpRow>& rows);

// The EDPs of random valid mappings of one op (per execution, in draw order) and the best EDP known
// for it (the samples' and the searched front's).
struct OpRandomSamples {
  std::string op;
  double best_edp_pj_cycles = 0.0;
  std::vector<double> edp_pj_cycles{};
};

// [{op, best_edp_pj_cycles, edp_pj_cycles: [...]}, …]
nlohmann::ordered_json RandomMappingsJson(const std::vector<OpRandomSamples>& samples);

// The search's output in `format`; `knee_breakdown` is result.Breakdown of the fused front's knee.
// The fused front must not be empty.
Output ReportModelSearch(Format format, const ModelSearchHeader& header, const planner::ModelSearchResult& result,
                         const std::vector<planner::BreakdownRow>& knee_breakdown);

}  // namespace loopfront::report
