#include "loopfront/pareto/front.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using loopfront::pareto::Dominates;
using loopfront::pareto::Front;
using loopfront::pareto::Objectives;

namespace {

bool NoPointDominatesAnother(const std::vector<Objectives>& points) {
  for (const Objectives& a : points) {
    for (const Objectives& b : points) {
      if (Dominates(a, b)) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("Front keeps exactly the non-dominated points, sorted by latency", "[pareto]") {
  Front<std::string> front;
  CHECK(front.Insert({10, 100}, "a"));
  CHECK(front.Insert({20, 50}, "b"));
  CHECK_FALSE(front.Insert({25, 60}, "dominated by b"));
  CHECK_FALSE(front.Insert({20, 50}, "equal to b: first one wins"));
  CHECK(front.Insert({5, 200}, "c"));
  CHECK(front.Insert({15, 40}, "d dominates b"));
  REQUIRE(front.size() == 3);
  CHECK(front.points()[0].payload == "c");
  CHECK(front.points()[1].payload == "a");
  CHECK(front.points()[2].payload == "d dominates b");
  // Knee: EDPs are 1000, 1000, 600.
  CHECK(front.Knee()->payload == "d dominates b");
  CHECK(front.MinLatency()->payload == "c");
  CHECK(front.MinEnergy()->payload == "d dominates b");
}

TEST_CASE("Front matches a brute-force non-dominated filter on random points", "[pareto]") {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int> value(1, 60);
  std::vector<Objectives> all;
  Front<int> front;
  for (int index = 0; index < 500; ++index) {
    const Objectives point{static_cast<double>(value(random)), static_cast<double>(value(random))};
    all.push_back(point);
    front.Insert(point, index);
  }
  std::vector<Objectives> expected;
  for (const Objectives& candidate : all) {
    bool dominated = false;
    for (const Objectives& other : all) dominated = dominated || Dominates(other, candidate);
    if (!dominated && std::find(expected.begin(), expected.end(), candidate) == expected.end()) {
      expected.push_back(candidate);
    }
  }
  std::sort(expected.begin(), expected.end(),
            [](const Objectives& a, const Objectives& b) { return a.latency_cycles < b.latency_cycles; });
  CHECK(front.ObjectivesOnly() == expected);
  CHECK(NoPointDominatesAnother(front.ObjectivesOnly()));
}

TEST_CASE("Hypervolume of a staircase is the sum of its rectangles", "[pareto]") {
  // Points (1,4), (2,2), (3,1) against reference (5,5):
  // (5-1)(5-4) + (5-2)(4-2) + (5-3)(2-1) = 4 + 6 + 2 = 12.
  CHECK(loopfront::pareto::Hypervolume({{2, 2}, {1, 4}, {3, 1}}, {5, 5}) == Approx(12));
  // A point beyond the reference adds nothing; a dominated one adds nothing.
  CHECK(loopfront::pareto::Hypervolume({{1, 4}, {6, 1}, {2, 4.5}}, {5, 5}) == Approx(4));
}

TEST_CASE("Distance to a reference front is zero when it is reached and relative otherwise", "[pareto]") {
  const std::vector<Objectives> reference{{100, 10}, {200, 5}};
  CHECK(loopfront::pareto::DistanceToReference(reference, reference) == 0);
  CHECK(loopfront::pareto::DistanceToReference({{50, 1}}, reference) == 0);
  // 10% slower than both reference points at equal energy: ln(1.1) each.
  CHECK(loopfront::pareto::DistanceToReference({{110, 10}, {220, 5}}, reference) == Approx(std::log(1.1)));
}

TEST_CASE("Weighted Minkowski sum combines one point per op and stays non-dominated", "[pareto]") {
  Front<std::string> op_a;
  op_a.Insert({10, 100}, "a-fast");
  op_a.Insert({20, 60}, "a-frugal");
  Front<std::string> op_b;
  op_b.Insert({1, 10}, "b-fast");
  op_b.Insert({3, 4}, "b-frugal");
  // op_b runs 12 times: sums are (22,220) (46,148) (32,180) (56,108); (46,148) is dominated by (32,180)? no:
  // 32<46 but 180>148, so all four are non-dominated.
  const auto sum = loopfront::pareto::MinkowskiSum(op_a, op_b, 12.0, 0.0,
                                                   [](const std::string& a, const std::string& b) { return a + "+" + b; });
  REQUIRE(sum.size() == 4);
  CHECK(sum.points()[0].objectives == Objectives{22, 220});
  CHECK(sum.points()[0].payload == "a-fast+b-fast");
  CHECK(sum.points()[3].objectives == Objectives{56, 108});
  CHECK(sum.points()[3].payload == "a-frugal+b-frugal");
}

TEST_CASE("Log-grid thinning keeps the extremes and bounds the size", "[pareto]") {
  Front<int> front;
  for (int index = 0; index < 1000; ++index) {
    const double latency = 1000.0 + index * 0.01;  // all within 1% of each other
    front.Insert({latency, 1e6 - index}, index);
  }
  REQUIRE(front.size() == 1000);
  const Front<int> thinned = loopfront::pareto::ThinByLogGrid(front, 0.005);
  CHECK(thinned.size() < 10);
  CHECK(thinned.MinLatency()->payload == 0);
  CHECK(thinned.MinEnergy()->payload == 999);
}
