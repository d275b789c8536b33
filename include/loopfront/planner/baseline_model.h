// A whole model evaluated under a baseline schedule (issue 11, item 1): what the model costs when
// its matmuls run as a given software schedule would run them (e.g. gemmini_default, Gemmini's
// tiled_matmul_auto), so that a searched knee can be reported as a speedup over it.
//
// EvaluateBaselineModel takes a finished SearchModel result and
//  - maps every contraction op with the baseline searcher (its knee: a fixed schedule returns one
//    point), one search per distinct op shape (OpShapeKey), on the whole architecture, with the
//    model search's op budget and the seed its op search had (a fixed schedule ignores both);
//  - keeps every vector op at the point the model search's no-fusion knee takes for it: the very
//    same search results, not searched again. So the baseline and the no-fusion knee differ in the
//    contraction rows only, and the speedup over the baseline measures the matmul schedules alone
//    (a vector op's min-latency point would mix in a different latency-energy trade-off);
//  - fuses nothing (a baseline schedule maps one op at a time).
// The result is a ModelSearchResult whose contraction ops' records and fronts are the baseline's
// (one point each) and the plan that picks them, so that its breakdown is ModelSearchResult::
// Breakdown — the same rows as a knee's, built by the same code.
//
// Determinism: the vector ops come from the model search (deterministic for any thread count with
// an evaluation budget, model_search.h) and the baseline searches run one after another with seeds
// derived from their keys: the result does not depend on the thread count.
//
// Units: cycles, pJ. Thread-safety: a pure function of its arguments.
#pragma once

#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/pareto/front.h"
#include "loopfront/planner/model_search.h"
#include "loopfront/search/searcher.h"

namespace loopfront::planner {

struct BaselineModel {
  // The model search's result with each contraction op's record and front replaced by the
  // baseline's: fronts (fused, unfused) are left empty, `plan` is the one plan of interest.
  ModelSearchResult result;
  ModelPlan plan;                  // one choice per op of each part, no groups
  pareto::Objectives objectives;   // the whole model: Σ over parts of weight × Σ ops of count × cost
  std::vector<BreakdownRow> rows;  // result.Breakdown(plan, cost_model)
};

// Throws util::ConfigError naming the op and the reason when the baseline cannot map a contraction
// op (it refuses the op or the architecture, or finds no valid mapping), and InternalError when
// `searched` has no no-fusion front.
BaselineModel EvaluateBaselineModel(const ModelSearchResult& searched, const arch::Architecture& architecture,
                                    const cost::CostModel& cost_model, const search::Searcher& baseline,
                                    const ModelSearchOptions& options);

}  // namespace loopfront::planner
