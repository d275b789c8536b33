// A crosscheck JSON case (cost/reference_case.h), evaluated by the dataflow model and compared
// (cost/crosscheck.h) as `loopfront crosscheck` does. The loader reads only files: the input is
// written to a scratch file.
#include "fuzz_target.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/cost/crosscheck.h"
#include "loopfront/cost/reference_case.h"

LOOPFRONT_FUZZ_TARGET(crosscheck) {
  const auto file = loopfront::fuzz::WriteScratchFile(input, "case.json");
  const auto reference = loopfront::cost::LoadReferenceCase(file);
  const auto cost = loopfront::cost::BuiltinCostModels().Create("dataflow")->Evaluate(reference.problem, reference.mapping);
  (void)loopfront::cost::Crosscheck(reference, cost);
}
