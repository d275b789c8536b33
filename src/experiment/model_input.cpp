#include "loopfront/experiment/model_input.h"

#include <fmt/format.h>

namespace loopfront::experiment {

ResolvedModel ResolveModel(const ModelRequest& request) {
  workload::WorkloadOverrides overrides;
  overrides.seq_len = request.seq_len;
  overrides.batch = request.batch;
  overrides.phase = request.phase;
  overrides.kv_len = request.kv_len;
  overrides.precision = request.precision;
  ResolvedModel resolved{
      .identity = {},
      .spec = workload::LoadSweptWorkloadSpec(request.model, request.sweep, overrides, request.blocks_only),
      .parts = {}};
  const workload::WorkloadSpec& spec = resolved.spec;
  resolved.identity.model = spec.name;
  // A swept workload keeps its name (the swept values are columns); its title names them.
  std::string name = spec.name;
  if (request.blocks_only) name += " (blocks only)";
  if (!request.sweep.empty()) name += " with " + workload::SettingsText(request.sweep);
  if (!spec.IsTransformer()) {
    resolved.identity.description = fmt::format("{} (op list)", name);
    resolved.parts.push_back({workload::BuildWorkload(spec), 1.0, ""});
    return resolved;
  }
  const workload::TransformerSpec& transformer = *spec.transformer;
  resolved.identity.seq_len = std::to_string(transformer.seq_len);
  resolved.identity.batch = std::to_string(transformer.batch);
  resolved.identity.phase = std::string(workload::ToString(transformer.phase));
  if (transformer.phase == workload::Phase::kPrefill) {
    resolved.identity.description =
        fmt::format("{} (prefill of {} tokens, batch {})", name, transformer.seq_len, transformer.batch);
    resolved.parts.push_back({workload::BuildWorkload(spec), 1.0, ""});
  } else if (transformer.kv_len) {
    resolved.identity.description =
        fmt::format("{} (one decode step at kv_len {}, batch {})", name, *transformer.kv_len, transformer.batch);
    resolved.parts.push_back({workload::BuildWorkload(spec), 1.0, fmt::format("kv_len {}", *transformer.kv_len)});
  } else {
    const std::vector<workload::GenerationStep> steps = workload::DecodeGeneration(transformer, request.kv_buckets);
    resolved.identity.description =
        fmt::format("{} (decode: generation of {} tokens, batch {}, as {} kv_len bucket{})", name, transformer.seq_len,
                    transformer.batch, steps.size(), steps.size() == 1 ? "" : "s");
    for (const workload::GenerationStep& step : steps) {
      resolved.parts.push_back(
          {workload::BuildTransformer(step.spec), static_cast<double>(step.bucket.steps), step.label});
    }
  }
  return resolved;
}

}  // namespace loopfront::experiment
