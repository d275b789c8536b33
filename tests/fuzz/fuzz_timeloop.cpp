// Timeloop/Accelergy input (timeloop/importer.h): one YAML file holding any of the keys
// architecture, problem, mapping, ERT, ART, constraints (Timeloop merges the files' keys, so one
// file covers every split). The importer reads only files: the input is written to a scratch file.
#include "fuzz_target.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/timeloop/importer.h"

LOOPFRONT_FUZZ_TARGET(timeloop) {
  const auto file = loopfront::fuzz::WriteScratchFile(input, "timeloop.yaml");
  // Without a `mapping` key the import still reads the rest (as `search` and `import` do).
  const auto design = loopfront::timeloop::ImportTimeloop({file}, {.mapping_required = false});
  if (design.has_mapping) {
    (void)loopfront::cost::BuiltinCostModels().Create("dataflow")->Evaluate(design.problem, design.mapping);
  }
}
