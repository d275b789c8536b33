#include "src/cli/search_model.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/experiment/model_search.h"
#include "loopfront/report/model_search.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/precision.h"
#include "loopfront/workload/transformer.h"
#include "src/cli/numeric_options.h"

namespace loopfront::cli {
namespace {

using experiment::ResolvedModel;

ResolvedModel ResolveModel(const ModelSearchArgs& args) {
  experiment::ModelRequest request{.model = args.model, .kv_buckets = args.kv_buckets};
  request.blocks_only = args.blocks_only;
  if (args.seq_len > 0) request.seq_len = args.seq_len;
  if (args.batch > 0) request.batch = args.batch;
  if (!args.phase.empty()) request.phase = workload::ParsePhase(args.phase);
  if (args.kv_len > 0) request.kv_len = args.kv_len;
  if (!args.precision.empty()) {
    request.precision =
        workload::PrecisionOverride(args.precision, "--precision", workload::LoadWorkloadSpec(args.model));
  }
  return experiment::ResolveModel(request);
}

}  // namespace

void AddModelSearchOptions(CLI::App& command, ModelSearchArgs& args) {
  command.add_option("--model", args.model,
                     "Search a whole model (workload preset, YAML file, or hf:CONFIG, a Hugging Face config.json) "
                     "instead of one op: its Pareto front with and without fusion");
  command.add_option("--seq", args.seq_len, "With --model: tokens per sequence (decode: tokens generated)")
      ->check(IntIn(util::kCountRange));
  command.add_option("--batch", args.batch, "With --model: sequences per batch")
      ->check(IntIn(util::kCountRange));
  command.add_option("--phase", args.phase, "With --model: prefill, or decode (a whole generation)")
      ->check(CLI::IsMember(workload::PhaseNames()));
  command.add_option("--kv-len", args.kv_len, "With --model --phase decode: one decode step at this kv_len")
      ->check(IntIn(util::kCountRange));
  command
      .add_option("--kv-buckets", args.kv_buckets,
                  "With --model --phase decode: kv_len buckets that stand for the generation's steps")
      ->capture_default_str()
      ->check(IntIn(util::IntRange{1, 4096}));
  command.add_option("--precision", args.precision,
                     "With --model: word sizes per tensor class, e.g. w4a16kv8 (w weights, a activations, kv KV "
                     "cache, acc accumulators; unnamed: the workload's bits, accumulators 32)");
  command.add_flag("--blocks-only", args.blocks_only,
                   "With --model: the Transformer blocks only, without embedding, LM head and their tables (as "
                   "the survey counts a model)");
  command.add_option("--fusion", args.fusion, "With --model: none, or auto (search fused groups)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "auto"}));
  command.add_option("--tilings", args.tilings, "With --model: shared tilings screened per fused group")
      ->capture_default_str()
      ->check(IntIn(util::IntRange{1, 10000}));
}

int RunModelSearch(const ModelSearchArgs& args, const SharedSearchArgs& shared) {
  util::Diagnostics diagnostics;
  for (const std::string& option : shared.single_op_options) {
    diagnostics.Add({.path = option, .message = "expected no " + option + " with --model (it applies to one op)"});
  }
  // Independent inputs: report all their problems together.
  std::optional<arch::Architecture> architecture;
  std::unique_ptr<cost::CostModel> cost_model;
  std::unique_ptr<search::Searcher> searcher;
  std::optional<ResolvedModel> model;
  auto collect = [&](auto&& step) {
    try {
      step();
    } catch (const util::ConfigError& error) {
      for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
    }
  };
  collect([&] { architecture = arch::LoadArchitecture(shared.arch); });
  collect([&] { cost_model = cost::BuiltinCostModels().Create(shared.cost_model, shared.cost_params); });
  collect([&] { searcher = search::BuiltinSearchers().Create(shared.searcher, shared.params); });
  collect([&] { model = ResolveModel(args); });
  diagnostics.ThrowIfAny();

  util::InstallStopHandlers();
  const experiment::ModelSearchOutcome outcome = experiment::SearchResolvedModel(
      *model, *architecture, *cost_model, *searcher,
      {.cost_model = shared.cost_model,
       .searcher = shared.searcher,
       .budget_evaluations = shared.budget_evaluations_given ? std::optional(shared.budget_evaluations) : std::nullopt,
       .budget_seconds = shared.budget_seconds,
       .budget_stall = shared.budget_stall,
       .seed = shared.seed,
       .threads = shared.threads,
       .max_padding_waste = shared.max_padding_waste,
       .fusion = args.fusion == "auto",
       .tilings = args.tilings});
  const report::Output output = report::ReportModelSearch(report::ParseFormat(shared.format), outcome.header,
                                                          outcome.result, outcome.knee_breakdown);
  std::cout << output.out;
  std::cerr << output.err;
  return 0;
}

}  // namespace loopfront::cli
