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
  ResolvedModel resolved{.identity = {}, .spec = workload::LoadWorkloadSpec(request.model, overrides), .parts = {}};
  const workload::WorkloadSpec& spec = resolved.spec;
  resolved.identity.model = spec.name;
  if (!spec.IsTransformer()) {
    resolved.identity.description = fmt::format("{} (op list)", spec.name);
    resolved.parts.push_back({workload::BuildWorkload(spec), 1.0, ""});
    return resolved;
  }
  const workload::TransformerSpec& transformer = *spec.transformer;
  resolved.identity.seq_len = std::to_string(transformer.seq_len);
  resolved.identity.batch = std::to_string(transformer.batch);
  resolved.identity.phase = std::string(workload::ToString(transformer.phase));
  if (transformer.phase == workload::Phase::kPrefill) {
    resolved.identity.description =
        fmt::format("{} (prefill of {} tokens, batch {})", spec.name, transformer.seq_len, transformer.batch);
    resolved.parts.push_back({workload::BuildWorkload(spec), 1.0, ""});
  } else if (transformer.kv_len) {
    resolved.identity.description =
        fmt::format("{} (one decode step at kv_len {}, batch {})", spec.name, *transformer.kv_len, transformer.batch);
    resolved.parts.push_back({workload::BuildWorkload(spec), 1.0, fmt::format("kv_len {}", *transformer.kv_len)});
  } else {
    const std::vector<workload::GenerationStep> steps = workload::DecodeGeneration(transformer, request.kv_buckets);
    resolved.identity.description =
        fmt::format("{} (decode: generation of {} tokens, batch {}, as {} kv_len bucket{})", spec.name,
                    transformer.seq_len, transformer.batch, steps.size(), steps.size() == 1 ? "" : "s");
    for (const workload::GenerationStep& step : steps) {
      resolved.parts.push_back(
          {workload::BuildTransformer(step.spec), static_cast<double>(step.bucket.steps), step.label});
    }
  }
  return resolved;
}

}  // namespace loopfront::experiment
