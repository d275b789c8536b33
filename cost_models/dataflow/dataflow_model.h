// The `dataflow` cost model (DESIGN §2.5): a data-reuse analysis of the loop nest with a bandwidth
// roofline per storage level, written to agree exactly with Timeloop v3.0.3, on single-index
// projections and on convolutions (affine projections). Its counting rules are rules 1–9 of
// shared/validation/README.md, with 4a, 5a and 5b for convolution inputs (cited by number in
// dataflow_model.cpp and sliding_window.cpp); 47 Timeloop reference cases check it to the last
// integer (`loopfront crosscheck`), including rule 9's bandwidth cycles in Timeloop's double arithmetic.
//
// Beyond Timeloop (DESIGN §2.5), for mappings those cases do not cover:
//  - padding (imperfect factorization): the padded iteration space is executed — compute cycles,
//    tiles, accesses and MAC energy count the padded iterations, as if every tensor were
//    zero-padded to the padded dim sizes; utilization and Cost::macs use the real MACs;
//  - static energy = static power × time (cycles / clock);
//  - the PE-array fill latency of the architecture is added once to the cycles;
//  - vector ops (DESIGN §2.1.1) on the vector unit, or on the host without one (see
//    mapping/problem.h for the `pass` dim and the compute level): every iteration reads its input
//    elements, the output is written once per element (the `pass` loops do not count for it),
//    compute cycles = elements per lane × Σ ops per element / ops per cycle per lane, vector
//    energy = elements × ops per element × energy per op; the bandwidth roofline and all access
//    rules are the same as for contractions.
//
// Thread-safety: stateless; Evaluate and the EvaluateScore variants are const, re-entrant and
// allocation-free (an incremental state: one per chain and thread, CostModel::NewIncrementalState).
#pragma once

#include <string_view>

#include "loopfront/cost/cost_model.h"

namespace loopfront::cost {

class DataflowModel final : public CostModel {
 public:
  static constexpr std::string_view kName = "dataflow";
  static constexpr std::string_view kDescription =
      "data-reuse analysis of the loop nest with a per-level bandwidth roofline; exact against Timeloop";

  Cost Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping) const override;
  // ScoreOf(Evaluate(problem, mapping)) bit for bit (one templated core computes both), without
  // building the per-level records of the Cost.
  Score EvaluateScore(const mapping::Problem& problem, const mapping::Mapping& mapping) const override;
  // Skips the structure rules a well-formed mapping cannot break; checks the fanouts and the
  // iteration space on the walk over the nest (CostModel::EvaluateScoreWellFormed).
  Score EvaluateScoreWellFormed(const mapping::Problem& problem, const mapping::Mapping& mapping) const override;
  // The state keeps, per level, what the level's own loops contribute (tile, part and change
  // factors, spatial factors, fanout per axis) and the rows built from them: outer → inner the
  // changes, temporal-outside products and instances, inner → outer the tiles. A new mapping
  // recomputes the levels whose loops differ from the last one, the rows from the outermost of them
  // inwards and the tiles from the innermost of them outwards; the structure and capacity checks,
  // the records of rules 5-7 and rules 8 and 9 are recomputed every time (they need every level).
  std::unique_ptr<IncrementalState> NewIncrementalState(const mapping::Problem& problem) const override;
  Score EvaluateScoreIncremental(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                 MappingForm form, IncrementalState* state) const override;
  std::string_view name() const override { return kName; }
  std::string_view description() const override { return kDescription; }
};

}  // namespace loopfront::cost
