// The pybind11 bindings of the Python module `loopfront` (docs/python.md): what the binding files
// share. The module is a thin surface over the library the CLI uses: it loads, evaluates and
// searches with the same functions, and returns what the report layer writes for `--format json`,
// converted to plain Python dicts and lists (ToPython), so that names and units are the CLI's.
//
// Files, one per part of the API, each defining one Bind* function that module.cpp calls:
//   module.cpp    the module, its errors (ConfigError, InternalError), presets(), __version__,
//                 RunReleased's signal polling
//   convert.cpp   JSON → Python objects
//   load.cpp      Architecture, Workload, Op, from_timeloop, analyze
//   evaluate.cpp  evaluate
//   mapspace.cpp  Mapspace (genes), evaluate_many, searcher (ask/tell)
//   search.cpp    search, search_model (over search/op_search.h, experiment/model_search.h)
//   run.cpp       run (experiments, over experiment/loaded_run.h and runner.h)
// The pure-Python side (python/loopfront/*.py) adds the result classes with .to_pandas(),
// read_results, and re-exports everything as `loopfront.*`.
//
// Threads and signals: every call that can take long runs through RunReleased, which releases the
// GIL (other Python threads run meanwhile) and turns Ctrl-C into a cooperative stop of the search.
#pragma once

#include <pybind11/pybind11.h>

#include <chrono>
#include <exception>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"

namespace loopfront::python {

namespace py = pybind11;

// A JSON value as Python objects: objects → dict (key order kept), arrays → list, numbers → int or
// float, null → None.
py::object ToPython(const nlohmann::ordered_json& value);

// Parameters given as a dict ({"population": 32, "repair": True}) as the CLI's NAME=VALUE strings
// (`--param`, `--cost-param`): bools as true/false, numbers and strings as str() writes them. None
// gives none.
std::vector<std::string> ParamStrings(const py::object& params);

// Objectives as the CLI's --objectives text: a str as it is ("latency,energy"), a tuple or list of
// names joined by commas (("latency", "energy")). Anything else is a TypeError.
std::string ObjectivesText(const py::object& objectives);

// The checks of the options several functions share, with the domains of the CLI's flags
// (util/ranges.h, src/cli/numeric_options.h) and the same wording, into `diagnostics` at the
// keyword: `budget_evals: expected an integer in [0, 1099511627776], got -1`. NaN is never inside.
void CheckInRange(const char* keyword, std::int64_t value, const util::IntRange& range,
                  util::Diagnostics& diagnostics);
void CheckInRange(const char* keyword, double value, const util::RealRange& range, util::Diagnostics& diagnostics);
// max_padding_waste in [0, search::kMaxPaddingWasteLimit], as `--max-padding-waste`.
void CheckMaxPaddingWaste(double value, util::Diagnostics& diagnostics);
// `threads` as the functions take it: 0 = util::DefaultThreadCount(), else util::kThreadsRange;
// anything else is a ConfigError.
int ThreadCount(int threads);
// The domain of a `threads` keyword: 0 (every CPU this process may use) or util::kThreadsRange.
inline constexpr util::IntRange kThreadsKeywordRange{0, util::kThreadsRange.max};

// Waits until `finished` is ready with the GIL released (the caller holds it), taking the GIL every
// 50 ms to run Python's signal handlers. When one raises (Ctrl-C → KeyboardInterrupt), it asks the
// running search to stop at its next step (util::RequestStop) and keeps waiting; it returns that
// Python error, or nullopt. Defined in module.cpp.
std::optional<py::error_already_set> WaitPollingSignals(const std::shared_future<void>& finished);
// Clears the stop request WaitPollingSignals made, once the work has stopped.
void ClearStopRequest();

// Runs `work()` on a worker thread with the GIL released and returns its result. Exceptions of
// `work` are rethrown here, with the GIL held again, so the module's translators turn them into
// Python errors; after a Ctrl-C the Python error (KeyboardInterrupt) is raised instead of the
// result. `work` must not touch Python objects.
template <typename Work>
auto RunReleased(Work&& work) -> std::invoke_result_t<Work&> {
  using Result = std::invoke_result_t<Work&>;
  using Stored = std::conditional_t<std::is_void_v<Result>, bool, Result>;
  std::optional<Stored> result;
  std::exception_ptr error;
  std::promise<void> promise;
  const std::shared_future<void> finished = promise.get_future().share();
  std::thread worker([&] {
    try {
      if constexpr (std::is_void_v<Result>) {
        work();
        result.emplace(true);
      } else {
        result.emplace(work());
      }
    } catch (...) {
      error = std::current_exception();
    }
    promise.set_value();
  });
  std::optional<py::error_already_set> interrupt = WaitPollingSignals(finished);
  worker.join();
  if (interrupt) {
    ClearStopRequest();
    throw std::move(*interrupt);
  }
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<Result>) return std::move(*result);
}

// Declared here, defined per file (see above).
void BindLoad(py::module_& module);
void BindMapspace(py::module_& module);
void BindEvaluate(py::module_& module);
void BindSearch(py::module_& module);
void BindRun(py::module_& module);

}  // namespace loopfront::python
