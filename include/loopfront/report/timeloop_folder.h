// Timeloop exports on disk, each checked before it is written (issue 12, item 2): the folder
// `loopfront export timeloop --output DIR` writes for one mapping, and the folder of folders
// `loopfront search --export-timeloop DIR` writes for a search's Pareto front.
//
// One mapping's folder holds the five files of report/timeloop_export.h (arch.yaml, problem.yaml,
// map.yaml, ERT.yaml, ART.yaml) and Accelergy's action_counts.yaml (AccelergyActionCounts). Before
// anything is written, the five files are read back with timeloop::ImportTimeloop (from a scratch
// folder) and both designs are evaluated with the dataflow model (Timeloop-exact): unless the
// cycles are equal and the energies agree to 1e-9 relative, nothing is written and the export is
// refused — so a written folder always means the figures loopfront reported.
//
// A front's folder holds `point_000/`, `point_001/`, … (as many digits as the largest index
// needs, at least 3, so that they sort): the folder of front point N, N being the `point` column
// of `search --format csv` and the index into `front` of `--format json` (fastest first), and
// `front.csv`, the front exactly as `search --format csv` prints it. Every point is exported and
// checked first (the errors of every point at once, each naming its point); then the whole folder
// is written under a temporary name beside DIR and renamed to DIR, so DIR is either absent or
// complete — never points 0–6 of a front whose point 7 failed. DIR must be absent or empty.
// Thread-safety: pure functions over their own scratch folders.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "loopfront/cost/cost.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/pareto/front.h"
#include "loopfront/report/timeloop_export.h"

namespace loopfront::report {

// One mapping's checked export.
struct CheckedTimeloopExport {
  TimeloopFiles files;
  std::string action_counts_yaml;
  cost::Cost cost;  // `model`'s figures of the mapping, which the files read back to
};

// Evaluates `mapping` with `model` (the dataflow model), exports it (ExportTimeloop,
// AccelergyActionCounts) and checks that the export reads back to the same figures. Throws
// util::ConfigError when the mapping is infeasible (naming `what`, the mapping's source), when
// Timeloop cannot express it, or when the read-back figures differ.
CheckedTimeloopExport ExportTimeloopChecked(const mapping::Problem& problem, const mapping::Mapping& mapping,
                                            const cost::CostModel& model, const std::string& what);

// The six files of a checked export, name and content, in the order they are written.
std::vector<std::pair<std::string, std::string>> TimeloopFolderFiles(const CheckedTimeloopExport& exported);

// Writes the six files into `dir` (each atomically, io::WriteFileAtomically) and returns their paths.
std::vector<std::filesystem::path> WriteTimeloopFolder(const std::filesystem::path& dir,
                                                       const CheckedTimeloopExport& exported);

// "point_007": the folder of front point `point` of a front of `points` points.
std::string FrontPointFolderName(std::size_t point, std::size_t points);

// Throws util::ConfigError (path `option`) unless `dir` is absent or an empty folder. Callers check
// before a long search, so that the search's result is not lost at the end.
void CheckFrontExportTarget(const std::filesystem::path& dir, const std::string& option);

// Exports every point of `front` (a front of mappings of `problem` whose objectives are `model`'s
// figures) into `dir` as described at the top of this file, with `front_csv` as DIR/front.csv.
// Returns the points' folders. Throws util::ConfigError, writing nothing, when a point cannot be
// exported or `dir` is neither absent nor empty.
std::vector<std::filesystem::path> ExportFrontToTimeloop(const std::filesystem::path& dir,
                                                         const mapping::Problem& problem,
                                                         const pareto::Front<mapping::Mapping>& front,
                                                         const cost::CostModel& model, const std::string& front_csv);

}  // namespace loopfront::report
