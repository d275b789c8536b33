#include "loopfront/report/eval.h"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "loopfront/arch/architecture.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/util/error.h"

namespace loopfront::report {
namespace {

// Thousands separators for counts, so that 301989888 reads as 301,989,888.
std::string Count(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  const int length = static_cast<int>(digits.size());
  for (int index = 0; index < length; ++index) {
    if (index > 0 && (length - index) % 3 == 0) out += ',';
    out += digits[index];
  }
  return value < 0 ? "-" + out : out;
}

std::string Energy(double pj) { return fmt::format("{:.6g}", pj); }

std::string Percent(double fraction) { return fmt::format("{:.2f}%", 100.0 * fraction); }

std::string BandwidthText(const mapping::Rate& rate) {
  if (rate.unlimited()) return "unlimited";
  return rate.den == 1 ? fmt::format("{}", rate.num)
                       : fmt::format("{:.6g}", static_cast<double>(rate.num) / static_cast<double>(rate.den));
}

// Σ over single-buffered levels of the cycles the compute waits for their tiles.
std::int64_t StallCycles(const cost::Cost& cost) {
  std::int64_t stall = 0;
  for (int level_idx = 0; level_idx < cost.num_levels; ++level_idx) stall += cost.levels[level_idx].stall_cycles;
  return stall;
}

// What computes the op: the PE array, or for vector ops the vector unit or the host.
std::string EngineName(const mapping::Problem& problem) {
  if (!problem.is_vector_op()) return "PE array";
  return problem.arch().vector_unit ? "vector unit" : "host";
}

std::string BoundingText(const mapping::Problem& problem, const cost::Cost& cost) {
  if (cost.bounding_level == cost::kComputeBound) return fmt::format("compute (the {})", EngineName(problem));
  if (cost.compute_cycles + StallCycles(cost) >= cost.levels[cost.bounding_level].cycles &&
      cost.levels[cost.bounding_level].stall_cycles > 0) {
    return fmt::format("{} (single-buffered: the {} waits {} cycles in all for the tiles of single-buffered levels)",
                       problem.level_name(cost.bounding_level), EngineName(problem), Count(StallCycles(cost)));
  }
  return fmt::format("{} ({} bandwidth)", problem.level_name(cost.bounding_level),
                     cost::ToString(cost.levels[cost.bounding_level].bandwidth_bound));
}

}  // namespace

cost::Cost EvaluateGivenMapping(const cost::CostModel& cost_model, const mapping::Problem& problem,
                                const mapping::Mapping& mapping, const std::string& file) {
  cost::Cost cost = cost_model.Evaluate(problem, mapping);
  if (!cost.feasible) {
    throw util::ConfigError(
        {util::Diagnostic{.file = file,
                          .path = "mapping",
                          .message = fmt::format("the {} cost model cannot evaluate this mapping: {}",
                                                 cost_model.name(), mapping::Describe(cost.check, problem))}});
  }
  return cost;
}

std::string EvalText(const mapping::Problem& problem, const mapping::Mapping& mapping, const cost::Cost& cost,
                     const std::string& op_label, const std::string& cost_model) {
  std::string out;
  if (problem.is_vector_op()) {
    out += fmt::format("op:         {} ({}, {:.6g} vector operations on the {})\n", op_label, problem.op().name,
                       cost.vector_ops, EngineName(problem));
  } else {
    out += fmt::format("op:         {} ({}, {} MACs)\n", op_label, problem.op().name, Count(cost.macs));
  }
  out += fmt::format("arch:       {}\n", problem.arch().name);
  out += fmt::format("cost model: {}\n", cost_model);
  out += fmt::format("mapping:    {}\n\n", mapping::ToString(mapping, problem));

  out += fmt::format("{:<14} {:<8} {:>12} {:>9} {:>16} {:>16} {:>16} {:>16}\n", "level", "tensor", "tile_words",
                     "instances", "reads", "fills", "updates", "energy_pj");
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
      const cost::TensorLevelCost& record = cost.levels[level_idx].tensors[tensor];
      if (!record.kept) continue;
      out += fmt::format("{:<14} {:<8} {:>12} {:>9} {:>16} {:>16} {:>16} {:>16}\n", problem.level_name(level_idx),
                         problem.tensor_name(tensor), Count(record.tile_words), Count(record.instances),
                         Count(record.total_reads()), Count(record.total_fills()), Count(record.total_updates()),
                         Energy(record.energy_pj));
    }
  }
  out += "(reads, fills, updates: totals over the utilized instances; tile_words: per instance)\n\n";

  out += fmt::format("{:<14} {:>16} {:>14} {:>14} {:>11} {:>11} {:>11} {:>12}\n", "level", "cycles", "read_words",
                     "write_words", "read_bw", "write_bw", "shared_bw", "used_words");
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const cost::LevelCost& level = cost.levels[level_idx];
    const mapping::LevelTable& table = problem.level(level_idx);
    const std::int64_t usable = table.UsableCapacity(mapping.level(level_idx).double_buffered());
    const std::string capacity =
        usable == mapping::kUnboundedCapacity ? std::string("/-") : fmt::format("/{}", Count(usable));
    out += fmt::format("{:<14} {:>16} {:>14} {:>14} {:>11} {:>11} {:>11} {:>12}{}{}\n", problem.level_name(level_idx),
                       Count(level.cycles), Count(level.read_words), Count(level.write_words),
                       BandwidthText(table.read_bandwidth), BandwidthText(table.write_bandwidth),
                       BandwidthText(table.shared_bandwidth), Count(level.used_words), capacity,
                       level_idx == cost.bounding_level ? "   <- bounds the op" : "");
  }
  out += "(per instance: words read and written (fills + updates), bandwidths in words/cycle, usable capacity)\n\n";

  out += fmt::format("compute cycles:  {}\n", Count(cost.compute_cycles));
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    if (cost.levels[level_idx].stall_cycles == 0) continue;
    out += fmt::format("stall:           {} cycles waiting for the tiles of single-buffered {}\n",
                       Count(cost.levels[level_idx].stall_cycles), problem.level_name(level_idx));
  }
  if (problem.fill_latency_cycles() > 0) {
    out += fmt::format("array fill:      {} cycles\n", Count(problem.fill_latency_cycles()));
  }
  out += fmt::format("total cycles:    {}\n", Count(cost.cycles));
  out += fmt::format("bounded by:      {}\n\n", BoundingText(problem, cost));

  out += "energy_pj:\n";
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const double energy = cost.levels[level_idx].energy_pj;
    out += fmt::format("  {:<14} {:>16} {:>8}\n", problem.level_name(level_idx), Energy(energy),
                       Percent(cost.energy_pj > 0 ? energy / cost.energy_pj : 0.0));
  }
  const std::pair<const char*, double> parts[] = {
      {"MACs", cost.mac_energy_pj}, {"vector ops", cost.vector_energy_pj}, {"static", cost.static_energy_pj}};
  for (const auto& [name, energy] : parts) {
    out += fmt::format("  {:<14} {:>16} {:>8}\n", name, Energy(energy),
                       Percent(cost.energy_pj > 0 ? energy / cost.energy_pj : 0.0));
  }
  out += fmt::format("  {:<14} {:>16}\n\n", "total", Energy(cost.energy_pj));

  if (problem.is_vector_op()) {
    out += fmt::format("utilization:     {} of the {}'s peak ({} lanes)\n", Percent(cost.utilization),
                       EngineName(problem), Count(problem.vector_lanes()));
  } else {
    out += fmt::format("utilization:     {} of {} MACs ({} utilized)\n", Percent(cost.utilization),
                       Count(problem.mac_instances()), Count(cost.mac_instances));
  }
  out += fmt::format("EDP:             {:.6g} pJ x cycles\n", cost.edp_pj_cycles);
  if (arch::HasArea(problem.arch())) {
    out += fmt::format("area:            {:.6g} um^2 (levels' instances x area_um2 + MACs x mac_area_um2)\n",
                       arch::TotalAreaUm2(problem.arch()));
  }
  if (problem.is_vector_op()) {
    out += fmt::format("padding waste:   {}\n", Percent(cost.padding_waste));
  } else {
    out += fmt::format("padding waste:   {} ({} padded MACs executed for {} useful)\n", Percent(cost.padding_waste),
                       Count(cost.padded_macs), Count(cost.macs));
  }
  return out;
}

nlohmann::ordered_json EvalJson(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                const cost::Cost& cost, const std::string& op_label, const std::string& cost_model) {
  nlohmann::ordered_json json;
  json["op"] = op_label;
  json["op_name"] = problem.op().name;
  json["arch"] = problem.arch().name;
  json["cost_model"] = cost_model;
  json["mapping"] = mapping::ToString(mapping, problem);
  json["engine"] = EngineName(problem);
  json["macs"] = cost.macs;
  json["vector_ops"] = cost.vector_ops;
  json["padded_macs"] = cost.padded_macs;
  json["compute_cycles"] = cost.compute_cycles;
  json["fill_latency_cycles"] = problem.fill_latency_cycles();
  json["cycles"] = cost.cycles;
  json["bounding_level"] = cost.bounding_level == cost::kComputeBound
                               ? nlohmann::ordered_json("compute")
                               : nlohmann::ordered_json(problem.level_name(cost.bounding_level));
  json["energy_pj"] = cost.energy_pj;
  json["mac_energy_pj"] = cost.mac_energy_pj;
  json["vector_energy_pj"] = cost.vector_energy_pj;
  json["static_energy_pj"] = cost.static_energy_pj;
  json["utilization"] = cost.utilization;
  json["mac_utilized_instances"] = cost.mac_instances;
  json["edp_pj_cycles"] = cost.edp_pj_cycles;
  json["padding_waste"] = cost.padding_waste;
  // Only when the architecture gives an area, so that outputs without one keep their shape.
  if (arch::HasArea(problem.arch())) json["area_um2"] = arch::TotalAreaUm2(problem.arch());
  nlohmann::ordered_json levels = nlohmann::ordered_json::array();
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const cost::LevelCost& level = cost.levels[level_idx];
    nlohmann::ordered_json entry;
    entry["name"] = problem.level_name(level_idx);
    entry["cycles"] = level.cycles;
    entry["limiting_bandwidth"] = cost::ToString(level.bandwidth_bound);
    if (problem.level(level_idx).buffering != 0) {
      entry["buffering"] = mapping.level(level_idx).double_buffered() ? "double" : "single";
      entry["stall_cycles"] = level.stall_cycles;
    }
    entry["instances"] = level.instances;
    entry["used_words"] = level.used_words;
    const std::int64_t capacity = problem.level(level_idx).UsableCapacity(mapping.level(level_idx).double_buffered());
    entry["usable_capacity_words"] =
        capacity == mapping::kUnboundedCapacity ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(capacity);
    entry["read_words"] = level.read_words;
    entry["write_words"] = level.write_words;
    entry["energy_pj"] = level.energy_pj;
    nlohmann::ordered_json tensors = nlohmann::ordered_json::object();
    for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
      const cost::TensorLevelCost& record = level.tensors[tensor];
      if (!record.kept) continue;
      tensors[std::string(problem.tensor_name(tensor))] = {{"tile_words", record.tile_words},
                                                           {"instances", record.instances},
                                                           {"reads", record.total_reads()},
                                                           {"fills", record.total_fills()},
                                                           {"updates", record.total_updates()},
                                                           {"energy_pj", record.energy_pj},
                                                           {"per_instance",
                                                            {{"reads", record.reads},
                                                             {"fills", record.fills},
                                                             {"updates", record.updates},
                                                             {"energy_pj", record.energy_pj_per_instance}}}};
    }
    entry["tensors"] = std::move(tensors);
    levels.push_back(std::move(entry));
  }
  json["levels"] = std::move(levels);
  return json;
}

Output ReportEval(Format format, const mapping::Problem& problem, const mapping::Mapping& mapping,
                  const cost::Cost& cost, const std::string& op_label, const std::string& cost_model) {
  switch (format) {
    case Format::kTable:
      return {.out = EvalText(problem, mapping, cost, op_label, cost_model)};
    case Format::kJson:
      return {.out = EvalJson(problem, mapping, cost, op_label, cost_model).dump(2) + "\n"};
    case Format::kCsv:
      break;
  }
  throw util::InternalError("ReportEval: eval has no CSV output");
}

}  // namespace loopfront::report
