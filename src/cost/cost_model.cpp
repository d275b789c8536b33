#include "loopfront/cost/cost_model.h"

namespace loopfront::cost {

double Cost::LevelsEnergyPj() const {
  double total = 0.0;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) total += levels[level_idx].energy_pj;
  return total;
}

std::string_view ToString(BandwidthBound bound) {
  switch (bound) {
    case BandwidthBound::kNone:
      return "";
    case BandwidthBound::kRead:
      return "read";
    case BandwidthBound::kWrite:
      return "write";
    case BandwidthBound::kShared:
      return "shared";
  }
  return "?";
}

Cost InfeasibleCost(const mapping::CheckResult& check) {
  Cost cost;
  cost.feasible = false;
  cost.check = check;
  return cost;
}

Score CostModel::EvaluateScore(const mapping::Problem& problem, const mapping::Mapping& mapping) const {
  return ScoreOf(Evaluate(problem, mapping));
}

Score CostModel::EvaluateScoreWellFormed(const mapping::Problem& problem, const mapping::Mapping& mapping) const {
  return EvaluateScore(problem, mapping);
}

std::unique_ptr<IncrementalState> CostModel::NewIncrementalState(const mapping::Problem& /*problem*/) const {
  return nullptr;
}

Score CostModel::EvaluateScoreIncremental(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                          MappingForm form, IncrementalState* /*state*/) const {
  return form == MappingForm::kWellFormed ? EvaluateScoreWellFormed(problem, mapping) : EvaluateScore(problem, mapping);
}

const CostModelRegistry& BuiltinCostModels() {
  static const CostModelRegistry registry = [] {
    CostModelRegistry built(kCostModelKind);
    RegisterBuiltinCostModels(built);
    return built;
  }();
  return registry;
}

}  // namespace loopfront::cost
