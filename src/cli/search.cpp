// `loopfront search --arch NAME|FILE (--op SPEC | --workload FILE --op-name NAME) [--searcher NAME]
//  [--param k=v ...] [--objectives latency,energy] [--budget-evals N] [--budget-seconds S]
//  [--budget-stall N] [--seed S] [--threads N] [--constraints FILE] [--max-padding-waste F]
//  [--reference-front CSV] [--hv-reference L,E] [--format table|csv|json]`
//
// Searches the mapspace of one op (DESIGN §1, §2.6) and prints the Pareto front — latency cycles,
// energy pJ, EDP and the one-line mapping of each point, fastest first — and the run's statistics:
// evaluations, valid fraction, wall time, evaluations/s, mapspace size. With `--format csv` the
// front goes to stdout with the columns `op,searcher,seed,point,latency_cycles,energy_pj,
// edp_pj_cycles,mapping` and the statistics to stderr, so that stdout is the same for any thread
// count (the searchers are deterministic with an evaluation budget). `--reference-front` reads a
// previous run's CSV and reports the distance to it (IGD+ on log objectives) and both fronts'
// hypervolumes against 1.1 × its worst point, or against `--hv-reference`.
//
// With `--model NAME|FILE` it searches a whole model instead (src/cli/search_model.h).
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "loopfront/io/output.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/pareto/front.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"
#include "src/cli/commands.h"
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
  double max_padding_waste = search::MapspaceOptions{}.max_padding_waste;
  std::string reference_front_path;
  std::string hv_reference;
  std::string format = "table";
  ModelSearchArgs model;
};

util::ConfigError OptionError(const std::string& option, const std::string& message) {
  return util::ConfigError({util::Diagnostic{.path = option, .message = message}});
}

// The latency_cycles and energy_pj columns of a CSV written by `search --format csv`.
std::vector<pareto::Objectives> ReadReferenceFront(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw OptionError("--reference-front", fmt::format("expected a readable CSV file, got '{}'", path));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = util::Split(line, ',');
  int latency_column = -1;
  int energy_column = -1;
  for (int column = 0; column < static_cast<int>(header.size()); ++column) {
    if (header[column] == "latency_cycles") latency_column = column;
    if (header[column] == "energy_pj") energy_column = column;
  }
  if (latency_column < 0 || energy_column < 0) {
    throw OptionError("--reference-front",
                      fmt::format("expected a CSV with latency_cycles and energy_pj columns, got header '{}'", line));
  }
  std::vector<pareto::Objectives> front;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    // The mapping column is last and may be quoted; the numeric columns come before it.
    const std::vector<std::string> cells = util::Split(line, ',');
    try {
      front.push_back({std::stod(cells.at(latency_column)), std::stod(cells.at(energy_column))});
    } catch (const std::exception&) {
      throw OptionError("--reference-front", fmt::format("{}:{}: expected numbers in latency_cycles and energy_pj, "
                                                         "got '{}'",
                                                         path, line_number, line));
    }
  }
  if (front.empty())
    throw OptionError("--reference-front", fmt::format("expected front points in '{}', got none", path));
  return front;
}

std::optional<pareto::Objectives> ParseHvReference(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::vector<std::string> parts = util::Split(text, ',');
  try {
    if (parts.size() == 2) return pareto::Objectives{std::stod(parts[0]), std::stod(parts[1])};
  } catch (const std::exception&) {
  }
  throw OptionError("--hv-reference", fmt::format("expected LATENCY_CYCLES,ENERGY_PJ, got '{}'", text));
}

std::string MapspaceSizeText(const search::MapspaceSize& size) {
  if (size.exact) return fmt::format("{} mappings (10^{:.2f})", *size.exact, size.log10);
  return fmt::format("about 10^{:.2f} mappings", size.log10);
}

std::string InvalidReasons(const search::SearchStatistics& statistics) {
  std::vector<std::string> reasons;
  for (int violation = 0; violation < search::kNumViolations; ++violation) {
    if (statistics.invalid_by_violation[violation] == 0) continue;
    reasons.push_back(fmt::format("{} {}", mapping::ToString(static_cast<mapping::Violation>(violation)),
                                  statistics.invalid_by_violation[violation]));
  }
  return reasons.empty() ? "none" : util::Join(reasons, ", ");
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
  for (const char* option :
       {"--op", "--workload", "--op-name", "--objectives", "--constraints", "--reference-front", "--hv-reference"}) {
    if (command.count(option) > 0) shared.single_op_options.emplace_back(option);
  }
  return RunModelSearch(args.model, shared);
}

int RunSearch(const SearchArgs& args) {
  // Validate everything the options alone decide before any work.
  util::Diagnostics diagnostics;
  const std::optional<search::Objective> objective = search::ParseObjective(args.objectives);
  if (!objective) {
    diagnostics.Add(
        {.path = "--objectives",
         .message = fmt::format("expected one of {}, got '{}'{}", util::Join(search::ObjectiveNames(), ", "),
                                args.objectives, util::DidYouMeanHint(args.objectives, search::ObjectiveNames()))});
  }
  const search::SearcherRegistry& searchers = search::BuiltinSearchers();
  std::unique_ptr<search::Searcher> searcher;
  try {
    searcher = searchers.Create(args.searcher, args.params);
  } catch (const util::ConfigError& error) {
    for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
  }
  const std::optional<pareto::Objectives> hv_reference = ParseHvReference(args.hv_reference);
  diagnostics.ThrowIfAny();

  const OpSelection selection = ResolveOpSelection(args.selection);
  mapping::Constraints constraints;
  if (!args.constraints_path.empty()) {
    constraints = mapping::LoadConstraints(args.constraints_path, selection.problem);
  }
  std::optional<std::vector<pareto::Objectives>> reference_front;
  if (!args.reference_front_path.empty()) reference_front = ReadReferenceFront(args.reference_front_path);
  const search::Mapspace mapspace =
      search::Mapspace::Build(selection.problem, constraints, {.max_padding_waste = args.max_padding_waste});

  search::SearchOptions options;
  options.objective = *objective;
  // The default evaluation budget stands in only when no budget was given: a user who asks for
  // 10 seconds, or for a stall limit, gets that.
  options.budget.max_evaluations =
      !args.evaluations_given && (args.budget_seconds > 0 || args.budget_stall > 0) ? 0 : args.budget_evaluations;
  options.budget.max_seconds = args.budget_seconds;
  options.budget.max_stall_steps = args.budget_stall;
  options.seed = args.seed;
  options.threads = args.threads > 0 ? args.threads : util::DefaultThreadCount();
  util::InstallStopHandlers();
  const search::SearchResult result = searcher->Search(mapspace, *selection.cost_model, options);
  const search::SearchStatistics& statistics = result.statistics;
  if (result.front.empty()) {
    throw util::ConfigError(fmt::format(
        "no valid mapping of {} on {} found in {} evaluations (invalid: {}); check the op, the architecture, the "
        "constraints and the cost model",
        selection.op_label, selection.architecture.name, statistics.evaluations, InvalidReasons(statistics)));
  }

  const mapping::Problem& problem = selection.problem;
  const auto& points = result.front.points();
  const auto* knee = result.front.Knee();
  const std::size_t knee_index = static_cast<std::size_t>(knee - points.data());
  // Quality against a reference, when asked.
  std::optional<double> distance;
  std::optional<pareto::Objectives> hv_point = hv_reference;
  if (reference_front) {
    distance = pareto::DistanceToReference(result.front.ObjectivesOnly(), *reference_front);
    if (!hv_point) {
      pareto::Objectives worst{0, 0};
      for (const pareto::Objectives& point : *reference_front) {
        worst.latency_cycles = std::max(worst.latency_cycles, point.latency_cycles);
        worst.energy_pj = std::max(worst.energy_pj, point.energy_pj);
      }
      hv_point = pareto::Objectives{1.1 * worst.latency_cycles, 1.1 * worst.energy_pj};
    }
  }
  // NaN = not computed (plain doubles: GCC 12 warns spuriously on optionals handed to nlohmann::json).
  const double hypervolume = hv_point ? pareto::Hypervolume(result.front.ObjectivesOnly(), *hv_point) : std::nan("");
  const double reference_hypervolume =
      hv_point && reference_front ? pareto::Hypervolume(*reference_front, *hv_point) : std::nan("");

  const std::string statistics_text = fmt::format(
      "evaluations {} ({:.1f}% valid), wall time {:.3f} s, {:.0f} evaluations/s, {} thread{}, {} steps, stopped by "
      "{}; mapspace {}",
      statistics.evaluations, 100.0 * statistics.valid_fraction(), statistics.wall_seconds,
      statistics.evaluations_per_second(), statistics.threads, statistics.threads == 1 ? "" : "s", statistics.steps,
      search::ToString(statistics.stop_reason), MapspaceSizeText(statistics.mapspace_size));
  std::string quality_text;
  if (!std::isnan(hypervolume))
    quality_text += fmt::format("hypervolume {:.6g} (reference point {}, {})", hypervolume, hv_point->latency_cycles,
                                hv_point->energy_pj);
  if (!std::isnan(reference_hypervolume)) {
    quality_text += fmt::format(", reference front's {:.6g}", reference_hypervolume);
  }
  if (distance)
    quality_text += fmt::format("{}distance to the reference front {:.4g} (IGD+ on ln objectives)",
                                quality_text.empty() ? "" : "; ", *distance);

  if (args.format == "csv") {
    io::CsvTable table({"op", "searcher", "seed", "point", "latency_cycles", "energy_pj", "edp_pj_cycles", "mapping"});
    for (std::size_t index = 0; index < points.size(); ++index) {
      table.Row()
          .Add(selection.op_label)
          .Add(args.searcher)
          .Add(static_cast<std::int64_t>(args.seed))
          .Add(static_cast<std::int64_t>(index))
          .Add(points[index].objectives.latency_cycles)
          .Add(points[index].objectives.energy_pj)
          .Add(points[index].objectives.EdpPjCycles())
          .Add(mapping::ToString(points[index].payload, problem));
    }
    std::cout << table.ToString();
    std::cerr << "search: " << statistics_text << '\n';
    if (!quality_text.empty()) std::cerr << "search: " << quality_text << '\n';
    return 0;
  }
  if (args.format == "json") {
    nlohmann::ordered_json json;
    json["op"] = selection.op_label;
    json["architecture"] = selection.architecture.name;
    json["cost_model"] = args.selection.cost_model;
    json["searcher"] = args.searcher;
    json["seed"] = args.seed;
    json["objectives"] = search::ToString(*objective);
    json["front"] = nlohmann::ordered_json::array();
    for (std::size_t index = 0; index < points.size(); ++index) {
      json["front"].push_back({{"point", index},
                               {"latency_cycles", points[index].objectives.latency_cycles},
                               {"energy_pj", points[index].objectives.energy_pj},
                               {"edp_pj_cycles", points[index].objectives.EdpPjCycles()},
                               {"mapping", mapping::ToString(points[index].payload, problem)}});
    }
    json["knee_point"] = knee_index;
    nlohmann::ordered_json stats;
    stats["evaluations"] = statistics.evaluations;
    stats["valid_evaluations"] = statistics.valid_evaluations;
    stats["valid_fraction"] = statistics.valid_fraction();
    stats["wall_seconds"] = statistics.wall_seconds;
    stats["evaluations_per_second"] = statistics.evaluations_per_second();
    stats["threads"] = statistics.threads;
    stats["steps"] = statistics.steps;
    stats["stop_reason"] = search::ToString(statistics.stop_reason);
    stats["mapspace_log10_size"] = statistics.mapspace_size.log10;
    if (statistics.mapspace_size.exact) stats["mapspace_size"] = *statistics.mapspace_size.exact;
    nlohmann::ordered_json invalid = nlohmann::ordered_json::object();
    for (int violation = 0; violation < search::kNumViolations; ++violation) {
      if (statistics.invalid_by_violation[violation] == 0) continue;
      invalid[std::string(mapping::ToString(static_cast<mapping::Violation>(violation)))] =
          statistics.invalid_by_violation[violation];
    }
    stats["invalid_by_reason"] = invalid;
    if (!std::isnan(hypervolume)) {
      stats["hypervolume"] = hypervolume;
      stats["hypervolume_reference_point"] = {hv_point->latency_cycles, hv_point->energy_pj};
    }
    if (!std::isnan(reference_hypervolume)) stats["reference_front_hypervolume"] = reference_hypervolume;
    if (distance) stats["distance_to_reference_front"] = *distance;
    json["statistics"] = stats;
    std::cout << json.dump(2) << '\n';
    return 0;
  }

  std::cout << fmt::format("{} on {} (cost model {}), searcher {}, objectives {}, seed {}\n", selection.op_label,
                           selection.architecture.name, args.selection.cost_model, args.searcher,
                           search::ToString(*objective), args.seed);
  std::cout << fmt::format("{:>5}  {:>15}  {:>15}  {:>15}  {}\n", "point", "latency_cycles", "energy_pj",
                           "edp_pj_cycles", "mapping");
  for (std::size_t index = 0; index < points.size(); ++index) {
    const pareto::Objectives& objectives = points[index].objectives;
    std::cout << fmt::format("{:>5}  {:>15}  {:>15.6g}  {:>15.6g}  {}{}\n", index,
                             io::FormatNumber(objectives.latency_cycles), objectives.energy_pj,
                             objectives.EdpPjCycles(), mapping::ToString(points[index].payload, problem),
                             index == knee_index ? "   <- knee (min EDP)" : "");
  }
  std::cout << "statistics: " << statistics_text << '\n';
  if (statistics.evaluations > statistics.valid_evaluations) {
    std::cout << "invalid evaluations by reason: " << InvalidReasons(statistics) << '\n';
  }
  if (!quality_text.empty()) std::cout << "quality: " << quality_text << '\n';
  return 0;
}

}  // namespace

void AddSearchCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* command = app.add_subcommand("search", "Search the Pareto front (latency vs energy) of one op's mappings");
  AddOpSelectionOptions(*command, args->selection);
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
      ->check(CLI::NonNegativeNumber)
      ->each([args](const std::string&) { args->evaluations_given = true; });
  command->add_option("--budget-seconds", args->budget_seconds, "Stop after this many wall seconds (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--budget-stall", args->budget_stall,
                   "Stop after this many steps (batches, generations, rounds) without improvement (0 = no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command->add_option("--seed", args->seed, "Seed of every random stream")->capture_default_str();
  command
      ->add_option("--threads", args->threads, "Threads (default: the CPUs this process may use, or OMP_NUM_THREADS)")
      ->check(CLI::PositiveNumber);
  command->add_option("--constraints", args->constraints_path,
                      "YAML file of mapspace constraints (mapping/constraints.h)");
  command
      ->add_option("--max-padding-waste", args->max_padding_waste,
                   "Largest fraction of a dim's padded iterations that may be padding (0 = no padding)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.99));
  command->add_option("--reference-front", args->reference_front_path,
                      "CSV of a reference front (e.g. a longer run's --format csv) to compare against");
  command->add_option("--hv-reference", args->hv_reference, "Hypervolume reference point LATENCY_CYCLES,ENERGY_PJ");
  command->add_option("--format", args->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "csv", "json"}));
  registry.Add(command, [args, command] {
    return args->model.model.empty() ? RunSearch(*args) : RunModelSearchFrom(*args, *command);
  });
}

}  // namespace loopfront::cli
