// Evaluations per second of the cost models (DESIGN §5): BERT-Base W_Q (m=512 n=768 k=768) on the
// `gemmini` preset, over a fixed set of 1,024 random valid mappings drawn from the mapspace
// (seed 1), single thread. The target for `dataflow` is ≥ 2,000,000 evaluations/s in
// Release. Run with bench/run.sh; the figure is the `items_per_second` counter.
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

struct Fixture {
  loopfront::mapping::Problem problem;
  std::vector<loopfront::mapping::Mapping> mappings;
};

const Fixture& BertWq() {
  static const Fixture fixture = [] {
    Fixture built;
    built.problem = loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec("matmul m=512 n=768 k=768"),
                                                       loopfront::arch::LoadArchitecture("gemmini"));
    built.mappings = loopfront::testing::RandomValidMappings(built.problem, kNumMappings, kSeed);
    if (built.mappings.size() != kNumMappings) {
      std::fprintf(stderr, "only %zu valid mappings drawn\n", built.mappings.size());
      std::abort();
    }
    return built;
  }();
  return fixture;
}

void EvaluateAll(benchmark::State& state, const char* cost_model_name) {
  const Fixture& fixture = BertWq();
  const std::unique_ptr<loopfront::cost::CostModel> model =
      loopfront::cost::BuiltinCostModels().Create(cost_model_name);
  std::size_t index = 0;
  std::int64_t feasible = 0;
  for (auto _ : state) {
    const loopfront::cost::Cost cost = model->Evaluate(fixture.problem, fixture.mappings[index]);
    benchmark::DoNotOptimize(cost.cycles);
    benchmark::DoNotOptimize(cost.energy_pj);
    feasible += cost.feasible ? 1 : 0;
    index = index + 1 == fixture.mappings.size() ? 0 : index + 1;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["feasible_fraction"] =
      static_cast<double>(feasible) / static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
}

void BM_DataflowBertWqGemmini(benchmark::State& state) { EvaluateAll(state, "dataflow"); }
void BM_RooflineBertWqGemmini(benchmark::State& state) { EvaluateAll(state, "roofline"); }

}  // namespace

BENCHMARK(BM_DataflowBertWqGemmini);
BENCHMARK(BM_RooflineBertWqGemmini);

BENCHMARK_MAIN();
