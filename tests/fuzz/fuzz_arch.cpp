// An architecture file (arch/loader.h), then a problem with it and one cost-model evaluation of a
// mapping that runs every loop at the outermost level (valid on any architecture the loader
// accepts whose inner levels keep what they must, so the model's arithmetic sees the file's numbers).
#include <string>

#include "fuzz_target.h"
#include "loopfront/arch/loader.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/workload/op_spec.h"

LOOPFRONT_FUZZ_TARGET(arch) {
  loopfront::util::Diagnostics diagnostics;
  const auto document = loopfront::io::YamlDocument::LoadString(std::string(input), "fuzz.yaml", diagnostics);
  diagnostics.ThrowIfAny();
  const auto architecture = loopfront::arch::ReadArchitectureDocument(document, "fuzz");
  (void)loopfront::arch::ArchitectureToYaml(architecture);
  const auto problem =
      loopfront::mapping::Problem::Build(loopfront::workload::ParseOpSpec("matmul m=64 n=64 k=64"), architecture);
  auto mapping = loopfront::mapping::EmptyMapping(problem);
  for (int dim = 0; dim < problem.num_dims(); ++dim) mapping.level(0).AddTemporal(dim, problem.dim_size(dim));
  for (const char* model : {"dataflow", "roofline"}) {
    (void)loopfront::cost::BuiltinCostModels().Create(model)->Evaluate(problem, mapping);
  }
}
