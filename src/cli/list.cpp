// `loopfront list`: what the user can name — workload and architecture presets, cost models and
// searchers with their parameters (rendered by report/catalog.h).
#include <iostream>
#include <string>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/io/presets.h"
#include "loopfront/report/catalog.h"
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

report::CatalogSection PresetSection(io::PresetKind kind, std::string title) {
  report::CatalogSection section{.title = std::move(title)};
  for (const io::Preset& preset : io::AllPresets()) {
    if (preset.kind != kind) continue;
    section.entries.push_back(report::CatalogEntry{.name = std::string(preset.name),
                                                   .description = std::string(FirstCommentLine(preset.text))});
  }
  return section;
}

}  // namespace

void AddListCommand(CLI::App& app, CommandRegistry& registry) {
  CLI::App* list =
      app.add_subcommand("list",
                         "List the presets (workloads, architectures), cost models and searchers that can be "
                         "named");
  registry.Add(list, [] {
    const std::vector<report::CatalogSection> sections = {
        PresetSection(io::PresetKind::kWorkload, "workloads (--model NAME)"),
        PresetSection(io::PresetKind::kArchitecture, "architectures (--arch NAME)"),
        report::RegistrySection("cost models (--cost-model NAME, parameters as --cost-param NAME=VALUE)",
                                cost::BuiltinCostModels()),
        report::RegistrySection("searchers (--searcher NAME, parameters as --param NAME=VALUE)",
                                search::BuiltinSearchers())};
    std::cout << report::CatalogText(sections);
    return 0;
  });
}

}  // namespace loopfront::cli
