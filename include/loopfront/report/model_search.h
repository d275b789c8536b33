// A whole model's search (`loopfront search --model`, planner/model_search.h) as output: the model
// front — latency, energy, EDP and fusion plan per point, fastest first, the knee marked — the
// front without fusion, the knee's per-op/group breakdown, the candidate fused groups (each beside
// its ops searched alone) and the statistics.
//
//   table  a title line, the front (aligned, fixed widths), the no-fusion knee, the breakdown, the
//          groups (with fusion) and "statistics: …"
//   csv    the fronts (schemas.h, ModelFrontSchema) on `out` — with fusion, the fused front's rows
//          (fusion = auto) and then the no-fusion front's (fusion = none); the breakdown and the
//          statistics on `err`, so that `out` is the same for any thread count
//   json   everything in one object
//
// Also the pieces of an experiment's point result (experiment/runner.h) that describe the search:
// its fronts, candidate groups and statistics.
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

// The rows of `search --model --format csv` (ModelFrontSchema::Csv columns): the fused front's
// (fusion = header.fusion), then with fusion auto the no-fusion front's (fusion = none).
Table ModelCsvTable(const ModelSearchHeader& header, const planner::ModelSearchResult& result);

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

// [{unit, part, count, latency_cycles, energy_pj, bounding_level, flops, bytes, dram_bytes,
//   arithmetic_intensity, attained_flops_per_cycle, peak_flops_per_cycle,
//   dram_bandwidth_bytes_per_cycle, dequantize_cycles, quantize_cycles, mapping}, …]
nlohmann::ordered_json KneeOpsJson(const std::vector<KneeOpRow>& rows);

// A model evaluated under a baseline schedule (planner/baseline_model.h), as a point result keeps it.
struct BaselineModelSummary {
  std::string name;    // the baseline searcher
  std::string params;  // its parameters, canonical `key=value,...` text ("" for the defaults)
  pareto::Objectives objectives{};
};

// A point result's `baseline`: {name, params, latency_cycles, energy_pj, edp_pj_cycles, ops}, `ops`
// the breakdown rows as KneeOpsJson writes them.
nlohmann::ordered_json BaselineModelJson(const BaselineModelSummary& baseline, const std::vector<KneeOpRow>& ops);

// One candidate fused group of a model search (planner::GroupResult) beside its members searched
// alone: what fusing it gains or costs whether or not the knee picks it (the survey's Sec. 5.5.2).
// Latencies and energies are per execution.
struct CandidateGroupRow {
  std::string group;           // its label (fusion::FusedGroup::Label)
  std::string part;            // the part's label ("" for a prefill pass), or planner::MergedPartsLabel
  std::string members;         // the member ops' names joined by '+', in chain order
  std::string rule;            // fusion::ToString(GroupRule)
  std::string not_feasible{};  // why it cannot be fused ("" when it can)
  double count = 0.0;          // executions: the group's count × the part's weight, summed over merged parts
  // The fused front's fastest point and its min-EDP point (the knee); none when not feasible.
  std::optional<pareto::Objectives> fused_min_latency{};
  std::optional<pareto::Objectives> fused_knee{};
  // Σ over the members of each member op's own front's fastest point (the ops searched alone).
  pareto::Objectives unfused_min_latency{};

  bool feasible() const { return fused_min_latency.has_value(); }
  // fused_min_latency / unfused_min_latency − 1 in latency (negative: fusion is faster); none when
  // not feasible.
  std::optional<double> MinLatencyChange() const;
  bool operator==(const CandidateGroupRow&) const = default;
};

// Every candidate group of every part of `result`, in the parts' candidate order (none without
// fusion). Rows of several parts (a decode generation) that are equal but for part and count are
// merged into one, their counts added and the part named by planner::MergedPartsLabel, as the knee
// breakdown merges its rows.
std::vector<CandidateGroupRow> CandidateGroups(const planner::ModelSearchResult& result);

// The rows as a table of GroupsSchema's columns (schemas.h): empty cells where a group is not
// feasible. A point file's and `search --model --format json`'s `groups` are ToJson of it.
Table CandidateGroupsTable(const std::vector<CandidateGroupRow>& rows);

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
