// `loopfront export timeloop [--arch NAME|FILE] [--op SPEC | --workload FILE --op-name NAME]
//  --mapping FILE|"LINE" --output DIR`: writes one mapping of one op as timeloop-model's input
// files (report/timeloop_export.h: arch.yaml, problem.yaml, map.yaml, ERT.yaml, ART.yaml) and
// Accelergy's action_counts.yaml, and prints the paths written. As in `eval`, --arch and the op
// may come from the mapping file's `arch:` and `op:` (or `workload:` + `op_name:`) keys.
//
// Before writing, the export is read back with timeloop::ImportTimeloop and both designs are
// evaluated with the dataflow cost model (Timeloop-exact): if the cycles or the energy differ, the
// export is refused, so what is written always means the same figures as the mapping given
// (report/timeloop_folder.h).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/report/timeloop_folder.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "src/cli/commands.h"
#include "src/cli/op_selection.h"

namespace loopfront::cli {
namespace {

struct ExportTimeloopArgs {
  OpSelectionOptions selection;
  std::string mapping_path;
  std::vector<std::string> timeloop_files;
  std::string output_dir;
};

// `export timeloop --timeloop FILE...`: Timeloop's files in any of the forms the importer reads
// (v0.3, the v0.4 tree form, ERT_summary, split across files) written back as the one v0.4
// subtree/local folder `export` writes. Constraints are not exported (Timeloop's mapping is), so
// files with constraints are refused rather than losing them.
report::CheckedTimeloopExport ExportTimeloopFiles(const ExportTimeloopArgs& args) {
  const OpSelectionOptions& options = args.selection;
  if (!options.arch.empty() || !options.op_spec.empty() || !options.workload.empty() || !args.mapping_path.empty()) {
    throw util::ConfigError(
        "expected either --timeloop FILE... or --arch/--op/--workload/--mapping, got both; Timeloop's files hold the "
        "architecture, the op and the mapping");
  }
  const std::vector<std::filesystem::path> files(args.timeloop_files.begin(), args.timeloop_files.end());
  const timeloop::ImportedDesign design = timeloop::ImportTimeloop(files);
  if (!design.constraints.empty()) {
    throw util::ConfigError(fmt::format(
        "expected Timeloop files without constraints, got constraints in {}; export writes one mapping, not a "
        "mapspace: drop the constraints files (or run `import timeloop`, which keeps them as constraints.yaml)",
        util::Join(design.files, ", ")));
  }
  const std::unique_ptr<cost::CostModel> model = cost::BuiltinCostModels().Create("dataflow", {});
  return report::ExportTimeloopChecked(design.problem, design.mapping, *model, design.files.front());
}

int RunExportTimeloop(const ExportTimeloopArgs& args) {
  const report::CheckedTimeloopExport exported = [&] {
    if (!args.timeloop_files.empty()) return ExportTimeloopFiles(args);
    if (args.mapping_path.empty()) {
      throw util::ConfigError("expected --mapping FILE|\"LINE\" (or --timeloop FILE...), got neither");
    }
    const mapping::MappingFile file = mapping::LoadMappingArgument(args.mapping_path);
    const OpSelection selection = ResolveOpSelection(args.selection, file);
    const mapping::Mapping mapping = file.Read(selection.problem);
    return report::ExportTimeloopChecked(selection.problem, mapping, *selection.cost_model, file.file());
  }();
  for (const std::filesystem::path& path : report::WriteTimeloopFolder(args.output_dir, exported)) {
    std::cout << path.string() << "\n";
  }
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App& app, CommandRegistry& registry) {
  CLI::App* export_command = app.add_subcommand("export", "Write a loopfront design as another tool's input files");
  export_command->require_subcommand(1);
  auto args = std::make_shared<ExportTimeloopArgs>();
  CLI::App* timeloop = export_command->add_subcommand(
      "timeloop",
      "One mapping of one op -> Timeloop v0.4 arch.yaml, problem.yaml, map.yaml, ERT.yaml and ART.yaml, and "
      "Accelergy's action_counts.yaml (docs/timeloop.md, \"Export\"); refuses what Timeloop cannot express");
  AddOpSelectionOptions(*timeloop, args->selection, /*required=*/false);
  // The export is checked with the dataflow model (Timeloop-exact), so the cost-model options do not apply.
  timeloop->remove_option(timeloop->get_option("--cost-model"));
  timeloop->remove_option(timeloop->get_option("--cost-param"));
  timeloop
      ->add_option("--mapping", args->mapping_path,
                   "Mapping YAML file, or a mapping in the one-line form `search` prints (docs/mappings.md)");
  timeloop
      ->add_option("--timeloop", args->timeloop_files,
                   "Instead of --arch, the op and --mapping: Timeloop input files in any form `eval --timeloop` reads, "
                   "written back as one v0.4 subtree/local folder (docs/timeloop.md)")
      ->expected(1, -1);
  timeloop->add_option("--output", args->output_dir, "Folder to write the six files into")->required();
  registry.Add(timeloop, [args] { return RunExportTimeloop(*args); });
}

}  // namespace loopfront::cli
