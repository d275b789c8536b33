#include "loopfront/planner/baseline_model.h"

#include <fmt/format.h>

#include <utility>

#include "loopfront/util/error.h"
#include "src/planner/search_tasks.h"

namespace loopfront::planner {

BaselineModel EvaluateBaselineModel(const ModelSearchResult& searched, const arch::Architecture& architecture,
                                    const cost::CostModel& cost_model, const search::Searcher& baseline,
                                    const ModelSearchOptions& options) {
  const auto* unfused_knee = searched.unfused.Knee();
  if (unfused_knee == nullptr) throw util::InternalError("EvaluateBaselineModel: the model search has no front");
  BaselineModel model;
  model.result = searched;
  model.result.fused = {};
  model.result.unfused = {};
  model.plan = unfused_knee->payload;

  // The baseline's searches: one per contraction shape, keyed (and seeded) as the planner's op searches.
  SearchTable table;
  struct Replaced {
    std::size_t part_idx;
    std::size_t choice_idx;
    int task;
  };
  std::vector<Replaced> replaced;
  for (std::size_t part_idx = 0; part_idx < model.plan.size(); ++part_idx) {
    const workload::Workload& workload = model.result.parts[part_idx].workload;
    for (std::size_t choice_idx = 0; choice_idx < model.plan[part_idx].size(); ++choice_idx) {
      const fusion::PlanChoice& choice = model.plan[part_idx][choice_idx];
      if (choice.unit >= workload.NumOps()) throw util::InternalError("EvaluateBaselineModel: a fused no-fusion knee");
      const workload::Op& op = workload.op(choice.unit);
      if (op.kind != workload::OpKind::kContraction) continue;
      const int task = table.Add(SearchTask{.key = SearchKey::ForOp(op, options.op_budget),
                                            .problem = mapping::Problem::Build(op, architecture),
                                            .constraints = {},
                                            .budget = options.op_budget,
                                            .label = op.name});
      replaced.push_back({part_idx, choice_idx, task});
    }
  }
  std::vector<SearchRecord> records;
  ModelSearchStatistics statistics;
  statistics.threads = searched.statistics.threads;
  table.RunPending(cost_model, baseline, options, records, statistics);

  std::vector<util::Diagnostic> diagnostics;
  for (std::size_t index = 0; index < records.size(); ++index) {
    const SearchRecord& record = records[index];
    if (!record.result.front.empty()) continue;
    const std::string& op = table.tasks()[index].label;
    diagnostics.push_back(
        {.path = "baseline",
         .message = record.failure.empty()
                        ? fmt::format("{} found no valid mapping of op {} on {} (invalid: {})", baseline.name(), op,
                                      architecture.name, search::InvalidReasons(record.result.statistics))
                        : fmt::format("{} cannot map op {} on {}: {}", baseline.name(), op, architecture.name,
                                      record.failure)});
  }
  if (!diagnostics.empty()) throw util::ConfigError(std::move(diagnostics));

  // Each baseline record joins the result's records; its op takes the record's knee (a fixed
  // schedule's only point) as a one-point front.
  const auto first_record = static_cast<int>(model.result.records.size());
  for (SearchRecord& record : records) model.result.records.push_back(std::move(record));
  for (const Replaced& at : replaced) {
    fusion::PlanChoice& choice = model.plan[at.part_idx][at.choice_idx];
    PartResult& part = model.result.part_results[at.part_idx];
    const int record = first_record + at.task;
    const pareto::Front<mapping::Mapping>& front = model.result.records[record].result.front;
    const auto knee_index = static_cast<std::uint32_t>(front.Knee() - front.points().data());
    part.op_records[choice.unit] = record;
    pareto::Front<std::uint32_t> op_front;
    op_front.Insert(front.Knee()->objectives, knee_index);
    part.op_fronts[choice.unit] = std::move(op_front);
    choice.point = 0;
  }

  model.rows = model.result.Breakdown(model.plan, cost_model);
  for (const BreakdownRow& row : model.rows) {
    model.objectives.latency_cycles += row.latency_cycles;
    model.objectives.energy_pj += row.energy_pj;
  }
  return model;
}

}  // namespace loopfront::planner
