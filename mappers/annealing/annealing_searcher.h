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
// temperature (re-annealing) — unless `restart_stall` schedules in a row have ended without
// improving that best: then it restarts from a fresh sample and forgets its old best, because
// re-annealing from the best never leaves a poor basin (issue #16 target 5: seeds of W_Q and
// FFN W1 on simba-like stayed at 1.18–1.19 × the best-known EDP). Every feasible state a chain
// evaluates enters its own Pareto archive; the archives are merged in chain order at the end.
// Temperatures are in units of ln(objective): T = 0.05 accepts a 5% worse move with probability 1/e.
//
// Step = one round of `round_moves` moves of every chain (parallel over chains). Chain c draws from
// its own stream DeriveSeed(seed, {c}), gets an equal share of the evaluation budget and decides its
// restarts from its own evaluations, so results do not depend on the thread count. As ask/tell steps
// (search/ask_tell.h), a step is one move of every chain (moves within a chain are sequential: each
// depends on the last decision); Search runs the same per-move functions, a round's moves of a chain
// back to back.
// Thread-safety: immutable; Search is const.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "loopfront/search/searcher.h"
#include "loopfront/util/params.h"

namespace loopfront::search {

// The searcher's parameters (Params below).
struct AnnealingSettings {
  std::int64_t chains = 8;
  double initial_temperature = 0.05;
  double final_temperature = 0.0005;
  std::int64_t steps_per_restart = 4000;
  std::int64_t round_moves = 512;
  bool repair = true;
  std::int64_t restart_stall = 3;  // AnnealingSearcher::kDefaultRestartStall
};

class AnnealingSearcher final : public Searcher {
 public:
  static constexpr std::string_view kName = "annealing";
  static constexpr std::string_view kDescription =
      "simulated annealing chains at weights of log-latency vs log-energy, geometric cooling, restarts";
  // Measured with seeds 1–10 at 1.2 M evaluations (mappers/annealing/README.md): 3 brings every seed
  // of the quality benchmark's ops and of the race's inputs within 2% of the best-known EDP.
  static constexpr std::int64_t kDefaultRestartStall = 3;
  static std::vector<util::ParamSpec> Params();

  explicit AnnealingSearcher(const util::ParamValues& params);

  SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                      const SearchOptions& options) const override;
  std::string_view name() const override { return kName; }
  std::unique_ptr<StepSearch> Steps(const Mapspace& mapspace, const SearchOptions& options) const override;
  bool has_steps() const override { return true; }

 private:
  AnnealingSettings settings_;
};

}  // namespace loopfront::search
