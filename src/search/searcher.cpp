#include "loopfront/search/searcher.h"

#include <fmt/format.h>

#include "loopfront/util/error.h"
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

void SearcherRegistry::Register(Entry entry) {
  if (entry.name.empty() || !entry.factory) throw util::InternalError("searcher registered without a name or factory");
  if (Contains(entry.name)) throw util::InternalError(fmt::format("searcher '{}' registered twice", entry.name));
  entries_.push_back(std::move(entry));
}

const SearcherRegistry::Entry& SearcherRegistry::Find(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.name == name) return entry;
  }
  const std::vector<std::string> names = Names();
  throw util::ConfigError(
      {util::Diagnostic{.path = "searcher",
                        .message = fmt::format("expected one of {}, got '{}'{}", util::Join(names, ", "), name,
                                               util::DidYouMeanHint(name, names))}});
}

std::unique_ptr<Searcher> SearcherRegistry::Create(std::string_view name) const {
  const Entry& entry = Find(name);
  return entry.factory(DefaultParams(entry.params));
}

std::unique_ptr<Searcher> SearcherRegistry::Create(std::string_view name,
                                                   const std::vector<std::string>& assignments) const {
  const Entry& entry = Find(name);
  util::Diagnostics diagnostics;
  const ParamValues values = ResolveParams("searcher " + entry.name, entry.params, assignments, diagnostics);
  diagnostics.ThrowIfAny();
  return entry.factory(values);
}

std::unique_ptr<Searcher> SearcherRegistry::Create(std::string_view name, const io::YamlValue& params) const {
  const Entry& entry = Find(name);
  return entry.factory(ResolveParams("searcher " + entry.name, entry.params, params));
}

bool SearcherRegistry::Contains(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.name == name) return true;
  }
  return false;
}

std::vector<std::string> SearcherRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const Entry& entry : entries_) names.push_back(entry.name);
  return names;
}

const SearcherRegistry& BuiltinSearchers() {
  static const SearcherRegistry registry = [] {
    SearcherRegistry built;
    RegisterBuiltinSearchers(built);
    return built;
  }();
  return registry;
}

}  // namespace loopfront::search
