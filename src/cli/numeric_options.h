// Numeric command-line flags, checked against the documented domains of util/ranges.h (issue #15).
// Every numeric flag of every command goes through one of these validators, so that a NaN, an
// infinity, a negative seed or an integer beyond int64 is a usage error naming the flag
// (`--threads: expected an integer in [1, 65536], got 0`, exit 2) instead of being saturated or
// converted silently. The validator runs on the flag's text before CLI11 converts it.
//
// Thread-safety: the validators are pure functions of their text.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string_view>

#include "loopfront/util/ranges.h"

namespace loopfront::cli {

// A whole base-10 integer inside `range` (no sign other than '-', no spaces, no exponent).
CLI::Validator IntIn(const util::IntRange& range);

// A decimal number inside `range` (which is finite, so NaN and infinities are refused).
CLI::Validator RealIn(const util::RealRange& range);

// The whole `text` as a double ("1e3", "0.5"); nullopt on junk. NaN and infinities parse (the
// caller's range refuses them).
std::optional<double> ParseReal(std::string_view text);

}  // namespace loopfront::cli
