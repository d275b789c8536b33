#include "loopfront/report/crosscheck.h"

#include <fmt/format.h>

namespace loopfront::report {

std::string CrosscheckCaseText(const std::string& case_name, const cost::CrosscheckResult& result, bool verbose) {
  std::string text;
  for (const cost::CrosscheckMismatch& mismatch : result.mismatches) text += mismatch.ToString() + "\n";
  if (verbose) {
    text += fmt::format("{}: {} quantities, {} mismatches\n", case_name, result.quantities, result.mismatches.size());
  }
  return text;
}

std::string CrosscheckSummaryText(std::size_t cases, std::int64_t quantities, std::int64_t mismatches) {
  return fmt::format("crosscheck: {} cases, {} quantities, {} mismatches\n", cases, quantities, mismatches);
}

}  // namespace loopfront::report
