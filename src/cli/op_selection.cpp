#include "src/cli/op_selection.h"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/op_spec.h"

namespace loopfront::cli {

void AddOpSelectionOptions(CLI::App& command, OpSelectionOptions& options, bool required) {
  CLI::Option* arch = command.add_option("--arch", options.arch, "Architecture preset name or YAML file");
  if (required) arch->required();
  command.add_option(
      "--op", options.op_spec,
      "The op, e.g. \"matmul m=512 n=768 k=768\" (kinds: " + util::Join(workload::OpSpecKinds(), ", ") + ")");
  CLI::Option* workload = command.add_option("--workload", options.workload,
                                             "Workload preset or YAML file holding the op (with --op-name)");
  CLI::Option* op_name = command.add_option("--op-name", options.op_name, "Name of the op within --workload");
  op_name->needs(workload);
  workload->needs(op_name);
  command.add_option("--cost-model", options.cost_model, "Cost model: one of the names `loopfront list` shows")
      ->capture_default_str();
  command.add_option("--cost-param", options.cost_params,
                     "A cost-model parameter NAME=VALUE (repeatable; see `loopfront list`)");
}

workload::Op ResolveOp(const std::string& op_spec, const std::string& workload_name, const std::string& op_name) {
  const bool has_spec = !op_spec.empty();
  const bool has_workload = !workload_name.empty() || !op_name.empty();
  if (has_spec == has_workload) {
    throw util::ConfigError(
        fmt::format("expected exactly one of --op SPEC or --workload FILE_OR_PRESET --op-name NAME, got {}",
                    has_spec ? "both" : "neither"));
  }
  if (has_spec) return workload::ParseOpSpec(op_spec, "--op");
  if (workload_name.empty() || op_name.empty()) {
    throw util::ConfigError("expected --workload and --op-name together, got only one of them");
  }
  const workload::Workload loaded = workload::LoadWorkload(workload_name);
  if (const std::optional<workload::OpId> id = loaded.FindOp(op_name)) return loaded.op(*id);
  std::vector<std::string> names;
  for (const workload::Op& op : loaded.ops()) names.push_back(op.name);
  throw util::ConfigError({util::Diagnostic{
      .path = "--op-name",
      .message = fmt::format("expected an op of workload '{}' ({}), got '{}'{}", loaded.name(), util::Join(names, ", "),
                             op_name, util::DidYouMeanHint(op_name, names))}});
}

OpSelection ResolveOpSelection(const OpSelectionOptions& options) {
  if (options.arch.empty()) {
    throw util::ConfigError({util::Diagnostic{.path = "--arch", .message = "expected an architecture, got none"}});
  }
  // Collect the independent problems of --arch, the op and --cost-model together.
  std::vector<util::Diagnostic> diagnostics;
  std::optional<arch::Architecture> architecture;
  std::optional<workload::Op> op;
  std::unique_ptr<cost::CostModel> cost_model;
  auto collect = [&](auto&& step) {
    try {
      step();
    } catch (const util::ConfigError& error) {
      diagnostics.insert(diagnostics.end(), error.diagnostics().begin(), error.diagnostics().end());
    }
  };
  collect([&] { architecture = arch::LoadArchitecture(options.arch); });
  collect([&] { op = ResolveOp(options.op_spec, options.workload, options.op_name); });
  collect([&] { cost_model = cost::BuiltinCostModels().Create(options.cost_model, options.cost_params); });
  if (!diagnostics.empty()) throw util::ConfigError(std::move(diagnostics));

  OpSelection selection{
      .architecture = std::move(*architecture),
      .op = std::move(*op),
      .problem = {},
      .cost_model = std::move(cost_model),
      .op_label = options.op_spec.empty() ? options.workload + ":" + options.op_name : options.op_spec};
  selection.problem = mapping::Problem::Build(selection.op, selection.architecture);
  return selection;
}

OpSelection ResolveOpSelection(const OpSelectionOptions& cli_options, const mapping::MappingFile& file) {
  const mapping::MappingFileHeader& header = file.header();
  // Loading what the header names first reports its errors at the header's keys.
  std::optional<mapping::Problem> file_problem;
  if (header.NamesProblem()) file_problem = file.HeaderProblem();
  // What the command line leaves out comes from the mapping file's header.
  OpSelectionOptions options = cli_options;
  const bool cli_names_arch = !options.arch.empty();
  const bool cli_names_op = !options.op_spec.empty() || !options.workload.empty();
  if (!cli_names_arch && header.arch) options.arch = file.ResolveRelative(*header.arch);
  if (!cli_names_op && header.op) options.op_spec = *header.op;
  if (!cli_names_op && header.workload && header.op_name) {
    options.workload = file.ResolveRelative(*header.workload);
    options.op_name = *header.op_name;
  }
  if (options.arch.empty() || (options.op_spec.empty() && options.workload.empty())) {
    throw util::ConfigError(
        "expected --arch and the op (--op SPEC, or --workload and --op-name) on the command line or named in the "
        "mapping file (arch:, op: or workload: + op_name:), got only part of them");
  }
  OpSelection selection = ResolveOpSelection(options);
  // Where both name the same thing, they must agree.
  if ((cli_names_arch || cli_names_op) && file_problem) {
    mapping::CheckHeaderAgreement(*file_problem, selection.architecture, selection.op, file.file(), "given by --arch",
                                  fmt::format("given on the command line ({})", selection.op_label));
  }
  return selection;
}

}  // namespace loopfront::cli
