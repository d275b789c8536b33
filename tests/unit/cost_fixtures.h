// Small builders for the cost-model tests: GEMM ops and storage levels written in one line each,
// so that every hand-derived case states its whole architecture next to its derivation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/workload/op.h"

namespace loopfront::testing {

// Z[M,N] += A[M,K] * B[K,N]; dims in the order M, N, K (indices 0, 1, 2); tensors A, B, Z.
inline workload::Op MakeGemm(std::int64_t m, std::int64_t n, std::int64_t k) {
  workload::Op op;
  op.name = "gemm";
  op.kind = workload::OpKind::kContraction;
  op.dims = {{.name = "M", .size = m}, {.name = "N", .size = n}, {.name = "K", .size = k}};
  op.tensors = {{.name = "A", .role = workload::TensorRole::kInput, .dims = {0, 2}, .word_bits = 8},
                {.name = "B", .role = workload::TensorRole::kWeight, .dims = {2, 1}, .word_bits = 8},
                {.name = "Z", .role = workload::TensorRole::kOutput, .dims = {0, 1}, .word_bits = 8}};
  return op;
}

inline constexpr int kDimM = 0;
inline constexpr int kDimN = 1;
inline constexpr int kDimK = 2;
inline constexpr int kTensorA = 0;
inline constexpr int kTensorB = 1;
inline constexpr int kTensorZ = 2;

struct LevelSpec {
  std::string name;
  std::optional<std::int64_t> capacity_words = std::nullopt;
  std::int64_t vector_words = 1;
  std::int64_t mesh_x = 1;
  std::int64_t mesh_y = 1;
  double read_pj = 1.0;
  double write_pj = 1.0;
  double update_pj = 1.0;
  std::optional<double> read_bandwidth = std::nullopt;
  std::optional<double> write_bandwidth = std::nullopt;
  std::optional<double> shared_bandwidth = std::nullopt;
  double multiple_buffering = 1.0;
  arch::BufferingMask buffering = 0;
};

inline arch::StorageLevel MakeLevel(const LevelSpec& spec) {
  arch::StorageLevel level;
  level.name = spec.name;
  level.capacity_words = spec.capacity_words;
  level.vector_words = spec.vector_words;
  level.mesh_x = spec.mesh_x;
  level.mesh_y = spec.mesh_y;
  level.instances = spec.mesh_x * spec.mesh_y;
  level.energy_per_access = {.read_pj = spec.read_pj, .write_pj = spec.write_pj, .update_pj = spec.update_pj};
  level.read_bandwidth_words_per_cycle = spec.read_bandwidth;
  level.write_bandwidth_words_per_cycle = spec.write_bandwidth;
  level.shared_bandwidth_words_per_cycle = spec.shared_bandwidth;
  level.multiple_buffering = spec.multiple_buffering;
  level.buffering = spec.buffering;
  return level;
}

inline arch::Architecture MakeArch(const std::vector<LevelSpec>& levels, std::int64_t mac_x = 1, std::int64_t mac_y = 1,
                                   double mac_pj = 1.0) {
  arch::Architecture architecture;
  architecture.name = "test";
  for (const LevelSpec& spec : levels) architecture.levels.push_back(MakeLevel(spec));
  architecture.mac = {.instances = mac_x * mac_y,
                      .mesh_x = mac_x,
                      .mesh_y = mac_y,
                      .energy_pj_per_mac = mac_pj,
                      .fill_latency_cycles = 0};
  return architecture;
}

}  // namespace loopfront::testing
