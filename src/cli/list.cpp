// `loopfront list`: what the user can name — workload and architecture presets (and, as later
// modules register them, searchers and cost models with their parameters).
#include <fmt/format.h>

#include <iostream>

#include "loopfront/cost/cost_model.h"
#include "loopfront/io/presets.h"
#include "loopfront/search/searcher.h"
#include "src/cli/commands.h"

namespace loopfront::cli {
namespace {

// The first comment line of a preset file is its one-line description.
std::string_view FirstCommentLine(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.starts_with("#")) {
      line.remove_prefix(1);
      while (line.starts_with(" ")) line.remove_prefix(1);
      return line;
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return {};
}

void PrintPresets(io::PresetKind kind, std::string_view title) {
  std::cout << title << ":\n";
  for (const io::Preset& preset : io::AllPresets()) {
    if (preset.kind != kind) continue;
    std::cout << fmt::format("  {:<22} {}\n", preset.name, FirstCommentLine(preset.text));
  }
}

}  // namespace

void AddListCommand(CLI::App& app, CommandRegistry& registry) {
  CLI::App* list =
      app.add_subcommand("list",
                         "List the presets (workloads, architectures), cost models and searchers that can be "
                         "named");
  registry.Add(list, [] {
    PrintPresets(io::PresetKind::kWorkload, "workloads (--model NAME)");
    PrintPresets(io::PresetKind::kArchitecture, "architectures (--arch NAME)");
    std::cout << "cost models (--cost-model NAME, parameters as --cost-param NAME=VALUE):\n";
    std::cout << cost::BuiltinCostModels().Listing();
    std::cout << "searchers (--searcher NAME, parameters as --param NAME=VALUE):\n";
    std::cout << search::BuiltinSearchers().Listing();
    return 0;
  });
}

}  // namespace loopfront::cli
