// What `loopfront list` prints: sections of named entries (presets, cost models, searchers), each
// with a one-line description and, under it, detail lines (the parameters of a cost model or a
// searcher).
//
//   workloads (--model NAME):
//     bert-base              BERT-Base: 12-layer post-norm encoder, …
//   searchers (--searcher NAME, parameters as --param NAME=VALUE):
//     random                 uniform samples of the mapspace into a Pareto archive
//         batch_size (int, default 4096, 1..1000000): samples per step, …
#pragma once

#include <string>
#include <vector>

#include "loopfront/util/params.h"
#include "loopfront/util/registry.h"

namespace loopfront::report {

struct CatalogEntry {
  std::string name;
  std::string description;
  std::vector<std::string> details{};  // one line each, indented under the entry
};

struct CatalogSection {
  std::string title;  // "cost models (--cost-model NAME)"
  std::vector<CatalogEntry> entries{};
};

// A registry's entries (cost models, searchers), each declared parameter a detail line
// (util::DescribeParam), in registration order.
template <typename Interface>
CatalogSection RegistrySection(std::string title, const util::Registry<Interface>& registry) {
  CatalogSection section{.title = std::move(title)};
  for (const auto& entry : registry.entries()) {
    CatalogEntry& listed =
        section.entries.emplace_back(CatalogEntry{.name = entry.name, .description = entry.description});
    for (const util::ParamSpec& spec : entry.params) listed.details.push_back(util::DescribeParam(spec));
  }
  return section;
}

// The sections one after another: the title and a colon, then per entry its name (padded to 22
// characters) and description, then its details.
std::string CatalogText(const std::vector<CatalogSection>& sections);

}  // namespace loopfront::report
