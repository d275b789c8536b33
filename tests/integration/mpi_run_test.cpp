// `mpirun -n K loopfront run` in the MPI build (experiment/mpi_runner.h): the tables equal a single
// process's, only rank 0 prints, resume and --shard work, bad input (a bad file, a worker that
// cannot load the experiment) is reported once with exit code 2 on every rank, and SIGTERM leaves
// complete files. Compiled only with -DLOOPFRONT_MPI=ON (tests/CMakeLists.txt).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cli_runner.h"
#include "tests/integration/experiment_fixtures.h"

using loopfront::testing::CommandResult;
using loopfront::testing::ReadWholeFile;
using loopfront::testing::RunCommand;
using loopfront::testing::RunLoopfront;
using loopfront::testing::StartQuietly;
using loopfront::testing::WithoutColumn;
using loopfront::testing::WriteSequenceSweep;
namespace fs = std::filesystem;

namespace {

// `mpirun -n RANKS` and its flags, as words; the flags let a CI container (root, fewer cores than
// ranks) start it.
std::vector<std::string> MpirunWords(int ranks) {
  std::vector<std::string> words = {"mpirun", "-n", std::to_string(ranks), "--oversubscribe"};
  if (::geteuid() == 0) words.push_back("--allow-run-as-root");
  words.push_back(LOOPFRONT_BINARY);
  return words;
}

// Whether mpirun is installed; warns when it is not (the test then checks nothing).
bool MpirunInstalled() {
  if (std::system("command -v mpirun >/dev/null 2>&1") == 0) return true;
  WARN("mpirun is not installed (Debian: openmpi-bin): the MPI runner is not tested");
  return false;
}

// The same as a shell command prefix.
std::string MpirunPrefix(int ranks) {
  std::string prefix;
  for (const std::string& word : MpirunWords(ranks)) prefix += "'" + word + "' ";
  return prefix;
}

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

std::size_t PointFiles(const fs::path& output) {
  std::size_t count = 0;
  if (!fs::is_directory(output / "points")) return 0;
  for (const auto& entry : fs::directory_iterator(output / "points")) {
    count += entry.path().extension() == ".json" && entry.path().filename().string().front() != '.' ? 1 : 0;
  }
  return count;
}

}  // namespace

TEST_CASE("mpirun: 2 and 3 ranks write the tables of a single process, and only rank 0 prints",
          "[cli][experiment][mpi]") {
  if (!MpirunInstalled()) return;
  const std::string mpirun2 = MpirunPrefix(2);
  const fs::path directory = fs::temp_directory_path() / ("loopfront_mpi_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  // Survey Sec. 3.4's nine Gemmini memory sizes at a tiny budget: a few seconds in all.
  const std::string experiment = std::string(LOOPFRONT_SOURCE_DIR) + "/experiments/gemmini_memory.yaml";
  const std::string options = " --budget-evals 150 --no-plot --threads 1 --output ";
  const fs::path single = directory / "single";
  const auto reference = RunLoopfront("run '" + experiment + "'" + options + "'" + single.string() + "' --quiet");
  INFO(reference.err);
  REQUIRE(reference.exit_code == 0);
  const std::string summary = WithoutColumn(ReadWholeFile(single / "summary.csv"), "wall_seconds");
  const std::string fronts = ReadWholeFile(single / "fronts.csv");
  const std::string ops = ReadWholeFile(single / "ops.csv");
  REQUIRE(PointFiles(single) == 9);

  const fs::path ranks = directory / "mpi";
  const CommandResult run =
      RunCommand(mpirun2 + "run '" + experiment + "'" + options + "'" + ranks.string() + "' --verbose");
  INFO(run.out);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(PointFiles(ranks) == 9);
  CHECK(WithoutColumn(ReadWholeFile(ranks / "summary.csv"), "wall_seconds") == summary);
  CHECK(ReadWholeFile(ranks / "fronts.csv") == fronts);
  CHECK(ReadWholeFile(ranks / "ops.csv") == ops);
  const nlohmann::json manifest = nlohmann::json::parse(ReadWholeFile(ranks / "manifest.json"));
  CHECK(manifest.at("points_run") == 9);
  CHECK(manifest.at("points_present") == 9);
  // Rank 0 alone prints: one line per point, one summary, one "results in".
  CHECK(Count(run.err, "point 9/9 ") == 1);
  CHECK(Count(run.err, "9 of 9 points in shard 0/1 (9 run now, 0 already done)") == 1);
  CHECK(Count(run.out, "results in ") == 1);

  // 3 ranks resume what 2 ranks left: only the missing points run, the tables are the same.
  {
    const std::string mpirun3 = MpirunPrefix(3);
    int removed = 0;
    for (const auto& entry : fs::directory_iterator(ranks / "points")) {
      if (removed < 4) fs::remove(entry.path());
      ++removed;
    }
    const CommandResult rerun = RunCommand(mpirun3 + "run '" + experiment + "'" + options + "'" + ranks.string() + "'");
    INFO(rerun.err);
    REQUIRE(rerun.exit_code == 0);
    CHECK(Count(rerun.err, "9 of 9 points in shard 0/1 (4 run now, 5 already done)") == 1);
    CHECK(PointFiles(ranks) == 9);
    CHECK(WithoutColumn(ReadWholeFile(ranks / "summary.csv"), "wall_seconds") == summary);
    CHECK(ReadWholeFile(ranks / "fronts.csv") == fronts);
    CHECK(ReadWholeFile(ranks / "ops.csv") == ops);
  }

  // A shard of the points, on 2 ranks.
  {
    const fs::path shard = directory / "shard";
    const CommandResult part =
        RunCommand(mpirun2 + "run '" + experiment + "'" + options + "'" + shard.string() + "' --shard 1/3");
    INFO(part.err);
    REQUIRE(part.exit_code == 0);
    CHECK(PointFiles(shard) == 3);  // indices 1, 4, 7
    CHECK(Count(part.err, "3 of 3 points in shard 1/3") == 1);
  }

  fs::remove_all(directory);
}

TEST_CASE("mpirun: bad input is reported once and every rank exits with the code of rank 0", "[cli][experiment][mpi]") {
  if (!MpirunInstalled()) return;
  const std::string mpirun2 = MpirunPrefix(2);
  const fs::path bad = fs::temp_directory_path() / ("loopfront_mpi_bad_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(bad) << "name: bad\nworkloads: [{model: bert-base}]\narchitectures: [{arch: gemmini}]\n"
                        "search: {budget: {evaluations: 10}}\nfusion: none\nunknown_key: 1\n";
  const CommandResult failed = RunCommand(mpirun2 + "run '" + bad.string() + "' --no-plot");
  INFO(failed.err);
  CHECK(failed.exit_code == 2);
  CHECK(Count(failed.err, bad.string() + ":6:1:") == 1);
  fs::remove(bad);

  const std::string experiment = std::string(LOOPFRONT_SOURCE_DIR) + "/experiments/gemmini_memory.yaml";
  const CommandResult dry = RunCommand(mpirun2 + "run '" + experiment + "' --dry-run");
  INFO(dry.err);
  CHECK(dry.exit_code == 0);
  CHECK(Count(dry.out, "experiment gemmini_memory: 9 points") == 1);

  // A worker that cannot load the experiment (here: half a Slurm array's variables, in its
  // environment only) stops the run with exit code 2; rank 0 says which rank.
  const fs::path out = fs::temp_directory_path() / ("loopfront_mpi_worker_" + std::to_string(::getpid()));
  const std::string run =
      "run '" + experiment + "' --budget-evals 50 --no-plot --quiet --output '" + out.string() + "'";
  const CommandResult worker =
      RunCommand(MpirunPrefix(1) + run + " : -n 1 -x SLURM_ARRAY_TASK_ID=7 '" + LOOPFRONT_BINARY + "' " + run);
  INFO(worker.err);
  CHECK(worker.exit_code == 2);
  CHECK(Count(worker.err, "error: rank 1: SLURM_ARRAY_TASK_ID") == 1);
  fs::remove_all(out);
}

TEST_CASE("mpirun: SIGTERM stops every rank after the finished points are written, and a rerun completes",
          "[cli][experiment][mpi]") {
  if (!MpirunInstalled()) return;
  const fs::path directory = fs::temp_directory_path() / ("loopfront_mpi_stop_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  const fs::path experiment = directory / "long.yaml";
  const fs::path out = directory / "out";
  // Six points of about a second or more each, two at a time on the two workers.
  WriteSequenceSweep(experiment, out, 300000);
  std::vector<std::string> words = MpirunWords(3);
  for (const char* word : {"run", experiment.c_str(), "--threads", "1", "--quiet", "--no-plot"}) words.push_back(word);
  const pid_t child = StartQuietly(words);
  REQUIRE(child >= 0);
  // mpirun passes SIGTERM on to every rank, as Slurm does at preemption.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline && PointFiles(out) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(PointFiles(out) > 0);
  ::kill(child, SIGTERM);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const std::size_t finished = PointFiles(out);
  CHECK(finished < 6);
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    CHECK(entry.path().filename().string().front() != '.');  // no temporary file left
    CHECK_NOTHROW(nlohmann::json::parse(ReadWholeFile(entry.path())));
  }
  const nlohmann::json manifest = nlohmann::json::parse(ReadWholeFile(out / "manifest.json"));
  CHECK(manifest.at("interrupted_by_signal") == SIGTERM);
  CHECK(manifest.at("points_present") == finished);
  CHECK(Count(ReadWholeFile(out / "summary.csv"), "\n") == 1 + finished);

  const CommandResult rerun = RunCommand(MpirunPrefix(3) + "run '" + experiment.string() + "' --threads 1 --no-plot");
  INFO(rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(Count(rerun.err, "6 of 6 points in shard 0/1 (" + std::to_string(6 - finished) + " run now, " +
                             std::to_string(finished) + " already done)") == 1);
  CHECK(PointFiles(out) == 6);
  fs::remove_all(directory);
}
