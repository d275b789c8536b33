#include "loopfront/arch/architecture.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "loopfront/util/checked.h"
#include "loopfront/util/ranges.h"

namespace loopfront::arch {
namespace {

constexpr std::array<std::string_view, 5> kDimRoleNames = {"batch", "output_row", "output_column", "reduction",
                                                           "other"};

bool IsFiniteNonNegative(double value) { return std::isfinite(value) && value >= 0.0; }

// A key path is passed as its prefix (`levels[2]`, empty at the top level) and the key (`.word_bits`),
// joined only into a message: every mapping::Problem::Build checks its architecture again (a
// whole-model search builds thousands), so a valid architecture is checked without building a
// string (it was ~17k instructions per check, issue 16).

// The loader's domains (util/ranges.h), checked again for architectures built in code (Python,
// tests): the cost model relies on them to keep its counts inside an int64.
void CheckReal(double value, const util::RealRange& range, std::string_view path, std::string_view key,
               std::vector<std::string>& out) {
  if (!range.Contains(value)) out.push_back(fmt::format("{}{}: {}", path, key, util::OutOfRangeMessage(range, value)));
}

void CheckInt(std::int64_t value, const util::IntRange& range, std::string_view path, std::string_view key,
              std::vector<std::string>& out) {
  if (!range.Contains(value)) out.push_back(fmt::format("{}{}: {}", path, key, util::OutOfRangeMessage(range, value)));
}

void CheckBandwidth(const std::optional<double>& bandwidth, std::string_view path, std::string_view key,
                    std::vector<std::string>& out) {
  if (bandwidth) CheckReal(*bandwidth, util::kBandwidthRange, path, key, out);
}

// mesh_x, mesh_y in kCountRange and instances = mesh_x × mesh_y ≤ kMaxCount.
void CheckMesh(std::int64_t mesh_x, std::int64_t mesh_y, std::int64_t instances, std::string_view path,
               std::vector<std::string>& out) {
  const std::optional<std::int64_t> product = util::CheckedMul(mesh_x, mesh_y);
  if (!util::kCountRange.Contains(mesh_x) || !util::kCountRange.Contains(mesh_y) || !product ||
      *product > util::kMaxCount) {
    out.push_back(fmt::format("{}.mesh: expected mesh_x and mesh_y with mesh_x × mesh_y in {}, got {}×{}", path,
                              util::DescribeRange(util::kCountRange), mesh_x, mesh_y));
  } else if (instances != *product) {
    out.push_back(fmt::format("{}.instances: expected mesh_x × mesh_y = {}, got {}", path, *product, instances));
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
  for (int level_idx = 0; level_idx < architecture.num_levels(); ++level_idx) {
    const StorageLevel& level = architecture.levels[level_idx];
    // `levels[<int>]` fits: the buffer is the key path's only storage (no allocation).
    std::array<char, 32> path_buffer;
    const std::string_view path(path_buffer.data(),
                                fmt::format_to_n(path_buffer.data(), path_buffer.size(), "levels[{}]", level_idx).size);
    if (level.name.empty()) problems.push_back(fmt::format("{}.name: expected a non-empty name", path));
    // Each name after its first occurrence is reported (levels are few: a scan, no set of names).
    const auto earlier_levels = std::span(architecture.levels).first(static_cast<std::size_t>(level_idx));
    if (std::any_of(earlier_levels.begin(), earlier_levels.end(),
                    [&](const StorageLevel& earlier) { return earlier.name == level.name; })) {
      problems.push_back(fmt::format("{}.name: expected unique level names, got '{}' twice", path, level.name));
    }
    if (level.capacity_words) CheckInt(*level.capacity_words, util::kCountRange, path, ".capacity_words", problems);
    CheckInt(level.word_bits, util::kBitsRange, path, ".word_bits", problems);
    CheckInt(level.vector_words, util::kCountRange, path, ".vector_words", problems);
    CheckMesh(level.mesh_x, level.mesh_y, level.instances, path, problems);
    CheckBandwidth(level.read_bandwidth_words_per_cycle, path, ".read_bandwidth_words_per_cycle", problems);
    CheckBandwidth(level.write_bandwidth_words_per_cycle, path, ".write_bandwidth_words_per_cycle", problems);
    CheckBandwidth(level.shared_bandwidth_words_per_cycle, path, ".shared_bandwidth_words_per_cycle", problems);
    const ActionEnergy& energy = level.energy_per_access;
    CheckReal(energy.read_pj, util::kEnergyPjRange, path, ".energy_pj_per_access.read", problems);
    CheckReal(energy.write_pj, util::kEnergyPjRange, path, ".energy_pj_per_access.write", problems);
    CheckReal(energy.update_pj, util::kEnergyPjRange, path, ".energy_pj_per_access.update", problems);
    if (!(IsFiniteNonNegative(level.area_um2) && level.area_um2 <= kMaxAreaUm2)) {
      problems.push_back(
          fmt::format("{}.area_um2: expected a value from 0 to {:g}, got {}", path, kMaxAreaUm2, level.area_um2));
    }
    if (!(std::isfinite(level.multiple_buffering) && level.multiple_buffering >= 1.0)) {
      problems.push_back(fmt::format("{}.multiple_buffering: expected ≥ 1, got {}", path, level.multiple_buffering));
    }
    if ((level.required_roles & ~level.keeps_roles) != 0) {
      problems.push_back(fmt::format("{}.required_keeps: expected roles the level keeps (a subset of `keeps`)", path));
    }
    if ((level.buffering & ~(kSingleBuffering | kDoubleBuffering)) != 0) {
      problems.push_back(fmt::format("{}.buffering: unknown bits", path));
    }
    if (level.buffering != 0 && level.multiple_buffering != 1.0) {
      problems.push_back(fmt::format("{}: expected `buffering` or `multiple_buffering`, got both", path));
    }
    if ((level.buffering & kDoubleBuffering) != 0 && level.capacity_words && *level.capacity_words < 2) {
      problems.push_back(fmt::format("{}.buffering: expected a capacity of 2 words or more to double-buffer", path));
    }
    if ((level.keeps_roles & ~kAllRoles) != 0 || (level.spatial_x_dim_roles & ~kAllDimRoles) != 0 ||
        (level.spatial_y_dim_roles & ~kAllDimRoles) != 0) {
      problems.push_back(fmt::format("{}: role masks have unknown bits", path));
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
  CheckMesh(mac.mesh_x, mac.mesh_y, mac.instances, "mac", problems);
  CheckReal(mac.energy_pj_per_mac, util::kEnergyPjRange, "mac", ".energy_pj", problems);
  CheckInt(mac.fill_latency_cycles, util::kNonNegativeCountRange, "mac", ".fill_latency_cycles", problems);
  if (!(IsFiniteNonNegative(mac.area_um2) && mac.area_um2 <= kMaxAreaUm2)) {
    problems.push_back(fmt::format("mac.area_um2: expected a value from 0 to {:g}, got {}", kMaxAreaUm2, mac.area_um2));
  }
  if (architecture.vector_unit) {
    const VectorUnit& unit = *architecture.vector_unit;
    CheckInt(unit.lanes, util::kCountRange, "vector_unit", ".lanes", problems);
    CheckReal(unit.energy_pj_per_op, util::kEnergyPjRange, "vector_unit", ".energy_pj_per_op", problems);
    if (architecture.LevelIndex(unit.reads_level) < 0) {
      problems.push_back(
          fmt::format("vector_unit.reads_level: expected the name of a storage level, got '{}'", unit.reads_level));
    }
  }
  if (architecture.host) {
    const Host& host = *architecture.host;
    CheckReal(host.ops_per_cycle, util::kBandwidthRange, "host", ".ops_per_cycle", problems);
    CheckReal(host.energy_pj_per_op, util::kEnergyPjRange, "host", ".energy_pj_per_op", problems);
    if (architecture.LevelIndex(host.reads_level) < 0) {
      problems.push_back(
          fmt::format("host.reads_level: expected the name of a storage level, got '{}'", host.reads_level));
    }
    CheckBandwidth(host.bandwidth_bytes_per_cycle, "host", ".bandwidth_bytes_per_cycle", problems);
    // Its share per instance of the level it reads becomes a rate of that level (mapping::Problem).
    const int level_idx = architecture.LevelIndex(host.reads_level);
    if (host.bandwidth_bytes_per_cycle && level_idx >= 0 && problems.empty()) {
      const StorageLevel& level = architecture.levels[level_idx];
      CheckBandwidth(*host.bandwidth_bytes_per_cycle * 8.0 / static_cast<double>(level.word_bits) /
                         static_cast<double>(level.instances),
                     "host", ".bandwidth_bytes_per_cycle (in words per cycle per instance)", problems);
    }
    if (host.functions) {
      for (int function = 0; function < workload::kNumMathFunctions; ++function) {
        const HostFunctionCost& cost = (*host.functions)[function];
        // `host.functions.<function name>` fits (the names are short words such as `exp`, `convert`).
        std::array<char, 64> path_buffer;
        const std::string_view path(path_buffer.data(),
                                    fmt::format_to_n(path_buffer.data(), path_buffer.size(), "host.functions.{}",
                                                     workload::ToString(static_cast<workload::MathFunction>(function)))
                                        .size);
        CheckReal(cost.cycles_per_element, util::kCyclesPerOperationRange, path, ".cycles_per_element", problems);
        CheckReal(cost.energy_pj_per_element, util::kEnergyPjRange, path, ".energy_pj_per_element", problems);
      }
    }
  }
  if (architecture.clock_ghz) CheckReal(*architecture.clock_ghz, util::kClockGhzRange, "", "clock_ghz", problems);
  if (!util::kStaticPowerMwRange.Contains(architecture.static_power_mw)) {
    CheckReal(architecture.static_power_mw, util::kStaticPowerMwRange, "", "static_power_mw", problems);
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
