// Evaluations per second of the cost models (DESIGN §5): BERT-Base W_Q (m=512 n=768 k=768) over a
// fixed set of 1,024 random valid mappings drawn from the mapspace (seed 1), single thread, on the
// `gemmini` preset and on bench/architectures/five_level.yaml (gemmini with an L2: five levels).
// Each case is timed through Evaluate (the whole Cost, what reports read) and through
// EvaluateScore (what a search reads, CostModel::EvaluateScore). Issue #16's target for
// `dataflow` is ≥ 5,000,000 evaluations/s (≤ 200 ns each) on one core, for both architectures.
// Run with bench/run.sh; the figure is the `items_per_second` counter.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/preset_mappings.h"

namespace {

constexpr int kNumMappings = 1024;
constexpr std::uint64_t kSeed = 1;
constexpr const char* kBertWq = "matmul m=512 n=768 k=768";

struct Fixture {
  loopfront::mapping::Problem problem;
  std::vector<loopfront::mapping::Mapping> mappings;
};

Fixture BuildFixture(const char* architecture) {
  Fixture built;
  built.problem = loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec(kBertWq),
                                                     loopfront::arch::LoadArchitecture(architecture));
  built.mappings = loopfront::testing::RandomValidMappings(built.problem, kNumMappings, kSeed);
  if (built.mappings.size() != kNumMappings) {
    std::fprintf(stderr, "only %zu valid mappings drawn on %s\n", built.mappings.size(), architecture);
    std::abort();
  }
  return built;
}

const Fixture& Gemmini() {
  static const Fixture fixture = BuildFixture("gemmini");
  return fixture;
}

const Fixture& FiveLevel() {
  static const Fixture fixture = BuildFixture(LOOPFRONT_SOURCE_DIR "/bench/architectures/five_level.yaml");
  return fixture;
}

// `Score` is true to time EvaluateScore, false to time Evaluate.
template <bool Score>
void EvaluateAll(benchmark::State& state, const Fixture& fixture, const char* cost_model_name) {
  const std::unique_ptr<loopfront::cost::CostModel> model =
      loopfront::cost::BuiltinCostModels().Create(cost_model_name);
  std::size_t index = 0;
  std::int64_t feasible = 0;
  for (auto _ : state) {
    bool is_feasible = false;
    if constexpr (Score) {
      const loopfront::cost::Score score = model->EvaluateScore(fixture.problem, fixture.mappings[index]);
      benchmark::DoNotOptimize(score.cycles);
      benchmark::DoNotOptimize(score.energy_pj);
      is_feasible = score.feasible;
    } else {
      const loopfront::cost::Cost cost = model->Evaluate(fixture.problem, fixture.mappings[index]);
      benchmark::DoNotOptimize(cost.cycles);
      benchmark::DoNotOptimize(cost.energy_pj);
      is_feasible = cost.feasible;
    }
    feasible += is_feasible ? 1 : 0;
    index = index + 1 == fixture.mappings.size() ? 0 : index + 1;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["feasible_fraction"] =
      static_cast<double>(feasible) / static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
}

void BM_DataflowBertWqGemmini(benchmark::State& state) { EvaluateAll<false>(state, Gemmini(), "dataflow"); }
void BM_DataflowScoreBertWqGemmini(benchmark::State& state) { EvaluateAll<true>(state, Gemmini(), "dataflow"); }
void BM_DataflowBertWqFiveLevel(benchmark::State& state) { EvaluateAll<false>(state, FiveLevel(), "dataflow"); }
void BM_DataflowScoreBertWqFiveLevel(benchmark::State& state) { EvaluateAll<true>(state, FiveLevel(), "dataflow"); }
void BM_RooflineBertWqGemmini(benchmark::State& state) { EvaluateAll<false>(state, Gemmini(), "roofline"); }

}  // namespace

BENCHMARK(BM_DataflowBertWqGemmini);
BENCHMARK(BM_DataflowScoreBertWqGemmini);
BENCHMARK(BM_DataflowBertWqFiveLevel);
BENCHMARK(BM_DataflowScoreBertWqFiveLevel);
BENCHMARK(BM_RooflineBertWqGemmini);

BENCHMARK_MAIN();
