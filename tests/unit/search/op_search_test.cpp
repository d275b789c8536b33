// search/op_search.h: the budget rule and PlanOpSearch's checks (RunOpSearch's error: tests/python/test_search.py).
#include "loopfront/search/op_search.h"

#include <catch2/catch.hpp>
#include <string>

#include "loopfront/util/error.h"
#include "loopfront/util/threads.h"

using loopfront::search::BudgetFrom;
using loopfront::search::OpSearchSettings;
using loopfront::search::PlanOpSearch;

TEST_CASE("BudgetFrom: the default evaluations stand in only when no budget was given", "[search]") {
  const auto none = BudgetFrom(std::nullopt, 0.0, 0, 1000);
  CHECK(none.max_evaluations == 1000);
  const auto seconds_only = BudgetFrom(std::nullopt, 2.5, 0, 1000);
  CHECK(seconds_only.max_evaluations == 0);
  CHECK(seconds_only.max_seconds == 2.5);
  const auto stall_only = BudgetFrom(std::nullopt, 0.0, 7, 1000);
  CHECK(stall_only.max_evaluations == 0);
  CHECK(stall_only.max_stall_steps == 7);
  const auto both = BudgetFrom(50, 2.5, 0, 1000);
  CHECK(both.max_evaluations == 50);
  CHECK(both.max_seconds == 2.5);
  CHECK(BudgetFrom(0, 0.0, 0, 1000).max_evaluations == 0);  // given 0: no limit, as asked
}

TEST_CASE("PlanOpSearch: resolves the settings, and collects every problem", "[search]") {
  loopfront::util::Diagnostics diagnostics;
  const auto plan =
      PlanOpSearch({.objectives = "edp", .searcher = "random", .budget_seconds = 1.0, .seed = 9}, diagnostics);
  REQUIRE(plan);
  CHECK(diagnostics.empty());
  CHECK(plan->options.objective == loopfront::search::Objective::kEdp);
  CHECK(plan->options.budget.max_evaluations == 0);
  CHECK(plan->options.seed == 9);
  CHECK(plan->options.threads == loopfront::util::DefaultThreadCount());

  const auto bad = PlanOpSearch(
      {.objectives = "latncy", .objectives_option = "objectives", .searcher = "genetik", .params = {}}, diagnostics);
  CHECK_FALSE(bad);
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics.items()[0].path == "objectives");
  CHECK(diagnostics.items()[0].message.find("did you mean 'latency'") != std::string::npos);
  CHECK(diagnostics.items()[1].ToString().find("did you mean 'genetic'") != std::string::npos);
}
