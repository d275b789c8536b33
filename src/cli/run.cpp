// `loopfront run EXP.yaml [--dry-run] [--output DIR] [--budget-evals N] [--budget-seconds S]
// [--seed S] [--threads N] [--force] [--shard I/N] [--quiet] [--verbose] [--no-plot] [--max-points N]`: runs an
// experiment (experiment/experiment.h, experiment/runner.h; docs/experiments.md). The overrides
// replace the file's values for a quick or scaled run without editing it; they enter the points'
// resolved configurations, hence their ids (except --output and --threads). At the end it runs
// `loopfront plot` on the output unless --no-plot. Exit code 0 when
// every point of the shard is done, 2 on bad input or when a point could not be searched, 128 +
// the signal number after SIGINT/SIGTERM (finished points are written and the tables rebuilt).
// In the MPI build (-DLOOPFRONT_MPI=ON) `mpirun -n K loopfront run ...` runs the points on the
// other ranks and writes everything on rank 0 (RunOnRanks below; experiment/mpi_runner.h).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/loaded_run.h"
#include "loopfront/experiment/runner.h"
#include "loopfront/experiment/shard.h"
#include "loopfront/report/run_plan.h"
#include "loopfront/report/schemas.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "src/cli/commands.h"
#include "src/cli/numeric_options.h"

#ifdef LOOPFRONT_MPI
#include "loopfront/experiment/mpi_runner.h"
#include "loopfront/util/threads.h"
#endif

namespace loopfront::cli {

// This process's command line, from /proc/self/cmdline (for the manifest).
std::string ProcessCommandLine() {
  std::ifstream stream("/proc/self/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

namespace {

struct RunArgs {
  std::string path;
  bool dry_run = false;
  std::string output;
  std::optional<std::int64_t> budget_evaluations;
  std::optional<double> budget_seconds;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  bool force = false;
  std::string shard;
  bool quiet = false;
  bool verbose = false;
  bool no_plot = false;
  std::int64_t max_points = util::kDefaultMaxPoints;
};

// The point's workload settings (blocks_only, swept transformer.* keys), then its swept architecture keys.
std::vector<std::pair<std::string, std::string>> SweptValues(const experiment::Point& point) {
  std::vector<std::pair<std::string, std::string>> values;
  if (point.workload.blocks_only) values.emplace_back("blocks_only", "true");
  for (const workload::KeySetting& setting : point.workload.sweep) values.emplace_back(setting.key, setting.value);
  values.insert(values.end(), point.architecture->sweep.begin(), point.architecture->sweep.end());
  return values;
}

std::string OptionalText(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string("-");
}

// The experiment as this command runs it (experiment/loaded_run.h).
std::unique_ptr<const experiment::LoadedRun> LoadRun(const RunArgs& args) {
  return experiment::LoadRun({.path = args.path,
                              .overrides = {.budget_evaluations = args.budget_evaluations,
                                            .budget_seconds = args.budget_seconds,
                                            .seed = args.seed},
                              .shard = args.shard,
                              .output = args.output,
                              .limits = {.max_points = args.max_points}});
}

// The whole command in one process, or on rank 0 of an MPI run, whose `schedule` hands the points
// to the other ranks.
int RunRun(const RunArgs& args, const experiment::PointScheduler& schedule = {}) {
  const std::unique_ptr<const experiment::LoadedRun> loaded = LoadRun(args);
  const experiment::Experiment& spec = loaded->spec;
  const std::vector<experiment::Point>& points = loaded->points;
  const experiment::Shard& shard = loaded->shard;
  const std::filesystem::path& output = loaded->output;

  if (args.dry_run) {
    report::RunPlan plan{.experiment = spec.name,
                         .points_total = points.size(),
                         .workloads = spec.workloads.size(),
                         .architectures = spec.architectures.size(),
                         .fusions = spec.fusions.size(),
                         .shard_index = shard.index,
                         .shard_count = shard.count,
                         .output = output.string(),
                         .baseline = spec.baseline.name,
                         .baseline_params = spec.baseline.params_text};
    const experiment::ExpectedPoints expected = experiment::ExpectPoints(spec, points);
    for (const experiment::Point& point : points) {
      if (!shard.Owns(point.index)) continue;
      const experiment::ModelRequest& request = point.workload;
      // Done only when its file is a result of this point (experiment/output_folder.h).
      const bool done = experiment::CheckPointFile(experiment::PointFile(output, point.id), point.id,
                                                   experiment::PointHash(point.config), expected)
                            .state == experiment::PointFileCheck::State::kDone;
      plan.points.push_back(report::PlannedPoint{
          .index = point.index,
          .id = point.id,
          .done = done && !args.force,
          .model = request.model,
          .seq_len = OptionalText(request.seq_len),
          .batch = OptionalText(request.batch),
          .phase = request.phase ? std::string(workload::ToString(*request.phase)) : std::string("-"),
          .kv_len = OptionalText(request.kv_len),
          .arch = point.architecture->arch,
          .fusion = point.fusion,
          .sweep = SweptValues(point)});
    }
    std::cout << report::RunPlanText(plan);
    return 0;
  }

  util::InstallStopHandlers();
  experiment::RunOptions options;
  options.output = output;
  options.threads = args.threads.value_or(spec.threads);
  options.shard = shard;
  options.force = args.force;
  options.progress = !args.quiet && ::isatty(STDERR_FILENO) != 0;
  options.verbose = args.verbose;
  options.command_line = ProcessCommandLine();
  options.schedule = schedule;
  const experiment::RunReport report = experiment::RunExperiment(spec, points, options);

  for (const std::string& removed : report.removed_temporaries)
    std::cerr << "note: removed " << removed << ", a temporary left by a killed run\n";
  for (const std::string& line : report.set_aside) std::cerr << "warning: not used: " << line << '\n';
  for (const std::string& failure : report.failures) std::cerr << "error: " << failure << '\n';
  if (!args.quiet || report.stop_signal != 0) {
    std::cerr << fmt::format("{}: {} of {} points in shard {}/{} ({} run now, {} already done{}){}\n", spec.name,
                             report.ran + report.skipped, report.points_in_shard, shard.index, shard.count, report.ran,
                             report.skipped,
                             report.failures.empty() ? "" : fmt::format(", {} failed", report.failures.size()),
                             report.stop_signal != 0 ? fmt::format("; stopped by signal {}", report.stop_signal) : "");
  }
  // Where the results are (stdout: the README's main command prints it).
  std::cout << fmt::format("results in {}: {}, {}, {}, {}{}, manifest.json, points/\n", output.string(),
                           report::kSummary.file_name, report::kFronts.file_name, report::kOps.file_name,
                           report::kGroups.file_name,
                           spec.baseline.searcher ? fmt::format(", {}", report::kBaselineOps.file_name) : "");
  // Figures: what `loopfront plot` draws. The CSVs are the result; a failed plot only warns.
  if (!args.no_plot && report.stop_signal == 0) {
    try {
      const int plot_status = PlotOutput(output.string());
      // Stopped while plotting (Ctrl-C, scancel): the CSVs are complete, the exit code says stopped.
      if (util::StopRequested()) return 128 + util::StopSignal();
      if (plot_status != 0) std::cerr << "warning: plotting failed; the CSVs are complete\n";
    } catch (const util::ConfigError& error) {
      std::cerr << "warning: no figures (" << error.what() << "); the CSVs are complete\n";
    }
  }
  if (report.stop_signal != 0) return 128 + report.stop_signal;
  if (!report.failures.empty()) return 2;
  return 0;
}

#ifdef LOOPFRONT_MPI
// The MPI build's `run` (experiment/mpi_runner.h): a single rank is the plain runner; with more,
// rank 0 runs the command with the points handed to the other ranks, which load the same
// experiment, print nothing and exit with rank 0's code.
int RunOnRanks(const RunArgs& args) {
  const experiment::MpiSession session;
  if (session.size() == 1) return RunRun(args);
  if (session.rank() != 0) {
    std::unique_ptr<const experiment::LoadedRun> loaded;
    std::string load_error;
    try {
      loaded = LoadRun(args);
    } catch (const std::exception& error) {
      load_error = error.what();
    }
    util::InstallStopHandlers();
    const int threads = loaded ? args.threads.value_or(loaded->spec.threads) : 0;
    return experiment::ServeMpiWorker(loaded ? &loaded->spec : nullptr, loaded ? &loaded->points : nullptr,
                                      threads > 0 ? threads : util::DefaultThreadCount(), load_error);
  }
  experiment::MpiCoordinator coordinator(session);
  int exit_code = 0;
  try {
    exit_code = RunRun(args, [&](const std::vector<const experiment::Point*>& pending,
                                 const experiment::PointRecorder& record) { coordinator.Schedule(pending, record); });
  } catch (...) {
    // Report first, then release the workers with the same code (2 bad input, 1 a bug): a worker
    // that exits non-zero makes mpirun kill the job, rank 0 included, which would lose the message.
    exit_code = ReportError(std::current_exception());
  }
  coordinator.Finish(exit_code);
  return exit_code;
}
#endif

}  // namespace

void AddRunCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "Run an experiment (a YAML sweep of workloads x architectures x fusion)");
  run->add_option("EXP", args->path, "The experiment file (docs/experiments.md)")->required();
  run->add_flag("--dry-run", args->dry_run, "List the expanded points with their ids and swept values; run nothing");
  run->add_option("--output", args->output, "Output directory (default: the file's `output`)");
  run->add_option("--budget-evals", args->budget_evaluations, "Evaluations per op search (replaces search.budget)")
      ->check(IntIn(util::kCountRange));
  run->add_option("--budget-seconds", args->budget_seconds, "Seconds per op search (replaces search.budget)")
      ->check(RealIn(util::kPositiveSecondsRange));
  run->add_option("--seed", args->seed, "Seed (replaces search.seed)")->check(IntIn(util::kSeedRange));
  run->add_option("--threads", args->threads, "Threads (replaces `threads`; default: the CPUs this process may use)")
      ->check(IntIn(util::kThreadsRange));
  run->add_flag("--force", args->force, "Rerun points whose result file exists");
  run->add_option("--shard", args->shard,
                  "Run the points with index = I mod N (default: from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT)");
  run->add_flag("--quiet", args->quiet, "No progress or summary on stderr");
  run->add_flag("--verbose", args->verbose, "One line per finished point on stderr");
  run->add_flag("--no-plot", args->no_plot, "Do not mention or make figures at the end");
  run->add_option("--max-points", args->max_points,
                  "Points the experiment may expand into; more is refused before expanding (default 1000000)")
      ->check(CLI::Range(std::int64_t{1}, std::numeric_limits<std::int64_t>::max()));
#ifdef LOOPFRONT_MPI
  run->footer(
      "MPI build: `mpirun -n K loopfront run EXP.yaml` runs the points on ranks 1..K-1, handed out one at a time "
      "by rank 0 as each rank asks; rank 0 alone writes every output, equal to a single process's. --threads "
      "applies per rank; one rank runs as without MPI.");
  registry.Add(run, [args] { return RunOnRanks(*args); });
#else
  run->footer(
      "This build has no MPI: build with -DLOOPFRONT_MPI=ON (cmake --preset mpi) to run the points on MPI ranks "
      "with `mpirun -n K loopfront run EXP.yaml`.");
  registry.Add(run, [args] { return RunRun(*args); });
#endif
}

}  // namespace loopfront::cli
