#include "loopfront/workload/precision.h"

#include <catch2/catch.hpp>
#include <string>

#include "loopfront/util/error.h"
#include "loopfront/workload/loader.h"

using namespace loopfront::workload;

namespace {

// The message of the ConfigError that parsing `text` throws.
std::string ParseError(const std::string& text) {
  try {
    ParsePrecisionSpec(text, "--precision");
  } catch (const loopfront::util::ConfigError& error) {
    REQUIRE(error.diagnostics().size() == 1);
    CHECK(error.diagnostics().front().path == "--precision");
    return error.diagnostics().front().message;
  }
  FAIL("no error for '" << text << "'");
  return "";
}

}  // namespace

TEST_CASE("ParsePrecisionSpec reads the tokens w, a, kv, acc", "[workload][precision]") {
  CHECK(ParsePrecisionSpec("w4a16kv8", "--precision") == PrecisionSpec{.weights = 4, .activations = 16, .kv_cache = 8});
  CHECK(ParsePrecisionSpec("w8a8", "--precision") == PrecisionSpec{.weights = 8, .activations = 8});
  CHECK(ParsePrecisionSpec("w4a16kv8acc32", "--precision") ==
        PrecisionSpec{.weights = 4, .activations = 16, .kv_cache = 8, .accumulators = 32});
  // Any order, either case; `acc` is not `a` followed by garbage.
  CHECK(ParsePrecisionSpec("ACC16kv4W2", "--precision") ==
        PrecisionSpec{.weights = 2, .kv_cache = 4, .accumulators = 16});
  CHECK(ParsePrecisionSpec("a1", "--precision") == PrecisionSpec{.activations = 1});
  CHECK(ParsePrecisionSpec("w64", "--precision") == PrecisionSpec{.weights = 64});
}

TEST_CASE("ParsePrecisionSpec rejects bad text, naming the problem", "[workload][precision]") {
  CHECK(ParseError("").find("it is empty") != std::string::npos);
  CHECK(ParseError("w").find("'w' has no bits after it") != std::string::npos);
  CHECK(ParseError("w4a").find("'a' has no bits after it") != std::string::npos);
  CHECK(ParseError("w0").find("weights bits 0 are outside 1..64") != std::string::npos);
  CHECK(ParseError("kv65").find("KV cache bits 65 are outside 1..64") != std::string::npos);
  CHECK(ParseError("w99999999999999999999").find("outside 1..64") != std::string::npos);
  CHECK(ParseError("w4w8").find("'w' (weights) is given twice") != std::string::npos);
  CHECK(ParseError("x4").find("'x4' at character 1 is not w, a, kv or acc") != std::string::npos);
  CHECK(ParseError("w4 a16").find("' a16' at character 3") != std::string::npos);
  CHECK(ParseError("w4-a16").find("e.g. w4a16kv8, got 'w4-a16'") != std::string::npos);
}

TEST_CASE("ResolvePrecision fills unnamed classes from bits, accumulators from 32", "[workload][precision]") {
  CHECK(ResolvePrecision(PrecisionSpec{.weights = 4}, 16) ==
        Precision{.weights = 4, .activations = 16, .kv_cache = 16, .accumulators = 32});
  CHECK(ResolvePrecision(PrecisionSpec{.activations = 8, .accumulators = 24}, 4) ==
        Precision{.weights = 4, .activations = 8, .kv_cache = 4, .accumulators = 24});
  CHECK(ResolvePrecision(PrecisionSpec{}, 8) == Precision{});
}

TEST_CASE("PrecisionOverride uses the workload's bits and refuses op lists", "[workload][precision]") {
  WorkloadSpec transformer = LoadWorkloadSpec("gpt2");
  transformer.transformer->bits = 16;
  CHECK(PrecisionOverride("w4kv8", "--precision", transformer) ==
        Precision{.weights = 4, .activations = 16, .kv_cache = 8, .accumulators = 32});
  const WorkloadSpec op_list{.name = "ops", .transformer = std::nullopt, .ops = {}};
  CHECK_THROWS_AS(PrecisionOverride("w4", "--precision", op_list), loopfront::util::ConfigError);
  CHECK_THROWS_AS(PrecisionOverride("w4q", "--precision", transformer), loopfront::util::ConfigError);
}
