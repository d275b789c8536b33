#include "loopfront/cost/peaks.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "loopfront/workload/analysis.h"

namespace loopfront::cost {
namespace {

double OrInfinity(const std::optional<double>& words_per_cycle) {
  return words_per_cycle.value_or(std::numeric_limits<double>::infinity());
}

}  // namespace

double EngineOpsPerCycle(const mapping::Problem& problem) {
  if (!problem.is_vector_op()) return static_cast<double>(problem.mac_instances());
  return static_cast<double>(problem.vector_lanes()) * problem.vector_ops_per_cycle_per_lane();
}

double PeakFlopsPerCycle(const mapping::Problem& problem) {
  // Survey Sec. 2.2: a MAC is 2 FLOPs; a vector operation is one (workload/analysis.h).
  return problem.is_vector_op() ? EngineOpsPerCycle(problem) : 2.0 * EngineOpsPerCycle(problem);
}

std::optional<double> OutermostBandwidthBytesPerCycle(const arch::Architecture& architecture) {
  if (architecture.levels.empty()) return std::nullopt;
  // The bandwidths mapping::Problem's outermost LevelTable holds and the roofline model's rule 9
  // applies (an absent one is unlimited).
  const arch::StorageLevel& outermost = architecture.levels.front();
  const double words_per_cycle = std::min(
      OrInfinity(outermost.shared_bandwidth_words_per_cycle),
      OrInfinity(outermost.read_bandwidth_words_per_cycle) + OrInfinity(outermost.write_bandwidth_words_per_cycle));
  if (words_per_cycle == std::numeric_limits<double>::infinity()) return std::nullopt;
  return words_per_cycle * outermost.word_bits / 8.0;
}

double OutermostTrafficBytes(const mapping::Problem& problem, const Cost& cost) {
  if (!cost.feasible || cost.num_levels == 0) return 0.0;
  const LevelCost& outermost = cost.levels[0];
  // Without precision a word holds one element of any tensor, so a word of tensor t weighs t's
  // word_bits; with precision (mapping::Problem::packed) the counts are words of the level, packed.
  const int level_word_bits = problem.arch().levels.front().word_bits;
  double bytes = 0.0;
  for (int tensor = 0; tensor < cost.num_tensors; ++tensor) {
    const TensorLevelCost& traffic = outermost.tensors[tensor];
    const double words = static_cast<double>(traffic.total_reads() + traffic.total_fills() + traffic.total_updates());
    bytes += words * (problem.packed() ? level_word_bits : problem.op().tensors[tensor].word_bits) / 8.0;
  }
  return bytes;
}

double CombinedPeakFlopsPerCycle(std::span<const EngineWork> members, bool overlap_vector_unit) {
  double flops = 0.0;
  double array_cycles = 0.0;
  double vector_cycles = 0.0;
  for (const EngineWork& member : members) {
    if (member.flops <= 0.0) continue;
    if (!(member.peak_flops_per_cycle > 0.0)) return 0.0;
    flops += member.flops;
    (member.vector_op ? vector_cycles : array_cycles) += member.flops / member.peak_flops_per_cycle;
  }
  // fusion/group_model.h: the two engines' members pipeline with overlap_vector_unit (at best the
  // longer stage), else they run one after the other.
  const double cycles = overlap_vector_unit ? std::max(array_cycles, vector_cycles) : array_cycles + vector_cycles;
  return cycles > 0.0 ? flops / cycles : 0.0;
}

std::map<std::string, UnitWork> WorkPerExecution(const workload::Workload& workload,
                                                 const arch::Architecture& architecture) {
  std::map<std::string, UnitWork> work;
  for (const workload::WorkSummary& row : workload::AnalyzeWorkload(workload, workload::GroupBy::kOp)) {
    if (row.group == workload::kTotalGroup || row.count <= 0) continue;
    const auto count = static_cast<long double>(row.count);
    work[row.group] = {.flops = static_cast<double>(row.flops / count),
                       .bytes = static_cast<double>(row.bytes / count)};
  }
  for (std::size_t id = 0; id < workload.NumOps(); ++id) {
    const workload::Op& op = workload.op(id);
    const auto found = work.find(op.name);
    if (found == work.end()) continue;
    const mapping::Problem problem = mapping::Problem::Build(op, architecture);
    found->second.peak_flops_per_cycle = PeakFlopsPerCycle(problem);
    found->second.vector_op = problem.is_vector_op();
  }
  return work;
}

UnitWork CombineUnitWork(const std::map<std::string, UnitWork>& ops, std::span<const std::string> members,
                         bool overlap_vector_unit) {
  UnitWork total;
  std::vector<EngineWork> engines;
  for (const std::string& member : members) {
    const auto found = ops.find(member);
    if (found == ops.end()) continue;
    total.flops += found->second.flops;
    total.bytes += found->second.bytes;
    engines.push_back({.flops = found->second.flops,
                       .peak_flops_per_cycle = found->second.peak_flops_per_cycle,
                       .vector_op = found->second.vector_op});
  }
  // One op: its engine's peak; a group: its members' engines combined as the group model times them.
  if (members.size() == 1 && engines.size() == 1) {
    total.peak_flops_per_cycle = engines.front().peak_flops_per_cycle;
  } else {
    total.peak_flops_per_cycle = CombinedPeakFlopsPerCycle(engines, overlap_vector_unit);
  }
  return total;
}

}  // namespace loopfront::cost
