// Small string helpers shared by every loader: "did you mean" suggestions, joining, parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loopfront::util {

// Levenshtein edit distance (insert, delete, substitute all cost 1).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` if it is close enough to be a plausible typo
// (distance ≤ max(2, |name|/3)), else nullopt.
std::optional<std::string> ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "" — ready to append to a message.
std::string DidYouMeanHint(std::string_view name, const std::vector<std::string>& candidates);

std::string Join(const std::vector<std::string>& items, std::string_view separator);

std::vector<std::string> Split(std::string_view text, char separator);

// Parses a whole string as a base-10 integer; nullopt on any junk or overflow.
std::optional<std::int64_t> ParseInt64(std::string_view text);

// The shortest text that reads back to the same double; an integral value prints without a
// fraction or exponent ("393216", not "393216.0" or "3.93216e+05"). Every number loopfront prints
// in full (CSV and text outputs through report/table.h, parameter ranges in messages) uses it.
std::string FormatNumber(double value);

// `text` safe to show on a terminal or put on one line of a file: control characters (C0, DEL and
// the C1 range U+0080–U+009F) become escapes — \n, \r, \t, \\ for a backslash only when
// `escape_backslash`, others \xHH (ESC is \x1b) — so that a label holding a newline or a terminal
// escape sequence can neither break a line-based format nor drive the user's terminal. Other UTF-8
// text passes unchanged.
std::string EscapeControl(std::string_view text, bool escape_backslash = false);

}  // namespace loopfront::util
