// The peak rates of an op's engine and of the outermost level: the roofs of a roofline chart and
// what the `roofline` cost model (cost_models/roofline/roofline_model.h) bounds an op with
// (DESIGN §2.5, §2.10).
//
//   engine ops per cycle: contractions run on the PE array, one MAC per instance per cycle;
//       vector ops run on the vector unit (lanes × 1 operation per lane per cycle) or, without
//       one, on the host (its ops_per_cycle) — mapping::Problem's vector engine (DESIGN §2.1.1);
//   peak FLOPs per cycle: 2 per MAC for contractions (survey Sec. 2.2, as workload/analysis.h
//       counts FLOPs), the engine's operations per cycle for vector ops;
//   outermost-level bandwidth: the level's read / write / shared bandwidths (words per cycle, per
//       instance, the roofline model's rule 9) as one rate for all traffic, min(shared, read +
//       write) — the most bytes per cycle any mix of reads and writes can move — in bytes at the
//       level's word width; nullopt when unlimited.
// A fused group's ceiling combines its members' engines as fusion/group_model.h times them: the
// PE-array members' and the vector-engine members' ideal cycles add up, or overlap (the larger of
// the two) with `overlap_vector_unit`.
//   outermost-level traffic: the bytes a mapping actually moves across the outermost level (DRAM):
//       every word read from it, filled into it or updated in it, over all instances and tensors,
//       at each tensor's own word size (with precision the counts are packed words of the level,
//       so at the level's word size: the same bytes up to the rounding to whole words) — the denominator of the survey's non-ideal arithmetic
//       intensity (Sec. 3.3, Table 5), where workload/analysis.h's ideal bytes are the ideal one.
//   unit work: a unit of a plan (one op, or a fused group) per execution — FLOPs and ideal bytes as
//       workload/analysis.h counts them (the roofline chart's x and y) and the ceiling above.
//
// Units: FLOPs (or vector operations) per cycle, bytes per cycle. Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/workload.h"

namespace loopfront::cost {

// Operations per cycle of the engine that runs `problem`'s op: MACs for contractions, vector
// operations for vector ops (0 when a vector op has no engine).
double EngineOpsPerCycle(const mapping::Problem& problem);

// The engine's peak in FLOPs per cycle (2 × MACs per cycle for contractions).
double PeakFlopsPerCycle(const mapping::Problem& problem);

// The outermost level's bandwidth for all traffic in bytes per cycle; nullopt when unlimited.
std::optional<double> OutermostBandwidthBytesPerCycle(const arch::Architecture& architecture);

// The bytes `cost` (an evaluation of a mapping of `problem`) moves across the outermost level; 0
// for an infeasible cost.
double OutermostTrafficBytes(const mapping::Problem& problem, const Cost& cost);

// The FLOPs of one member of a fused group and the peak of the engine it runs on.
struct EngineWork {
  double flops = 0.0;
  double peak_flops_per_cycle = 0.0;
  bool vector_op = false;
};

// The group's compute ceiling: its FLOPs over its ideal compute cycles (Σ flops / peak per engine,
// added up, or the larger of the PE array's and the vector engine's with `overlap_vector_unit`).
// For one op it is that op's peak. 0 when there are no FLOPs or an engine has no peak.
double CombinedPeakFlopsPerCycle(std::span<const EngineWork> members, bool overlap_vector_unit);

// The work of one execution of a unit of a plan and the ceiling of the engine(s) that run it.
struct UnitWork {
  double flops = 0.0;
  double bytes = 0.0;                 // ideal: every tensor moved once (workload/analysis.h)
  double peak_flops_per_cycle = 0.0;  // 0 when unknown
  bool vector_op = false;
};

// Per op name of `workload` (ops that run at least once): its work per execution and its engine's
// peak on `architecture`.
std::map<std::string, UnitWork> WorkPerExecution(const workload::Workload& workload,
                                                 const arch::Architecture& architecture);

// A unit of `members` (op names, keys of `ops`: one op, or a fused group's members; unknown names
// are skipped): FLOPs and bytes add up; the ceiling is the op's own peak for one op, the members'
// engines combined (CombinedPeakFlopsPerCycle) for a group.
UnitWork CombineUnitWork(const std::map<std::string, UnitWork>& ops, std::span<const std::string> members,
                         bool overlap_vector_unit);

}  // namespace loopfront::cost
