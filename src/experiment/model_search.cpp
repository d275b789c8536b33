#include "loopfront/experiment/model_search.h"

#include "loopfront/search/op_search.h"

namespace loopfront::experiment {

ModelSearchOutcome SearchResolvedModel(const ResolvedModel& model, const arch::Architecture& architecture,
                                       const cost::CostModel& cost_model, const search::Searcher& searcher,
                                       const ModelSearchSettings& settings) {
  planner::ModelSearchOptions options;
  options.op_budget = search::BudgetFrom(settings.budget_evaluations, settings.budget_seconds, settings.budget_stall,
                                         planner::kDefaultModelOpEvaluations);
  options.seed = settings.seed;
  options.threads = settings.threads;
  options.fusion = settings.fusion;
  options.screened_tilings = settings.tilings;
  options.mapspace.max_padding_waste = settings.max_padding_waste;
  planner::ModelSearchResult result = planner::SearchModel(model.parts, architecture, cost_model, searcher, options);

  const ModelIdentity& identity = model.identity;
  report::ModelSearchHeader header{.model = identity.model,
                                   .seq_len = identity.seq_len,
                                   .batch = identity.batch,
                                   .phase = identity.phase,
                                   .description = identity.description,
                                   .architecture = architecture.name,
                                   .cost_model = settings.cost_model,
                                   .searcher = settings.searcher,
                                   .seed = settings.seed,
                                   .fusion = settings.fusion ? "auto" : "none"};
  std::vector<planner::BreakdownRow> knee_breakdown = result.Breakdown(result.fused.Knee()->payload, cost_model);
  return ModelSearchOutcome{
      .header = std::move(header), .result = std::move(result), .knee_breakdown = std::move(knee_breakdown)};
}

}  // namespace loopfront::experiment
