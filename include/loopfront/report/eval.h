// One evaluated mapping (`loopfront eval`, DESIGN §1) as output, explained level by level.
//
//   table  the op, architecture, cost model and mapping; per level and tensor the tile, reads,
//          fills, updates and energy; per level the cycles, words moved, bandwidths and used
//          capacity, the bounding level marked; the cycle budget (compute, stalls, array fill) and
//          what bounds it (the level and which of its bandwidths: cost::LevelCost::bandwidth_bound);
//          the energy breakdown, utilization, EDP and padding waste; the total area
//          (arch::TotalAreaUm2) when the architecture gives one (any area_um2 above 0)
//   json   the same quantities in one object, per level and per tensor (with per-instance counts);
//          `area_um2` likewise only when the architecture gives an area
//
// Counts print with thousands separators in the table, exactly in JSON; energies with 6
// significant digits in the table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "loopfront/cost/cost.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/report/table.h"

namespace loopfront::report {

// Evaluates the mapping a user gave (`eval`, the Python module's evaluate): its cost, or, when the
// cost model cannot evaluate it, a util::ConfigError at `file`, key `mapping`, with
// mapping::Describe's reason ("the dataflow cost model cannot evaluate this mapping: ...").
cost::Cost EvaluateGivenMapping(const cost::CostModel& cost_model, const mapping::Problem& problem,
                                const mapping::Mapping& mapping, const std::string& file);

// The level-by-level explanation; `cost` must be feasible.
std::string EvalText(const mapping::Problem& problem, const mapping::Mapping& mapping, const cost::Cost& cost,
                     const std::string& op_label, const std::string& cost_model);

nlohmann::ordered_json EvalJson(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                const cost::Cost& cost, const std::string& op_label, const std::string& cost_model);

// EvalText or EvalJson as an Output. Throws util::InternalError for Format::kCsv (none).
Output ReportEval(Format format, const mapping::Problem& problem, const mapping::Mapping& mapping,
                  const cost::Cost& cost, const std::string& op_label, const std::string& cost_model);

}  // namespace loopfront::report
