// SearchRun::Record (search/search_run.h): the counts, the archive and the `improved` flag of each
// evaluation recorded, with hand-picked objectives whose dominance is evident: an infeasible
// evaluation is only counted, an equal or dominated point is rejected (the first of equal points
// wins), a non-dominated one enters and removes what it dominates; with a scalar objective a point
// that enters the archive improves the result only when it lowers the best value.
#include "loopfront/search/search_run.h"

#include <catch2/catch.hpp>

#include "loopfront/util/random.h"
#include "tests/unit/search/search_fixtures.h"

using loopfront::search::Evaluation;
using loopfront::search::Genome;
using loopfront::search::Mapspace;
using loopfront::search::Objective;
using loopfront::search::SearchOptions;
using loopfront::search::SearchResult;
using loopfront::search::SearchRun;

namespace {

Evaluation Feasible(double latency_cycles, double energy_pj) {
  return Evaluation{.feasible = true, .objectives = {latency_cycles, energy_pj}};
}

SearchOptions WithObjective(Objective objective) {
  SearchOptions options;
  options.objective = objective;
  return options;
}

// A run over a small matmul's mapspace, and one sampled genome to record evaluations of.
struct Recording {
  explicit Recording(Objective objective)
      : mapspace(Mapspace::Build(loopfront::testing::SmallProblem("matmul m=4 n=4 k=4"))),
        run(mapspace, WithObjective(objective), "test") {
    loopfront::util::Rng rng(1);
    mapspace.Sample(rng, genome);
  }
  Mapspace mapspace;
  SearchRun run;
  Genome genome;
};

}  // namespace

TEST_CASE("SearchRun::Record counts every evaluation and archives the non-dominated ones", "[search]") {
  Recording recording(Objective::kLatencyEnergy);
  SearchRun& run = recording.run;
  const Genome& genome = recording.genome;

  const Evaluation infeasible{.feasible = false, .violation = loopfront::mapping::Violation::kCapacityExceeded};
  CHECK_FALSE(run.Record(infeasible, genome));
  CHECK(run.archive().empty());
  CHECK(run.Record(Feasible(10, 100), genome));
  CHECK_FALSE(run.Record(Feasible(10, 100), genome));  // equal: the first one stays
  CHECK_FALSE(run.Record(Feasible(20, 200), genome));  // dominated
  CHECK_FALSE(run.Record(Feasible(10, 200), genome));  // weakly dominated (equal latency)
  CHECK(run.Record(Feasible(5, 300), genome));         // faster, costlier: a second front point
  REQUIRE(run.archive().size() == 2);
  CHECK(run.archive().points()[0].objectives.latency_cycles == 5);
  CHECK(run.Record(Feasible(5, 50), genome));  // dominates both
  REQUIRE(run.archive().size() == 1);
  CHECK(run.archive().points()[0].objectives.energy_pj == 50);
  // The archive holds the genome's decoding.
  loopfront::mapping::Mapping decoded;
  recording.mapspace.Decode(genome, decoded);
  CHECK(run.archive().points()[0].payload == decoded);

  const SearchResult result = run.Finish();
  CHECK(result.statistics.evaluations == 7);
  CHECK(result.statistics.valid_evaluations == 6);
  CHECK(result.statistics.invalid_by_violation[static_cast<int>(loopfront::mapping::Violation::kCapacityExceeded)] ==
        1);
}

TEST_CASE("SearchRun::Record with a scalar objective improves only when the best value drops", "[search]") {
  Recording recording(Objective::kEdp);
  SearchRun& run = recording.run;
  const Genome& genome = recording.genome;

  CHECK(run.Record(Feasible(10, 100), genome));       // EDP 1000
  CHECK(run.Record(Feasible(20, 40), genome));        // EDP 800
  CHECK_FALSE(run.Record(Feasible(5, 300), genome));  // EDP 1500: on the front, not better
  CHECK(run.archive().size() == 3);
  CHECK(run.best_scalar() == 800);
}
