#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "loopfront/pareto/front.h"
#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"

using loopfront::testing::RunLoopfront;

namespace {

constexpr const char* kHeader =
    "model,seq_len,batch,phase,arch,fusion,point,latency_cycles,energy_pj,edp_pj_cycles,fusion_plan";

struct Row {
  std::vector<std::string> cells;
  loopfront::pareto::Objectives objectives;
};

// The rows of a `search --model --format csv` output, checked cell by cell against the columns.
std::vector<Row> ParseFront(const std::string& csv) {
  std::istringstream stream(csv);
  std::string line;
  std::getline(stream, line);
  CHECK(line == kHeader);
  std::vector<Row> rows;
  while (std::getline(stream, line)) {
    // The fusion plan (last column) holds no comma: the groups are joined by "; ".
    Row row{loopfront::util::Split(line, ','), {}};
    REQUIRE(row.cells.size() == 11);
    row.objectives = {std::stod(row.cells[7]), std::stod(row.cells[8])};
    CHECK(std::stod(row.cells[9]) == Approx(row.objectives.EdpPjCycles()).epsilon(1e-12));
    rows.push_back(row);
  }
  return rows;
}

std::vector<Row> RowsWithFusion(const std::vector<Row>& rows, const std::string& fusion) {
  std::vector<Row> selected;
  for (const Row& row : rows) {
    if (row.cells[5] == fusion) selected.push_back(row);
  }
  return selected;
}

// Every row of `worse` is weakly dominated by a row of `better`.
bool NowhereBetter(const std::vector<Row>& worse, const std::vector<Row>& better) {
  for (const Row& row : worse) {
    bool covered = false;
    for (const Row& other : better) covered |= loopfront::pareto::WeaklyDominates(other.objectives, row.objectives);
    if (!covered) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("search --model: BERT fronts with and without fusion, same for 1 and 2 threads", "[cli][search][model]") {
  const std::string command =
      "search --model bert-base --seq 128 --arch gemmini-ibert --budget-evals 5000 --tilings 8 --format csv --threads ";
  const auto one = RunLoopfront(command + "1");
  const auto two = RunLoopfront(command + "2");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(one.out == two.out);
  const std::vector<Row> rows = ParseFront(one.out);
  const std::vector<Row> fused = RowsWithFusion(rows, "auto");
  const std::vector<Row> unfused = RowsWithFusion(rows, "none");
  REQUIRE_FALSE(fused.empty());
  REQUIRE_FALSE(unfused.empty());
  CHECK(fused.size() + unfused.size() == rows.size());
  for (const Row& row : rows) {
    CHECK(row.cells[0] == "bert-base");
    CHECK(row.cells[1] == "128");
    CHECK(row.cells[2] == "1");
    CHECK(row.cells[3] == "prefill");
    CHECK(row.cells[4] == "gemmini-ibert");
  }
  for (std::size_t index = 0; index < fused.size(); ++index) CHECK(fused[index].cells[6] == std::to_string(index));
  for (const Row& row : unfused) CHECK(row.cells[10] == "none");
  for (const Row& a : fused) {
    for (const Row& b : fused) CHECK_FALSE(loopfront::pareto::Dominates(a.objectives, b.objectives));
  }
  CHECK(NowhereBetter(unfused, fused));
  // The knee's breakdown and the statistics go to stderr.
  CHECK(one.err.find("knee (point") != std::string::npos);
  // 9 shapes in a block, plus BERT's ends: the embedding gather and the position and segment
  // table adds (one shape; embed_norm has the blocks' LayerNorm shape).
  CHECK(one.err.find("11 op searches") != std::string::npos);
  CHECK(one.err.find("qk_matmul") != std::string::npos);
}

TEST_CASE("search --model --fusion none prints the no-fusion front only", "[cli][search][model]") {
  const std::string command =
      "search --model bert-base --seq 128 --arch gemmini-ibert --budget-evals 5000 --format csv";
  const auto none = RunLoopfront(command + " --fusion none");
  const auto with = RunLoopfront(command + " --fusion auto --tilings 8");
  REQUIRE(none.exit_code == 0);
  REQUIRE(with.exit_code == 0);
  const std::vector<Row> rows = ParseFront(none.out);
  REQUIRE_FALSE(rows.empty());
  for (const Row& row : rows) {
    CHECK(row.cells[5] == "none");
    CHECK(row.cells[10] == "none");
  }
  // The same op searches (same seeds): exactly the no-fusion rows of the fusion run, and nowhere
  // better than its fused front.
  const std::vector<Row> with_rows = ParseFront(with.out);
  const std::vector<Row> unfused = RowsWithFusion(with_rows, "none");
  REQUIRE(unfused.size() == rows.size());
  for (std::size_t index = 0; index < rows.size(); ++index) {
    CHECK(unfused[index].objectives == rows[index].objectives);
  }
  CHECK(NowhereBetter(rows, RowsWithFusion(with_rows, "auto")));
}

TEST_CASE("search --model: table and JSON, decode of GPT-2 and one decode step", "[cli][search][model]") {
  const auto table = RunLoopfront(
      "search --model gpt2 --phase decode --seq 32 --kv-buckets 3 --arch gemmini-ibert --budget-evals 2000 --tilings "
      "4");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("generation of 32 tokens") != std::string::npos);
  CHECK(table.out.find("<- knee (min EDP)") != std::string::npos);
  CHECK(table.out.find("front without fusion:") != std::string::npos);
  CHECK(table.out.find("knee breakdown") != std::string::npos);
  CHECK(table.out.find("q_proj @all steps") != std::string::npos);

  const auto json_run = RunLoopfront(
      "search --model gpt2 --phase decode --seq 512 --kv-len 300 --arch gemmini-ibert --budget-evals 2000 "
      "--tilings 4 --format json");
  REQUIRE(json_run.exit_code == 0);
  const nlohmann::json json = nlohmann::json::parse(json_run.out);
  CHECK(json["model"] == "gpt2");
  CHECK(json["phase"] == "decode");
  CHECK(json["parts"].size() == 1);
  CHECK(json["parts"][0]["label"] == "kv_len 300");
  CHECK_FALSE(json["front"].empty());
  CHECK_FALSE(json["front_without_fusion"].empty());
  CHECK_FALSE(json["knee_breakdown"].empty());
  CHECK(json["statistics"]["op_searches"].get<int>() > 0);
}

TEST_CASE("search --model rejects single-op options and bad phases", "[cli][search][model]") {
  const auto with_op =
      RunLoopfront("search --model bert-base --arch gemmini-ibert --op 'matmul m=8 n=8 k=8' --objectives edp");
  CHECK(with_op.exit_code == 2);
  CHECK(with_op.err.find("--op: expected no --op with --model") != std::string::npos);
  CHECK(with_op.err.find("--objectives") != std::string::npos);
  const auto encoder_decode = RunLoopfront("search --model bert-base --phase decode --arch gemmini-ibert");
  CHECK(encoder_decode.exit_code == 2);
  CHECK(encoder_decode.err.find("decode") != std::string::npos);
  const auto bad_fusion = RunLoopfront("search --model bert-base --arch gemmini-ibert --fusion sometimes");
  CHECK(bad_fusion.exit_code == 2);
  const auto bad_model = RunLoopfront("search --model bert-bass --arch gemmini-ibert");
  CHECK(bad_model.exit_code == 2);
  CHECK(bad_model.err.find("did you mean 'bert-base'") != std::string::npos);
  const auto bad_cost_param = RunLoopfront("search --model bert-base --arch gemmini-ibert --cost-param scale=2");
  CHECK(bad_cost_param.exit_code == 2);
  CHECK(bad_cost_param.err.find("--cost-param: expected NAME=VALUE") != std::string::npos);
}

// The acceptance run of issue 5 with the default budget: a few seconds.
TEST_CASE("search --model bert-base --seq 512 on gemmini-ibert fuses attention", "[cli][search][model][.slow]") {
  const std::string command = "search --model bert-base --seq 512 --arch gemmini-ibert --format csv --fusion ";
  const auto with = RunLoopfront(command + "auto");
  const auto none = RunLoopfront(command + "none");
  REQUIRE(with.exit_code == 0);
  REQUIRE(none.exit_code == 0);
  const std::vector<Row> fused = RowsWithFusion(ParseFront(with.out), "auto");
  bool attention = false;
  for (const Row& row : fused)
    attention |= row.cells[10].find("attention(qk_matmul+softmax+av_matmul)") != std::string::npos;
  CHECK(attention);
  CHECK(NowhereBetter(ParseFront(none.out), fused));
}
