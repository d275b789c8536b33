#include "loopfront/util/ranges.h"

#include <fmt/format.h>

#include <limits>

#include "loopfront/util/strings.h"

namespace loopfront::util {

std::string DescribeRange(const IntRange& range) {
  const bool no_min = range.min == std::numeric_limits<std::int64_t>::min();
  const bool no_max = range.max == std::numeric_limits<std::int64_t>::max();
  if (no_min && no_max) return "an integer";
  if (no_max) return fmt::format("an integer ≥ {}", range.min);
  if (no_min) return fmt::format("an integer ≤ {}", range.max);
  return fmt::format("an integer in [{}, {}]", range.min, range.max);
}

std::string DescribeRange(const RealRange& range) {
  return fmt::format("a number in [{}, {}]", FormatNumber(range.min), FormatNumber(range.max));
}

std::string OutOfRangeMessage(const IntRange& range, std::int64_t value) {
  return fmt::format("expected {}, got {}", DescribeRange(range), value);
}

std::string OutOfRangeMessage(const RealRange& range, double value) {
  return fmt::format("expected {}, got {}", DescribeRange(range), FormatNumber(value));
}

}  // namespace loopfront::util
