// The subcommands of the `loopfront` CLI. Each Add*Command declares its options on `app` and
// registers the action that runs when the user picks it. Actions return the process exit code:
// 0 ok; they throw util::ConfigError for bad input (exit 2) and util::InternalError for bugs (1).
#pragma once

#include <CLI/CLI.hpp>

#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace loopfront::cli {

class CommandRegistry {
 public:
  using Action = std::function<int()>;
  void Add(CLI::App* subcommand, Action action) { actions_.emplace_back(subcommand, std::move(action)); }
  const std::vector<std::pair<CLI::App*, Action>>& actions() const { return actions_; }

 private:
  std::vector<std::pair<CLI::App*, Action>> actions_;
};

void AddListCommand(CLI::App& app, CommandRegistry& registry);
void AddAnalyzeCommand(CLI::App& app, CommandRegistry& registry);
void AddValidateCommand(CLI::App& app, CommandRegistry& registry);
void AddCrosscheckCommand(CLI::App& app, CommandRegistry& registry);
void AddEvalCommand(CLI::App& app, CommandRegistry& registry);
void AddImportCommand(CLI::App& app, CommandRegistry& registry);
void AddExportCommand(CLI::App& app, CommandRegistry& registry);
void AddSearchCommand(CLI::App& app, CommandRegistry& registry);
void AddRunCommand(CLI::App& app, CommandRegistry& registry);
void AddMergeCommand(CLI::App& app, CommandRegistry& registry);
void AddPlotCommand(CLI::App& app, CommandRegistry& registry);
void AddReproduceCommand(CLI::App& app, CommandRegistry& registry);

// This process's command line, from /proc/self/cmdline (for manifests).
std::string ProcessCommandLine();

// Prints on stderr what an exception escaping a command means to the user (a ConfigError's
// diagnostics, `file:line:col:` first; an internal error's text; a filesystem error's paths and
// reason), flushed, and returns the exit code: 2 bad input, 1 internal error. `main` calls it for
// every command; the MPI `run` calls it on rank 0 before releasing the other ranks, because once a
// rank exits non-zero mpirun may kill rank 0 before it has written anything.
int ReportError(std::exception_ptr error);

// What `loopfront plot DIR --formats F` does; `run` calls it at the end of an experiment.
int PlotOutput(const std::string& output_dir, const std::string& formats = "png,svg,pdf");

}  // namespace loopfront::cli
