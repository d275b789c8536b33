// The `random` searcher (DESIGN §2.6): uniform samples of the mapspace (Mapspace::Sample),
// optionally repaired, evaluated in parallel batches and archived on a Pareto front — Timeloop's
// random-pruned search without its pruning, and the baseline every other searcher must beat.
//
// Step = one batch of `batch_size` samples; sample i of batch b draws from the stream
// DeriveSeed(seed, {b, i}), so results do not depend on the thread count. Search runs these steps
// (search/ask_tell.h), which a caller may also drive by ask/tell.
// SampleValidMappings draws the same kind of samples from one sequential stream, for the
// random-mapping distributions of experiments (survey Sec. 5.5.1, Fig. 19).
// Thread-safety: immutable; Search is const.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "loopfront/pareto/front.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/params.h"
#include "loopfront/util/random.h"

namespace loopfront::search {

// Uniform samples of `mapspace` as the `random` searcher draws them without repair
// (Mapspace::Sample), one after another from `rng`: each one that fits (Mapspace::Fits) is
// evaluated and, when feasible, kept. Stops after `samples` kept or `max_draws` drawn (so that a
// mapspace of rare valid mappings ends), or early on a stop request. The kept samples' objectives,
// in draw order.
std::vector<pareto::Objectives> SampleValidMappings(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                                    util::Rng& rng, std::int64_t samples, std::int64_t max_draws);

class RandomSearcher final : public Searcher {
 public:
  static constexpr std::string_view kName = "random";
  static constexpr std::string_view kDescription = "uniform samples of the mapspace into a Pareto archive";
  static std::vector<util::ParamSpec> Params();

  explicit RandomSearcher(const util::ParamValues& params);

  SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                      const SearchOptions& options) const override;
  std::string_view name() const override { return kName; }
  std::unique_ptr<StepSearch> Steps(const Mapspace& mapspace, const SearchOptions& options) const override;
  bool has_steps() const override { return true; }

 private:
  std::int64_t batch_size_;
  bool repair_;
};

}  // namespace loopfront::search
