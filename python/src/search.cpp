// Searching (bindings.h): `search` (one op, as `loopfront search`) and `search_model` (a whole model,
// as `loopfront search --model`). Both go through the library functions the CLI calls
// (search/op_search.h, experiment/model_search.h) and return what the report layer writes: the CSV
// table's columns and rows, its CSV text, and the statistics as `--format json` has them. The result
// classes around them (SearchResult, ModelResult) are python/loopfront/results.py's.
#include "loopfront/report/search.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/experiment/model_search.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/report/model_search.h"
#include "loopfront/report/table.h"
#include "loopfront/search/op_search.h"
#include "loopfront/util/error.h"
#include "python/src/bindings.h"
#include "python/src/objects.h"

namespace loopfront::python {
namespace {

// The numeric options both searches share, checked as the CLI's option checks do.
struct NumericOptions {
  std::optional<std::int64_t> budget_evals;
  std::optional<double> budget_seconds;
  std::optional<std::int64_t> budget_stall;
  int threads = 0;
  double max_padding_waste = 0.1;
};

void CheckNumericOptions(const NumericOptions& options, util::Diagnostics& diagnostics) {
  // The domains of `loopfront search`'s flags (src/cli/search.cpp).
  if (options.budget_evals) CheckInRange("budget_evals", *options.budget_evals, util::kNonNegativeCountRange, diagnostics);
  if (options.budget_seconds) CheckInRange("budget_seconds", *options.budget_seconds, util::kSecondsRange, diagnostics);
  if (options.budget_stall) CheckInRange("budget_stall", *options.budget_stall, util::kNonNegativeCountRange, diagnostics);
  CheckInRange("threads", std::int64_t{options.threads}, kThreadsKeywordRange, diagnostics);
  CheckMaxPaddingWaste(options.max_padding_waste, diagnostics);
}

// A report table as the Python side builds its Table from: {"columns": [...], "rows": [{...}, ...]}.
py::dict TableToPython(const report::Table& table) {
  py::list columns;
  for (const report::Column& column : table.columns()) columns.append(column.name);
  py::dict result;
  result["columns"] = columns;
  result["rows"] = ToPython(report::ToJson(table));
  return result;
}

py::dict Search(const arch::Architecture& architecture, const Op& op, const std::string& searcher_name,
                const py::object& objectives, std::optional<std::int64_t> budget_evals,
                std::optional<double> budget_seconds, std::optional<std::int64_t> budget_stall, std::uint64_t seed,
                int threads, const py::object& params, const std::string& cost_model_name,
                const py::object& cost_params, const py::object& constraints, double max_padding_waste) {
  const search::OpSearchSettings settings{.objectives = ObjectivesText(objectives),
                                          .objectives_option = "objectives",
                                          .searcher = searcher_name,
                                          .params = ParamStrings(params),
                                          .budget_evaluations = budget_evals,
                                          .budget_seconds = budget_seconds.value_or(0.0),
                                          .budget_stall = budget_stall.value_or(0),
                                          .seed = seed,
                                          .threads = threads,
                                          .max_padding_waste = max_padding_waste};
  const std::vector<std::string> cost_param_strings = ParamStrings(cost_params);
  util::Diagnostics diagnostics;
  CheckNumericOptions({budget_evals, budget_seconds, budget_stall, threads, max_padding_waste}, diagnostics);
  std::optional<search::OpSearchPlan> plan = search::PlanOpSearch(settings, diagnostics);
  std::unique_ptr<cost::CostModel> cost_model;
  try {
    cost_model = cost::BuiltinCostModels().Create(cost_model_name, cost_param_strings);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
  }
  diagnostics.ThrowIfAny();
  const mapping::Problem problem = mapping::Problem::Build(op.op, architecture);
  const mapping::Constraints resolved = ResolveConstraintsArgument(constraints, problem);
  const search::SearchResult result = RunReleased([&] {
    const search::Mapspace mapspace = search::Mapspace::Build(problem, resolved, plan->mapspace);
    return search::RunOpSearch(*plan, mapspace, *cost_model, op.label, architecture.name);
  });

  const report::SearchHeader header{.op_label = op.label,
                                    .architecture = architecture.name,
                                    .cost_model = cost_model_name,
                                    .searcher = searcher_name,
                                    .seed = seed,
                                    .objective = plan->options.objective};
  const report::Table table = report::SearchCsvTable(header, report::SearchFrontTable(result.front, problem));
  py::dict output = TableToPython(table);
  output["csv"] = report::WriteCsv(table);
  output["statistics"] = ToPython(report::ToJson(result.statistics));
  return output;
}

py::dict SearchModel(const Workload& workload, const arch::Architecture& architecture, const std::string& fusion,
                     const std::string& searcher_name, std::optional<std::int64_t> budget_evals,
                     std::optional<double> budget_seconds, std::optional<std::int64_t> budget_stall, std::uint64_t seed,
                     int threads, const py::object& params, const std::string& cost_model_name,
                     const py::object& cost_params, int tilings, double max_padding_waste) {
  const std::vector<std::string> param_strings = ParamStrings(params);
  const std::vector<std::string> cost_param_strings = ParamStrings(cost_params);
  util::Diagnostics diagnostics;
  if (fusion != "auto" && fusion != "none") {
    diagnostics.Add({.path = "fusion", .message = fmt::format("expected 'auto' or 'none', got '{}'", fusion)});
  }
  // As `--tilings` (CLI::Range(1, 10000)).
  if (tilings < 1 || tilings > 10000) {
    diagnostics.Add({.path = "tilings", .message = fmt::format("expected 1 to 10000, got {}", tilings)});
  }
  CheckNumericOptions({budget_evals, budget_seconds, budget_stall, threads, max_padding_waste}, diagnostics);
  std::unique_ptr<cost::CostModel> cost_model;
  std::unique_ptr<search::Searcher> searcher;
  try {
    cost_model = cost::BuiltinCostModels().Create(cost_model_name, cost_param_strings);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
  }
  try {
    searcher = search::BuiltinSearchers().Create(searcher_name, param_strings);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
  }
  diagnostics.ThrowIfAny();

  const experiment::ModelSearchSettings settings{.cost_model = cost_model_name,
                                                 .searcher = searcher_name,
                                                 .budget_evaluations = budget_evals,
                                                 .budget_seconds = budget_seconds.value_or(0.0),
                                                 .budget_stall = budget_stall.value_or(0),
                                                 .seed = seed,
                                                 .threads = threads,
                                                 .max_padding_waste = max_padding_waste,
                                                 .fusion = fusion == "auto",
                                                 .tilings = tilings};
  const experiment::ModelSearchOutcome outcome = RunReleased([&] {
    return experiment::SearchResolvedModel(workload.resolved, architecture, *cost_model, *searcher, settings);
  });

  const report::Table table = report::ModelCsvTable(outcome.header, outcome.result);
  py::dict output = TableToPython(table);
  output["csv"] = report::WriteCsv(table);
  // Everything `search --model --format json` holds (knee_breakdown, groups, statistics, ...).
  output["json"] = ToPython(nlohmann::ordered_json::parse(
      report::ReportModelSearch(report::Format::kJson, outcome.header, outcome.result, outcome.knee_breakdown).out));
  return output;
}

}  // namespace

void BindSearch(py::module_& module) {
  module.def("_search", &Search, py::arg("arch"), py::arg("op"), py::arg("searcher") = "genetic",
             py::arg("objectives") = py::make_tuple("latency", "energy"), py::arg("budget_evals") = py::none(),
             py::arg("budget_seconds") = py::none(), py::arg("budget_stall") = py::none(), py::arg("seed") = 1,
             py::arg("threads") = 0, py::arg("params") = py::none(), py::arg("cost_model") = "dataflow",
             py::arg("cost_params") = py::none(), py::arg("constraints") = py::none(),
             py::arg("max_padding_waste") = 0.1,
             "The C++ side of loopfront.search (results.py wraps it into a SearchResult): "
             "{'columns', 'rows', 'csv', 'statistics'}");
  module.def("_search_model", &SearchModel, py::arg("workload"), py::arg("arch"), py::arg("fusion") = "auto",
             py::arg("searcher") = "genetic", py::arg("budget_evals") = py::none(),
             py::arg("budget_seconds") = py::none(), py::arg("budget_stall") = py::none(), py::arg("seed") = 1,
             py::arg("threads") = 0, py::arg("params") = py::none(), py::arg("cost_model") = "dataflow",
             py::arg("cost_params") = py::none(), py::arg("tilings") = 24, py::arg("max_padding_waste") = 0.1,
             "The C++ side of loopfront.search_model (results.py wraps it into a ModelResult): "
             "{'columns', 'rows', 'csv', 'json'}");
}

}  // namespace loopfront::python
