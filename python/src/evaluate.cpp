// Evaluating (bindings.h): `evaluate` — one mapping, `loopfront eval --format json`'s object.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/report/eval.h"
#include "python/src/bindings.h"
#include "python/src/objects.h"

namespace loopfront::python {
namespace {

py::object Evaluate(const arch::Architecture& architecture, const Op& op, const std::string& mapping_or_path,
                    const std::string& cost_model_name, const py::object& cost_params) {
  const std::vector<std::string> params = ParamStrings(cost_params);
  const std::unique_ptr<cost::CostModel> cost_model = cost::BuiltinCostModels().Create(cost_model_name, params);
  const mapping::MappingFile file = mapping::LoadMappingArgument(mapping_or_path, "mapping");
  // A file that names its architecture and op (`arch:`, `op:`) must name these, as with `eval`.
  const std::optional<mapping::Problem> file_problem = file.HeaderProblem();
  const mapping::Problem problem = mapping::Problem::Build(op.op, architecture);
  if (file_problem) {
    mapping::CheckHeaderAgreement(*file_problem, architecture, op.op, file.file(), "given as `arch`",
                                  "given as `op` (" + op.label + ")");
  }
  const mapping::Mapping mapping = file.Read(problem);
  const cost::Cost cost = report::EvaluateGivenMapping(*cost_model, problem, mapping, file.file());
  return ToPython(report::EvalJson(problem, mapping, cost, op.label, std::string(cost_model->name())));
}

}  // namespace

void BindEvaluate(py::module_& module) {
  module.def("evaluate", &Evaluate, py::arg("arch"), py::arg("op"), py::arg("mapping"), py::kw_only(),
             py::arg("cost_model") = "dataflow", py::arg("cost_params") = py::none(),
             "Evaluates one mapping of `op` on `arch`: a dict with the keys and values of `loopfront eval --format "
             "json` (cycles, energy_pj, edp_pj_cycles, per-level counts, ...). `mapping` is the one-line text "
             "`search` prints or a mapping YAML file (as `eval --mapping` takes it; a file whose arch:/op: keys name "
             "another architecture or op is a ConfigError). A mapping the cost model cannot evaluate is a "
             "ConfigError with `eval`'s message.");
}

}  // namespace loopfront::python
