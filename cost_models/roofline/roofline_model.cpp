#include "cost_models/roofline/roofline_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "loopfront/cost/peaks.h"
#include "loopfront/mapping/check.h"

namespace loopfront::cost {
namespace {

inline std::int64_t CeilDiv(std::int64_t numerator, std::int64_t denominator) {
  return (numerator + denominator - 1) / denominator;
}

struct VectorWork {
  std::int64_t cycles = 0;
  double operations = 0.0;
  double ops_per_cycle = 1.0;
  double energy_pj = 0.0;
};

// DESIGN §2.1.1: output elements × operations per element (over the passes, plus the host's
// dequantize/quantize: mapping::Problem::vector_ops_per_element) on the engine's lanes, at the
// engine's cycles and energy per element.
VectorWork VectorOpWork(const mapping::Problem& problem) {
  const double elements = static_cast<double>(problem.tensor_size(problem.output_tensor()));
  const double operations = elements * problem.vector_ops_per_element();
  const double cycles = elements * problem.vector_cycles_per_element() / static_cast<double>(problem.vector_lanes());
  // Up to 2^52 elements × 1e6 cycles each: saturate rather than convert a double ≥ 2^63 (the
  // model then reports Violation::kCountOverflow).
  const double whole_cycles = std::ceil(cycles);
  return {.cycles = whole_cycles >= static_cast<double>(mapping::kSaturatedCount)
                        ? mapping::kSaturatedCount
                        : static_cast<std::int64_t>(whole_cycles),
          .operations = operations,
          .ops_per_cycle = EngineOpsPerCycle(problem),
          .energy_pj = elements * problem.vector_energy_pj_per_element()};
}

// Words of one tensor the model sums without overflow: 4 × 2^58 < 2^61.
constexpr std::int64_t kMaxWords = std::int64_t{1} << 58;

Cost CountOverflow(int level_idx, std::int64_t limit) {
  mapping::CheckResult check;
  check.violation = mapping::Violation::kCountOverflow;
  check.level = static_cast<std::int8_t>(level_idx);
  check.limit = limit;
  return InfeasibleCost(check);
}

}  // namespace

Cost RooflineModel::Evaluate(const mapping::Problem& problem, const mapping::Mapping& mapping) const {
  const mapping::CheckResult check = mapping::CheckMapping(mapping, problem);
  if (!check.ok()) return InfeasibleCost(check);
  // CheckMapping rejects a vector op on an architecture without a vector engine.
  const bool contraction = !problem.is_vector_op();
  const VectorWork vector_work = contraction ? VectorWork{} : VectorOpWork(problem);

  Cost cost;
  cost.feasible = true;
  cost.check = check;
  cost.check.padding_waste = 0.0;  // the mapping's padding is not charged (see the header)
  cost.num_levels = problem.num_levels();
  cost.num_tensors = problem.num_tensors();
  cost.macs = contraction ? problem.iteration_points() : 0;
  cost.padded_macs = cost.macs;
  cost.mac_instances = contraction ? std::min(problem.mac_instances(), std::max<std::int64_t>(cost.macs, 1)) : 0;
  cost.compute_cycles = contraction ? CeilDiv(cost.macs, problem.mac_instances()) : vector_work.cycles;

  // Every tensor crosses the outermost level once: inputs and weights as reads, the output as
  // updates (it is never filled from above the outermost level: rule 6).
  const mapping::LevelTable& outermost = problem.level(0);
  LevelCost& level = cost.levels[0];
  level.instances = 1;
  const int output = problem.output_tensor();
  const mapping::TensorMask on_chip = problem.options().on_chip_tensors;
  for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
    if ((on_chip >> tensor) & 1u) continue;
    TensorLevelCost& record = level.tensors[tensor];
    // In words of the outermost level: with precision, each tensor at its own word bits (packed).
    const std::int64_t words = problem.packing(0, tensor).Words(problem.tensor_size(tensor));
    // Tensors have at most 2^52 elements (mapping::Problem); only packing (× up to 4096 bits per
    // 1-bit word) can push the words, and the sums of ≤ kMaxTensors of them, near an int64's end.
    if (words >= kMaxWords) return CountOverflow(0, kMaxWords);
    record.kept = true;
    record.tile_words = words;
    record.instances = 1;
    if (tensor == output) {
      record.updates = words;
    } else {
      record.reads = words;
    }
    // Rule 8 of shared/validation/README.md: whole accesses, per tensor and action.
    record.energy_pj_per_instance =
        static_cast<double>(CeilDiv(record.reads, outermost.vector_words)) * outermost.read_pj +
        static_cast<double>(CeilDiv(record.updates, outermost.vector_words)) * outermost.update_pj;
    record.energy_pj = record.energy_pj_per_instance;
    level.used_words += words;
    level.read_words += record.reads;
    level.write_words += record.updates;
    level.energy_pj += record.energy_pj;
  }
  // Rule 9: the outermost level's bandwidth roofline, exactly.
  const std::int64_t read_cycles = mapping::CyclesAtRate(level.read_words, outermost.read_bandwidth);
  const std::int64_t write_cycles = mapping::CyclesAtRate(level.write_words, outermost.write_bandwidth);
  const std::int64_t shared_cycles =
      mapping::CyclesAtRate(level.read_words + level.write_words, outermost.shared_bandwidth);
  level.cycles = std::max({cost.compute_cycles, read_cycles, write_cycles, shared_cycles});
  level.bandwidth_bound = SlowestBandwidth(cost.compute_cycles, read_cycles, write_cycles, shared_cycles);
  for (int level_idx = 1; level_idx < problem.num_levels(); ++level_idx) {
    cost.levels[level_idx].cycles = cost.compute_cycles;
  }
  if (level.cycles >= mapping::kSaturatedCount) {
    return CountOverflow(level.cycles > cost.compute_cycles ? 0 : -1, mapping::kSaturatedCount);
  }
  cost.bounding_level = level.cycles > cost.compute_cycles ? 0 : kComputeBound;
  cost.cycles = level.cycles + (contraction ? problem.fill_latency_cycles() : 0);

  cost.mac_energy_pj = static_cast<double>(cost.macs) * problem.mac_energy_pj();
  cost.vector_energy_pj = vector_work.energy_pj;
  cost.static_energy_pj = static_cast<double>(cost.cycles) * problem.static_energy_pj_per_cycle();
  cost.energy_pj = level.energy_pj + cost.mac_energy_pj + cost.vector_energy_pj + cost.static_energy_pj;
  cost.vector_ops = vector_work.operations;
  // As dataflow (cost/cost.h): useful work over the engine's peak work in the op's cycles.
  cost.utilization = contraction
                         ? static_cast<double>(cost.macs) /
                               (static_cast<double>(problem.mac_instances()) * static_cast<double>(cost.cycles))
                         : vector_work.operations / (vector_work.ops_per_cycle * static_cast<double>(cost.cycles));
  cost.edp_pj_cycles = cost.energy_pj * static_cast<double>(cost.cycles);
  cost.padding_waste = 0.0;
  return cost;
}

}  // namespace loopfront::cost
