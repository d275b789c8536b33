// `loopfront import timeloop FILE... --output DIR`: reads Timeloop's input files (architecture,
// problem, mapping and/or constraints, ERT, in any order; timeloop/importer.h) and writes
// loopfront's own architecture, workload, mapping (if any) and constraints (if any) files into DIR
// (report/timeloop_import.h), each value's origin in a comment, so that `loopfront eval --mapping
// DIR/mapping.yaml` gives the figures of `loopfront eval --timeloop FILE...`. Prints the paths
// written.
//
// `loopfront import hf CONFIG [--output FILE]`: reads a Hugging Face config.json
// (workload/hf_config.h) and writes the equivalent `transformer:` workload (report/workload_yaml.h),
// each value commented with its config key, to FILE (printing its path) or to stdout. Loading that
// file gives the workload of `--model hf:CONFIG`.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/io/output.h"
#include "loopfront/report/timeloop_import.h"
#include "loopfront/report/workload_yaml.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/workload/hf_config.h"
#include "src/cli/commands.h"

namespace loopfront::cli {
namespace {

struct ImportTimeloopArgs {
  std::vector<std::string> files;
  std::string output_dir;
};

int RunImportTimeloop(const ImportTimeloopArgs& args) {
  const std::vector<std::filesystem::path> files(args.files.begin(), args.files.end());
  const timeloop::ImportedDesign design = timeloop::ImportTimeloop(files, {.mapping_required = false});
  const report::ImportedFiles written = report::ImportedDesignToYaml(design);
  const std::filesystem::path dir(args.output_dir);
  const std::pair<const char*, const std::string*> outputs[] = {
      {report::kImportedArchFile, &written.arch_yaml},
      {report::kImportedWorkloadFile, &written.workload_yaml},
      {report::kImportedMappingFile, &written.mapping_yaml},
      {report::kImportedConstraintsFile, &written.constraints_yaml}};
  for (const auto& [name, content] : outputs) {
    if (content->empty()) continue;  // no mapping, or no constraints, in the files
    io::WriteFileAtomically(dir / name, *content);
    std::cout << (dir / name).string() << "\n";
  }
  return 0;
}

struct ImportHfArgs {
  std::string config;
  std::string output_file;
};

int RunImportHf(const ImportHfArgs& args) {
  const workload::HfImport imported = workload::LoadHfConfig(args.config);
  const std::string yaml = report::HfImportToYaml(imported, args.config);
  if (args.output_file.empty()) {
    std::cout << yaml;
  } else {
    io::WriteFileAtomically(args.output_file, yaml);
    std::cout << args.output_file << "\n";
  }
  return 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, CommandRegistry& registry) {
  CLI::App* import = app.add_subcommand("import", "Convert another tool's input files into loopfront's own");
  import->require_subcommand(1);
  auto args = std::make_shared<ImportTimeloopArgs>();
  CLI::App* timeloop = import->add_subcommand(
      "timeloop",
      "Timeloop/Accelergy files (architecture in the v0.3/v0.4 subtree or v0.4 tree form, problem, mapping and/or "
      "constraints, ERT or ERT_summary, optional ART; any order) -> arch.yaml, workload.yaml, mapping.yaml, "
      "constraints.yaml (docs/timeloop.md)");
  timeloop->add_option("files", args->files, "Timeloop YAML files; their top-level keys are merged")
      ->required()
      ->expected(1, -1);
  timeloop
      ->add_option("--output", args->output_dir,
                   "Folder to write arch.yaml, workload.yaml, mapping.yaml and constraints.yaml into")
      ->required();
  registry.Add(timeloop, [args] { return RunImportTimeloop(*args); });

  auto hf_args = std::make_shared<ImportHfArgs>();
  CLI::App* hf = import->add_subcommand(
      "hf",
      "A Hugging Face config.json (model_type bert, gpt2, llama, mistral, mixtral, qwen2, gemma, phi3 or vit) -> a "
      "transformer workload YAML, each value commented with its config key (docs/workloads.md)");
  hf->add_option("config", hf_args->config, "The model's config.json")->required();
  hf->add_option("--output", hf_args->output_file, "File to write the workload YAML to (default: stdout)");
  registry.Add(hf, [hf_args] { return RunImportHf(*hf_args); });
}

}  // namespace loopfront::cli
