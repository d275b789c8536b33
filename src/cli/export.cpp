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
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "loopfront/mapping/loader.h"
#include "loopfront/report/timeloop_folder.h"
#include "src/cli/commands.h"
#include "src/cli/op_selection.h"

namespace loopfront::cli {
namespace {

struct ExportTimeloopArgs {
  OpSelectionOptions selection;
  std::string mapping_path;
  std::string output_dir;
};

int RunExportTimeloop(const ExportTimeloopArgs& args) {
  const mapping::MappingFile file = LoadMappingArgument(args.mapping_path);
  const OpSelection selection = ResolveOpSelection(args.selection, file);
  const mapping::Mapping mapping = file.Read(selection.problem);
  const report::CheckedTimeloopExport exported =
      report::ExportTimeloopChecked(selection.problem, mapping, *selection.cost_model, file.file());
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
                   "Mapping YAML file, or a mapping in the one-line form `search` prints (docs/mappings.md)")
      ->required();
  timeloop->add_option("--output", args->output_dir, "Folder to write the six files into")->required();
  registry.Add(timeloop, [args] { return RunExportTimeloop(*args); });
}

}  // namespace loopfront::cli
