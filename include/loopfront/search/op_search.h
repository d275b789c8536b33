// One op's search from the options a user gives it — `loopfront search` and the Python API's
// `search()` (docs/python.md) both run it, so that the same options give the same front: which
// objectives, which searcher with which parameters, the budget rule, the mapspace options, and the
// error when no valid mapping was found.
//
// Use: PlanOpSearch (checks the options, before any work), Mapspace::Build with plan.mapspace, then
// RunOpSearch. Thread-safety: an OpSearchPlan is immutable after PlanOpSearch; RunOpSearch is const
// on it and may run on any thread (it obeys util::StopRequested like every search).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"

namespace loopfront::search {

// The budget both searches apply (one op, or each op of a model): `evaluations` when given; when
// not, `default_evaluations` — unless a time or stall limit was given, for a user who asks for 10
// seconds, or for a stall limit, gets that.
Budget BudgetFrom(std::optional<std::int64_t> evaluations, double seconds, std::int64_t stall_steps,
                  std::int64_t default_evaluations);

// The options of one op's search, as given (the CLI's option names, snake_case in Python).
struct OpSearchSettings {
  std::string objectives = "latency,energy";
  std::string objectives_option = "--objectives";  // how an error names the option
  std::string searcher = "genetic";
  std::vector<std::string> params{};  // NAME=VALUE
  std::optional<std::int64_t> budget_evaluations{};
  double budget_seconds = 0.0;
  std::int64_t budget_stall = 0;
  std::uint64_t seed = 1;
  int threads = 0;  // 0 = util::DefaultThreadCount()
  double max_padding_waste = MapspaceOptions{}.max_padding_waste;
};

// The settings, checked and resolved.
struct OpSearchPlan {
  std::unique_ptr<Searcher> searcher;
  SearchOptions options{};  // objective, budget, seed, threads (never 0)
  MapspaceOptions mapspace{};
};

// Checks the objectives and creates the searcher (unknown names and parameters come with "did you
// mean"), adding every problem to `diagnostics`. Returns nullopt when there was any.
std::optional<OpSearchPlan> PlanOpSearch(const OpSearchSettings& settings, util::Diagnostics& diagnostics);

// Runs the plan's search on `mapspace`. Throws util::ConfigError when it found no valid mapping,
// naming the op (`op_label`), the architecture and why the evaluations were invalid.
SearchResult RunOpSearch(const OpSearchPlan& plan, const Mapspace& mapspace, const cost::CostModel& cost_model,
                         std::string_view op_label, std::string_view architecture_name);

}  // namespace loopfront::search
