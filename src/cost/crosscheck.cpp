#include "loopfront/cost/crosscheck.h"

#include <fmt/format.h>

#include <cmath>

#include "loopfront/mapping/check.h"

namespace loopfront::cost {
namespace {

// The reference energies are rounded to 1e-6 pJ and utilizations to 1e-9 (validation README).
constexpr double kEnergyRoundingPj = 1e-6;
constexpr double kUtilizationRounding = 1e-9;

class Comparer {
 public:
  Comparer(const cost::ReferenceCase& reference, const CrosscheckOptions& options, CrosscheckResult& result)
      : reference_(reference), options_(options), result_(result) {}

  void Count(const std::string& level, const std::string& tensor, const std::string& quantity, std::int64_t expected,
             std::int64_t got) {
    ++result_.quantities;
    if (expected != got)
      Add(level, tensor, quantity, fmt::format("{}", expected), fmt::format("{}", got), QuantityKind::kCount);
  }

  void Energy(const std::string& level, const std::string& tensor, const std::string& quantity, double expected,
              double got) {
    ++result_.quantities;
    const double tolerance = options_.energy_relative_tolerance * std::fabs(expected) + kEnergyRoundingPj;
    if (!(std::fabs(expected - got) <= tolerance)) {
      Add(level, tensor, quantity, fmt::format("{}", expected), fmt::format("{}", got), QuantityKind::kEnergy);
    }
  }

  void Ratio(const std::string& quantity, double expected, double got) {
    ++result_.quantities;
    if (!(std::fabs(expected - got) <= kUtilizationRounding)) {
      Add("-", "-", quantity, fmt::format("{}", expected), fmt::format("{:.9f}", got), QuantityKind::kRatio);
    }
  }

  void Add(const std::string& level, const std::string& tensor, const std::string& quantity, std::string expected,
           std::string got, QuantityKind kind) {
    result_.mismatches.push_back(CrosscheckMismatch{.case_name = reference_.name,
                                                    .level = level,
                                                    .tensor = tensor,
                                                    .quantity = quantity,
                                                    .expected = std::move(expected),
                                                    .got = std::move(got),
                                                    .kind = kind});
  }

 private:
  const cost::ReferenceCase& reference_;
  const CrosscheckOptions& options_;
  CrosscheckResult& result_;
};

}  // namespace

std::string CrosscheckMismatch::ToString() const {
  return fmt::format("{} {} {} {}: expected {}, got {}", case_name, level, tensor, quantity, expected, got);
}

CrosscheckResult Crosscheck(const cost::ReferenceCase& reference, const Cost& cost, const CrosscheckOptions& options) {
  CrosscheckResult result;
  Comparer compare(reference, options, result);
  const mapping::Problem& problem = reference.problem;
  const cost::ExpectedResults& expected = reference.expected;

  ++result.quantities;
  if (!cost.feasible) {
    compare.Add("-", "-", "feasible", "true", "false (" + mapping::Describe(cost.check, problem) + ")",
                QuantityKind::kCount);
    return result;
  }
  compare.Count("-", "-", "macs", expected.macs, cost.macs);
  compare.Count("-", "-", "cycles", expected.cycles, cost.cycles);
  compare.Count("-", "-", "mac_utilized_instances", expected.mac_utilized_instances, cost.mac_instances);
  compare.Energy("-", "-", "energy_pj", expected.energy_pj, cost.energy_pj);
  compare.Energy("-", "-", "mac_energy_pj", expected.mac_energy_pj, cost.mac_energy_pj);
  compare.Ratio("utilization", expected.utilization, cost.utilization);

  for (const auto& [level_name, cycles] : expected.level_cycles) {
    const int level_idx = problem.LevelIndex(level_name);
    if (level_idx < 0) {
      compare.Add(level_name, "-", "level", "a level of the architecture", "no such level", QuantityKind::kCount);
      continue;
    }
    compare.Count(level_name, "-", "cycles", cycles, cost.levels[level_idx].cycles);
  }

  // Records: one per tensor kept at a level, in both directions.
  std::array<std::array<bool, mapping::kMaxTensors>, mapping::kMaxLevels> matched{};
  for (const cost::ExpectedTensorRecord& record : expected.records) {
    const int level_idx = problem.LevelIndex(record.level);
    const int tensor = problem.TensorIndex(record.tensor);
    if (level_idx < 0 || tensor < 0) {
      compare.Add(record.level, record.tensor, "record", "a level and tensor of the case", "unknown names",
                  QuantityKind::kCount);
      continue;
    }
    const TensorLevelCost& got = cost.levels[level_idx].tensors[tensor];
    ++result.quantities;
    if (!got.kept) {
      compare.Add(record.level, record.tensor, "record", "kept", "bypassed", QuantityKind::kCount);
      continue;
    }
    matched[level_idx][tensor] = true;
    compare.Count(record.level, record.tensor, "reads", record.reads, got.total_reads());
    compare.Count(record.level, record.tensor, "fills", record.fills, got.total_fills());
    compare.Count(record.level, record.tensor, "updates", record.updates, got.total_updates());
    compare.Count(record.level, record.tensor, "tile_words", record.tile_words, got.tile_words);
    compare.Count(record.level, record.tensor, "utilized_instances", record.utilized_instances, got.instances);
    compare.Count(record.level, record.tensor, "per_instance.reads", record.per_instance_reads, got.reads);
    compare.Count(record.level, record.tensor, "per_instance.fills", record.per_instance_fills, got.fills);
    compare.Count(record.level, record.tensor, "per_instance.updates", record.per_instance_updates, got.updates);
    compare.Energy(record.level, record.tensor, "energy_pj", record.energy_pj, got.energy_pj);
    compare.Energy(record.level, record.tensor, "per_instance.energy_pj", record.per_instance_energy_pj,
                   got.energy_pj_per_instance);
  }
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
      if (cost.levels[level_idx].tensors[tensor].kept && !matched[level_idx][tensor]) {
        ++result.quantities;
        compare.Add(std::string(problem.level_name(level_idx)), std::string(problem.tensor_name(tensor)), "record",
                    "none", "kept", QuantityKind::kCount);
      }
    }
  }

  // Link transfers between MACs are reported at the innermost level (the one feeding the MACs);
  // those between the storage children of a fanout (a convolution input, rule 5b) at the level
  // that fans out, as totals over its instances. The innermost level's are always compared; another
  // level's when expected or found.
  const int innermost = problem.num_levels() - 1;
  const auto found_links = [&](int level_idx, int tensor) {
    if (level_idx == innermost) return cost.link_transfers[tensor];
    return cost.levels[level_idx].tensors[tensor].link_transfers * cost.levels[level_idx].instances;
  };
  std::array<std::array<bool, mapping::kMaxTensors>, mapping::kMaxLevels> link_matched{};
  for (const cost::ExpectedLinkTransfers& links : expected.link_transfers) {
    const int level_idx = problem.LevelIndex(links.level);
    const int tensor = problem.TensorIndex(links.tensor);
    if (level_idx < 0 || tensor < 0) {
      compare.Add(links.level, links.tensor, "link_transfers", fmt::format("{}", links.words),
                  "unknown level or tensor", QuantityKind::kCount);
      continue;
    }
    link_matched[level_idx][tensor] = true;
    compare.Count(links.level, links.tensor, "link_transfers", links.words, found_links(level_idx, tensor));
  }
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
      if (link_matched[level_idx][tensor] || (level_idx != innermost && found_links(level_idx, tensor) == 0)) continue;
      compare.Count(std::string(problem.level_name(level_idx)), std::string(problem.tensor_name(tensor)),
                    "link_transfers", 0, found_links(level_idx, tensor));
    }
  }
  return result;
}

}  // namespace loopfront::cost
