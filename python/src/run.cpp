// Experiments (bindings.h): `run`, as `loopfront run` runs one — the same loading
// (experiment/loaded_run.h), the same runner (experiment/runner.h), the same outputs — and returns
// the output directory; python/loopfront/results.py's read_results reads it back.
#include <fmt/format.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "loopfront/experiment/loaded_run.h"
#include "loopfront/experiment/plot.h"
#include "loopfront/experiment/runner.h"
#include "loopfront/util/error.h"
#include "python/src/bindings.h"

namespace loopfront::python {
namespace {

// The manifest's command line: the call as Python made it.
std::string CallText(const std::filesystem::path& path, const py::kwargs& given) {
  std::string text = "loopfront.run(" + std::string(py::repr(py::str(path.string())));
  for (const auto& [key, value] : given) {
    text += fmt::format(", {}={}", std::string(py::str(key)), std::string(py::repr(value)));
  }
  return text + ")";
}

std::string Run(const std::filesystem::path& experiment_path, const std::optional<std::filesystem::path>& output,
                std::optional<std::int64_t> budget_evals, std::optional<double> budget_seconds,
                std::optional<std::uint64_t> seed, std::optional<int> threads, bool force,
                const std::optional<std::tuple<std::int64_t, std::int64_t>>& shard, bool plot, bool quiet) {
  util::Diagnostics diagnostics;
  // The domains of `loopfront run`'s flags (src/cli/run.cpp).
  if (budget_evals) CheckInRange("budget_evals", *budget_evals, util::kCountRange, diagnostics);
  if (budget_seconds) CheckInRange("budget_seconds", *budget_seconds, util::kPositiveSecondsRange, diagnostics);
  if (threads) CheckInRange("threads", std::int64_t{*threads}, util::kThreadsRange, diagnostics);
  diagnostics.ThrowIfAny();

  py::kwargs given;
  if (output) given["output"] = output->string();
  if (budget_evals) given["budget_evals"] = *budget_evals;
  if (budget_seconds) given["budget_seconds"] = *budget_seconds;
  if (seed) given["seed"] = *seed;
  if (threads) given["threads"] = *threads;
  if (force) given["force"] = true;
  if (shard) given["shard"] = *shard;
  const std::string command_line = CallText(experiment_path, given);

  const experiment::RunRequest request{
      .path = experiment_path.string(),
      .overrides = {.budget_evaluations = budget_evals, .budget_seconds = budget_seconds, .seed = seed},
      .shard = shard ? fmt::format("{}/{}", std::get<0>(*shard), std::get<1>(*shard)) : std::string(),
      .shard_option = "shard",
      .output = output.value_or(std::filesystem::path())};
  const std::unique_ptr<const experiment::LoadedRun> loaded = experiment::LoadRun(request);

  experiment::RunOptions options;
  options.output = loaded->output;
  options.threads = threads.value_or(loaded->spec.threads);
  options.shard = loaded->shard;
  options.force = force;
  options.progress = !quiet && ::isatty(STDERR_FILENO) != 0;
  options.command_line = command_line;
  const experiment::RunReport report =
      RunReleased([&] { return experiment::RunExperiment(loaded->spec, loaded->points, options); });

  if (!report.failures.empty()) {
    std::vector<util::Diagnostic> failures;
    for (const std::string& failure : report.failures) {
      failures.push_back({.path = loaded->spec.name, .message = failure});
    }
    throw util::ConfigError(std::move(failures));
  }
  if (plot) {
    RunReleased([&] { experiment::PlotFolder(loaded->output, experiment::ParseFigureFormats("png,svg,pdf")); });
  }
  return loaded->output.string();
}

}  // namespace

void BindRun(py::module_& module) {
  module.def(
      "run", &Run, py::arg("experiment_path"), py::arg("output") = py::none(), py::arg("budget_evals") = py::none(),
      py::arg("budget_seconds") = py::none(), py::arg("seed") = py::none(), py::arg("threads") = py::none(),
      py::arg("force") = false, py::arg("shard") = py::none(), py::arg("plot") = false, py::arg("quiet") = true,
      R"doc(Runs an experiment YAML file (a str or path) as `loopfront run` does and returns its output directory.

output: the directory (default: the file's `output`); budget_evals, budget_seconds, seed: replace
the file's search budget and seed (they enter the points' ids, as the CLI's overrides do);
threads: replace the file's `threads`; force: rerun points already done; shard=(i, n): run the
points whose index is i mod n (default: from SLURM_ARRAY_TASK_ID/COUNT, else all); plot: also
draw the figures (PNG, SVG, PDF) into output/figures/ with gnuplot, as `loopfront run` does;
quiet=False: the progress line on a terminal. Points already done are skipped (resume). Raises ConfigError on bad input or when a
point could not be searched (the others are written), KeyboardInterrupt after Ctrl-C (finished
points are written). read_results(directory) reads the CSVs back.

    out = loopfront.run("experiments/gemmini_memory.yaml", output="/tmp/mem", budget_evals=2000)
)doc");
}

}  // namespace loopfront::python
