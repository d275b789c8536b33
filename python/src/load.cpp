// Loading (bindings.h): `Architecture`, `Op`, `Workload`, `Constraints`, `from_timeloop`, `analyze`.
// Each loads through the library functions the CLI uses, so names, defaults and error messages are
// the CLI's; loading is quick (no RunReleased), except analyze, which may count a large model.
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/arch/overrides.h"
#include "loopfront/experiment/model_input.h"
#include "loopfront/io/yaml_json.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/report/analysis.h"
#include "loopfront/report/workload_yaml.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/op_spec.h"
#include "loopfront/workload/precision.h"
#include "loopfront/workload/shape_sweep.h"
#include "loopfront/workload/transformer.h"
#include "python/src/bindings.h"
#include "python/src/objects.h"

namespace loopfront::python {
namespace {

// The name of a Python value's type, for TypeErrors.
std::string TypeName(const py::handle& value) { return py::str(py::type::of(value).attr("__name__")); }

// A scalar as the text of a YAML value: true/false, numbers as str() writes them, strings as they are.
std::string ScalarText(const py::handle& value, const std::string& what) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value) || py::isinstance<py::str>(value)) {
    return py::str(value);
  }
  throw py::type_error("loopfront: expected " + what + " to be a number, a string or a bool, got " + TypeName(value));
}

arch::Architecture LoadArchitecture(const std::string& name_or_path, const py::object& overrides) {
  arch::Architecture base = arch::LoadArchitecture(name_or_path);
  if (overrides.is_none()) return base;
  if (!py::isinstance<py::dict>(overrides)) {
    throw py::type_error("loopfront: expected overrides as a dict {\"level.key\": value}, got " + TypeName(overrides));
  }
  std::vector<std::pair<std::string, std::string>> assignments;
  for (const auto& [key, value] : overrides.cast<py::dict>()) {
    if (!py::isinstance<py::str>(key)) {
      throw py::type_error("loopfront: expected override keys as strings (\"scratchpad.capacity_bytes\"), got " +
                           TypeName(key));
    }
    const std::string key_text = key.cast<std::string>();
    assignments.emplace_back(key_text, ScalarText(value, "override '" + key_text + "'"));
  }
  if (assignments.empty()) return base;
  return arch::ApplyOverrides(base, name_or_path, assignments, "Architecture.load overrides");
}

// The architecture as its YAML's keys (ArchitectureToYaml read back as nested dicts).
py::object ArchitectureDict(const arch::Architecture& architecture) {
  util::Diagnostics diagnostics;
  const io::YamlDocument document =
      io::YamlDocument::LoadString(arch::ArchitectureToYaml(architecture), architecture.name, diagnostics);
  diagnostics.ThrowIfAny();
  return ToPython(io::YamlToJson(document.root()));
}

py::dict OpDims(const workload::Op& op) {
  py::dict dims;
  for (const workload::Dim& dim : op.dims) dims[py::str(dim.name)] = dim.size;
  return dims;
}

// The op's fields by the names of its YAML op lists (docs/workloads.md) and of `analyze`'s columns.
py::dict OpDict(const workload::Op& op) {
  py::dict dict;
  dict["name"] = op.name;
  dict["kind"] = std::string(workload::ToString(op.kind));
  dict["op_class"] = std::string(workload::ToString(op.op_class));
  dict["dims"] = OpDims(op);
  py::list tensors;
  for (const workload::Tensor& tensor : op.tensors) {
    py::dict item;
    item["name"] = tensor.name;
    item["role"] = std::string(workload::ToString(tensor.role));
    py::list dims;
    for (const int dim : tensor.dims) dims.append(op.dims[static_cast<std::size_t>(dim)].name);
    item["dims"] = dims;
    item["word_bits"] = tensor.word_bits;
    item["data"] = std::string(workload::ToString(tensor.data));
    tensors.append(item);
  }
  dict["tensors"] = tensors;
  dict["passes"] = op.passes;
  dict["ops_per_element"] = op.ops_per_element;
  dict["reduced_dim"] =
      op.reduced_dim ? py::object(py::str(op.dims[static_cast<std::size_t>(*op.reduced_dim)].name)) : py::none();
  dict["count"] = op.count;
  dict["macs"] = op.Macs();
  dict["flops"] = op.Flops();
  dict["ideal_bytes"] = op.IdealBytes();
  dict["parameters"] = op.parameters;
  return dict;
}

std::optional<workload::Phase> PhaseArgument(const std::optional<std::string>& phase) {
  if (!phase) return std::nullopt;
  if (std::optional<workload::Phase> parsed = workload::ParsePhase(*phase)) return parsed;
  const std::vector<std::string> names = workload::PhaseNames();
  throw util::ConfigError({util::Diagnostic{
      .path = "phase",
      .message = "expected " + util::Join(names, " or ") + ", got '" + *phase + "'" +
                 util::DidYouMeanHint(*phase, names)}});
}

Workload LoadWorkload(const std::string& name_or_path, std::optional<std::int64_t> seq_len,
                      const std::optional<std::string>& phase, std::optional<std::int64_t> batch,
                      std::optional<std::int64_t> kv_len, const std::optional<std::string>& precision,
                      bool blocks_only) {
  experiment::ModelRequest request{.model = name_or_path, .blocks_only = blocks_only};
  request.seq_len = seq_len;
  request.batch = batch;
  request.phase = PhaseArgument(phase);
  request.kv_len = kv_len;
  if (precision) {
    request.precision =
        workload::PrecisionOverride(*precision, "precision", workload::LoadWorkloadSpec(name_or_path));
  }
  experiment::ResolvedModel resolved = experiment::ResolveModel(request);
  return Workload{.request = std::move(request), .resolved = std::move(resolved)};
}

// The ops of the workload as loaded (its spec with the overrides), each labelled as
// `--workload W --op-name N` names it.
std::vector<Op> WorkloadOps(const Workload& loaded) {
  std::vector<Op> ops;
  const workload::Workload built = workload::BuildWorkload(loaded.resolved.spec);
  for (const workload::Op& op : built.ops()) {
    ops.push_back(Op{.op = op, .label = loaded.request.model + ":" + op.name});
  }
  return ops;
}

Op WorkloadOp(const Workload& loaded, const std::string& name) {
  std::vector<std::string> names;
  for (Op& op : WorkloadOps(loaded)) {
    if (op.op.name == name) return std::move(op);
    names.push_back(op.op.name);
  }
  throw util::ConfigError({util::Diagnostic{
      .path = "op",
      .message = "expected an op of workload '" + loaded.resolved.identity.model + "' (" + util::Join(names, ", ") +
                 "), got '" + name + "'" + util::DidYouMeanHint(name, names)}});
}

// An identity field that is a number for Transformer workloads and empty for op lists.
py::object OptionalInt(const std::string& text) {
  if (text.empty()) return py::none();
  return py::int_(std::stoll(text));
}

Constraints LoadConstraints(const std::string& path, const arch::Architecture& architecture, const Op& op) {
  const mapping::Problem problem = mapping::Problem::Build(op.op, architecture);
  return Constraints{.constraints = mapping::LoadConstraints(path, problem), .source = path};
}

// What `eval --timeloop` / `search --timeloop` read from Timeloop's files (a mapping is optional).
py::dict FromTimeloop(const py::args& files) {
  std::vector<std::filesystem::path> paths;
  std::vector<std::string> names;
  for (const py::handle& file : files) {
    if (!py::isinstance<py::str>(file) && !py::isinstance(file, py::module_::import("os").attr("PathLike"))) {
      throw py::type_error("loopfront: expected Timeloop files as paths, got " + TypeName(file));
    }
    names.push_back(py::str(py::module_::import("os").attr("fspath")(file)));
    paths.emplace_back(names.back());
  }
  if (paths.empty()) throw util::ConfigError("expected Timeloop input files (from_timeloop(*files)), got none");
  timeloop::ImportedDesign design = timeloop::ImportTimeloop(paths, {.mapping_required = false});
  py::dict imported;
  imported["mapping"] =
      design.has_mapping ? py::object(py::str(mapping::ToString(design.mapping, design.problem))) : py::none();
  imported["constraints"] =
      design.constraints.empty()
          ? py::none()
          : py::cast(Constraints{.constraints = design.resolved_constraints, .source = util::Join(names, ", ")});
  imported["op"] = py::cast(Op{.op = design.op, .label = design.op.name});
  imported["arch"] = py::cast(std::move(design.architecture));
  return imported;
}

py::object Analyze(const Workload& loaded, const std::optional<std::vector<std::int64_t>>& seq,
                   const std::string& by, const std::optional<std::string>& phase, std::optional<std::int64_t> batch,
                   const std::optional<std::string>& precision) {
  if (by != "op" && by != "class") {
    throw util::ConfigError({util::Diagnostic{
        .path = "by", .message = "expected op or class, got '" + by + "'" + util::DidYouMeanHint(by, {"op", "class"})}});
  }
  const experiment::ModelRequest& request = loaded.request;
  const workload::WorkloadSpec spec =
      workload::LoadSweptWorkloadSpec(request.model, request.sweep, {}, request.blocks_only);
  report::AnalysisRequest analysis{
      .seq_lens = {},
      .batch = batch ? batch : request.batch,
      .phase = phase ? PhaseArgument(phase) : request.phase,
      .kv_len = request.kv_len,
      .precision = precision ? workload::PrecisionOverride(*precision, "precision", spec) : request.precision,
      .group_by = by == "class" ? workload::GroupBy::kClass : workload::GroupBy::kOp};
  if (seq) {
    analysis.seq_lens = *seq;
  } else if (request.seq_len) {
    analysis.seq_lens = {*request.seq_len};
  }
  const report::Table table =
      RunReleased([&] { return report::AnalysisTable(report::AnalyzeConfigurations(spec, analysis)); });
  py::list columns;
  for (const report::Column& column : table.columns()) columns.append(column.name);
  return py::module_::import("loopfront.tables").attr("Table")(ToPython(report::ToJson(table)), columns);
}

}  // namespace

void BindLoad(py::module_& module) {
  py::class_<arch::Architecture>(module, "Architecture",
                                 "An accelerator: storage levels (outermost first), the PE array, the vector unit")
      .def_static("load", &LoadArchitecture, py::arg("name_or_path"), py::arg("overrides") = py::none(),
                  "A preset name (`loopfront list`) or a YAML file (docs/architectures.md). `overrides` sets keys "
                  "as an experiment's `sweep:` does: {\"scratchpad.capacity_bytes\": 65536, \"pe_array.rows\": 32} "
                  "(a level's key as LEVEL.KEY, any other key of `architecture:` by its path); the result is "
                  "checked like a file.")
      .def_property_readonly("name", [](const arch::Architecture& architecture) { return architecture.name; })
      .def_property_readonly("levels", &arch::Architecture::LevelNames, "The storage levels' names, outermost first")
      .def(
          "to_yaml", [](const arch::Architecture& architecture) { return arch::ArchitectureToYaml(architecture); },
          "The architecture as a YAML document that Architecture.load reads back to an equal one")
      .def("to_dict", &ArchitectureDict, "The architecture as nested dicts with the YAML's keys (to_yaml's document)")
      .def(py::self == py::self)
      .def("__repr__", [](const arch::Architecture& architecture) {
        return "<loopfront.Architecture '" + architecture.name + "'>";
      });

  py::class_<Op>(module, "Op", "One op of a workload: its kind, dims and tensors")
      .def_static(
          "parse",
          [](const std::string& text) { return Op{.op = workload::ParseOpSpec(text, "Op.parse"), .label = text}; },
          py::arg("text"), "An op as `--op` takes it, e.g. \"matmul m=512 n=768 k=768\" (docs/workloads.md)")
      .def_property_readonly("name", [](const Op& op) { return op.op.name; })
      .def_property_readonly("label", [](const Op& op) { return op.label; },
                             "How reports name the op: the spec text, or \"workload:op_name\"")
      .def_property_readonly("kind", [](const Op& op) { return std::string(workload::ToString(op.op.kind)); },
                             "contraction, softmax, layernorm, gelu, add, ...")
      .def_property_readonly("op_class", [](const Op& op) { return std::string(workload::ToString(op.op.op_class)); },
                             "The survey's op class (`analyze --by class`)")
      .def_property_readonly("dims", [](const Op& op) { return OpDims(op.op); }, "{dim name: size}")
      .def_property_readonly("count", [](const Op& op) { return op.op.count; }, "How many times the op runs")
      .def_property_readonly("macs", [](const Op& op) { return op.op.Macs(); },
                             "MACs of one execution (0 for vector ops)")
      .def("to_dict", [](const Op& op) { return OpDict(op.op); },
           "The op as a dict: name, kind, op_class, dims, tensors, passes, ops_per_element, reduced_dim, count, "
           "macs, flops, ideal_bytes, parameters")
      .def("__eq__", [](const Op& op, const Op& other) { return op.op == other.op; })
      .def("__str__", [](const Op& op) { return op.label; })
      .def("__repr__", [](const Op& op) { return "<loopfront.Op '" + op.label + "'>"; });

  py::class_<Workload>(module, "Workload", "A workload (a Transformer or an op list) with its overrides applied")
      .def_static("load", &LoadWorkload, py::arg("name_or_path"), py::kw_only(), py::arg("seq_len") = py::none(),
                  py::arg("phase") = py::none(), py::arg("batch") = py::none(), py::arg("kv_len") = py::none(),
                  py::arg("precision") = py::none(), py::arg("blocks_only") = false,
                  "A preset (`loopfront list`), a YAML file or \"hf:config.json\", with the values `search --model` "
                  "takes: seq_len, phase (\"prefill\" or \"decode\"), batch, kv_len (decode: one step), precision "
                  "(e.g. \"w4a16kv8\"), blocks_only")
      .def_property_readonly("name", [](const Workload& loaded) { return loaded.resolved.identity.model; })
      .def_property_readonly(
          "description", [](const Workload& loaded) { return loaded.resolved.identity.description; },
          "One line, as the CLI's tables title it")
      .def_property_readonly(
          "seq_len", [](const Workload& loaded) { return OptionalInt(loaded.resolved.identity.seq_len); },
          "Tokens per sequence (None for op lists)")
      .def_property_readonly(
          "batch", [](const Workload& loaded) { return OptionalInt(loaded.resolved.identity.batch); },
          "Sequences per batch (None for op lists)")
      .def_property_readonly(
          "phase",
          [](const Workload& loaded) {
            const std::string& phase = loaded.resolved.identity.phase;
            return phase.empty() ? py::object(py::none()) : py::object(py::str(phase));
          },
          "prefill or decode (None for op lists)")
      .def_property_readonly("ops", &WorkloadOps, "The ops, each an Op labelled \"workload:op_name\"")
      .def("op", &WorkloadOp, py::arg("name"), "The op called `name` (ConfigError with \"did you mean\" otherwise)")
      .def(
          "to_yaml",
          [](const Workload& loaded) {
            const workload::WorkloadSpec& spec = loaded.resolved.spec;
            if (!spec.transformer) {
              throw util::ConfigError({util::Diagnostic{
                  .path = "to_yaml",
                  .message = "expected a Transformer workload, got the op list '" + spec.name +
                             "' (its file is its YAML)"}});
            }
            return report::TransformerSpecToYaml(spec.name, *spec.transformer);
          },
          "A Transformer workload (with its overrides) as the YAML document Workload.load reads")
      .def("__repr__", [](const Workload& loaded) {
        return "<loopfront.Workload '" + loaded.resolved.identity.description + "'>";
      });

  py::class_<Constraints>(module, "Constraints", "Mapspace constraints of one op on one architecture (docs/search.md)")
      .def_static("load", &LoadConstraints, py::arg("path"), py::arg("arch"), py::arg("op"),
                  "A constraints YAML file (as `search --constraints` reads it), resolved against `op` on `arch`")
      .def_property_readonly("source", [](const Constraints& constraints) { return constraints.source; },
                             "The file(s) they came from")
      .def("__repr__",
           [](const Constraints& constraints) { return "<loopfront.Constraints from '" + constraints.source + "'>"; });

  module.def("from_timeloop", &FromTimeloop,
             "Timeloop's input files (any order, as `eval --timeloop` / `search --timeloop` read them): a dict with "
             "`arch` (Architecture), `op` (Op), `constraints` (Constraints or None) and `mapping` (one-line text or "
             "None)");
  module.def("analyze", &Analyze, py::arg("workload"), py::kw_only(), py::arg("seq") = py::none(),
             py::arg("by") = "class", py::arg("phase") = py::none(), py::arg("batch") = py::none(),
             py::arg("precision") = py::none(),
             "`loopfront analyze`'s rows as a Table (its CSV columns): FLOPs, bytes, arithmetic intensity, params "
             "and KV-cache bytes per op (by=\"op\") or op class (by=\"class\"), for each sequence length of `seq` "
             "(default: the workload's). phase, batch and precision default to the workload's.");
}

}  // namespace loopfront::python
