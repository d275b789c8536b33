// Evaluations per second of the cost models (DESIGN §5): BERT-Base W_Q (m=512 n=768 k=768) over a
// fixed set of 1,024 random valid mappings drawn from the mapspace (seed 1), single thread, on the
// `gemmini` preset and on bench/architectures/five_level.yaml (gemmini with an L2: five levels).
// Each case is timed through Evaluate (the whole Cost, what reports read) and through
// EvaluateScore (what a search reads, CostModel::EvaluateScore). Issue #16's target for
// `dataflow` is ≥ 5,000,000 evaluations/s (≤ 200 ns each) on one core, for both architectures.
// EvaluateScoreWellFormed (the entry for mappings that search::Mapspace decoded) is timed on the
// same mappings. Incremental evaluation (CostModel::EvaluateScoreIncremental, well-formed form, as
// the annealing searcher calls it) is timed on a chain of 1,024 mappings as an annealing chain
// makes them (each one a Mutate then Repair of the one before, from a repaired sample, seed 1),
// against EvaluateScoreWellFormed on the same chain.
// Run with bench/run.sh; the figure is the `items_per_second` counter.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/random.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/preset_mappings.h"

namespace {

constexpr int kNumMappings = 1024;
constexpr std::uint64_t kSeed = 1;
constexpr const char* kBertWq = "matmul m=512 n=768 k=768";

struct Fixture {
  loopfront::mapping::Problem problem;
  std::vector<loopfront::mapping::Mapping> mappings;
  std::vector<loopfront::mapping::Mapping> chain;  // consecutive mutations, in order
};

// kNumMappings mappings of a mutation chain: a repaired sample, then Mutate and Repair per step.
std::vector<loopfront::mapping::Mapping> MutationChain(const loopfront::mapping::Problem& problem) {
  const loopfront::search::Mapspace mapspace = loopfront::search::Mapspace::Build(problem);
  loopfront::util::Rng rng(kSeed);
  loopfront::search::Genome genome;
  mapspace.Sample(rng, genome);
  mapspace.Repair(rng, genome);
  std::vector<loopfront::mapping::Mapping> chain;
  for (int step = 0; step < kNumMappings; ++step) {
    mapspace.Mutate(rng, genome);
    mapspace.Repair(rng, genome);
    chain.push_back(mapspace.Decode(genome));
  }
  return chain;
}

Fixture BuildFixture(const char* architecture) {
  Fixture built;
  built.problem = loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec(kBertWq),
                                                     loopfront::arch::LoadArchitecture(architecture));
  built.mappings = loopfront::testing::RandomValidMappings(built.problem, kNumMappings, kSeed);
  if (built.mappings.size() != kNumMappings) {
    std::fprintf(stderr, "only %zu valid mappings drawn on %s\n", built.mappings.size(), architecture);
    std::abort();
  }
  built.chain = MutationChain(built.problem);
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

// Which entry of the cost model a case times.
enum class Entry { kEvaluate, kScore, kScoreWellFormed, kScoreIncremental };

// Times `entry` over `mappings` in order, cyclically.
template <Entry kEntry>
void EvaluateAll(benchmark::State& state, const Fixture& fixture,
                 const std::vector<loopfront::mapping::Mapping>& mappings, const char* cost_model_name) {
  const std::unique_ptr<loopfront::cost::CostModel> model =
      loopfront::cost::BuiltinCostModels().Create(cost_model_name);
  const std::unique_ptr<loopfront::cost::IncrementalState> incremental = model->NewIncrementalState(fixture.problem);
  std::size_t index = 0;
  std::int64_t feasible = 0;
  for (auto _ : state) {
    bool is_feasible = false;
    if constexpr (kEntry == Entry::kEvaluate) {
      const loopfront::cost::Cost cost = model->Evaluate(fixture.problem, mappings[index]);
      benchmark::DoNotOptimize(cost.cycles);
      benchmark::DoNotOptimize(cost.energy_pj);
      is_feasible = cost.feasible;
    } else {
      loopfront::cost::Score score;
      if constexpr (kEntry == Entry::kScore) score = model->EvaluateScore(fixture.problem, mappings[index]);
      if constexpr (kEntry == Entry::kScoreWellFormed) {
        score = model->EvaluateScoreWellFormed(fixture.problem, mappings[index]);
      }
      if constexpr (kEntry == Entry::kScoreIncremental) {
        score = model->EvaluateScoreIncremental(fixture.problem, mappings[index],
                                                loopfront::cost::MappingForm::kWellFormed, incremental.get());
      }
      benchmark::DoNotOptimize(score.cycles);
      benchmark::DoNotOptimize(score.energy_pj);
      is_feasible = score.feasible;
    }
    feasible += is_feasible ? 1 : 0;
    index = index + 1 == mappings.size() ? 0 : index + 1;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["feasible_fraction"] =
      static_cast<double>(feasible) / static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
}

void BM_DataflowBertWqGemmini(benchmark::State& state) {
  EvaluateAll<Entry::kEvaluate>(state, Gemmini(), Gemmini().mappings, "dataflow");
}
void BM_DataflowScoreBertWqGemmini(benchmark::State& state) {
  EvaluateAll<Entry::kScore>(state, Gemmini(), Gemmini().mappings, "dataflow");
}
void BM_DataflowWellFormedBertWqGemmini(benchmark::State& state) {
  EvaluateAll<Entry::kScoreWellFormed>(state, Gemmini(), Gemmini().mappings, "dataflow");
}
void BM_DataflowBertWqFiveLevel(benchmark::State& state) {
  EvaluateAll<Entry::kEvaluate>(state, FiveLevel(), FiveLevel().mappings, "dataflow");
}
void BM_DataflowScoreBertWqFiveLevel(benchmark::State& state) {
  EvaluateAll<Entry::kScore>(state, FiveLevel(), FiveLevel().mappings, "dataflow");
}
void BM_DataflowWellFormedBertWqFiveLevel(benchmark::State& state) {
  EvaluateAll<Entry::kScoreWellFormed>(state, FiveLevel(), FiveLevel().mappings, "dataflow");
}
void BM_DataflowWellFormedChainBertWqGemmini(benchmark::State& state) {
  EvaluateAll<Entry::kScoreWellFormed>(state, Gemmini(), Gemmini().chain, "dataflow");
}
void BM_DataflowIncrementalChainBertWqGemmini(benchmark::State& state) {
  EvaluateAll<Entry::kScoreIncremental>(state, Gemmini(), Gemmini().chain, "dataflow");
}
void BM_DataflowWellFormedChainBertWqFiveLevel(benchmark::State& state) {
  EvaluateAll<Entry::kScoreWellFormed>(state, FiveLevel(), FiveLevel().chain, "dataflow");
}
void BM_DataflowIncrementalChainBertWqFiveLevel(benchmark::State& state) {
  EvaluateAll<Entry::kScoreIncremental>(state, FiveLevel(), FiveLevel().chain, "dataflow");
}
void BM_RooflineBertWqGemmini(benchmark::State& state) {
  EvaluateAll<Entry::kEvaluate>(state, Gemmini(), Gemmini().mappings, "roofline");
}

}  // namespace

BENCHMARK(BM_DataflowBertWqGemmini);
BENCHMARK(BM_DataflowScoreBertWqGemmini);
BENCHMARK(BM_DataflowWellFormedBertWqGemmini);
BENCHMARK(BM_DataflowBertWqFiveLevel);
BENCHMARK(BM_DataflowScoreBertWqFiveLevel);
BENCHMARK(BM_DataflowWellFormedBertWqFiveLevel);
BENCHMARK(BM_DataflowWellFormedChainBertWqGemmini);
BENCHMARK(BM_DataflowIncrementalChainBertWqGemmini);
BENCHMARK(BM_DataflowWellFormedChainBertWqFiveLevel);
BENCHMARK(BM_DataflowIncrementalChainBertWqFiveLevel);
BENCHMARK(BM_RooflineBertWqGemmini);

BENCHMARK_MAIN();
