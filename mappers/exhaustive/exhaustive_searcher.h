// The `exhaustive` searcher (DESIGN §2.6): every mapping of the mapspace — the ground truth for
// small ops and for tests.
//
// Enumeration is by index (Mapspace::SetFactorConfig / SetKeeps / SetOrders), with the mapspace's
// symmetry pruning: identical prime factors are placed as exponent distributions, and only the
// orders of loops of factor > 1 are enumerated. A factor configuration and bypass choice that
// exceed a fanout or a capacity are skipped as a whole (neither depends on the loop orders) and
// counted as that many infeasible mappings, so `evaluations` ends equal to the mapspace size.
//
// It refuses (util::ConfigError) a mapspace larger than `max_mappings`. The evaluation and stall
// budgets do not apply (the space is the budget); a time budget or a stop request ends it early,
// with stop reason `seconds` / `interrupted` and the front of what was visited.
//
// Step = one batch of `configs_per_task` × 64 factor configurations; tasks run in parallel, each
// keeping its own archive, merged in task order, so results do not depend on the thread count.
// Thread-safety: immutable; Search is const.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "loopfront/search/searcher.h"
#include "loopfront/util/params.h"

namespace loopfront::search {

class ExhaustiveSearcher final : public Searcher {
 public:
  static constexpr std::string_view kName = "exhaustive";
  static constexpr std::string_view kDescription =
      "every mapping of the mapspace (symmetry-pruned), refused above max_mappings";
  static std::vector<util::ParamSpec> Params();

  explicit ExhaustiveSearcher(const util::ParamValues& params);

  SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                      const SearchOptions& options) const override;
  std::string_view name() const override { return kName; }

 private:
  double max_mappings_;
  std::int64_t configs_per_task_;
};

}  // namespace loopfront::search
