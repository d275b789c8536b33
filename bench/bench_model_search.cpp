// Whole-model search benchmark (issue 5, DESIGN §5): run by hand or by bench/run.sh, not as a
// timed test.
//
// BERT-Base at 512 tokens on gemmini-ibert, fusion auto, the default budget
// (planner::kDefaultModelOpEvaluations evaluations per op search), the default searcher (genetic),
// 2 threads — what `loopfront search --model bert-base --seq 512 --arch gemmini-ibert --threads 2`
// runs. Target: ≤ 10 s of wall time. Also with 1 thread, and without fusion.
//
//   build/bench/bench_model_search
// Counters: `evaluations`; `searches` (op + member searches); the knee of the front with fusion
// (`knee_latency`, cycles; `knee_energy`, pJ; `knee_edp`, pJ × cycles) and of the front without
// (`nofusion_knee_*`); `edp_ratio` = knee EDP with / without fusion. The fusion plan of the knee is
// printed in the benchmark's label.
#include <benchmark/benchmark.h>

#include <string>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"
#include "loopfront/workload/loader.h"

namespace {

using loopfront::planner::ModelSearchOptions;
using loopfront::planner::ModelSearchResult;

void BM_BertBase512GemminiIbert(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const bool fusion = state.range(1) != 0;
  const auto architecture = loopfront::arch::LoadArchitecture("gemmini-ibert");
  const auto workload = loopfront::workload::LoadWorkload("bert-base", {.seq_len = 512});
  const auto cost_model = loopfront::cost::BuiltinCostModels().Create("dataflow");
  const auto searcher = loopfront::search::BuiltinSearchers().Create("genetic");
  ModelSearchOptions options;
  options.threads = threads;
  options.fusion = fusion;
  ModelSearchResult result;
  for (auto _ : state) {
    result = loopfront::planner::SearchModel({{workload, 1.0, ""}}, architecture, *cost_model, *searcher, options);
    benchmark::DoNotOptimize(result.fused.size());
  }
  const auto* knee = result.fused.Knee();
  const auto* unfused = result.unfused.Knee();
  state.counters["evaluations"] = static_cast<double>(result.statistics.evaluations);
  state.counters["searches"] = static_cast<double>(result.statistics.op_searches + result.statistics.member_searches);
  state.counters["knee_latency"] = knee->objectives.latency_cycles;
  state.counters["knee_energy"] = knee->objectives.energy_pj;
  state.counters["knee_edp"] = knee->objectives.EdpPjCycles();
  state.counters["nofusion_knee_latency"] = unfused->objectives.latency_cycles;
  state.counters["nofusion_knee_energy"] = unfused->objectives.energy_pj;
  state.counters["nofusion_knee_edp"] = unfused->objectives.EdpPjCycles();
  state.counters["edp_ratio"] = knee->objectives.EdpPjCycles() / unfused->objectives.EdpPjCycles();
  state.SetLabel(result.PlanLabel(knee->payload));
}

// One iteration each: a whole-model search takes seconds.
BENCHMARK(BM_BertBase512GemminiIbert)
    ->ArgNames({"threads", "fusion"})
    ->Args({2, 1})
    ->Args({1, 1})
    ->Args({2, 0})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
