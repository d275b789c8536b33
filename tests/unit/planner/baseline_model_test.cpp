// planner::EvaluateBaselineModel: a model's matmuls under a baseline schedule (gemmini_default), its
// vector ops as the no-fusion knee maps them.
#include "loopfront/planner/baseline_model.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/transformer.h"
#include "mappers/gemmini_default/gemmini_default_searcher.h"

using namespace loopfront;

namespace {

// Every op kind of BERT, two layers, searched in well under a second.
workload::Workload TinyEncoder() {
  return workload::BuildTransformer(workload::TransformerSpec{
      .name = "tiny", .d_model = 64, .heads = 2, .d_head = 32, .d_ff = 128, .layers = 2, .seq_len = 32});
}

planner::ModelSearchOptions SmallBudget(int threads) {
  planner::ModelSearchOptions options;
  options.op_budget.max_evaluations = 2000;
  options.threads = threads;
  options.screened_tilings = 4;
  options.refined_tilings = 1;
  return options;
}

std::map<std::string, planner::BreakdownRow> RowsByUnit(const std::vector<planner::BreakdownRow>& rows) {
  std::map<std::string, planner::BreakdownRow> by_unit;
  for (const planner::BreakdownRow& row : rows) by_unit.emplace(row.unit, row);
  return by_unit;
}

}  // namespace

TEST_CASE("A model under gemmini_default: matmul rows are the schedule's cost, vector rows the no-fusion knee's",
          "[planner][baseline]") {
  const arch::Architecture gemmini = arch::LoadArchitecture("gemmini");
  const workload::Workload workload = TinyEncoder();
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  const auto genetic = search::BuiltinSearchers().Create("genetic");
  const planner::ModelSearchOptions options = SmallBudget(1);
  const planner::ModelSearchResult searched =
      planner::SearchModel({{workload, 1.0, ""}}, gemmini, *cost_model, *genetic, options);
  const bool fusion_optimized = GENERATE(false, true);
  const auto baseline = search::BuiltinSearchers().Create(
      "gemmini_default", {fusion_optimized ? "fusion_optimized=true" : "fusion_optimized=false"});
  const planner::BaselineModel model =
      planner::EvaluateBaselineModel(searched, gemmini, *cost_model, *baseline, options);

  const auto knee_rows = RowsByUnit(searched.Breakdown(searched.unfused.Knee()->payload, *cost_model));
  const auto baseline_rows = RowsByUnit(model.rows);
  REQUIRE(baseline_rows.size() == workload.NumOps());
  double latency = 0.0;
  double energy = 0.0;
  int matmuls = 0;
  for (const workload::Op& op : workload.ops()) {
    INFO(op.name);
    REQUIRE(baseline_rows.count(op.name) == 1);
    const planner::BreakdownRow& row = baseline_rows.at(op.name);
    CHECK(row.count == Approx(static_cast<double>(op.count)));
    if (op.IsContraction()) {
      // The schedule's one mapping, evaluated directly, times the op's count.
      ++matmuls;
      const mapping::Problem problem = mapping::Problem::Build(op, gemmini);
      const mapping::Mapping mapping = search::GemminiScheduleMapping(problem, fusion_optimized);
      const cost::Cost cost = cost_model->Evaluate(problem, mapping);
      REQUIRE(cost.feasible);
      CHECK(row.detail == mapping::ToString(mapping, problem));
      CHECK(row.latency_cycles ==
            Approx(static_cast<double>(cost.cycles) * static_cast<double>(op.count)).epsilon(1e-12));
      CHECK(row.energy_pj == Approx(cost.energy_pj * static_cast<double>(op.count)).epsilon(1e-12));
    } else {
      // The very point the no-fusion knee takes (its search results, shared).
      const planner::BreakdownRow& knee = knee_rows.at(op.name);
      CHECK(row.detail == knee.detail);
      CHECK(row.latency_cycles == knee.latency_cycles);
      CHECK(row.energy_pj == knee.energy_pj);
    }
    latency += row.latency_cycles;
    energy += row.energy_pj;
  }
  CHECK(matmuls == 8);  // one block (count = layers): q, k, v projections, Q×K^T, ×V, out, FFN W1, W2
  CHECK(model.objectives.latency_cycles == Approx(latency).epsilon(1e-12));
  CHECK(model.objectives.energy_pj == Approx(energy).epsilon(1e-12));
  // The baseline searches join the records (the model search's own are kept as they were).
  CHECK(searched.records.size() < model.result.records.size());
}

TEST_CASE("The baseline model is the same for 1 and 2 threads", "[planner][baseline]") {
  const arch::Architecture gemmini = arch::LoadArchitecture("gemmini");
  const workload::Workload workload = TinyEncoder();
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  const auto genetic = search::BuiltinSearchers().Create("genetic");
  const auto baseline = search::BuiltinSearchers().Create("gemmini_default");
  std::vector<std::vector<planner::BreakdownRow>> rows;
  for (const int threads : {1, 2}) {
    const planner::ModelSearchOptions options = SmallBudget(threads);
    const planner::ModelSearchResult searched =
        planner::SearchModel({{workload, 1.0, ""}}, gemmini, *cost_model, *genetic, options);
    rows.push_back(planner::EvaluateBaselineModel(searched, gemmini, *cost_model, *baseline, options).rows);
  }
  REQUIRE(rows[0].size() == rows[1].size());
  for (std::size_t index = 0; index < rows[0].size(); ++index) {
    CHECK(rows[0][index].unit == rows[1][index].unit);
    CHECK(rows[0][index].detail == rows[1][index].detail);
    CHECK(rows[0][index].latency_cycles == rows[1][index].latency_cycles);
    CHECK(rows[0][index].energy_pj == rows[1][index].energy_pj);
  }
}

TEST_CASE("A baseline that cannot map a matmul names the op and the reason", "[planner][baseline]") {
  // eyeriss-like is not Gemmini-like: gemmini_default refuses every matmul on it.
  const arch::Architecture eyeriss = arch::LoadArchitecture("eyeriss-like");
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  const auto genetic = search::BuiltinSearchers().Create("genetic");
  const auto baseline = search::BuiltinSearchers().Create("gemmini_default");
  const planner::ModelSearchOptions options = SmallBudget(1);
  const planner::ModelSearchResult searched =
      planner::SearchModel({{TinyEncoder(), 1.0, ""}}, eyeriss, *cost_model, *genetic, options);
  try {
    planner::EvaluateBaselineModel(searched, eyeriss, *cost_model, *baseline, options);
    FAIL("expected a ConfigError");
  } catch (const util::ConfigError& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Catch::Contains("gemmini_default cannot map op q_proj on"));
    CHECK_THAT(message, Catch::Contains("Gemmini-like"));
  }
}
