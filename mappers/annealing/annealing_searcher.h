// The `annealing` searcher (DESIGN §2.6): simulated annealing (Kirkpatrick, Gelatt, Vecchi,
// "Optimization by simulated annealing", Science 220, 1983) with several independent chains, each
// minimizing its own scalarization w·ln(latency) + (1 − w)·ln(energy) of the two objectives.
//
// For the pair, chain c of C uses w = c / (C − 1) (w = ½ when C = 1), so the chains spread along
// the front; for a scalar objective every chain uses its weight (latency 1, energy 0, EDP ½).
// A move is one Mapspace::Mutate (then Repair); it is accepted with the Metropolis probability
// min(1, exp(−Δ / T)) (Metropolis et al., J. Chem. Phys. 21, 1953), Δ being the change of the
// chain's objective. T cools geometrically from `initial_temperature` to `final_temperature` over
// `steps_per_restart` moves; then the chain restarts from its best state at the initial
// temperature (re-annealing). Every feasible state a chain evaluates enters its own Pareto archive;
// the archives are merged in chain order at the end. Temperatures are in units of ln(objective):
// T = 0.05 accepts a 5% worse move with probability 1/e.
//
// Step = one round of `round_moves` moves of every chain (parallel over chains). Chain c draws from
// its own stream DeriveSeed(seed, {c}) and gets an equal share of the evaluation budget, so results
// do not depend on the thread count. Thread-safety: immutable; Search is const.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "loopfront/search/searcher.h"
#include "loopfront/util/params.h"

namespace loopfront::search {

class AnnealingSearcher final : public Searcher {
 public:
  static constexpr std::string_view kName = "annealing";
  static constexpr std::string_view kDescription =
      "simulated annealing chains at weights of log-latency vs log-energy, geometric cooling, restarts";
  static std::vector<util::ParamSpec> Params();

  explicit AnnealingSearcher(const util::ParamValues& params);

  SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                      const SearchOptions& options) const override;
  std::string_view name() const override { return kName; }

 private:
  std::int64_t chains_;
  double initial_temperature_;
  double final_temperature_;
  std::int64_t steps_per_restart_;
  std::int64_t round_moves_;
  bool repair_;
};

}  // namespace loopfront::search
