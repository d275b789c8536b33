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

}  // namespace

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
