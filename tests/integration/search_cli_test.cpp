#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "loopfront/pareto/front.h"
#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"

using loopfront::testing::RunLoopfront;

namespace {

constexpr const char* kOp = "--arch gemmini --op 'matmul m=512 n=768 k=768'";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("search --format csv is identical for 1 and 2 threads and prints a non-dominated front", "[cli][search]") {
  // Issue 4's acceptance command, at the default budget.
  const std::string command = std::string("search ") + kOp + " --searcher genetic --seed 1 --format csv --threads ";
  const auto one = RunLoopfront(command + "1");
  const auto two = RunLoopfront(command + "2");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(one.out == two.out);
  const std::vector<std::string> lines = Lines(one.out);
  // Several points: double buffering overlaps the DMA with the array but halves the tiles, so the
  // fastest mappings move more data than the single-buffered ones, which wait for their tiles.
  REQUIRE(lines.size() >= 4);
  CHECK(lines[0] == "op,searcher,seed,point,latency_cycles,energy_pj,edp_pj_cycles,mapping");
  std::vector<loopfront::pareto::Objectives> points;
  for (std::size_t index = 1; index < lines.size(); ++index) {
    const std::vector<std::string> cells = loopfront::util::Split(lines[index], ',');
    REQUIRE(cells.size() == 8);
    CHECK(cells[0] == "matmul m=512 n=768 k=768");
    CHECK(cells[1] == "genetic");
    CHECK(cells[3] == std::to_string(index - 1));
    CHECK(cells[7].starts_with("DRAM"));
    points.push_back({std::stod(cells[4]), std::stod(cells[5])});
    CHECK(std::stod(cells[6]) == Approx(points.back().EdpPjCycles()).epsilon(1e-12));
  }
  for (const auto& a : points) {
    for (const auto& b : points) CHECK_FALSE(loopfront::pareto::Dominates(a, b));
  }
  CHECK(one.err.find("evaluations 400000") != std::string::npos);
  // 159,011,629,980 tilings and orders × 4 buffering choices (scratchpad, accumulator); no bypass
  // choice (gemmini's required_keeps fix every level's tensors).
  CHECK(one.err.find("mapspace 636046519920 mappings") != std::string::npos);
}

TEST_CASE("search prints a table with statistics, and JSON", "[cli][search]") {
  const auto table = RunLoopfront(std::string("search ") + kOp + " --searcher annealing --budget-evals 20000");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("<- knee (min EDP)") != std::string::npos);
  CHECK(table.out.find("statistics: evaluations 20000 (") != std::string::npos);
  CHECK(table.out.find("evaluations/s") != std::string::npos);
  const auto json = RunLoopfront(std::string("search ") + kOp + " --searcher random --budget-evals 8192 --format json");
  REQUIRE(json.exit_code == 0);
  const auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed["statistics"]["evaluations"] == 8192);
  CHECK(parsed["statistics"]["mapspace_size"] == 636046519920ULL);
  CHECK_FALSE(parsed["front"].empty());
}

TEST_CASE("search reports bad searchers, parameters, objectives and constraints with exit code 2", "[cli][search]") {
  auto result = RunLoopfront(std::string("search ") + kOp + " --searcher genetc --objectives lat");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("did you mean 'genetic'?") != std::string::npos);
  CHECK(result.err.find("--objectives: expected one of latency, energy, edp, latency,energy") != std::string::npos);
  result = RunLoopfront(std::string("search ") + kOp + " --param populaton=8");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("did you mean 'population'?") != std::string::npos);
  result = RunLoopfront(std::string("search ") + kOp + " --cost-model dataflow --cost-param fill=1");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("--cost-param: expected NAME=VALUE with NAME one of (none) (cost_model dataflow)") !=
        std::string::npos);
  result = RunLoopfront(std::string("search ") + kOp + " --searcher exhaustive");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("max_mappings") != std::string::npos);

  const auto path = std::filesystem::temp_directory_path() / "loopfront_search_constraints.yaml";
  std::ofstream(path) << "levels:\n  weight_reg:\n    temporal: {m: 0, x: 2}\n  scratch:\n    keeps: [A]\n";
  result = RunLoopfront(std::string("search ") + kOp + " --constraints " + path.string());
  std::filesystem::remove(path);
  CHECK(result.exit_code == 2);
  const auto errors = Lines(result.err);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].ends_with(":3:19: levels.weight_reg.temporal.m: expected an integer in [1, 1099511627776], got 0"));
  CHECK(errors[1].find(":3:22: levels.weight_reg.temporal.x: expected a dim of op matmul") != std::string::npos);
  CHECK(errors[2].find(":4:3: levels.scratch: expected a level of architecture gemmini") != std::string::npos);
}

TEST_CASE("search honours constraints and searches vector ops", "[cli][search]") {
  const auto path = std::filesystem::temp_directory_path() / "loopfront_search_ws.yaml";
  std::ofstream(path) << "levels:\n  weight_reg:\n    temporal: {m: 1, n: 1, k: 1}\n  scratchpad:\n"
                         "    spatial_x: {n: 16}\n";
  const auto result = RunLoopfront(std::string("search ") + kOp + " --searcher genetic --budget-evals 20000 " +
                                   "--format csv --constraints " + path.string());
  std::filesystem::remove(path);
  REQUIRE(result.exit_code == 0);
  for (const std::string& line : Lines(result.out)) {
    if (line.starts_with("op,")) continue;
    CHECK(line.find("x:n16") != std::string::npos);
    CHECK(line.ends_with("weight_reg[]"));
  }
  const auto vector_op =
      RunLoopfront("search --arch gemmini-ibert --op 'softmax m=512 n=512' --budget-evals 20000 --format csv");
  REQUIRE(vector_op.exit_code == 0);
  CHECK(vector_op.out.find("pass3") != std::string::npos);
}

TEST_CASE("list shows the searchers and their parameters", "[cli][search]") {
  const auto result = RunLoopfront("list");
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("searchers (--searcher NAME") != std::string::npos);
  CHECK(result.out.find("population (int, default 64, 4..100000)") != std::string::npos);
  CHECK(result.out.find("max_mappings (number, default") != std::string::npos);
}

TEST_CASE("search finds a front for a convolution, and for ViT-B/16 with its patch-embedding conv",
          "[cli][search][conv]") {
  const auto conv = RunLoopfront(
      "search --arch gemmini --op 'conv n=1 c=3 m=768 p=14 q=14 r=16 s=16 stride=16' --budget-evals 20000 "
      "--format csv");
  REQUIRE(conv.exit_code == 0);
  std::size_t points = 0;
  for (const std::string& line : Lines(conv.out)) {
    if (!line.starts_with("op,") && !line.empty()) ++points;
  }
  CHECK(points >= 1);
  const auto model = RunLoopfront("search --arch gemmini --model vit-b16 --budget-evals 2000");
  REQUIRE(model.exit_code == 0);
  CHECK(model.out.find("patch_embed") != std::string::npos);
}
