#include "loopfront/util/ranges.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/checked.h"

using loopfront::util::IntRange;
using loopfront::util::RealRange;

TEST_CASE("Ranges describe themselves and their out-of-range values", "[util][ranges]") {
  CHECK(loopfront::util::DescribeRange(IntRange{1, 8}) == "an integer in [1, 8]");
  CHECK(loopfront::util::DescribeRange(IntRange{1, std::numeric_limits<std::int64_t>::max()}) == "an integer ≥ 1");
  CHECK(loopfront::util::OutOfRangeMessage(loopfront::util::kThreadsRange, 0) ==
        "expected an integer in [1, 65536], got 0");
  CHECK(loopfront::util::OutOfRangeMessage(loopfront::util::kBandwidthRange, 1e19) ==
        "expected a number in [1e-06, 1000000000000], got 1e+19");
  CHECK(loopfront::util::OutOfRangeMessage(loopfront::util::kEnergyPjRange, std::nan("")) ==
        "expected a number in [0, 1000000000], got nan");
  CHECK_FALSE(loopfront::util::kFractionRange.Contains(std::nan("")));
  CHECK(loopfront::util::kCountRange.Contains(std::int64_t{1} << 40));
  CHECK_FALSE(loopfront::util::kCountRange.Contains((std::int64_t{1} << 40) + 1));
}

TEST_CASE("Checked arithmetic reports overflow instead of wrapping", "[util][ranges]") {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  CHECK(loopfront::util::CheckedMul(3037000500, 3037000500) == std::nullopt);  // 3037000500² > 2^63
  CHECK(loopfront::util::CheckedMul(3037000499, 3037000499) == std::int64_t{9223372030926249001});
  CHECK(loopfront::util::CheckedAdd(kMax, 1) == std::nullopt);
  CHECK(loopfront::util::CheckedAdd(kMax - 1, 1) == kMax);
  CHECK(loopfront::util::CheckedProduct({}) == 1);
  CHECK(loopfront::util::CheckedProduct({1 << 20, 1 << 20, 1 << 20}) == std::int64_t{1} << 60);
  CHECK(loopfront::util::CheckedProduct({1 << 20, 1 << 20, 1 << 20, 1 << 3}) == std::nullopt);
  CHECK(loopfront::util::CheckedToInt64(1e19) == std::nullopt);
  CHECK(loopfront::util::CheckedToInt64(std::nan("")) == std::nullopt);
  CHECK(loopfront::util::CheckedToInt64(-std::numeric_limits<double>::infinity()) == std::nullopt);
  CHECK(loopfront::util::CheckedToInt64(9223372036854774784.0) == std::int64_t{9223372036854774784});
  CHECK(loopfront::util::CheckedToInt64(-2.5) == -2);
}

TEST_CASE("YAML numbers read inside a range, or a positioned error saying which", "[util][ranges][yaml]") {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(
      "a: 0\nb: 99999999999999999999\nc: 1e19\nd: 2.5\ne: \"3\"\nf: 7\n", "r.yaml", diagnostics);
  const auto map = document.root().AsOpenMap();
  REQUIRE(map);
  CHECK_FALSE(map->Get("a")->AsIntIn(loopfront::util::kThreadsRange));
  CHECK_FALSE(map->Get("b")->AsIntIn(loopfront::util::kCountRange));
  CHECK_FALSE(map->Get("c")->AsDoubleIn(loopfront::util::kBandwidthRange));
  CHECK(map->Get("d")->AsDoubleIn(loopfront::util::kBandwidthRange) == 2.5);
  CHECK_FALSE(map->Get("e")->AsIntIn(loopfront::util::kCountRange));
  CHECK(map->Get("f")->AsIntIn(IntRange{1, 8}) == 7);
  std::vector<std::string> messages;
  for (const auto& item : diagnostics.items()) messages.push_back(item.ToString());
  REQUIRE(messages.size() == 4);
  CHECK(messages[0] == "r.yaml:1:4: a: expected an integer in [1, 65536], got 0");
  CHECK(messages[1] == "r.yaml:2:4: b: expected an integer in [1, 1099511627776], got '99999999999999999999'");
  CHECK(messages[2] == "r.yaml:3:4: c: expected a number in [1e-06, 1000000000000], got 1e+19");
  CHECK(messages[3] == "r.yaml:5:4: e: expected an integer in [1, 1099511627776], got the string \"3\"");
}
