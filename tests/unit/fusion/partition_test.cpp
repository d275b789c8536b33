#include "loopfront/fusion/partition.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "loopfront/workload/op_spec.h"
#include "loopfront/workload/workload.h"

using namespace loopfront;

namespace {

// Renames a tensor (by move: GCC 12 warns spuriously, -Wrestrict, when a literal is assigned).
void Rename(workload::Op& op, int tensor, std::string name) { op.tensors[tensor].name = std::move(name); }

// x → mm → S → sm → P → mm2 → Y: candidates mm+sm (contraction → vector) and
// attention(mm+sm+mm2) (contraction → softmax → contraction). Each op runs `count` times.
workload::Workload Chain(std::int64_t count) {
  workload::Op mm = workload::ParseOpSpec("matmul m=4 n=8 k=2 name=mm");
  Rename(mm, 2, "S");
  workload::Op sm = workload::ParseOpSpec("softmax m=4 n=8 name=sm");
  Rename(sm, 0, "S");
  Rename(sm, 1, "P");
  workload::Op mm2 = workload::ParseOpSpec("matmul m=4 n=2 k=8 name=mm2");
  Rename(mm2, 0, "P");
  Rename(mm2, 1, "W");
  Rename(mm2, 2, "Y");
  for (workload::Op* op : {&mm, &sm, &mm2}) op->count = count;
  return workload::Workload("chain", {mm, sm, mm2});
}

pareto::Front<std::uint32_t> FrontOf(const std::vector<pareto::Objectives>& points) {
  pareto::Front<std::uint32_t> front;
  for (std::size_t index = 0; index < points.size(); ++index)
    front.Insert(points[index], static_cast<std::uint32_t>(index));
  return front;
}

}  // namespace

TEST_CASE("The partition DP chooses fused groups only where they help", "[fusion][partition]") {
  const workload::Workload workload = Chain(2);
  const std::vector<fusion::FusedGroup> groups = fusion::FindCandidateGroups(workload);
  REQUIRE(groups.size() == 2);
  REQUIRE(groups[0].Label(workload) == "mm+sm");
  REQUIRE(groups[1].Label(workload) == "attention(mm+sm+mm2)");
  const auto mm = FrontOf({{10, 10}});
  const auto sm = FrontOf({{10, 10}});
  const auto mm2 = FrontOf({{5, 5}});
  const std::vector<const pareto::Front<std::uint32_t>*> op_fronts{&mm, &sm, &mm2};

  SECTION("without groups: the weighted sum of every op") {
    const auto front = fusion::PartitionFront(workload, {}, op_fronts, {}, 0.0);
    REQUIRE(front.size() == 1);
    CHECK(front.points()[0].objectives == pareto::Objectives{50, 50});  // 2 × (10 + 10 + 5)
    CHECK(fusion::PlanLabel(front.points()[0].payload, workload, {}) == "none");
  }
  SECTION("a better group replaces its members; a worse one is ignored") {
    const auto pair = FrontOf({{12, 12}});       // better than 10 + 10
    const auto attention = FrontOf({{40, 40}});  // worse than 10 + 10 + 5
    const auto front = fusion::PartitionFront(workload, groups, op_fronts, {&pair, &attention}, 0.0);
    REQUIRE(front.size() == 1);
    CHECK(front.points()[0].objectives == pareto::Objectives{34, 34});  // 2 × (12 + 5)
    const fusion::Plan& plan = front.points()[0].payload;
    CHECK(fusion::PlanLabel(plan, workload, groups) == "mm+sm");
    // The plan names each unit once: the group (unit num_ops + 0) and mm2 alone.
    REQUIRE(plan.size() == 2);
    CHECK(plan[0].unit == 3);
    CHECK(plan[1].unit == 2);
  }
  SECTION("a group that trades latency for energy adds front points") {
    const auto pair = FrontOf({{30, 30}});
    const auto attention = FrontOf({{4, 100}});  // fast but hungry
    const auto front = fusion::PartitionFront(workload, groups, op_fronts, {&pair, &attention}, 0.0);
    REQUIRE(front.size() == 2);
    CHECK(front.points()[0].objectives == pareto::Objectives{8, 200});
    CHECK(fusion::PlanLabel(front.points()[0].payload, workload, groups) == "attention(mm+sm+mm2)");
    CHECK(front.points()[1].objectives == pareto::Objectives{50, 50});
    CHECK(fusion::PlanLabel(front.points()[1].payload, workload, groups) == "none");
  }
  SECTION("an unavailable group (empty front) is never chosen") {
    const pareto::Front<std::uint32_t> empty;
    const auto front = fusion::PartitionFront(workload, groups, op_fronts, {&empty, nullptr}, 0.0);
    REQUIRE(front.size() == 1);
    CHECK(front.points()[0].objectives == pareto::Objectives{50, 50});
  }
}

TEST_CASE("The partition DP combines the points of every unit's front", "[fusion][partition]") {
  const workload::Workload workload = Chain(1);
  const auto mm = FrontOf({{1, 10}, {10, 1}});
  const auto sm = FrontOf({{2, 20}, {20, 2}});
  const auto mm2 = FrontOf({{3, 3}});
  const auto front = fusion::PartitionFront(workload, {}, {&mm, &sm, &mm2}, {}, 0.0);
  // Sums of one point per op: (6, 33), (15, 24), (24, 15), (33, 6); none dominates another.
  REQUIRE(front.size() == 4);
  CHECK(front.points()[0].objectives == pareto::Objectives{6, 33});
  CHECK(front.points()[3].objectives == pareto::Objectives{33, 6});
  // The payload says which point of each op's front was taken.
  const fusion::Plan& fastest = front.points()[0].payload;
  REQUIRE(fastest.size() == 3);
  for (const fusion::PlanChoice& choice : fastest) CHECK(choice.point == 0);
}
