#include "loopfront/mapping/loader.h"

#include <fmt/format.h>

#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/io/output.h"
#include "loopfront/io/presets.h"
#include "loopfront/mapping/check.h"
#include "loopfront/util/strings.h"
#include "loopfront/workload/hf_config.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/op_spec.h"

namespace loopfront::mapping {
namespace {

using io::YamlMap;
using io::YamlValue;

const std::vector<std::string> kDocumentKeys = {"arch", "op", "workload", "op_name", std::string(kMappingKey)};
const std::vector<std::string> kLevelKeys = {"level", "buffering", "keeps", "temporal", "spatial"};

// Records every diagnostic of `error` at `at` (they come from a loader that has no file position
// for a value embedded in this file).
void ReportAt(const YamlValue& at, const util::ConfigError& error) {
  for (const util::Diagnostic& diagnostic : error.diagnostics()) {
    if (!diagnostic.file.empty()) {
      at.diagnostics().Add(diagnostic);  // positioned in another file (e.g. the architecture's)
    } else {
      at.Error(diagnostic.path.empty() ? diagnostic.message : diagnostic.path + ": " + diagnostic.message);
    }
  }
}

std::vector<std::string> Names(int count, const auto& name_of) {
  std::vector<std::string> names;
  for (int index = 0; index < count; ++index) names.emplace_back(name_of(index));
  return names;
}

// Where each level entry and its keys are, to position the CheckMapping violation.
struct LevelNodes {
  std::optional<YamlValue> entry;
  std::optional<YamlValue> buffering;
  std::optional<YamlValue> keeps;
  std::optional<YamlValue> spatial;
};

class MappingReader {
 public:
  MappingReader(const YamlValue& value, const Problem& problem) : value_(value), problem_(problem) {}

  // nullopt when there were problems (recorded in the value's diagnostics).
  std::optional<Mapping> Read() {
    const std::size_t errors_before = value_.diagnostics().size();
    Mapping mapping(problem_.num_levels());
    if (value_.IsScalar()) {
      try {
        mapping = ParseMapping(value_.Text(), problem_);
      } catch (const util::ConfigError& error) {
        // ParseMapping positions its errors by column within the string.
        for (const util::Diagnostic& diagnostic : error.diagnostics()) {
          value_.Error(
              fmt::format("{} (at character {} of the one-line mapping)", diagnostic.message, diagnostic.column));
        }
        return std::nullopt;
      }
      nodes_.assign(problem_.num_levels(), LevelNodes{});
    } else {
      ReadLevels(mapping);
    }
    if (value_.diagnostics().size() != errors_before) return std::nullopt;
    const CheckResult check = CheckMapping(mapping, problem_);
    if (!check.ok()) {
      PositionOf(check).Error(fmt::format("expected a valid mapping, got one where {}", Describe(check, problem_)));
      return std::nullopt;
    }
    return mapping;
  }

 private:
  void ReadLevels(Mapping& mapping) {
    const std::optional<std::vector<YamlValue>> items = value_.AsList();
    if (!items) return;
    const std::vector<std::string> level_names = problem_.arch().LevelNames();
    nodes_.assign(problem_.num_levels(), LevelNodes{});
    int expected_level = 0;
    for (const YamlValue& item : *items) {
      const std::optional<YamlMap> map = item.AsMap(kLevelKeys);
      if (!map) return;
      const std::optional<YamlValue> level_value = map->Require("level", "the storage level's name");
      if (!level_value) return;
      const std::optional<std::string> name = level_value->AsString();
      if (!name) return;
      const int level_idx = problem_.LevelIndex(*name);
      if (level_idx < 0) {
        level_value->ErrorExpected(fmt::format("a storage level of architecture '{}' ({})", problem_.arch().name,
                                               util::Join(level_names, ", ")),
                                   util::DidYouMeanHint(*name, level_names));
        return;
      }
      if (level_idx != expected_level) {
        level_value->ErrorExpected(
            expected_level < problem_.num_levels()
                ? fmt::format("level '{}' (every level once, outermost first: {})", level_names[expected_level],
                              util::Join(level_names, ", "))
                : fmt::format("no more levels (every level once, outermost first: {})", util::Join(level_names, ", ")));
        return;
      }
      LevelNodes& nodes = nodes_[level_idx];
      nodes.entry = item;
      LevelMapping& level = mapping.level(level_idx);
      level.SetKeeps(problem_.level(level_idx).may_keep);
      level.SetDoubleBuffered(DefaultDoubleBuffered(problem_.level(level_idx)));
      nodes.buffering = map->Get("buffering");
      if (nodes.buffering) {
        if (const std::optional<std::string> buffering = nodes.buffering->AsChoice({"single", "double"})) {
          level.SetDoubleBuffered(*buffering == "double");
        }
      }
      nodes.keeps = map->Get("keeps");
      if (nodes.keeps) ReadKeeps(*nodes.keeps, level);
      if (const std::optional<YamlValue> temporal = map->Get("temporal")) ReadTemporal(*temporal, level);
      nodes.spatial = map->Get("spatial");
      if (nodes.spatial) ReadSpatial(*nodes.spatial, level);
      ++expected_level;
    }
    if (expected_level < problem_.num_levels()) {
      std::vector<std::string> missing(level_names.begin() + expected_level, level_names.end());
      value_.Error(fmt::format("expected one entry per storage level ({}), got {}; missing: {}",
                               util::Join(level_names, ", "), expected_level, util::Join(missing, ", ")));
    }
  }

  void ReadKeeps(const YamlValue& value, LevelMapping& level) const {
    const std::optional<std::vector<YamlValue>> items = value.AsList();
    if (!items) return;
    const std::vector<std::string> names =
        Names(problem_.num_tensors(), [&](int tensor) { return std::string(problem_.tensor_name(tensor)); });
    TensorMask keeps = 0;
    for (const YamlValue& item : *items) {
      const std::optional<std::string> name = item.AsChoice(names);
      if (!name) continue;
      const int tensor = problem_.TensorIndex(*name);
      if ((keeps >> tensor) & 1u) item.ErrorExpected("each tensor once");
      keeps = static_cast<TensorMask>(keeps | (1u << tensor));
    }
    level.SetKeeps(keeps);
  }

  std::optional<int> ReadDim(const YamlValue& value) const {
    const std::vector<std::string> names =
        Names(problem_.num_dims(), [&](int dim) { return std::string(problem_.dim_name(dim)); });
    const std::optional<std::string> name = value.AsChoice(names);
    if (!name) return std::nullopt;
    return problem_.DimIndex(*name);
  }

  static std::optional<std::int64_t> ReadFactor(const YamlValue& value) {
    const std::optional<std::int64_t> factor = value.AsPositiveInt();
    if (factor && *factor > std::numeric_limits<std::int32_t>::max()) {
      value.ErrorExpected("a factor below 2^31");
      return std::nullopt;
    }
    return factor;
  }

  void ReadTemporal(const YamlValue& value, LevelMapping& level) const {
    const std::optional<std::vector<YamlValue>> loops = value.AsList();
    if (!loops) return;
    for (const YamlValue& loop : *loops) {
      const std::optional<std::vector<YamlValue>> parts = loop.AsList();
      if (!parts) continue;
      if (parts->size() != 2) {
        loop.ErrorExpected("a temporal loop [dim, factor]");
        continue;
      }
      const std::optional<int> dim = ReadDim((*parts)[0]);
      const std::optional<std::int64_t> factor = ReadFactor((*parts)[1]);
      if (!dim || !factor) continue;
      if (static_cast<int>(level.temporal().size()) >= kMaxTemporalLoopsPerLevel) {
        loop.ErrorExpected(fmt::format("at most {} temporal loops per level", kMaxTemporalLoopsPerLevel));
        return;
      }
      level.AddTemporal(*dim, *factor);
    }
  }

  void ReadSpatial(const YamlValue& value, LevelMapping& level) const {
    const std::optional<std::vector<YamlValue>> loops = value.AsList();
    if (!loops) return;
    for (const YamlValue& loop : *loops) {
      const std::optional<std::vector<YamlValue>> parts = loop.AsList();
      if (!parts) continue;
      if (parts->size() != 3) {
        loop.ErrorExpected("a spatial loop [dim, factor, axis] with axis x or y");
        continue;
      }
      const std::optional<int> dim = ReadDim((*parts)[0]);
      const std::optional<std::int64_t> factor = ReadFactor((*parts)[1]);
      const std::optional<std::string> axis = (*parts)[2].AsChoice({"x", "y"});
      if (!dim || !factor || !axis) continue;
      if (static_cast<int>(level.spatial().size()) >= kMaxSpatialLoopsPerLevel) {
        loop.ErrorExpected(fmt::format("at most {} spatial loops per level", kMaxSpatialLoopsPerLevel));
        return;
      }
      level.AddSpatial(*dim, *factor, *axis == "x" ? Axis::kX : Axis::kY);
    }
  }

  // The node to report a violation at: the key of the level entry to fix, else the mapping.
  const YamlValue& PositionOf(const CheckResult& check) const {
    const LevelNodes* nodes =
        check.level >= 0 && check.level < static_cast<int>(nodes_.size()) ? &nodes_[check.level] : nullptr;
    auto first = [&](std::initializer_list<const std::optional<YamlValue>*> candidates) -> const YamlValue& {
      for (const std::optional<YamlValue>* candidate : candidates) {
        if (*candidate) return **candidate;
      }
      return value_;
    };
    switch (check.violation) {
      case Violation::kFanoutExceeded:
      case Violation::kSpatialDimNotAllowed:
        return nodes ? first({&nodes->spatial, &nodes->entry}) : value_;
      case Violation::kTensorNotAllowed:
      case Violation::kRequiredTensorBypassed:
        return nodes ? first({&nodes->keeps, &nodes->entry}) : value_;
      case Violation::kTensorNotAtOutermost:
      case Violation::kOnChipTensorAtOutermost:
        return nodes_.empty() ? value_ : first({&nodes_[0].keeps, &nodes_[0].entry});
      case Violation::kBufferingNotOffered:
        return nodes ? first({&nodes->buffering, &nodes->entry}) : value_;
      case Violation::kCapacityExceeded:
        return nodes ? first({&nodes->entry}) : value_;
      default:
        return value_;
    }
  }

  const YamlValue& value_;
  const Problem& problem_;
  std::vector<LevelNodes> nodes_;
};

// Checks the shape of the mapping entries without a problem (validate without arch / op).
void CheckShape(const YamlValue& value) {
  if (value.IsScalar()) {
    value.AsString();
    return;
  }
  const std::optional<std::vector<YamlValue>> items = value.AsList();
  if (!items) return;
  if (items->empty()) value.ErrorExpected("one entry per storage level");
  for (const YamlValue& item : *items) {
    const std::optional<YamlMap> map = item.AsMap(kLevelKeys);
    if (!map) continue;
    if (const std::optional<YamlValue> level = map->Require("level", "the storage level's name")) level->AsString();
    if (const std::optional<YamlValue> buffering = map->Get("buffering")) buffering->AsChoice({"single", "double"});
    if (const std::optional<YamlValue> keeps = map->Get("keeps")) {
      if (const std::optional<std::vector<YamlValue>> names = keeps->AsList()) {
        for (const YamlValue& name : *names) name.AsString();
      }
    }
    for (const char* key : {"temporal", "spatial"}) {
      const std::optional<YamlValue> loops = map->Get(key);
      if (!loops) continue;
      const std::optional<std::vector<YamlValue>> list = loops->AsList();
      if (!list) continue;
      const std::size_t arity = std::string_view(key) == "temporal" ? 2 : 3;
      for (const YamlValue& loop : *list) {
        const std::optional<std::vector<YamlValue>> parts = loop.AsList();
        if (!parts) continue;
        if (parts->size() != arity) {
          loop.ErrorExpected(arity == 2 ? "a temporal loop [dim, factor]" : "a spatial loop [dim, factor, axis]");
          continue;
        }
        (*parts)[0].AsString();
        (*parts)[1].AsPositiveInt();
        if (arity == 3) (*parts)[2].AsChoice({"x", "y"});
      }
    }
  }
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (const char character : text) {
    if (character == '"' || character == '\\') out += '\\';
    out += character;
  }
  return out + "\"";
}

}  // namespace

MappingFile MappingFile::Load(const std::filesystem::path& path) {
  MappingFile file;
  file.diagnostics_ = std::make_unique<util::Diagnostics>();
  file.document_ = std::make_unique<io::YamlDocument>(io::YamlDocument::LoadFile(path.string(), *file.diagnostics_));
  file.base_dir_ = path.parent_path();
  file.diagnostics_->ThrowIfAny();
  file.ReadHeader();
  return file;
}

MappingFile MappingFile::FromString(const std::string& text, const std::string& name,
                                    const std::filesystem::path& base_dir) {
  MappingFile file;
  file.diagnostics_ = std::make_unique<util::Diagnostics>();
  file.document_ = std::make_unique<io::YamlDocument>(io::YamlDocument::LoadString(text, name, *file.diagnostics_));
  file.base_dir_ = base_dir;
  file.diagnostics_->ThrowIfAny();
  file.ReadHeader();
  return file;
}

void MappingFile::ReadHeader() {
  util::Diagnostics& diagnostics = *diagnostics_;
  const YamlValue root = document_->root();
  if (const std::optional<YamlMap> map = root.AsMap(kDocumentKeys)) {
    auto read = [&](const char* key, std::optional<std::string>& out) {
      if (const std::optional<YamlValue> value = map->Get(key)) out = value->AsString();
    };
    read("arch", header_.arch);
    read("op", header_.op);
    read("workload", header_.workload);
    read("op_name", header_.op_name);
    if (header_.op && (map->Has("workload") || map->Has("op_name"))) {
      map->Get(map->Has("workload") ? "workload" : "op_name")
          ->Error("expected either op or workload + op_name, got both");
    } else if (map->Has("workload") != map->Has("op_name")) {
      map->self().Error("expected workload and op_name together, got only one of them");
    }
    if (const std::optional<YamlValue> body = map->Require(std::string(kMappingKey), "one entry per storage level")) {
      CheckShape(*body);
    }
  }
  diagnostics.ThrowIfAny();
}

std::string MappingFile::ResolveRelative(const std::string& name_or_path) const {
  // `hf:PATH` (a Hugging Face config) names a file too: PATH is relative to this file.
  if (name_or_path.starts_with(workload::kHfPrefix)) {
    const std::filesystem::path path(name_or_path.substr(workload::kHfPrefix.size()));
    if (path.is_relative() && !base_dir_.empty()) return std::string(workload::kHfPrefix) + (base_dir_ / path).string();
    return name_or_path;
  }
  if (io::LooksLikePath(name_or_path) && std::filesystem::path(name_or_path).is_relative() && !base_dir_.empty()) {
    return (base_dir_ / name_or_path).string();
  }
  return name_or_path;
}

std::optional<Problem> MappingFile::HeaderProblem() const {
  if (!header_.NamesProblem()) return std::nullopt;
  const YamlMap map = *document_->root().AsOpenMap();
  std::optional<arch::Architecture> architecture;
  std::optional<workload::Op> op;
  const YamlValue arch_value = *map.Get("arch");
  try {
    architecture = arch::LoadArchitecture(ResolveRelative(*header_.arch));
  } catch (const util::ConfigError& error) {
    ReportAt(arch_value, error);
  }
  if (header_.op) {
    const YamlValue op_value = *map.Get("op");
    try {
      op = workload::ParseOpSpec(*header_.op, "");
    } catch (const util::ConfigError& error) {
      ReportAt(op_value, error);
    }
  } else {
    const YamlValue workload_value = *map.Get("workload");
    const YamlValue op_name_value = *map.Get("op_name");
    try {
      const workload::Workload loaded = workload::LoadWorkload(ResolveRelative(*header_.workload));
      if (const std::optional<workload::OpId> id = loaded.FindOp(*header_.op_name)) {
        op = loaded.op(*id);
      } else {
        std::vector<std::string> names;
        for (const workload::Op& candidate : loaded.ops()) names.push_back(candidate.name);
        op_name_value.ErrorExpected(fmt::format("an op of workload '{}' ({})", loaded.name(), util::Join(names, ", ")),
                                    util::DidYouMeanHint(*header_.op_name, names));
      }
    } catch (const util::ConfigError& error) {
      ReportAt(workload_value, error);
    }
  }
  diagnostics_->ThrowIfAny();
  try {
    return Problem::Build(*op, *architecture);
  } catch (const util::ConfigError& error) {
    ReportAt(arch_value, error);
  }
  diagnostics_->ThrowIfAny();
  return std::nullopt;
}

Mapping MappingFile::Read(const Problem& problem) const {
  const YamlMap map = *document_->root().AsOpenMap();
  const std::optional<Mapping> mapping = MappingReader(*map.Get(std::string(kMappingKey)), problem).Read();
  diagnostics_->ThrowIfAny();
  if (!mapping) throw util::InternalError("mapping reader failed without a diagnostic");
  return *mapping;
}

std::string MappingToYaml(const Mapping& mapping, const Problem& problem, const MappingFileHeader& header) {
  std::string out;
  if (header.arch) out += fmt::format("arch: {}\n", Quoted(*header.arch));
  if (header.op) out += fmt::format("op: {}\n", Quoted(*header.op));
  if (header.workload) out += fmt::format("workload: {}\n", Quoted(*header.workload));
  if (header.op_name) out += fmt::format("op_name: {}\n", Quoted(*header.op_name));
  out += "mapping:\n";
  for (int level_idx = 0; level_idx < mapping.num_levels(); ++level_idx) {
    const LevelMapping& level = mapping.level(level_idx);
    std::vector<std::string> keeps;
    for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
      if (level.Keeps(tensor)) keeps.emplace_back(problem.tensor_name(tensor));
    }
    std::vector<std::string> temporal;
    for (const TemporalLoop& loop : level.temporal()) {
      temporal.push_back(fmt::format("[{}, {}]", problem.dim_name(loop.dim), loop.factor));
    }
    std::vector<std::string> spatial;
    for (const SpatialLoop& loop : level.spatial()) {
      spatial.push_back(fmt::format("[{}, {}, {}]", problem.dim_name(loop.dim), loop.factor, ToString(loop.axis)));
    }
    out += fmt::format("  - level: {}\n", problem.level_name(level_idx));
    if (problem.level(level_idx).buffering != 0) {
      out += fmt::format("    buffering: {}\n", level.double_buffered() ? "double" : "single");
    }
    out += fmt::format("    keeps: [{}]\n", util::Join(keeps, ", "));
    out += fmt::format("    temporal: [{}]\n", util::Join(temporal, ", "));
    out += fmt::format("    spatial: [{}]\n", util::Join(spatial, ", "));
  }
  return out;
}

void SaveMapping(const std::filesystem::path& path, const Mapping& mapping, const Problem& problem,
                 const MappingFileHeader& header) {
  io::WriteFileAtomically(path, MappingToYaml(mapping, problem, header));
}

void CheckHeaderAgreement(const Problem& from_file, const arch::Architecture& architecture, const workload::Op& op,
                          const std::string& file, std::string_view arch_source, std::string_view op_source) {
  arch::Architecture file_arch = from_file.arch();
  file_arch.name = architecture.name;
  std::vector<util::Diagnostic> diagnostics;
  if (!(file_arch == architecture)) {
    diagnostics.push_back(util::Diagnostic{
        .file = file,
        .path = "arch",
        .message = fmt::format("expected the architecture {} ('{}'), got a different one ('{}'); drop one of the two",
                               arch_source, architecture.name, from_file.arch().name)});
  }
  workload::Op file_op = from_file.op();
  file_op.name = op.name;
  file_op.count = op.count;
  file_op.op_class = op.op_class;
  if (!(file_op == op)) {
    diagnostics.push_back(util::Diagnostic{
        .file = file,
        .path = "op",
        .message = fmt::format("expected the op {}, got a different one; drop one of the two", op_source)});
  }
  if (!diagnostics.empty()) throw util::ConfigError(std::move(diagnostics));
}

MappingFile LoadMappingArgument(const std::string& mapping_or_path, const std::string& label) {
  const bool one_line =
      !std::filesystem::exists(mapping_or_path) && mapping_or_path.find('[') != std::string::npos;
  if (!one_line) return MappingFile::Load(mapping_or_path);
  return MappingFile::FromString("mapping: " + nlohmann::json(mapping_or_path).dump() + "\n", label);
}

}  // namespace loopfront::mapping
