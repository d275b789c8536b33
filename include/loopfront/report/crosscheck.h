// `loopfront crosscheck`'s lines (cost/crosscheck.h): per reference case one line per quantity that
// differs from the reference ("<case> <level> <tensor> <quantity>: expected <e>, got <g>") and,
// when verbose, a count line; a line per case not evaluated (a feature loopfront does not model
// yet); at the end one summary line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "loopfront/cost/crosscheck.h"

namespace loopfront::report {

// One case's mismatch lines, then with `verbose` "<case>: Q quantities, M mismatches".
std::string CrosscheckCaseText(const std::string& case_name, const cost::CrosscheckResult& result, bool verbose);

// "crosscheck: N cases, Q quantities, M mismatches".
std::string CrosscheckSummaryText(std::size_t cases, std::int64_t quantities, std::int64_t mismatches);

}  // namespace loopfront::report
