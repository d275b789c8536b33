#include "src/planner/search_tasks.h"

#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>

#include "loopfront/search/mapspace.h"
#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"
#include "loopfront/util/random.h"

namespace loopfront::planner {
namespace {

using Clock = std::chrono::steady_clock;

void RunTask(const SearchTask& task, const cost::CostModel& cost_model, const search::Searcher& searcher,
             const ModelSearchOptions& options, SearchRecord& record) {
  record.key = task.key.ToString();
  record.problem = task.problem;
  try {
    const search::Mapspace mapspace = search::Mapspace::Build(task.problem, task.constraints, options.mapspace);
    search::SearchOptions search_options;
    search_options.objective = search::Objective::kLatencyEnergy;
    search_options.budget = task.budget;
    search_options.seed = util::DeriveSeed(options.seed, {util::Fnv1a64(record.key)});
    // One thread per task: no OpenMP region inside a TBB task (searcher.h).
    search_options.threads = 1;
    record.result = searcher.Search(mapspace, cost_model, search_options);
  } catch (const util::ConfigError& error) {
    // A member's constraints can leave a dim unmappable (its fixed factors fit no padding): that
    // tiling is infeasible. For an op it is the user's problem, reported by SearchModel.
    record.failure = error.what();
  }
}

}  // namespace

int SearchTable::Add(SearchTask task) {
  const std::size_t hash = SearchKeyHash{}(task.key);
  const auto [first, last] = index_.equal_range(hash);
  for (auto entry = first; entry != last; ++entry) {
    if (tasks_[entry->second].key == task.key) return entry->second;
  }
  const int index = static_cast<int>(tasks_.size());
  index_.emplace(hash, index);
  tasks_.push_back(std::move(task));
  return index;
}

void SearchTable::RunPending(const cost::CostModel& cost_model, const search::Searcher& searcher,
                             const ModelSearchOptions& options, std::vector<SearchRecord>& records,
                             ModelSearchStatistics& statistics) {
  records.resize(tasks_.size());
  // Largest budgets first, so that the long searches do not start last (the order of execution
  // never changes a result: each task has its own seed and record). Each thread takes the next
  // search in this order when it is free (greedy longest-first), so the batch ends with the small
  // searches on every thread.
  std::vector<std::size_t> schedule(tasks_.size() - tasks_run_);
  std::iota(schedule.begin(), schedule.end(), tasks_run_);
  std::stable_sort(schedule.begin(), schedule.end(), [&](std::size_t a, std::size_t b) {
    return tasks_[a].budget.max_evaluations > tasks_[b].budget.max_evaluations;
  });
  auto run = [&](std::size_t position) {
    const std::size_t index = schedule[position];
    RunTask(tasks_[index], cost_model, searcher, options, records[index]);
  };
  const Clock::time_point search_start = Clock::now();
  if (statistics.threads <= 1) {
    for (std::size_t position = 0; position < schedule.size(); ++position) run(position);
  } else {
    // TBB across tasks, one searcher thread each. Not a parallel_for over the schedule: its range
    // splitting hands one thread the first half (every large search, run one after another) and
    // the other the small ones, which left one thread idle for the last large searches (0.17 s of
    // 6.3 s in the LLaMA-2 decode benchmark). A shared counter keeps the schedule's order; one
    // taker per thread (simple_partitioner: one task per index), which stops when a search threw.
    std::atomic<std::size_t> next_position{0};
    tbb::task_arena arena(statistics.threads);
    arena.execute([&] {
      tbb::parallel_for(
          0, statistics.threads,
          [&](int) {
            for (std::size_t position = next_position++;
                 position < schedule.size() && !tbb::is_current_task_group_canceling(); position = next_position++) {
              run(position);
            }
          },
          tbb::simple_partitioner());
    });
  }
  statistics.search_seconds += std::chrono::duration<double>(Clock::now() - search_start).count();
  for (std::size_t index = tasks_run_; index < tasks_.size(); ++index) {
    statistics.evaluations += records[index].result.statistics.evaluations;
    (tasks_[index].is_op() ? statistics.op_searches : statistics.member_searches) += 1;
  }
  tasks_run_ = tasks_.size();
}

}  // namespace loopfront::planner
