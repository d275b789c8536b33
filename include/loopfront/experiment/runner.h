// Running an experiment's points and writing its outputs (DESIGN §2.9; docs/experiments.md).
//
// Output directory layout:
//   points/<id>.json  one file per finished point: its resolved configuration, the fused and unfused
//                     fronts with fusion plans, the knee's per-op/group breakdown with mappings,
//                     with `baseline:` the model under the baseline schedule (planner/baseline_model.h:
//                     totals and per-op rows shaped as knee_ops), the candidate fused groups
//                     (report::CandidateGroups), search statistics and timing;
//   summary.csv, fronts.csv, ops.csv, groups.csv   tidy tables REBUILT from every points/*.json
//                     present (so a resumed run, a shard and a merge of shards all go through
//                     RebuildTables);
//   edp_samples.csv   the same, when points sampled random mappings (Experiment::random_mappings);
//   baseline_ops.csv  the same, when some point has a baseline (Experiment::baseline);
//   manifest.json     version, git commit, seed, command line, start/end time, shard, counts.
// Every file is written with io::WriteFileAtomically, so `kill -9` at any moment leaves each file
// either absent, as before, or complete.
//
// CSV columns (report/schemas.h names them once; `loopfront plot` reads them through the same
// schemas): `point_id`, then `model, seq_len, batch, phase, arch, fusion`, then one column per swept
// architecture key present in any point (dots replaced by underscores, sorted by name; empty where
// a point does not sweep it), then per file:
//   summary.csv  knee_latency_cycles, knee_energy_pj, knee_edp_pj_cycles, front_size, evaluations,
//                wall_seconds, and when some point has a baseline (empty cells in the rows of the
//                others, as a swept key's column) baseline_latency_cycles, baseline_energy_pj,
//                baseline_edp_pj_cycles, baseline_speedup (baseline / knee latency),
//                baseline_edp_gain (baseline / knee EDP)         (one row per point)
//   fronts.csv   front (fused|unfused), point (0-based, latency order), latency_cycles, energy_pj,
//                edp_pj_cycles, is_knee (0/1), fusion_plan        (one row per front point)
//   ops.csv      unit, count, latency_cycles, energy_pj, bounding_level, flops, bytes, dram_bytes,
//                arithmetic_intensity, attained_flops_per_cycle, peak_flops_per_cycle,
//                dram_bandwidth_bytes_per_cycle (the fused front's knee, one row per op or fused
//                group; flops and ideal bytes from workload/analysis.h × count; dram_bytes what
//                its mappings move across the outermost level (cost/peaks.h) × count; the peak of the
//                engine that runs the op — 2 × PE-array MACs per cycle, the vector unit's lanes or
//                the host's ops_per_cycle — or a group's engines combined, and the outermost level's
//                bandwidth, both from cost/peaks.h: the roofs of the roofline chart. The point file's
//                knee_ops rows hold them too, the peak null when unknown and the bandwidth null when
//                unlimited; in the CSV an unknown peak is empty and an unlimited bandwidth `inf`. A
//                point file written before these keys existed gives empty cells.), dequantize_cycles,
//                quantize_cycles (planner::BreakdownRow: the part of latency_cycles spent de/quantizing
//                on a floating-point host; 0 elsewhere, and for a point file written before them)
//   baseline_ops.csv  ops.csv's columns, written by the same code, one row per op of each point's
//                model under the baseline (its point file's baseline.ops)
//   groups.csv   group, part, members, rule, feasible (0/1), not_feasible, count,
//                fused_min_latency_cycles, fused_min_latency_energy_pj, fused_knee_latency_cycles,
//                fused_knee_energy_pj, unfused_min_latency_cycles, unfused_min_latency_energy_pj,
//                min_latency_change (one row per candidate fused group of each point with fusion,
//                per execution; report/schemas.h, GroupsSchema; only the header when no point has
//                groups)
//   edp_samples.csv  op, sample (0-based), edp_pj_cycles (per execution), relative_edp (to the best
//                known for the op at that point)             (one row per random valid mapping)
// Rows are ordered by the point's index in its experiment, then id, then row order within a point,
// so the tables of a single run and of merged shards are byte-identical.
//
// Determinism: with an evaluation budget a point's fronts do not depend on the thread count or on
// how many points run concurrently (planner/model_search.h); only timing fields differ.
// Output folders are bound to their experiment (experiment/output_folder.h, docs/experiments.md): a
// point file counts as done, and enters the tables, only when its `binding.point_hash` matches the
// point it is named after; any other file in points/ (another budget, seed, searcher, experiment or
// version; truncated or corrupt) is reported, one line each, and a point whose file is such is run
// again and its file replaced. A directory, FIFO or other non-file at a point's path is never
// opened nor removed: the point fails (exit 2) until the user moves it. `merge` refuses (exit 2,
// nothing written) sources of different experiments, any such file, and a destination inside a
// points/ folder; it builds the merged folder beside the destination and puts it in place at once.
//
// Concurrency: RunExperiment and MergeOutputs lock the output folder (flock; OutputLock): a whole
// run and a merge exclusively, the shards of one experiment shared (they write disjoint point
// files, as before) with one exclusive lock per shard index. A second run on a folder fails at once
// with the folder and the holder's pid. The holder of the exclusive lock removes the temporaries
// a killed run left (`.NAME.tmp.PID.N`, `.DIR.merge.tmp.PID`). MPI: rank 0 alone writes and locks.
//
// Units: cycles, pJ, pJ × cycles, FLOPs, bytes, s. Thread-safety: RunExperiment uses TBB inside.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loopfront/experiment/experiment.h"
#include "loopfront/experiment/output_folder.h"
#include "loopfront/experiment/shard.h"

namespace loopfront::experiment {

// What running one point gave (RunPointOutcome): its result document, why it could not be searched,
// or nothing because a stop was requested while it ran (a search cut short is not a result).
struct PointOutcome {
  enum class Status { kDone, kFailed, kInterrupted };
  Status status = Status::kInterrupted;
  nlohmann::ordered_json document{};  // kDone: what points/<id>.json holds
  std::string failure{};              // kFailed: the ConfigError's diagnostics, "; "-joined
};

// Receives each point's outcome as a scheduler gets it; RunExperiment's recorder writes the point
// file, counts failures and updates the progress. Safe to call from several threads at once.
using PointRecorder = std::function<void(const Point& point, PointOutcome outcome)>;

// Runs `pending` (in any order, stopping early once util::StopRequested()) and hands every outcome to
// `record` before returning.
using PointScheduler = std::function<void(const std::vector<const Point*>& pending, const PointRecorder& record)>;

struct RunOptions {
  std::filesystem::path output;  // the output directory
  int threads = 0;               // 0 = util::DefaultThreadCount()
  Shard shard{};
  bool force = false;     // rerun points whose result file exists
  bool progress = false;  // a live progress line on stderr (the CLI sets it when stderr is a terminal)
  bool verbose = false;   // one line per finished point on stderr
  std::string command_line{};
  // Empty: the points run in this process (TBB across points). The MPI build's rank 0 passes one
  // that hands them to the other ranks (experiment/mpi_runner.h).
  PointScheduler schedule{};
};

struct RunReport {
  std::int64_t points_total = 0;                   // in the experiment
  std::int64_t points_in_shard = 0;                // this shard's
  std::int64_t skipped = 0;                        // already done (resume)
  std::int64_t ran = 0;                            // finished and written now
  std::vector<std::string> failures{};             // "<id>: <reason>" of points that could not be searched
  int stop_signal = 0;                             // SIGINT/SIGTERM that stopped the run, 0 if none
  std::vector<std::string> set_aside{};            // "<path>: <why>" of files in points/ not used (output_folder.h)
  std::vector<std::string> removed_temporaries{};  // stale temporaries removed on start
};

// The path of a point's result file.
std::filesystem::path PointFile(const std::filesystem::path& output, const std::string& id);

// Searches one point and returns its result document (what points/<id>.json holds). `threads` is
// passed to SearchModel. Throws util::ConfigError when an op has no valid mapping in its budget.
nlohmann::ordered_json RunPoint(const Experiment& experiment, const Point& point, int threads);

// RunPoint, with a ConfigError turned into kFailed and a stop requested meanwhile into kInterrupted.
// Other exceptions (our bugs) propagate.
PointOutcome RunPointOutcome(const Experiment& experiment, const Point& point, int threads);

// Runs this shard's points that are not done yet (all of them with `force`), writes each point's
// file as it finishes, then rebuilds the tables and writes the manifest. Stops starting points once
// util::StopRequested(); a point interrupted mid-search is not written.
RunReport RunExperiment(const Experiment& experiment, const std::vector<Point>& points, const RunOptions& options);

// What RebuildTables read and wrote.
struct RebuiltTables {
  std::int64_t points = 0;               // point files read
  std::vector<std::string> files{};      // the tables written, in the order below
  std::vector<std::string> set_aside{};  // "<path>: <why>" of the point files not used
};

// Rebuilds summary.csv, fronts.csv, ops.csv, groups.csv (and edp_samples.csv when sampled,
// baseline_ops.csv with a baseline) of `output` from the files of output/points/*.json that are
// results of `expected`'s points (CheckPointFile); the others are listed in `set_aside`, so the
// tables never mix budgets or experiments.
RebuiltTables RebuildTables(const std::filesystem::path& output, const ExpectedPoints& expected);

// Merges the outputs of one experiment's shards into `destination` (which may be one of them):
// checks every source (same experiment, per their manifests' binding; every point file a result of
// it) before writing anything, builds the merged folder beside `destination` and renames it into
// place; `points` counts the points now in `destination`. Throws util::ConfigError (nothing
// written) on any mismatch or when `destination` lies inside a points/ folder.
RebuiltTables MergeOutputs(const std::vector<std::filesystem::path>& sources, const std::filesystem::path& destination,
                           const std::string& command_line);

}  // namespace loopfront::experiment
