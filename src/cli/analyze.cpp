// `loopfront analyze`: FLOPs, bytes and arithmetic intensity of a workload per op or per op class
// (the survey's Sec. 2.2 analysis), for one or more sequence lengths. The counting lives in
// workload/analysis.h, the configurations and their rendering as a table, CSV or JSON in
// report/analysis.h; this file parses options.
// Every row is computed before anything is printed, so bad input leaves no partial output.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/report/analysis.h"
#include "loopfront/workload/precision.h"
#include "loopfront/workload/shape_sweep.h"
#include "src/cli/commands.h"
#include "src/cli/numeric_options.h"

namespace loopfront::cli {
namespace {

struct AnalyzeOptions {
  std::string model{};
  std::vector<std::int64_t> seq_lens{};
  std::int64_t batch = 0;   // 0 = the workload's own
  std::string phase{};      // empty = the workload's own
  std::string precision{};  // empty = the workload's own (workload/precision.h)
  bool blocks_only = false;  // the Transformer blocks only (workload/shape_sweep.h)
  std::string by = "op";
  std::string format = "table";
};

int RunAnalyze(const AnalyzeOptions& options) {
  const workload::WorkloadSpec spec = workload::LoadSweptWorkloadSpec(options.model, {}, {}, options.blocks_only);
  report::AnalysisRequest request{
      .seq_lens = options.seq_lens,
      .group_by = options.by == "class" ? workload::GroupBy::kClass : workload::GroupBy::kOp};
  if (!options.precision.empty()) {
    request.precision = workload::PrecisionOverride(options.precision, "--precision", spec);
  }
  if (options.batch > 0) request.batch = options.batch;
  if (!options.phase.empty()) request.phase = workload::ParsePhase(options.phase);
  std::cout << report::ReportAnalysis(report::ParseFormat(options.format), report::AnalyzeConfigurations(spec, request))
                   .out;
  return 0;
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, CommandRegistry& registry) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* analyze = app.add_subcommand(
      "analyze",
      "Count MACs, FLOPs, bytes (ideal reuse), arithmetic intensity, parameters and KV-cache bytes per op or op "
      "class, summed over all layers (decode: over generating seq_len tokens with a KV cache)");
  analyze->add_option("--model", options->model,
                      "Workload preset (see `loopfront list`), YAML file, or hf:CONFIG (a Hugging Face config.json)")->required();
  analyze->add_option("--seq", options->seq_lens, "Sequence lengths, comma-separated (default: the workload's)")
      ->delimiter(',')
      ->check(IntIn(util::kCountRange));
  analyze->add_option("--batch", options->batch, "Sequences per batch (default: the workload's)")
      ->check(IntIn(util::kCountRange));
  analyze->add_option("--phase", options->phase, "prefill or decode (default: the workload's)")
      ->check(CLI::IsMember({"prefill", "decode"}));
  analyze->add_option("--precision", options->precision,
                      "Word sizes per tensor class, e.g. w4a16kv8 (w weights, a activations, kv KV cache, acc "
                      "accumulators; unnamed: the workload's bits, accumulators 32)");
  analyze->add_flag("--blocks-only", options->blocks_only,
                    "The Transformer blocks only, without embedding, LM head and their tables (as the survey "
                    "counts a model)");
  analyze->add_option("--by", options->by, "Rows per op or per op class")
      ->check(CLI::IsMember({"op", "class"}))
      ->capture_default_str();
  analyze->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  registry.Add(analyze, [options] { return RunAnalyze(*options); });
}

}  // namespace loopfront::cli
