// DataflowModel::EvaluateScore, the search's fast path, against the whole evaluation: for every
// mapping, EvaluateScore(problem, mapping) == ScoreOf(Evaluate(problem, mapping)) exactly — the
// same feasibility and violation, the same cycles and the same energy to the last bit (both come
// from one templated core; this checks that the path without the Cost's records drops nothing
// the Score depends on, including the order-sensitive energy sums). Mappings are drawn through
// search::Mapspace (Sample, with and without Repair, so infeasible ones are included) on every
// preset architecture, for a matmul, a bmm, a convolution (affine input tensor), two vector ops
// and a packed-precision matmul.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"
#include "tests/unit/dataflow_property_problems.h"

namespace {

using loopfront::cost::Cost;
using loopfront::cost::DataflowModel;
using loopfront::cost::Score;
using loopfront::mapping::Problem;

// Samples per problem and Repair setting: 6 presets × 6 problems × 2 × 3,000 = 216,000 mappings
// (about 1.5 s in Release).
constexpr int kSamplesPerCase = 3000;

struct Tally {
  std::int64_t compared = 0;
  std::int64_t feasible = 0;
};

// Compares the two paths on kSamplesPerCase sampled mappings, repaired or not.
void CompareOn(const Problem& problem, bool repair, std::uint64_t seed, Tally& tally) {
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(problem);
  const DataflowModel model;
  loopfront::util::Rng rng(seed);
  loopfront::search::Genome genome;
  loopfront::mapping::Mapping mapping;
  for (int sample = 0; sample < kSamplesPerCase; ++sample) {
    mapspace.Sample(rng, genome);
    if (repair) mapspace.Repair(rng, genome);
    mapspace.Decode(genome, mapping);
    const Cost cost = model.Evaluate(problem, mapping);
    const Score expected = loopfront::cost::ScoreOf(cost);
    const Score score = model.EvaluateScore(problem, mapping);
    ++tally.compared;
    tally.feasible += score.feasible ? 1 : 0;
    // One REQUIRE per mapping would be 10^5 assertions: compare first, report only a mismatch.
    const bool same = score.feasible == expected.feasible && score.violation == expected.violation &&
                      score.cycles == expected.cycles &&
                      std::bit_cast<std::uint64_t>(score.energy_pj) == std::bit_cast<std::uint64_t>(expected.energy_pj);
    if (!same) {
      INFO("sample " << sample << (repair ? " (repaired)" : " (not repaired)"));
      CHECK(score.feasible == expected.feasible);
      CHECK(loopfront::mapping::ToString(score.violation) == loopfront::mapping::ToString(expected.violation));
      CHECK(score.cycles == expected.cycles);
      CHECK(score.energy_pj == expected.energy_pj);
      return;
    }
  }
}

}  // namespace

TEST_CASE("EvaluateScore equals ScoreOf(Evaluate) bit for bit on 216,000 sampled mappings of every preset",
          "[cost][dataflow][score]") {
  Tally total;
  loopfront::testing::ForEachPropertyProblem([&](const Problem& problem, std::uint64_t seed) {
    Tally tally;
    // Two seeds per problem (2·seed − 1 without Repair, 2·seed with it), as before the shared loop.
    for (const bool repair : {false, true}) CompareOn(problem, repair, repair ? 2 * seed : 2 * seed - 1, tally);
    // Every preset has a vector unit or a host for the vector ops; every problem must give
    // feasible mappings, or the comparison would test only the early exits. (On a host, which
    // reads DRAM without capacity limits, every vector-op mapping is feasible.)
    CHECK(tally.feasible > 0);
    total.compared += tally.compared;
    total.feasible += tally.feasible;
  });
  CHECK(total.compared >= 100000);
  // Unrepaired samples overflow fanouts and capacities: the infeasible paths are compared too.
  CHECK(total.compared - total.feasible > 10000);
}
