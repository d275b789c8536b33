// A whole model's search from the options a user gives it — `loopfront search --model` and the
// Python API's `search_model()` (docs/python.md) both run it, so that the same options give the same
// fronts: the budget rule (per op search; search::BudgetFrom with planner::kDefaultModelOpEvaluations),
// the planner's options, the search, the report's header and the knee's breakdown.
//
// Thread-safety: none shared; SearchResolvedModel may run on any thread (it obeys
// util::StopRequested like every search).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/report/model_search.h"
#include "loopfront/search/searcher.h"

namespace loopfront::experiment {

// The options of a model search, as given (the CLI's option names).
struct ModelSearchSettings {
  std::string cost_model = "dataflow";               // its name, for the report (the caller creates it)
  std::string searcher = "genetic";                  // its name, for the report (the caller creates it)
  std::optional<std::int64_t> budget_evaluations{};  // per op search; nullopt: the default rule
  double budget_seconds = 0.0;
  std::int64_t budget_stall = 0;
  std::uint64_t seed = 1;
  int threads = 0;  // 0 = util::DefaultThreadCount()
  double max_padding_waste = search::MapspaceOptions{}.max_padding_waste;
  bool fusion = true;  // auto: search candidate fused groups
  int tilings = planner::kDefaultScreenedTilings;
};

// What a model search found, ready for report::ReportModelSearch.
struct ModelSearchOutcome {
  report::ModelSearchHeader header;
  planner::ModelSearchResult result;
  std::vector<planner::BreakdownRow> knee_breakdown;  // of the fused front's knee
};

// Searches `model` on `architecture` with `cost_model` and `searcher` (created by the caller from
// the names in `settings`, so that it can report their problems with its other inputs').
ModelSearchOutcome SearchResolvedModel(const ResolvedModel& model, const arch::Architecture& architecture,
                                       const cost::CostModel& cost_model, const search::Searcher& searcher,
                                       const ModelSearchSettings& settings);

}  // namespace loopfront::experiment
