// `loopfront crosscheck PATH...`: evaluates every reference case (shared/validation/README.md
// format; files or folders of *.json; or Timeloop input folders, each imported with
// timeloop::ImportTimeloop and compared with its `<folder name>.json` in the --expected folders)
// with the `dataflow` cost model and prints one line per
// quantity that differs from the reference, then a summary line. A case that uses a feature
// loopfront does not model yet (convolutions: issue 12 item 5) is not evaluated: it gets one
// "not evaluated" line naming the feature and is counted apart in the summary ("U not supported
// yet"); it is neither a mismatch nor an error. Exit 0 only if every count and cycle count of
// every evaluated case is identical and every energy is within the tolerance (cases not supported
// yet do not change it); 1 when something differs (the model disagrees with the reference); 2 for
// unreadable or malformed cases.
#include "loopfront/cost/crosscheck.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/cost/reference_case.h"
#include "loopfront/report/crosscheck.h"
#include "loopfront/util/error.h"
#include "src/cli/commands.h"
#include "src/cli/numeric_options.h"

namespace loopfront::cli {
namespace {

constexpr int kExitMismatch = 1;

struct CrosscheckArgs {
  std::vector<std::string> paths;
  std::vector<std::string> expected_dirs;  // empty: each Timeloop folder's default ones
  double energy_tolerance = 0.005;
  bool verbose = false;
};

int RunCrosscheck(const CrosscheckArgs& args) {
  std::vector<std::filesystem::path> inputs(args.paths.begin(), args.paths.end());
  const std::vector<std::filesystem::path> files = cost::ExpandReferenceCasePaths(inputs);
  // Load everything first, so that all malformed files are reported together (exit 2).
  std::vector<cost::ReferenceCase> cases;
  cases.reserve(files.size());
  std::vector<util::Diagnostic> diagnostics;
  for (const std::filesystem::path& file : files) {
    try {
      if (std::filesystem::is_directory(file)) {
        const std::vector<std::filesystem::path> expected_dirs =
            args.expected_dirs.empty()
                ? cost::DefaultTimeloopExpectedDirs(file)
                : std::vector<std::filesystem::path>(args.expected_dirs.begin(), args.expected_dirs.end());
        cases.push_back(cost::LoadTimeloopReferenceCase(file, expected_dirs));
      } else {
        cases.push_back(cost::LoadReferenceCase(file));
      }
    } catch (const util::ConfigError& error) {
      diagnostics.insert(diagnostics.end(), error.diagnostics().begin(), error.diagnostics().end());
    }
  }
  if (!diagnostics.empty()) throw util::ConfigError(std::move(diagnostics));

  const std::unique_ptr<cost::CostModel> model = cost::BuiltinCostModels().Create("dataflow");
  const cost::CrosscheckOptions options{.energy_relative_tolerance = args.energy_tolerance};
  std::int64_t quantities = 0;
  std::int64_t mismatches = 0;
  for (const cost::ReferenceCase& reference : cases) {
    const cost::Cost cost = model->Evaluate(reference.problem, reference.mapping);
    const cost::CrosscheckResult result = cost::Crosscheck(reference, cost, options);
    quantities += result.quantities;
    mismatches += static_cast<std::int64_t>(result.mismatches.size());
    std::cout << report::CrosscheckCaseText(reference.name, result, args.verbose);
  }
  std::cout << report::CrosscheckSummaryText(cases.size(), quantities, mismatches);
  return mismatches == 0 ? 0 : kExitMismatch;
}

}  // namespace

void AddCrosscheckCommand(CLI::App& app, CommandRegistry& registry) {
  auto args = std::make_shared<CrosscheckArgs>();
  CLI::App* command =
      app.add_subcommand("crosscheck",
                         "Evaluate reference cases (e.g. ../shared/validation/timeloop) or Timeloop input folders "
                         "(e.g. ../shared/validation/timeloop-inputs) with the dataflow model and compare every "
                         "quantity. Exit 0 if all match, 1 on a mismatch, 2 on a malformed case or a Timeloop folder "
                         "without its expected figures (convolutions included: affine projections, with Timeloop's "
                         "link transfers)");
  command
      ->add_option("paths", args->paths,
                   "Reference-case JSON files or folders of them; Timeloop input folders (*.yaml files) or folders "
                   "of them")
      ->required();
  // One folder per occurrence (repeat the option), so that it never swallows the paths after it.
  command
      ->add_option("--expected", args->expected_dirs,
                   "A folder holding Timeloop input folders' expected figures as <folder name>.json; repeat it for "
                   "more, the first that has a case wins (default: the timeloop and timeloop-more folders beside "
                   "the folder of the inputs, as in ../shared/validation)")
      ->allow_extra_args(false);
  command
      ->add_option("--energy-tolerance", args->energy_tolerance,
                   "Relative tolerance on energies (counts and cycles must match exactly)")
      ->check(RealIn(util::kFractionRange))
      ->capture_default_str();
  command->add_flag("--verbose", args->verbose, "Also print one line per case");
  registry.Add(command, [args] { return RunCrosscheck(*args); });
}

}  // namespace loopfront::cli
