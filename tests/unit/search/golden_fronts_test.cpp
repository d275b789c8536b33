// Golden fronts (issue #16): every searcher, at a fixed seed and evaluation budget, on 3 BERT ops ×
// 2 architectures, must find exactly the front tests/golden/fronts/ holds — every point's latency
// and energy to the last bit and its mapping — and the same with 1 and 2 threads. A speed-up of
// the cost model, the mapspace or a searcher's bookkeeping must leave these bytes alone; a change
// of a search algorithm changes them on purpose, in its own commit, with the reason.
//
// To regenerate after an intended change: LOOPFRONT_UPDATE_GOLDEN=1 build/tests/loopfront_tests
// "[golden_fronts]", then review `git diff tests/golden/fronts`.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/arch/loader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/search/golden_text.h"

namespace loopfront::testing {
namespace {

struct GoldenOp {
  const char* label;
  const char* spec;
};

// The ops of the searcher race of issue #16: W_Q, FFN W1 and Q×K^T of BERT-Base at 512 tokens.
constexpr GoldenOp kOps[] = {
    {"wq", "matmul m=512 n=768 k=768"},
    {"ffn1", "matmul m=512 n=3072 k=768"},
    {"qk", "bmm h=12 m=512 n=512 k=64"},
};
constexpr const char* kArchitectures[] = {"gemmini", "simba-like"};
constexpr std::int64_t kBudgetEvaluations = 3000;
constexpr std::uint64_t kSeed = 7;

// The front and the counts of one search, as text: one line per point, latency and energy in
// round-trip precision, then the mapping.
std::string FrontText(const search::SearchResult& result, const mapping::Problem& problem) {
  std::ostringstream text;
  const search::SearchStatistics& statistics = result.statistics;
  text << fmt::format("evaluations {} valid {} steps {} stop {}\n", statistics.evaluations,
                      statistics.valid_evaluations, statistics.steps, search::ToString(statistics.stop_reason));
  for (const auto& point : result.front.points()) {
    text << fmt::format("{:.17g} {:.17g} {}\n", point.objectives.latency_cycles, point.objectives.energy_pj,
                        mapping::ToString(point.payload, problem));
  }
  return text.str();
}

TEST_CASE("Every searcher finds the golden front at a fixed seed, with 1 and 2 threads",
          "[golden_fronts][golden][search]") {
  const char* architecture_name = GENERATE(from_range(std::begin(kArchitectures), std::end(kArchitectures)));
  const GoldenOp op = GENERATE(from_range(std::begin(kOps), std::end(kOps)));
  const arch::Architecture architecture = arch::LoadArchitecture(architecture_name);
  const mapping::Problem problem = mapping::Problem::Build(workload::ParseOpSpec(op.spec), architecture);
  const search::Mapspace mapspace = search::Mapspace::Build(problem);
  const cost::DataflowModel model;
  std::string text;
  for (const std::string& name : search::BuiltinSearchers().Names()) {
    // Exhaustive has its own case below: it enumerates whole tasks, so a budget does not cut a
    // BERT op's 10^11+ mappings short.
    if (name == "exhaustive") continue;
    const auto searcher = search::BuiltinSearchers().Create(name);
    // A fixed schedule for one architecture family (gemmini_default) refuses the others: its
    // refusal is not a front.
    if (searcher->fixed_schedule() && !std::string_view(architecture_name).starts_with("gemmini")) continue;
    std::string per_thread_count[2];
    for (const int threads : {1, 2}) {
      search::SearchOptions options;
      options.budget.max_evaluations = kBudgetEvaluations;
      options.seed = kSeed;
      options.threads = threads;
      per_thread_count[threads - 1] = FrontText(searcher->Search(mapspace, model, options), problem);
    }
    INFO(architecture_name << " " << op.label << " " << name);
    CHECK(per_thread_count[0] == per_thread_count[1]);
    text += fmt::format("== {}\n{}", name, per_thread_count[0]);
  }
  CheckGoldenText(fmt::format("{}_{}.txt", architecture_name, op.label), text);
}

TEST_CASE("The exhaustive searcher finds the golden front of a whole small mapspace, with 1 and 2 threads",
          "[golden_fronts][golden][search]") {
  // Small enough to enumerate in about a second: 710,800 mappings on gemmini, 3,615,168 on
  // simba-like (its 4×4 PE array of vector MACs opens far more slots).
  struct SmallCase {
    const char* architecture;
    const char* spec;
    const char* file;
  };
  const SmallCase small = GENERATE(SmallCase{"gemmini", "matmul m=8 n=8 k=8", "gemmini_exhaustive_m8n8k8.txt"},
                                   SmallCase{"simba-like", "matmul m=4 n=4 k=4", "simba-like_exhaustive_m4n4k4.txt"});
  const mapping::Problem problem =
      mapping::Problem::Build(workload::ParseOpSpec(small.spec), arch::LoadArchitecture(small.architecture));
  const search::Mapspace mapspace = search::Mapspace::Build(problem);
  const cost::DataflowModel model;
  const auto searcher = search::BuiltinSearchers().Create("exhaustive");
  std::string per_thread_count[2];
  for (const int threads : {1, 2}) {
    search::SearchOptions options;
    options.budget.max_evaluations = 0;
    options.threads = threads;
    per_thread_count[threads - 1] = FrontText(searcher->Search(mapspace, model, options), problem);
  }
  CHECK(per_thread_count[0] == per_thread_count[1]);
  CHECK(per_thread_count[0].find("stop exhausted") != std::string::npos);
  CheckGoldenText(small.file, per_thread_count[0]);
}

}  // namespace
}  // namespace loopfront::testing
