#include "src/planner/model_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "loopfront/fusion/group.h"
#include "loopfront/fusion/partition.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"

namespace loopfront::planner {
namespace {

using Clock = std::chrono::steady_clock;

search::Budget SplitBudget(const search::Budget& budget, std::size_t parts) {
  search::Budget split = budget;
  const auto divisor = static_cast<std::int64_t>(std::max<std::size_t>(1, parts));
  if (budget.max_evaluations > 0)
    split.max_evaluations = std::max<std::int64_t>(1, (budget.max_evaluations + divisor - 1) / divisor);
  if (budget.max_seconds > 0) split.max_seconds = budget.max_seconds / static_cast<double>(divisor);
  return split;
}

}  // namespace

ModelPlanner::ModelPlanner(std::vector<ModelPart> parts, const arch::Architecture& architecture,
                           const cost::CostModel& cost_model, const search::Searcher& searcher,
                           const ModelSearchOptions& options)
    : start_(Clock::now()),
      architecture_(architecture),
      cost_model_(cost_model),
      searcher_(searcher),
      options_(options) {
  if (parts.empty()) throw util::InternalError("SearchModel: no workload");
  result_.parts = std::move(parts);
  result_.part_results.resize(result_.parts.size());
  result_.statistics.threads = options.threads > 0 ? options.threads : util::DefaultThreadCount();
  models_.resize(result_.parts.size());
  copy_of_.resize(result_.parts.size());
  // A group's member gets the op budget in all (model_search.h, "Budgets"): half for the screening
  // round, spread over its tilings, half for the refinement.
  search::Budget half = options.op_budget;
  if (half.max_evaluations > 0) half.max_evaluations = std::max<std::int64_t>(1, half.max_evaluations / 2);
  half.max_seconds /= 2;
  screen_budget_ = SplitBudget(half, static_cast<std::size_t>(std::max(1, options.screened_tilings)));
  refine_budget_ = SplitBudget(half, static_cast<std::size_t>(std::max(1, options.refined_tilings)));
}

// Ops of one shape share one search, across parts too: a decode generation's projections are the
// same op in every step, so the whole generation searches them once.
void ModelPlanner::QueueOpSearches(std::size_t part_idx) {
  const workload::Workload& workload = result_.parts[part_idx].workload;
  PartResult& part = result_.part_results[part_idx];
  result_.statistics.ops += static_cast<std::int64_t>(workload.NumOps());
  for (const workload::Op& op : workload.ops()) {
    SearchTask task{.key = SearchKey::ForOp(op, options_.op_budget),
                    .problem = mapping::Problem::Build(op, architecture_),
                    .constraints = {},
                    .budget = options_.op_budget,
                    .label = op.name};
    part.op_records.push_back(table_.Add(std::move(task)));
  }
}

// The shared tiling is part of a group's mapspace (DESIGN §2.8.1) but too large to search jointly
// with the members: every ranked tiling gets a cheap look first, and only the promising ones the
// refinement's budget.
void ModelPlanner::QueueScreening(std::size_t part_idx) {
  const workload::Workload& workload = result_.parts[part_idx].workload;
  PartResult& part = result_.part_results[part_idx];
  part.groups = fusion::FindCandidateGroups(workload);
  result_.statistics.candidate_groups += static_cast<std::int64_t>(part.groups.size());
  for (const fusion::FusedGroup& group : part.groups) {
    copy_of_[part_idx].push_back(EarlierEqualGroup(part_idx, group));
    if (const auto& earlier = copy_of_[part_idx].back()) {
      models_[part_idx].push_back(models_[earlier->first][earlier->second]);
      part.group_results.push_back(result_.part_results[earlier->first].group_results[earlier->second]);
      continue;
    }
    GroupResult group_result;
    group_result.group = group;
    group_result.label = group.Label(workload);
    std::optional<fusion::GroupModel> model =
        fusion::GroupModel::Build(group, workload, architecture_, &group_result.not_feasible);
    if (model) {
      group_result.tilings = model->Tilings(options_.screened_tilings);
      if (group_result.tilings.empty()) group_result.not_feasible = "no shared tiling fits the intermediates on chip";
      for (int tiling = 0; tiling < static_cast<int>(group_result.tilings.size()); ++tiling) {
        group_result.searches.push_back(QueueMemberSearches(*model, group_result, tiling, screen_budget_, false));
      }
    }
    models_[part_idx].push_back(std::move(model));
    part.group_results.push_back(std::move(group_result));
  }
}

std::optional<std::pair<std::size_t, std::size_t>> ModelPlanner::EarlierEqualGroup(
    std::size_t part_idx, const fusion::FusedGroup& group) const {
  const workload::Workload& workload = result_.parts[part_idx].workload;
  for (std::size_t earlier_part = 0; earlier_part < part_idx; ++earlier_part) {
    const workload::Workload& earlier_workload = result_.parts[earlier_part].workload;
    const std::vector<fusion::FusedGroup>& groups = result_.part_results[earlier_part].groups;
    for (std::size_t group_idx = 0; group_idx < groups.size(); ++group_idx) {
      if (groups[group_idx] != group) continue;
      const bool equal_ops = std::all_of(group.members.begin(), group.members.end(),
                                         [&](workload::OpId id) { return workload.op(id) == earlier_workload.op(id); });
      if (equal_ops) return std::pair{earlier_part, group_idx};
    }
  }
  return std::nullopt;
}

TilingSearch ModelPlanner::QueueMemberSearches(const fusion::GroupModel& model, const GroupResult& group_result,
                                               int tiling, const search::Budget& budget, bool refined) {
  TilingSearch search{.tiling = tiling, .refined = refined, .member_records = {}};
  const std::optional<std::vector<fusion::MemberProblem>> members = model.MemberProblems(group_result.tilings[tiling]);
  if (!members) return search;
  for (const fusion::MemberProblem& member : *members) {
    SearchTask task{.key = SearchKey::ForMember(member.problem, member.constraints, budget),
                    .problem = member.problem,
                    .constraints = member.constraints,
                    .budget = budget,
                    .label = fmt::format("{} in {}", member.problem.op().name, group_result.label)};
    search.member_records.push_back(table_.Add(std::move(task)));
  }
  return search;
}

void ModelPlanner::RunQueuedSearches() {
  table_.RunPending(cost_model_, searcher_, options_, result_.records, result_.statistics);
}

void ModelPlanner::RequireEveryOpMapped() const {
  std::vector<util::Diagnostic> diagnostics;
  const std::vector<SearchTask>& tasks = table_.tasks();
  for (std::size_t index = 0; index < tasks.size(); ++index) {
    const SearchRecord& record = result_.records[index];
    if (!tasks[index].is_op() || !record.result.front.empty()) continue;
    diagnostics.push_back(
        {.path = "--model",
         .message = record.failure.empty()
                        ? fmt::format("no valid mapping of op {} on {} found in {} evaluations (invalid: {}); check "
                                      "the op, the architecture and the budget",
                                      tasks[index].label, architecture_.name, record.result.statistics.evaluations,
                                      search::InvalidReasons(record.result.statistics))
                        : fmt::format("op {} cannot be mapped on {}: {}", tasks[index].label, architecture_.name,
                                      record.failure)});
  }
  if (diagnostics.empty()) return;
  // A stop request (SIGINT/SIGTERM) ends every search early: say so rather than blame the op.
  if (util::StopRequested()) {
    throw util::ConfigError("interrupted before every op had a valid mapping; nothing to report");
  }
  throw util::ConfigError(std::move(diagnostics));
}

// The screened tilings with the smallest knee EDP get a second, larger search: the screening's
// small budget ranks tilings well enough, but its fronts are too coarse to keep as they are.
void ModelPlanner::QueueRefinement() {
  for (std::size_t part_idx = 0; part_idx < result_.parts.size(); ++part_idx) {
    PartResult& part = result_.part_results[part_idx];
    for (std::size_t group_idx = 0; group_idx < part.group_results.size(); ++group_idx) {
      GroupResult& group_result = part.group_results[group_idx];
      const std::optional<fusion::GroupModel>& model = models_[part_idx][group_idx];
      if (!model) continue;
      if (const auto& earlier = copy_of_[part_idx][group_idx]) {
        group_result.searches = result_.part_results[earlier->first].group_results[earlier->second].searches;
        continue;
      }
      std::vector<std::pair<double, int>> scores;
      for (const TilingSearch& search : group_result.searches) {
        const pareto::Front<fusion::MemberChoice> front = CombineTiling(*model, group_result, search);
        if (!front.empty()) scores.emplace_back(front.Knee()->objectives.EdpPjCycles(), search.tiling);
      }
      std::sort(scores.begin(), scores.end());
      const std::size_t refined = std::min(scores.size(), static_cast<std::size_t>(options_.refined_tilings));
      for (std::size_t pick = 0; pick < refined; ++pick) {
        group_result.searches.push_back(
            QueueMemberSearches(*model, group_result, scores[pick].second, refine_budget_, true));
      }
    }
  }
}

pareto::Front<fusion::MemberChoice> ModelPlanner::CombineTiling(const fusion::GroupModel& model,
                                                                const GroupResult& group_result,
                                                                const TilingSearch& search) const {
  if (search.member_records.empty()) return {};
  std::vector<const pareto::Front<mapping::Mapping>*> member_fronts;
  for (const int record : search.member_records) member_fronts.push_back(&result_.records[record].result.front);
  return model.CombineFronts(group_result.tilings[search.tiling], member_fronts, options_.relative_cell);
}

// Per op, its shape's front re-indexed (payload: the point's index in the shared record), so that
// the partition DP of each part sees one front per op id.
void ModelPlanner::BuildOpFronts(std::size_t part_idx) {
  const workload::Workload& workload = result_.parts[part_idx].workload;
  PartResult& part = result_.part_results[part_idx];
  for (std::size_t id = 0; id < workload.NumOps(); ++id) {
    pareto::Front<std::uint32_t> front;
    const auto& points = result_.records[part.op_records[id]].result.front.points();
    for (std::size_t index = 0; index < points.size(); ++index) {
      front.Insert(points[index].objectives, static_cast<std::uint32_t>(index));
    }
    part.op_fronts.push_back(std::move(front));
  }
}

// A group's front merges the fronts of all its tiling searches, screening included: a screened
// tiling that was not refined may still hold the best point of some trade-off.
void ModelPlanner::BuildGroupFronts(std::size_t part_idx) {
  PartResult& part = result_.part_results[part_idx];
  for (std::size_t group_idx = 0; group_idx < part.group_results.size(); ++group_idx) {
    GroupResult& group_result = part.group_results[group_idx];
    const std::optional<fusion::GroupModel>& model = models_[part_idx][group_idx];
    if (const auto& earlier = copy_of_[part_idx][group_idx]) {
      group_result = result_.part_results[earlier->first].group_results[earlier->second];
      if (!group_result.front.empty()) ++result_.statistics.feasible_groups;
      continue;
    }
    pareto::Front<GroupPoint> merged;
    for (int search = 0; search < static_cast<int>(group_result.searches.size()); ++search) {
      const pareto::Front<fusion::MemberChoice> front =
          CombineTiling(*model, group_result, group_result.searches[search]);
      for (const auto& point : front.points()) merged.Insert(point.objectives, GroupPoint{search, point.payload});
    }
    merged = pareto::ThinByLogGrid(merged, options_.relative_cell);
    for (const auto& point : merged.points()) {
      group_result.front.Insert(point.objectives, static_cast<std::uint32_t>(group_result.points.size()));
      group_result.points.push_back(point.payload);
    }
    if (!group_result.front.empty()) ++result_.statistics.feasible_groups;
    if (group_result.front.empty() && group_result.not_feasible.empty()) {
      group_result.not_feasible = "no tiling had a valid mapping of every member within the budget";
    }
  }
}

void ModelPlanner::PartitionPart(std::size_t part_idx) {
  const workload::Workload& workload = result_.parts[part_idx].workload;
  PartResult& part = result_.part_results[part_idx];
  std::vector<const pareto::Front<std::uint32_t>*> op_fronts;
  for (const auto& front : part.op_fronts) op_fronts.push_back(&front);
  std::vector<const pareto::Front<std::uint32_t>*> group_fronts;
  for (const GroupResult& group_result : part.group_results) group_fronts.push_back(&group_result.front);
  const double cell = options_.relative_cell;
  part.unfused = fusion::PartitionFront(workload, {}, op_fronts, {}, cell);
  part.fused =
      options_.fusion ? fusion::PartitionFront(workload, part.groups, op_fronts, group_fronts, cell) : part.unfused;
}

// Parts run one after another, `weight` times each: the model front is their weighted Minkowski
// sum (DESIGN §2.7.1).
pareto::Front<ModelPlan> ModelPlanner::Fold(bool fused) const {
  pareto::Front<ModelPlan> total;
  total.Insert({0.0, 0.0}, ModelPlan{});
  for (std::size_t part_idx = 0; part_idx < result_.parts.size(); ++part_idx) {
    const PartResult& part = result_.part_results[part_idx];
    total = pareto::MinkowskiSum(total, fused ? part.fused : part.unfused, result_.parts[part_idx].weight,
                                 options_.relative_cell, [](const ModelPlan& plan, const fusion::Plan& part_plan) {
                                   ModelPlan extended = plan;
                                   extended.push_back(part_plan);
                                   return extended;
                                 });
  }
  return total;
}

void ModelPlanner::FoldParts() {
  result_.unfused = Fold(false);
  result_.fused = options_.fusion ? Fold(true) : result_.unfused;
  // The thinning of the two folds differs; merging makes "fusion is never worse" exact.
  if (options_.fusion) result_.fused.Merge(result_.unfused);
}

ModelSearchResult ModelPlanner::TakeResult() {
  result_.statistics.wall_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  return std::move(result_);
}

}  // namespace loopfront::planner
