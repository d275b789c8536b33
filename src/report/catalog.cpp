#include "loopfront/report/catalog.h"

#include "loopfront/report/table.h"

namespace loopfront::report {

std::string CatalogText(const std::vector<CatalogSection>& sections) {
  std::string text;
  for (const CatalogSection& section : sections) {
    text += section.title + ":\n";
    for (const CatalogEntry& entry : section.entries) {
      Table line({Column{.name = "name", .width = 22, .fit_cells = false}, Column{.name = "description"}});
      line.Row().Add(entry.name).Add(entry.description);
      text += WriteText(line, {.indent = "  ", .gap = " ", .heading = false});
      for (const std::string& detail : entry.details) text += "      " + detail + "\n";
    }
  }
  return text;
}

}  // namespace loopfront::report
