#include "loopfront/report/timeloop_folder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <system_error>

#include "loopfront/io/output.h"
#include "loopfront/mapping/check.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"

namespace loopfront::report {
namespace {

// A folder under the temp directory for this process and call (threads and tests run exports
// concurrently), removed when the holder goes out of scope.
class ScratchFolder {
 public:
  explicit ScratchFolder(const char* purpose) {
    static std::atomic<std::uint64_t> counter{0};
    path_ = std::filesystem::temp_directory_path() / fmt::format("loopfront_{}_{}_{}", purpose, ::getpid(), counter++);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

bool SameFigures(std::int64_t cycles_a, double energy_a, std::int64_t cycles_b, double energy_b) {
  return cycles_a == cycles_b && std::fabs(energy_a - energy_b) <= 1e-9 * std::max(1.0, std::fabs(energy_a));
}

// `dir` without a trailing separator, so that its filename is the folder's own name.
std::filesystem::path Normalized(const std::filesystem::path& dir) {
  std::filesystem::path normal = dir.lexically_normal();
  if (normal.filename().empty() && normal.has_parent_path()) normal = normal.parent_path();
  return normal;
}

}  // namespace

CheckedTimeloopExport ExportTimeloopChecked(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                            const cost::CostModel& model, const std::string& what) {
  CheckedTimeloopExport exported;
  exported.cost = model.Evaluate(problem, mapping);
  if (!exported.cost.feasible) {
    throw util::ConfigError(
        {util::Diagnostic{.file = what,
                          .path = "mapping",
                          .message = fmt::format("the {} cost model cannot evaluate this mapping: {}", model.name(),
                                                 mapping::Describe(exported.cost.check, problem))}});
  }
  exported.files = ExportTimeloop(problem, mapping);
  exported.action_counts_yaml = AccelergyActionCounts(problem, exported.cost);

  // Read the five Timeloop files back (action_counts.yaml is Accelergy's, not a design input).
  const ScratchFolder scratch("export");
  std::vector<std::filesystem::path> written;
  for (const auto& [name, content] : TimeloopFolderFiles(exported)) {
    if (name == kAccelergyActionCountsFile) continue;
    io::WriteFileAtomically(scratch.path() / name, content);
    written.push_back(scratch.path() / name);
  }
  const timeloop::ImportedDesign design = timeloop::ImportTimeloop(written);
  const cost::Cost read_back = model.Evaluate(design.problem, design.mapping);
  if (!read_back.feasible) {
    throw util::ConfigError({util::Diagnostic{
        .file = what,
        .path = "mapping",
        .message = fmt::format("expected the Timeloop export to read back to a feasible mapping, got: {}; the mapping "
                               "is not exported",
                               mapping::Describe(read_back.check, design.problem))}});
  }
  if (!SameFigures(exported.cost.cycles, exported.cost.energy_pj, read_back.cycles, read_back.energy_pj)) {
    throw util::ConfigError(fmt::format(
        "expected the Timeloop export to keep the figures ({} cycles, {} pJ), got {} cycles, {} pJ when read back; "
        "Timeloop's idealization (multiple_buffering, its double-precision cycles) differs from this architecture's "
        "honest buffering here, so the mapping is not exported",
        exported.cost.cycles, exported.cost.energy_pj, read_back.cycles, read_back.energy_pj));
  }
  return exported;
}

std::vector<std::pair<std::string, std::string>> TimeloopFolderFiles(const CheckedTimeloopExport& exported) {
  return {{kTimeloopArchFile, exported.files.arch_yaml}, {kTimeloopProblemFile, exported.files.problem_yaml},
          {kTimeloopMapFile, exported.files.map_yaml},   {kTimeloopErtFile, exported.files.ert_yaml},
          {kTimeloopArtFile, exported.files.art_yaml},   {kAccelergyActionCountsFile, exported.action_counts_yaml}};
}

std::vector<std::filesystem::path> WriteTimeloopFolder(const std::filesystem::path& dir,
                                                       const CheckedTimeloopExport& exported) {
  std::vector<std::filesystem::path> paths;
  for (const auto& [name, content] : TimeloopFolderFiles(exported)) {
    io::WriteFileAtomically(dir / name, content);
    paths.push_back(dir / name);
  }
  return paths;
}

std::string FrontPointFolderName(std::size_t point, std::size_t points) {
  const std::size_t digits = std::max<std::size_t>(3, fmt::format("{}", points > 0 ? points - 1 : 0).size());
  return fmt::format("point_{:0{}}", point, digits);
}

void CheckFrontExportTarget(const std::filesystem::path& dir, const std::string& option) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(dir, error);
  if (!std::filesystem::exists(status)) return;
  if (!std::filesystem::is_directory(status)) {
    throw util::ConfigError({util::Diagnostic{
        .path = option,
        .message =
            fmt::format("expected a folder that does not exist yet or is empty, got the file '{}'", dir.string())}});
  }
  if (!std::filesystem::is_empty(dir, error) || error) {
    throw util::ConfigError({util::Diagnostic{
        .path = option,
        .message = fmt::format("expected a folder that does not exist yet or is empty, got '{}', which is not empty; "
                               "remove it or choose another (an export never mixes with an earlier one)",
                               dir.string())}});
  }
}

std::vector<std::filesystem::path> ExportFrontToTimeloop(const std::filesystem::path& dir,
                                                         const mapping::Problem& problem,
                                                         const pareto::Front<mapping::Mapping>& front,
                                                         const cost::CostModel& model, const std::string& front_csv) {
  const std::filesystem::path target = Normalized(dir);
  CheckFrontExportTarget(target, "--export-timeloop");
  const auto& points = front.points();
  if (points.empty()) throw util::InternalError("ExportFrontToTimeloop: expected a front with points");

  // Every point first: nothing is written unless all of them export and read back. A reason
  // shared by several points (a vector op, a single-buffered level) is given once, naming them all.
  std::vector<CheckedTimeloopExport> exports;
  std::vector<std::pair<util::Diagnostic, std::vector<std::size_t>>> reasons;
  const auto refuse = [&](std::size_t point, const util::Diagnostic& diagnostic) {
    for (auto& [reason, reason_points] : reasons) {
      if (reason.file == diagnostic.file && reason.path == diagnostic.path && reason.message == diagnostic.message) {
        reason_points.push_back(point);
        return;
      }
    }
    reasons.push_back({diagnostic, {point}});
  };
  for (std::size_t point = 0; point < points.size(); ++point) {
    try {
      CheckedTimeloopExport exported = ExportTimeloopChecked(problem, points[point].payload, model, "");
      // The front's objectives must be the figures the files reproduce (the search's cost model).
      if (!SameFigures(static_cast<std::int64_t>(points[point].objectives.latency_cycles),
                       points[point].objectives.energy_pj, exported.cost.cycles, exported.cost.energy_pj)) {
        refuse(point, util::Diagnostic{.message = fmt::format(
                                           "expected the front's figures ({} cycles, {} pJ) to be the {} model's, "
                                           "got {} cycles, {} pJ; export a front searched with the {} cost model",
                                           points[point].objectives.latency_cycles, points[point].objectives.energy_pj,
                                           model.name(), exported.cost.cycles, exported.cost.energy_pj, model.name())});
        continue;
      }
      exports.push_back(std::move(exported));
    } catch (const util::ConfigError& error) {
      for (const util::Diagnostic& diagnostic : error.diagnostics()) refuse(point, diagnostic);
    }
  }
  if (!reasons.empty()) {
    std::vector<util::Diagnostic> diagnostics;
    for (auto& [reason, reason_points] : reasons) {
      std::vector<std::string> numbers;
      for (const std::size_t point : reason_points) numbers.push_back(fmt::format("{}", point));
      const std::string which =
          fmt::format("front point{} {}", reason_points.size() > 1 ? "s" : "", fmt::join(numbers, ", "));
      reason.path = reason.path.empty() ? which : which + ": " + reason.path;
      diagnostics.push_back(std::move(reason));
    }
    throw util::ConfigError(std::move(diagnostics));
  }

  // Then the whole folder under a temporary name beside the target, renamed to it at the end.
  const std::filesystem::path partial =
      target.parent_path() / fmt::format(".{}.partial.{}", target.filename().string(), ::getpid());
  std::error_code ignored;
  std::filesystem::remove_all(partial, ignored);
  std::vector<std::filesystem::path> folders;
  try {
    for (std::size_t point = 0; point < exports.size(); ++point) {
      const std::string name = FrontPointFolderName(point, exports.size());
      WriteTimeloopFolder(partial / name, exports[point]);
      folders.push_back(target / name);
    }
    io::WriteFileAtomically(partial / "front.csv", front_csv);
    CheckFrontExportTarget(target, "--export-timeloop");
    std::filesystem::remove(target, ignored);  // an empty folder, or nothing
    std::error_code error;
    std::filesystem::rename(partial, target, error);
    if (error) {
      throw util::ConfigError(
          {util::Diagnostic{.file = target.string(),
                            .message = fmt::format("expected a writable output location, got: {}", error.message())}});
    }
  } catch (...) {
    std::filesystem::remove_all(partial, ignored);
    throw;
  }
  return folders;
}

}  // namespace loopfront::report
