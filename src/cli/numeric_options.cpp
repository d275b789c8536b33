#include "src/cli/numeric_options.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "loopfront/util/strings.h"

namespace loopfront::cli {

CLI::Validator IntIn(const util::IntRange& range) {
  return CLI::Validator(
      [range](std::string& text) -> std::string {
        const std::optional<std::int64_t> value = util::ParseInt64(text);
        // Text beyond int64 (99999999999999999999) is out of every range: say so with its digits.
        if (!value) return fmt::format("expected {}, got '{}'", util::DescribeRange(range), text);
        if (!range.Contains(*value)) return util::OutOfRangeMessage(range, *value);
        return {};
      },
      fmt::format("[{}, {}]", range.min, range.max), "IntIn");
}

CLI::Validator RealIn(const util::RealRange& range) {
  return CLI::Validator(
      [range](std::string& text) -> std::string {
        const std::optional<double> value = ParseReal(text);
        if (!value) return fmt::format("expected {}, got '{}'", util::DescribeRange(range), text);
        if (!range.Contains(*value)) return util::OutOfRangeMessage(range, *value);
        return {};
      },
      fmt::format("[{}, {}]", util::FormatNumber(range.min), util::FormatNumber(range.max)), "RealIn");
}

std::optional<double> ParseReal(std::string_view text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [pointer, error] = std::from_chars(text.data(), end, value);
  // A result out of double's range (1e999) is an error of from_chars, and so is junk.
  if (text.empty() || error != std::errc() || pointer != end) return std::nullopt;
  return value;
}

}  // namespace loopfront::cli
