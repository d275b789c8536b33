#include "loopfront/planner/model_search.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_map>

#include "loopfront/cost/cost.h"
#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"
#include "loopfront/util/random.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"

namespace loopfront::planner {
namespace {

using Clock = std::chrono::steady_clock;

// The parts of a member problem's architecture that GroupModel edits: capacities and keeps.
std::string ArchitectureEditsKey(const arch::Architecture& architecture) {
  std::string key;
  for (const arch::StorageLevel& level : architecture.levels) {
    key += fmt::format("{}:{}:{};", level.name, level.capacity_words ? *level.capacity_words : -1,
                       static_cast<int>(level.keeps_roles));
  }
  return key;
}

std::string ConstraintsKey(const mapping::Constraints& constraints, int num_levels, int num_dims) {
  std::string key;
  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    const mapping::LevelConstraints& level = constraints.levels[level_idx];
    key += fmt::format("L{}o", level_idx);
    for (const int dim : level.order_prefix) key += fmt::format("{},", dim);
    key += "t";
    for (int dim = 0; dim < num_dims; ++dim) key += fmt::format("{},", level.temporal_factor[dim]);
    for (int axis = 0; axis < mapping::kNumAxes; ++axis) {
      key += "s";
      for (int dim = 0; dim < num_dims; ++dim) key += fmt::format("{},", level.spatial_factor[axis][dim]);
    }
    key += level.keeps ? fmt::format("k{}", static_cast<int>(*level.keeps)) : std::string("k*");
    key += ";";
  }
  return key;
}

std::string BudgetKey(const search::Budget& budget) {
  return fmt::format("e{}s{}t{}", budget.max_evaluations, budget.max_seconds, budget.max_stall_steps);
}

struct Task {
  std::string key;
  mapping::Problem problem;
  mapping::Constraints constraints;
  search::Budget budget;
  bool is_op = true;
  std::string label;  // for error messages
};

// Collects tasks, sharing equal keys.
class TaskTable {
 public:
  int Add(Task task) {
    const auto found = index_.find(task.key);
    if (found != index_.end()) return found->second;
    const int index = static_cast<int>(tasks_.size());
    index_.emplace(task.key, index);
    tasks_.push_back(std::move(task));
    return index;
  }
  std::vector<Task>& tasks() { return tasks_; }

 private:
  std::vector<Task> tasks_;
  std::unordered_map<std::string, int> index_;
};

search::Budget SplitBudget(const search::Budget& budget, std::size_t parts) {
  search::Budget split = budget;
  const auto divisor = static_cast<std::int64_t>(std::max<std::size_t>(1, parts));
  if (budget.max_evaluations > 0)
    split.max_evaluations = std::max<std::int64_t>(1, (budget.max_evaluations + divisor - 1) / divisor);
  if (budget.max_seconds > 0) split.max_seconds = budget.max_seconds / static_cast<double>(divisor);
  return split;
}

void RunTask(const Task& task, const cost::CostModel& cost_model, const search::Searcher& searcher,
             const ModelSearchOptions& options, SearchRecord& record) {
  record.key = task.key;
  record.problem = task.problem;
  try {
    const search::Mapspace mapspace = search::Mapspace::Build(task.problem, task.constraints, options.mapspace);
    search::SearchOptions search_options;
    search_options.objective = search::Objective::kLatencyEnergy;
    search_options.budget = task.budget;
    search_options.seed = util::DeriveSeed(options.seed, {util::Fnv1a64(task.key)});
    // One thread per task: no OpenMP region inside a TBB task (searcher.h).
    search_options.threads = 1;
    record.result = searcher.Search(mapspace, cost_model, search_options);
  } catch (const util::ConfigError& error) {
    // A member's constraints can leave a dim unmappable (its fixed factors fit no padding): that
    // tiling is infeasible. For an op it is the user's problem, reported by SearchModel.
    record.failure = error.what();
  }
}

std::string LevelName(const mapping::Problem& problem, int level_idx) {
  return level_idx == cost::kComputeBound ? std::string("compute") : std::string(problem.level_name(level_idx));
}

}  // namespace

std::string OpShapeKey(const workload::Op& op) {
  std::string key = fmt::format("{}|", workload::ToString(op.kind));
  for (const workload::Dim& dim : op.dims) key += fmt::format("{}={},", dim.name, dim.size);
  key += "|";
  for (const workload::Tensor& tensor : op.tensors) {
    key += fmt::format("{}:", workload::ToString(tensor.role));
    for (const int dim : tensor.dims) key += fmt::format("{}.", dim);
    key += fmt::format("/{},", tensor.word_bits);
  }
  key += fmt::format("|p{}|", op.passes);
  for (const double ops : op.ops_per_element) key += fmt::format("{},", ops);
  key += fmt::format("|r{}", op.reduced_dim ? *op.reduced_dim : -1);
  return key;
}

ModelSearchResult SearchModel(std::vector<ModelPart> parts, const arch::Architecture& architecture,
                              const cost::CostModel& cost_model, const search::Searcher& searcher,
                              const ModelSearchOptions& options) {
  const Clock::time_point start = Clock::now();
  if (parts.empty()) throw util::InternalError("SearchModel: no workload");
  ModelSearchResult result;
  result.parts = std::move(parts);
  ModelSearchStatistics& statistics = result.statistics;
  statistics.threads = options.threads > 0 ? options.threads : util::DefaultThreadCount();
  const double cell = options.relative_cell;

  TaskTable table;
  // Runs the tasks added since `first` (TBB across tasks, one searcher thread each; a plain loop
  // with one thread) and stores their records.
  std::size_t tasks_run = 0;
  auto run_new_tasks = [&]() {
    std::vector<Task>& tasks = table.tasks();
    result.records.resize(tasks.size());
    // Largest budgets first, so that the long searches do not start last (the order of execution
    // never changes a result: each task has its own seed and record).
    std::vector<std::size_t> schedule(tasks.size() - tasks_run);
    std::iota(schedule.begin(), schedule.end(), tasks_run);
    std::stable_sort(schedule.begin(), schedule.end(), [&](std::size_t a, std::size_t b) {
      return tasks[a].budget.max_evaluations > tasks[b].budget.max_evaluations;
    });
    auto run = [&](std::size_t position) {
      const std::size_t index = schedule[position];
      RunTask(tasks[index], cost_model, searcher, options, result.records[index]);
    };
    const Clock::time_point search_start = Clock::now();
    if (statistics.threads <= 1) {
      for (std::size_t position = 0; position < schedule.size(); ++position) run(position);
    } else {
      tbb::task_arena arena(statistics.threads);
      arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, schedule.size(), 1),
            [&](const tbb::blocked_range<std::size_t>& range) {
              for (std::size_t position = range.begin(); position != range.end(); ++position) run(position);
            },
            tbb::simple_partitioner());
      });
    }
    statistics.search_seconds += std::chrono::duration<double>(Clock::now() - search_start).count();
    for (std::size_t index = tasks_run; index < tasks.size(); ++index) {
      statistics.evaluations += result.records[index].result.statistics.evaluations;
      (tasks[index].is_op ? statistics.op_searches : statistics.member_searches) += 1;
    }
    tasks_run = tasks.size();
  };
  // The member searches of one tiling of a group (none when the tiling leaves no capacity).
  auto add_member_tasks = [&](const fusion::GroupModel& model, const GroupResult& group_result, int tiling,
                              const search::Budget& budget, bool refined) {
    TilingSearch search{.tiling = tiling, .refined = refined, .member_records = {}};
    const std::optional<std::vector<fusion::MemberProblem>> members =
        model.MemberProblems(group_result.tilings[tiling]);
    if (!members) return search;
    for (const fusion::MemberProblem& member_problem : *members) {
      const mapping::Problem& problem = member_problem.problem;
      Task task;
      task.key = fmt::format("member|{}|chip{}|{}|{}|{}", OpShapeKey(problem.op()),
                             static_cast<int>(problem.options().on_chip_tensors), ArchitectureEditsKey(problem.arch()),
                             ConstraintsKey(member_problem.constraints, problem.num_levels(), problem.num_dims()),
                             BudgetKey(budget));
      task.problem = problem;
      task.constraints = member_problem.constraints;
      task.budget = budget;
      task.is_op = false;
      task.label = fmt::format("{} in {}", problem.op().name, group_result.label);
      search.member_records.push_back(table.Add(std::move(task)));
    }
    return search;
  };
  // The group's front for one tiling search (empty if a member has no valid mapping).
  auto combine = [&](const fusion::GroupModel& model, const GroupResult& group_result, const TilingSearch& search) {
    if (search.member_records.empty()) return pareto::Front<fusion::MemberChoice>{};
    std::vector<const pareto::Front<mapping::Mapping>*> member_fronts;
    for (const int record : search.member_records) member_fronts.push_back(&result.records[record].result.front);
    return model.CombineFronts(group_result.tilings[search.tiling], member_fronts, cell);
  };

  // 1. Every distinct op shape; with fusion, every group's screening round.
  std::vector<std::vector<std::optional<fusion::GroupModel>>> models(result.parts.size());
  result.part_results.resize(result.parts.size());
  search::Budget screen_budget;
  search::Budget refine_budget;
  {
    search::Budget half = options.op_budget;
    if (half.max_evaluations > 0) half.max_evaluations = std::max<std::int64_t>(1, half.max_evaluations / 2);
    half.max_seconds /= 2;
    screen_budget = SplitBudget(half, static_cast<std::size_t>(std::max(1, options.screened_tilings)));
    refine_budget = SplitBudget(half, static_cast<std::size_t>(std::max(1, options.refined_tilings)));
  }
  for (std::size_t part_idx = 0; part_idx < result.parts.size(); ++part_idx) {
    const workload::Workload& workload = result.parts[part_idx].workload;
    PartResult& part = result.part_results[part_idx];
    statistics.ops += static_cast<std::int64_t>(workload.NumOps());
    for (const workload::Op& op : workload.ops()) {
      Task task;
      task.key = "op|" + OpShapeKey(op) + "|" + BudgetKey(options.op_budget);
      task.problem = mapping::Problem::Build(op, architecture);
      task.budget = options.op_budget;
      task.label = op.name;
      part.op_records.push_back(table.Add(std::move(task)));
    }
    if (!options.fusion) continue;
    part.groups = fusion::FindCandidateGroups(workload);
    statistics.candidate_groups += static_cast<std::int64_t>(part.groups.size());
    for (const fusion::FusedGroup& group : part.groups) {
      GroupResult group_result;
      group_result.group = group;
      group_result.label = group.Label(workload);
      std::optional<fusion::GroupModel> model =
          fusion::GroupModel::Build(group, workload, architecture, &group_result.not_feasible);
      if (model) {
        group_result.tilings = model->Tilings(options.screened_tilings);
        if (group_result.tilings.empty()) group_result.not_feasible = "no shared tiling fits the intermediates on chip";
        for (int tiling = 0; tiling < static_cast<int>(group_result.tilings.size()); ++tiling) {
          group_result.searches.push_back(add_member_tasks(*model, group_result, tiling, screen_budget, false));
        }
      }
      models[part_idx].push_back(std::move(model));
      part.group_results.push_back(std::move(group_result));
    }
  }
  run_new_tasks();

  // Every op needs a valid mapping (as `loopfront search`).
  {
    std::vector<util::Diagnostic> diagnostics;
    const std::vector<Task>& tasks = table.tasks();
    for (std::size_t index = 0; index < tasks.size(); ++index) {
      const SearchRecord& record = result.records[index];
      if (!tasks[index].is_op || !record.result.front.empty()) continue;
      diagnostics.push_back(
          {.path = "--model",
           .message = record.failure.empty()
                          ? fmt::format("no valid mapping of op {} on {} found in {} evaluations (invalid: {}); check "
                                        "the op, the architecture and the budget",
                                        tasks[index].label, architecture.name, record.result.statistics.evaluations,
                                        search::InvalidReasons(record.result.statistics))
                          : fmt::format("op {} cannot be mapped on {}: {}", tasks[index].label, architecture.name,
                                        record.failure)});
    }
    if (!diagnostics.empty()) {
      // A stop request (SIGINT/SIGTERM) ends every search early: say so rather than blame the op.
      if (util::StopRequested()) {
        throw util::ConfigError("interrupted before every op had a valid mapping; nothing to report");
      }
      throw util::ConfigError(std::move(diagnostics));
    }
  }

  // 2. Refinement: the screened tilings with the smallest knee EDP get a second, larger search.
  if (options.fusion && options.refined_tilings > 0 && !util::StopRequested()) {
    for (std::size_t part_idx = 0; part_idx < result.parts.size(); ++part_idx) {
      PartResult& part = result.part_results[part_idx];
      for (std::size_t group_idx = 0; group_idx < part.group_results.size(); ++group_idx) {
        GroupResult& group_result = part.group_results[group_idx];
        const std::optional<fusion::GroupModel>& model = models[part_idx][group_idx];
        if (!model) continue;
        std::vector<std::pair<double, int>> scores;
        for (const TilingSearch& search : group_result.searches) {
          const pareto::Front<fusion::MemberChoice> front = combine(*model, group_result, search);
          if (!front.empty()) scores.emplace_back(front.Knee()->objectives.EdpPjCycles(), search.tiling);
        }
        std::sort(scores.begin(), scores.end());
        const std::size_t refined = std::min(scores.size(), static_cast<std::size_t>(options.refined_tilings));
        for (std::size_t pick = 0; pick < refined; ++pick) {
          group_result.searches.push_back(
              add_member_tasks(*model, group_result, scores[pick].second, refine_budget, true));
        }
      }
    }
    run_new_tasks();
  }

  // 3. Fronts: ops, groups, each part with and without fusion, then the parts together.
  for (std::size_t part_idx = 0; part_idx < result.parts.size(); ++part_idx) {
    const workload::Workload& workload = result.parts[part_idx].workload;
    PartResult& part = result.part_results[part_idx];
    for (std::size_t id = 0; id < workload.NumOps(); ++id) {
      pareto::Front<std::uint32_t> front;
      const auto& points = result.records[part.op_records[id]].result.front.points();
      for (std::size_t index = 0; index < points.size(); ++index) {
        front.Insert(points[index].objectives, static_cast<std::uint32_t>(index));
      }
      part.op_fronts.push_back(std::move(front));
    }
    std::vector<const pareto::Front<std::uint32_t>*> op_fronts;
    for (const auto& front : part.op_fronts) op_fronts.push_back(&front);

    std::vector<const pareto::Front<std::uint32_t>*> group_fronts;
    for (std::size_t group_idx = 0; group_idx < part.group_results.size(); ++group_idx) {
      GroupResult& group_result = part.group_results[group_idx];
      const std::optional<fusion::GroupModel>& model = models[part_idx][group_idx];
      pareto::Front<GroupPoint> merged;
      for (int search = 0; search < static_cast<int>(group_result.searches.size()); ++search) {
        const pareto::Front<fusion::MemberChoice> front = combine(*model, group_result, group_result.searches[search]);
        for (const auto& point : front.points()) merged.Insert(point.objectives, GroupPoint{search, point.payload});
      }
      merged = pareto::ThinByLogGrid(merged, cell);
      for (const auto& point : merged.points()) {
        group_result.front.Insert(point.objectives, static_cast<std::uint32_t>(group_result.points.size()));
        group_result.points.push_back(point.payload);
      }
      if (!group_result.front.empty()) ++statistics.feasible_groups;
      if (group_result.front.empty() && group_result.not_feasible.empty()) {
        group_result.not_feasible = "no tiling had a valid mapping of every member within the budget";
      }
      group_fronts.push_back(&group_result.front);
    }
    part.unfused = fusion::PartitionFront(workload, {}, op_fronts, {}, cell);
    part.fused =
        options.fusion ? fusion::PartitionFront(workload, part.groups, op_fronts, group_fronts, cell) : part.unfused;
  }

  auto fold = [&](bool fused) {
    pareto::Front<ModelPlan> total;
    total.Insert({0.0, 0.0}, ModelPlan{});
    for (std::size_t part_idx = 0; part_idx < result.parts.size(); ++part_idx) {
      const PartResult& part = result.part_results[part_idx];
      total = pareto::MinkowskiSum(total, fused ? part.fused : part.unfused, result.parts[part_idx].weight, cell,
                                   [](const ModelPlan& plan, const fusion::Plan& part_plan) {
                                     ModelPlan extended = plan;
                                     extended.push_back(part_plan);
                                     return extended;
                                   });
    }
    return total;
  };
  result.unfused = fold(false);
  result.fused = options.fusion ? fold(true) : result.unfused;
  // The thinning of the two folds differs; merging makes "fusion is never worse" exact.
  if (options.fusion) result.fused.Merge(result.unfused);
  statistics.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

std::string ModelSearchResult::PlanLabel(const ModelPlan& plan) const {
  // Groups in order of first use; with the parts they are used in, when not all.
  std::vector<std::string> labels;
  std::map<std::string, std::vector<std::string>> used_in;
  for (std::size_t part_idx = 0; part_idx < plan.size(); ++part_idx) {
    const workload::Workload& workload = parts[part_idx].workload;
    const PartResult& part = part_results[part_idx];
    for (const int group : fusion::FusedGroupsOf(plan[part_idx], workload, part.groups)) {
      const std::string& label = part.group_results[group].label;
      if (used_in.find(label) == used_in.end()) labels.push_back(label);
      used_in[label].push_back(parts[part_idx].label);
    }
  }
  if (labels.empty()) return "none";
  std::vector<std::string> texts;
  for (const std::string& label : labels) {
    const std::vector<std::string>& in = used_in[label];
    if (in.size() == plan.size() || plan.size() == 1) {
      texts.push_back(label);
    } else if (in.size() <= 2) {
      // No commas: plans are a CSV column.
      texts.push_back(fmt::format("{} [{}]", label, util::Join(in, " | ")));
    } else {
      texts.push_back(
          fmt::format("{} [in {} of {} parts: {} ... {}]", label, in.size(), plan.size(), in.front(), in.back()));
    }
  }
  return util::Join(texts, "; ");
}

std::vector<BreakdownRow> ModelSearchResult::Breakdown(const ModelPlan& plan, const cost::CostModel& cost_model) const {
  std::vector<BreakdownRow> rows;
  std::map<std::string, std::size_t> row_of;  // unit + detail → row, to merge identical rows of parts
  std::vector<int> parts_of_row;
  auto add = [&](BreakdownRow row) {
    const std::string key = row.unit + "\n" + row.detail + "\n" + row.bounding;
    const auto found = row_of.find(key);
    if (found == row_of.end()) {
      row_of.emplace(key, rows.size());
      parts_of_row.push_back(1);
      rows.push_back(std::move(row));
      return;
    }
    BreakdownRow& merged = rows[found->second];
    merged.count += row.count;
    merged.latency_cycles += row.latency_cycles;
    merged.energy_pj += row.energy_pj;
    ++parts_of_row[found->second];
    if (!row.part.empty()) {
      merged.part = parts_of_row[found->second] == static_cast<int>(plan.size())
                        ? std::string("all steps")
                        : fmt::format("{} kv_len buckets", parts_of_row[found->second]);
    }
  };
  for (std::size_t part_idx = 0; part_idx < plan.size(); ++part_idx) {
    const ModelPart& model_part = parts[part_idx];
    const workload::Workload& workload = model_part.workload;
    const PartResult& part = part_results[part_idx];
    const std::size_t num_ops = workload.NumOps();
    // In topological order of the unit's first op.
    std::vector<fusion::PlanChoice> choices = plan[part_idx];
    std::vector<std::size_t> position(num_ops);
    for (std::size_t index = 0; index < num_ops; ++index) position[workload.TopologicalOrder()[index]] = index;
    auto first_position = [&](const fusion::PlanChoice& choice) {
      return choice.unit < num_ops ? position[choice.unit]
                                   : position[part.groups[choice.unit - num_ops].members.front()];
    };
    std::stable_sort(choices.begin(), choices.end(), [&](const fusion::PlanChoice& a, const fusion::PlanChoice& b) {
      return first_position(a) < first_position(b);
    });
    for (const fusion::PlanChoice& choice : choices) {
      BreakdownRow row;
      row.part = model_part.label;
      if (choice.unit < num_ops) {
        const workload::Op& op = workload.op(choice.unit);
        const auto& point = part.op_fronts[choice.unit].points()[choice.point];
        const SearchRecord& record = records[part.op_records[choice.unit]];
        const mapping::Mapping& mapping = record.result.front.points()[point.payload].payload;
        const cost::Cost cost = cost_model.Evaluate(record.problem, mapping);
        row.unit = op.name;
        row.count = static_cast<double>(op.count) * model_part.weight;
        row.latency_cycles = point.objectives.latency_cycles * row.count;
        row.energy_pj = point.objectives.energy_pj * row.count;
        row.bounding = LevelName(record.problem, cost.bounding_level);
        row.detail = mapping::ToString(mapping, record.problem);
      } else {
        const GroupResult& group = part.group_results[choice.unit - num_ops];
        const auto& point = group.front.points()[choice.point];
        const GroupPoint& group_point = group.points[point.payload];
        row.unit = group.label;
        row.count = static_cast<double>(group.group.count) * model_part.weight;
        row.latency_cycles = point.objectives.latency_cycles * row.count;
        row.energy_pj = point.objectives.energy_pj * row.count;
        std::vector<std::string> bounding;
        std::vector<std::string> mappings;
        for (std::size_t member = 0; member < group_point.members.size(); ++member) {
          const TilingSearch& search = group.searches[group_point.search];
          const SearchRecord& record = records[search.member_records[member]];
          const mapping::Mapping& mapping = record.result.front.points()[group_point.members[member]].payload;
          const cost::Cost cost = cost_model.Evaluate(record.problem, mapping);
          bounding.push_back(
              fmt::format("{}:{}", record.problem.op().name, LevelName(record.problem, cost.bounding_level)));
          mappings.push_back(
              fmt::format("{}: {}", record.problem.op().name, mapping::ToString(mapping, record.problem)));
        }
        row.bounding = util::Join(bounding, " ");
        row.detail =
            fmt::format("shared {}; {}", group.tilings[group.searches[group_point.search].tiling].ToString(group.group),
                        util::Join(mappings, "; "));
      }
      add(std::move(row));
    }
  }
  return rows;
}

}  // namespace loopfront::planner
