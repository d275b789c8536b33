// `loopfront run`, `merge` and `validate` on experiments, as a user runs them: dry runs, outputs,
// resume, shards + merge, SIGTERM, and every shipped experiment at a tiny budget.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "loopfront/io/csv_reader.h"
#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/experiment_fixtures.h"

using loopfront::testing::ReadWholeFile;
using loopfront::testing::RunLoopfront;
using loopfront::testing::ScratchDir;
using loopfront::testing::StartQuietly;
using loopfront::testing::WithoutColumn;
using loopfront::testing::WriteSequenceSweep;
using loopfront::testing::WriteSmallExperiment;
namespace fs = std::filesystem;

namespace {

// Runs a shell command and returns what it printed (stdout and stderr together).
std::string RunLoopfrontShell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  ::pclose(pipe);
  return output;
}

std::size_t Lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::vector<fs::path> Files(const fs::path& directory) {
  std::vector<fs::path> files;
  if (!fs::exists(directory)) return files;
  for (const auto& entry : fs::directory_iterator(directory)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("run --dry-run lists the points with ids and swept values", "[cli][experiment]") {
  const fs::path directory = ScratchDir("dry");
  const fs::path experiment = WriteSmallExperiment(directory);
  const auto result = RunLoopfront("run '" + experiment.string() + "' --dry-run");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("4 points") != std::string::npos);
  CHECK(result.out.find("scratchpad.capacity_bytes=262144") != std::string::npos);
  CHECK(Lines(result.out) == 2 + 4);
  CHECK_FALSE(fs::exists(directory / "out"));
  // validate accepts it.
  CHECK(RunLoopfront("validate '" + experiment.string() + "'").out == "ok\n");
  fs::remove_all(directory);
}

TEST_CASE("Progress: a live line on a terminal, nothing when stderr is a file or with --quiet", "[cli][experiment]") {
  const fs::path directory = ScratchDir("progress");
  const fs::path experiment = WriteSmallExperiment(directory);
  // `script` (util-linux) gives the run a pseudo-terminal.
  const std::string run = std::string(LOOPFRONT_BINARY) + " run '" + experiment.string() + "' --no-plot --threads 1";
  const auto on_terminal = RunLoopfrontShell("script -qec \"" + run + "\" /dev/null");
  CHECK(on_terminal.find("points 0/4") != std::string::npos);
  CHECK(on_terminal.find("points 4/4") != std::string::npos);
  CHECK(on_terminal.find("best knee EDP") != std::string::npos);
  const auto to_file = RunLoopfront("run '" + experiment.string() + "' --no-plot --force");
  CHECK(to_file.exit_code == 0);
  CHECK(to_file.err.find("points 0/4") == std::string::npos);
  const auto quiet = RunLoopfrontShell("script -qec \"" + run + " --force --quiet\" /dev/null");
  CHECK(quiet.find("points ") == std::string::npos);
  fs::remove_all(directory);
}

TEST_CASE("run writes point files and tidy CSVs, a rerun resumes, shards + merge equal one run", "[cli][experiment]") {
  const fs::path directory = ScratchDir("run");
  const fs::path experiment = WriteSmallExperiment(directory);
  const fs::path out = directory / "out";
  // Two threads: the points run concurrently (TBB), the shards below one by one; same results.
  const auto result = RunLoopfront("run '" + experiment.string() + "' --quiet --no-plot --threads 2");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find(out.string()) != std::string::npos);
  const std::vector<fs::path> points = Files(out / "points");
  REQUIRE(points.size() == 4);  // and no temporary file is left
  for (const fs::path& file : points) {
    CHECK(file.extension() == ".json");
    const nlohmann::json json = nlohmann::json::parse(ReadWholeFile(file));
    CHECK(json.at("point_id").get<std::string>() == file.stem().string());
    CHECK_FALSE(json.at("fronts").at("fused").at("points").empty());
    CHECK_FALSE(json.at("knee_ops").empty());
  }
  const nlohmann::json manifest = nlohmann::json::parse(ReadWholeFile(out / "manifest.json"));
  CHECK(manifest.at("points_present") == 4);
  CHECK(manifest.at("shard") == "0/1");
  CHECK_FALSE(manifest.at("git_commit").get<std::string>().empty());

  const std::string summary = ReadWholeFile(out / "summary.csv");
  const std::string fronts = ReadWholeFile(out / "fronts.csv");
  const std::string ops = ReadWholeFile(out / "ops.csv");
  const std::string key_columns = "point_id,model,seq_len,batch,phase,arch,fusion,scratchpad_capacity_bytes,";
  CHECK(summary.starts_with(key_columns +
                            "knee_latency_cycles,knee_energy_pj,knee_edp_pj_cycles,front_size,evaluations,"
                            "wall_seconds\n"));
  CHECK(fronts.starts_with(key_columns + "front,point,latency_cycles,energy_pj,edp_pj_cycles,is_knee,fusion_plan\n"));
  CHECK(ops.starts_with(key_columns + "unit,count,latency_cycles,energy_pj,bounding_level,flops,bytes,dram_bytes,"
                                      "arithmetic_intensity,attained_flops_per_cycle,peak_flops_per_cycle,"
                                      "dram_bandwidth_bytes_per_cycle,dequantize_cycles,quantize_cycles\n"));
  {
    // The roofs, by hand: gemmini's 16 × 16 MACs give 512 FLOPs/cycle, its host 11 operations
    // (softmax 5 + dequantize 2 + quantize 4) per 70 cycles (tests/unit/roofline_model_test.cpp),
    // its DRAM 8 one-byte words per cycle. The attention group at 128 tokens: Q×K^T and ×V
    // 25,165,824 FLOPs each at 512 (49,152 cycles each), the softmax's 983,040 on the host
    // (983,040 × 70 / 11 cycles), one after the other.
    // De/quantization: a part of the host ops' latency, none of the matmuls'.
    const loopfront::io::CsvFile table = loopfront::io::CsvFile::Parse(ops, "ops.csv");
    const std::size_t unit_column = table.Column("unit");
    const std::size_t peak_column = table.Column("peak_flops_per_cycle");
    const std::size_t bandwidth_column = table.Column("dram_bandwidth_bytes_per_cycle");
    const std::size_t bytes_column = table.Column("bytes");
    const std::size_t dram_bytes_column = table.Column("dram_bytes");
    const std::size_t latency_column = table.Column("latency_cycles");
    const std::size_t dequantize_column = table.Column("dequantize_cycles");
    const std::size_t quantize_column = table.Column("quantize_cycles");
    std::size_t quantizing_rows = 0;
    for (std::size_t row = 0; row < table.rows(); ++row) {
      const std::string& unit = table.row(row)[unit_column];
      INFO(unit);
      CHECK(table.Number(row, bandwidth_column) == 8.0);
      // An op alone moves every tensor across DRAM at least once: never less than the ideal bytes.
      // (A fused group's ideal bytes count its intermediates, which never reach DRAM.)
      if (unit.find('+') == std::string::npos)
        CHECK(table.Number(row, dram_bytes_column) >= table.Number(row, bytes_column));
      CHECK(table.Number(row, dram_bytes_column) > 0);
      const double peak = table.Number(row, peak_column);
      if (unit == "qk_matmul" || unit == "av_matmul") CHECK(peak == 512.0);
      if (unit == "softmax") CHECK(peak == Approx(11.0 / 70));
      if (unit.find('+') != std::string::npos && unit.find("qk_matmul") != std::string::npos &&
          unit.find("softmax") != std::string::npos && unit.find("av_matmul") != std::string::npos) {
        CHECK(peak == Approx(51314688.0 / (2 * 49152.0 + 983040.0 * 70 / 11)));
      }
      CHECK(peak > 0.0);
      CHECK(peak <= 512.0);
      const double dequantize = table.Number(row, dequantize_column);
      const double quantize = table.Number(row, quantize_column);
      CHECK(dequantize >= 0.0);
      CHECK(quantize >= 0.0);
      CHECK(dequantize + quantize <= table.Number(row, latency_column) * (1 + 1e-12));
      if (unit.find('+') == std::string::npos &&
          (unit.find("matmul") != std::string::npos || unit.find("proj") != std::string::npos)) {
        CHECK(dequantize + quantize == 0.0);
      }
      if (unit == "softmax") {
        // A softmax's compute: 5 of its 70 cycles per element dequantize, 9 quantize.
        CHECK(dequantize > 0.0);
        CHECK(quantize / dequantize == Approx(9.0 / 5));
      }
      quantizing_rows += dequantize > 0 ? 1 : 0;
    }
    CHECK(quantizing_rows > 0);
  }
  const std::string groups = ReadWholeFile(out / "groups.csv");
  const std::string groups_header =
      key_columns +
      "group,part,members,rule,feasible,not_feasible,count,fused_min_latency_cycles,fused_min_latency_energy_pj,"
      "fused_knee_latency_cycles,fused_knee_energy_pj,unfused_min_latency_cycles,unfused_min_latency_energy_pj,"
      "min_latency_change\n";
  CHECK(groups.starts_with(groups_header));
  {
    // One row per candidate group of each `fusion: auto` point (its statistics count them), none for
    // `fusion: none`; fused cells empty exactly when the group is not feasible, with the reason.
    const loopfront::io::CsvFile table = loopfront::io::CsvFile::Parse(groups, "groups.csv");
    const std::size_t id_column = table.Column("point_id");
    const std::size_t feasible_column = table.Column("feasible");
    const std::size_t reason_column = table.Column("not_feasible");
    const std::size_t fused_column = table.Column("fused_min_latency_cycles");
    const std::size_t knee_column = table.Column("fused_knee_latency_cycles");
    const std::size_t unfused_column = table.Column("unfused_min_latency_cycles");
    const std::size_t change_column = table.Column("min_latency_change");
    for (const fs::path& file : points) {
      const nlohmann::json json = nlohmann::json::parse(ReadWholeFile(file));
      const bool fusion = json.at("identity").at("fusion") == "auto";
      std::int64_t rows = 0;
      for (std::size_t row = 0; row < table.rows(); ++row) rows += table.row(row)[id_column] == file.stem() ? 1 : 0;
      CHECK(rows == (fusion ? json.at("statistics").at("candidate_groups").get<std::int64_t>() : 0));
      CHECK(json.at("groups").size() == static_cast<std::size_t>(rows));
      if (fusion) CHECK(rows > 0);
    }
    for (std::size_t row = 0; row < table.rows(); ++row) {
      const std::vector<std::string>& cells = table.row(row);
      const bool feasible = cells[feasible_column] == "1";
      CHECK((feasible || cells[feasible_column] == "0"));
      CHECK(cells[reason_column].empty() == feasible);
      CHECK(cells[fused_column].empty() != feasible);
      CHECK(cells[knee_column].empty() != feasible);
      CHECK(cells[change_column].empty() != feasible);
      CHECK(table.Number(row, unfused_column) > 0);
      if (feasible) {
        CHECK(table.Number(row, change_column) ==
              Approx(table.Number(row, fused_column) / table.Number(row, unfused_column) - 1.0));
      }
    }
  }
  CHECK(Lines(summary) == 1 + 4);
  CHECK(fronts.find(",fused,0,") != std::string::npos);
  CHECK(fronts.find(",unfused,0,") != std::string::npos);
  CHECK(ops.find("qk_matmul") != std::string::npos);

  SECTION("resume: only the deleted point runs again, the tables come out the same") {
    fs::remove(points[1]);
    const auto rerun = RunLoopfront("run '" + experiment.string() + "' --verbose --no-plot");
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.err.find("1 run now, 3 already done") != std::string::npos);
    CHECK(rerun.err.find(points[1].stem().string()) != std::string::npos);
    CHECK(Files(out / "points").size() == 4);
    CHECK(WithoutColumn(ReadWholeFile(out / "summary.csv"), "wall_seconds") == WithoutColumn(summary, "wall_seconds"));
    CHECK(ReadWholeFile(out / "fronts.csv") == fronts);
    CHECK(ReadWholeFile(out / "ops.csv") == ops);
    CHECK(ReadWholeFile(out / "groups.csv") == groups);
  }

  SECTION("point files from before `groups`: no rows, groups.csv keeps its header") {
    for (const fs::path& file : points) {
      nlohmann::ordered_json json = nlohmann::ordered_json::parse(ReadWholeFile(file));
      json.erase("groups");
      std::ofstream(file) << json.dump(1) << "\n";
    }
    const auto merge = RunLoopfront("merge '" + out.string() + "' --output '" + out.string() + "'");
    INFO(merge.err);
    REQUIRE(merge.exit_code == 0);
    CHECK(ReadWholeFile(out / "groups.csv") == groups_header);
    CHECK(ReadWholeFile(out / "ops.csv") == ops);
  }

  SECTION("a point file from before the roof columns: empty cells on resume, merge and plot") {
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(ReadWholeFile(points[0]));
    for (auto& row : json.at("knee_ops")) {
      row.erase("peak_flops_per_cycle");
      row.erase("dram_bandwidth_bytes_per_cycle");
      row.erase("dequantize_cycles");
      row.erase("quantize_cycles");
    }
    std::ofstream(points[0]) << json.dump(1) << "\n";
    const auto rerun = RunLoopfront("run '" + experiment.string() + "' --quiet --no-plot");
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    const loopfront::io::CsvFile table = loopfront::io::CsvFile::Read(out / "ops.csv");
    const std::size_t id_column = table.Column("point_id");
    const std::size_t peak_column = table.Column("peak_flops_per_cycle");
    const std::size_t bandwidth_column = table.Column("dram_bandwidth_bytes_per_cycle");
    std::size_t old_rows = 0;
    for (std::size_t row = 0; row < table.rows(); ++row) {
      const bool old_point = table.row(row)[id_column] == points[0].stem().string();
      old_rows += old_point ? 1 : 0;
      CHECK(table.row(row)[peak_column].empty() == old_point);
      CHECK(table.row(row)[bandwidth_column].empty() == old_point);
      // Missing de/quantization fields read as 0.
      if (old_point) CHECK(table.row(row)[table.Column("dequantize_cycles")] == "0");
    }
    CHECK(old_rows > 0);
    const std::string resumed_ops = ReadWholeFile(out / "ops.csv");
    const auto merge = RunLoopfront("merge '" + out.string() + "' --output '" + out.string() + "'");
    INFO(merge.err);
    CHECK(merge.exit_code == 0);
    CHECK(ReadWholeFile(out / "ops.csv") == resumed_ops);
    const auto plot = RunLoopfront("plot '" + out.string() + "' --formats png");
    INFO(plot.err);
    if (plot.exit_code != 2 || plot.err.find("gnuplot-nox") == std::string::npos) {
      CHECK(plot.exit_code == 0);
      CHECK(ReadWholeFile(out / "figures" / "roofline.gp").find("1 series without roofs") != std::string::npos);
    }
  }

  SECTION("three shards merged equal the single run") {
    std::string directories;
    for (int shard = 0; shard < 3; ++shard) {
      const fs::path shard_out = directory / ("shard" + std::to_string(shard));
      const auto shard_run = RunLoopfront("run '" + experiment.string() + "' --quiet --threads 1 --shard " +
                                          std::to_string(shard) + "/3 --no-plot --output '" + shard_out.string() + "'");
      INFO(shard_run.err);
      REQUIRE(shard_run.exit_code == 0);
      directories += " '" + shard_out.string() + "'";
    }
    CHECK(Files(directory / "shard0" / "points").size() == 2);  // indices 0 and 3
    const fs::path merged = directory / "merged";
    const auto merge = RunLoopfront("merge" + directories + " --output '" + merged.string() + "'");
    INFO(merge.err);
    REQUIRE(merge.exit_code == 0);
    CHECK(merge.out == "merged 3 directories into " + merged.string() +
                           ": 4 points; summary.csv, fronts.csv, ops.csv, groups.csv rebuilt\n");
    CHECK(WithoutColumn(ReadWholeFile(merged / "summary.csv"), "wall_seconds") ==
          WithoutColumn(summary, "wall_seconds"));
    CHECK(ReadWholeFile(merged / "fronts.csv") == fronts);
    CHECK(ReadWholeFile(merged / "ops.csv") == ops);
    CHECK(ReadWholeFile(merged / "groups.csv") == groups);
  }
  fs::remove_all(directory);
}

static  // Runs a six-point experiment as a subprocess, sends `signal_number` once the first point file
        // appears, and checks what is left: complete files only, and a rerun that completes the sweep.
    void
    CheckStoppedRun(int signal_number, const std::string& name) {
  const fs::path directory = ScratchDir(name);
  const fs::path experiment = directory / "long.yaml";
  const fs::path out = directory / "out";
  // Six points of a fraction of a second to a few seconds each, run one after the other.
  WriteSequenceSweep(experiment, out, 20000);
  const pid_t child =
      StartQuietly({LOOPFRONT_BINARY, "run", experiment.string(), "--threads", "1", "--quiet", "--no-plot"});
  REQUIRE(child >= 0);
  // Wait for the first point file, then ask the run to stop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool appeared = false;
  while (std::chrono::steady_clock::now() < deadline && !appeared) {
    for (const fs::path& file : Files(out / "points")) appeared = appeared || file.extension() == ".json";
    if (!appeared) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(appeared);
  ::kill(child, signal_number);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  std::vector<fs::path> points;
  for (const fs::path& file : Files(out / "points")) {
    // SIGKILL may leave a temporary file of a write in progress (a dot file); never a partial result.
    if (file.filename().string().front() == '.') {
      CHECK(signal_number == SIGKILL);
      continue;
    }
    points.push_back(file);
    CHECK_NOTHROW(nlohmann::json::parse(ReadWholeFile(file)));
  }
  CHECK(points.size() < 6);
  REQUIRE_FALSE(points.empty());
  const nlohmann::json manifest = nlohmann::json::parse(ReadWholeFile(out / "manifest.json"));
  if (signal_number == SIGTERM) {
    // A stop: exit 128 + 15, with the tables rebuilt from every finished point.
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 143);
    CHECK(Lines(ReadWholeFile(out / "summary.csv")) == 1 + points.size());
    CHECK(manifest.at("interrupted_by_signal") == SIGTERM);
  } else {
    CHECK(WIFSIGNALED(status));
  }
  // A rerun completes the experiment.
  const auto rerun = RunLoopfront("run '" + experiment.string() + "' --quiet --no-plot");
  CHECK(rerun.exit_code == 0);
  CHECK(Lines(ReadWholeFile(out / "summary.csv")) == 1 + 6);
  std::size_t results = 0;
  for (const fs::path& file : Files(out / "points")) results += file.filename().string().front() != '.' ? 1 : 0;
  CHECK(results == 6);
  fs::remove_all(directory);
}

TEST_CASE("SIGTERM stops a run after writing finished points, exit code 143, complete files", "[cli][experiment]") {
  CheckStoppedRun(SIGTERM, "sigterm");
}

TEST_CASE("SIGKILL mid-run leaves only complete files, a rerun completes the sweep", "[cli][experiment]") {
  CheckStoppedRun(SIGKILL, "sigkill");
}

TEST_CASE("Every shipped experiment validates and runs at a tiny budget", "[cli][experiment][shipped]") {
  const fs::path shipped = fs::path(LOOPFRONT_SOURCE_DIR) / "experiments";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(shipped)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  const fs::path directory = ScratchDir("shipped");
  for (const fs::path& file : files) {
    INFO(file.string());
    const auto validate = RunLoopfront("validate '" + file.string() + "'");
    INFO(validate.err);
    CHECK(validate.out == "ok\n");
    const auto dry = RunLoopfront("run '" + file.string() + "' --dry-run");
    REQUIRE(dry.exit_code == 0);
    const std::size_t points = Lines(dry.out) - 2;
    const fs::path out = directory / file.stem();
    const auto run = RunLoopfront("run '" + file.string() + "' --budget-evals 150 --quiet --no-plot --output '" +
                                  out.string() + "'");
    INFO(run.err);
    CHECK(run.exit_code == 0);
    CHECK(Lines(ReadWholeFile(out / "summary.csv")) == 1 + points);
    if (file.stem() == "random_mapping_edp") {
      // 2 models × 2 ops × 150 samples (--budget-evals caps the samples), relative to the best.
      const std::string samples = ReadWholeFile(out / "edp_samples.csv");
      CHECK(
          samples.starts_with("point_id,model,seq_len,batch,phase,arch,fusion,op,sample,edp_pj_cycles,relative_edp\n"));
      CHECK(Lines(samples) == 1 + 2 * 2 * 150);
      CHECK(samples.find(",ffn_w1,149,") != std::string::npos);
    }
  }
  fs::remove_all(directory);
}

TEST_CASE("The README's experiment example validates and expands into its points", "[cli][experiment]") {
  // The ```yaml block of the README's "Experiments" section, as a user would copy it.
  const std::string readme = ReadWholeFile(fs::path(LOOPFRONT_SOURCE_DIR) / "README.md");
  const std::size_t section = readme.find("\n## Experiments\n");
  REQUIRE(section != std::string::npos);
  const std::size_t open = readme.find("```yaml\n", section);
  REQUIRE(open != std::string::npos);
  const std::size_t begin = open + 8;
  const std::size_t end = readme.find("```", begin);
  REQUIRE(end != std::string::npos);
  const fs::path directory = ScratchDir("readme");
  const fs::path file = directory / "readme.yaml";
  std::ofstream(file) << readme.substr(begin, end - begin);
  const auto validate = RunLoopfront("validate '" + file.string() + "'");
  INFO(validate.err);
  CHECK(validate.out == "ok\n");
  // (2 sequence lengths × 2 weight word sizes) × (2 scratchpads × 2 accumulator bufferings) × 2
  // fusion settings.
  const auto dry = RunLoopfront("run '" + file.string() + "' --dry-run");
  REQUIRE(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("32 points (4 workloads x 4 architectures x 2 fusion settings)"));
  CHECK_THAT(dry.out, Catch::Contains("transformer.precision.weights=4"));
  CHECK_THAT(dry.out, Catch::Contains("accumulator.buffering=single"));
}
