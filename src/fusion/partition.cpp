#include "loopfront/fusion/partition.h"

#include <algorithm>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::fusion {
namespace {

// Appends `choice` to a plan: the combine step of every Minkowski sum below.
auto Append(std::uint32_t unit) {
  return [unit](const Plan& plan, std::uint32_t point) {
    Plan result = plan;
    result.push_back({unit, point});
    return result;
  };
}

}  // namespace

pareto::Front<Plan> PartitionFront(const workload::Workload& workload, const std::vector<FusedGroup>& groups,
                                   const std::vector<const pareto::Front<std::uint32_t>*>& op_fronts,
                                   const std::vector<const pareto::Front<std::uint32_t>*>& group_fronts,
                                   double relative_cell) {
  const std::vector<workload::OpId>& order = workload.TopologicalOrder();
  const std::size_t num_ops = order.size();
  if (op_fronts.size() != num_ops || group_fronts.size() != groups.size()) {
    throw util::InternalError("PartitionFront: one front per op and per group expected");
  }
  for (std::size_t id = 0; id < num_ops; ++id) {
    if (op_fronts[id] == nullptr || op_fronts[id]->empty()) {
      throw util::InternalError("PartitionFront: op " + workload.op(id).name + " has an empty front");
    }
  }
  std::vector<std::size_t> position(num_ops);
  for (std::size_t index = 0; index < num_ops; ++index) position[order[index]] = index;

  // Per group: its interval of topological positions and whether a position holds a member.
  struct Interval {
    std::size_t first = 0;
    std::size_t last = 0;
  };
  std::vector<Interval> intervals(groups.size());
  for (std::size_t group = 0; group < groups.size(); ++group) {
    Interval interval{num_ops, 0};
    for (const workload::OpId id : groups[group].members) {
      interval.first = std::min(interval.first, position[id]);
      interval.last = std::max(interval.last, position[id]);
    }
    intervals[group] = interval;
  }

  std::vector<pareto::Front<Plan>> fronts(num_ops + 1);
  fronts[0].Insert({0.0, 0.0}, Plan{});
  for (std::size_t index = 0; index < num_ops; ++index) {
    const workload::OpId id = order[index];
    const auto count = static_cast<double>(workload.op(id).count);
    pareto::Front<Plan> next = pareto::MinkowskiSum(fronts[index], *op_fronts[id], count, relative_cell,
                                                    Append(static_cast<std::uint32_t>(id)));
    for (std::size_t group = 0; group < groups.size(); ++group) {
      if (intervals[group].last != index) continue;
      if (group_fronts[group] == nullptr || group_fronts[group]->empty()) continue;
      const FusedGroup& fused = groups[group];
      pareto::Front<Plan> with_group =
          pareto::MinkowskiSum(fronts[intervals[group].first], *group_fronts[group], static_cast<double>(fused.count),
                               relative_cell, Append(static_cast<std::uint32_t>(num_ops + group)));
      for (std::size_t inside = intervals[group].first + 1; inside < index; ++inside) {
        const workload::OpId other = order[inside];
        if (std::find(fused.members.begin(), fused.members.end(), other) != fused.members.end()) continue;
        with_group = pareto::MinkowskiSum(with_group, *op_fronts[other], static_cast<double>(workload.op(other).count),
                                          relative_cell, Append(static_cast<std::uint32_t>(other)));
      }
      next.Merge(with_group);
    }
    fronts[index + 1] = pareto::ThinByLogGrid(next, relative_cell);
  }
  return std::move(fronts[num_ops]);
}

std::vector<int> FusedGroupsOf(const Plan& plan, const workload::Workload& workload,
                               const std::vector<FusedGroup>& groups) {
  const std::size_t num_ops = workload.NumOps();
  std::vector<std::size_t> position(num_ops);
  const std::vector<workload::OpId>& order = workload.TopologicalOrder();
  for (std::size_t index = 0; index < num_ops; ++index) position[order[index]] = index;
  std::vector<int> fused;
  for (const PlanChoice& choice : plan) {
    if (choice.unit >= num_ops) fused.push_back(static_cast<int>(choice.unit - num_ops));
  }
  std::sort(fused.begin(), fused.end(),
            [&](int a, int b) { return position[groups[a].members.front()] < position[groups[b].members.front()]; });
  return fused;
}

std::string PlanLabel(const Plan& plan, const workload::Workload& workload, const std::vector<FusedGroup>& groups) {
  std::vector<std::string> labels;
  for (const int group : FusedGroupsOf(plan, workload, groups)) labels.push_back(groups[group].Label(workload));
  return labels.empty() ? "none" : util::Join(labels, "; ");
}

}  // namespace loopfront::fusion
