// The corners of every numeric domain (util/ranges.h) at once, through both cost models (issue
// #15): the largest and smallest bandwidths, the largest energies, capacities, fill latency and
// dims. Whatever the mapping, a cost is either feasible with latency ≥ 0 and finite non-negative
// energies, or infeasible with a reason (kCountOverflow when the counts leave the model's int64
// range) — never a wrapped count. Under the ASan+UBSan suite this also proves the absence of
// signed overflow and of out-of-range double → int64 conversions on these paths.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "cost_models/dataflow/dataflow_model.h"
#include "cost_models/roofline/roofline_model.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
#include "tests/unit/cost_fixtures.h"

using loopfront::cost::Cost;
using loopfront::mapping::CyclesAtRate;
using loopfront::mapping::kSaturatedCount;
using loopfront::mapping::ParseMapping;
using loopfront::mapping::Problem;
using loopfront::mapping::Rate;
using loopfront::mapping::RateFromDouble;
using loopfront::mapping::Violation;
using namespace loopfront::testing;

namespace {

constexpr double kMaxEnergyPj = loopfront::util::kEnergyPjRange.max;
constexpr double kMinBandwidth = loopfront::util::kBandwidthRange.min;
constexpr double kMaxBandwidth = loopfront::util::kBandwidthRange.max;

// Feasible with sane figures, or infeasible for a stated reason.
void CheckSane(const Cost& cost, const Problem& problem) {
  INFO(loopfront::mapping::Describe(cost.check, problem));
  if (!cost.feasible) {
    CHECK(cost.check.violation != Violation::kNone);
    return;
  }
  CHECK(cost.cycles >= 0);
  CHECK(cost.cycles < kSaturatedCount + (std::int64_t{1} << 41));
  CHECK(std::isfinite(cost.energy_pj));
  CHECK(cost.energy_pj >= 0.0);
  CHECK(std::isfinite(cost.edp_pj_cycles));
  CHECK(cost.edp_pj_cycles >= 0.0);
}

loopfront::arch::Architecture ExtremeArch(double bandwidth, std::int64_t fill_latency_cycles) {
  loopfront::arch::Architecture architecture =
      MakeArch({{.name = "DRAM",
                 .read_pj = kMaxEnergyPj,
                 .write_pj = kMaxEnergyPj,
                 .update_pj = kMaxEnergyPj,
                 .read_bandwidth = bandwidth,
                 .write_bandwidth = bandwidth,
                 .shared_bandwidth = bandwidth},
                {.name = "BUF",
                 .capacity_words = loopfront::util::kMaxCount,
                 .read_pj = kMaxEnergyPj,
                 .write_pj = kMaxEnergyPj,
                 .update_pj = kMaxEnergyPj,
                 .read_bandwidth = bandwidth}},
               1, 1, kMaxEnergyPj);
  architecture.mac.fill_latency_cycles = fill_latency_cycles;
  return architecture;
}

}  // namespace

TEST_CASE("RateFromDouble is exact enough over the whole bandwidth range and refuses the rest", "[cost][extremes]") {
  for (const double words_per_cycle :
       {kMinBandwidth, 1.5e-6, 1.0 / 3.0, 0.1, 1.0, 8.0, 1e6 + 0.1, 123456789.123, 999999999999.9, kMaxBandwidth}) {
    INFO(words_per_cycle);
    const Rate rate = RateFromDouble(words_per_cycle);
    REQUIRE(rate.num > 0);
    REQUIRE(rate.den > 0);
    CHECK(std::fabs(static_cast<double>(rate.num) / static_cast<double>(rate.den) - words_per_cycle) <=
          1e-6 * words_per_cycle);
  }
  for (const double outside : {1e19, 1e-300, 0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity()}) {
    INFO(outside);
    CHECK_THROWS_AS(RateFromDouble(outside), loopfront::util::InternalError);
  }
}

TEST_CASE("CyclesAtRate saturates instead of wrapping", "[cost][extremes]") {
  const Rate slowest = RateFromDouble(kMinBandwidth);
  CHECK(CyclesAtRate(std::numeric_limits<std::int64_t>::max(), slowest) == kSaturatedCount);
  CHECK(CyclesAtRate(std::int64_t{1} << 52, slowest) == kSaturatedCount);
  CHECK(CyclesAtRate(1000, slowest) == 1'000'000'000);
  CHECK(CyclesAtRate(std::int64_t{1} << 52, RateFromDouble(kMaxBandwidth)) == 4504);
}

TEST_CASE("Both cost models stay sane at every corner of the domains at once", "[cost][extremes]") {
  const loopfront::cost::DataflowModel dataflow;
  const loopfront::cost::RooflineModel roofline;
  // 2^39 × 2^6 × 2^6 = 2^51 iteration points: a problem has fewer than 2^52 (mapping/problem.cpp).
  const std::int64_t big = loopfront::util::kMaxCount / 2;
  for (const double bandwidth : {kMinBandwidth, 1.0, kMaxBandwidth}) {
    for (const std::int64_t fill : {std::int64_t{0}, loopfront::util::kMaxCount}) {
      INFO("bandwidth " << bandwidth << ", fill latency " << fill);
      const Problem problem = Problem::Build(MakeGemm(big, 64, 64), ExtremeArch(bandwidth, fill));
      for (const char* text : {"DRAM[M1048576 N64 K64] BUF[M524288]", "DRAM[M524288] BUF[M1048576 N64 K64]",
                               "DRAM[M1024 N64] BUF[M536870912 K64]"}) {
        INFO(text);
        const loopfront::mapping::Mapping mapping = ParseMapping(text, problem);
        CheckSane(dataflow.Evaluate(problem, mapping), problem);
        CheckSane(roofline.Evaluate(problem, mapping), problem);
      }
    }
  }
}

TEST_CASE("The slowest DRAM makes a huge op infeasible with count_overflow, not a negative latency",
          "[cost][extremes]") {
  const Problem problem =
      Problem::Build(MakeGemm(loopfront::util::kMaxCount / 2, 64, 64), ExtremeArch(kMinBandwidth, 0));
  const Cost cost = loopfront::cost::DataflowModel().Evaluate(
      problem, ParseMapping("DRAM[M1048576 N64 K64] BUF[M524288]", problem));
  INFO(loopfront::mapping::Describe(cost.check, problem));
  CHECK_FALSE(cost.feasible);
  CHECK(cost.check.violation == Violation::kCountOverflow);
}
