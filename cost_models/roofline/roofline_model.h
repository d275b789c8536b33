// The `roofline` cost model (DESIGN §2.5): an op-level lower bound with ideal on-chip reuse, the
// survey's Sec. 2 / 3.3 style of estimate (Kim et al., arXiv 2302.14017), against which `dataflow`
// results are shown.
//
//   cycles = max(compute cycles, outermost-level cycles) (+ the PE array's fill latency for
//            contractions, which dataflow adds too)
//   compute cycles: contractions ceil(MACs / MACs of the array); vector ops ceil(output
//            elements × mapping::Problem::vector_cycles_per_element / lanes): on the vector unit
//            one operation per lane and cycle, on the host its generic or per-function price (Σ
//            ops_per_element or function mixes over the passes, DESIGN §2.1.1, plus a
//            floating-point host's dequantize and quantize of each tensor)
//   outermost-level cycles: every tensor crosses the outermost level (DRAM) exactly once — inputs
//            and weights read once, the output written once (as updates) — against that level's
//            read / write / shared bandwidths, exactly as dataflow's rule 9; in words of that
//            level: one per element, or with precision (mapping::Problem::packing) each tensor's
//            elements packed at its word bits (the final output at its own, never partial sums)
//   energy = those outermost-level accesses (whole physical accesses, rounded per tensor and
//            action as dataflow's rule 8) + MACs × MAC energy + output elements ×
//            mapping::Problem::vector_energy_pj_per_element + static power × time.
// The engines' peak rates, and the outermost level's bandwidth as one figure, are in cost/peaks.h
// (the roofs that `loopfront plot` draws). On-chip levels are charged nothing: with bypass, a
// mapping may stream an operand from DRAM straight to the MACs, so zero is the only on-chip bound
// valid for every mapping.
//
// Because every valid mapping's dataflow counts are at least these (each tensor element crosses
// DRAM at least once; T × utilized MACs ≥ MACs), roofline cycles and energy never exceed
// dataflow's on the same mapping (tested). The mapping is checked for validity (an invalid one is
// infeasible, as in every cost model) but otherwise ignored: padding is not charged.
// Fused intermediates (mapping::ProblemOptions::on_chip_tensors) never cross DRAM.
//
// Thread-safety: stateless; Evaluate is const, re-entrant and allocation-free.
#pragma once

#include <string_view>

#include "loopfront/cost/cost_model.h"

namespace loopfront::cost {

class RooflineModel final : public CostModel {
 public:
  static constexpr std::string_view kName = "roofline";
  static constexpr std::string_view kDescription =
      "op-level lower bound: max(compute, DRAM traffic / bandwidth) with ideal on-chip reuse";

  Cost Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping) const override;
  std::string_view name() const override { return kName; }
  std::string_view description() const override { return kDescription; }
};

}  // namespace loopfront::cost
