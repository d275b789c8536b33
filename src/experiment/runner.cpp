#include "loopfront/experiment/runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string_view>

#include "loopfront/cost/peaks.h"
#include "loopfront/experiment/output_folder.h"
#include "loopfront/io/input.h"
#include "loopfront/io/output.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/planner/baseline_model.h"
#include "loopfront/report/model_search.h"
#include "loopfront/report/schemas.h"
#include "loopfront/report/table.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/util/error.h"
#include "loopfront/util/hash.h"
#include "loopfront/util/random.h"
#include "loopfront/util/signals.h"
#include "loopfront/util/strings.h"
#include "loopfront/util/threads.h"
#include "loopfront/version.h"
#include "mappers/random/random_searcher.h"

namespace loopfront::experiment {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Draws per requested random valid mapping before giving up on an op.
constexpr std::int64_t kMaxDrawsPerSample = 1000;

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string ReadText(const fs::path& path) { return io::ReadInputFileOrThrow(path, "point file"); }

// FLOPs and ideal bytes per execution of an op or fused group, and its compute ceiling (cost/peaks.h).
using OpWork = cost::UnitWork;

// Per part: each unit of the plan (op name or group label) → its work per execution.
std::vector<std::map<std::string, OpWork>> UnitWork(const planner::ModelSearchResult& result,
                                                    const planner::ModelPlan& plan,
                                                    const arch::Architecture& architecture) {
  std::vector<std::map<std::string, OpWork>> units(result.parts.size());
  for (std::size_t part_idx = 0; part_idx < result.parts.size() && part_idx < plan.size(); ++part_idx) {
    const workload::Workload& workload = result.parts[part_idx].workload;
    const std::map<std::string, OpWork> ops = cost::WorkPerExecution(workload, architecture);
    const planner::PartResult& part = result.part_results[part_idx];
    for (const fusion::PlanChoice& choice : plan[part_idx]) {
      std::vector<std::string> members;
      std::string label;
      if (choice.unit < workload.NumOps()) {
        label = workload.op(choice.unit).name;
        members.push_back(label);
      } else {
        const planner::GroupResult& group = part.group_results[choice.unit - workload.NumOps()];
        label = group.label;
        for (const workload::OpId id : group.group.members) members.push_back(workload.op(id).name);
      }
      units[part_idx][label] = cost::CombineUnitWork(ops, members, architecture.overlap_vector_unit);
    }
  }
  return units;
}

// The knee's breakdown with each unit's work (its FLOPs and bytes under ideal reuse, for the roofline).
std::vector<report::KneeOpRow> KneeOps(const planner::ModelSearchResult& result, const planner::ModelPlan& plan,
                                       const cost::CostModel& cost_model, const arch::Architecture& architecture) {
  const std::vector<std::map<std::string, OpWork>> units = UnitWork(result, plan, architecture);
  // Null when the outermost level's bandwidth is unlimited (runner.h).
  const std::optional<double> bandwidth = cost::OutermostBandwidthBytesPerCycle(architecture);
  std::vector<report::KneeOpRow> rows;
  for (const planner::BreakdownRow& row : result.Breakdown(plan, cost_model)) {
    // The part the row comes from (its label), or, for a row merged over parts (same mapping, so
    // the same shape), the first part that has the unit.
    std::optional<OpWork> work;
    for (std::size_t part_idx = 0; part_idx < units.size() && !work; ++part_idx) {
      if (result.parts[part_idx].label != row.part) continue;
      if (const auto found = units[part_idx].find(row.unit); found != units[part_idx].end()) work = found->second;
    }
    for (std::size_t part_idx = 0; part_idx < units.size() && !work; ++part_idx) {
      if (const auto found = units[part_idx].find(row.unit); found != units[part_idx].end()) work = found->second;
    }
    const double flops = work ? work->flops * row.count : 0.0;
    const double bytes = work ? work->bytes * row.count : 0.0;
    rows.push_back(report::KneeOpRow{
        .row = row,
        .flops = flops,
        .bytes = bytes,
        .arithmetic_intensity = bytes > 0 ? flops / bytes : 0.0,
        .attained_flops_per_cycle = row.latency_cycles > 0 ? flops / row.latency_cycles : 0.0,
        .peak_flops_per_cycle =
            work && work->peak_flops_per_cycle > 0 ? std::optional<double>(work->peak_flops_per_cycle) : std::nullopt,
        .dram_bandwidth_bytes_per_cycle = bandwidth});
  }
  return rows;
}

// Random valid mappings of the named ops (Experiment::random_mappings): per op, `samples` EDPs per
// execution, in draw order, and the best EDP known for it (the samples' and the searched front's).
std::vector<report::OpRandomSamples> RandomMappingSamples(const Experiment& experiment, const Point& point,
                                                          const planner::ModelSearchResult& result) {
  const RandomMappings& random = experiment.random_mappings;
  std::vector<report::OpRandomSamples> samples;
  if (random.ops.empty() || result.parts.empty()) return samples;
  const workload::Workload& workload = result.parts.front().workload;
  const planner::PartResult& part = result.part_results.front();
  for (const std::string& name : random.ops) {
    for (std::size_t id = 0; id < workload.NumOps(); ++id) {
      const workload::Op& op = workload.op(id);
      if (op.name != name) continue;
      const mapping::Problem problem = mapping::Problem::Build(op, point.architecture->architecture);
      const search::Mapspace mapspace = search::Mapspace::Build(problem);
      util::Rng rng(util::DeriveSeed(experiment.search.seed, {util::Fnv1a64(name)}));
      std::vector<double> edps;
      for (const pareto::Objectives& sample : search::SampleValidMappings(
               mapspace, *experiment.cost_model, rng, random.samples, random.samples * kMaxDrawsPerSample)) {
        edps.push_back(sample.EdpPjCycles());
      }
      double best = std::numeric_limits<double>::infinity();
      for (const double edp : edps) best = std::min(best, edp);
      for (const auto& front_point : part.op_fronts[id].points())
        best = std::min(best, front_point.objectives.EdpPjCycles());
      samples.push_back({.op = name, .best_edp_pj_cycles = best, .edp_pj_cycles = std::move(edps)});
      break;
    }
  }
  return samples;
}

// A point file's identity and sweep as CSV cells.
struct PointRecord {
  std::int64_t index = 0;
  std::string id;
  Json json;
};

std::string CellText(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// Starts a row of an experiment table (report::ExperimentColumns) with the point's key cells.
void AddKeyCells(report::Table& table, const PointRecord& record, const std::vector<std::string>& sweep_keys) {
  table.Row().Add(record.id);
  const Json& identity = record.json.at("identity");
  for (const report::Column& column : report::kPointKey.Identity()) {
    table.Add(CellText(identity.value(column.name, Json())));
  }
  const Json& sweep = record.json.at("sweep");
  for (const std::string& key : sweep_keys) table.Add(sweep.contains(key) ? CellText(sweep.at(key)) : std::string());
}

double Number(const Json& value) { return value.is_number() ? value.get<double>() : 0.0; }

// A cell of a key that a point file written before it existed lacks: empty then.
void AddOptionalNumber(report::Table& table, const Json& row, const char* key) {
  const auto found = row.find(key);
  if (found != row.end() && found->is_number()) {
    table.Add(found->get<double>());
  } else {
    table.Add(report::Empty{});
  }
}

// A knee_ops row's peak and bandwidth cells. A point file written before they existed has neither
// key: empty cells. A null peak is unknown (empty); a null bandwidth is unlimited ("inf").
void AddRoofCells(report::Table& table, const Json& row) {
  const auto peak = row.find("peak_flops_per_cycle");
  if (peak != row.end() && peak->is_number()) {
    table.Add(peak->get<double>());
  } else {
    table.Add(report::Empty{});
  }
  const auto bandwidth = row.find("dram_bandwidth_bytes_per_cycle");
  if (bandwidth == row.end()) {
    table.Add(report::Empty{});
  } else if (bandwidth->is_number()) {
    table.Add(bandwidth->get<double>());
  } else if (bandwidth->is_null()) {
    table.Add(std::numeric_limits<double>::infinity());
  } else {
    table.Add(report::Empty{});
  }
}

// A knee_ops row's de/quantization cells; a point file written before they existed reads as 0.
void AddQuantizationCells(report::Table& table, const Json& row) {
  for (const char* key : {"dequantize_cycles", "quantize_cycles"}) {
    const auto cycles = row.find(key);
    table.Add(cycles == row.end() ? 0.0 : Number(*cycles));
  }
}

// The rows of ops.csv (a point's knee_ops) and of baseline_ops.csv (its baseline.ops): one per
// breakdown row, the same columns (report::kOps).
void AddOpsRows(report::Table& table, const PointRecord& record, const std::vector<std::string>& sweep_keys,
                const Json& rows) {
  for (const Json& row : rows) {
    AddKeyCells(table, record, sweep_keys);
    table.Add(row.at("unit").get<std::string>())
        .Add(Number(row.at("count")))
        .Add(Number(row.at("latency_cycles")))
        .Add(Number(row.at("energy_pj")))
        .Add(row.at("bounding_level").get<std::string>())
        .Add(Number(row.at("flops")))
        .Add(Number(row.at("bytes")));
    AddOptionalNumber(table, row, "dram_bytes");
    table.Add(Number(row.at("arithmetic_intensity"))).Add(Number(row.at("attained_flops_per_cycle")));
    AddRoofCells(table, row);
    AddQuantizationCells(table, row);
  }
}

// summary.csv's baseline cells (report::kSummary.Baseline()): empty for a point without a baseline.
void AddBaselineSummaryCells(report::Table& table, const Json& point, const Json& summary) {
  const auto baseline = point.find("baseline");
  if (baseline == point.end()) {
    for (std::size_t column = 0; column < report::kSummary.Baseline().size(); ++column) table.Add(report::Empty{});
    return;
  }
  const double latency = Number(baseline->at("latency_cycles"));
  const double edp = Number(baseline->at("edp_pj_cycles"));
  const double knee_latency = Number(summary.at("knee_latency_cycles"));
  const double knee_edp = Number(summary.at("knee_edp_pj_cycles"));
  table.Add(latency).Add(Number(baseline->at("energy_pj"))).Add(edp);
  // Gains over the baseline, as `search --baseline` reports them (report/search.h).
  table.Add(knee_latency > 0 ? report::Cell(latency / knee_latency) : report::Cell(report::Empty{}));
  table.Add(knee_edp > 0 ? report::Cell(edp / knee_edp) : report::Cell(report::Empty{}));
}

Json Manifest(const std::string& command_line) {
  return {{"tool", "loopfront"}, {"version", kVersion}, {"git_commit", kGitCommit}, {"command_line", command_line}};
}

// Progress on stderr: a live line (terminal) and/or one line per point (verbose).
class Progress {
 public:
  Progress(std::int64_t total, bool live, bool verbose)
      : total_(total), live_(live), verbose_(verbose), start_(std::chrono::steady_clock::now()) {
    Print();
  }

  void Finished(const Point& point, const Json& json) {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    const Json& summary = json.at("summary");
    best_edp_ = std::min(best_edp_, Number(summary.at("knee_edp_pj_cycles")));
    if (verbose_) {
      const Json& identity = json.at("identity");
      std::string sweep;
      for (const auto& [key, value] : json.at("sweep").items()) sweep += fmt::format(" {}={}", key, CellText(value));
      std::cerr << (live_ ? "\r\033[K" : "")
                << fmt::format(
                       "point {}/{} {}: {} seq {} {} on {}{} fusion {}: knee {:.6g} cycles, {:.6g} pJ ({:.2f} s)\n",
                       done_, total_, point.id, CellText(identity.at("model")), CellText(identity.at("seq_len")),
                       CellText(identity.at("phase")), CellText(identity.at("arch")), sweep, point.fusion,
                       Number(summary.at("knee_latency_cycles")), Number(summary.at("knee_energy_pj")),
                       Number(summary.at("wall_seconds")));
    }
    PrintLocked();
  }

  void Failed() {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    PrintLocked();
  }

  void End() {
    if (live_ && total_ > 0) std::cerr << '\n';
  }

 private:
  void Print() {
    const std::lock_guard<std::mutex> lock(mutex_);
    PrintLocked();
  }
  void PrintLocked() {
    if (!live_ || total_ == 0) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string eta = "?";
    if (done_ > 0) {
      const double remaining = elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_);
      eta = remaining >= 60
                ? fmt::format("{}m{:02}s", static_cast<long>(remaining) / 60, static_cast<long>(remaining) % 60)
                : fmt::format("{:.0f}s", remaining);
    }
    const std::string best =
        best_edp_ < std::numeric_limits<double>::infinity() ? fmt::format("{:.4g} pJ*cycles", best_edp_) : "-";
    std::cerr << fmt::format("\r\033[Kpoints {}/{}, elapsed {:.0f}s, ETA {}, best knee EDP {}", done_, total_, elapsed,
                             eta, best)
              << std::flush;
  }

  std::mutex mutex_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool live_;
  bool verbose_;
  std::chrono::steady_clock::time_point start_;
  double best_edp_ = std::numeric_limits<double>::infinity();
};

}  // namespace

fs::path PointFile(const fs::path& output, const std::string& id) { return output / "points" / (id + ".json"); }

Json RunPoint(const Experiment& experiment, const Point& point, int threads) {
  const std::string started = UtcNow();
  const auto start = std::chrono::steady_clock::now();
  const ResolvedModel model = ResolveModel(point.workload);
  planner::ModelSearchOptions options;
  options.op_budget = experiment.search.budget;
  options.seed = experiment.search.seed;
  options.threads = threads;
  options.fusion = point.fusion == "auto";
  options.screened_tilings = experiment.search.tilings;
  const planner::ModelSearchResult result = planner::SearchModel(model.parts, point.architecture->architecture,
                                                                 *experiment.cost_model, *experiment.searcher, options);
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto* knee = result.fused.Knee();
  if (knee == nullptr) throw util::InternalError("a model search returned an empty front");
  // Swept workload keys (transformer.*) and architecture keys share the sweep columns.
  Json sweep = Json::object();
  for (const workload::KeySetting& setting : point.workload.sweep) sweep[setting.key] = setting.value;
  for (const auto& [key, value] : point.architecture->sweep) sweep[key] = value;
  const planner::ModelSearchStatistics& statistics = result.statistics;
  Json json;
  json["point_id"] = point.id;
  json["index"] = point.index;
  json["experiment"] = experiment.name;
  json["config"] = point.config;
  // What determined this result (experiment/output_folder.h): resume, merge and the tables use the
  // file only while it matches the point they expect.
  json["binding"] = {{"point_hash", PointHash(point.config)}, {"loopfront_version", kVersion}};
  json["identity"] = {{"model", model.identity.model},
                      {"seq_len", model.identity.seq_len},
                      {"batch", model.identity.batch},
                      {"phase", model.identity.phase},
                      {"arch", point.architecture->architecture.name},
                      {"fusion", point.fusion}};
  json["sweep"] = sweep;
  json["description"] = model.identity.description;
  json["summary"] = {{"knee_latency_cycles", knee->objectives.latency_cycles},
                     {"knee_energy_pj", knee->objectives.energy_pj},
                     {"knee_edp_pj_cycles", knee->objectives.EdpPjCycles()},
                     {"front_size", result.fused.size()},
                     {"evaluations", statistics.evaluations},
                     {"wall_seconds", wall_seconds}};
  json["fronts"] = {{"fused", report::PointResultFrontJson(result, result.fused)},
                    {"unfused", report::PointResultFrontJson(result, result.unfused)}};
  json["knee_ops"] =
      report::KneeOpsJson(KneeOps(result, knee->payload, *experiment.cost_model, point.architecture->architecture));
  json["groups"] = report::ToJson(report::CandidateGroupsTable(report::CandidateGroups(result)));
  if (experiment.baseline.searcher) {
    const planner::BaselineModel baseline = planner::EvaluateBaselineModel(
        result, point.architecture->architecture, *experiment.cost_model, *experiment.baseline.searcher, options);
    json["baseline"] = report::BaselineModelJson(
        {.name = experiment.baseline.name,
         .params = experiment.baseline.params_text,
         .objectives = baseline.objectives},
        KneeOps(baseline.result, baseline.plan, *experiment.cost_model, point.architecture->architecture));
  }
  json["statistics"] = report::ToJson(statistics, /*with_wall_seconds=*/false);
  if (!experiment.random_mappings.ops.empty())
    json["random_mappings"] = report::RandomMappingsJson(RandomMappingSamples(experiment, point, result));
  json["timing"] = {{"started", started}, {"finished", UtcNow()}, {"wall_seconds", wall_seconds}};
  return json;
}

PointOutcome RunPointOutcome(const Experiment& experiment, const Point& point, int threads) {
  PointOutcome outcome;
  try {
    outcome.document = RunPoint(experiment, point, threads);
    outcome.status = PointOutcome::Status::kDone;
  } catch (const util::ConfigError& error) {
    std::vector<std::string> messages;
    for (const util::Diagnostic& diagnostic : error.diagnostics()) messages.push_back(diagnostic.ToString());
    outcome.failure = fmt::format("{}", fmt::join(messages, "; "));
    outcome.status = PointOutcome::Status::kFailed;
  }
  // A search cut short by a signal is not a result (nor is its failure): leave the point to a rerun.
  if (util::StopRequested()) return {};
  return outcome;
}

RunReport RunExperiment(const Experiment& experiment, const std::vector<Point>& points, const RunOptions& options) {
  RunReport report;
  report.points_total = static_cast<std::int64_t>(points.size());
  // Held until the tables and the manifest are written (experiment/output_folder.h).
  const OutputLock lock = OutputLock::Acquire(options.output, options.shard);
  if (lock.exclusive()) {
    for (const fs::path& removed : RemoveStaleTemporaries(options.output))
      report.removed_temporaries.push_back(removed.string());
  }
  const ExpectedPoints expected = ExpectPoints(experiment, points);
  std::set<std::string> set_aside;
  std::vector<const Point*> pending;
  for (const Point& point : points) {
    if (!options.shard.Owns(point.index)) continue;
    ++report.points_in_shard;
    const fs::path file = PointFile(options.output, point.id);
    const PointFileCheck check = CheckPointFile(file, point.id, PointHash(point.config), expected);
    if (check.state == PointFileCheck::State::kNotAFile) {
      // Never removed: it is not ours. The point cannot be written until the user moves it.
      report.failures.push_back(
          fmt::format("point {} (#{}): {}; move it away to run the point", point.id, point.index, check.problem));
      continue;
    }
    if (check.state == PointFileCheck::State::kStale) set_aside.insert(check.problem + "; the point runs again");
    if (!options.force && check.state == PointFileCheck::State::kDone) {
      ++report.skipped;
      continue;
    }
    pending.push_back(&point);
  }
  Json manifest = Manifest(options.command_line);
  manifest["experiment"] = experiment.name;
  manifest["experiment_file"] = experiment.file;
  manifest["seed"] = experiment.search.seed;
  manifest["shard"] = fmt::format("{}/{}", options.shard.index, options.shard.count);
  manifest["start_time"] = UtcNow();
  manifest["end_time"] = nullptr;
  manifest["points_total"] = report.points_total;
  manifest["points_in_shard"] = report.points_in_shard;
  manifest["points_skipped"] = report.skipped;
  manifest["binding"] = BindingJson(expected);
  const fs::path manifest_path = options.output / "manifest.json";
  io::WriteFileAtomically(manifest_path, manifest.dump(2) + "\n");

  const int threads = options.threads > 0 ? options.threads : util::DefaultThreadCount();
  Progress progress(static_cast<std::int64_t>(pending.size()), options.progress, options.verbose);
  std::mutex mutex;
  const PointRecorder record = [&](const Point& point, PointOutcome outcome) {
    switch (outcome.status) {
      case PointOutcome::Status::kDone: {
        io::WriteFileAtomically(PointFile(options.output, point.id), outcome.document.dump(1) + "\n");
        {
          const std::lock_guard<std::mutex> lock(mutex);
          ++report.ran;
        }
        progress.Finished(point, outcome.document);
        break;
      }
      case PointOutcome::Status::kFailed: {
        {
          const std::lock_guard<std::mutex> lock(mutex);
          report.failures.push_back(fmt::format("point {} (#{}): {}", point.id, point.index, outcome.failure));
        }
        progress.Failed();
        break;
      }
      case PointOutcome::Status::kInterrupted:
        break;
    }
  };
  if (options.schedule) {
    options.schedule(pending, record);
  } else if (pending.size() > 1 && threads > 1) {
    // Several points: one per task, each search single-threaded inside (no nested parallelism).
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, pending.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& range) {
                          for (std::size_t index = range.begin(); index != range.end(); ++index) {
                            if (util::StopRequested()) return;
                            record(*pending[index], RunPointOutcome(experiment, *pending[index], 1));
                          }
                        });
    });
  } else {
    for (const Point* point : pending) {
      if (util::StopRequested()) break;
      record(*point, RunPointOutcome(experiment, *point, threads));
    }
  }
  progress.End();
  std::sort(report.failures.begin(), report.failures.end());
  report.stop_signal = util::StopSignal();

  const RebuiltTables rebuilt = RebuildTables(options.output, expected);
  const std::int64_t present = rebuilt.points;
  // A stale file that this run replaced is said once, as such; what is still set aside, RebuildTables says.
  for (const std::string& line : set_aside) {
    const std::string path = line.substr(0, line.find(": "));
    if (CheckPointFile(path, fs::path(path).stem().string(), "", expected).state == PointFileCheck::State::kDone) {
      report.set_aside.push_back(line.substr(0, line.size() - std::string_view("; the point runs again").size()) +
                                 "; replaced by this run");
    }
  }
  report.set_aside.insert(report.set_aside.end(), rebuilt.set_aside.begin(), rebuilt.set_aside.end());
  manifest["end_time"] = UtcNow();
  manifest["points_run"] = report.ran;
  manifest["points_failed"] = static_cast<std::int64_t>(report.failures.size());
  manifest["points_present"] = present;
  manifest["interrupted_by_signal"] = report.stop_signal;
  io::WriteFileAtomically(manifest_path, manifest.dump(2) + "\n");
  return report;
}

RebuiltTables RebuildTables(const fs::path& output, const ExpectedPoints& expected) {
  std::vector<PointRecord> records;
  std::set<std::string> sweep_keys;
  std::vector<std::string> set_aside;
  for (const fs::path& file : PointEntries(output)) {
    const std::string id = file.stem().string();
    PointFileCheck check = CheckPointFile(file, id, "", expected);
    if (check.state != PointFileCheck::State::kDone) {
      set_aside.push_back(check.problem);
      continue;
    }
    PointRecord record;
    try {
      record.json = std::move(check.document);
      record.index = record.json.at("index").get<std::int64_t>();
      record.id = record.json.at("point_id").get<std::string>();
      for (const auto& [key, value] : record.json.at("sweep").items()) sweep_keys.insert(key);
      record.json.at("identity");
      record.json.at("summary");
      record.json.at("fronts");
      record.json.at("knee_ops");
    } catch (const nlohmann::json::exception& error) {
      throw util::ConfigError(fmt::format("{}: not a loopfront point result ({})", file.string(), error.what()));
    }
    records.push_back(std::move(record));
  }
  std::sort(records.begin(), records.end(), [](const PointRecord& a, const PointRecord& b) {
    return a.index != b.index ? a.index < b.index : a.id < b.id;
  });
  const std::vector<std::string> keys(sweep_keys.begin(), sweep_keys.end());
  // The baseline's columns and file only when some point has one, as a swept key's column.
  const bool with_baseline = std::any_of(records.begin(), records.end(),
                                         [](const PointRecord& record) { return record.json.contains("baseline"); });
  std::vector<report::Column> summary_columns = report::kSummary.Own();
  if (with_baseline) {
    for (const report::Column& column : report::kSummary.Baseline()) summary_columns.push_back(column);
  }
  report::Table summary(report::ExperimentColumns(keys, summary_columns));
  report::Table fronts(report::ExperimentColumns(keys, report::kFronts.Own()));
  report::Table ops(report::ExperimentColumns(keys, report::kOps.Own()));
  report::Table baseline_ops(report::ExperimentColumns(keys, report::kBaselineOps.Own()));
  try {
    for (const PointRecord& record : records) {
      const Json& summary_json = record.json.at("summary");
      AddKeyCells(summary, record, keys);
      summary.Add(Number(summary_json.at("knee_latency_cycles")))
          .Add(Number(summary_json.at("knee_energy_pj")))
          .Add(Number(summary_json.at("knee_edp_pj_cycles")))
          .Add(summary_json.at("front_size").get<std::int64_t>())
          .Add(summary_json.at("evaluations").get<std::int64_t>())
          .Add(Number(summary_json.at("wall_seconds")));
      if (with_baseline) AddBaselineSummaryCells(summary, record.json, summary_json);
      for (const std::string front_name : {"fused", "unfused"}) {
        const Json& front = record.json.at("fronts").at(front_name);
        const std::int64_t knee = front.at("knee_point").get<std::int64_t>();
        std::int64_t index = 0;
        for (const Json& point : front.at("points")) {
          AddKeyCells(fronts, record, keys);
          fronts.Add(front_name)
              .Add(index)
              .Add(Number(point.at("latency_cycles")))
              .Add(Number(point.at("energy_pj")))
              .Add(Number(point.at("edp_pj_cycles")))
              .Add(static_cast<std::int64_t>(index == knee ? 1 : 0))
              .Add(point.at("fusion_plan").get<std::string>());
          ++index;
        }
      }
      AddOpsRows(ops, record, keys, record.json.at("knee_ops"));
      if (with_baseline && record.json.contains("baseline")) {
        AddOpsRows(baseline_ops, record, keys, record.json.at("baseline").at("ops"));
      }
    }
  } catch (const nlohmann::json::exception& error) {
    throw util::ConfigError(fmt::format("{}: a point result is incomplete ({})", output.string(), error.what()));
  }
  // Candidate fused groups: every point searched with fusion (older point files have no `groups`).
  report::Table groups(report::ExperimentColumns(keys, report::kGroups.Own()));
  try {
    for (const PointRecord& record : records) {
      if (!record.json.contains("groups")) continue;
      for (const Json& row : record.json.at("groups")) {
        AddKeyCells(groups, record, keys);
        report::AddJsonCells(groups, row, report::kGroups.Own());
      }
    }
  } catch (const nlohmann::json::exception& error) {
    throw util::ConfigError(fmt::format("{}: a point's groups are incomplete ({})", output.string(), error.what()));
  }
  // Random valid mappings, when any point sampled them.
  report::Table samples(report::ExperimentColumns(keys, report::kEdpSamples.Own()));
  try {
    for (const PointRecord& record : records) {
      if (!record.json.contains("random_mappings")) continue;
      for (const Json& op : record.json.at("random_mappings")) {
        const double best = Number(op.at("best_edp_pj_cycles"));
        std::int64_t index = 0;
        for (const Json& edp : op.at("edp_pj_cycles")) {
          AddKeyCells(samples, record, keys);
          samples.Add(op.at("op").get<std::string>())
              .Add(index++)
              .Add(Number(edp))
              .Add(best > 0 ? Number(edp) / best : 0.0);
        }
      }
    }
  } catch (const nlohmann::json::exception& error) {
    throw util::ConfigError(
        fmt::format("{}: a point's random mappings are incomplete ({})", output.string(), error.what()));
  }
  RebuiltTables rebuilt{.points = static_cast<std::int64_t>(records.size()), .files = {}, .set_aside = set_aside};
  const auto write = [&](std::string_view file_name, const report::Table& table) {
    io::WriteFileAtomically(output / file_name, report::WriteCsv(table));
    rebuilt.files.emplace_back(file_name);
  };
  write(report::kSummary.file_name, summary);
  write(report::kFronts.file_name, fronts);
  write(report::kOps.file_name, ops);
  write(report::kGroups.file_name, groups);
  if (with_baseline) write(report::kBaselineOps.file_name, baseline_ops);
  if (samples.rows() > 0) write(report::kEdpSamples.file_name, samples);
  return rebuilt;
}

namespace {

// The folder as an absolute, normalized path without a trailing separator (for comparing folders).
fs::path FolderPath(const fs::path& folder) {
  fs::path absolute = fs::weakly_canonical(fs::absolute(folder));
  if (absolute.filename().empty()) absolute = absolute.parent_path();
  return absolute;
}

bool IsWithin(const fs::path& inner, const fs::path& outer) {
  return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first == outer.end();
}

// A source of `merge`: its manifest's binding, read without trusting anything else in it.
struct MergeSource {
  fs::path folder;
  ExpectedPoints expected;
};

MergeSource ReadMergeSource(const fs::path& source) {
  std::error_code error;
  if (!fs::is_directory(source / "points", error)) {
    throw util::ConfigError(
        fmt::format("{}: expected an experiment output directory (with points/), got none", source.string()));
  }
  const fs::path manifest_path = source / "manifest.json";
  std::optional<ExpectedPoints> expected;
  if (fs::is_regular_file(manifest_path, error)) {
    try {
      expected = ExpectedFromManifest(Json::parse(ReadText(manifest_path)));
    } catch (const nlohmann::json::exception& parse_error) {
      throw util::ConfigError(
          fmt::format("{}: truncated or corrupt manifest ({})", manifest_path.string(), parse_error.what()));
    }
  }
  if (!expected) {
    throw util::ConfigError(fmt::format(
        "{}: expected a manifest.json with the experiment's binding, got {} (written by an older loopfront or not "
        "by `loopfront run`): rerun the shard with this loopfront (the finished points run again)",
        source.string(), fs::exists(manifest_path, error) ? "one without it" : "none"));
  }
  return {source, std::move(*expected)};
}

// How two sources' experiments differ, for the message refusing to merge them.
std::string ExperimentDifference(const ExpectedPoints& first, const ExpectedPoints& second) {
  std::vector<std::string> differences;
  if (first.experiment != second.experiment)
    differences.push_back(fmt::format("experiment '{}' vs '{}'", first.experiment, second.experiment));
  for (const auto& [key, value] : first.search.items()) {
    const Json other = second.search.value(key, Json());
    if (other != value) differences.push_back(fmt::format("{} {} vs {}", key, value.dump(), other.dump()));
  }
  for (const auto& [key, value] : second.search.items()) {
    if (!first.search.contains(key)) differences.push_back(fmt::format("{} null vs {}", key, value.dump()));
  }
  if (first.ids != second.ids)
    differences.push_back(fmt::format("{} vs {} points", first.ids.size(), second.ids.size()));
  if (differences.empty()) differences.emplace_back("written by different loopfront versions");
  return util::Join(differences, ", ");
}

// Exchanges two directory entries atomically (renameat2 RENAME_EXCHANGE); false when the filesystem
// cannot (then the caller renames in two steps).
bool ExchangePaths(const fs::path& first, const fs::path& second) {
  return ::renameat2(AT_FDCWD, first.c_str(), AT_FDCWD, second.c_str(), RENAME_EXCHANGE) == 0;
}

}  // namespace

RebuiltTables MergeOutputs(const std::vector<fs::path>& sources, const fs::path& destination,
                           const std::string& command_line) {
  if (sources.empty()) throw util::ConfigError("merge: expected at least one output directory");
  std::vector<MergeSource> read;
  for (const fs::path& source : sources) read.push_back(ReadMergeSource(source));
  for (const MergeSource& source : read) {
    if (source.expected.digest != read.front().expected.digest) {
      throw util::ConfigError(fmt::format(
          "{} and {} hold different experiments ({}): expected shards of one experiment", read.front().folder.string(),
          source.folder.string(), ExperimentDifference(read.front().expected, source.expected)));
    }
  }
  const ExpectedPoints& expected = read.front().expected;
  // The destination must not be where a later run reads point files from: inside a points/ folder.
  const fs::path destination_path = FolderPath(destination);
  for (const fs::path& part : destination_path) {
    if (part == "points") {
      throw util::ConfigError(fmt::format(
          "{}: expected a destination outside every points/ folder, got one inside {} (a later run or merge would "
          "read the merged tables and manifest as point files)",
          destination.string(), destination_path.string()));
    }
  }
  bool destination_is_source = false;
  for (const MergeSource& source : read) {
    const fs::path source_path = FolderPath(source.folder);
    destination_is_source = destination_is_source || source_path == destination_path;
    if (IsWithin(source_path, destination_path / "points")) {
      throw util::ConfigError(fmt::format("{}: expected a destination that does not hold the source {} in its points/",
                                          destination.string(), source.folder.string()));
    }
  }
  std::error_code error;
  if (!destination_is_source && fs::exists(destination, error) && !fs::is_empty(destination, error)) {
    throw util::ConfigError(
        fmt::format("{}: expected a new or empty destination, or one of the sources, got a folder with files in it",
                    destination.string()));
  }
  // Every source file checked before anything is written: a foreign, stale or corrupt one refuses all.
  std::map<std::string, fs::path> chosen;  // id → the first source's file
  std::vector<std::string> problems;
  for (const MergeSource& source : read) {
    for (const fs::path& file : PointEntries(source.folder)) {
      const std::string id = file.stem().string();
      const PointFileCheck check = CheckPointFile(file, id, "", expected);
      if (check.state != PointFileCheck::State::kDone) {
        problems.push_back(check.problem);
        continue;
      }
      chosen.emplace(id, file);
    }
  }
  if (!problems.empty()) {
    throw util::ConfigError(fmt::format("merge: nothing written; these files are not results of the experiment:\n  {}",
                                        util::Join(problems, "\n  ")));
  }
  // Built beside the destination, then put in its place at once (experiment/output_folder.h).
  const OutputLock lock = OutputLock::Acquire(destination, Shard{});
  RemoveStaleTemporaries(destination);
  const fs::path staging = destination_path.parent_path() /
                           fmt::format(".{}.merge.tmp.{}", destination_path.filename().string(), ::getpid());
  fs::remove_all(staging, error);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{staging};
  const auto fail = [&](const std::string& what, const std::error_code& code) {
    throw util::ConfigError(std::vector<util::Diagnostic>{util::Diagnostic{
        .file = destination.string(),
        .message = fmt::format("expected a writable destination, got: {}: {}", what, code.message())}});
  };
  fs::create_directories(staging / "points", error);
  if (error) fail("cannot create " + staging.string(), error);
  for (const auto& [id, file] : chosen) {
    fs::copy_file(file, staging / "points" / file.filename(), error);
    if (error) fail("cannot copy " + file.string(), error);
  }
  // What else the destination holds (figures/, the user's notes) stays; its tables, manifest, points
  // and lock files are rebuilt.
  if (destination_is_source) {
    for (const fs::directory_entry& entry : fs::directory_iterator(destination, error)) {
      const std::string name = entry.path().filename().string();
      if (name == "points" || name == "manifest.json" || name.starts_with(".loopfront.") || name.ends_with(".csv"))
        continue;
      fs::copy(entry.path(), staging / name, fs::copy_options::recursive | fs::copy_options::copy_symlinks, error);
      if (error) fail("cannot copy " + entry.path().string(), error);
    }
  }
  RebuiltTables rebuilt = RebuildTables(staging, expected);
  std::vector<std::string> source_names;
  for (const fs::path& source : sources) source_names.push_back(source.string());
  Json manifest = Manifest(command_line);
  manifest["experiment"] = expected.experiment;
  manifest["merged_from"] = source_names;
  manifest["merge_time"] = UtcNow();
  manifest["points_present"] = rebuilt.points;
  manifest["binding"] = BindingJson(expected);
  io::WriteFileAtomically(staging / "manifest.json", manifest.dump(2) + "\n");
  if (fs::exists(destination_path, error)) {
    if (!ExchangePaths(staging, destination_path)) {
      // Two renames: a kill between them leaves the old folder at the staging name, removed on the next start.
      const fs::path old = staging.string() + ".old";
      fs::rename(destination_path, old, error);
      if (error) fail("cannot replace " + destination_path.string(), error);
      fs::rename(staging, destination_path, error);
      if (error) fail("cannot replace " + destination_path.string(), error);
      fs::rename(old, staging, error);
    }
  } else {
    fs::rename(staging, destination_path, error);
    if (error) fail("cannot create " + destination_path.string(), error);
  }
  return rebuilt;
}

}  // namespace loopfront::experiment
