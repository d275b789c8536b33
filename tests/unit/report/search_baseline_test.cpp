// `search --baseline NAME`: the knee's speedup and EDP gain over a baseline's knee, in the table and
// the JSON output; the CSV output does not change.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/report/search.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/workload/op_spec.h"

using namespace loopfront;

TEST_CASE("A search reported against a baseline: speedup and EDP gain of the knee", "[report][baseline]") {
  const auto problem =
      mapping::Problem::Build(workload::ParseOpSpec("matmul m=128 n=256 k=256"), arch::LoadArchitecture("gemmini"));
  const search::Mapspace space = search::Mapspace::Build(problem);
  const cost::DataflowModel model;
  search::SearchOptions options;
  options.budget.max_evaluations = 5'000;
  options.threads = 1;
  const auto result = search::BuiltinSearchers().Create("random")->Search(space, model, options);
  const auto baseline_result = search::BuiltinSearchers().Create("gemmini_default")->Search(space, model, options);
  REQUIRE_FALSE(result.front.empty());
  REQUIRE(baseline_result.front.size() == 1);
  const auto& baseline_point = baseline_result.front.points()[0];
  const report::SearchBaseline baseline{.searcher = "gemmini_default",
                                        .mapping = mapping::ToString(baseline_point.payload, problem),
                                        .objectives = baseline_point.objectives};
  const report::SearchHeader header{.op_label = "matmul m=128 n=256 k=256",
                                    .architecture = "gemmini",
                                    .cost_model = "dataflow",
                                    .searcher = "random",
                                    .seed = 1,
                                    .objective = search::Objective::kLatencyEnergy};
  const pareto::Objectives& knee = result.front.Knee()->objectives;
  const double speedup = baseline.objectives.latency_cycles / knee.latency_cycles;
  const double edp_gain = baseline.objectives.EdpPjCycles() / knee.EdpPjCycles();

  const auto json_output = report::ReportSearch(report::Format::kJson, header, problem, result, {}, baseline);
  const auto json = nlohmann::json::parse(json_output.out);
  CHECK(json["baseline"]["searcher"] == "gemmini_default");
  CHECK(json["baseline"]["mapping"] == baseline.mapping);
  CHECK(json["baseline"]["latency_cycles"].get<double>() == baseline.objectives.latency_cycles);
  CHECK(json["baseline"]["knee_speedup"].get<double>() == Approx(speedup).epsilon(1e-12));
  CHECK(json["baseline"]["knee_edp_gain"].get<double>() == Approx(edp_gain).epsilon(1e-12));

  const auto text = report::ReportSearch(report::Format::kTable, header, problem, result, {}, baseline).out;
  CHECK_THAT(text, Catch::Contains("baseline gemmini_default: latency") && Catch::Contains(baseline.mapping) &&
                       Catch::Contains(fmt::format(
                           "knee speedup {:.3g}x, EDP gain {:.3g}x (above 1: the knee is better)", speedup, edp_gain)));

  // Without a baseline, no such key or line; the CSV is the same either way.
  CHECK_FALSE(nlohmann::json::parse(report::ReportSearch(report::Format::kJson, header, problem, result, {}).out)
                  .contains("baseline"));
  CHECK(report::ReportSearch(report::Format::kCsv, header, problem, result, {}, baseline).out ==
        report::ReportSearch(report::Format::kCsv, header, problem, result, {}).out);
}
