#include "mappers/exhaustive/exhaustive_searcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "loopfront/search/search_run.h"
#include "loopfront/util/error.h"

namespace loopfront::search {
namespace {

// Tasks per step: enough to balance a few threads, few enough to check the time budget often.
constexpr std::int64_t kTasksPerStep = 64;

struct TaskResult {
  pareto::Front<mapping::Mapping> archive;
  std::int64_t evaluations = 0;
  std::int64_t valid_evaluations = 0;
  std::array<std::int64_t, kNumViolations> invalid_by_violation{};
};

}  // namespace

std::vector<util::ParamSpec> ExhaustiveSearcher::Params() {
  return {
      {"max_mappings", util::ParamType::kDouble, 5e7, 1, 1e15,
       "refuse a mapspace with more mappings than this (at ~1 µs per mapping per thread)"},
      {"configs_per_task", util::ParamType::kInt, 16, 1, 1'000'000,
       "factor configurations (each with all its bypass choices and orders) per parallel task"},
  };
}

ExhaustiveSearcher::ExhaustiveSearcher(const util::ParamValues& params)
    : max_mappings_(params.Double("max_mappings")), configs_per_task_(params.Int("configs_per_task")) {}

SearchResult ExhaustiveSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                        const SearchOptions& options) const {
  const MapspaceSize& size = mapspace.size();
  if (!size.exact || static_cast<double>(*size.exact) > max_mappings_) {
    throw util::ConfigError({util::Diagnostic{
        .path = "searcher exhaustive",
        .message = fmt::format(
            "expected a mapspace of at most max_mappings = {:.3g} mappings, got {} for op {} on {}; raise it with "
            "--param max_mappings=N or use another searcher (random, genetic, annealing)",
            max_mappings_, size.exact ? fmt::format("{}", *size.exact) : fmt::format("about 10^{:.1f}", size.log10),
            mapspace.problem().op().name, mapspace.problem().arch().name)}});
  }
  SearchOptions exhaustive_options = options;
  exhaustive_options.budget.max_evaluations = 0;
  exhaustive_options.budget.max_stall_steps = 0;
  SearchRun run(mapspace, exhaustive_options, kName);

  const std::uint64_t num_configs = mapspace.num_factor_configs();
  const std::uint64_t num_bypass = mapspace.num_bypass_choices();
  const auto per_task = static_cast<std::uint64_t>(configs_per_task_);
  std::vector<TaskResult> tasks(kTasksPerStep);
  std::uint64_t next_config = 0;
  while (!run.ShouldStop()) {
    if (next_config >= num_configs) {
      run.MarkExhausted();
      break;
    }
    const std::uint64_t step_first = next_config;
    const auto num_tasks = static_cast<std::int64_t>(
        std::min<std::uint64_t>(kTasksPerStep, (num_configs - step_first + per_task - 1) / per_task));
    ParallelFor(run.threads(), num_tasks, [&](std::int64_t task_idx) {
      TaskResult& task = tasks[task_idx];
      task = TaskResult{};
      const std::uint64_t first = step_first + static_cast<std::uint64_t>(task_idx) * per_task;
      const std::uint64_t last = std::min(num_configs, first + per_task);
      Genome genome;
      mapping::Mapping mapping;
      for (std::uint64_t config = first; config < last; ++config) {
        mapspace.SetFactorConfig(config, genome);
        const std::uint64_t orders = mapspace.NumOrders(genome);
        for (std::uint64_t bypass = 0; bypass < num_bypass; ++bypass) {
          mapspace.SetKeeps(bypass, genome);
          if (const mapping::Violation violation = mapspace.CheckFit(genome); violation != mapping::Violation::kNone) {
            task.evaluations += static_cast<std::int64_t>(orders);
            task.invalid_by_violation[static_cast<int>(violation)] += static_cast<std::int64_t>(orders);
            continue;
          }
          for (std::uint64_t order = 0; order < orders; ++order) {
            mapspace.SetOrders(order, genome);
            const Evaluation evaluation = EvaluateGenome(mapspace, cost_model, genome, mapping);
            ++task.evaluations;
            if (!evaluation.feasible) {
              ++task.invalid_by_violation[static_cast<int>(evaluation.violation)];
              continue;
            }
            ++task.valid_evaluations;
            if (task.archive.WouldInsert(evaluation.objectives)) task.archive.Insert(evaluation.objectives, mapping);
          }
        }
      }
    });
    bool improved = false;
    for (std::int64_t task_idx = 0; task_idx < num_tasks; ++task_idx) {
      const TaskResult& task = tasks[task_idx];
      run.AddCounts(task.evaluations, task.valid_evaluations, task.invalid_by_violation);
      improved |= run.MergeArchive(task.archive);
    }
    run.EndStep(improved);
    next_config = std::min(num_configs, step_first + static_cast<std::uint64_t>(num_tasks) * per_task);
  }
  return run.Finish();
}

}  // namespace loopfront::search
