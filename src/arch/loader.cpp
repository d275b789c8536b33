#include "loopfront/arch/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <vector>

#include "loopfront/arch/limits.h"
#include "loopfront/io/presets.h"
#include "loopfront/util/checked.h"
#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/strings.h"

namespace loopfront::arch {
namespace {

using io::YamlMap;
using io::YamlValue;

using util::IntRange;
using util::RealRange;

// A level's word: up to 1024 bits (a wide SRAM row; kBitsRange's 4096 is for elements, which
// pack into words).
constexpr IntRange kWordBitsRange{1, 1024};
// multiple_buffering divides a capacity: 1 = single-buffered, 2 = double-buffered; beyond 1024
// copies of a tile nothing is a buffer any more.
constexpr RealRange kMultipleBufferingRange{1.0, 1024.0};
// A host's generic rate, in operations per cycle: the same span as a bandwidth (kBandwidthRange),
// so that elements / rate stays far inside an int64 of cycles.
constexpr RealRange kOpsPerCycleRange = util::kBandwidthRange;

const std::vector<std::string> kDocumentKeys = {"name", std::string(kArchitectureKey)};
const std::vector<std::string> kArchitectureKeys = {"levels",         "pe_array",           "vector_unit",
                                                    "host",           "clock_ghz",          "static_power_mw",
                                                    "online_softmax", "overlap_vector_unit"};
const std::vector<std::string> kLevelKeys = {"name",
                                             "capacity_bytes",
                                             "capacity_words",
                                             "word_bits",
                                             "access_words",
                                             "mesh_x",
                                             "mesh_y",
                                             "instances",
                                             "read_bandwidth_words_per_cycle",
                                             "write_bandwidth_words_per_cycle",
                                             "shared_bandwidth_words_per_cycle",
                                             "energy_pj_per_access",
                                             "multiple_buffering",
                                             "buffering",
                                             "keeps",
                                             "required_keeps",
                                             "spatial_x_dim_roles",
                                             "spatial_y_dim_roles",
                                             "area_um2"};
const std::vector<std::string> kEnergyKeys = {"read", "write", "update"};
const std::vector<std::string> kPeArrayKeys = {"rows", "cols", "mac_energy_pj", "fill_latency_cycles", "mac_area_um2"};
const std::vector<std::string> kVectorUnitKeys = {"lanes", "energy_pj_per_op", "reads_level"};
const std::vector<std::string> kHostKeys = {"ops_per_cycle", "energy_pj_per_op",          "functions",
                                            "reads_level",   "bandwidth_bytes_per_cycle", "floating_point"};
const std::vector<std::string> kHostFunctionKeys = {"cycles_per_element", "energy_pj_per_element"};

bool IsPlainName(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_' || character == '-' ||
           character == '.';
  });
}

std::vector<std::string> RoleNames() { return {"input", "weight", "output"}; }

std::string RoleList(RoleMask mask);

// Where each level's keys are in the file, for checks that span levels.
struct LevelPositions {
  std::optional<YamlValue> entry;
  std::optional<YamlValue> name;
  std::optional<YamlValue> mesh_x;
  std::optional<YamlValue> mesh_y;
  std::optional<YamlValue> keeps;
};

class ArchitectureReader {
 public:
  ArchitectureReader(const YamlValue& root, std::string name) : root_(root) { architecture_.name = std::move(name); }

  std::optional<Architecture> Read() {
    const std::size_t errors_before = root_.diagnostics().size();
    const std::optional<YamlMap> map = root_.AsMap(kArchitectureKeys);
    if (!map) return std::nullopt;
    if (const std::optional<YamlValue> value = map->Get("clock_ghz")) {
      if (const std::optional<double> clock = value->AsDoubleIn(util::kClockGhzRange)) architecture_.clock_ghz = *clock;
    }
    const std::optional<YamlValue> static_power = map->Get("static_power_mw");
    if (static_power) architecture_.static_power_mw = static_power->AsDoubleIn(util::kStaticPowerMwRange).value_or(0.0);
    if (const std::optional<YamlValue> value = map->Get("online_softmax")) {
      architecture_.online_softmax = value->AsBool().value_or(false);
    }
    if (const std::optional<YamlValue> value = map->Get("overlap_vector_unit")) {
      architecture_.overlap_vector_unit = value->AsBool().value_or(false);
    }
    if (const std::optional<YamlValue> levels = map->Require("levels", "the storage levels, outermost first")) {
      ReadLevels(*levels);
    }
    if (const std::optional<YamlValue> pe_array = map->Require("pe_array", "rows, cols and mac_energy_pj")) {
      ReadPeArray(*pe_array);
    }
    const std::optional<YamlValue> vector_unit = map->Get("vector_unit");
    const std::optional<YamlValue> host = map->Get("host");
    if (vector_unit) ReadVectorUnit(*vector_unit);
    if (host) {
      if (vector_unit) {
        host->Error(
            "expected either vector_unit or host (the host runs vector ops only without a vector unit), got both");
      } else {
        ReadHost(*host);
      }
    }
    if (static_power && architecture_.static_power_mw > 0.0 && !architecture_.clock_ghz) {
      static_power->Error("expected clock_ghz beside a static power (it turns cycles into time), got none");
    }
    // The meshes are compared with the PE array's, so only when it was read.
    if (pe_rows_ && pe_cols_) CheckMeshes();
    CheckHostBandwidth();
    if (root_.diagnostics().size() != errors_before) return std::nullopt;
    // Everything CheckArchitecture tests is checked above with positions; anything it still finds
    // is reported at the level it names (or the architecture), so that no problem goes unreported.
    for (const std::string& problem : CheckArchitecture(architecture_)) ReportUnpositioned(problem);
    if (root_.diagnostics().size() != errors_before) return std::nullopt;
    return architecture_;
  }

 private:
  void ReadLevels(const YamlValue& value) {
    const std::optional<std::vector<YamlValue>> items = value.AsList();
    if (!items) return;
    if (items->empty()) value.ErrorExpected("at least one storage level");
    if (items->size() > static_cast<std::size_t>(kMaxStorageLevels)) {
      value.ErrorExpected(fmt::format("at most {} storage levels", kMaxStorageLevels),
                          fmt::format("; got {}", items->size()));
    }
    std::map<std::string, int> first_line;
    for (const YamlValue& item : *items) {
      StorageLevel level;
      LevelPositions positions;
      positions.entry = item;
      ReadLevel(item, level, positions);
      if (positions.name && !level.name.empty()) {
        const auto [seen, inserted] = first_line.emplace(level.name, positions.name->line());
        if (!inserted) {
          positions.name->Error(
              fmt::format("expected unique level names, got '{}' again (first at line {})", level.name, seen->second));
        }
      }
      architecture_.levels.push_back(std::move(level));
      positions_.push_back(std::move(positions));
    }
    if (!positions_.empty() && positions_.front().keeps && architecture_.levels.front().keeps_roles != kAllRoles) {
      positions_.front().keeps->Error(fmt::format(
          "expected the outermost level to keep every role (input, weight, output), got {}; every tensor of an op "
          "starts and ends at the outermost level, so no mapping could be valid",
          RoleList(architecture_.levels.front().keeps_roles)));
    }
  }

  void ReadLevel(const YamlValue& value, StorageLevel& level, LevelPositions& positions) {
    const std::optional<YamlMap> map = value.AsMap(kLevelKeys);
    if (!map) return;
    if (const std::optional<YamlValue> name = map->Require("name", "the level's name")) {
      positions.name = name;
      if (const std::optional<std::string> text = name->AsString()) {
        if (IsPlainName(*text)) {
          level.name = *text;
        } else {
          name->ErrorExpected("a name of letters, digits, '_', '-' or '.'");
        }
      }
    }
    if (const std::optional<YamlValue> bits = map->Get("word_bits")) {
      if (const std::optional<std::int64_t> word_bits = bits->AsIntIn(kWordBitsRange)) {
        level.word_bits = static_cast<int>(*word_bits);
      }
    }
    const std::optional<YamlValue> bytes = map->Get("capacity_bytes");
    const std::optional<YamlValue> words = map->Get("capacity_words");
    if (bytes && words) {
      words->Error("expected capacity_bytes or capacity_words, got both");
    } else if (bytes) {
      if (const std::optional<std::int64_t> capacity = bytes->AsIntIn(util::kCountRange)) {
        if (CapacityWordsFromBytes(*capacity, level.word_bits) < 1) {
          bytes->ErrorExpected(fmt::format("room for at least one {}-bit word", level.word_bits));
        } else {
          level.capacity_words = CapacityWordsFromBytes(*capacity, level.word_bits);
        }
      }
    } else if (words) {
      if (const std::optional<std::int64_t> capacity = words->AsIntIn(util::kCountRange)) {
        level.capacity_words = *capacity;
      }
    }
    if (const std::optional<YamlValue> access = map->Get("access_words")) {
      level.vector_words = access->AsIntIn(util::kCountRange).value_or(1);
    }
    positions.mesh_x = map->Get("mesh_x");
    positions.mesh_y = map->Get("mesh_y");
    if (positions.mesh_x) level.mesh_x = positions.mesh_x->AsIntIn(util::kCountRange).value_or(1);
    if (positions.mesh_y) level.mesh_y = positions.mesh_y->AsIntIn(util::kCountRange).value_or(1);
    level.instances = MeshInstances(level.mesh_x, level.mesh_y, positions.mesh_y ? positions.mesh_y : positions.mesh_x,
                                    "mesh_x × mesh_y");
    if (const std::optional<YamlValue> instances = map->Get("instances")) {
      const std::optional<std::int64_t> count = instances->AsIntIn(util::kCountRange);
      if (count && *count != level.instances) {
        instances->ErrorExpected(
            fmt::format("mesh_x × mesh_y = {} × {} = {} instances", level.mesh_x, level.mesh_y, level.instances),
            !positions.mesh_x && !positions.mesh_y ? "; give the layout with mesh_x and mesh_y" : "");
      }
    }
    ReadBandwidth(*map, "read_bandwidth_words_per_cycle", level.read_bandwidth_words_per_cycle);
    ReadBandwidth(*map, "write_bandwidth_words_per_cycle", level.write_bandwidth_words_per_cycle);
    ReadBandwidth(*map, "shared_bandwidth_words_per_cycle", level.shared_bandwidth_words_per_cycle);
    if (const std::optional<YamlValue> energy =
            map->Require("energy_pj_per_access", "{read, write, update} in pJ per physical access")) {
      ReadEnergy(*energy, level.energy_per_access);
    }
    if (const std::optional<YamlValue> buffering = map->Get("multiple_buffering")) {
      if (const std::optional<double> factor = buffering->AsDoubleIn(kMultipleBufferingRange)) {
        level.multiple_buffering = *factor;
      }
    }
    if (const std::optional<YamlValue> buffering = map->Get("buffering")) {
      level.buffering = ReadBuffering(*buffering);
      if (map->Get("multiple_buffering") && level.buffering != 0) {
        buffering->Error(
            "`buffering` (modelled honestly) and `multiple_buffering` (Timeloop's idealization) "
            "exclude each other; give one");
      }
    }
    if (const std::optional<YamlValue> area = map->Get("area_um2")) level.area_um2 = ReadArea(*area);
    positions.keeps = map->Get("keeps");
    if (positions.keeps) {
      level.keeps_roles = ReadRoles(*positions.keeps);
    }
    if (const std::optional<YamlValue> required = map->Get("required_keeps")) {
      const std::optional<std::vector<YamlValue>> items = required->AsList();
      level.required_roles = items && items->empty() ? 0 : ReadRoles(*required);
      if ((level.required_roles & ~level.keeps_roles) != 0) {
        required->ErrorExpected(fmt::format("roles the level keeps ({})", RoleList(level.keeps_roles)),
                                "; add them to `keeps` or drop them here");
      }
    }
    if (const std::optional<YamlValue> roles = map->Get("spatial_x_dim_roles")) {
      level.spatial_x_dim_roles = ReadDimRoles(*roles);
    }
    if (const std::optional<YamlValue> roles = map->Get("spatial_y_dim_roles")) {
      level.spatial_y_dim_roles = ReadDimRoles(*roles);
    }
  }

  static void ReadBandwidth(const YamlMap& map, const std::string& key, std::optional<double>& out) {
    if (const std::optional<YamlValue> value = map.Get(key)) {
      if (const std::optional<double> bandwidth = value->AsDoubleIn(util::kBandwidthRange)) out = *bandwidth;
    }
  }

  static void ReadEnergy(const YamlValue& value, ActionEnergy& energy) {
    const std::optional<YamlMap> map = value.AsMap(kEnergyKeys);
    if (!map) return;
    if (const std::optional<YamlValue> read = map->Require("read", "pJ per read access")) {
      energy.read_pj = read->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
    }
    if (const std::optional<YamlValue> write = map->Require("write", "pJ per fill access")) {
      energy.write_pj = write->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
    }
    // An update (read-modify-write of a partial sum) costs a write unless the file says otherwise.
    energy.update_pj = energy.write_pj;
    if (const std::optional<YamlValue> update = map->Get("update")) {
      energy.update_pj = update->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
    }
  }

  static RoleMask ReadRoles(const YamlValue& value) {
    const std::optional<std::vector<YamlValue>> items = value.AsList();
    if (!items) return kAllRoles;
    if (items->empty()) value.ErrorExpected("at least one of the roles input, weight, output");
    RoleMask mask = 0;
    for (const YamlValue& item : *items) {
      const std::optional<std::string> role = item.AsChoice(RoleNames());
      if (!role) continue;
      const RoleMask bit = RoleBit(*workload::ParseTensorRole(*role));
      if ((mask & bit) != 0) item.ErrorExpected("each role once", "");
      mask = static_cast<RoleMask>(mask | bit);
    }
    return mask;
  }

  // `single`, `double`, or a list of them (the mapping chooses).
  static BufferingMask ReadBuffering(const YamlValue& value) {
    const std::vector<std::string> names = {"single", "double"};
    const auto bit = [&](const YamlValue& item) -> BufferingMask {
      const std::optional<std::string> name = item.AsChoice(names);
      if (!name) return 0;
      return *name == "double" ? kDoubleBuffering : kSingleBuffering;
    };
    if (!value.IsList()) return bit(value);
    const std::vector<YamlValue> items = *value.AsList();
    if (items.empty()) value.ErrorExpected("single, double, or a list of them");
    BufferingMask mask = 0;
    for (const YamlValue& item : items) {
      const BufferingMask option = bit(item);
      if ((mask & option) != 0) item.ErrorExpected("each buffering once");
      mask = static_cast<BufferingMask>(mask | option);
    }
    return mask;
  }

  static DimRoleMask ReadDimRoles(const YamlValue& value) {
    const std::optional<std::vector<YamlValue>> items = value.AsList();
    if (!items) return kAllDimRoles;
    DimRoleMask mask = 0;
    for (const YamlValue& item : *items) {
      const std::optional<std::string> role = item.AsChoice(DimRoleNames());
      if (!role) continue;
      const DimRoleMask bit = DimRoleBit(*ParseDimRole(*role));
      if ((mask & bit) != 0) item.ErrorExpected("each dim role once");
      mask = static_cast<DimRoleMask>(mask | bit);
    }
    return mask;
  }

  void ReadPeArray(const YamlValue& value) {
    const std::optional<YamlMap> map = value.AsMap(kPeArrayKeys);
    if (!map) return;
    MacArray& mac = architecture_.mac;
    pe_rows_ = map->Require("rows", "MAC rows (the y axis)");
    pe_cols_ = map->Require("cols", "MAC columns (the x axis)");
    if (pe_rows_) mac.mesh_y = pe_rows_->AsIntIn(util::kCountRange).value_or(1);
    if (pe_cols_) mac.mesh_x = pe_cols_->AsIntIn(util::kCountRange).value_or(1);
    mac.instances = MeshInstances(mac.mesh_x, mac.mesh_y, pe_cols_ ? pe_cols_ : pe_rows_, "rows × cols");
    if (const std::optional<YamlValue> energy = map->Require("mac_energy_pj", "pJ per MAC")) {
      mac.energy_pj_per_mac = energy->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
    }
    if (const std::optional<YamlValue> fill = map->Get("fill_latency_cycles")) {
      mac.fill_latency_cycles = fill->AsIntIn(util::kNonNegativeCountRange).value_or(0);
    }
    if (const std::optional<YamlValue> area = map->Get("mac_area_um2")) mac.area_um2 = ReadArea(*area);
  }

  // An area in µm², from 0 to kMaxAreaUm2.
  static double ReadArea(const YamlValue& value) {
    const std::optional<double> area = value.AsNonNegativeDouble();
    if (!area) return 0.0;
    if (*area > kMaxAreaUm2) {
      value.ErrorExpected(fmt::format("an area from 0 to {:g} µm² (per instance)", kMaxAreaUm2));
      return 0.0;
    }
    return *area;
  }

  // The name of a storage level (with "did you mean" over the levels read so far).
  std::string ReadLevelName(const YamlValue& value) const {
    const std::optional<std::string> name = value.AsString();
    if (!name) return {};
    if (architecture_.LevelIndex(*name) < 0) {
      const std::vector<std::string> names = architecture_.LevelNames();
      value.ErrorExpected(fmt::format("the name of a storage level ({})", util::Join(names, ", ")),
                          util::DidYouMeanHint(*name, names));
    }
    return *name;
  }

  void ReadVectorUnit(const YamlValue& value) {
    const std::optional<YamlMap> map = value.AsMap(kVectorUnitKeys);
    if (!map) return;
    VectorUnit unit;
    if (const std::optional<YamlValue> lanes = map->Require("lanes", "elements processed per cycle")) {
      unit.lanes = lanes->AsIntIn(util::kCountRange).value_or(1);
    }
    if (const std::optional<YamlValue> energy = map->Require("energy_pj_per_op", "pJ per operation")) {
      unit.energy_pj_per_op = energy->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
    }
    if (const std::optional<YamlValue> level = map->Require("reads_level", "the storage level it reads")) {
      unit.reads_level = ReadLevelName(*level);
    }
    architecture_.vector_unit = unit;
  }

  void ReadHost(const YamlValue& value) {
    const std::optional<YamlMap> map = value.AsMap(kHostKeys);
    if (!map) return;
    Host host;
    const std::optional<YamlValue> functions = map->Get("functions");
    if (functions) {
      // One price or the other: a table replaces the generic price, so both would be ambiguous.
      for (const std::string key : {"ops_per_cycle", "energy_pj_per_op"}) {
        if (const std::optional<YamlValue> generic = map->Get(key)) {
          generic->ErrorExpected(fmt::format("no '{}' beside functions (the table prices every operation)", key));
        }
      }
      host.functions = ReadHostFunctions(*functions);
    } else {
      if (const std::optional<YamlValue> rate =
              map->Require("ops_per_cycle", "vector-op operations per cycle, or a functions table")) {
        host.ops_per_cycle = rate->AsDoubleIn(kOpsPerCycleRange).value_or(1.0);
      }
      if (const std::optional<YamlValue> energy =
              map->Require("energy_pj_per_op", "pJ per operation, or a functions table")) {
        host.energy_pj_per_op = energy->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
      }
    }
    if (const std::optional<YamlValue> level = map->Require("reads_level", "the storage level the host reads")) {
      host.reads_level = ReadLevelName(*level);
    }
    if (const std::optional<YamlValue> bandwidth = map->Get("bandwidth_bytes_per_cycle")) {
      host.bandwidth_bytes_per_cycle = bandwidth->AsDoubleIn(util::kBandwidthRange);
      host_bandwidth_ = bandwidth;
    }
    if (const std::optional<YamlValue> floating = map->Get("floating_point")) {
      host.floating_point = floating->AsBool().value_or(false);
    }
    architecture_.host = host;
  }

  // host.functions: every function of workload::MathFunction, each with its cycles and energy.
  HostFunctionTable ReadHostFunctions(const YamlValue& value) const {
    HostFunctionTable table{};
    const std::optional<YamlMap> map = value.AsMap(workload::MathFunctionNames());
    if (!map) return table;
    for (int function = 0; function < workload::kNumMathFunctions; ++function) {
      const std::string name(workload::ToString(static_cast<workload::MathFunction>(function)));
      const std::optional<YamlValue> entry = map->Require(name, "its cycles_per_element and energy_pj_per_element");
      if (!entry) continue;
      const std::optional<YamlMap> costs = entry->AsMap(kHostFunctionKeys);
      if (!costs) continue;
      if (const std::optional<YamlValue> cycles = costs->Require("cycles_per_element", "accelerator cycles")) {
        table[function].cycles_per_element = cycles->AsDoubleIn(util::kCyclesPerOperationRange).value_or(0.0);
      }
      if (const std::optional<YamlValue> energy = costs->Require("energy_pj_per_element", "pJ")) {
        table[function].energy_pj_per_element = energy->AsDoubleIn(util::kEnergyPjRange).value_or(0.0);
      }
    }
    return table;
  }

  // Each level's mesh must divide the next inner level's (and the innermost the PE array's): the
  // fanout between them is the ratio (architecture.h). Reported at the inner mesh key.
  void CheckMeshes() const {
    const int num_levels = architecture_.num_levels();
    for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
      const StorageLevel& outer = architecture_.levels[level_idx];
      const bool innermost = level_idx + 1 == num_levels;
      const std::int64_t inner_x = innermost ? architecture_.mac.mesh_x : architecture_.levels[level_idx + 1].mesh_x;
      const std::int64_t inner_y = innermost ? architecture_.mac.mesh_y : architecture_.levels[level_idx + 1].mesh_y;
      const std::string inner_name =
          innermost ? std::string("the PE array") : fmt::format("level '{}'", architecture_.levels[level_idx + 1].name);
      auto report = [&](const char* axis, std::int64_t outer_mesh, std::int64_t inner_mesh,
                        const std::optional<YamlValue>& inner_key, const std::optional<YamlValue>& outer_key) {
        const std::string message = fmt::format(
            "expected {} {} to be a multiple of the {} of level '{}' ({}), got {}; the fanout between "
            "them is the ratio",
            inner_name, axis, axis, outer.name, outer_mesh, inner_mesh);
        // Point at the inner key when the file has one, else at the outer level's key or entry.
        if (inner_key) {
          inner_key->Error(message);
        } else if (outer_key) {
          outer_key->Error(message);
        } else if (positions_[level_idx].entry) {
          positions_[level_idx].entry->Error(message);
        }
      };
      const LevelPositions& here = positions_[level_idx];
      if (inner_x % outer.mesh_x != 0) {
        report("mesh_x", outer.mesh_x, inner_x, innermost ? pe_cols_ : positions_[level_idx + 1].mesh_x, here.mesh_x);
      }
      if (inner_y % outer.mesh_y != 0) {
        report("mesh_y", outer.mesh_y, inner_y, innermost ? pe_rows_ : positions_[level_idx + 1].mesh_y, here.mesh_y);
      }
    }
  }

  // mesh_x × mesh_y (or the PE array's cols × rows), at most kMaxCount instances: every count of
  // the cost model multiplies by instances, and 2^40 × 2^40 would not even fit an int64.
  static std::int64_t MeshInstances(std::int64_t mesh_x, std::int64_t mesh_y, const std::optional<YamlValue>& at,
                                    std::string_view what) {
    const std::optional<std::int64_t> product = util::CheckedMul(mesh_x, mesh_y);
    if (!product || *product > util::kMaxCount) {
      if (at) {
        at->Error(fmt::format("expected {} ≤ {} instances, got {} × {}", what, util::kMaxCount, mesh_x, mesh_y));
      }
      return 1;
    }
    return *product;
  }

  // The host's bandwidth, shared by the instances of the level it reads, must leave each instance
  // at least kBandwidthRange.min words per cycle: below it the cost model's cycle counts (words /
  // bandwidth) would leave the int64 range it proves for the bandwidths a file can write.
  void CheckHostBandwidth() const {
    if (!host_bandwidth_ || !architecture_.host || !architecture_.host->bandwidth_bytes_per_cycle) return;
    const int level_idx = architecture_.LevelIndex(architecture_.host->reads_level);
    if (level_idx < 0) return;
    const StorageLevel& level = architecture_.levels[level_idx];
    const double words_per_cycle = *architecture_.host->bandwidth_bytes_per_cycle * 8.0 /
                                   static_cast<double>(level.word_bits) / static_cast<double>(level.instances);
    if (words_per_cycle < util::kBandwidthRange.min) {
      host_bandwidth_->Error(fmt::format(
          "expected at least {} words per cycle for each of the {} instances of level '{}' ({}-bit words), got {}",
          util::FormatNumber(util::kBandwidthRange.min), level.instances, level.name, level.word_bits,
          util::FormatNumber(words_per_cycle)));
    }
  }

  void ReportUnpositioned(const std::string& problem) const {
    // CheckArchitecture messages start with a key path such as `levels[2].mesh: ...`.
    int level_idx = -1;
    if (problem.starts_with("levels[")) level_idx = std::atoi(problem.c_str() + 7);
    if (level_idx >= 0 && level_idx < static_cast<int>(positions_.size()) && positions_[level_idx].entry) {
      positions_[level_idx].entry->Error(problem);
    } else {
      root_.Error(problem);
    }
  }

  const YamlValue& root_;
  Architecture architecture_;
  std::vector<LevelPositions> positions_;
  std::optional<YamlValue> pe_rows_;
  std::optional<YamlValue> pe_cols_;
  std::optional<YamlValue> host_bandwidth_;
};

std::string Number(double value) { return fmt::format("{}", value); }

std::string RoleList(RoleMask mask) {
  std::vector<std::string> names;
  for (const workload::TensorRole role :
       {workload::TensorRole::kInput, workload::TensorRole::kWeight, workload::TensorRole::kOutput}) {
    if ((mask & RoleBit(role)) != 0) names.emplace_back(workload::ToString(role));
  }
  return fmt::format("[{}]", util::Join(names, ", "));
}

std::string DimRoleList(DimRoleMask mask) {
  std::vector<std::string> names;
  for (const std::string& name : DimRoleNames()) {
    if ((mask & DimRoleBit(*ParseDimRole(name))) != 0) names.push_back(name);
  }
  return fmt::format("[{}]", util::Join(names, ", "));
}

}  // namespace

std::optional<Architecture> ReadArchitecture(const io::YamlValue& value, const std::string& name) {
  return ArchitectureReader(value, name).Read();
}

Architecture ReadArchitectureDocument(const io::YamlDocument& document, const std::string& default_name) {
  const YamlValue root = document.root();
  std::optional<Architecture> architecture;
  if (document.ok()) {
    if (const std::optional<YamlMap> map = root.AsMap(kDocumentKeys)) {
      std::string name = default_name;
      if (const std::optional<YamlValue> value = map->Get("name")) {
        if (const std::optional<std::string> text = value->AsString()) {
          if (IsPlainName(*text)) {
            name = *text;
          } else {
            value->ErrorExpected("a name of letters, digits, '_', '-' or '.'");
          }
        }
      }
      if (const std::optional<YamlValue> body =
              map->Require(std::string(kArchitectureKey), "the architecture: levels, pe_array, ...")) {
        architecture = ReadArchitecture(*body, name);
      }
    }
  }
  root.diagnostics().ThrowIfAny();
  if (!architecture) throw util::InternalError("architecture reader failed without a diagnostic");
  return *architecture;
}

Architecture LoadArchitecture(std::string_view name_or_path) {
  util::Diagnostics diagnostics;
  const std::string text(name_or_path);
  if (io::LooksLikePath(name_or_path)) {
    const io::YamlDocument document = io::YamlDocument::LoadFile(text, diagnostics);
    diagnostics.ThrowIfAny();
    return ReadArchitectureDocument(document, std::filesystem::path(text).stem().string());
  }
  const io::Preset* preset = io::FindPreset(io::PresetKind::kArchitecture, name_or_path);
  if (preset == nullptr) {
    const std::vector<std::string> names = io::PresetNames(io::PresetKind::kArchitecture);
    throw util::ConfigError(fmt::format("expected an architecture preset ({}) or a path to a YAML file, got '{}'{}",
                                        util::Join(names, ", "), text, util::DidYouMeanHint(text, names)));
  }
  const io::YamlDocument document =
      io::YamlDocument::LoadString(std::string(preset->text), std::string(preset->path), diagnostics);
  diagnostics.ThrowIfAny();
  return ReadArchitectureDocument(document, std::string(preset->name));
}

std::string ArchitectureToYaml(const Architecture& architecture, std::string_view header_comment) {
  std::string out;
  if (!header_comment.empty()) out += fmt::format("# {}\n", header_comment);
  out += fmt::format("name: {}\narchitecture:\n", architecture.name);
  if (architecture.clock_ghz) out += fmt::format("  clock_ghz: {}\n", Number(*architecture.clock_ghz));
  out += fmt::format("  static_power_mw: {}\n", Number(architecture.static_power_mw));
  out += fmt::format("  online_softmax: {}\n", architecture.online_softmax);
  out += fmt::format("  overlap_vector_unit: {}\n", architecture.overlap_vector_unit);
  out += "  levels:\n";
  for (const StorageLevel& level : architecture.levels) {
    out += fmt::format("    - name: {}\n", level.name);
    if (level.capacity_words) out += fmt::format("      capacity_words: {}\n", *level.capacity_words);
    out += fmt::format("      word_bits: {}\n", level.word_bits);
    out += fmt::format("      access_words: {}\n", level.vector_words);
    out += fmt::format("      mesh_x: {}\n      mesh_y: {}\n", level.mesh_x, level.mesh_y);
    const std::pair<const char*, const std::optional<double>*> bandwidths[] = {
        {"read", &level.read_bandwidth_words_per_cycle},
        {"write", &level.write_bandwidth_words_per_cycle},
        {"shared", &level.shared_bandwidth_words_per_cycle}};
    for (const auto& [action, bandwidth] : bandwidths) {
      if (*bandwidth) out += fmt::format("      {}_bandwidth_words_per_cycle: {}\n", action, Number(**bandwidth));
    }
    out += fmt::format("      energy_pj_per_access: {{read: {}, write: {}, update: {}}}\n",
                       Number(level.energy_per_access.read_pj), Number(level.energy_per_access.write_pj),
                       Number(level.energy_per_access.update_pj));
    if (level.buffering == (kSingleBuffering | kDoubleBuffering)) {
      out += "      buffering: [double, single]\n";
    } else if (level.buffering != 0) {
      out += fmt::format("      buffering: {}\n", BufferingName(level.buffering));
    } else {
      out += fmt::format("      multiple_buffering: {}\n", Number(level.multiple_buffering));
    }
    out += fmt::format("      keeps: {}\n", RoleList(level.keeps_roles));
    if (level.required_roles != 0) out += fmt::format("      required_keeps: {}\n", RoleList(level.required_roles));
    out += fmt::format("      spatial_x_dim_roles: {}\n", DimRoleList(level.spatial_x_dim_roles));
    out += fmt::format("      spatial_y_dim_roles: {}\n", DimRoleList(level.spatial_y_dim_roles));
    if (level.area_um2 != 0.0) out += fmt::format("      area_um2: {}\n", Number(level.area_um2));
  }
  const MacArray& mac = architecture.mac;
  out += fmt::format("  pe_array: {{rows: {}, cols: {}, mac_energy_pj: {}, fill_latency_cycles: {}{}}}\n", mac.mesh_y,
                     mac.mesh_x, Number(mac.energy_pj_per_mac), mac.fill_latency_cycles,
                     mac.area_um2 != 0.0 ? fmt::format(", mac_area_um2: {}", Number(mac.area_um2)) : "");
  if (architecture.vector_unit) {
    const VectorUnit& unit = *architecture.vector_unit;
    out += fmt::format("  vector_unit: {{lanes: {}, energy_pj_per_op: {}, reads_level: {}}}\n", unit.lanes,
                       Number(unit.energy_pj_per_op), unit.reads_level);
  }
  if (architecture.host) {
    const Host& host = *architecture.host;
    std::vector<std::string> fields;
    if (host.functions) {
      std::vector<std::string> functions;
      for (int function = 0; function < workload::kNumMathFunctions; ++function) {
        const HostFunctionCost& cost = (*host.functions)[function];
        functions.push_back(fmt::format("{}: {{cycles_per_element: {}, energy_pj_per_element: {}}}",
                                        workload::ToString(static_cast<workload::MathFunction>(function)),
                                        Number(cost.cycles_per_element), Number(cost.energy_pj_per_element)));
      }
      fields.push_back(fmt::format("functions: {{{}}}", util::Join(functions, ", ")));
    } else {
      fields.push_back(fmt::format("ops_per_cycle: {}, energy_pj_per_op: {}", Number(host.ops_per_cycle),
                                   Number(host.energy_pj_per_op)));
    }
    fields.push_back(fmt::format("reads_level: {}", host.reads_level));
    if (host.bandwidth_bytes_per_cycle) {
      fields.push_back(fmt::format("bandwidth_bytes_per_cycle: {}", Number(*host.bandwidth_bytes_per_cycle)));
    }
    fields.push_back(fmt::format("floating_point: {}", host.floating_point));
    out += fmt::format("  host: {{{}}}\n", util::Join(fields, ", "));
  }
  return out;
}

}  // namespace loopfront::arch
