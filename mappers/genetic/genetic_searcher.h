// The `genetic` searcher (DESIGN §2.6): NSGA-II (Deb, Pratap, Agarwal, Meyarivan, "A fast and
// elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC 6(2), 2002) over the mapspace's
// genes — non-dominated sorting, crowding distance, elitist (μ + λ) survival, binary tournament.
//
// Objectives are minimized in log space: (ln latency, ln energy) for the pair, ln of the scalar
// otherwise (NSGA-II then reduces to an elitist GA). Departures from the paper, each for a reason:
//  - duplicates (equal objective vectors) survive only after every distinct individual, as in
//    pymoo's NSGA-II: copies of one mapping would otherwise crowd out the front;
//  - infeasible individuals rank after every feasible one (Deb's constrained domination with all
//    violations equal: the mapspace's Repair leaves few of them);
//  - with two objectives the fronts are computed by sorting (Jensen, IEEE TEC 7(5), 2003): the
//    same fronts as the fast non-dominated sort in O(N log N).
// Every feasible child also enters the run's Pareto archive, which is the result.
//
// Restarts (not in the paper): elitist survival converges — in a race against Timeloop's mapper
// (issue 16) seeds 1–5 stopped improving within 0.25 s, the worst at 1.78× the best-known EDP.
// When no child has survived into the population's first front for `restart_stall` generations,
// the population is re-sampled from scratch (the archive keeps every point found), so a run of many
// generations is a sequence of independent converged populations rather than one. The default, 20
// generations, brought the worst of seeds 1–10 within 2% of the best known (0.1% on all but one op)
// at 0.3 M evaluations on those ops (measured on the race's Timeloop inputs; mappers/genetic/README.md
// has the numbers).
//
// Step = one generation; child i of generation g draws from DeriveSeed(seed, {g, i}) (parents are
// read-only during the generation; a restart's samples draw from the same streams), and restarts
// are decided from the evaluations alone, so results do not depend on the thread count. Search runs these
// steps, each child proposed and evaluated in one parallel loop (search/ask_tell.h,
// RunProposedSteps), then told (the archive insertions beside the children's ranking keys, in a
// loop of two parts; the survival), which a caller may also drive by ask/tell.
// Thread-safety: immutable; Search is const.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "loopfront/search/searcher.h"
#include "loopfront/util/params.h"

namespace loopfront::search {

class GeneticSearcher final : public Searcher {
 public:
  static constexpr std::string_view kName = "genetic";
  static constexpr std::string_view kDescription =
      "NSGA-II: non-dominated sorting, crowding distance, elitism, binary tournament";
  static std::vector<util::ParamSpec> Params();
  // Default of `restart_stall` (the file comment says how it was chosen).
  static constexpr std::int64_t kDefaultRestartStall = 20;

  explicit GeneticSearcher(const util::ParamValues& params);

  SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                      const SearchOptions& options) const override;
  std::string_view name() const override { return kName; }
  std::unique_ptr<StepSearch> Steps(const Mapspace& mapspace, const SearchOptions& options) const override;
  bool has_steps() const override { return true; }

 private:
  std::int64_t population_;
  double crossover_probability_;
  double mutations_;
  bool repair_;
  std::int64_t restart_stall_;
};

}  // namespace loopfront::search
