#include "loopfront/arch/architecture.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace loopfront::arch {
namespace {

constexpr std::array<std::string_view, 5> kDimRoleNames = {"batch", "output_row", "output_column", "reduction",
                                                           "other"};

bool IsFiniteNonNegative(double value) { return std::isfinite(value) && value >= 0.0; }

void CheckBandwidth(const std::optional<double>& bandwidth, const std::string& path, std::vector<std::string>& out) {
  if (bandwidth && !(std::isfinite(*bandwidth) && *bandwidth > 0.0)) {
    out.push_back(fmt::format("{}: expected a positive number of words per cycle, got {}", path, *bandwidth));
  }
}

}  // namespace

std::string_view ToString(DimRole role) { return kDimRoleNames.at(static_cast<std::size_t>(role)); }

std::string_view BufferingName(BufferingMask single_option) {
  return single_option == kDoubleBuffering ? "double" : "single";
}

std::optional<DimRole> ParseDimRole(std::string_view text) {
  for (std::size_t index = 0; index < kDimRoleNames.size(); ++index) {
    if (kDimRoleNames[index] == text) return static_cast<DimRole>(index);
  }
  return std::nullopt;
}

std::vector<std::string> DimRoleNames() { return {kDimRoleNames.begin(), kDimRoleNames.end()}; }

int Architecture::LevelIndex(std::string_view level_name) const {
  for (int level_idx = 0; level_idx < num_levels(); ++level_idx) {
    if (levels[level_idx].name == level_name) return level_idx;
  }
  return -1;
}

std::int64_t Architecture::FanoutX(int level_idx) const {
  const std::int64_t inner = level_idx + 1 < num_levels() ? levels[level_idx + 1].mesh_x : mac.mesh_x;
  return inner / levels[level_idx].mesh_x;
}

std::int64_t Architecture::FanoutY(int level_idx) const {
  const std::int64_t inner = level_idx + 1 < num_levels() ? levels[level_idx + 1].mesh_y : mac.mesh_y;
  return inner / levels[level_idx].mesh_y;
}

std::vector<std::string> Architecture::LevelNames() const {
  std::vector<std::string> names;
  names.reserve(levels.size());
  for (const StorageLevel& level : levels) names.push_back(level.name);
  return names;
}

std::vector<std::string> CheckArchitecture(const Architecture& architecture) {
  std::vector<std::string> problems;
  if (architecture.levels.empty()) problems.emplace_back("levels: expected at least one storage level, got none");
  std::set<std::string> seen_names;
  for (int level_idx = 0; level_idx < architecture.num_levels(); ++level_idx) {
    const StorageLevel& level = architecture.levels[level_idx];
    const std::string path = fmt::format("levels[{}]", level_idx);
    if (level.name.empty()) problems.push_back(path + ".name: expected a non-empty name");
    if (!seen_names.insert(level.name).second) {
      problems.push_back(fmt::format("{}.name: expected unique level names, got '{}' twice", path, level.name));
    }
    if (level.capacity_words && *level.capacity_words <= 0) {
      problems.push_back(
          fmt::format("{}.capacity_words: expected a positive number, got {}", path, *level.capacity_words));
    }
    if (level.word_bits <= 0)
      problems.push_back(fmt::format("{}.word_bits: expected > 0, got {}", path, level.word_bits));
    if (level.vector_words <= 0) {
      problems.push_back(fmt::format("{}.vector_words: expected > 0, got {}", path, level.vector_words));
    }
    if (level.mesh_x <= 0 || level.mesh_y <= 0) {
      problems.push_back(
          fmt::format("{}.mesh: expected positive mesh_x and mesh_y, got {}×{}", path, level.mesh_x, level.mesh_y));
    } else if (level.instances != level.mesh_x * level.mesh_y) {
      problems.push_back(fmt::format("{}.instances: expected mesh_x × mesh_y = {}, got {}", path,
                                     level.mesh_x * level.mesh_y, level.instances));
    }
    CheckBandwidth(level.read_bandwidth_words_per_cycle, path + ".read_bandwidth_words_per_cycle", problems);
    CheckBandwidth(level.write_bandwidth_words_per_cycle, path + ".write_bandwidth_words_per_cycle", problems);
    CheckBandwidth(level.shared_bandwidth_words_per_cycle, path + ".shared_bandwidth_words_per_cycle", problems);
    const ActionEnergy& energy = level.energy_per_access;
    if (!IsFiniteNonNegative(energy.read_pj) || !IsFiniteNonNegative(energy.write_pj) ||
        !IsFiniteNonNegative(energy.update_pj)) {
      problems.push_back(path + ".energy: expected finite non-negative energies per access");
    }
    if (!(IsFiniteNonNegative(level.area_um2) && level.area_um2 <= kMaxAreaUm2)) {
      problems.push_back(
          fmt::format("{}.area_um2: expected a value from 0 to {:g}, got {}", path, kMaxAreaUm2, level.area_um2));
    }
    if (!(std::isfinite(level.multiple_buffering) && level.multiple_buffering >= 1.0)) {
      problems.push_back(fmt::format("{}.multiple_buffering: expected ≥ 1, got {}", path, level.multiple_buffering));
    }
    if ((level.required_roles & ~level.keeps_roles) != 0) {
      problems.push_back(path + ".required_keeps: expected roles the level keeps (a subset of `keeps`)");
    }
    if ((level.buffering & ~(kSingleBuffering | kDoubleBuffering)) != 0) {
      problems.push_back(path + ".buffering: unknown bits");
    }
    if (level.buffering != 0 && level.multiple_buffering != 1.0) {
      problems.push_back(path + ": expected `buffering` or `multiple_buffering`, got both");
    }
    if ((level.buffering & kDoubleBuffering) != 0 && level.capacity_words && *level.capacity_words < 2) {
      problems.push_back(path + ".buffering: expected a capacity of 2 words or more to double-buffer");
    }
    if ((level.keeps_roles & ~kAllRoles) != 0 || (level.spatial_x_dim_roles & ~kAllDimRoles) != 0 ||
        (level.spatial_y_dim_roles & ~kAllDimRoles) != 0) {
      problems.push_back(path + ": role masks have unknown bits");
    }
    // The fanout below this level must be a whole number on both axes.
    const bool is_innermost = level_idx + 1 == architecture.num_levels();
    const std::int64_t inner_x = is_innermost ? architecture.mac.mesh_x : architecture.levels[level_idx + 1].mesh_x;
    const std::int64_t inner_y = is_innermost ? architecture.mac.mesh_y : architecture.levels[level_idx + 1].mesh_y;
    if (level.mesh_x > 0 && level.mesh_y > 0 && (inner_x % level.mesh_x != 0 || inner_y % level.mesh_y != 0)) {
      problems.push_back(fmt::format("{}.mesh: expected a mesh dividing the next inner {} mesh {}×{}, got {}×{}", path,
                                     is_innermost ? "MAC" : "level's", inner_x, inner_y, level.mesh_x, level.mesh_y));
    }
  }
  const MacArray& mac = architecture.mac;
  if (mac.mesh_x <= 0 || mac.mesh_y <= 0 || mac.instances != mac.mesh_x * mac.mesh_y) {
    problems.push_back(
        fmt::format("mac: expected positive mesh_x, mesh_y and instances = mesh_x × mesh_y, got {}×{} "
                    "and {}",
                    mac.mesh_x, mac.mesh_y, mac.instances));
  }
  if (!IsFiniteNonNegative(mac.energy_pj_per_mac)) problems.emplace_back("mac.energy_pj: expected a finite value ≥ 0");
  if (mac.fill_latency_cycles < 0) problems.emplace_back("mac.fill_latency_cycles: expected ≥ 0");
  if (!(IsFiniteNonNegative(mac.area_um2) && mac.area_um2 <= kMaxAreaUm2)) {
    problems.push_back(fmt::format("mac.area_um2: expected a value from 0 to {:g}, got {}", kMaxAreaUm2, mac.area_um2));
  }
  if (architecture.vector_unit) {
    const VectorUnit& unit = *architecture.vector_unit;
    if (unit.lanes <= 0) problems.push_back(fmt::format("vector_unit.lanes: expected > 0, got {}", unit.lanes));
    if (!IsFiniteNonNegative(unit.energy_pj_per_op)) {
      problems.emplace_back("vector_unit.energy_pj_per_op: expected a finite value ≥ 0");
    }
    if (architecture.LevelIndex(unit.reads_level) < 0) {
      problems.push_back(
          fmt::format("vector_unit.reads_level: expected the name of a storage level, got '{}'", unit.reads_level));
    }
  }
  if (architecture.host) {
    const Host& host = *architecture.host;
    if (!(std::isfinite(host.ops_per_cycle) && host.ops_per_cycle > 0.0)) {
      problems.push_back(fmt::format("host.ops_per_cycle: expected > 0, got {}", host.ops_per_cycle));
    }
    if (!IsFiniteNonNegative(host.energy_pj_per_op))
      problems.emplace_back("host.energy_pj_per_op: expected a finite value ≥ 0");
    if (architecture.LevelIndex(host.reads_level) < 0) {
      problems.push_back(
          fmt::format("host.reads_level: expected the name of a storage level, got '{}'", host.reads_level));
    }
    if (host.bandwidth_bytes_per_cycle &&
        !(std::isfinite(*host.bandwidth_bytes_per_cycle) && *host.bandwidth_bytes_per_cycle > 0.0)) {
      problems.push_back(
          fmt::format("host.bandwidth_bytes_per_cycle: expected > 0, got {}", *host.bandwidth_bytes_per_cycle));
    }
    if (host.functions) {
      for (int function = 0; function < workload::kNumMathFunctions; ++function) {
        const HostFunctionCost& cost = (*host.functions)[function];
        const std::string_view name = workload::ToString(static_cast<workload::MathFunction>(function));
        if (!IsFiniteNonNegative(cost.cycles_per_element)) {
          problems.push_back(fmt::format("host.functions.{}.cycles_per_element: expected a finite value ≥ 0", name));
        }
        if (!IsFiniteNonNegative(cost.energy_pj_per_element)) {
          problems.push_back(fmt::format("host.functions.{}.energy_pj_per_element: expected a finite value ≥ 0", name));
        }
      }
    }
  }
  if (architecture.clock_ghz && !(std::isfinite(*architecture.clock_ghz) && *architecture.clock_ghz > 0.0)) {
    problems.push_back(fmt::format("clock_ghz: expected > 0, got {}", *architecture.clock_ghz));
  }
  if (!IsFiniteNonNegative(architecture.static_power_mw)) {
    problems.emplace_back("static_power_mw: expected a finite value ≥ 0");
  } else if (architecture.static_power_mw > 0.0 && !architecture.clock_ghz) {
    problems.emplace_back("static_power_mw: a static power needs clock_ghz to turn cycles into time");
  }
  return problems;
}

double TotalAreaUm2(const Architecture& architecture) {
  double area_um2 = static_cast<double>(architecture.mac.instances) * architecture.mac.area_um2;
  for (const StorageLevel& level : architecture.levels)
    area_um2 += static_cast<double>(level.instances) * level.area_um2;
  return area_um2;
}

bool HasArea(const Architecture& architecture) {
  return architecture.mac.area_um2 != 0.0 ||
         std::any_of(architecture.levels.begin(), architecture.levels.end(),
                     [](const StorageLevel& level) { return level.area_um2 != 0.0; });
}

std::int64_t CapacityWordsFromBytes(std::int64_t capacity_bytes, int word_bits) {
  return capacity_bytes * 8 / word_bits;
}

}  // namespace loopfront::arch
