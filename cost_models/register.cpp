// The one registration table of cost models (shared/STYLE.md: explicit registration). Add a line
// here for every folder of cost_models/; a test checks that every folder is registered.
#include "cost_models/dataflow/dataflow_model.h"
#include "cost_models/roofline/roofline_model.h"
#include "loopfront/cost/cost_model.h"

namespace loopfront::cost {

void RegisterBuiltinCostModels(CostModelRegistry& registry) {
  registry.Register({.name = std::string(DataflowModel::kName),
                     .description = std::string(DataflowModel::kDescription),
                     .factory = [](const util::ParamValues&) { return std::make_unique<DataflowModel>(); }});
  registry.Register({.name = std::string(RooflineModel::kName),
                     .description = std::string(RooflineModel::kDescription),
                     .factory = [](const util::ParamValues&) { return std::make_unique<RooflineModel>(); }});
}

}  // namespace loopfront::cost
