// DataflowModel's incremental evaluation (CostModel::EvaluateScoreIncremental) and its entry for
// well-formed mappings (EvaluateScoreWellFormed) against EvaluateScore, on random mutation chains
// (issue #16's property test): each chain starts from a search::Mapspace sample (repaired or not,
// so that infeasible mappings occur), then takes mutation steps (sometimes a crossover with a
// fresh sample, then sometimes a repair), decoding and evaluating after every step. At every step
// the incremental entry (in both forms: any mapping, and well-formed, as the searchers call it)
// and the well-formed entry must give EvaluateScore's Score exactly: feasibility, violation, cycles, and the
// energy to the last bit. Chains run on every preset architecture for a matmul, a bmm, a
// convolution (affine input), two vector ops and a packed-precision matmul; half of the chains
// take a fresh state, the others continue the state of the previous chain (any history must give
// the same results). The test also counts the steps that reused levels of the previous mapping,
// so that it fails if the incremental path silently recomputed everything.
#include <array>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"
#include "loopfront/util/ranges.h"
#include "tests/unit/cost_fixtures.h"
#include "tests/unit/dataflow_property_problems.h"

namespace {

using loopfront::cost::DataflowModel;
using loopfront::cost::MappingForm;
using loopfront::cost::Score;
using loopfront::mapping::Problem;

// 6 presets × 6 problems × 2,800 chains = 100,800 chains (issue #16: 100,000), of 1 to
// kMaxSteps mutation steps after the sample.
constexpr int kChainsPerProblem = 2800;
constexpr int kMaxSteps = 6;

struct Tally {
  std::int64_t chains = 0;
  std::int64_t evaluations = 0;
  std::int64_t feasible = 0;
  std::int64_t after_first = 0;         // evaluations with a previous mapping in the state
  std::int64_t reused = 0;              // of those, the ones that reused at least one level
  std::int64_t reused_well_formed = 0;  // the same, through the well-formed form
};

bool SameScore(const Score& first, const Score& second) {
  return first.feasible == second.feasible && first.violation == second.violation && first.cycles == second.cycles &&
         std::bit_cast<std::uint64_t>(first.energy_pj) == std::bit_cast<std::uint64_t>(second.energy_pj);
}

// Runs kChainsPerProblem chains on one problem; stops at the first mismatch, reporting it.
void RunChains(const Problem& problem, std::uint64_t seed, Tally& tally) {
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(problem);
  const DataflowModel model;
  loopfront::util::Rng rng(seed);
  loopfront::search::Genome genome;
  loopfront::search::Genome other;
  loopfront::mapping::Mapping mapping;
  // One state per form, with the same history: the checked one and the well-formed one.
  std::unique_ptr<loopfront::cost::IncrementalState> state;
  std::unique_ptr<loopfront::cost::IncrementalState> well_formed_state;
  for (int chain = 0; chain < kChainsPerProblem; ++chain) {
    const bool fresh_state = state == nullptr || rng.Below(2) == 0;
    if (fresh_state) {
      state = model.NewIncrementalState(problem);
      well_formed_state = model.NewIncrementalState(problem);
    }
    REQUIRE(state != nullptr);
    mapspace.Sample(rng, genome);
    if (rng.Below(2) == 0) mapspace.Repair(rng, genome);
    const int steps = 1 + static_cast<int>(rng.Below(kMaxSteps));
    for (int step = 0; step <= steps; ++step) {
      if (step > 0) {
        if (rng.Below(4) == 0) {
          mapspace.Sample(rng, other);
          mapspace.Crossover(genome, other, rng, genome);
        } else {
          mapspace.Mutate(rng, genome);
        }
        if (rng.Below(4) == 0) mapspace.Repair(rng, genome);
      }
      mapspace.Decode(genome, mapping);
      const Score expected = model.EvaluateScore(problem, mapping);
      const bool had_previous = !fresh_state || step > 0;
      const Score incremental = model.EvaluateScoreIncremental(problem, mapping, MappingForm::kAny, state.get());
      const Score well_formed = model.EvaluateScoreWellFormed(problem, mapping);
      const Score incremental_well_formed =
          model.EvaluateScoreIncremental(problem, mapping, MappingForm::kWellFormed, well_formed_state.get());
      ++tally.evaluations;
      tally.feasible += expected.feasible ? 1 : 0;
      if (had_previous) {
        ++tally.after_first;
        tally.reused += state->reused_levels() > 0 ? 1 : 0;
        tally.reused_well_formed += well_formed_state->reused_levels() > 0 ? 1 : 0;
      }
      // One REQUIRE per evaluation would be millions of assertions: compare, report a mismatch.
      const std::array<std::pair<const char*, Score>, 3> scores{{{"incremental", incremental},
                                                                 {"well-formed", well_formed},
                                                                 {"incremental well-formed", incremental_well_formed}}};
      for (const auto& [entry, score] : scores) {
        if (SameScore(score, expected)) continue;
        INFO("chain " << chain << " step " << step << " " << entry);
        CHECK(score.feasible == expected.feasible);
        CHECK(loopfront::mapping::ToString(score.violation) == loopfront::mapping::ToString(expected.violation));
        CHECK(score.cycles == expected.cycles);
        CHECK(score.energy_pj == expected.energy_pj);
        return;
      }
    }
    ++tally.chains;
  }
}

}  // namespace

TEST_CASE("Incremental and well-formed evaluation equal EvaluateScore on 100,800 random mutation chains",
          "[cost][dataflow][incremental]") {
  Tally total;
  loopfront::testing::ForEachPropertyProblem([&](const Problem& problem, std::uint64_t seed) {
    Tally tally;
    RunChains(problem, seed, tally);
    REQUIRE(tally.chains == kChainsPerProblem);
    // Feasible mappings on every problem, or only the early exits would be compared.
    CHECK(tally.feasible > 0);
    total.chains += tally.chains;
    total.evaluations += tally.evaluations;
    total.feasible += tally.feasible;
    total.after_first += tally.after_first;
    total.reused += tally.reused;
    total.reused_well_formed += tally.reused_well_formed;
  });
  CHECK(total.chains >= 100000);
  // Both sides of every check: infeasible mappings (unrepaired samples) and feasible ones.
  CHECK(total.evaluations - total.feasible > total.evaluations / 10);
  CHECK(total.feasible > total.evaluations / 10);
  // A mutation changes one or two levels' loops (or none: a bypass flip), so most evaluations with
  // a previous mapping reuse some levels; a crossover or a resample may change them all.
  INFO("reused " << total.reused << " of " << total.after_first);
  CHECK(total.reused * 2 > total.after_first);
  INFO("reused through the well-formed form " << total.reused_well_formed << " of " << total.after_first);
  CHECK(total.reused_well_formed * 2 > total.after_first);
}

// The bound on the padded iteration space (mapping::kMaxPaddedIterationPoints, 2^52), which the
// well-formed entries decide from the walk's products instead of mapping::CheckStructure: no
// random mapping of the property problems comes near it, so these are built by hand. A gemm of
// 2^40 × 64 × 63 points (util::kMaxCount × 64 × 63, just below 2^52) on DRAM and one unbounded
// buffer, padded to: 2^40 × 64 × 64 = 2^52 points (the bound itself, allowed); 2^40 × 128 × 64 =
// 2^53 (too large); and beyond int64 within one level (DRAM's three factors of 2^31 − 1), or
// only across the two levels (2^51 at each). Each through EvaluateScoreWellFormed and the
// incremental entry (fresh, and after the mapping at the bound, so that a walk resumes from the
// changed level) must equal EvaluateScore, which runs CheckStructure.
TEST_CASE("The well-formed entries reject a padded iteration space above 2^52 as EvaluateScore does",
          "[cost][dataflow][incremental]") {
  using loopfront::mapping::Violation;
  const Problem problem = Problem::Build(
      loopfront::testing::MakeGemm(loopfront::util::kMaxCount, 64, 63),
      loopfront::testing::MakeArch({{.name = "DRAM"}, {.name = "BUF", .capacity_words = loopfront::util::kMaxCount}}));
  const DataflowModel model;
  const char* const at_bound = "DRAM[M1048576 N64 K64] BUF[M1048576]";
  const std::pair<const char*, Violation> cases[] = {
      {at_bound, Violation::kNone},
      {"DRAM[M1048576 N128 K64] BUF[M1048576]", Violation::kIterationSpaceTooLarge},
      {"DRAM[M2147483647 N2147483647 K2147483647] BUF[M1048576]", Violation::kIterationSpaceTooLarge},
      {"DRAM[M1048576 N2147483647] BUF[M1048576 K2147483647]", Violation::kIterationSpaceTooLarge},
      {"DRAM[M1048576 N64 K64] BUF[M1048576 K2147483647]", Violation::kIterationSpaceTooLarge},
  };
  for (const auto& [text, violation] : cases) {
    INFO(text);
    const loopfront::mapping::Mapping mapping = loopfront::mapping::ParseMapping(text, problem);
    const Score expected = model.EvaluateScore(problem, mapping);
    CHECK(expected.feasible == (violation == Violation::kNone));
    CHECK(expected.violation == violation);
    CHECK(SameScore(model.EvaluateScoreWellFormed(problem, mapping), expected));
    const std::unique_ptr<loopfront::cost::IncrementalState> fresh = model.NewIncrementalState(problem);
    CHECK(SameScore(model.EvaluateScoreIncremental(problem, mapping, MappingForm::kWellFormed, fresh.get()), expected));
    const std::unique_ptr<loopfront::cost::IncrementalState> resumed = model.NewIncrementalState(problem);
    model.EvaluateScoreIncremental(problem, loopfront::mapping::ParseMapping(at_bound, problem),
                                   MappingForm::kWellFormed, resumed.get());
    CHECK(
        SameScore(model.EvaluateScoreIncremental(problem, mapping, MappingForm::kWellFormed, resumed.get()), expected));
  }
}
