#include "loopfront/report/timeloop_import.h"

#include <fmt/format.h>

#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::report {
namespace {

// Appends `  # comment` to the first line of `text` (after its first line) that equals `line`.
void CommentLine(std::string& text, const std::string& line, const std::string& comment) {
  const std::size_t at = text.find("\n" + line + "\n");
  if (at == std::string::npos) throw util::InternalError(fmt::format("no line '{}' to comment", line));
  text.insert(at + 1 + line.size(), "  # " + comment);
}

std::string FileList(const timeloop::ImportedDesign& design) { return util::Join(design.files, " "); }

std::string OpListYaml(const timeloop::ImportedDesign& design) {
  const workload::Op& op = design.op;
  std::string out = fmt::format("# Imported by `loopfront import timeloop` from {}\n", FileList(design));
  out += fmt::format(
      "# The op: {}; the read_write data space is the output, the first other one the input, the "
      "second the weight\n",
      design.problem_source.ToString());
  out += fmt::format("name: {}\nops:\n  - name: {}\n    kind: contraction\n", op.name, op.name);
  std::vector<std::string> dims;
  for (const workload::Dim& dim : op.dims) dims.push_back(fmt::format("{}: {}", dim.name, dim.size));
  out += fmt::format("    dims: {{{}}}  # problem.instance\n    tensors:\n", util::Join(dims, ", "));
  for (const workload::Tensor& tensor : op.tensors) {
    std::vector<std::string> names;
    for (const int dim : tensor.dims) names.push_back(op.dims[static_cast<std::size_t>(dim)].name);
    out += fmt::format("      - {{name: {}, role: {}, dims: [{}]}}\n", tensor.name, workload::ToString(tensor.role),
                       util::Join(names, ", "));
  }
  return out;
}

std::string Where(const util::Diagnostic& where) {
  return fmt::format("{}:{}:{}", where.file, where.line, where.column);
}

std::string BoundText(const mapping::FactorBound& bound) {
  if (bound.max > 0 && bound.min == bound.max) return std::to_string(bound.min);
  if (bound.max == 0) return fmt::format("{{min: {}}}", bound.min);
  if (bound.min <= 1) return fmt::format("{{max: {}}}", bound.max);
  return fmt::format("{{min: {}, max: {}}}", bound.min, bound.max);
}

std::string NameList(const std::vector<mapping::Positioned<std::string>>& names) {
  std::vector<std::string> values;
  for (const auto& name : names) values.push_back(name.value);
  return "[" + util::Join(values, ", ") + "]";
}

}  // namespace

std::string ConstraintsSpecToYaml(const mapping::ConstraintsSpec& spec, const std::string& header) {
  std::string out;
  for (const std::string& line : util::Split(header, '\n')) out += "# " + line + "\n";
  out += "levels:\n";
  for (const mapping::LevelConstraintsSpec& level : spec.levels) {
    out += fmt::format("  {}:  # {}\n", level.level.value, Where(level.level.where));
    for (int kind = 0; kind < mapping::kNumFactorKinds; ++kind) {
      std::vector<std::string> lines;
      auto add = [&](const mapping::Positioned<std::string>& dim, const std::string& text) {
        lines.push_back(fmt::format("      {}: {}  # {}\n", dim.value, text, Where(dim.where)));
      };
      if (kind == 0) {
        for (const auto& [dim, factor] : level.temporal) add(dim, std::to_string(factor));
      } else if (kind <= mapping::kNumAxes) {
        for (const auto& [dim, factor] : level.spatial[kind - 1]) add(dim, std::to_string(factor));
      }
      for (const mapping::FactorBoundSpec& bound : level.bounds[kind]) add(bound.dim, BoundText(bound.bound));
      for (const auto& dim : level.remainder[kind]) add(dim, "rest");
      if (lines.empty()) continue;
      out += fmt::format("    {}:\n", mapping::ToString(static_cast<mapping::FactorKind>(kind)));
      for (const std::string& line : lines) out += line;
    }
    if (!level.spatial_axes.empty()) {
      out += "    spatial_axes:\n";
      for (const auto& [dim, axis] : level.spatial_axes) {
        out += fmt::format("      {}: {}  # {}\n", dim.value, mapping::ToString(axis), Where(dim.where));
      }
    }
    const std::pair<const char*, const std::vector<mapping::Positioned<std::string>>*> lists[] = {
        {"order", &level.order},
        {"order_inner", &level.order_inner},
        {"keeps", level.keeps ? &*level.keeps : nullptr},
        {"must_keep", level.must_keep ? &*level.must_keep : nullptr},
        {"bypass", level.bypass ? &*level.bypass : nullptr}};
    for (const auto& [key, names] : lists) {
      if (names == nullptr || (names->empty() && std::string(key).starts_with("order"))) continue;
      out += fmt::format("    {}: {}", key, NameList(*names));
      out += names->empty() ? "\n" : fmt::format("  # {}\n", Where(names->front().where));
    }
    if (level.buffering) {
      out += fmt::format("    buffering: {}  # {}\n", level.buffering->value, Where(level.buffering->where));
    }
  }
  return out;
}

ImportedFiles ImportedDesignToYaml(const timeloop::ImportedDesign& design) {
  ImportedFiles files;
  files.arch_yaml = arch::ArchitectureToYaml(
      design.architecture, fmt::format("Imported by `loopfront import timeloop` from {}", FileList(design)));
  for (std::size_t level_idx = 0; level_idx < design.architecture.levels.size(); ++level_idx) {
    const timeloop::Source& area = design.level_area_sources[level_idx];
    CommentLine(files.arch_yaml, fmt::format("    - name: {}", design.architecture.levels[level_idx].name),
                fmt::format("{}; energies: {}{}", design.level_sources[level_idx].ToString(),
                            design.level_energy_sources[level_idx].ToString(),
                            area.file.empty() ? "" : "; area_um2: " + area.ToString()));
  }
  const std::string pe_array_prefix = "  pe_array: ";
  const std::size_t pe_array = files.arch_yaml.find("\n" + pe_array_prefix);
  if (pe_array == std::string::npos) throw util::InternalError("no pe_array line to comment");
  const std::size_t end = files.arch_yaml.find('\n', pe_array + 1);
  files.arch_yaml.insert(
      end,
      fmt::format("  # {}; energy: {}{}", design.mac_source.ToString(), design.mac_energy_source.ToString(),
                  design.mac_area_source.file.empty() ? "" : "; mac_area_um2: " + design.mac_area_source.ToString()));

  files.workload_yaml = OpListYaml(design);
  if (!design.constraints.empty()) {
    files.constraints_yaml = ConstraintsSpecToYaml(
        design.constraints,
        fmt::format("Imported by `loopfront import timeloop` from {}\nLoopfront constraints (docs/search.md, "
                    "\"Constraints\") of the Timeloop constraints; each value names the file:line:col it came from",
                    FileList(design)));
  }
  if (!design.has_mapping) return files;

  mapping::MappingFileHeader header;
  header.arch = kImportedArchFile;
  header.workload = kImportedWorkloadFile;
  header.op_name = design.op.name;
  files.mapping_yaml = fmt::format("# Imported by `loopfront import timeloop` from {}\n", FileList(design)) +
                       mapping::MappingToYaml(design.mapping, design.problem, header);
  for (int level_idx = 0; level_idx < design.mapping.num_levels(); ++level_idx) {
    std::vector<std::string> sources;
    for (const timeloop::Source& source : design.mapping_sources[static_cast<std::size_t>(level_idx)]) {
      sources.push_back(source.ToString());
    }
    CommentLine(files.mapping_yaml, fmt::format("  - level: {}", design.problem.level_name(level_idx)),
                sources.empty() ? "no Timeloop mapping entry: no loops, keeps every tensor"
                                : "from " + util::Join(sources, ", "));
  }
  return files;
}

}  // namespace loopfront::report
