#include "loopfront/cost/reference_case.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "loopfront/io/input.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::cost {
namespace {

using Json = nlohmann::ordered_json;

// Reads typed values out of a parsed JSON document, collecting one diagnostic per problem with
// the key path (e.g. `arch.levels[2].vector_words`) so that a file's errors are reported together.
class JsonReader {
 public:
  JsonReader(std::string file, util::Diagnostics& diagnostics) : file_(std::move(file)), diagnostics_(diagnostics) {}

  void Error(const std::string& path, const std::string& message) {
    diagnostics_.Add(util::Diagnostic{.file = file_, .line = 0, .column = 0, .path = path, .message = message});
  }

  static std::string Describe(const Json& value) {
    std::string text = value.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return fmt::format("{} {}", value.type_name(), text);
  }

  const Json* Member(const Json& object, const std::string& key, const std::string& path) {
    if (!object.is_object()) return nullptr;  // reported by whoever expected an object
    const auto found = object.find(key);
    if (found == object.end()) {
      Error(path.empty() ? key : path + "." + key, "expected this key, got nothing");
      return nullptr;
    }
    return &*found;
  }

  const Json* Object(const Json& object, const std::string& key, const std::string& path) {
    const Json* value = Member(object, key, path);
    if (value != nullptr && !value->is_object()) {
      Error(Join(path, key), fmt::format("expected an object, got {}", Describe(*value)));
      return nullptr;
    }
    return value;
  }

  const Json* Array(const Json& object, const std::string& key, const std::string& path) {
    const Json* value = Member(object, key, path);
    if (value != nullptr && !value->is_array()) {
      Error(Join(path, key), fmt::format("expected an array, got {}", Describe(*value)));
      return nullptr;
    }
    return value;
  }

  std::optional<std::string> String(const Json& value, const std::string& path) {
    if (!value.is_string()) {
      Error(path, fmt::format("expected a string, got {}", Describe(value)));
      return std::nullopt;
    }
    return value.get<std::string>();
  }

  std::optional<std::string> String(const Json& object, const std::string& key, const std::string& path) {
    const Json* value = Member(object, key, path);
    return value != nullptr ? String(*value, Join(path, key)) : std::nullopt;
  }

  // A JSON integer (or a float with an integral value, as some writers emit `2.0`) ≥ min_value.
  std::optional<std::int64_t> Int(const Json& value, const std::string& path, std::int64_t min_value) {
    std::optional<std::int64_t> result;
    if (value.is_number_integer()) {
      result = value.get<std::int64_t>();
    } else if (value.is_number_float()) {
      const double number = value.get<double>();
      if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9.0e15) {
        result = static_cast<std::int64_t>(number);
      }
    }
    if (!result) {
      Error(path, fmt::format("expected an integer, got {}", Describe(value)));
      return std::nullopt;
    }
    if (*result < min_value) {
      Error(path, fmt::format("expected an integer ≥ {}, got {}", min_value, *result));
      return std::nullopt;
    }
    return result;
  }

  std::optional<std::int64_t> Int(const Json& object, const std::string& key, const std::string& path,
                                  std::int64_t min_value) {
    const Json* value = Member(object, key, path);
    return value != nullptr ? Int(*value, Join(path, key), min_value) : std::nullopt;
  }

  std::optional<double> Number(const Json& value, const std::string& path) {
    if (!value.is_number()) {
      Error(path, fmt::format("expected a number, got {}", Describe(value)));
      return std::nullopt;
    }
    return value.get<double>();
  }

  std::optional<double> Number(const Json& object, const std::string& key, const std::string& path) {
    const Json* value = Member(object, key, path);
    return value != nullptr ? Number(*value, Join(path, key)) : std::nullopt;
  }

  // A key that must be present and is either null or a positive number. Returns false on error.
  bool NullablePositive(const Json& object, const std::string& key, const std::string& path,
                        std::optional<double>& out) {
    const Json* value = Member(object, key, path);
    if (value == nullptr) return false;
    if (value->is_null()) {
      out.reset();
      return true;
    }
    const std::optional<double> number = Number(*value, Join(path, key));
    if (!number) return false;
    if (!(*number > 0.0)) {
      Error(Join(path, key), fmt::format("expected a positive number or null, got {}", *number));
      return false;
    }
    out = number;
    return true;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string file_;
  util::Diagnostics& diagnostics_;
};

// 1-based line and column of a byte offset, for JSON syntax errors.
std::pair<int, int> LineColumn(const std::string& text, std::size_t byte) {
  int line = 1;
  int column = 1;
  for (std::size_t index = 0; index < std::min(byte, text.size()); ++index) {
    if (text[index] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::optional<workload::TensorRole> RoleFromString(const std::string& text) {
  if (text == "input") return workload::TensorRole::kInput;
  if (text == "weight") return workload::TensorRole::kWeight;
  if (text == "output") return workload::TensorRole::kOutput;
  return std::nullopt;
}

workload::Op ReadProblem(const Json& root, const std::string& case_name, JsonReader& reader) {
  workload::Op op;
  op.name = case_name;
  op.kind = workload::OpKind::kContraction;
  const Json* problem = reader.Object(root, "problem", "");
  if (problem == nullptr) return op;
  if (const Json* dims = reader.Object(*problem, "dims", "problem"); dims != nullptr) {
    for (const auto& [name, size] : dims->items()) {
      const std::optional<std::int64_t> value = reader.Int(size, "problem.dims." + name, 1);
      op.dims.push_back(workload::Dim{.name = name, .size = value.value_or(1)});
    }
    if (op.dims.empty()) reader.Error("problem.dims", "expected at least one dim, got none");
  }
  // Named coefficients of affine indices (convolutions): positive integers.
  std::map<std::string, std::int64_t> coefficients;
  if (problem->contains("coefficients")) {
    if (const Json* values = reader.Object(*problem, "coefficients", "problem"); values != nullptr) {
      for (const auto& [name, value] : values->items()) {
        coefficients[name] = reader.Int(value, "problem.coefficients." + name, 1).value_or(1);
      }
    }
  }
  const Json* tensors = reader.Array(*problem, "tensors", "problem");
  if (tensors == nullptr) return op;
  for (std::size_t index = 0; index < tensors->size(); ++index) {
    const Json& spec = (*tensors)[index];
    const std::string path = fmt::format("problem.tensors[{}]", index);
    if (!spec.is_object()) {
      reader.Error(path, fmt::format("expected an object, got {}", JsonReader::Describe(spec)));
      continue;
    }
    workload::Tensor tensor;
    tensor.name = reader.String(spec, "name", path).value_or("");
    if (const std::optional<std::string> role = reader.String(spec, "role", path)) {
      if (const auto parsed = RoleFromString(*role)) {
        tensor.role = *parsed;
      } else {
        reader.Error(path + ".role", fmt::format("expected input, weight or output, got '{}'{}", *role,
                                                 util::DidYouMeanHint(*role, {"input", "weight", "output"})));
      }
    }
    // A dim name, resolved against problem.dims; nullopt after reporting.
    const auto dim_of = [&](const Json& value, const std::string& dim_path) -> std::optional<int> {
      const std::optional<std::string> dim_name = reader.String(value, dim_path);
      if (!dim_name) return std::nullopt;
      const auto found = std::find_if(op.dims.begin(), op.dims.end(),
                                      [&](const workload::Dim& dim) { return dim.name == *dim_name; });
      if (found == op.dims.end()) {
        std::vector<std::string> names;
        for (const workload::Dim& dim : op.dims) names.push_back(dim.name);
        reader.Error(dim_path, fmt::format("expected one of the problem's dims ({}), got '{}'{}", util::Join(names, ", "),
                                           *dim_name, util::DidYouMeanHint(*dim_name, names)));
        return std::nullopt;
      }
      return static_cast<int>(found - op.dims.begin());
    };
    if (const Json* dims = reader.Array(spec, "dims", path); dims != nullptr) {
      std::vector<std::vector<workload::IndexTerm>> indices;
      bool affine = false;
      for (std::size_t dim_index = 0; dim_index < dims->size(); ++dim_index) {
        const std::string dim_path = fmt::format("{}.dims[{}]", path, dim_index);
        const Json& entry = (*dims)[dim_index];
        std::vector<workload::IndexTerm> index;
        if (!entry.is_array()) {
          if (const std::optional<int> dim = dim_of(entry, dim_path)) index.push_back({.dim = *dim});
        } else {
          // An affine index (validation README, "Tensor indices"): terms [dim] or [dim, coefficient].
          affine = true;
          if (entry.empty()) reader.Error(dim_path, "expected at least one term [dim] or [dim, coefficient], got []");
          for (std::size_t term_index = 0; term_index < entry.size(); ++term_index) {
            const std::string term_path = fmt::format("{}[{}]", dim_path, term_index);
            const Json& term = entry[term_index];
            if (!term.is_array() || term.empty() || term.size() > 2) {
              reader.Error(term_path,
                           fmt::format("expected [dim] or [dim, coefficient], got {}", JsonReader::Describe(term)));
              continue;
            }
            const std::optional<int> dim = dim_of(term[0], term_path + "[0]");
            if (!dim) continue;
            workload::IndexTerm parsed{.dim = *dim};
            if (term.size() == 2) {
              const std::optional<std::string> name = reader.String(term[1], term_path + "[1]");
              if (!name) continue;
              const auto value = coefficients.find(*name);
              if (value == coefficients.end()) {
                reader.Error(term_path + "[1]", fmt::format("expected a name in problem.coefficients, got '{}'", *name));
                continue;
              }
              parsed.coefficient = value->second;
              parsed.coefficient_name = *name;
            }
            index.push_back(std::move(parsed));
          }
        }
        for (const workload::IndexTerm& term : index) tensor.dims.push_back(term.dim);
        indices.push_back(std::move(index));
      }
      if (affine) tensor.affine_indices = std::move(indices);
    }
    op.tensors.push_back(std::move(tensor));
  }
  const auto outputs = std::count_if(op.tensors.begin(), op.tensors.end(), [](const workload::Tensor& tensor) {
    return tensor.role == workload::TensorRole::kOutput;
  });
  if (outputs != 1) reader.Error("problem.tensors", fmt::format("expected exactly one output tensor, got {}", outputs));
  return op;
}

arch::Architecture ReadArchitecture(const Json& root, const std::string& case_name, JsonReader& reader) {
  arch::Architecture architecture;
  architecture.name = case_name;
  const Json* arch_json = reader.Object(root, "arch", "");
  if (arch_json == nullptr) return architecture;
  if (const Json* levels = reader.Array(*arch_json, "levels", "arch"); levels != nullptr) {
    for (std::size_t index = 0; index < levels->size(); ++index) {
      const Json& spec = (*levels)[index];
      const std::string path = fmt::format("arch.levels[{}]", index);
      if (!spec.is_object()) {
        reader.Error(path, fmt::format("expected an object, got {}", JsonReader::Describe(spec)));
        continue;
      }
      arch::StorageLevel level;
      level.name = reader.String(spec, "name", path).value_or("");
      level.instances = reader.Int(spec, "instances", path, 1).value_or(1);
      level.mesh_x = reader.Int(spec, "mesh_x", path, 1).value_or(1);
      level.mesh_y = reader.Int(spec, "mesh_y", path, 1).value_or(1);
      if (const Json* capacity = reader.Member(spec, "capacity_words", path);
          capacity != nullptr && !capacity->is_null()) {
        level.capacity_words = reader.Int(*capacity, path + ".capacity_words", 1);
      }
      level.word_bits = static_cast<int>(reader.Int(spec, "word_bits", path, 1).value_or(8));
      level.vector_words = reader.Int(spec, "vector_words", path, 1).value_or(1);
      reader.NullablePositive(spec, "read_bandwidth_words_per_cycle", path, level.read_bandwidth_words_per_cycle);
      reader.NullablePositive(spec, "write_bandwidth_words_per_cycle", path, level.write_bandwidth_words_per_cycle);
      reader.NullablePositive(spec, "shared_bandwidth_words_per_cycle", path, level.shared_bandwidth_words_per_cycle);
      if (const std::optional<double> buffering = reader.Number(spec, "multiple_buffering", path)) {
        if (*buffering >= 1.0) {
          level.multiple_buffering = *buffering;
        } else {
          reader.Error(path + ".multiple_buffering", fmt::format("expected a number ≥ 1, got {}", *buffering));
        }
      }
      if (const Json* energy = reader.Object(spec, "energy_pj_per_vector_access", path); energy != nullptr) {
        const std::string energy_path = path + ".energy_pj_per_vector_access";
        level.energy_per_access.read_pj = reader.Number(*energy, "read", energy_path).value_or(0.0);
        level.energy_per_access.write_pj = reader.Number(*energy, "write", energy_path).value_or(0.0);
        level.energy_per_access.update_pj = reader.Number(*energy, "update", energy_path).value_or(0.0);
      }
      architecture.levels.push_back(std::move(level));
    }
  }
  if (const Json* mac = reader.Object(*arch_json, "mac", "arch"); mac != nullptr) {
    architecture.mac.instances = reader.Int(*mac, "instances", "arch.mac", 1).value_or(1);
    architecture.mac.mesh_x = reader.Int(*mac, "mesh_x", "arch.mac", 1).value_or(1);
    architecture.mac.mesh_y = reader.Int(*mac, "mesh_y", "arch.mac", 1).value_or(1);
    architecture.mac.energy_pj_per_mac = reader.Number(*mac, "energy_pj", "arch.mac").value_or(0.0);
  }
  return architecture;
}

// Reads `[dim, factor]` or `[dim, factor, axis]`. Returns false (after reporting) on errors.
bool ReadLoop(const Json& loop, const std::string& path, bool spatial, const mapping::Problem& problem,
              JsonReader& reader, int& dim, std::int64_t& factor, mapping::Axis& axis) {
  const std::size_t expected_size = spatial ? 3 : 2;
  if (!loop.is_array() || loop.size() != expected_size) {
    reader.Error(path, fmt::format("expected {}, got {}", spatial ? "[dim, factor, \"x\"|\"y\"]" : "[dim, factor]",
                                   JsonReader::Describe(loop)));
    return false;
  }
  const std::optional<std::string> dim_name = reader.String(loop[0], path + "[0]");
  const std::optional<std::int64_t> value = reader.Int(loop[1], path + "[1]", 1);
  if (!dim_name || !value) return false;
  dim = problem.DimIndex(*dim_name);
  if (dim < 0) {
    std::vector<std::string> names;
    for (int index = 0; index < problem.num_dims(); ++index) names.emplace_back(problem.dim_name(index));
    reader.Error(path + "[0]", fmt::format("expected one of the problem's dims ({}), got '{}'{}",
                                           util::Join(names, ", "), *dim_name, util::DidYouMeanHint(*dim_name, names)));
    return false;
  }
  if (*value > std::numeric_limits<std::int32_t>::max()) {
    reader.Error(path + "[1]", fmt::format("expected a factor below 2^31, got {}", *value));
    return false;
  }
  factor = *value;
  if (spatial) {
    const std::optional<std::string> axis_name = reader.String(loop[2], path + "[2]");
    if (!axis_name) return false;
    if (*axis_name != "x" && *axis_name != "y") {
      reader.Error(path + "[2]", fmt::format("expected \"x\" or \"y\", got '{}'", *axis_name));
      return false;
    }
    axis = *axis_name == "x" ? mapping::Axis::kX : mapping::Axis::kY;
  }
  return true;
}

mapping::Mapping ReadMapping(const Json& root, const mapping::Problem& problem, JsonReader& reader) {
  mapping::Mapping result(problem.num_levels());
  const Json* levels = reader.Array(root, "mapping", "");
  if (levels == nullptr) return result;
  if (static_cast<int>(levels->size()) != problem.num_levels()) {
    reader.Error("mapping", fmt::format("expected one entry per storage level ({}), got {}", problem.num_levels(),
                                        levels->size()));
    return result;
  }
  for (int level_idx = 0; level_idx < problem.num_levels(); ++level_idx) {
    const Json& spec = (*levels)[static_cast<std::size_t>(level_idx)];
    const std::string path = fmt::format("mapping[{}]", level_idx);
    if (!spec.is_object()) {
      reader.Error(path, fmt::format("expected an object, got {}", JsonReader::Describe(spec)));
      continue;
    }
    if (const std::optional<std::string> name = reader.String(spec, "level", path);
        name && *name != problem.level_name(level_idx)) {
      reader.Error(path + ".level", fmt::format("expected '{}' (the same order as arch.levels), got '{}'",
                                                problem.level_name(level_idx), *name));
    }
    mapping::LevelMapping& level = result.level(level_idx);
    if (const Json* keeps = reader.Array(spec, "keeps", path); keeps != nullptr) {
      for (std::size_t index = 0; index < keeps->size(); ++index) {
        const std::string keep_path = fmt::format("{}.keeps[{}]", path, index);
        const std::optional<std::string> tensor_name = reader.String((*keeps)[index], keep_path);
        if (!tensor_name) continue;
        const int tensor = problem.TensorIndex(*tensor_name);
        if (tensor < 0) {
          reader.Error(keep_path, fmt::format("expected a tensor of the problem, got '{}'", *tensor_name));
          continue;
        }
        level.SetKeep(tensor, true);
      }
    }
    for (const bool spatial : {false, true}) {
      const char* key = spatial ? "spatial" : "temporal";
      const Json* loops = reader.Array(spec, key, path);
      if (loops == nullptr) continue;
      const std::size_t limit = spatial ? mapping::kMaxSpatialLoopsPerLevel : mapping::kMaxTemporalLoopsPerLevel;
      if (loops->size() > limit) {
        reader.Error(fmt::format("{}.{}", path, key),
                     fmt::format("expected at most {} loops, got {}", limit, loops->size()));
        continue;
      }
      for (std::size_t index = 0; index < loops->size(); ++index) {
        int dim = 0;
        std::int64_t factor = 1;
        mapping::Axis axis = mapping::Axis::kX;
        if (!ReadLoop((*loops)[index], fmt::format("{}.{}[{}]", path, key, index), spatial, problem, reader, dim,
                      factor, axis)) {
          continue;
        }
        if (spatial) {
          level.AddSpatial(dim, factor, axis);
        } else {
          level.AddTemporal(dim, factor);
        }
      }
    }
  }
  return result;
}

ExpectedResults ReadExpected(const Json& root, JsonReader& reader) {
  ExpectedResults expected;
  const Json* json = reader.Object(root, "expected", "");
  if (json == nullptr) return expected;
  const std::string path = "expected";
  expected.macs = reader.Int(*json, "macs", path, 0).value_or(0);
  expected.cycles = reader.Int(*json, "cycles", path, 0).value_or(0);
  expected.energy_pj = reader.Number(*json, "energy_pj", path).value_or(0.0);
  expected.utilization = reader.Number(*json, "utilization", path).value_or(0.0);
  expected.mac_energy_pj = reader.Number(*json, "mac_energy_pj", path).value_or(0.0);
  expected.mac_utilized_instances = reader.Int(*json, "mac_utilized_instances", path, 0).value_or(0);
  if (const Json* levels = reader.Object(*json, "levels", path); levels != nullptr) {
    for (const auto& [level_name, tensors] : levels->items()) {
      const std::string level_path = "expected.levels." + level_name;
      if (!tensors.is_object()) {
        reader.Error(level_path, fmt::format("expected an object, got {}", JsonReader::Describe(tensors)));
        continue;
      }
      for (const auto& [tensor_name, record_json] : tensors.items()) {
        const std::string record_path = level_path + "." + tensor_name;
        if (!record_json.is_object()) {
          reader.Error(record_path, fmt::format("expected an object, got {}", JsonReader::Describe(record_json)));
          continue;
        }
        ExpectedTensorRecord record;
        record.level = level_name;
        record.tensor = tensor_name;
        record.reads = reader.Int(record_json, "reads", record_path, 0).value_or(0);
        record.fills = reader.Int(record_json, "fills", record_path, 0).value_or(0);
        record.updates = reader.Int(record_json, "updates", record_path, 0).value_or(0);
        record.tile_words = reader.Int(record_json, "tile_words", record_path, 0).value_or(0);
        record.utilized_instances = reader.Int(record_json, "utilized_instances", record_path, 0).value_or(0);
        record.energy_pj = reader.Number(record_json, "energy_pj", record_path).value_or(0.0);
        if (const Json* per_instance = reader.Object(record_json, "per_instance", record_path);
            per_instance != nullptr) {
          const std::string per_path = record_path + ".per_instance";
          record.per_instance_reads = reader.Int(*per_instance, "reads", per_path, 0).value_or(0);
          record.per_instance_fills = reader.Int(*per_instance, "fills", per_path, 0).value_or(0);
          record.per_instance_updates = reader.Int(*per_instance, "updates", per_path, 0).value_or(0);
          record.per_instance_energy_pj = reader.Number(*per_instance, "energy_pj", per_path).value_or(0.0);
        }
        expected.records.push_back(std::move(record));
      }
    }
  }
  if (const Json* cycles = reader.Object(*json, "level_cycles", path); cycles != nullptr) {
    for (const auto& [level_name, value] : cycles->items()) {
      expected.level_cycles.emplace_back(level_name,
                                         reader.Int(value, "expected.level_cycles." + level_name, 0).value_or(0));
    }
  }
  if (const auto links = json->find("link_transfers"); links != json->end()) {
    if (!links->is_object()) {
      reader.Error("expected.link_transfers", fmt::format("expected an object, got {}", JsonReader::Describe(*links)));
    } else {
      for (const auto& [level_name, tensors] : links->items()) {
        if (!tensors.is_object()) {
          reader.Error("expected.link_transfers." + level_name,
                       fmt::format("expected an object, got {}", JsonReader::Describe(tensors)));
          continue;
        }
        for (const auto& [tensor_name, words] : tensors.items()) {
          expected.link_transfers.push_back(ExpectedLinkTransfers{
              .level = level_name,
              .tensor = tensor_name,
              .words = reader.Int(words, "expected.link_transfers." + level_name + "." + tensor_name, 0).value_or(0)});
        }
      }
    }
  }
  return expected;
}

}  // namespace

ReferenceCase LoadReferenceCase(const std::filesystem::path& file) {
  const std::string file_name = file.string();
  const std::string text = io::ReadInputFileOrThrow(file, "reference case (JSON file)");
  {
    // Nesting and numbers are checked before nlohmann reads them: the readers below recurse,
    // and 1e999 would become inf.
    util::Diagnostics problems;
    if (!io::CheckJsonText(text, file_name, problems)) problems.ThrowIfAny();
  }
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& error) {
    const auto [line, column] = LineColumn(text, error.byte > 0 ? error.byte - 1 : 0);
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at line…";
    // keep only its explanation after the last ": ".
    std::string reason = error.what();
    if (const std::size_t colon = reason.rfind(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    throw util::ConfigError({util::Diagnostic{.file = file_name,
                                              .line = line,
                                              .column = column,
                                              .path = "",
                                              .message = "expected valid JSON, got a syntax error: " + reason}});
  }
  util::Diagnostics diagnostics;
  JsonReader reader(file_name, diagnostics);
  if (!root.is_object()) {
    reader.Error("", fmt::format("expected a JSON object (a reference case), got {}", JsonReader::Describe(root)));
    diagnostics.ThrowIfAny();
  }
  ReferenceCase result;
  result.file = file_name;
  result.name = reader.String(root, "name", "").value_or(file.stem().string());
  if (const auto notes = root.find("notes"); notes != root.end() && notes->is_string()) result.notes = *notes;
  result.op = ReadProblem(root, result.name, reader);
  result.arch = ReadArchitecture(root, result.name, reader);
  result.expected = ReadExpected(root, reader);
  diagnostics.ThrowIfAny();
  // The mapping's names resolve against the compiled problem, so it is read last.
  try {
    result.problem = mapping::Problem::Build(result.op, result.arch);
  } catch (const util::ConfigError& error) {
    for (util::Diagnostic diagnostic : error.diagnostics()) {
      diagnostic.file = file_name;
      diagnostics.Add(std::move(diagnostic));
    }
    diagnostics.ThrowIfAny();
  }
  result.mapping = ReadMapping(root, result.problem, reader);
  diagnostics.ThrowIfAny();
  return result;
}

namespace {

std::vector<std::filesystem::path> YamlFilesOf(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The folder's own name, also for "case/" and "." (whose path has no usable file name).
std::filesystem::path NamedFolder(const std::filesystem::path& folder) {
  std::filesystem::path normal = folder.lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();
  if (normal.empty() || normal.filename() == "." || normal.filename() == "..") {
    normal = std::filesystem::absolute(normal).lexically_normal();
    if (!normal.has_filename()) normal = normal.parent_path();
  }
  return normal;
}

}  // namespace

bool IsTimeloopInputFolder(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error) && !YamlFilesOf(path).empty();
}

std::vector<std::filesystem::path> DefaultTimeloopExpectedDirs(const std::filesystem::path& folder) {
  const std::filesystem::path inputs = NamedFolder(folder).parent_path();
  const std::filesystem::path validation = inputs.has_parent_path() ? inputs.parent_path() : std::filesystem::path();
  return {validation / "timeloop", validation / "timeloop-more"};
}

ReferenceCase LoadTimeloopReferenceCase(const std::filesystem::path& folder,
                                        const std::vector<std::filesystem::path>& expected_dirs) {
  const std::string name = NamedFolder(folder).filename().string();
  std::vector<std::string> looked_for;
  std::optional<std::filesystem::path> expected_file;
  for (const std::filesystem::path& dir : expected_dirs) {
    const std::filesystem::path candidate = dir / (name + ".json");
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) {
      expected_file = candidate;
      break;
    }
    looked_for.push_back(candidate.string());
  }
  if (!expected_file) {
    throw util::ConfigError({util::Diagnostic{
        .file = folder.string(),
        .line = 0,
        .column = 0,
        .path = "",
        .message = fmt::format("expected the figures of Timeloop case '{}' in {}, found no such file (give the "
                               "folders that hold them with --expected)",
                               name, fmt::join(looked_for, " or "))}});
  }
  ReferenceCase result = LoadReferenceCase(*expected_file);
  result.file = folder.string();
  result.name = name;
  timeloop::ImportedDesign design = timeloop::ImportTimeloop(YamlFilesOf(folder));
  result.op = std::move(design.op);
  result.arch = std::move(design.architecture);
  result.problem = std::move(design.problem);
  result.mapping = std::move(design.mapping);
  return result;
}

std::vector<std::filesystem::path> ExpandReferenceCasePaths(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> cases;
  util::Diagnostics diagnostics;
  for (const std::filesystem::path& path : paths) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::vector<std::filesystem::path> json_files;
      std::vector<std::filesystem::path> timeloop_folders;
      if (IsTimeloopInputFolder(path)) timeloop_folders.push_back(path);
      for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") json_files.push_back(entry.path());
        if (entry.is_directory() && IsTimeloopInputFolder(entry.path())) timeloop_folders.push_back(entry.path());
      }
      if (json_files.empty() && timeloop_folders.empty()) {
        diagnostics.Add(util::Diagnostic{.file = path.string(),
                                         .line = 0,
                                         .column = 0,
                                         .path = "",
                                         .message = "expected a folder with *.json reference cases or Timeloop input "
                                                    "folders (of *.yaml files), found none"});
      }
      std::sort(json_files.begin(), json_files.end());
      std::sort(timeloop_folders.begin(), timeloop_folders.end());
      cases.insert(cases.end(), json_files.begin(), json_files.end());
      cases.insert(cases.end(), timeloop_folders.begin(), timeloop_folders.end());
    } else if (std::filesystem::is_regular_file(path, error)) {
      cases.push_back(path);
    } else {
      // Not a folder nor a regular file: say which (a FIFO, a device, a symlink loop, nothing).
      const io::InputText input = io::ReadInputFile(path);
      diagnostics.Add(util::Diagnostic{
          .file = path.string(),
          .message = input.ok() || !std::filesystem::exists(std::filesystem::symlink_status(path))
                         ? "expected a reference-case file or folder, got a path that does not exist"
                         : "expected a reference-case file or folder, got " + input.problem});
    }
  }
  diagnostics.ThrowIfAny();
  return cases;
}

}  // namespace loopfront::cost
