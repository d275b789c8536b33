// `loopfront list`: what the user can name — workload and architecture presets (and, as later
// modules register them, searchers and cost models with their parameters).
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
    std::vector<report::CatalogSection> sections = {
        PresetSection(io::PresetKind::kWorkload, "workloads (--model NAME)"),
        PresetSection(io::PresetKind::kArchitecture, "architectures (--arch NAME)")};
    report::CatalogSection& cost_models =
        sections.emplace_back(report::CatalogSection{"cost models (--cost-model NAME)"});
    for (const cost::CostModelRegistry::Entry& entry : cost::BuiltinCostModels().entries()) {
      cost_models.entries.push_back(report::CatalogEntry{.name = entry.name, .description = entry.description});
    }
    report::CatalogSection& searchers =
        sections.emplace_back(report::CatalogSection{"searchers (--searcher NAME, parameters as --param NAME=VALUE)"});
    for (const search::SearcherRegistry::Entry& entry : search::BuiltinSearchers().entries()) {
      report::CatalogEntry& listed =
          searchers.entries.emplace_back(report::CatalogEntry{.name = entry.name, .description = entry.description});
      for (const search::ParamSpec& spec : entry.params) listed.details.push_back(search::DescribeParam(spec));
    }
    std::cout << report::CatalogText(sections);
    return 0;
  });
}

}  // namespace loopfront::cli
