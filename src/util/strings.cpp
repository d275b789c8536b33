#include "loopfront/util/strings.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace loopfront::util {

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> previous(b.size() + 1);
  std::vector<int> current(b.size() + 1);
  for (std::size_t col = 0; col <= b.size(); ++col) previous[col] = static_cast<int>(col);
  for (std::size_t row = 1; row <= a.size(); ++row) {
    current[0] = static_cast<int>(row);
    for (std::size_t col = 1; col <= b.size(); ++col) {
      const int substitute = previous[col - 1] + (a[row - 1] == b[col - 1] ? 0 : 1);
      current[col] = std::min({previous[col] + 1, current[col - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestMatch(std::string_view name, const std::vector<std::string>& candidates) {
  const int limit = std::max<int>(2, static_cast<int>(name.size()) / 3);
  std::optional<std::string> best;
  int best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const int distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string DidYouMeanHint(std::string_view name, const std::vector<std::string>& candidates) {
  const std::optional<std::string> match = ClosestMatch(name, candidates);
  return match ? fmt::format("; did you mean '{}'?", *match) : std::string();
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (std::size_t index = 0; index < items.size(); ++index) {
    if (index > 0) text += separator;
    text += items[index];
  }
  return text;
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [pointer, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || pointer != end || text.empty()) return std::nullopt;
  return value;
}

std::string FormatNumber(double value) {
  // Below 9e15 every integral double is an exact int64 (2^53 ≈ 9.007e15); fmt's shortest
  // round-trip text covers the rest (fractions, huge values, inf, nan).
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 9e15) {
    return fmt::format("{}", static_cast<std::int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string EscapeControl(std::string_view text, bool escape_backslash) {
  std::string escaped;
  escaped.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte == '\n') {
      escaped += "\\n";
    } else if (byte == '\r') {
      escaped += "\\r";
    } else if (byte == '\t') {
      escaped += "\\t";
    } else if (byte == '\\' && escape_backslash) {
      escaped += "\\\\";
    } else if (byte < 0x20 || byte == 0x7f) {
      escaped += fmt::format("\\x{:02x}", byte);
    } else if (byte == 0xc2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[at + 1]) <= 0x9f) {
      // A C1 control (U+0080–U+009F; U+009B is a one-byte CSI on some terminals).
      escaped += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[at + 1]));
      ++at;
    } else {
      escaped += static_cast<char>(byte);
    }
  }
  return escaped;
}

}  // namespace loopfront::util
