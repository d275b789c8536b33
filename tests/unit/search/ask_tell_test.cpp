// Ask/tell (search/ask_tell.h): a loop that evaluates every asked batch with loopfront's own model
// gets exactly Search's front for the same seed and evaluation budget, for every searcher with
// steps; misuse (tell before ask, wrong counts, a searcher without steps) is a ConfigError.
#include "loopfront/search/ask_tell.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/search/search_run.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/search/search_fixtures.h"

using loopfront::search::AskTell;
using loopfront::search::Evaluation;
using loopfront::search::Genome;
using loopfront::search::Mapspace;
using loopfront::search::Objective;
using loopfront::search::SearchResult;

namespace {

const loopfront::cost::DataflowModel kModel;

// The ask/tell loop of a caller with a budget: asks at most the evaluations left.
SearchResult AskTellLoop(const std::shared_ptr<const Mapspace>& mapspace, const std::string& searcher,
                         const std::vector<std::string>& params, Objective objective, std::uint64_t seed,
                         std::int64_t budget) {
  AskTell ask_tell(mapspace, searcher, params, objective, seed, /*threads=*/1);
  std::vector<Evaluation> evaluations;
  loopfront::mapping::Mapping mapping;
  while (ask_tell.evaluations() < budget) {
    const std::vector<Genome> batch = ask_tell.Ask(budget - ask_tell.evaluations());
    REQUIRE_FALSE(batch.empty());
    evaluations.clear();
    for (const Genome& genome : batch) evaluations.push_back(EvaluateGenome(*mapspace, kModel, genome, mapping));
    ask_tell.Tell(batch, evaluations);
  }
  CHECK(ask_tell.evaluations() == budget);
  return ask_tell.Result();
}

void CheckSameFront(const SearchResult& search, const SearchResult& ask_tell) {
  const auto& expected = search.front.points();
  const auto& got = ask_tell.front.points();
  REQUIRE(got.size() == expected.size());
  for (std::size_t index = 0; index < got.size(); ++index) {
    CHECK(got[index].objectives == expected[index].objectives);
    CHECK(got[index].payload == expected[index].payload);
  }
  CHECK(ask_tell.statistics.evaluations == search.statistics.evaluations);
  CHECK(ask_tell.statistics.valid_evaluations == search.statistics.valid_evaluations);
}

}  // namespace

TEST_CASE("An ask/tell loop gives Search's front for the same seed and budget", "[search][ask_tell]") {
  const auto problem = loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec("matmul m=197 n=96 k=64"),
                                                          loopfront::arch::LoadArchitecture("gemmini"));
  const auto mapspace = std::make_shared<const Mapspace>(Mapspace::Build(problem));
  struct Case {
    std::string searcher;
    std::vector<std::string> params;
  };
  const std::vector<Case> cases = {
      {"random", {"batch_size=100"}},
      {"random", {"batch_size=64", "repair=false"}},
      {"genetic", {"population=24"}},
      {"genetic", {"population=16", "mutations=1.5", "crossover_probability=0.5"}},
      {"annealing", {"chains=5", "round_moves=7", "steps_per_restart=90", "restart_stall=1"}},
      {"annealing", {"chains=1"}},
  };
  for (const Case& test : cases) {
    for (const Objective objective : {Objective::kLatencyEnergy, Objective::kEdp}) {
      for (const std::int64_t budget : {std::int64_t{1}, std::int64_t{997}}) {
        INFO(test.searcher << " " << (test.params.empty() ? "" : test.params.front()) << " objective "
                           << loopfront::search::ToString(objective) << " budget " << budget);
        loopfront::search::SearchOptions options;
        options.objective = objective;
        options.budget.max_evaluations = budget;
        options.seed = 11;
        options.threads = 1;
        const SearchResult search =
            loopfront::search::BuiltinSearchers().Create(test.searcher, test.params)->Search(*mapspace, kModel, options);
        if (budget > 1) REQUIRE_FALSE(search.front.empty());
        CheckSameFront(search, AskTellLoop(mapspace, test.searcher, test.params, objective, 11, budget));
      }
    }
  }
}

TEST_CASE("Ask/tell under factor bounds equals Search too (repairs may leave the bounds)", "[search][ask_tell]") {
  const auto mapspace = std::make_shared<const Mapspace>(loopfront::testing::SmallBoundedMapspace());
  for (const std::string searcher : {"random", "genetic", "annealing"}) {
    INFO(searcher);
    loopfront::search::SearchOptions options;
    options.budget.max_evaluations = 500;
    options.seed = 4;
    options.threads = 1;
    const SearchResult search = loopfront::search::BuiltinSearchers().Create(searcher)->Search(*mapspace, kModel, options);
    REQUIRE_FALSE(search.front.empty());
    CheckSameFront(search, AskTellLoop(mapspace, searcher, {}, Objective::kLatencyEnergy, 4, 500));
  }
}

TEST_CASE("Ask/tell refuses misuse with ConfigErrors", "[search][ask_tell]") {
  const auto mapspace =
      std::make_shared<const Mapspace>(Mapspace::Build(loopfront::testing::SmallProblem("matmul m=8 n=8 k=4")));
  using Catch::Contains;
  CHECK_THROWS_WITH(AskTell(mapspace, "exhaustive", {}, Objective::kLatencyEnergy, 1, 1),
                    Contains("expected a searcher with ask/tell steps (random, genetic, annealing), got 'exhaustive'"));
  CHECK_THROWS_WITH(AskTell(mapspace, "gemmini_default", {}, Objective::kLatencyEnergy, 1, 1),
                    Contains("is a fixed schedule"));
  CHECK_THROWS_WITH(AskTell(mapspace, "genetc", {}, Objective::kLatencyEnergy, 1, 1), Contains("did you mean 'genetic'"));
  CHECK(loopfront::search::StepSearcherNames() == std::vector<std::string>{"random", "genetic", "annealing"});

  AskTell ask_tell(mapspace, "genetic", {"population=8"}, Objective::kLatencyEnergy, 1, 1);
  CHECK_THROWS_WITH(ask_tell.Tell({}, {}), Contains("expected ask() first"));
  const std::vector<Genome> batch = ask_tell.Ask();
  CHECK(batch.size() == 8);
  CHECK(ask_tell.waiting());
  CHECK_THROWS_WITH(ask_tell.Ask(), Contains("expected tell() with the evaluations of the 8 mappings asked last"));
  std::vector<Evaluation> evaluations(7);
  CHECK_THROWS_WITH(ask_tell.Tell(batch, evaluations), Contains("expected the 8 mappings asked last"));
  evaluations.resize(8);  // infeasible, all of them
  ask_tell.Tell(batch, evaluations);
  CHECK(ask_tell.evaluations() == 8);
  CHECK(ask_tell.Result().front.empty());
  CHECK(ask_tell.Ask(3).size() == 3);
}
