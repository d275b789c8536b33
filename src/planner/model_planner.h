// The phases of SearchModel (model_search.h), as the methods of one object that holds what they
// share: the result being built, the table of searches and each candidate group's model.
//
// SearchModel calls them in this order:
//   1. QueueOpSearches     every distinct op shape (per part, in op order);
//   2. QueueScreening      with fusion: each candidate group's model and its screened tilings, one
//                          member search per member and tiling at a small budget;
//   3. RunQueuedSearches   the op searches and the screening together, in one parallel batch;
//      RequireEveryOpMapped  an op without a valid mapping stops the run (as `loopfront search`);
//   4. QueueRefinement     the best screened tilings of each group, searched again with a larger
//                          budget; then RunQueuedSearches again;
//   5. BuildOpFronts, BuildGroupFronts  the part's unit fronts (group: merged over its tilings);
//   6. PartitionPart       the partition DP of the part, with and without fusion;
//   7. FoldParts           the parts' fronts folded with their weights into the model fronts.
// Phases 1–2 alternate part by part (ops of part 0, its groups, ops of part 1, ...): that is the
// table's order, which decides the record indices and which task names a shared search.
//
// Equal groups of different parts (the same FusedGroup over equal member ops: in a decode
// generation every group but the attention ones, whose ops read the bucket's kv_len) are built,
// screened, refined and merged once: everything phases 2, 4 and 5 derive for a group is a function
// of the group, its member ops and the architecture (GroupModel::Build reads nothing else of the
// workload), so a later equal group takes a copy of the first one's GroupResult and model. Its
// member searches have the same keys, so the table gave it the same records before too; what the
// copy saves is rebuilding its model, member problems and keys, and re-combining its fronts: in a
// LLaMA-2-7B decode generation (8 buckets, 7 of 9 groups equal) that was 60% of the planner's
// serial instructions (callgrind, op budget 2,000: 202 M → 79 M).
//
// Private to src/planner/. Thread-safety: one thread calls the phases; RunQueuedSearches
// parallelises inside.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/fusion/group_model.h"
#include "loopfront/pareto/front.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"
#include "src/planner/search_tasks.h"

namespace loopfront::planner {

class ModelPlanner {
 public:
  // Borrows `architecture`, `cost_model`, `searcher` and `options` for its lifetime.
  ModelPlanner(std::vector<ModelPart> parts, const arch::Architecture& architecture, const cost::CostModel& cost_model,
               const search::Searcher& searcher, const ModelSearchOptions& options);

  std::size_t num_parts() const { return result_.parts.size(); }

  void QueueOpSearches(std::size_t part_idx);
  void QueueScreening(std::size_t part_idx);
  void RunQueuedSearches();
  // Throws util::ConfigError naming every op without a valid mapping.
  void RequireEveryOpMapped() const;
  void QueueRefinement();
  void BuildOpFronts(std::size_t part_idx);
  void BuildGroupFronts(std::size_t part_idx);
  void PartitionPart(std::size_t part_idx);
  void FoldParts();

  // The result, with the wall time since construction. Call once, last.
  ModelSearchResult TakeResult();

 private:
  // The member searches of one tiling of a group (none when the tiling leaves no capacity).
  TilingSearch QueueMemberSearches(const fusion::GroupModel& model, const GroupResult& group_result, int tiling,
                                   const search::Budget& budget, bool refined);
  // The group's front for one tiling search (empty if a member has no valid mapping).
  pareto::Front<fusion::MemberChoice> CombineTiling(const fusion::GroupModel& model, const GroupResult& group_result,
                                                    const TilingSearch& search) const;
  pareto::Front<ModelPlan> Fold(bool fused) const;
  // An earlier part's group equal to `group` of part `part_idx` (see above), as (part, group), or
  // nullopt.
  std::optional<std::pair<std::size_t, std::size_t>> EarlierEqualGroup(std::size_t part_idx,
                                                                       const fusion::FusedGroup& group) const;

  const std::chrono::steady_clock::time_point start_;
  const arch::Architecture& architecture_;
  const cost::CostModel& cost_model_;
  const search::Searcher& searcher_;
  const ModelSearchOptions& options_;
  ModelSearchResult result_;
  SearchTable table_;
  // Per part, per candidate group: its model (nullopt when it cannot be fused on the architecture).
  std::vector<std::vector<std::optional<fusion::GroupModel>>> models_;
  // Per part, per candidate group: the earlier part's equal group it copies, as (part, group), or
  // nullopt for a group built here.
  std::vector<std::vector<std::optional<std::pair<std::size_t, std::size_t>>>> copy_of_;
  // Per member search of the screening round, and of the refinement (model_search.h, "Budgets").
  search::Budget screen_budget_;
  search::Budget refine_budget_;
};

}  // namespace loopfront::planner
