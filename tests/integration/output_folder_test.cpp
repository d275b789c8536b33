// Output folders bound to their experiment (issue 15, item 3; experiment/output_folder.h): a rerun
// with another budget, a foreign, truncated or non-file point, merges of mismatched shards or into a
// points/ folder, stale temporaries, two runs at once, and the point limit — each as a user meets it.
#include "loopfront/experiment/output_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
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

// A small budget: the four points of WriteSmallExperiment in a fraction of a second each.
constexpr int kBudget = 150;

std::string Quote(const fs::path& path) { return fmt::format("'{}'", path.string()); }

std::vector<fs::path> PointFiles(const fs::path& out) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The point ids summary.csv lists.
std::set<std::string> SummaryIds(const fs::path& out) {
  const loopfront::io::CsvFile table = loopfront::io::CsvFile::Read(out / "summary.csv");
  std::set<std::string> ids;
  for (std::size_t row = 0; row < table.rows(); ++row) ids.insert(table.row(row)[table.Column("point_id")]);
  return ids;
}

// The ids the manifest binds the folder to.
std::set<std::string> ManifestIds(const fs::path& out) {
  const nlohmann::json manifest = nlohmann::json::parse(ReadWholeFile(out / "manifest.json"));
  const auto ids = manifest.at("binding").at("point_ids").get<std::vector<std::string>>();
  return {ids.begin(), ids.end()};
}

loopfront::testing::CommandResult Run(const fs::path& experiment, const std::string& extra = "") {
  return RunLoopfront("run " + Quote(experiment) + " --no-plot --threads 1 " + extra);
}

// Every file of a folder with its content, to show a refused merge left it untouched.
std::vector<std::pair<std::string, std::string>> Snapshot(const fs::path& folder) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!fs::exists(folder)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files.emplace_back(entry.path().string(), ReadWholeFile(entry.path()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("Resume uses only point files bound to the experiment's points", "[cli][experiment][folders]") {
  const fs::path directory = ScratchDir("folders_resume");
  const fs::path experiment = WriteSmallExperiment(directory, kBudget);
  const fs::path out = directory / "out";
  const auto first = Run(experiment, "--quiet");
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::vector<fs::path> points = PointFiles(out);
  REQUIRE(points.size() == 4);
  const nlohmann::ordered_json point = nlohmann::ordered_json::parse(ReadWholeFile(points[0]));
  CHECK(point.at("binding").at("point_hash").get<std::string>().size() == 16);
  CHECK(point.at("binding").at("point_hash") == loopfront::experiment::PointHash(point.at("config")));

  SECTION("another budget into the same folder: the old points are reported, never mixed into the tables") {
    const auto rerun = Run(experiment, "--budget-evals 100");
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.err.find("4 run now, 0 already done") != std::string::npos);
    CHECK(rerun.err.find("warning: not used: " + points[0].string() + ": written with another budget") !=
          std::string::npos);
    CHECK(PointFiles(out).size() == 8);
    CHECK(SummaryIds(out).size() == 4);
    CHECK(SummaryIds(out) == ManifestIds(out));
    // And back: the first budget's files are used again, the second's set aside.
    const auto back = Run(experiment);
    INFO(back.err);
    CHECK(back.exit_code == 0);
    CHECK(back.err.find("0 run now, 4 already done") != std::string::npos);
    CHECK(SummaryIds(out) == std::set<std::string>{points[0].stem().string(), points[1].stem().string(),
                                                   points[2].stem().string(), points[3].stem().string()});
  }

  SECTION("a point file of another seed under a point's name is reported and redone") {
    const fs::path other = directory / "other";
    const auto seeded = Run(experiment, "--quiet --seed 7 --output " + Quote(other));
    REQUIRE(seeded.exit_code == 0);
    fs::copy_file(PointFiles(other)[0], points[1], fs::copy_options::overwrite_existing);
    // A file of another experiment under an unknown name: reported, never in the tables.
    fs::copy_file(PointFiles(other)[1], out / "points" / "0123456789ab.json");
    const auto rerun = Run(experiment);
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.err.find("1 run now, 3 already done") != std::string::npos);
    CHECK(rerun.err.find(points[1].string() +
                         ": written with another seed (seed 7 instead of 1); replaced by this run") !=
          std::string::npos);
    CHECK(rerun.err.find((out / "points" / "0123456789ab.json").string() + ": written with another seed") !=
          std::string::npos);
    CHECK(SummaryIds(out) == ManifestIds(out));
    const nlohmann::json redone = nlohmann::json::parse(ReadWholeFile(points[1]));
    CHECK(redone.at("config").at("seed") == 1);
  }

  SECTION("a truncated point file is reported and redone on resume") {
    const std::string text = ReadWholeFile(points[2]);
    std::ofstream(points[2], std::ios::trunc) << text.substr(0, text.size() / 2);
    const auto rerun = Run(experiment);
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.err.find(points[2].string() + ": truncated or corrupt") != std::string::npos);
    CHECK(rerun.err.find("1 run now, 3 already done") != std::string::npos);
    CHECK_NOTHROW(nlohmann::json::parse(ReadWholeFile(points[2])));
    CHECK(SummaryIds(out).size() == 4);
  }

  SECTION("a point file from before bindings is pending, said so") {
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(ReadWholeFile(points[3]));
    json.erase("binding");
    std::ofstream(points[3], std::ios::trunc) << json.dump(1) << "\n";
    const auto rerun = Run(experiment);
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.err.find(points[3].string() + ": written by an older loopfront (no binding hash)") !=
          std::string::npos);
    CHECK(rerun.err.find("1 run now, 3 already done") != std::string::npos);
  }

  SECTION("a directory or a FIFO at a point's path is not done: reported, never opened, exit 2") {
    fs::remove(points[0]);
    fs::create_directory(points[0]);
    fs::remove(points[1]);
    REQUIRE(::mkfifo(points[1].c_str(), 0644) == 0);
    // `timeout`: opening the FIFO for reading would hang.
    const auto rerun = RunLoopfront("run " + Quote(experiment) + " --no-plot --threads 1 --dry-run");
    CHECK(rerun.exit_code == 0);
    const auto run = loopfront::testing::RunCommand("timeout 120 '" + std::string(LOOPFRONT_BINARY) + "' run " +
                                                    Quote(experiment) + " --no-plot --threads 1");
    INFO(run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find(points[0].string() + ": is a directory, not a point file; move it away") != std::string::npos);
    CHECK(run.err.find(points[1].string() + ": is a FIFO, not a point file; move it away") != std::string::npos);
    CHECK(SummaryIds(out).size() == 2);
    CHECK(fs::is_directory(points[0]));
    CHECK(fs::is_fifo(points[1]));
    const auto merge = loopfront::testing::RunCommand("timeout 120 '" + std::string(LOOPFRONT_BINARY) + "' merge " +
                                                      Quote(out) + " --output " + Quote(directory / "merged"));
    CHECK(merge.exit_code == 2);
    CHECK(merge.err.find("is a FIFO") != std::string::npos);
    CHECK_FALSE(fs::exists(directory / "merged"));
  }

  SECTION("temporaries of a killed run are removed on start, only those") {
    std::ofstream(out / ".summary.csv.tmp.999999.3") << "half";
    std::ofstream(out / "points" / (".abcdef012345.json.tmp.42.0")) << "{";
    std::ofstream(out / ".notes.tmp") << "mine";
    fs::create_directories(directory / ".out.merge.tmp.777" / "points");
    const auto rerun = Run(experiment);
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK_FALSE(fs::exists(out / ".summary.csv.tmp.999999.3"));
    CHECK_FALSE(fs::exists(out / "points" / ".abcdef012345.json.tmp.42.0"));
    CHECK_FALSE(fs::exists(directory / ".out.merge.tmp.777"));
    CHECK(fs::exists(out / ".notes.tmp"));
    CHECK(rerun.err.find("note: removed " + (out / ".summary.csv.tmp.999999.3").string()) != std::string::npos);
  }

  SECTION("a second run on a locked folder fails at once naming the folder and the holder") {
    const int descriptor = ::open((out / ".loopfront.lock").c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(descriptor >= 0);
    REQUIRE(::flock(descriptor, LOCK_EX | LOCK_NB) == 0);
    REQUIRE(::ftruncate(descriptor, 0) == 0);
    const std::string pid = std::to_string(::getpid()) + "\n";
    REQUIRE(::pwrite(descriptor, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size()));
    const auto second = Run(experiment, "--force");
    CHECK(second.exit_code == 2);
    CHECK(second.err.find(out.string() + ": another loopfront run or merge (pid " + std::to_string(::getpid()) +
                          ") is writing this output folder") != std::string::npos);
    const auto merge = RunLoopfront("merge " + Quote(out));
    CHECK(merge.exit_code == 2);
    // Shards share the folder (a shared lock), so a shard waits for nobody but a whole run.
    REQUIRE(::flock(descriptor, LOCK_SH | LOCK_NB) == 0);
    const auto shard = Run(experiment, "--quiet --shard 1/2");
    INFO(shard.err);
    CHECK(shard.exit_code == 0);
    const auto whole = Run(experiment);
    CHECK(whole.exit_code == 2);
    ::close(descriptor);
    CHECK(Run(experiment, "--quiet").exit_code == 0);
  }
  fs::remove_all(directory);
}

TEST_CASE("merge checks every source first, refuses mixes, and replaces its destination at once",
          "[cli][experiment][folders]") {
  const fs::path directory = ScratchDir("folders_merge");
  const fs::path experiment = WriteSmallExperiment(directory, kBudget);
  const fs::path shard0 = directory / "shard0";
  const fs::path shard1 = directory / "shard1";
  REQUIRE(Run(experiment, "--quiet --shard 0/2 --output " + Quote(shard0)).exit_code == 0);

  SECTION("shards of different budgets are refused, naming both; nothing written") {
    REQUIRE(Run(experiment, "--quiet --shard 1/2 --budget-evals 100 --output " + Quote(shard1)).exit_code == 0);
    const auto before = Snapshot(shard0);
    const auto merge = RunLoopfront("merge " + Quote(shard0) + " " + Quote(shard1));
    INFO(merge.err);
    CHECK(merge.exit_code == 2);
    CHECK(merge.err.find(shard0.string() + " and " + shard1.string() + " hold different experiments (budget") !=
          std::string::npos);
    CHECK(Snapshot(shard0) == before);
    const auto into_new =
        RunLoopfront("merge " + Quote(shard0) + " " + Quote(shard1) + " --output " + Quote(directory / "merged"));
    CHECK(into_new.exit_code == 2);
    CHECK_FALSE(fs::exists(directory / "merged"));
  }

  SECTION("a foreign point file in a source refuses the merge before anything is copied") {
    REQUIRE(Run(experiment, "--quiet --shard 1/2 --output " + Quote(shard1)).exit_code == 0);
    const fs::path other = directory / "other";
    REQUIRE(Run(experiment, "--quiet --seed 9 --output " + Quote(other)).exit_code == 0);
    fs::copy_file(PointFiles(other)[0], shard1 / "points" / "0123456789ab.json");
    const auto before = Snapshot(shard0);
    const auto merge = RunLoopfront("merge " + Quote(shard0) + " " + Quote(shard1));
    INFO(merge.err);
    CHECK(merge.exit_code == 2);
    CHECK(merge.err.find("merge: nothing written") != std::string::npos);
    CHECK(merge.err.find("0123456789ab.json: written with another seed") != std::string::npos);
    CHECK(Snapshot(shard0) == before);
    // Without it the shards merge into the first, atomically replaced: every point, one experiment.
    fs::remove(shard1 / "points" / "0123456789ab.json");
    std::ofstream(shard0 / "notes.txt") << "kept";
    const auto merged = RunLoopfront("merge " + Quote(shard0) + " " + Quote(shard1));
    INFO(merged.err);
    REQUIRE(merged.exit_code == 0);
    CHECK(PointFiles(shard0).size() == 4);
    CHECK(SummaryIds(shard0).size() == 4);
    CHECK(ReadWholeFile(shard0 / "notes.txt") == "kept");
    for (const auto& entry : fs::directory_iterator(directory)) {
      CHECK(entry.path().filename().string().find(".merge.tmp.") == std::string::npos);
    }
  }

  SECTION("a destination inside a points/ folder is refused") {
    const auto merge = RunLoopfront("merge " + Quote(shard0) + " --output " + Quote(shard0 / "points"));
    CHECK(merge.exit_code == 2);
    CHECK(merge.err.find("expected a destination outside every points/ folder") != std::string::npos);
    const auto nested = RunLoopfront("merge " + Quote(shard0) + " --output " + Quote(shard0 / "points" / "x"));
    CHECK(nested.exit_code == 2);
    CHECK_FALSE(fs::exists(shard0 / "points" / "x"));
  }

  SECTION("a destination holding other files is refused") {
    fs::create_directories(directory / "busy");
    std::ofstream(directory / "busy" / "summary.csv") << "x\n";
    const auto merge = RunLoopfront("merge " + Quote(shard0) + " --output " + Quote(directory / "busy"));
    CHECK(merge.exit_code == 2);
    CHECK(merge.err.find("expected a new or empty destination") != std::string::npos);
  }
  fs::remove_all(directory);
}

TEST_CASE("An experiment reports every error at once and refuses too many points before expanding",
          "[cli][experiment][folders]") {
  const fs::path directory = ScratchDir("folders_loader");
  const fs::path path = directory / "two_errors.yaml";
  // An unknown level next to a bad value in one sweep (the architecture is still read with the
  // known keys applied), and out-of-range search numbers: every problem, each at its position.
  std::ofstream(path) << "workloads: [{model: bert-base}]\n"
                         "architectures:\n"
                         "  - arch: gemmini\n"
                         "    sweep:\n"
                         "      scratchpd.capacity_bytes: [65536]\n"
                         "      scratchpad.capacity_bytes: [-5]\n"
                         "search: {budget: {evaluations: -1}, seed: -3}\n";
  const auto validate = RunLoopfront("validate " + Quote(path));
  INFO(validate.err);
  CHECK(validate.exit_code == 2);
  CHECK(validate.err.find(":5:7: architectures[0].sweep.scratchpd.capacity_bytes: expected a dotted key naming a "
                          "storage level") != std::string::npos);
  CHECK(validate.err.find(":6:7: architectures[0].sweep.scratchpad.capacity_bytes:") != std::string::npos);
  CHECK(validate.err.find(":7:32: search.budget.evaluations: expected an integer in [0, 1099511627776], got -1") !=
        std::string::npos);
  CHECK(validate.err.find(":7:43: search.seed: expected an integer ≥ 0, got -3") != std::string::npos);
  CHECK(validate.err.find("at least one positive limit") == std::string::npos);

  const fs::path sweep = directory / "sweep.yaml";
  std::ofstream(sweep) << "workloads: [{model: bert-base, seq_len: [128, 256, 512]}]\n"
                          "architectures: [{arch: gemmini, sweep: {scratchpad.capacity_bytes: [65536, 131072]}}]\n"
                          "fusion: [none, auto]\n";
  const auto limited = RunLoopfront("validate " + Quote(sweep) + " --max-points 11");
  CHECK(limited.exit_code == 2);
  CHECK(limited.err.find("expected at most 11 points (raise the limit with --max-points), got 12: 3 workloads × 2 "
                         "architectures × 2 fusion settings") != std::string::npos);
  CHECK(RunLoopfront("validate " + Quote(sweep) + " --max-points 12").exit_code == 0);
  const auto run = RunLoopfront("run " + Quote(sweep) + " --dry-run --max-points 5");
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("got 12") != std::string::npos);
  fs::remove_all(directory);
}

TEST_CASE("PointHash is stable: FNV-1a 64 of the version and the compact config", "[experiment][folders]") {
  const nlohmann::ordered_json config = {{"model", "bert-base"}, {"seed", 1}};
  // Pinned: the same text on every machine and run (util/hash.h); a change here invalidates every
  // point file written before, so it must be deliberate.
  CHECK(loopfront::experiment::PointHashFor(config, "1.0.0") ==
        loopfront::experiment::PointHashFor(nlohmann::ordered_json::parse(config.dump()), "1.0.0"));
  CHECK(loopfront::experiment::PointHashFor(config, "1.0.0") != loopfront::experiment::PointHashFor(config, "1.0.1"));
  CHECK(loopfront::experiment::PointHashFor(config, "1.0.0").size() == 16);
}
