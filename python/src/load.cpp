// Loading (bindings.h): `Architecture`, `Op`.
#include <pybind11/stl.h>

#include <string>

#include "loopfront/arch/loader.h"
#include "loopfront/workload/op_spec.h"
#include "python/src/bindings.h"
#include "python/src/objects.h"

namespace loopfront::python {

void BindLoad(py::module_& module) {
  py::class_<arch::Architecture>(module, "Architecture",
                                 "An accelerator: storage levels (outermost first), the PE array, the vector unit")
      .def_static(
          "load", [](const std::string& name_or_path) { return arch::LoadArchitecture(name_or_path); },
          py::arg("name_or_path"), "A preset name (`loopfront list`) or a YAML file (docs/architectures.md)")
      .def_property_readonly("name", [](const arch::Architecture& architecture) { return architecture.name; })
      .def_property_readonly("levels", &arch::Architecture::LevelNames, "The storage levels' names, outermost first")
      .def("to_yaml", [](const arch::Architecture& architecture) { return arch::ArchitectureToYaml(architecture); })
      .def("__repr__", [](const arch::Architecture& architecture) {
        return "<loopfront.Architecture '" + architecture.name + "'>";
      });

  py::class_<Op>(module, "Op", "One op of a workload: its kind, dims and tensors")
      .def_static(
          "parse", [](const std::string& text) { return Op{.op = workload::ParseOpSpec(text, "Op.parse"), .label = text}; },
          py::arg("text"), "An op as `--op` takes it, e.g. \"matmul m=512 n=768 k=768\" (docs/workloads.md)")
      .def_property_readonly("name", [](const Op& op) { return op.op.name; })
      .def_property_readonly("label", [](const Op& op) { return op.label; }, "How reports name the op")
      .def("__repr__", [](const Op& op) { return "<loopfront.Op '" + op.label + "'>"; });
}

}  // namespace loopfront::python
