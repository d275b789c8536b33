// Small architectures and ops for the mapspace and searcher tests: spaces small enough to enumerate
// exhaustively (and, for the tiniest, by an independent brute force) in well under a second.
#pragma once

#include <string>

#include "loopfront/arch/architecture.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"

namespace loopfront::testing {

// DRAM → buffer (128 words) → 2×2 weight register files (4 words each) → 2×2 MACs. The buffer's fanout
// unrolls output columns across (x) and the reduction down (y), as a weight-stationary array does.
inline arch::Architecture SmallArchitecture(std::int64_t buffer_words = 128, std::int64_t register_words = 4) {
  using arch::DimRole;
  using arch::DimRoleBit;
  arch::Architecture architecture;
  architecture.name = "small3";
  arch::StorageLevel dram;
  dram.name = "DRAM";
  dram.shared_bandwidth_words_per_cycle = 4.0;
  dram.energy_per_access = {200.0, 200.0, 200.0};
  arch::StorageLevel buffer;
  buffer.name = "buffer";
  buffer.capacity_words = buffer_words;
  // A narrow buffer port: fast mappings must then spend energy on reuse elsewhere, which gives
  // fronts of several points (with a wide port one mapping is best in both objectives).
  buffer.shared_bandwidth_words_per_cycle = 2.0;
  buffer.energy_per_access = {6.0, 6.0, 6.0};
  buffer.spatial_x_dim_roles = DimRoleBit(DimRole::kOutputColumn) | DimRoleBit(DimRole::kOther);
  buffer.spatial_y_dim_roles = DimRoleBit(DimRole::kReduction);
  arch::StorageLevel registers;
  registers.name = "registers";
  registers.capacity_words = register_words;
  registers.instances = 4;
  registers.mesh_x = 2;
  registers.mesh_y = 2;
  registers.energy_per_access = {0.3, 0.3, 0.3};
  registers.keeps_roles = arch::RoleBit(workload::TensorRole::kWeight);
  architecture.levels = {dram, buffer, registers};
  architecture.mac.instances = 4;
  architecture.mac.mesh_x = 2;
  architecture.mac.mesh_y = 2;
  architecture.mac.energy_pj_per_mac = 1.0;
  return architecture;
}

inline mapping::Problem SmallProblem(const std::string& op_spec,
                                     const arch::Architecture& architecture = SmallArchitecture()) {
  return mapping::Problem::Build(workload::ParseOpSpec(op_spec), architecture);
}

// Constraints written as YAML (docs/search.md), resolved against `problem`; throws util::ConfigError.
inline mapping::Constraints ResolveConstraintsText(const std::string& text, const mapping::Problem& problem) {
  util::Diagnostics diagnostics;
  const auto document = io::YamlDocument::LoadString(text, "c.yaml", diagnostics);
  const auto spec = mapping::ParseConstraints(document.root());
  diagnostics.ThrowIfAny();
  return mapping::ResolveConstraints(spec, problem);
}

// A mapspace with factor bounds, an order, `rest` and must_keep on the small architecture, where
// repairs do leave the bounds (genes and ask/tell tests).
inline search::Mapspace SmallBoundedMapspace() {
  const mapping::Problem problem = SmallProblem("matmul m=16 n=8 k=8");
  return search::Mapspace::Build(problem, ResolveConstraintsText(R"(
levels:
  DRAM: {temporal: {k: {max: 2}}, order: [n]}
  buffer: {temporal: {m: {min: 2}, n: rest}, must_keep: [B]}
)",
                                                                 problem));
}

}  // namespace loopfront::testing
