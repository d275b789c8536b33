// `loopfront search --arch NAME|FILE (--op SPEC | --workload FILE --op-name NAME) [--searcher NAME]
//  [--param k=v ...] [--cost-model M] [--cost-param k=v ...] [--objectives latency,energy]
//  [--budget-evals N] [--budget-seconds S] [--budget-stall N] [--seed S] [--threads N]
//  [--constraints FILE] [--max-padding-waste F] [--reference-front CSV] [--hv-reference L,E]
//  [--baseline SEARCHER] [--export-timeloop DIR] [--format table|csv|json]`
// `loopfront search --timeloop FILE... [same options but --arch/--op/--workload]`: the
//  architecture, the op and the constraints come from Timeloop's input files (timeloop/importer.h,
//  timeloop/constraints.h; a `mapping` among them is read, checked against the constraints, and not
//  used). With --timeloop, `--constraints FILE` is a loopfront constraints file over the Timeloop
//  names, allowed only when the Timeloop files hold no constraints (they come from one place).
//
// Searches the mapspace of one op (DESIGN §1, §2.6) and prints the Pareto front — latency cycles,
// energy pJ, EDP and the one-line mapping of each point, fastest first — and the run's statistics:
// evaluations, valid fraction, wall time, evaluations/s, mapspace size. With `--format csv` the
// front goes to stdout with the columns `op,searcher,seed,point,latency_cycles,energy_pj,
// edp_pj_cycles,mapping` (report/schemas.h) and the statistics to stderr, so that stdout is the same for any thread
// count (the searchers are deterministic with an evaluation budget). `--reference-front` reads a
// previous run's CSV and reports the distance to it (IGD+ on log objectives) and both fronts'
// hypervolumes against 1.1 × its worst point, or against `--hv-reference`.
// The output in every format is report/search.h's. `--export-timeloop DIR` also writes every front
// point as Timeloop's and Accelergy's input files, DIR/point_NNN/ for the CSV's `point` N
// (report/timeloop_folder.h), after the output, or exits 2 writing nothing.
//
// With `--model NAME|FILE` it searches a whole model instead (src/cli/search_model.h).
#include "loopfront/report/search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "loopfront/io/csv_reader.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/pareto/front.h"
#include "loopfront/report/schemas.h"
#include "loopfront/report/timeloop_folder.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/op_search.h"
#include "loopfront/search/searcher.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "src/cli/commands.h"
#include "src/cli/numeric_options.h"
#include "src/cli/op_selection.h"
#include "src/cli/search_model.h"

namespace loopfront::cli {
namespace {

struct SearchArgs {
  OpSelectionOptions selection;
  std::string searcher = "genetic";
  std::vector<std::string> params;
  std::string objectives = "latency,energy";
  std::int64_t budget_evaluations = search::kDefaultMaxEvaluations;
  bool evaluations_given = false;
  double budget_seconds = 0.0;
  std::int64_t budget_stall = 0;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string constraints_path;
  std::vector<std::string> timeloop_files;
  double max_padding_waste = search::MapspaceOptions{}.max_padding_waste;
  std::string reference_front_path;
  std::string hv_reference;
  std::string baseline;
  std::string export_timeloop_dir;
  std::string format = "table";
  ModelSearchArgs model;
};

util::ConfigError OptionError(const std::string& option, const std::string& message) {
  return util::ConfigError({util::Diagnostic{.path = option, .message = message}});
}

// The latency_cycles and energy_pj columns of a CSV written by `search --format csv` (or any CSV
// with those columns, such as `search --model`'s). io::CsvFile's errors name the file and line.
std::vector<pareto::Objectives> ReadReferenceFront(const std::string& path) {
  const io::CsvFile file = io::CsvFile::Read(path);
  const std::size_t latency_column = file.Column(report::kSearchFront.latency_cycles.name);
  const std::size_t energy_column = file.Column(report::kSearchFront.energy_pj.name);
  std::vector<pareto::Objectives> front;
  for (std::size_t row = 0; row < file.rows(); ++row) {
    front.push_back({file.Number(row, latency_column), file.Number(row, energy_column)});
  }
  if (front.empty())
    throw OptionError("--reference-front", fmt::format("expected front points in '{}', got none", path));
  return front;
}

std::optional<pareto::Objectives> ParseHvReference(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::vector<std::string> parts = util::Split(text, ',');
  // A reference point is a latency and an energy: finite and non-negative (NaN or infinity would
  // make every hypervolume NaN or infinite).
  constexpr util::RealRange kReferenceRange{0.0, std::numeric_limits<double>::max()};
  const std::optional<double> latency = parts.size() == 2 ? ParseReal(parts[0]) : std::nullopt;
  const std::optional<double> energy = parts.size() == 2 ? ParseReal(parts[1]) : std::nullopt;
  if (latency && energy && kReferenceRange.Contains(*latency) && kReferenceRange.Contains(*energy)) {
    return pareto::Objectives{*latency, *energy};
  }
  throw OptionError("--hv-reference",
                    fmt::format("expected LATENCY_CYCLES,ENERGY_PJ, two finite numbers ≥ 0, got '{}'", text));
}

// The whole-model search: the options it shares with this command, and the single-op ones given.
int RunModelSearchFrom(const SearchArgs& args, const CLI::App& command) {
  SharedSearchArgs shared{.arch = args.selection.arch,
                          .cost_model = args.selection.cost_model,
                          .cost_params = args.selection.cost_params,
                          .searcher = args.searcher,
                          .params = args.params,
                          .budget_evaluations_given = command.count("--budget-evals") > 0,
                          .budget_evaluations = args.budget_evaluations,
                          .budget_seconds = args.budget_seconds,
                          .budget_stall = args.budget_stall,
                          .seed = args.seed,
                          .threads = args.threads,
                          .max_padding_waste = args.max_padding_waste,
                          .format = args.format,
                          .single_op_options = {}};
  for (const char* option : {"--op", "--workload", "--op-name", "--objectives", "--constraints", "--reference-front",
                             "--hv-reference", "--baseline", "--export-timeloop"}) {
    if (command.count(option) > 0) shared.single_op_options.emplace_back(option);
  }
  return RunModelSearch(args.model, shared);
}

// --timeloop FILE...: the architecture, the op and the constraints (into `constraints`) from
// Timeloop's files; the cost model from the options.
OpSelection SelectTimeloopOp(const SearchArgs& args, mapping::Constraints& constraints) {
  const OpSelectionOptions& options = args.selection;
  if (!options.arch.empty() || !options.op_spec.empty() || !options.workload.empty()) {
    throw util::ConfigError(
        "expected either --timeloop FILE... or --arch and the op (--op, --workload), got both; Timeloop's files "
        "hold the architecture and the op");
  }
  const std::vector<std::filesystem::path> files(args.timeloop_files.begin(), args.timeloop_files.end());
  timeloop::ImportedDesign design = timeloop::ImportTimeloop(files, {.mapping_required = false});
  if (!args.constraints_path.empty() && !design.constraints.empty()) {
    throw OptionError("--constraints",
                      fmt::format("expected constraints in one place, got both '{}' and Timeloop constraints in "
                                  "the --timeloop files (at {}:{})",
                                  args.constraints_path, design.constraints.levels.front().level.where.file,
                                  design.constraints.levels.front().level.where.line));
  }
  // Resolved again with the search's padding limit: fixed factors no padded size admits are
  // reported at their place in the Timeloop files (the importer resolved them for `eval`, without it).
  constraints = mapping::ResolveConstraints(design.constraints, design.problem,
                                            {.max_padding_waste = args.max_padding_waste});
  OpSelection selection;
  selection.cost_model = cost::BuiltinCostModels().Create(options.cost_model, options.cost_params);
  selection.op_label = design.op.name;
  selection.architecture = std::move(design.architecture);
  selection.op = std::move(design.op);
  selection.problem = std::move(design.problem);
  return selection;
}

// --export-timeloop: what can be checked before the search, so that a long search is not lost at the end.
void CheckTimeloopExport(const SearchArgs& args, const OpSelection& selection) {
  util::Diagnostics diagnostics;
  if (args.selection.cost_model != "dataflow") {
    diagnostics.Add({.path = "--export-timeloop",
                     .message = fmt::format("expected --cost-model dataflow (Timeloop-exact), got '{}', whose "
                                            "figures Timeloop does not reproduce",
                                            args.selection.cost_model)});
  }
  if (!selection.problem.op().IsContraction()) {
    diagnostics.Add({.path = "--export-timeloop",
                     .message = fmt::format("expected a contraction, got the vector op '{}'; Timeloop models MACs "
                                            "only, so vector ops cannot be exported",
                                            selection.op_label)});
  }
  try {
    report::CheckFrontExportTarget(args.export_timeloop_dir, "--export-timeloop");
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
  }
  diagnostics.ThrowIfAny();
}

// --export-timeloop: every front point as Timeloop's files (report/timeloop_folder.h), all or nothing.
void ExportTimeloopFront(const SearchArgs& args, const OpSelection& selection, const report::SearchHeader& header,
                         const search::SearchResult& result, const report::SearchQuality& quality,
                         const std::optional<report::SearchBaseline>& baseline) {
  const std::string front_csv =
      report::ReportSearch(report::Format::kCsv, header, selection.problem, result, quality, baseline).out;
  std::vector<std::filesystem::path> folders;
  try {
    folders = report::ExportFrontToTimeloop(args.export_timeloop_dir, selection.problem, result.front,
                                            *selection.cost_model, front_csv);
  } catch (const util::ConfigError& error) {
    // Padding and single buffering are mapping choices: say how to keep them out of the search.
    std::vector<util::Diagnostic> diagnostics = error.diagnostics();
    const bool mapping_choice = std::any_of(diagnostics.begin(), diagnostics.end(), [](const util::Diagnostic& d) {
      return d.message.find("(padding)") != std::string::npos || d.message.find("single-buffered") != std::string::npos;
    });
    diagnostics.push_back({.path = "--export-timeloop",
                           .message = mapping_choice
                                          ? "nothing was written; to search only mappings Timeloop can express, give "
                                            "--max-padding-waste 0 and, on levels with honest buffering, `buffering: "
                                            "double` in --constraints (docs/timeloop.md, \"Export\")"
                                          : "nothing was written"});
    throw util::ConfigError(std::move(diagnostics));
  }
  std::cerr << fmt::format("search: exported {} front point{} as Timeloop files to {} ({} … {})\n", folders.size(),
                           folders.size() == 1 ? "" : "s", args.export_timeloop_dir,
                           folders.front().filename().string(), folders.back().filename().string());
}

int RunSearch(const SearchArgs& args) {
  // Validate everything the options alone decide before any work.
  util::Diagnostics diagnostics;
  const std::optional<search::OpSearchPlan> plan = search::PlanOpSearch(
      {.objectives = args.objectives,
       .searcher = args.searcher,
       .params = args.params,
       .budget_evaluations = args.evaluations_given ? std::optional(args.budget_evaluations) : std::nullopt,
       .budget_seconds = args.budget_seconds,
       .budget_stall = args.budget_stall,
       .seed = args.seed,
       .threads = args.threads,
       .max_padding_waste = args.max_padding_waste},
      diagnostics);
  std::unique_ptr<search::Searcher> baseline_searcher;
  if (!args.baseline.empty()) {
    try {
      baseline_searcher = search::BuiltinSearchers().Create(args.baseline);
    } catch (const util::ConfigError& error) {
      for (util::Diagnostic diagnostic : error.diagnostics()) {
        diagnostic.path = "--baseline";
        diagnostics.Add(diagnostic);
      }
    }
  }
  const std::optional<pareto::Objectives> hv_reference = ParseHvReference(args.hv_reference);
  diagnostics.ThrowIfAny();

  mapping::Constraints constraints;
  const OpSelection selection =
      args.timeloop_files.empty() ? ResolveOpSelection(args.selection) : SelectTimeloopOp(args, constraints);
  if (!args.export_timeloop_dir.empty()) CheckTimeloopExport(args, selection);
  if (!args.constraints_path.empty()) {
    constraints = mapping::LoadConstraints(args.constraints_path, selection.problem,
                                           {.max_padding_waste = plan->mapspace.max_padding_waste});
  }
  std::optional<std::vector<pareto::Objectives>> reference_front;
  if (!args.reference_front_path.empty()) reference_front = ReadReferenceFront(args.reference_front_path);
  const search::Mapspace mapspace = search::Mapspace::Build(selection.problem, constraints, plan->mapspace);
  util::InstallStopHandlers();
  const search::SearchResult result =
      search::RunOpSearch(*plan, mapspace, *selection.cost_model, selection.op_label, selection.architecture.name);

  // Quality against a reference, when asked.
  report::SearchQuality quality{.hypervolume_reference = hv_reference};
  if (reference_front) {
    quality.distance = pareto::DistanceToReference(result.front.ObjectivesOnly(), *reference_front);
    if (!quality.hypervolume_reference) {
      pareto::Objectives worst{0, 0};
      for (const pareto::Objectives& point : *reference_front) {
        worst.latency_cycles = std::max(worst.latency_cycles, point.latency_cycles);
        worst.energy_pj = std::max(worst.energy_pj, point.energy_pj);
      }
      quality.hypervolume_reference = pareto::Objectives{1.1 * worst.latency_cycles, 1.1 * worst.energy_pj};
    }
  }
  // NaN = not computed (plain doubles: GCC 12 warns spuriously on optionals handed to nlohmann::json).
  quality.hypervolume = quality.hypervolume_reference
                            ? pareto::Hypervolume(result.front.ObjectivesOnly(), *quality.hypervolume_reference)
                            : std::nan("");
  quality.reference_hypervolume = quality.hypervolume_reference && reference_front
                                      ? pareto::Hypervolume(*reference_front, *quality.hypervolume_reference)
                                      : std::nan("");

  // The baseline: its searcher's knee on the same mapspace, budget and seed.
  std::optional<report::SearchBaseline> baseline;
  if (baseline_searcher) {
    const search::SearchResult baseline_result =
        baseline_searcher->Search(mapspace, *selection.cost_model, plan->options);
    if (baseline_result.front.empty()) {
      throw OptionError("--baseline",
                        fmt::format("baseline {} found no valid mapping of {} (invalid: {})", args.baseline,
                                    selection.op_label, search::InvalidReasons(baseline_result.statistics)));
    }
    const auto& knee = *baseline_result.front.Knee();
    baseline = report::SearchBaseline{.searcher = args.baseline,
                                      .mapping = mapping::ToString(knee.payload, selection.problem),
                                      .objectives = knee.objectives};
  }

  const report::SearchHeader header{.op_label = selection.op_label,
                                    .architecture = selection.architecture.name,
                                    .cost_model = args.selection.cost_model,
                                    .searcher = args.searcher,
                                    .seed = args.seed,
                                    .objective = plan->options.objective};
  const report::Output output =
      report::ReportSearch(report::ParseFormat(args.format), header, selection.problem, result, quality, baseline);
  std::cout << output.out;
  std::cerr << output.err;
  if (!args.export_timeloop_dir.empty()) ExportTimeloopFront(args, selection, header, result, quality, baseline);
  return 0;
}

}  // namespace

void AddSearchCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* command = app.add_subcommand("search", "Search the Pareto front (latency vs energy) of one op's mappings");
  AddOpSelectionOptions(*command, args->selection, /*required=*/false);
  AddModelSearchOptions(*command, args->model);
  command->add_option("--searcher", args->searcher, "Searcher: " + util::Join(search::BuiltinSearchers().Names(), ", "))
      ->capture_default_str();
  command->add_option("--param", args->params, "A searcher parameter NAME=VALUE (repeatable; see `loopfront list`)");
  command->add_option("--objectives", args->objectives, "latency, energy, edp, or latency,energy (a front)")
      ->capture_default_str();
  command
      ->add_option("--budget-evals", args->budget_evaluations,
                   "Stop after this many evaluations (0 = no limit; the default applies only when neither "
                   "--budget-seconds nor --budget-stall is given)")
      ->capture_default_str()
      ->check(IntIn(util::kNonNegativeCountRange))
      ->each([args](const std::string&) { args->evaluations_given = true; });
  command->add_option("--budget-seconds", args->budget_seconds, "Stop after this many wall seconds (0 = no limit)")
      ->capture_default_str()
      ->check(RealIn(util::kSecondsRange));
  command
      ->add_option("--budget-stall", args->budget_stall,
                   "Stop after this many steps (batches, generations, rounds) without improvement (0 = no limit)")
      ->capture_default_str()
      ->check(IntIn(util::kNonNegativeCountRange));
  command->add_option("--seed", args->seed, "Seed of every random stream")
      ->capture_default_str()
      ->check(IntIn(util::kSeedRange));
  command
      ->add_option("--threads", args->threads, "Threads (default: the CPUs this process may use, or OMP_NUM_THREADS)")
      ->check(IntIn(util::kThreadsRange));
  command->add_option("--constraints", args->constraints_path,
                      "YAML file of mapspace constraints (mapping/constraints.h, docs/search.md)");
  command
      ->add_option("--timeloop", args->timeloop_files,
                   "Instead of --arch and the op: Timeloop input files (architecture, problem, constraints / "
                   "architecture_constraints / mapspace_constraints, ERT; any order, docs/timeloop.md)")
      ->expected(1, -1);
  command
      ->add_option("--max-padding-waste", args->max_padding_waste,
                   "Largest fraction of a dim's padded iterations that may be padding (0 = no padding)")
      ->capture_default_str()
      ->check(RealIn(util::RealRange{0.0, search::kMaxPaddingWasteLimit}));
  command->add_option("--reference-front", args->reference_front_path,
                      "CSV of a reference front (e.g. a longer run's --format csv) to compare against");
  command->add_option("--baseline", args->baseline,
                      "Also run this searcher (default parameters) on the op and report the knee's speedup and EDP "
                      "gain over its knee, e.g. gemmini_default (Gemmini's own schedule)");
  command->add_option("--export-timeloop", args->export_timeloop_dir,
                      "Also write each front point as Timeloop/Accelergy input files in DIR/point_NNN/ (N = the "
                      "`point` column; DIR/front.csv is the front), checked to read back to its figures; DIR must be "
                      "absent or empty; not with --model (docs/timeloop.md, \"Export\")");
  command
      ->add_option("--hv-reference", args->hv_reference,
                   "Hypervolume reference point LATENCY_CYCLES,ENERGY_PJ (two finite numbers ≥ 0)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            try {
              ParseHvReference(text);
            } catch (const util::ConfigError& error) {
              return error.diagnostics().front().message;
            }
            return {};
          },
          "L,E", "HvReference"));
  command->add_option("--format", args->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "csv", "json"}));
  registry.Add(command, [args, command] {
    if (!args->model.model.empty() && !args->timeloop_files.empty()) {
      throw OptionError("--timeloop", "expected --timeloop for a single-op search, got it with --model");
    }
    if (args->model.model.empty() && !args->model.precision.empty()) {
      throw OptionError("--precision",
                        "expected --precision with --model (it sets a model's word sizes), got it for "
                        "a single-op search");
    }
    if (args->timeloop_files.empty() && args->selection.arch.empty()) {
      throw OptionError("--arch", "expected an architecture (--arch NAME|FILE, or --timeloop FILE...), got none");
    }
    return args->model.model.empty() ? RunSearch(*args) : RunModelSearchFrom(*args, *command);
  });
}

}  // namespace loopfront::cli
