// `loopfront eval --arch NAME|FILE (--op SPEC | --workload FILE --op-name NAME) --mapping FILE|"LINE"
//  [--cost-model dataflow|roofline] [--cost-param k=v ...] [--format table|json]`, or
// `loopfront eval --timeloop FILE... [...]` (Timeloop's own input files, timeloop/importer.h): evaluates one
// mapping and explains it level by level (DESIGN §1): per level and tensor the tile, reads, fills,
// updates and energy; each level's bandwidth-limited cycles and which level bounds the op; the
// energy breakdown, utilization, EDP and padding waste.
//
// The architecture and the op may also come from the mapping file's `arch:` and `op:` (or
// `workload:` + `op_name:`) keys, each separately; when both the command line and the file name
// them, they must agree.
// An invalid mapping is a ConfigError with mapping::Describe's reason (exit 2).
#include "loopfront/report/eval.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost.h"
#include "loopfront/io/presets.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "src/cli/commands.h"
#include "src/cli/op_selection.h"

namespace loopfront::cli {
namespace {

struct EvalArgs {
  OpSelectionOptions selection;
  std::string mapping_path;
  std::vector<std::string> timeloop_files;
  std::string format = "table";
};

// Evaluates `mapping` and prints the explanation; an infeasible mapping is a ConfigError at `file`.
int EvaluateAndPrint(const mapping::Problem& problem, const mapping::Mapping& mapping,
                     const cost::CostModel& cost_model, const std::string& op_label, const std::string& file,
                     const std::string& format) {
  const cost::Cost cost = report::EvaluateGivenMapping(cost_model, problem, mapping, file);
  std::cout << report::ReportEval(report::ParseFormat(format), problem, mapping, cost, op_label,
                                  std::string(cost_model.name()))
                   .out;
  return 0;
}

// `eval --timeloop FILE...`: the architecture, op and mapping all come from Timeloop's files.
int RunEvalTimeloop(const EvalArgs& args) {
  const OpSelectionOptions& options = args.selection;
  if (!options.arch.empty() || !options.op_spec.empty() || !options.workload.empty() || !args.mapping_path.empty()) {
    throw util::ConfigError(
        "expected either --timeloop FILE... or --arch/--op/--workload/--mapping, got both; Timeloop's files hold the "
        "architecture, the op and the mapping");
  }
  std::vector<std::filesystem::path> files(args.timeloop_files.begin(), args.timeloop_files.end());
  const timeloop::ImportedDesign design = timeloop::ImportTimeloop(files);
  const std::unique_ptr<cost::CostModel> cost_model =
      cost::BuiltinCostModels().Create(options.cost_model, options.cost_params);
  return EvaluateAndPrint(design.problem, design.mapping, *cost_model, design.op.name, design.files.front(),
                          args.format);
}

int RunEval(const EvalArgs& args) {
  if (args.format != "table" && args.format != "json") {
    throw util::ConfigError({util::Diagnostic{
        .path = "--format", .message = fmt::format("expected table or json, got '{}'", args.format)}});
  }
  if (!args.timeloop_files.empty()) return RunEvalTimeloop(args);
  if (args.mapping_path.empty()) {
    throw util::ConfigError("expected --mapping FILE|\"LINE\" (or --timeloop FILE...), got neither");
  }
  const mapping::MappingFile file = mapping::LoadMappingArgument(args.mapping_path);
  const OpSelection selection = ResolveOpSelection(args.selection, file);

  const mapping::Mapping mapping = file.Read(selection.problem);
  return EvaluateAndPrint(selection.problem, mapping, *selection.cost_model, selection.op_label, file.file(),
                          args.format);
}

}  // namespace

void AddEvalCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* eval = app.add_subcommand(
      "eval", "Evaluate one mapping of one op and explain it level by level (accesses, energy, bounding level)");
  AddOpSelectionOptions(*eval, args->selection, /*required=*/false);
  eval->add_option("--mapping", args->mapping_path,
                   "Mapping YAML file, or a mapping in the one-line form `search` prints (docs/mappings.md)");
  eval->add_option("--timeloop", args->timeloop_files,
                   "Instead of --arch, the op and --mapping: Timeloop input files (architecture in the v0.3/v0.4 "
                   "subtree or v0.4 tree form, problem, mapping, ERT or ERT_summary, optional ART for area; any "
                   "order, docs/timeloop.md)")
      ->expected(1, -1);
  eval->add_option("--format", args->format, "Output format: table or json")->capture_default_str();
  registry.Add(eval, [args] { return RunEval(*args); });
}

}  // namespace loopfront::cli
