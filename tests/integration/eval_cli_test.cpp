// `loopfront eval` and the cost-model part of `loopfront list`, run as a user would.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/cli_runner.h"

using loopfront::testing::RunLoopfront;

namespace {

const std::string kWqMapping =
    (std::filesystem::path(LOOPFRONT_SOURCE_DIR) / "experiments" / "mappings" / "gemmini_bert_wq.yaml").string();

// A scratch mapping file, removed at the end of the scope.
class TempMapping {
 public:
  explicit TempMapping(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("loopfront_eval_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".yaml")) {
    std::ofstream(path_) << text;
  }
  ~TempMapping() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace

TEST_CASE("eval explains the shipped Gemmini W_Q mapping level by level", "[integration][eval]") {
  const auto result =
      RunLoopfront("eval --arch gemmini --op 'matmul m=512 n=768 k=768' --mapping '" + kWqMapping + "'");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  using Catch::Contains;
  CHECK_THAT(result.out, Contains("301,989,888 MACs"));
  for (const char* level : {"DRAM", "scratchpad", "accumulator", "weight_reg"}) CHECK_THAT(result.out, Contains(level));
  CHECK_THAT(result.out, Contains("compute cycles:  1,179,648"));
  // The scratchpad is single-buffered: the array waits while its fills (A 393,216 + B 1,179,648
  // words) cross DRAM at 8 words/cycle, 196,608 cycles.
  CHECK_THAT(result.out,
             Contains("stall:           196,608 cycles waiting for the tiles of single-buffered scratchpad"));
  CHECK_THAT(result.out, Contains("total cycles:    1,376,256"));
  CHECK_THAT(result.out, Contains("bounded by:      scratchpad (single-buffered"));
  // 1,179,648 / 1,376,256.
  CHECK_THAT(result.out, Contains("utilization:     85.71%"));
  CHECK_THAT(result.out, Contains("EDP:"));
  CHECK_THAT(result.out, Contains("padding waste:   0.00%"));

  // The mapping file names the arch and op itself.
  const auto from_file = RunLoopfront("eval --mapping '" + kWqMapping + "'");
  CHECK(from_file.exit_code == 0);
  CHECK(from_file.out == result.out);
}

TEST_CASE("eval names the level whose bandwidth bounds the op", "[integration][eval]") {
  // Decode-time matrix-vector product: every weight crosses DRAM once at 8 words/cycle.
  const TempMapping mapping(
      "arch: gemmini\nop: \"matvec n=768 k=768\"\n"
      "mapping: \"DRAM[n48] scratchpad[k48 | x:n16] accumulator[| y:k16] weight_reg[]\"\n");
  const auto table = RunLoopfront("eval --mapping '" + mapping.path() + "'");
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("bounded by:      DRAM (shared bandwidth)"));
  CHECK_THAT(table.out, Catch::Contains("<- bounds the op"));

  const auto json_result = RunLoopfront("eval --format json --mapping '" + mapping.path() + "'");
  REQUIRE(json_result.exit_code == 0);
  const nlohmann::json json = nlohmann::json::parse(json_result.out);
  CHECK(json["bounding_level"] == "DRAM");
  CHECK(json["levels"][0]["limiting_bandwidth"] == "shared");
  CHECK(json["cycles"].get<std::int64_t>() >= 73920);
  CHECK(json["levels"][0]["tensors"]["B"]["reads"].get<std::int64_t>() == 768 * 768);
  CHECK(json["cost_model"] == "dataflow");

  const auto roofline = RunLoopfront("eval --cost-model roofline --format json --mapping '" + mapping.path() + "'");
  REQUIRE(roofline.exit_code == 0);
  const nlohmann::json bound = nlohmann::json::parse(roofline.out);
  CHECK(bound["cycles"] == 73920);
  CHECK(bound["cycles"].get<std::int64_t>() <= json["cycles"].get<std::int64_t>());
}

TEST_CASE("eval explains a vector op on the I-BERT vector unit", "[integration][eval]") {
  // 12 × 512 × 512 scores, 5 operations per element over 3 passes, on 16 lanes (one per bank).
  const TempMapping mapping(
      "arch: gemmini-ibert\nop: \"softmax h=12 m=512 n=512\"\n"
      "mapping: \"DRAM[h12 m4 pass3 n2] scratchpad{}[| x:m16] accumulator*1{A,Z}[m8 n256] "
      "weight_reg{}[]\"\n");
  const auto dataflow = RunLoopfront("eval --mapping '" + mapping.path() + "'");
  INFO(dataflow.err);
  REQUIRE(dataflow.exit_code == 0);
  CHECK_THAT(dataflow.out, Catch::Contains("vector operations on the vector unit"));
  CHECK_THAT(dataflow.out, Catch::Contains("compute cycles:  983,040"));
  const auto roofline = RunLoopfront("eval --cost-model roofline --mapping '" + mapping.path() + "'");
  REQUIRE(roofline.exit_code == 0);
  CHECK_THAT(roofline.out, Catch::Contains("bounded by:      compute (the vector unit)"));
  CHECK_THAT(roofline.out, Catch::Contains("total cycles:    983,040"));
}

TEST_CASE("eval takes the op from a workload", "[integration][eval]") {
  const TempMapping mapping(
      "mapping: \"DRAM[m2 n48] scratchpad*1[k48 | x:n16] accumulator[| y:k16] weight_reg[m256]\"\n");
  const auto result =
      RunLoopfront("eval --arch gemmini --workload bert-base --op-name q_proj --mapping '" + mapping.path() + "'");
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("total cycles:    1,376,256"));

  const auto typo =
      RunLoopfront("eval --arch gemmini --workload bert-base --op-name q_prj --mapping '" + mapping.path() + "'");
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("did you mean 'q_proj'?"));
}

TEST_CASE("eval rejects invalid mappings and bad options with exit code 2", "[integration][eval]") {
  using Catch::Contains;
  const TempMapping overflow("mapping: \"DRAM[n48] scratchpad[k48 | x:n16] accumulator[| y:k16] weight_reg[m512]\"\n");
  const auto invalid =
      RunLoopfront("eval --arch gemmini --op 'matmul m=512 n=768 k=768' --mapping '" + overflow.path() + "'");
  CHECK(invalid.exit_code == 2);
  CHECK(invalid.out.empty());
  CHECK_THAT(invalid.err,
             Contains(overflow.path() + ":1:10: mapping: expected a valid mapping") && Contains("usable capacity"));

  const auto conflicting =
      RunLoopfront("eval --arch gemmini --op 'matmul m=512 n=768 k=64' --mapping '" + kWqMapping + "'");
  CHECK(conflicting.exit_code == 2);
  CHECK_THAT(conflicting.err, Contains("expected the op given on the command line"));

  const auto model = RunLoopfront("eval --cost-model roofine --mapping '" + kWqMapping + "'");
  CHECK(model.exit_code == 2);
  CHECK_THAT(model.err, Contains("did you mean 'roofline'?"));

  const auto param = RunLoopfront("eval --arch gemmini --op 'matmul m=512 n=768 k=768' --mapping '" + kWqMapping +
                                  "' --cost-model roofline --cost-param scale=2");
  CHECK(param.exit_code == 2);
  CHECK_THAT(param.err, Contains("--cost-param: expected NAME=VALUE with NAME one of (none) (cost_model roofline), "
                                 "got 'scale=2'"));

  const auto arch = RunLoopfront("eval --arch gemini --op 'matmul m=512 n=768 k=768' --mapping '" + kWqMapping + "'");
  CHECK(arch.exit_code == 2);
  CHECK_THAT(arch.err, Contains("did you mean 'gemmini'?"));

  const TempMapping bare("mapping: \"DRAM[m512 n768 k768] scratchpad[] accumulator[] weight_reg[]\"\n");
  const auto missing = RunLoopfront("eval --mapping '" + bare.path() + "'");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("expected --arch and the op"));
}

TEST_CASE("list shows the cost models", "[integration][eval]") {
  const auto result = RunLoopfront("list");
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("cost models (--cost-model NAME, parameters as --cost-param NAME=VALUE):"));
  CHECK_THAT(result.out, Catch::Contains("  dataflow "));
  CHECK_THAT(result.out, Catch::Contains("  roofline "));
}
