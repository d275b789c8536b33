#include "loopfront/search/op_search.h"

#include <fmt/format.h>

#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"

namespace loopfront::search {

Budget BudgetFrom(std::optional<std::int64_t> evaluations, double seconds, std::int64_t stall_steps,
                  std::int64_t default_evaluations) {
  Budget budget;
  if (evaluations) {
    budget.max_evaluations = *evaluations;
  } else {
    budget.max_evaluations = seconds > 0 || stall_steps > 0 ? 0 : default_evaluations;
  }
  budget.max_seconds = seconds;
  budget.max_stall_steps = stall_steps;
  return budget;
}

std::optional<OpSearchPlan> PlanOpSearch(const OpSearchSettings& settings, util::Diagnostics& diagnostics) {
  const std::size_t problems_before = diagnostics.size();
  const std::optional<Objective> objective =
      ParseObjective(settings.objectives, settings.objectives_option, diagnostics);
  OpSearchPlan plan;
  try {
    plan.searcher = BuiltinSearchers().Create(settings.searcher, settings.params);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
  }
  if (diagnostics.size() > problems_before) return std::nullopt;
  plan.options.objective = *objective;
  plan.options.budget =
      BudgetFrom(settings.budget_evaluations, settings.budget_seconds, settings.budget_stall, kDefaultMaxEvaluations);
  plan.options.seed = settings.seed;
  plan.options.threads = settings.threads > 0 ? settings.threads : util::DefaultThreadCount();
  plan.mapspace.max_padding_waste = settings.max_padding_waste;
  return plan;
}

SearchResult RunOpSearch(const OpSearchPlan& plan, const Mapspace& mapspace, const cost::CostModel& cost_model,
                         std::string_view op_label, std::string_view architecture_name) {
  SearchResult result = plan.searcher->Search(mapspace, cost_model, plan.options);
  if (result.front.empty()) {
    throw util::ConfigError(fmt::format(
        "no valid mapping of {} on {} found in {} evaluations (invalid: {}); check the op, the architecture, the "
        "constraints and the cost model",
        op_label, architecture_name, result.statistics.evaluations, InvalidReasons(result.statistics)));
  }
  return result;
}

}  // namespace loopfront::search
