// `loopfront reproduce survey [--output DIR] [--budget-evals N] [--threads N] [--quiet] [--verbose]`:
// runs the survey's case studies (experiment/survey.h; the experiments under experiments/survey/,
// embedded in the binary) into DIR/<experiment>/ and writes DIR/survey.md and DIR/survey.csv, one
// row per published figure value (report/survey.h; docs/survey.md). A second run resumes: finished
// points are not searched again. Exit code 0 when every point was searched, 2 on bad input or
// when a point could not be searched (its values are then empty), 128 + the signal number after
// SIGINT/SIGTERM (finished points are written; survey.md/csv are not).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "loopfront/experiment/survey.h"
#include "loopfront/io/output.h"
#include "loopfront/report/schemas.h"
#include "loopfront/report/survey.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/version.h"
#include "src/cli/commands.h"
#include "src/cli/numeric_options.h"

namespace loopfront::cli {
namespace {

struct ReproduceArgs {
  std::string study;
  std::string output = "results/survey";
  std::optional<std::int64_t> budget_evaluations;
  int threads = 0;
  bool quiet = false;
  bool verbose = false;
};

int RunReproduce(const ReproduceArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  util::InstallStopHandlers();
  experiment::SurveyOptions options;
  options.output = args.output;
  options.budget_evaluations = args.budget_evaluations;
  options.threads = args.threads;
  options.progress = !args.quiet && ::isatty(STDERR_FILENO) != 0;
  options.verbose = args.verbose;
  options.command_line = ProcessCommandLine();
  if (!args.quiet) {
    options.on_experiment = [](const std::string& name, const experiment::RunReport& report) {
      std::cerr << fmt::format("{}: {} points ({} run now, {} already done{})\n", name, report.points_total, report.ran,
                               report.skipped,
                               report.failures.empty() ? "" : fmt::format(", {} failed", report.failures.size()));
    };
  }
  const experiment::SurveyRun run = experiment::ReproduceSurvey(options);
  for (const std::string& failure : run.failures) std::cerr << "error: " << failure << '\n';
  if (run.stop_signal != 0 || util::StopRequested()) {
    std::cerr << fmt::format("reproduce: stopped by signal {}; finished points are kept, run it again to resume\n",
                             run.stop_signal);
    return 128 + (run.stop_signal != 0 ? run.stop_signal : util::StopSignal());
  }
  const report::SurveyHeader header{
      .version = kVersion,
      .budget = args.budget_evaluations
                    ? fmt::format("{} evaluations per op search (--budget-evals)", *args.budget_evaluations)
                    : std::string("each experiment's own (experiments/survey/*.yaml)"),
      .output = args.output,
      .wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  const std::filesystem::path output(args.output);
  io::WriteFileAtomically(output / report::kSurvey.file_name, report::SurveyCsv(run.rows));
  io::WriteFileAtomically(output / "survey.md", report::SurveyMarkdown(run.rows, header));
  std::cout << fmt::format("results in {}: survey.md, {} ({} rows), one folder per experiment\n", output.string(),
                           report::kSurvey.file_name, run.rows.size());
  return run.failures.empty() ? 0 : 2;
}

}  // namespace

void AddReproduceCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<ReproduceArgs>();
  CLI::App* reproduce = app.add_subcommand(
      "reproduce",
      "Run a paper's case studies with the experiments loopfront ships and write a paper-vs-loopfront table "
      "(survey: Kim et al., arXiv 2302.14017; docs/survey.md)");
  reproduce->add_option("study", args->study, "What to reproduce")->required()->check(CLI::IsMember({"survey"}));
  reproduce->add_option("--output", args->output, "Output directory (one folder per experiment inside)")
      ->capture_default_str();
  reproduce
      ->add_option("--budget-evals", args->budget_evaluations,
                   "Evaluations per op search in every experiment (default: each experiment's own; also caps "
                   "the random mappings sampled per op)")
      ->check(IntIn(util::kCountRange));
  reproduce->add_option("--threads", args->threads, "Threads (0 = every CPU this process may use)")
      ->check(IntIn(util::IntRange{0, util::kThreadsRange.max}))
      ->capture_default_str();
  reproduce->add_flag("--quiet", args->quiet, "No progress or per-experiment lines on stderr");
  reproduce->add_flag("--verbose", args->verbose, "One line per finished point on stderr");
  registry.Add(reproduce, [args] { return RunReproduce(*args); });
}

}  // namespace loopfront::cli
