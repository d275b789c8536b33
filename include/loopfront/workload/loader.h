// Loading workloads from YAML (DESIGN §2.2, §4): a preset name (`bert-base`, embedded from
// workloads/*.yaml) or a file, in one of two forms, told apart by a top-level key:
//   - `transformer:` a Transformer spec (TransformerSpec), built into one block's ops;
//   - `ops:` an explicit list of einsums (any op; docs/workloads.md, "Op lists").
// Every key is documented in docs/workloads.md.
//
// Loading is strict and reports every problem of a file at once, as
// `file:line:col: key.path: expected ..., got ...; hint` (io/yaml_reader.h), through one
// util::ConfigError. Checks beyond single keys are positioned at the key to fix: d_model not a
// multiple of heads at d_model, kv_heads not dividing heads at kv_heads, an unknown tensor dim at
// the dim, a tensor written by two ops at the second writer, a cycle at the op that closes it.
// Op-list tensors may say `data: activation|parameter|kv_cache`; without it a weight that no op
// writes is a parameter, anything else an activation. Op::parameters of an op-list op is the sum
// of its parameter tensors' elements × count, each tensor name counted at its first op only.
//
// Specs are validated completely here; building a Workload from a loaded spec cannot fail.
// Thread-safety: the functions share no state and may run concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/workload/op.h"
#include "loopfront/workload/transformer.h"
#include "loopfront/workload/workload.h"

namespace loopfront::workload {

// The top-level key that identifies each form of workload document.
inline constexpr std::string_view kTransformerKey = "transformer";
inline constexpr std::string_view kOpListKey = "ops";

// A workload document as read, before the graph is built.
struct WorkloadSpec {
  std::string name{};                            // `name:` key, else the preset name or file stem
  std::optional<TransformerSpec> transformer{};  // set for transformer documents
  std::vector<Op> ops{};                         // op lists: the ops, in file order

  bool IsTransformer() const { return transformer.has_value(); }
};

// Values from the command line (`analyze --seq --batch --phase --precision`) that replace a
// transformer spec's. Setting the phase to prefill drops kv_len (it applies to decode only).
// precision replaces the spec's precision; op lists refuse it (their bits are per tensor).
struct WorkloadOverrides {
  std::optional<std::int64_t> seq_len{};
  std::optional<std::int64_t> batch{};
  std::optional<Phase> phase{};
  std::optional<std::int64_t> kv_len{};
  std::optional<Precision> precision{};  // `--precision w4a16kv8`

  bool empty() const { return !seq_len && !batch && !phase && !kv_len && !precision; }
};

// Resolves `name_or_path` (io::LooksLikePath decides), reads it, applies `overrides`, and checks
// the result. An unknown preset is a ConfigError with "did you mean" over the preset names;
// overrides on an op list, or that make the spec invalid (decode of an encoder), are
// ConfigErrors naming the command-line option.
WorkloadSpec LoadWorkloadSpec(std::string_view name_or_path, const WorkloadOverrides& overrides = {});
Workload LoadWorkload(std::string_view name_or_path, const WorkloadOverrides& overrides = {});

// Builds the workload of a checked spec (BuildTransformer, or the op list's graph).
Workload BuildWorkload(const WorkloadSpec& spec);

// Applies `overrides` (see WorkloadOverrides) and re-checks the spec; throws ConfigError.
WorkloadSpec ApplyOverrides(WorkloadSpec spec, const WorkloadOverrides& overrides);

// Readers of an already parsed document; they throw one ConfigError with every problem found.
// `default_name` names the workload when the document has no `name:` key.
WorkloadSpec ReadWorkloadDocument(const io::YamlDocument& document, const std::string& default_name);
WorkloadSpec ReadTransformerDocument(const io::YamlDocument& document, const std::string& default_name);
WorkloadSpec ReadOpListDocument(const io::YamlDocument& document, const std::string& default_name);

// Reads the `transformer:` mapping itself (for loaders that embed one, e.g. experiments). Problems
// go to value's diagnostics; nullopt if there were any.
std::optional<TransformerSpec> ReadTransformerSpec(const io::YamlValue& value, const std::string& name);

}  // namespace loopfront::workload
