// loopfront's entry point: parses the command line (CLI11) and runs one subcommand. ReportError,
// here, is the only place that turns exceptions into exit codes (shared/STYLE.md): 0 ok, 1 internal
// error, 2 bad input or usage. Messages go to stderr, data to stdout.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "loopfront/io/input.h"
#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
#include "loopfront/version.h"
#include "src/cli/commands.h"
#include "src/cli/numeric_options.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

// "PATH1 → PATH2: permission denied" (as many paths as the error names).
std::string FilesystemErrorText(const std::filesystem::filesystem_error& error) {
  std::string paths = error.path1().string();
  if (!error.path2().empty()) paths += " -> " + error.path2().string();
  std::string reason = error.code().message();
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return paths.empty() ? reason : paths + ": " + reason;
}

int Run(int argc, char** argv) {
  CLI::App app{
      "loopfront: Pareto-optimal mappings (latency vs energy) of Transformer ops on DNN accelerators.\n"
      "Run `loopfront <command> --help` for the options of a command."};
  app.name("loopfront");
  app.set_version_flag("--version", fmt::format("loopfront {} ({})", loopfront::kVersion, loopfront::kGitCommit));
  app.require_subcommand(1);

  // A global option (before or after the subcommand, thanks to fallthrough): every command that
  // reads input files reads them through io::ReadInputFile, which holds the limit.
  std::optional<std::int64_t> max_input_bytes;
  app.add_option("--max-input-bytes", max_input_bytes,
                 fmt::format("Largest input file read, in bytes (default {} = {}); a larger file, a FIFO or a device "
                             "is refused",
                             loopfront::io::kDefaultMaxInputBytes,
                             loopfront::io::DescribeBytes(loopfront::io::kDefaultMaxInputBytes)))
      ->type_name("BYTES")
      ->check(loopfront::cli::IntIn(loopfront::util::kInputBytesRange));
  app.fallthrough();

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
  if (max_input_bytes) loopfront::io::SetMaxInputBytes(*max_input_bytes);
  for (const auto& [subcommand, action] : registry.actions()) {
    if (subcommand->parsed()) return action();
  }
  throw loopfront::util::InternalError("no subcommand action ran");
}

}  // namespace

namespace loopfront::cli {

int ReportError(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const util::ConfigError& config_error) {
    for (const util::Diagnostic& diagnostic : config_error.diagnostics()) {
      // Positioned diagnostics start with `file:line:col:` so that editors can jump to them.
      std::cerr << (diagnostic.file.empty() ? "error: " : "") << diagnostic.ToString() << '\n';
    }
    std::cerr.flush();
    return kExitBadInput;
  } catch (const util::InternalError& internal_error) {
    std::cerr << "internal error (a bug in loopfront, please report it): " << internal_error.what() << std::endl;
    return kExitInternal;
  } catch (const std::filesystem::filesystem_error& filesystem_error) {
    // A std::filesystem call that escaped its caller's checks. Every path loopfront touches is one
    // the user chose (an input, an output folder, a folder of cases) or lies inside one, so a
    // failure on it (a directory where a file was expected, permission denied, a symlink loop, a
    // full disk) is the user's to fix: exit 2 with the paths and the system's reason, not an
    // "internal error". loopfront's own bugs never surface as filesystem_error.
    std::cerr << "error: " << FilesystemErrorText(filesystem_error) << std::endl;
    return kExitBadInput;
  } catch (const std::exception& other) {
    std::cerr << "internal error (a bug in loopfront, please report it): " << other.what() << std::endl;
    return kExitInternal;
  }
}

}  // namespace loopfront::cli

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (...) {
    return loopfront::cli::ReportError(std::current_exception());
  }
}
