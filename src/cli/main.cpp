// loopfront's entry point: parses the command line (CLI11) and runs one subcommand. This is the
// only place that turns exceptions into exit codes (shared/STYLE.md): 0 ok, 1 internal error,
// 2 bad input or usage. Messages go to stderr, data to stdout.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "loopfront/util/error.h"
#include "loopfront/version.h"
#include "src/cli/commands.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

int Run(int argc, char** argv) {
  CLI::App app{
      "loopfront: Pareto-optimal mappings (latency vs energy) of Transformer ops on DNN accelerators.\n"
      "Run `loopfront <command> --help` for the options of a command."};
  app.name("loopfront");
  app.set_version_flag("--version", fmt::format("loopfront {} ({})", loopfront::kVersion, loopfront::kGitCommit));
  app.require_subcommand(1);

  loopfront::cli::CommandRegistry registry;
  loopfront::cli::AddListCommand(app, registry);
  loopfront::cli::AddAnalyzeCommand(app, registry);
  loopfront::cli::AddValidateCommand(app, registry);
  loopfront::cli::AddCrosscheckCommand(app, registry);
  loopfront::cli::AddEvalCommand(app, registry);
  loopfront::cli::AddImportCommand(app, registry);
  loopfront::cli::AddExportCommand(app, registry);
  loopfront::cli::AddSearchCommand(app, registry);
  loopfront::cli::AddRunCommand(app, registry);
  loopfront::cli::AddMergeCommand(app, registry);
  loopfront::cli::AddPlotCommand(app, registry);
  loopfront::cli::AddReproduceCommand(app, registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version arrive here as "errors" with exit code 0.
    const int cli_code = app.exit(error);
    return cli_code == 0 ? kExitOk : kExitBadInput;
  }
  for (const auto& [subcommand, action] : registry.actions()) {
    if (subcommand->parsed()) return action();
  }
  throw loopfront::util::InternalError("no subcommand action ran");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const loopfront::util::ConfigError& error) {
    for (const loopfront::util::Diagnostic& diagnostic : error.diagnostics()) {
      // Positioned diagnostics start with `file:line:col:` so that editors can jump to them.
      std::cerr << (diagnostic.file.empty() ? "error: " : "") << diagnostic.ToString() << '\n';
    }
    return kExitBadInput;
  } catch (const loopfront::util::InternalError& error) {
    std::cerr << "internal error (a bug in loopfront, please report it): " << error.what() << '\n';
    return kExitInternal;
  } catch (const std::exception& error) {
    std::cerr << "internal error (a bug in loopfront, please report it): " << error.what() << '\n';
    return kExitInternal;
  }
}
