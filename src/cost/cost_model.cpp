#include "loopfront/cost/cost_model.h"

#include <fmt/format.h>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

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

void CostModelRegistry::Register(Entry entry) {
  if (entry.name.empty() || !entry.factory)
    throw util::InternalError("cost model registered without a name or factory");
  if (Contains(entry.name)) throw util::InternalError(fmt::format("cost model '{}' registered twice", entry.name));
  entries_.push_back(std::move(entry));
}

std::unique_ptr<CostModel> CostModelRegistry::Create(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.name == name) return entry.factory();
  }
  const std::vector<std::string> names = Names();
  throw util::ConfigError(fmt::format("cost_model: expected one of {}, got '{}'{}", util::Join(names, ", "), name,
                                      util::DidYouMeanHint(name, names)));
}

bool CostModelRegistry::Contains(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.name == name) return true;
  }
  return false;
}

std::vector<std::string> CostModelRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const Entry& entry : entries_) names.push_back(entry.name);
  return names;
}

const CostModelRegistry& BuiltinCostModels() {
  static const CostModelRegistry registry = [] {
    CostModelRegistry built;
    RegisterBuiltinCostModels(built);
    return built;
  }();
  return registry;
}

}  // namespace loopfront::cost
