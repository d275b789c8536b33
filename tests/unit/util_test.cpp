#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>

#include "loopfront/util/random.h"
#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"

using loopfront::util::Rng;

TEST_CASE("Derived streams are reproducible and distinct per task", "[util]") {
  const auto a = loopfront::util::DeriveSeed(1, {3, 4});
  CHECK(a == loopfront::util::DeriveSeed(1, {3, 4}));
  CHECK(a != loopfront::util::DeriveSeed(1, {4, 3}));
  CHECK(a != loopfront::util::DeriveSeed(2, {3, 4}));
  Rng first(a);
  Rng second(a);
  for (int draw = 0; draw < 100; ++draw) CHECK(first.Next() == second.Next());
}

TEST_CASE("Below draws every value of a small range and nothing outside it", "[util]") {
  Rng random(42);
  std::set<std::uint64_t> seen;
  for (int draw = 0; draw < 2000; ++draw) {
    const std::uint64_t value = random.Below(7);
    REQUIRE(value < 7);
    seen.insert(value);
  }
  CHECK(seen.size() == 7);
  for (int draw = 0; draw < 1000; ++draw) {
    const double value = random.Uniform();
    REQUIRE(value >= 0.0);
    REQUIRE(value < 1.0);
  }
}

TEST_CASE("Did-you-mean suggests close names only", "[util]") {
  using loopfront::util::ClosestMatch;
  CHECK(ClosestMatch("genetc", {"random", "genetic", "annealing"}) == "genetic");
  CHECK_FALSE(ClosestMatch("zzzzzz", {"random", "genetic", "annealing"}));
  CHECK(loopfront::util::EditDistance("kitten", "sitting") == 3);
}

TEST_CASE("Default thread count honours OMP_NUM_THREADS", "[util]") {
  const char* saved = std::getenv("OMP_NUM_THREADS");
  const std::string saved_value = saved ? saved : "";
  setenv("OMP_NUM_THREADS", "1", 1);
  CHECK(loopfront::util::DefaultThreadCount() == 1);
  unsetenv("OMP_NUM_THREADS");
  CHECK(loopfront::util::DefaultThreadCount() >= 1);
  if (saved) setenv("OMP_NUM_THREADS", saved_value.c_str(), 1);
}
