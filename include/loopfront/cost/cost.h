// The result of evaluating one mapping with a cost model (DESIGN §2.5): latency, energy and the
// access counts behind them, per storage level and tensor.
//
// Cost is a fixed-size value (no heap): a cost model fills it in Evaluate without allocating.
// Entries past num_levels / num_tensors are zero. An infeasible mapping is a Cost with
// feasible == false and the reason in `check` (mapping::Describe turns it into text); all other
// fields are then zero.
//
// Units: counts in words of the level (per instance unless named total_*), cycles of the
// accelerator clock, energies in pJ, EDP in pJ × cycles. "Instances" are the utilized instances
// (rule 2 of shared/validation/README.md): totals = per-instance counts × instances.
// Thread-safety: a plain value.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "loopfront/mapping/check.h"
#include "loopfront/mapping/limits.h"

namespace loopfront::cost {

// One tensor at one storage level.
struct TensorLevelCost {
  bool kept = false;
  std::int64_t tile_words = 0;  // per instance (rule 1)
  std::int64_t reads = 0;       // per instance
  std::int64_t fills = 0;       // per instance: words delivered from the parent
  std::int64_t updates = 0;     // per instance: partial sums written back by children
  std::int64_t instances = 0;   // utilized instances of the level
  // Per instance: words this level's children took from a mesh neighbour instead of reading them
  // here (a convolution input, rule 5b of shared/validation/README.md). They cost no energy.
  std::int64_t link_transfers = 0;
  double energy_pj_per_instance = 0.0;
  double energy_pj = 0.0;  // all instances

  std::int64_t total_reads() const { return reads * instances; }
  std::int64_t total_fills() const { return fills * instances; }
  std::int64_t total_updates() const { return updates * instances; }
};

// Which of a level's bandwidths sets its bandwidth-limited cycles (rule 9): kNone when none
// stretches the compute cycles.
enum class BandwidthBound : std::uint8_t { kNone, kRead, kWrite, kShared };
std::string_view ToString(BandwidthBound bound);  // "", "read", "write", "shared"

// The bound among cycles at each bandwidth: the first (read, write, shared) strictly slower than
// the compute and every earlier one. A cost model calls it with the cycles it takes the max of.
constexpr BandwidthBound SlowestBandwidth(std::int64_t compute_cycles, std::int64_t read_cycles,
                                          std::int64_t write_cycles, std::int64_t shared_cycles) {
  BandwidthBound bound = BandwidthBound::kNone;
  std::int64_t slowest = compute_cycles;
  if (read_cycles > slowest) {
    slowest = read_cycles;
    bound = BandwidthBound::kRead;
  }
  if (write_cycles > slowest) {
    slowest = write_cycles;
    bound = BandwidthBound::kWrite;
  }
  if (shared_cycles > slowest) bound = BandwidthBound::kShared;
  return bound;
}

struct LevelCost {
  std::int64_t cycles = 0;  // bandwidth-limited cycles of this level (rule 9), ≥ compute cycles;
                            // compute + stall_cycles when single-buffered honestly
  BandwidthBound bandwidth_bound = BandwidthBound::kNone;  // which bandwidth sets rule 9's cycles
  std::int64_t stall_cycles = 0;  // single-buffered honestly: cycles the compute waits for its tiles
  std::int64_t instances = 0;     // utilized instances
  std::int64_t used_words = 0;    // Σ kept tiles per instance (against the usable capacity)
  std::int64_t read_words = 0;    // per instance, Σ over tensors
  std::int64_t write_words = 0;   // per instance, Σ over tensors of fills + updates
  double energy_pj = 0.0;         // all tensors, all instances
  std::array<TensorLevelCost, mapping::kMaxTensors> tensors{};
};

// Cost::bounding_level when no level's bandwidth stretches the compute cycles.
inline constexpr int kComputeBound = -1;

struct Cost {
  bool feasible = false;
  mapping::CheckResult check{};  // the violation when infeasible; padding waste when feasible
  int num_levels = 0;
  int num_tensors = 0;

  // total latency: max(compute + Σ single-buffered stalls, every level) + array fill
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0;  // product of all temporal factors, padding included
  int bounding_level = kComputeBound;

  std::int64_t macs = 0;           // useful MACs of the op (product of dim sizes)
  std::int64_t padded_macs = 0;    // MACs executed, padding included
  std::int64_t mac_instances = 0;  // utilized MACs: product of every spatial factor
  double vector_ops = 0.0;         // vector ops: useful operations (elements × ops per element)

  double energy_pj = 0.0;  // Σ levels + MACs + vector ops + static
  double mac_energy_pj = 0.0;
  double vector_energy_pj = 0.0;
  double static_energy_pj = 0.0;

  // Contractions: macs / (MAC instances of the arch × cycles); vector ops: vector_ops / (the
  // engine's lanes × operations per cycle per lane × cycles).
  double utilization = 0.0;
  double edp_pj_cycles = 0.0;
  double padding_waste = 0.0;  // 1 − macs / padded_macs

  std::array<LevelCost, mapping::kMaxLevels> levels{};
  // Words forwarded between neighbouring MACs instead of being read from the innermost level
  // (rule 7's link transfers), per instance of the innermost level. They cost no energy.
  std::array<std::int64_t, mapping::kMaxTensors> link_transfers{};

  double LevelsEnergyPj() const;
};

// What a search needs of a Cost (CostModel::EvaluateScore): whether the mapping is feasible, why
// not, and its latency and energy — equal, bit for bit, to the same fields of the whole Cost.
struct Score {
  bool feasible = false;
  mapping::Violation violation = mapping::Violation::kNone;  // Cost::check.violation
  std::int64_t cycles = 0;                                   // Cost::cycles (0 when infeasible)
  double energy_pj = 0.0;                                    // Cost::energy_pj (0 when infeasible)
};

// The Score of a whole Cost.
inline Score ScoreOf(const Cost& cost) {
  return Score{.feasible = cost.feasible, .violation = cost.check.violation, .cycles = cost.cycles,
               .energy_pj = cost.energy_pj};
}

// An infeasible cost carrying `check`.
Cost InfeasibleCost(const mapping::CheckResult& check);

}  // namespace loopfront::cost
