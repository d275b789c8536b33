#include "loopfront/search/searcher.h"

#include <fmt/format.h>

#include "loopfront/util/strings.h"

namespace loopfront::search {

std::string_view ToString(Objective objective) {
  switch (objective) {
    case Objective::kLatency:
      return "latency";
    case Objective::kEnergy:
      return "energy";
    case Objective::kEdp:
      return "edp";
    case Objective::kLatencyEnergy:
      return "latency,energy";
  }
  return "?";
}

std::optional<Objective> ParseObjective(std::string_view text) {
  if (text == "latency") return Objective::kLatency;
  if (text == "energy") return Objective::kEnergy;
  if (text == "edp") return Objective::kEdp;
  if (text == "latency,energy" || text == "energy,latency") return Objective::kLatencyEnergy;
  return std::nullopt;
}

std::vector<std::string> ObjectiveNames() { return {"latency", "energy", "edp", "latency,energy"}; }

std::optional<Objective> ParseObjective(std::string_view text, std::string_view path, util::Diagnostics& diagnostics) {
  const std::optional<Objective> objective = ParseObjective(text);
  if (!objective) {
    diagnostics.Add({.path = std::string(path),
                     .message = fmt::format("expected one of {}, got '{}'{}", util::Join(ObjectiveNames(), ", "), text,
                                            util::DidYouMeanHint(text, ObjectiveNames()))});
  }
  return objective;
}

double ScalarObjective(Objective objective, const pareto::Objectives& objectives) {
  switch (objective) {
    case Objective::kLatency:
      return objectives.latency_cycles;
    case Objective::kEnergy:
      return objectives.energy_pj;
    case Objective::kEdp:
    case Objective::kLatencyEnergy:
      return objectives.EdpPjCycles();
  }
  return objectives.EdpPjCycles();
}

std::string_view ToString(StopReason reason) {
  switch (reason) {
    case StopReason::kEvaluations:
      return "evaluations";
    case StopReason::kSeconds:
      return "seconds";
    case StopReason::kStall:
      return "stall";
    case StopReason::kExhausted:
      return "exhausted";
    case StopReason::kInterrupted:
      return "interrupted";
  }
  return "?";
}

std::string InvalidReasons(const SearchStatistics& statistics) {
  std::vector<std::string> reasons;
  for (int violation = 0; violation < kNumViolations; ++violation) {
    if (statistics.invalid_by_violation[violation] == 0) continue;
    reasons.push_back(fmt::format("{} {}", mapping::ToString(static_cast<mapping::Violation>(violation)),
                                  statistics.invalid_by_violation[violation]));
  }
  return reasons.empty() ? "none" : util::Join(reasons, ", ");
}

const SearcherRegistry& BuiltinSearchers() {
  static const SearcherRegistry registry = [] {
    SearcherRegistry built(kSearcherKind);
    RegisterBuiltinSearchers(built);
    return built;
  }();
  return registry;
}

}  // namespace loopfront::search
