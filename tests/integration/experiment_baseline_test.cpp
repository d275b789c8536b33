// Experiments with `baseline:` (planner/baseline_model.h): point ids, the point file's `baseline`
// object, summary.csv's baseline columns, baseline_ops.csv, and merging with points without one.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loopfront/io/csv_reader.h"
#include "tests/integration/cli_runner.h"
#include "tests/integration/experiment_fixtures.h"

using loopfront::testing::ReadWholeFile;
using loopfront::testing::RunLoopfront;
using loopfront::testing::ScratchDir;
using loopfront::testing::WriteSmallExperiment;
namespace fs = std::filesystem;

namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_CASE("Point ids of experiments without a baseline are unchanged by the baseline key",
          "[cli][experiment][baseline]") {
  // The golden experiment without its baseline line: the ids it had before `baseline:` existed.
  const fs::path directory = ScratchDir("baseline_ids");
  std::string yaml = ReadWholeFile(fs::path(LOOPFRONT_TESTS_DIR) / "golden" / "tiny_experiment.yaml");
  const std::string line = "baseline: gemmini_default\n";
  REQUIRE(yaml.find(line) != std::string::npos);
  const fs::path without = directory / "tiny.yaml";
  std::ofstream(without) << std::string(yaml).replace(yaml.find(line), line.size(), "");
  const auto plain = RunLoopfront("run '" + without.string() + "' --dry-run --output '" + directory.string() + "'");
  INFO(plain.err);
  REQUIRE(plain.exit_code == 0);
  for (const std::string id : {"15844b72278c", "7891b8501a67", "85def4d19831", "831b9481c775"}) {
    CHECK(plain.out.find(id) != std::string::npos);
  }
  CHECK(plain.out.find("; baseline") == std::string::npos);
  // With a baseline, and with its parameters: other ids (a different result).
  const fs::path with = directory / "with.yaml";
  std::ofstream(with) << yaml;
  const fs::path with_params = directory / "with_params.yaml";
  std::ofstream(with_params) << std::string(yaml).replace(
      yaml.find(line), line.size(), "baseline: {name: gemmini_default, params: {fusion_optimized: true}}\n");
  const auto baseline = RunLoopfront("run '" + with.string() + "' --dry-run --output '" + directory.string() + "'");
  const auto params =
      RunLoopfront("run '" + with_params.string() + "' --dry-run --output '" + directory.string() + "'");
  REQUIRE(baseline.exit_code == 0);
  REQUIRE(params.exit_code == 0);
  CHECK(baseline.out.find("15844b72278c") == std::string::npos);
  CHECK(FirstLine(baseline.out).ends_with("; baseline gemmini_default"));
  CHECK(FirstLine(params.out).ends_with("; baseline gemmini_default (fusion_optimized=true)"));
  CHECK(baseline.out.substr(baseline.out.find('\n')) != params.out.substr(params.out.find('\n')));
}

TEST_CASE("An experiment with a baseline: baseline object, summary columns, baseline_ops.csv, merge",
          "[cli][experiment][baseline]") {
  const fs::path with_directory = ScratchDir("baseline_with");
  const fs::path without_directory = ScratchDir("baseline_without");
  const fs::path with = WriteSmallExperiment(with_directory, 400,
                                             "baseline: {name: gemmini_default, params: {fusion_optimized: false}}\n");
  const fs::path without = WriteSmallExperiment(without_directory);
  const auto validate = RunLoopfront("validate '" + with.string() + "'");
  INFO(validate.err);
  CHECK(validate.exit_code == 0);
  for (const fs::path& experiment : {with, without}) {
    const auto run = RunLoopfront("run '" + experiment.string() + "' --quiet --no-plot --threads 2");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }
  const fs::path out = with_directory / "out";
  CHECK_FALSE(fs::exists(without_directory / "out" / "baseline_ops.csv"));
  CHECK(FirstLine(ReadWholeFile(without_directory / "out" / "summary.csv")).ends_with(",wall_seconds"));

  // The point file's baseline: its total is the sum of its ops.
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    const nlohmann::json point = nlohmann::json::parse(ReadWholeFile(entry.path()));
    const nlohmann::json& baseline = point.at("baseline");
    CHECK(baseline.at("name") == "gemmini_default");
    CHECK(baseline.at("params") == "fusion_optimized=false");
    double latency = 0.0;
    double energy = 0.0;
    for (const nlohmann::json& row : baseline.at("ops")) {
      latency += row.at("latency_cycles").get<double>();
      energy += row.at("energy_pj").get<double>();
    }
    CHECK(baseline.at("ops").size() == 3);  // qk_matmul, softmax, av_matmul, never fused
    CHECK(baseline.at("latency_cycles").get<double>() == Approx(latency));
    CHECK(baseline.at("energy_pj").get<double>() == Approx(energy));
    CHECK(baseline.at("edp_pj_cycles").get<double>() == Approx(latency * energy));
  }

  // summary.csv: speedup and EDP gain are the ratios of baseline to knee.
  const loopfront::io::CsvFile summary = loopfront::io::CsvFile::Read(out / "summary.csv");
  REQUIRE(summary.rows() == 4);
  for (std::size_t row = 0; row < summary.rows(); ++row) {
    const double knee_latency = summary.Number(row, summary.Column("knee_latency_cycles"));
    const double knee_edp = summary.Number(row, summary.Column("knee_edp_pj_cycles"));
    const double latency = summary.Number(row, summary.Column("baseline_latency_cycles"));
    const double energy = summary.Number(row, summary.Column("baseline_energy_pj"));
    CHECK(summary.Number(row, summary.Column("baseline_edp_pj_cycles")) == Approx(latency * energy));
    CHECK(summary.Number(row, summary.Column("baseline_speedup")) == Approx(latency / knee_latency));
    CHECK(summary.Number(row, summary.Column("baseline_edp_gain")) == Approx(latency * energy / knee_edp));
  }

  // baseline_ops.csv: ops.csv's columns, one row per op of each point's baseline.
  const std::string ops = ReadWholeFile(out / "ops.csv");
  const std::string baseline_ops = ReadWholeFile(out / "baseline_ops.csv");
  CHECK(FirstLine(baseline_ops) == FirstLine(ops));
  CHECK(loopfront::io::CsvFile::Read(out / "baseline_ops.csv").rows() == 4 * 3);

  SECTION("merged with points without a baseline: refused, the experiments differ (output_folder.h)") {
    // Before output folders were bound to their experiment this merge mixed both, with empty baseline
    // cells for the points without one; issue 15 (item 3) makes it a refusal naming what differs.
    const fs::path merged = with_directory / "merged";
    const auto merge = RunLoopfront("merge '" + out.string() + "' '" + (without_directory / "out").string() +
                                    "' --output '" + merged.string() + "'");
    INFO(merge.err);
    CHECK(merge.exit_code == 2);
    CHECK(merge.err.find("hold different experiments (baseline {\"name\":\"gemmini_default\"") != std::string::npos);
    CHECK_FALSE(fs::exists(merged));
  }
}
