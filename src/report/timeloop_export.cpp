#include "loopfront/report/timeloop_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <vector>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::report {
namespace {

// The subtree every component sits in; ERT and ART tables are named `system_top_level.NAME[1..N]`.
constexpr const char* kSubtree = "system_top_level";

// Names the importer reads back (its ParseRangedName): an identifier, `-` allowed after the first.
bool IsTimeloopName(const std::string& name) {
  static const std::regex kPattern(R"(^[A-Za-z_][A-Za-z0-9_\-]*$)");
  return std::regex_match(name, kPattern);
}

// The shortest text that reads back as the same double; `.0` on whole numbers, as Accelergy writes.
std::string Real(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// A whole number as an integer, anything else as Real.
std::string Number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(value));
  return Real(value);
}

// A scalar for a YAML value: plain when it is an identifier, else double-quoted (JSON is YAML).
std::string Scalar(const std::string& text) { return IsTimeloopName(text) ? text : nlohmann::json(text).dump(); }

std::string Ranged(const std::string& name, std::int64_t instances) {
  return fmt::format("{}[1..{}]", name, instances);
}

class Exporter {
 public:
  Exporter(const mapping::Problem& problem, const mapping::Mapping& mapping)
      : problem_(problem), mapping_(mapping), arch_(problem.arch()), op_(problem.op()) {}

  TimeloopFiles Run() {
    Check();
    if (!errors_.empty()) throw util::ConfigError(std::move(errors_));
    return TimeloopFiles{
        .arch_yaml = Arch(), .problem_yaml = ProblemYaml(), .map_yaml = Map(), .ert_yaml = Ert(), .art_yaml = Art()};
  }

 private:
  void Refuse(std::string path, std::string message) {
    errors_.push_back(util::Diagnostic{.path = std::move(path), .message = std::move(message)});
  }

  void Check() {
    if (!op_.IsContraction()) {
      Refuse("op", fmt::format("expected a contraction, got the vector op '{}' ({}); Timeloop models MACs only, so "
                               "vector ops cannot be exported",
                               op_.name, workload::ToString(op_.kind)));
      return;
    }
    for (int dim = 0; dim < problem_.num_dims(); ++dim) {
      const std::int64_t product = mapping_.DimProduct(dim);
      if (product != problem_.dim_size(dim)) {
        Refuse("mapping", fmt::format("expected the factors of '{}' to multiply to its size {}, got {} (padding); "
                                      "Timeloop's mapping needs a perfect factorization",
                                      problem_.dim_name(dim), problem_.dim_size(dim), product));
      }
      if (!IsTimeloopName(std::string(problem_.dim_name(dim)))) {
        Refuse("op.dims", fmt::format("expected dim names that are identifiers, got '{}'", problem_.dim_name(dim)));
      }
    }
    for (const workload::Tensor& tensor : op_.tensors) {
      if (!IsTimeloopName(tensor.name)) {
        Refuse("op.tensors", fmt::format("expected tensor names that are identifiers, got '{}'", tensor.name));
      }
    }
    for (int level_idx = 0; level_idx < arch_.num_levels(); ++level_idx) {
      const arch::StorageLevel& level = arch_.levels[level_idx];
      const std::string path = fmt::format("levels[{}]", level_idx);
      if (!IsTimeloopName(level.name)) {
        Refuse(path + ".name",
               fmt::format("expected an identifier (Timeloop's component names), got '{}'", level.name));
      }
      if (level.capacity_words && *level.capacity_words % level.vector_words != 0) {
        Refuse(path + ".capacity_words",
               fmt::format("expected a whole number of blocks of {} words (Timeloop's depth × block_size), got {} "
                           "words on level '{}'",
                           level.vector_words, *level.capacity_words, level.name));
      }
      if (problem_.level(level_idx).Stalls(mapping_.level(level_idx).double_buffered())) {
        Refuse("mapping." + level.name,
               fmt::format("level '{}' is single-buffered (honest buffering: the compute waits while its tiles "
                           "move), which Timeloop does not model; double-buffer it (`{}*2` in the one-line form, "
                           "`buffering: double` in a mapping file) to export it as Timeloop's multiple_buffering: 2",
                           level.name, level.name));
      }
      CheckOneLoopPerDim(level_idx);
    }
    mac_name_ = TimeloopMacName(arch_);
    if (arch_.static_power_mw > 0.0) {
      Refuse("static_power_mw",
             fmt::format("expected 0, got {} mW; Timeloop's leakage is not exported", Number(arch_.static_power_mw)));
    }
    if (arch_.mac.fill_latency_cycles > 0) {
      Refuse("pe_array.fill_latency_cycles",
             fmt::format("expected 0, got {}; Timeloop has no pipeline fill latency", arch_.mac.fill_latency_cycles));
    }
  }

  void CheckOneLoopPerDim(int level_idx) {
    const mapping::LevelMapping& level = mapping_.level(level_idx);
    const std::string& name = arch_.levels[level_idx].name;
    const auto check = [&](const char* kind, const auto& loops) {
      std::set<int> dims;
      for (const auto& loop : loops) {
        if (loop.factor > 1 && !dims.insert(loop.dim).second) {
          Refuse("mapping." + name, fmt::format("expected one {} loop of '{}' on level '{}', got several; Timeloop's "
                                                "factors hold one per dim and level",
                                                kind, problem_.dim_name(loop.dim), name));
        }
      }
    };
    check("temporal", level.temporal());
    check("spatial", level.spatial());
  }

  // Tensors in the importer's order: the input, the weight, the output.
  std::vector<int> TensorOrder() const {
    std::vector<int> order;
    for (const workload::TensorRole role :
         {workload::TensorRole::kInput, workload::TensorRole::kWeight, workload::TensorRole::kOutput}) {
      for (int tensor = 0; tensor < static_cast<int>(op_.tensors.size()); ++tensor) {
        if (op_.tensors[tensor].role == role) order.push_back(tensor);
      }
    }
    return order;
  }

  std::string Arch() const {
    std::string out = "architecture:\n  version: '0.4'\n  subtree:\n";
    out += fmt::format("  - name: {}\n    attributes:\n      version: '0.4'\n      technology: none\n", kSubtree);
    // The clock is carried for Timeloop's reports; loopfront's figures are in cycles.
    const double cycle_seconds = arch_.clock_ghz ? 1e-9 / *arch_.clock_ghz : 1e-9;
    out += fmt::format("      global_cycle_seconds: {}\n    local:\n", Real(cycle_seconds));
    for (int level_idx = 0; level_idx < arch_.num_levels(); ++level_idx) {
      const arch::StorageLevel& level = arch_.levels[level_idx];
      // Honest double buffering is Timeloop's multiple_buffering: 2 (half the capacity per tile,
      // transfers overlapping the compute); single buffering was refused in Check().
      const double multiple_buffering = problem_.level(level_idx).buffering != 0 ? 2.0 : level.multiple_buffering;
      out += fmt::format("    - name: {}\n      class: {}\n      attributes:\n", Ranged(level.name, level.instances),
                         level.capacity_words ? "SRAM" : "DRAM");
      out += fmt::format("        datawidth: {0}\n        word_bits: {0}\n", level.word_bits);
      out += fmt::format("        block_size: {}\n        width: {}\n", level.vector_words,
                         level.vector_words * level.word_bits);
      out += fmt::format("        cluster_size: 1\n        multiple_buffering: {}\n", Number(multiple_buffering));
      out += fmt::format("        meshX: {}\n        meshY: {}\n", level.mesh_x, level.mesh_y);
      if (level.capacity_words) out += fmt::format("        depth: {}\n", *level.capacity_words / level.vector_words);
      const std::pair<const char*, const std::optional<double>*> bandwidths[] = {
          {"read_bandwidth", &level.read_bandwidth_words_per_cycle},
          {"write_bandwidth", &level.write_bandwidth_words_per_cycle},
          {"shared_bandwidth", &level.shared_bandwidth_words_per_cycle}};
      for (const auto& [key, bandwidth] : bandwidths) {
        if (*bandwidth) out += fmt::format("        {}: {}\n", key, Number(**bandwidth));
      }
    }
    out += fmt::format("    - name: {}\n      class: intmac\n      attributes:\n        meshX: {}\n        meshY: {}\n",
                       Ranged(mac_name_, arch_.mac.instances), arch_.mac.mesh_x, arch_.mac.mesh_y);
    return out;
  }

  std::string ProblemYaml() const {
    std::string out = "problem:\n  version: '0.4'\n  shape:\n";
    out += fmt::format("    name: {}\n    dimensions:\n", Scalar(op_.name));
    for (const workload::Dim& dim : op_.dims) out += fmt::format("    - {}\n", dim.name);
    out += "    data_spaces:\n";
    for (const int tensor_idx : TensorOrder()) {
      const workload::Tensor& tensor = op_.tensors[tensor_idx];
      out += fmt::format("    - name: {}\n      projection:\n", tensor.name);
      for (const int dim : tensor.dims) out += fmt::format("      - - - {}\n", op_.dims[dim].name);
      if (tensor.role == workload::TensorRole::kOutput) out += "      read_write: true\n";
    }
    out += "  instance:\n";
    for (const workload::Dim& dim : op_.dims) out += fmt::format("    {}: {}\n", dim.name, dim.size);
    return out;
  }

  // Timeloop's permutation text: one-letter dims run together ("KMN"), longer names separated by
  // spaces (which the importer reads too).
  std::string Permutation(const std::vector<int>& dims) const {
    bool one_letter = true;
    std::vector<std::string> names;
    for (const int dim : dims) {
      names.emplace_back(problem_.dim_name(dim));
      one_letter = one_letter && names.back().size() == 1;
    }
    return util::Join(names, one_letter ? "" : " ");
  }

  std::string Factors(const std::map<int, std::int64_t>& factors) const {
    std::vector<std::string> terms;
    for (int dim = 0; dim < problem_.num_dims(); ++dim) {
      const auto found = factors.find(dim);
      terms.push_back(fmt::format("{}={}", problem_.dim_name(dim), found == factors.end() ? 1 : found->second));
    }
    return util::Join(terms, " ");
  }

  // `dims` followed by every other dim in op order (factor 1, so their place does not matter).
  std::vector<int> Complete(std::vector<int> dims) const {
    for (int dim = 0; dim < problem_.num_dims(); ++dim) {
      if (std::find(dims.begin(), dims.end(), dim) == dims.end()) dims.push_back(dim);
    }
    return dims;
  }

  std::string Map() const {
    std::string out = "mapping:\n";
    const std::vector<int> order = TensorOrder();
    for (int level_idx = 0; level_idx < arch_.num_levels(); ++level_idx) {
      const mapping::LevelMapping& level = mapping_.level(level_idx);
      std::vector<std::string> keep;
      std::vector<std::string> bypass;
      for (const int tensor : order) (level.Keeps(tensor) ? keep : bypass).push_back(op_.tensors[tensor].name);
      out += fmt::format("- target: {}\n  type: datatype\n", arch_.levels[level_idx].name);
      for (const auto& [key, list] : {std::pair{"keep", &keep}, std::pair{"bypass", &bypass}}) {
        if (list->empty()) {
          out += fmt::format("  {}: []\n", key);
        } else {
          out += fmt::format("  {}:\n", key);
          for (const std::string& name : *list) out += fmt::format("  - {}\n", name);
        }
      }
    }
    for (int level_idx = 0; level_idx < arch_.num_levels(); ++level_idx) {
      const mapping::LevelMapping& level = mapping_.level(level_idx);
      const std::string& name = arch_.levels[level_idx].name;
      std::map<int, std::int64_t> factors;
      std::vector<int> innermost_first;
      const auto temporal = level.temporal();
      for (auto loop = temporal.rbegin(); loop != temporal.rend(); ++loop) {
        if (loop->factor == 1) continue;
        factors[loop->dim] = loop->factor;
        innermost_first.push_back(loop->dim);
      }
      out += fmt::format("- target: {}\n  type: temporal\n  factors: {}\n  permutation: {}\n", name, Factors(factors),
                         Permutation(Complete(innermost_first)));
      factors.clear();
      std::vector<int> x_dims;
      std::vector<int> y_dims;
      for (const mapping::SpatialLoop& loop : level.spatial()) {
        if (loop.factor == 1) continue;
        factors[loop.dim] = loop.factor;
        (loop.axis == mapping::Axis::kX ? x_dims : y_dims).push_back(loop.dim);
      }
      if (factors.empty()) continue;
      // The first `split` dims of the permutation go along x, the rest along y.
      std::vector<int> dims = x_dims;
      dims.insert(dims.end(), y_dims.begin(), y_dims.end());
      out += fmt::format("- target: {}\n  type: spatial\n  factors: {}\n  permutation: {}\n  split: {}\n", name,
                         Factors(factors), Permutation(Complete(dims)), x_dims.size());
    }
    return out;
  }

  std::string Ert() const {
    std::string out = "ERT:\n  version: '0.4'\n  tables:\n";
    const auto action = [](const char* name, double energy_pj) {
      return fmt::format("    - name: {}\n      arguments: {{}}\n      energy: {}\n", name, Real(energy_pj));
    };
    for (const arch::StorageLevel& level : arch_.levels) {
      out += fmt::format("  - name: {}.{}\n    actions:\n", kSubtree, Ranged(level.name, level.instances));
      out += action("read", level.energy_per_access.read_pj);
      out += action("write", level.energy_per_access.write_pj);
      out += action("update", level.energy_per_access.update_pj);
      out += action("leak", 0.0);
    }
    out += fmt::format("  - name: {}.{}\n    actions:\n", kSubtree, Ranged(mac_name_, arch_.mac.instances));
    out += action("compute", arch_.mac.energy_pj_per_mac);
    out += action("leak", 0.0);
    return out;
  }

  std::string Art() const {
    std::string out = "ART:\n  version: '0.4'\n  tables:\n";
    for (const arch::StorageLevel& level : arch_.levels) {
      out += fmt::format("  - name: {}.{}\n    area: {}\n", kSubtree, Ranged(level.name, level.instances),
                         Real(level.area_um2));
    }
    out += fmt::format("  - name: {}.{}\n    area: {}\n", kSubtree, Ranged(mac_name_, arch_.mac.instances),
                       Real(arch_.mac.area_um2));
    return out;
  }

  const mapping::Problem& problem_;
  const mapping::Mapping& mapping_;
  const arch::Architecture& arch_;
  const workload::Op& op_;
  std::string mac_name_ = "mac";
  std::vector<util::Diagnostic> errors_;
};

}  // namespace

std::string TimeloopMacName(const arch::Architecture& architecture) {
  for (const char* candidate : {"mac", "mac_array", "pe_mac"}) {
    const bool taken = std::any_of(architecture.levels.begin(), architecture.levels.end(),
                                   [&](const arch::StorageLevel& level) { return level.name == candidate; });
    if (!taken) return candidate;
  }
  return "mac";
}

std::string AccelergyActionCounts(const mapping::Problem& problem, const cost::Cost& cost) {
  const arch::Architecture& architecture = problem.arch();
  if (!cost.feasible || !problem.op().IsContraction() || cost.num_levels != problem.num_levels()) {
    throw util::InternalError("AccelergyActionCounts: expected the feasible cost of a contraction on this problem");
  }
  // Accelergy prices an entry as Σ counts × the ERT energy of its action, without scaling a
  // ranged name by its instances, so the counts are totals over the utilized instances. A storage
  // action moves one block (block_size words): the counts are whole physical accesses, rounded up
  // per tensor, action and instance as the cost model charges them (rule 8 of
  // shared/validation/README.md).
  std::string out = "action_counts:\n  version: 0.4\n  local:\n";
  const auto action = [](const char* name, std::int64_t counts) {
    return fmt::format("    - name: {}\n      counts: {}\n", name, counts);
  };
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const arch::StorageLevel& level = architecture.levels[level_idx];
    const auto blocks = [&](std::int64_t words) { return (words + level.vector_words - 1) / level.vector_words; };
    std::int64_t reads = 0;
    std::int64_t writes = 0;
    std::int64_t updates = 0;
    for (int tensor = 0; tensor < cost.num_tensors; ++tensor) {
      const cost::TensorLevelCost& record = cost.levels[level_idx].tensors[tensor];
      if (!record.kept) continue;
      reads += blocks(record.reads) * record.instances;
      writes += blocks(record.fills) * record.instances;
      updates += blocks(record.updates) * record.instances;
    }
    out += fmt::format("  - name: {}.{}\n    action_counts:\n", kSubtree, Ranged(level.name, level.instances));
    out += action("read", reads) + action("write", writes) + action("update", updates);
  }
  out += fmt::format("  - name: {}.{}\n    action_counts:\n", kSubtree,
                     Ranged(TimeloopMacName(architecture), architecture.mac.instances));
  out += action("compute", cost.padded_macs);
  return out;
}

TimeloopFiles ExportTimeloop(const mapping::Problem& problem, const mapping::Mapping& mapping) {
  return Exporter(problem, mapping).Run();
}

}  // namespace loopfront::report
