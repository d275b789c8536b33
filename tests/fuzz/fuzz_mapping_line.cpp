// A one-line mapping (mapping::ParseMapping, as `--mapping "DRAM[...] ..."`) on the fixed problem
// (fuzz_target.h), printed back and evaluated once by each cost model.
#include "fuzz_target.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"

LOOPFRONT_FUZZ_TARGET(mapping_line) {
  const loopfront::mapping::Problem& problem = loopfront::fuzz::FixedProblem();
  const auto mapping = loopfront::mapping::ParseMapping(input, problem, "--mapping");
  (void)loopfront::mapping::ToString(mapping, problem);
  (void)loopfront::mapping::CheckStructure(mapping, problem);
  for (const char* model : {"dataflow", "roofline"}) {
    (void)loopfront::cost::BuiltinCostModels().Create(model)->Evaluate(problem, mapping);
  }
}
