// `loopfront export timeloop --arch NAME|FILE (--op SPEC | --workload FILE --op-name NAME)
//  --mapping FILE|"LINE" --output DIR`: writes one mapping of one op as timeloop-model's input
// files (report/timeloop_export.h: arch.yaml, problem.yaml, map.yaml, ERT.yaml, ART.yaml) and
// prints the paths written.
//
// Before writing, the export is read back with timeloop::ImportTimeloop and both designs are
// evaluated with the dataflow cost model (Timeloop-exact): if the cycles or the energy differ, the
// export is refused, so what is written always means the same figures as the mapping given.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/cost/cost.h"
#include "loopfront/io/output.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/report/timeloop_export.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "src/cli/commands.h"
#include "src/cli/op_selection.h"

namespace loopfront::cli {
namespace {

struct ExportTimeloopArgs {
  OpSelectionOptions selection;
  std::string mapping_path;
  std::string output_dir;
};

cost::Cost Evaluate(const cost::CostModel& model, const mapping::Problem& problem, const mapping::Mapping& mapping,
                    const std::string& what) {
  const cost::Cost cost = model.Evaluate(problem, mapping);
  if (!cost.feasible) {
    throw util::ConfigError(
        {util::Diagnostic{.file = what,
                          .path = "mapping",
                          .message = fmt::format("the dataflow cost model cannot evaluate this mapping: {}",
                                                 mapping::Describe(cost.check, problem))}});
  }
  return cost;
}

int RunExportTimeloop(const ExportTimeloopArgs& args) {
  const OpSelection selection = ResolveOpSelection(args.selection);
  const mapping::MappingFile file = LoadMappingArgument(args.mapping_path);
  const mapping::Mapping mapping = file.Read(selection.problem);
  const cost::Cost original = Evaluate(*selection.cost_model, selection.problem, mapping, file.file());
  const report::TimeloopFiles files = report::ExportTimeloop(selection.problem, mapping);
  const std::pair<const char*, const std::string*> outputs[] = {{report::kTimeloopArchFile, &files.arch_yaml},
                                                                {report::kTimeloopProblemFile, &files.problem_yaml},
                                                                {report::kTimeloopMapFile, &files.map_yaml},
                                                                {report::kTimeloopErtFile, &files.ert_yaml},
                                                                {report::kTimeloopArtFile, &files.art_yaml}};

  // Read the export back from a scratch folder before writing it where the user asked.
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / fmt::format("loopfront_export_{}", ::getpid());
  std::filesystem::remove_all(scratch);
  std::vector<std::filesystem::path> written;
  for (const auto& [name, content] : outputs) {
    io::WriteFileAtomically(scratch / name, *content);
    written.push_back(scratch / name);
  }
  std::optional<cost::Cost> read_back;
  try {
    const timeloop::ImportedDesign design = timeloop::ImportTimeloop(written);
    read_back = Evaluate(*selection.cost_model, design.problem, design.mapping, "the export");
  } catch (...) {
    std::filesystem::remove_all(scratch);
    throw;
  }
  std::filesystem::remove_all(scratch);
  const double energy_scale = std::max(1.0, std::fabs(original.energy_pj));
  if (read_back->cycles != original.cycles ||
      std::fabs(read_back->energy_pj - original.energy_pj) > 1e-9 * energy_scale) {
    throw util::ConfigError(fmt::format(
        "expected the Timeloop export to keep the figures ({} cycles, {} pJ), got {} cycles, {} pJ when read back; "
        "Timeloop's idealization (multiple_buffering, its double-precision cycles) differs from this architecture's "
        "honest buffering here, so the mapping is not exported",
        original.cycles, original.energy_pj, read_back->cycles, read_back->energy_pj));
  }
  const std::filesystem::path dir(args.output_dir);
  for (const auto& [name, content] : outputs) {
    io::WriteFileAtomically(dir / name, *content);
    std::cout << (dir / name).string() << "\n";
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
      "One mapping of one op -> Timeloop v0.4 arch.yaml, problem.yaml, map.yaml, ERT.yaml and ART.yaml "
      "(docs/timeloop.md, \"Export\"); refuses what Timeloop cannot express");
  AddOpSelectionOptions(*timeloop, args->selection);
  // The export is checked with the dataflow model (Timeloop-exact), so the cost-model options do not apply.
  timeloop->remove_option(timeloop->get_option("--cost-model"));
  timeloop->remove_option(timeloop->get_option("--cost-param"));
  timeloop
      ->add_option("--mapping", args->mapping_path,
                   "Mapping YAML file, or a mapping in the one-line form `search` prints (docs/mappings.md)")
      ->required();
  timeloop->add_option("--output", args->output_dir, "Folder to write the five Timeloop files into")->required();
  registry.Add(timeloop, [args] { return RunExportTimeloop(*args); });
}

}  // namespace loopfront::cli
