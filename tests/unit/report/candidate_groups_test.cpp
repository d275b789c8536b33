// Every candidate fused group beside its ops searched alone (report/model_search.h, CandidateGroups
// and CandidateGroupsTable; the `groups` of a point file and groups.csv): on a model result built
// by hand, with numbers worked out below, and on a real SearchModel result.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/fusion/group.h"
#include "loopfront/report/model_search.h"
#include "loopfront/report/schemas.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/transformer.h"

using namespace loopfront;

namespace {

workload::Workload TinyEncoder() {
  return workload::BuildTransformer(workload::TransformerSpec{
      .name = "tiny", .d_model = 64, .heads = 2, .d_head = 32, .d_ff = 128, .layers = 2, .seq_len = 32});
}

pareto::Front<std::uint32_t> FrontOf(const std::vector<pareto::Objectives>& points) {
  pareto::Front<std::uint32_t> front;
  for (const pareto::Objectives& point : points) front.Insert(point, 0);
  return front;
}

const fusion::FusedGroup& Candidate(const std::vector<fusion::FusedGroup>& groups, const workload::Workload& workload,
                                    const std::string& label) {
  for (const fusion::FusedGroup& group : groups) {
    if (group.Label(workload) == label) return group;
  }
  FAIL("no candidate group " << label);
  return groups.front();
}

// One part of the hand-made result: every op's front one point of 1000 cycles, 100 pJ, but
// Q×K^T {(300, 40), (500, 20)} and softmax {(200, 10)}; the group Q×K^T + softmax fused with the
// front `fused`, the attention group not feasible.
planner::PartResult HandPart(const workload::Workload& workload, const std::vector<pareto::Objectives>& fused) {
  planner::PartResult part;
  for (std::size_t id = 0; id < workload.NumOps(); ++id) {
    part.op_fronts.push_back(FrontOf({{.latency_cycles = 1000, .energy_pj = 100}}));
  }
  part.op_fronts[*workload.FindOp("qk_matmul")] =
      FrontOf({{.latency_cycles = 300, .energy_pj = 40}, {.latency_cycles = 500, .energy_pj = 20}});
  part.op_fronts[*workload.FindOp("softmax")] = FrontOf({{.latency_cycles = 200, .energy_pj = 10}});
  const std::vector<fusion::FusedGroup> candidates = fusion::FindCandidateGroups(workload);
  planner::GroupResult pair;
  pair.group = Candidate(candidates, workload, "qk_matmul+softmax");
  pair.label = "qk_matmul+softmax";
  pair.front = FrontOf(fused);
  planner::GroupResult attention;
  attention.group = Candidate(candidates, workload, "attention(qk_matmul+softmax+av_matmul)");
  attention.label = "attention(qk_matmul+softmax+av_matmul)";
  attention.not_feasible = "no shared tiling fits the intermediates on chip";
  part.groups = {pair.group, attention.group};
  part.group_results = {pair, attention};
  return part;
}

bool IsEmpty(const report::Cell& cell) { return std::holds_alternative<report::Empty>(cell); }

}  // namespace

TEST_CASE("Candidate groups: fused extremes beside the members' fastest points, by hand", "[report][fusion]") {
  const workload::Workload workload = TinyEncoder();
  const double group_count = static_cast<double>(workload.op(*workload.FindOp("qk_matmul")).count);
  // Fused front {(400, 45), (450, 30)}: fastest (400, 45); EDPs 18,000 and 13,500, so the knee is
  // (450, 30). Alone: Q×K^T's fastest (300, 40) + softmax's (200, 10) = (500, 50); 400 / 500 − 1 = −0.2.
  const std::vector<pareto::Objectives> fused = {{.latency_cycles = 400, .energy_pj = 45},
                                                 {.latency_cycles = 450, .energy_pj = 30}};
  planner::ModelSearchResult result;
  result.parts = {{workload, 1.0, ""}};
  result.part_results = {HandPart(workload, fused)};

  const std::vector<report::CandidateGroupRow> rows = report::CandidateGroups(result);
  REQUIRE(rows.size() == 2);
  const report::CandidateGroupRow& pair = rows[0];
  CHECK(pair.group == "qk_matmul+softmax");
  CHECK(pair.part.empty());
  CHECK(pair.members == "qk_matmul+softmax");
  CHECK(pair.rule == "contraction_vector");
  CHECK(pair.feasible());
  CHECK(pair.not_feasible.empty());
  CHECK(pair.count == group_count);
  CHECK(pair.fused_min_latency == pareto::Objectives{.latency_cycles = 400, .energy_pj = 45});
  CHECK(pair.fused_knee == pareto::Objectives{.latency_cycles = 450, .energy_pj = 30});
  CHECK(pair.unfused_min_latency == pareto::Objectives{.latency_cycles = 500, .energy_pj = 50});
  REQUIRE(pair.MinLatencyChange());
  CHECK(*pair.MinLatencyChange() == Approx(-0.2));

  // Not feasible: no fused numbers, the reason, and still the ops alone: (300, 40) + (200, 10) +
  // av_matmul's (1000, 100) = (1500, 150).
  const report::CandidateGroupRow& attention = rows[1];
  CHECK(attention.members == "qk_matmul+softmax+av_matmul");
  CHECK(attention.rule == "attention");
  CHECK_FALSE(attention.feasible());
  CHECK(attention.not_feasible == "no shared tiling fits the intermediates on chip");
  CHECK_FALSE(attention.fused_knee);
  CHECK_FALSE(attention.MinLatencyChange());
  CHECK(attention.unfused_min_latency == pareto::Objectives{.latency_cycles = 1500, .energy_pj = 150});

  const report::Table table = report::CandidateGroupsTable(rows);
  REQUIRE(table.rows() == 2);
  REQUIRE(table.columns().size() == report::kGroups.Own().size());
  CHECK(table.columns()[0].name == "group");
  CHECK(table.columns().back().name == "min_latency_change");
  const std::vector<report::Cell>& fused_cells = table.row(0);
  CHECK(fused_cells[4] == report::Cell(std::int64_t{1}));
  CHECK(fused_cells[6] == report::Cell(group_count));
  CHECK(fused_cells[7] == report::Cell(400.0));
  CHECK(fused_cells[8] == report::Cell(45.0));
  CHECK(fused_cells[9] == report::Cell(450.0));
  CHECK(fused_cells[10] == report::Cell(30.0));
  CHECK(fused_cells[11] == report::Cell(500.0));
  CHECK(fused_cells[12] == report::Cell(50.0));
  CHECK(std::get<double>(fused_cells[13]) == Approx(-0.2));
  const std::vector<report::Cell>& infeasible_cells = table.row(1);
  CHECK(infeasible_cells[4] == report::Cell(std::int64_t{0}));
  CHECK(infeasible_cells[5] == report::Cell(std::string("no shared tiling fits the intermediates on chip")));
  for (std::size_t column = 7; column <= 10; ++column) CHECK(IsEmpty(infeasible_cells[column]));
  CHECK(infeasible_cells[11] == report::Cell(1500.0));
  CHECK(IsEmpty(infeasible_cells[13]));
  // The CSV: empty cells, not zeros.
  CHECK(report::WriteCsv(table).find(",attention,0,no shared tiling fits the intermediates on chip," +
                                     util::FormatNumber(group_count) + ",,,,,1500,150,\n") != std::string::npos);

  SECTION("JSON and back (a point file's `groups` into groups.csv): the same cells") {
    const nlohmann::ordered_json json = report::ToJson(table);
    CHECK(json[1].at("fused_knee_latency_cycles").is_null());
    CHECK(json[0].at("feasible") == 1);
    report::Table read(report::kGroups.Own());
    for (const nlohmann::ordered_json& row : json) report::AddJsonCells(read.Row(), row, report::kGroups.Own());
    for (std::size_t row = 0; row < table.rows(); ++row) CHECK(read.row(row) == table.row(row));
    // A missing key is an empty cell; text where a number belongs is an error.
    report::Table partial(report::kGroups.Own());
    nlohmann::ordered_json row = json[0];
    row.erase("min_latency_change");
    report::AddJsonCells(partial.Row(), row, report::kGroups.Own());
    CHECK(IsEmpty(partial.row(0).back()));
    row["count"] = "many";
    report::Table wrong(report::kGroups.Own());
    CHECK_THROWS_AS(report::AddJsonCells(wrong.Row(), row, report::kGroups.Own()), nlohmann::json::exception);
  }
}

TEST_CASE("Candidate groups of a decode generation: rows equal but for the part are merged", "[report][fusion]") {
  const workload::Workload workload = TinyEncoder();
  const double group_count = static_cast<double>(workload.op(*workload.FindOp("qk_matmul")).count);
  const std::vector<pareto::Objectives> fused = {{.latency_cycles = 400, .energy_pj = 45}};
  const std::vector<pareto::Objectives> other = {{.latency_cycles = 600, .energy_pj = 45}};
  planner::ModelSearchResult result;
  result.parts = {{workload, 2.0, "a"}, {workload, 3.0, "b"}, {workload, 5.0, "c"}};
  result.part_results = {HandPart(workload, fused), HandPart(workload, fused), HandPart(workload, other)};

  // Q×K^T + softmax: equal in a and b (one row, counts 2c + 3c), another front in c; the attention
  // group is not feasible, alike in all three (one row, 10c).
  const std::vector<report::CandidateGroupRow> rows = report::CandidateGroups(result);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].group == "qk_matmul+softmax");
  CHECK(rows[0].part == "2 kv_len buckets");
  CHECK(rows[0].count == 5 * group_count);
  CHECK(rows[0].fused_min_latency->latency_cycles == 400);
  CHECK(rows[1].group == "attention(qk_matmul+softmax+av_matmul)");
  CHECK(rows[1].part == "all steps");
  CHECK(rows[1].count == 10 * group_count);
  CHECK(rows[2].group == "qk_matmul+softmax");
  CHECK(rows[2].part == "c");
  CHECK(rows[2].count == 5 * group_count);
  CHECK(*rows[2].MinLatencyChange() == Approx(600.0 / 500.0 - 1.0));
}

TEST_CASE("Candidate groups of a real search: each row is its group's front's extremes", "[report][fusion][model]") {
  const workload::Workload workload = TinyEncoder();
  planner::ModelSearchOptions options;
  options.op_budget.max_evaluations = 2000;
  options.threads = 1;
  options.screened_tilings = 4;
  options.refined_tilings = 1;
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  const auto searcher = search::BuiltinSearchers().Create("genetic");
  const planner::ModelSearchResult result = planner::SearchModel(
      {{workload, 1.0, ""}}, arch::LoadArchitecture("gemmini-ibert"), *cost_model, *searcher, options);
  const planner::PartResult& part = result.part_results.at(0);
  const std::vector<report::CandidateGroupRow> rows = report::CandidateGroups(result);
  REQUIRE(rows.size() == part.group_results.size());
  REQUIRE(static_cast<std::int64_t>(rows.size()) == result.statistics.candidate_groups);
  std::int64_t feasible = 0;
  for (std::size_t index = 0; index < rows.size(); ++index) {
    const planner::GroupResult& group = part.group_results[index];
    const report::CandidateGroupRow& row = rows[index];
    INFO(group.label);
    CHECK(row.group == group.label);
    CHECK(row.count == static_cast<double>(group.group.count));
    CHECK(row.feasible() == !group.front.empty());
    CHECK(row.not_feasible == group.not_feasible);
    pareto::Objectives alone;
    for (const workload::OpId member : group.group.members) {
      alone.latency_cycles += part.op_fronts[member].MinLatency()->objectives.latency_cycles;
      alone.energy_pj += part.op_fronts[member].MinLatency()->objectives.energy_pj;
    }
    CHECK(row.unfused_min_latency.latency_cycles == Approx(alone.latency_cycles));
    CHECK(row.unfused_min_latency.energy_pj == Approx(alone.energy_pj));
    if (group.front.empty()) continue;
    ++feasible;
    CHECK(row.fused_min_latency == group.front.MinLatency()->objectives);
    CHECK(row.fused_knee == group.front.Knee()->objectives);
    for (const auto& point : group.front.points()) {
      CHECK(point.objectives.latency_cycles >= row.fused_min_latency->latency_cycles);
      CHECK(point.objectives.EdpPjCycles() >= row.fused_knee->EdpPjCycles());
    }
  }
  CHECK(feasible == result.statistics.feasible_groups);
  CHECK(feasible > 0);
}
