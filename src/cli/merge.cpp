// `loopfront merge DIR... [--output DIR]`: joins the outputs of an experiment's shards (or of runs
// on several machines) into one: copies every points/*.json into the first directory, or into
// --output, and rebuilds the tables from all of them with the same code as `run`
// (experiment/runner.h), so the CSVs equal those of a single-process run. Refuses (exit 2, nothing
// written) shards of different experiments, a point file that is not a result of the experiment,
// and a destination inside a points/ folder; the merged folder is built beside the destination
// and renamed into place (experiment/output_folder.h).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/experiment/runner.h"
#include "loopfront/report/schemas.h"
#include "loopfront/util/strings.h"
#include "src/cli/commands.h"

namespace loopfront::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> directories;
  std::string output;
};

int RunMerge(const MergeArgs& args) {
  const std::string command_line = ProcessCommandLine();
  std::vector<std::filesystem::path> sources(args.directories.begin(), args.directories.end());
  const std::filesystem::path destination = args.output.empty() ? sources.front() : std::filesystem::path(args.output);
  const experiment::RebuiltTables rebuilt = experiment::MergeOutputs(sources, destination, command_line);
  for (const std::string& line : rebuilt.set_aside) std::cerr << "warning: not used: " << line << '\n';
  std::cout << fmt::format("merged {} director{} into {}: {} points; {} rebuilt\n", sources.size(),
                           sources.size() == 1 ? "y" : "ies", destination.string(), rebuilt.points,
                           util::Join(rebuilt.files, ", "));
  return 0;
}

}  // namespace

void AddMergeCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* merge =
      app.add_subcommand("merge", "Join the output directories of an experiment's shards and rebuild the CSVs");
  merge->add_option("DIR", args->directories, "Output directories of `loopfront run` (shards)")->required();
  merge->add_option("--output", args->output, "Directory to merge into (default: the first DIR)");
  registry.Add(merge, [args] { return RunMerge(*args); });
}

}  // namespace loopfront::cli
