// `loopfront search --model NAME|FILE ...`: the whole-model form of `loopfront search` (DESIGN
// §2.7–2.8; planner/model_search.h). It shares `search`'s options (--arch, --cost-model,
// --cost-param, --searcher, --param, budgets, --seed, --threads, --max-padding-waste, --format) and
// adds:
//
//   --model NAME|FILE        workload preset or YAML file (workload/loader.h)
//   --seq L, --batch B       replace the workload's sequence length and batch
//   --phase prefill|decode   decode: a whole generation of L tokens (workload/generation.h), or one
//                            decode step with --kv-len K
//   --kv-len K               decode: one step attending to K cached keys
//   --kv-buckets N           decode: kv_len buckets standing for the generation's steps (default 8)
//   --precision SPEC         word sizes per tensor class, e.g. w4a16kv8 (workload/precision.h)
//   --fusion none|auto       auto (default): search candidate fused groups and choose the partition
//   --tilings N              shared tilings screened per fused group (default 24)
//
// Budgets are per op search (default planner::kDefaultModelOpEvaluations evaluations, not the
// single-op default, and no evaluation limit when only --budget-seconds or --budget-stall is
// given); a fused group gets the same per member, spread over its tilings.
//
// Output. The model front: latency, energy, EDP and fusion plan per point, fastest first, and the
// knee's per-op/group breakdown (count, latency, energy, bounding level, mapping or shared tiling).
// With --format csv the fronts go to stdout with the columns (report/schemas.h)
// `model,seq_len,batch,phase,arch,fusion,point,latency_cycles,energy_pj,edp_pj_cycles,fusion_plan`
// — with fusion auto, the fused front's rows (fusion = auto) and then the no-fusion front's
// (fusion = none) — and the breakdown and statistics go to stderr, so that stdout is the same for
// any thread count. --format json holds everything.
// Thread-safety: none needed; used once per command invocation.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace loopfront::cli {

struct ModelSearchArgs {
  std::string model;         // empty: single-op search
  std::int64_t seq_len = 0;  // 0: the workload's
  std::int64_t batch = 0;    // 0: the workload's
  std::string phase;         // empty: the workload's
  std::int64_t kv_len = 0;   // 0: none (decode: a whole generation)
  int kv_buckets = 8;
  std::string precision;  // empty: the workload's (workload/precision.h)
  bool blocks_only = false;  // the Transformer blocks without embedding and LM head (shape_sweep.h)
  std::string fusion = "auto";
  int tilings = 24;
};

// The options of `search` that the model search uses too, as given.
struct SharedSearchArgs {
  std::string arch;
  std::string cost_model;
  std::vector<std::string> cost_params;
  std::string searcher;
  std::vector<std::string> params;
  bool budget_evaluations_given = false;
  std::int64_t budget_evaluations = 0;
  double budget_seconds = 0.0;
  std::int64_t budget_stall = 0;
  std::uint64_t seed = 1;
  int threads = 0;
  double max_padding_waste = 0.1;
  std::string format = "table";
  // Single-op options that were given (e.g. "--op"); an error with --model.
  std::vector<std::string> single_op_options;
};

// Declares the options above on the `search` command, storing into `args`.
void AddModelSearchOptions(CLI::App& command, ModelSearchArgs& args);

// Runs the model search and prints its result; returns the exit code (throws util::ConfigError on
// bad input).
int RunModelSearch(const ModelSearchArgs& args, const SharedSearchArgs& shared);

}  // namespace loopfront::cli
