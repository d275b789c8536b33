// Whole-model search benchmarks (issues 5 and 16, DESIGN §5): run by hand or by bench/run.sh, not
// as timed tests. Each runs what a `loopfront search --model …` command runs: the default budget
// (planner::kDefaultModelOpEvaluations evaluations per op search), the default searcher (genetic).
//  - BERT-Base at 512 tokens on gemmini-ibert, fusion auto, 2 threads (issue 16: ≤ 1 s); also with
//    1 thread, and without fusion;
//  - LLaMA-2-7B, a decode generation of 512 tokens on tpu-like (issue 16: ≤ 2 s):
//    `loopfront search --model llama2-7b --seq 512 --phase decode --arch tpu-like --threads 2`;
//  - Mixtral-8x7B prefill of 4096 tokens on tpu-like (issue 16: ≤ 5 s);
//  - the 1,000-point experiment bench/experiments/thousand_points.yaml (issue 16: ≤ 10 minutes),
//    only with LOOPFRONT_BENCH_EXPERIMENT=1 (it takes minutes), into a scratch folder.
//
//   build/bench/bench_model_search
//   LOOPFRONT_BENCH_EXPERIMENT=1 build/bench/bench_model_search --benchmark_filter=Experiment
// Counters: `evaluations`; `searches` (op + member searches); the knee of the front with fusion
// (`knee_latency`, cycles; `knee_energy`, pJ; `knee_edp`, pJ × cycles) and of the front without
// (`nofusion_knee_*`); `edp_ratio` = knee EDP with / without fusion. The fusion plan of the knee is
// printed in the benchmark's label. Where the wall time goes (issue 16): `search_seconds`, the
// wall time of the search batches; `serial_seconds`, the rest of the run (groups, tilings, fronts,
// partitions, folds: one thread); `busy`, the searches' summed wall times over threads × batch
// time (1 = no thread idle during the batches; under load it also counts time the OS took away).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/experiment/runner.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"
#include "loopfront/workload/loader.h"

namespace {

namespace experiment = loopfront::experiment;
using loopfront::planner::ModelSearchOptions;
using loopfront::planner::ModelSearchResult;

void AddTimeCounters(benchmark::State& state, const ModelSearchResult& result) {
  double searching_seconds = 0.0;
  for (const loopfront::planner::SearchRecord& record : result.records) {
    searching_seconds += record.result.statistics.wall_seconds;
  }
  const auto& statistics = result.statistics;
  state.counters["search_seconds"] = statistics.search_seconds;
  state.counters["serial_seconds"] = statistics.wall_seconds - statistics.search_seconds;
  state.counters["busy"] =
      statistics.search_seconds > 0 ? searching_seconds / (statistics.search_seconds * statistics.threads) : 0.0;
}

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
  AddTimeCounters(state, result);
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

// A model as `loopfront search --model` resolves it, searched with 2 threads and the defaults.
void SearchResolvedModel(benchmark::State& state, const experiment::ModelRequest& request, const char* arch_name,
                         bool fusion) {
  const experiment::ResolvedModel model = experiment::ResolveModel(request);
  const auto architecture = loopfront::arch::LoadArchitecture(arch_name);
  const auto cost_model = loopfront::cost::BuiltinCostModels().Create("dataflow");
  const auto searcher = loopfront::search::BuiltinSearchers().Create("genetic");
  ModelSearchOptions options;
  options.threads = 2;
  options.fusion = fusion;
  ModelSearchResult result;
  for (auto _ : state) {
    result = loopfront::planner::SearchModel(model.parts, architecture, *cost_model, *searcher, options);
    benchmark::DoNotOptimize(result.fused.size());
  }
  state.counters["evaluations"] = static_cast<double>(result.statistics.evaluations);
  state.counters["searches"] = static_cast<double>(result.statistics.op_searches + result.statistics.member_searches);
  state.counters["knee_edp"] = result.fused.Knee()->objectives.EdpPjCycles();
  AddTimeCounters(state, result);
}

void BM_Llama2_7bDecode512TpuLike(benchmark::State& state) {
  SearchResolvedModel(state, {.model = "llama2-7b", .seq_len = 512, .phase = loopfront::workload::Phase::kDecode},
                      "tpu-like", true);
}
BENCHMARK(BM_Llama2_7bDecode512TpuLike)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

void BM_Mixtral8x7bPrefill4096TpuLike(benchmark::State& state) {
  SearchResolvedModel(state, {.model = "mixtral-8x7b", .seq_len = 4096}, "tpu-like", true);
}
BENCHMARK(BM_Mixtral8x7bPrefill4096TpuLike)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

// The 1,000-point experiment, run as `loopfront run … --threads 2 --no-plot` runs it, into a fresh
// scratch folder (removed afterwards), so that every point is searched.
void BM_ThousandPointExperiment(benchmark::State& state) {
  const std::filesystem::path file =
      std::filesystem::path(LOOPFRONT_SOURCE_DIR) / "bench" / "experiments" / "thousand_points.yaml";
  const experiment::Experiment loaded = experiment::LoadExperiment(file.string());
  const std::vector<experiment::Point> points = experiment::ExpandPoints(loaded);
  const std::filesystem::path output =
      std::filesystem::temp_directory_path() / ("loopfront_bench_experiment_" + std::to_string(::getpid()));
  experiment::RunReport report;
  for (auto _ : state) {
    std::filesystem::remove_all(output);
    experiment::RunOptions options;
    options.output = output;
    options.threads = 2;
    report = experiment::RunExperiment(loaded, points, options);
  }
  std::filesystem::remove_all(output);
  state.counters["points"] = static_cast<double>(report.ran);
  state.counters["failures"] = static_cast<double>(report.failures.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* run = std::getenv("LOOPFRONT_BENCH_EXPERIMENT"); run != nullptr && std::string(run) == "1") {
    benchmark::RegisterBenchmark("BM_ThousandPointExperiment", BM_ThousandPointExperiment)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kSecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
