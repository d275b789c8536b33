// Whole-model Pareto fronts, with and without fusion (DESIGN §2.7, §2.7.1, §2.8; docs/fusion.md).
//
// A model is one or more parts, each a workload graph with a weight: a prefill pass (one part,
// weight 1), or a decode generation as a few decode steps each standing for `weight` steps
// (workload/generation.h). SearchModel
//  1. searches every distinct op shape once: ops whose OpShapeKey is equal (same kind, dims,
//     tensors' roles, dims and word sizes, passes — not names or counts) share one search, also
//     across parts (a decode step's projections are searched once for the whole generation);
//  2. with fusion, proposes the candidate groups of each part (fusion/group.h), models each on the
//     architecture (fusion/group_model.h) and searches, for each of its shared tilings, each
//     member's constrained mapspace — the same searcher, unchanged; identical member searches
//     (same problem, constraints and budget) are shared too;
//  3. runs all those searches in parallel with TBB, one searcher call per task with threads = 1
//     (so no OpenMP region runs inside TBB), or in a plain loop with one thread;
//  4. builds each group's front (per tiling, GroupModel::CombineFronts; merged over tilings), runs
//     the partition DP of each part (fusion/partition.h) with fusion and without, folds the parts'
//     fronts with weights (pareto::MinkowskiSum, thinned by a log grid keeping both extremes), and
//     finally merges the no-fusion front into the fused one, so that fusion is never worse
//     anywhere (every no-fusion point is weakly dominated by a fused-front point).
//
// The phases are the methods of ModelPlanner (src/planner/model_planner.h), the table of searches
// SearchTable (src/planner/search_tasks.h), its keys SearchKey (src/planner/search_keys.h).
//
// Determinism: task i searches with seed DeriveSeed(seed, {FNV-1a(its key)}), a stable key of what
// it searches, and results are combined in a fixed order; with an evaluation budget (no time
// budget) the fronts are identical for any thread count.
//
// Shared tilings are searched in two rounds (the group's mapspace includes the tiling, DESIGN
// §2.8.1): up to `screened_tilings` tilings ranked by GroupModel::Tilings are screened with a
// small budget, then the `refined_tilings` whose combined fronts have the smallest knee EDP are
// searched again with a larger one; every front found enters the group's front.
//
// Budgets: `op_budget` applies to each op search. A group gets, per member, the same budget: half
// of it split evenly over the screened tilings, half over the refined ones. So groups cost about as
// much search as their ops alone.
//
// Units: cycles, pJ, pJ × cycles. Thread-safety: SearchModel may run concurrently with other calls;
// results are plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/fusion/group.h"
#include "loopfront/fusion/group_model.h"
#include "loopfront/fusion/partition.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/pareto/front.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/searcher.h"
#include "loopfront/workload/workload.h"

namespace loopfront::planner {

// Evaluations per op search when the caller gives no budget: BERT-Base at 512 tokens with fusion
// then takes a few seconds on two cores (bench/bench_model_search.cpp).
inline constexpr std::int64_t kDefaultModelOpEvaluations = 100'000;
// Shared tilings screened and refined per fused group (GroupModel::Tilings).
inline constexpr int kDefaultScreenedTilings = 24;
inline constexpr int kDefaultRefinedTilings = 4;
// Log-grid cell of the fronts' thinning (DESIGN §2.7.1: 0.5% per axis).
inline constexpr double kDefaultRelativeCell = 0.005;

// What an op's search depends on: kind, dims (names and sizes), tensors (role, dims, word bits),
// passes, operations per element and reduced dim. Not the op's name, its tensors' names or its
// count: ops of equal keys share one search. ToString() is the stable text the search's seed
// derives from, so it must never change (it would change every whole-model front).
struct OpShapeKey {
  struct TensorShape {
    workload::TensorRole role = workload::TensorRole::kInput;
    std::vector<int> dims;
    int word_bits = 8;
    // A convolution input's affine indices: ops that differ only in stride or dilation differ here.
    std::vector<std::vector<workload::IndexTerm>> affine_indices{};
    bool operator==(const TensorShape&) const = default;
  };

  explicit OpShapeKey(const workload::Op& op);

  workload::OpKind kind = workload::OpKind::kContraction;
  std::vector<workload::Dim> dims;
  std::vector<TensorShape> tensors;
  int passes = 1;
  std::vector<double> ops_per_element;
  // As the op gives them (empty = the kind's default); in the key text and hash only when given,
  // so that the keys of ops without them stay as they were.
  std::vector<workload::FunctionMix> functions;
  int reduced_dim = -1;  // -1: none
  // workload::Op::accumulator_bits (precision: the cost models pack words), 0 when unset; in the
  // key text and hash only when set, so that the keys of ops without precision stay as they were.
  int accumulator_bits = 0;

  bool operator==(const OpShapeKey&) const = default;
  std::string ToString() const;
};

// One workload of a model and how many times it runs.
struct ModelPart {
  workload::Workload workload;
  double weight = 1.0;
  std::string label{};  // "" for a prefill pass; "kv_len 39..70 (as 55)" for a decode bucket
};

struct ModelSearchOptions {
  search::Budget op_budget{.max_evaluations = kDefaultModelOpEvaluations, .max_seconds = 0.0, .max_stall_steps = 0};
  std::uint64_t seed = 1;
  int threads = 0;  // 0 = util::DefaultThreadCount()
  bool fusion = true;
  int screened_tilings = kDefaultScreenedTilings;
  int refined_tilings = kDefaultRefinedTilings;
  double relative_cell = kDefaultRelativeCell;
  search::MapspaceOptions mapspace{};
};

// One search that ran: an op shape, or one member of a group under one tiling.
struct SearchRecord {
  std::string key;              // the search's stable key text (its seed derives from it)
  mapping::Problem problem;     // what was searched (for printing and re-evaluating its mappings)
  search::SearchResult result;  // empty front when the mapspace could not be built (member tasks)
  std::string failure{};        // why the mapspace could not be built
};

// The member searches of one tiling of a group, in one round.
struct TilingSearch {
  int tiling = 0;                   // index into GroupResult::tilings
  bool refined = false;             // second round
  std::vector<int> member_records;  // per member: record index
};

// A point of a group's front: the tiling search, and the point taken in each member's front.
struct GroupPoint {
  int search = 0;  // index into GroupResult::searches
  fusion::MemberChoice members;
};

struct GroupResult {
  fusion::FusedGroup group;
  std::string label;
  std::string not_feasible{};                 // why the group cannot be fused on the architecture ("" if it can)
  std::vector<fusion::SharedTiling> tilings;  // the screened ones
  std::vector<TilingSearch> searches;         // the screening round, then the refinement
  std::vector<GroupPoint> points;             // indexed by the payloads of `front`
  pareto::Front<std::uint32_t> front;         // per execution; empty: no tiling had a valid mapping
};

struct PartResult {
  std::vector<int> op_records;                          // per op id: record index
  std::vector<pareto::Front<std::uint32_t>> op_fronts;  // per op id, per execution; payload = record point
  std::vector<fusion::FusedGroup> groups;               // the candidates (fusion), index = GroupResult index
  std::vector<GroupResult> group_results;
  pareto::Front<fusion::Plan> fused;  // this part alone, with fusion (= unfused without)
  pareto::Front<fusion::Plan> unfused;
};

// A model point's payload: one plan per part.
using ModelPlan = std::vector<fusion::Plan>;

struct ModelSearchStatistics {
  std::int64_t ops = 0;               // ops over all parts
  std::int64_t op_searches = 0;       // distinct op shapes searched
  std::int64_t candidate_groups = 0;  // over all parts
  std::int64_t feasible_groups = 0;   // with a valid fused mapping
  std::int64_t member_searches = 0;   // distinct member searches (group × tiling × member × round)
  std::int64_t evaluations = 0;       // over every search
  double search_seconds = 0.0;        // wall time of the searches
  double wall_seconds = 0.0;          // of the whole SearchModel
  int threads = 1;
};

// One unit of a plan, for the per-op/group breakdown of a model point.
struct BreakdownRow {
  std::string unit;           // op name or group label
  std::string part;           // the part label(s) it comes from ("" for a prefill pass)
  double count = 0;           // executions: the op's count × the part's weight, summed over parts
  double latency_cycles = 0;  // total over its executions
  double energy_pj = 0;
  // Total over its executions: the bytes its mappings move across the outermost level (DRAM), at
  // each tensor's word size (cost::OutermostTrafficBytes; a group's intermediates move none).
  double dram_bytes = 0;
  // The part of latency_cycles spent dequantizing the tensors read and quantizing the tensor
  // written on a floating-point host (mapping::Problem): the op's latency × their shares of its
  // compute cycles. A group sums its members' (each member's cycles × its shares), scaled down
  // together if members overlap so that they never exceed the group's latency. 0 elsewhere.
  double dequantize_cycles = 0;
  double quantize_cycles = 0;
  std::string bounding;  // the level bounding latency ("compute" if none), per member for groups
  std::string detail;    // the mapping of an op; "shared <tiling>" and the members' mappings for groups
};

struct ModelSearchResult {
  std::vector<ModelPart> parts;
  std::vector<SearchRecord> records;
  std::vector<PartResult> part_results;
  pareto::Front<ModelPlan> fused;    // with fusion; equals `unfused` when options.fusion is false
  pareto::Front<ModelPlan> unfused;  // every op alone
  ModelSearchStatistics statistics;

  // "attention(qk_matmul+softmax+av_matmul); ffn_w1+gelu", "none"; for several parts, a group used
  // in some parts only is followed by the labels of those parts in brackets.
  std::string PlanLabel(const ModelPlan& plan) const;
  // The units of `plan`; rows of equal unit, part-independent mapping are merged over parts.
  std::vector<BreakdownRow> Breakdown(const ModelPlan& plan, const cost::CostModel& cost_model) const;
};

// The `part` of a row merged over `merged_parts` of `total_parts` parts (a decode generation's
// buckets): "all steps" when it is every part, else "<merged_parts> kv_len buckets".
std::string MergedPartsLabel(int merged_parts, int total_parts);

// Throws util::ConfigError when an op has no valid mapping within its budget (naming the op and the
// reasons), like `loopfront search`; a group without one is simply not fused.
// Also throws it for a fixed-schedule searcher (Searcher::fixed_schedule, e.g. gemmini_default): a
// matmul schedule cannot map a model's vector ops and fused groups.
ModelSearchResult SearchModel(std::vector<ModelPart> parts, const arch::Architecture& architecture,
                              const cost::CostModel& cost_model, const search::Searcher& searcher,
                              const ModelSearchOptions& options = {});

}  // namespace loopfront::planner

template <>
struct std::hash<loopfront::planner::OpShapeKey> {
  std::size_t operator()(const loopfront::planner::OpShapeKey& key) const noexcept;
};
