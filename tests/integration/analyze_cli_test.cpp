// `loopfront analyze` and `loopfront validate` through the real binary.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "loopfront/util/strings.h"
#include "tests/integration/cli_runner.h"

using loopfront::testing::RunLoopfront;

TEST_CASE("analyze: the acceptance command prints the seven classes and the total", "[integration][analyze]") {
  const auto result = RunLoopfront("analyze --model bert-base --seq 128 --by class --format csv");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  const std::vector<std::string> lines = loopfront::util::Split(result.out, '\n');
  REQUIRE(lines.size() == 10);  // header, eight rows, and the empty string after the last newline
  CHECK(lines[0] ==
        "model,seq_len,batch,phase,group,count,macs,flops,bytes,arithmetic_intensity,params,kv_cache_bytes");
  // 12 layers × 4 × 2 × 768² × 128 FLOPs; (2 × 128 × 768 + 768²) × 48 bytes.
  CHECK(lines[1].starts_with("bert-base,128,1,prefill,mha_projection,48,3623878656,7247757312,37748736,192,"));
  CHECK(lines[2].starts_with("bert-base,128,1,prefill,mha_act_to_act,24,301989888,603979776,"));
  CHECK(lines[3].starts_with("bert-base,128,1,prefill,ffn_projection,24,7247757312,14495514624,"));
  CHECK(lines[4].starts_with("bert-base,128,1,prefill,other,72,0,"));
  CHECK(lines[5].starts_with("bert-base,128,1,prefill,embedding,"));
  CHECK(lines[6].starts_with("bert-base,128,1,prefill,lm_head,"));
  CHECK(lines[7].starts_with("bert-base,128,1,prefill,moe_router,0,0,0,0,0,0,0"));
  CHECK(lines[8].starts_with("bert-base,128,1,prefill,total,"));
  CHECK(lines[9].empty());
}

TEST_CASE("analyze: several sequence lengths, JSON and table", "[integration][analyze]") {
  const auto json = RunLoopfront("analyze --model gpt2 --seq 16,32 --phase decode --by class --format json");
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"seq_len\": 32") != std::string::npos);
  CHECK(json.out.find("\"phase\": \"decode\"") != std::string::npos);
  CHECK(json.out.find("\"flops\": ") != std::string::npos);

  const auto table = RunLoopfront("analyze --model vit-b16");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("vit-b16: seq_len 197, batch 1, prefill") != std::string::npos);
  CHECK(table.out.find("qk_matmul") != std::string::npos);
}

TEST_CASE("analyze: bad options exit with code 2 and write no data", "[integration][analyze]") {
  for (const std::string arguments :
       {"analyze --model bert-bse", "analyze --model bert-base --phase decode", "analyze --model bert-base --seq 0",
        "analyze --model bert-base --by layer", "analyze --model gpt2 --precision w4a16kv"}) {
    INFO(arguments);
    const auto result = RunLoopfront(arguments);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_FALSE(result.err.empty());
  }
  CHECK(RunLoopfront("analyze --model bert-bse").err.find("did you mean 'bert-base'?") != std::string::npos);
}

TEST_CASE("analyze and search --precision: bad text and misplaced uses exit 2 naming the option",
          "[integration][analyze]") {
  const auto bad = RunLoopfront("analyze --model gpt2 --precision w4a16kv");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--precision: expected tokens w, a, kv, acc") != std::string::npos);
  CHECK(bad.err.find("'kv' has no bits after it") != std::string::npos);

  const auto op_list = RunLoopfront("analyze --model '" LOOPFRONT_SOURCE_DIR
                                    "/workloads/examples/bert-base-attention.yaml' --precision w4");
  CHECK(op_list.exit_code == 2);
  CHECK(op_list.err.find("--precision: expected a transformer workload, got the op list") != std::string::npos);

  const auto single_op = RunLoopfront("search --arch gemmini --op 'matmul m=16 n=16 k=16' --precision w4");
  CHECK(single_op.exit_code == 2);
  CHECK(single_op.err.find("expected --precision with --model") != std::string::npos);

  const auto search_model = RunLoopfront("search --arch gemmini --model gpt2 --seq 8 --precision w4a16x");
  CHECK(search_model.exit_code == 2);
  CHECK(search_model.err.find("'x' at character 6") != std::string::npos);

  const auto good = RunLoopfront("analyze --model gpt2 --seq 8 --precision W4A16KV8 --format csv");
  INFO(good.err);
  CHECK(good.exit_code == 0);
}

TEST_CASE("validate: the example op list and the presets are ok", "[integration][validate]") {
  const auto example = RunLoopfront("validate '" LOOPFRONT_SOURCE_DIR "/workloads/examples/bert-base-attention.yaml'");
  INFO(example.err);
  CHECK(example.exit_code == 0);
  CHECK(example.out == "ok\n");
  for (const std::string preset : {"bert-base", "llama2-7b", "vit-b16"}) {
    const auto result = RunLoopfront("validate '" LOOPFRONT_SOURCE_DIR "/workloads/" + preset + ".yaml'");
    INFO(preset << ": " << result.err);
    CHECK(result.exit_code == 0);
  }
}
