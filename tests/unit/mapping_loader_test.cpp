// Mapping files (mapping/loader.h): YAML round trip, the one-line form, the header naming the
// architecture and op, and errors positioned at the entry to fix.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "loopfront/arch/loader.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/op_spec.h"
#include "tests/unit/preset_mappings.h"

using loopfront::mapping::Mapping;
using loopfront::mapping::MappingFile;
using loopfront::mapping::MappingFileHeader;
using loopfront::mapping::Problem;

namespace {

Problem GemminiProblem(const std::string& op = "matmul m=512 n=768 k=768") {
  return Problem::Build(loopfront::workload::ParseOpSpec(op), loopfront::arch::LoadArchitecture("gemmini"));
}

// The diagnostics of reading `text` against `problem`; empty if it reads.
std::string ErrorsOf(const std::string& text, const Problem& problem) {
  try {
    MappingFile::FromString(text, "m.yaml").Read(problem);
  } catch (const loopfront::util::ConfigError& error) {
    return error.what();
  }
  return "";
}

const std::string kWq = R"(arch: gemmini
op: "matmul m=512 n=768 k=768"
mapping:
  - level: DRAM
    temporal: [[m, 2], [n, 48]]
  - level: scratchpad
    buffering: single
    keeps: [A, B]
    temporal: [[k, 48]]
    spatial: [[n, 16, x]]
  - level: accumulator
    spatial: [[k, 16, y]]
  - level: weight_reg
    temporal: [[m, 256]]
)";

}  // namespace

TEST_CASE("A mapping file reads into the mapping its one-line form describes", "[mapping][loader]") {
  const Problem problem = GemminiProblem();
  const MappingFile file = MappingFile::FromString(kWq, "m.yaml");
  CHECK(file.header().arch == "gemmini");
  CHECK(file.header().op == "matmul m=512 n=768 k=768");
  const Mapping mapping = file.Read(problem);
  const Mapping expected = loopfront::mapping::ParseMapping(
      "DRAM[m2 n48] scratchpad*1{A,B}[k48 | x:n16] accumulator*2[| y:k16] weight_reg[m256]", problem);
  CHECK(mapping == expected);

  // The header names the same problem.
  const std::optional<Problem> from_header = file.HeaderProblem();
  REQUIRE(from_header.has_value());
  CHECK(from_header->arch() == problem.arch());
  CHECK(from_header->op() == problem.op());

  // The one-line form is accepted as the value of `mapping:`.
  const std::string one_line = "mapping: \"" + loopfront::mapping::ToString(expected, problem) + "\"\n";
  CHECK(MappingFile::FromString(one_line, "m.yaml").Read(problem) == expected);
}

TEST_CASE("Mappings round-trip through YAML", "[mapping][loader]") {
  for (const std::string op : {"matmul m=512 n=768 k=768", "bmm h=12 m=64 n=64 k=64", "matvec n=768 k=768"}) {
    const Problem problem = GemminiProblem(op);
    const MappingFileHeader header{.arch = "gemmini", .op = op};
    for (const Mapping& mapping : loopfront::testing::RandomValidMappings(problem, 50, 7)) {
      const std::string yaml = loopfront::mapping::MappingToYaml(mapping, problem, header);
      INFO(yaml);
      const MappingFile file = MappingFile::FromString(yaml, "round.yaml");
      CHECK(file.header().op == op);
      CHECK(file.Read(problem) == mapping);
    }
  }
}

TEST_CASE("The shipped Gemmini W_Q mapping is valid", "[mapping][loader]") {
  const MappingFile file = MappingFile::Load(std::filesystem::path(LOOPFRONT_SOURCE_DIR) / "experiments" / "mappings" /
                                             "gemmini_bert_wq.yaml");
  const std::optional<Problem> problem = file.HeaderProblem();
  REQUIRE(problem.has_value());
  const Mapping mapping = file.Read(*problem);
  CHECK(loopfront::mapping::CheckMapping(mapping, *problem).ok());
}

TEST_CASE("Bad mapping files are reported at the entry to fix", "[mapping][loader]") {
  using Catch::Contains;
  const Problem problem = GemminiProblem();
  std::string text = kWq;
  text.replace(text.find("level: scratchpad"), 17, "level: scratchpd");
  CHECK_THAT(ErrorsOf(text, problem),
             Contains("m.yaml:6:12: mapping[1].level: ") && Contains("did you mean 'scratchpad'?"));

  text = kWq;
  text.replace(text.find("[[m, 2], [n, 48]]"), 17, "[[m, 2], [n, 24]]");
  CHECK_THAT(ErrorsOf(text, problem),
             Contains("m.yaml:4:3: mapping: expected a valid mapping") && Contains("dim n of size 768"));

  text = kWq;
  text.replace(text.find("[[m, 256]]"), 10, "[[m, 512]]");
  text.replace(text.find("[[m, 2], [n, 48]]"), 17, "[[n, 48]]");
  CHECK_THAT(ErrorsOf(text, problem),
             Contains("m.yaml:6:5: mapping[1]: expected a valid mapping") && Contains("capacity"));

  text = kWq;
  text.replace(text.find("[[k, 16, y]]"), 12, "[[k, 16, x]]");
  CHECK_THAT(ErrorsOf(text, problem), Contains("m.yaml:12:14: mapping[2].spatial: expected a valid mapping"));

  // Buffering: double-buffered, the scratchpad's 208,896 words exceed half its capacity; DRAM
  // offers no choice; the value is one of two words.
  text = kWq;
  text.replace(text.find("buffering: single"), 17, "buffering: double");
  CHECK_THAT(ErrorsOf(text, problem), Contains("m.yaml:6:5: mapping[1]: expected a valid mapping") &&
                                          Contains("usable capacity of 131072 words (the whole capacity "
                                                   "single-buffered, half of it double-buffered)"));
  text = kWq;
  text.replace(text.find("  - level: DRAM\n"), 16, "  - level: DRAM\n    buffering: double\n");
  CHECK_THAT(ErrorsOf(text, problem), Contains("m.yaml:5:16: mapping[0].buffering: expected a valid mapping, got "
                                               "one where level DRAM is double-buffered, which its architecture "
                                               "does not offer"));
  text = kWq;
  text.replace(text.find("buffering: single"), 17, "buffering: triple");
  CHECK_THAT(ErrorsOf(text, problem), Contains("mapping[1].buffering: expected one of single, double"));

  text = kWq;
  text.replace(text.find("keeps: [A, B]"), 13, "keeps: [A, C]");
  CHECK_THAT(ErrorsOf(text, problem), Contains("mapping[1].keeps[1]: expected one of A, B, Z, got 'C'"));

  text = kWq;
  text.replace(text.find("  - level: weight_reg\n    temporal: [[m, 256]]\n"), 46, "");
  CHECK_THAT(ErrorsOf(text, problem), Contains("missing: weight_reg"));

  text = kWq;
  text.replace(text.find("temporal: [[k, 48]]"), 19, "temporl: [[k, 48]]");
  CHECK_THROWS_WITH(MappingFile::FromString(text, "m.yaml"), Contains("did you mean 'temporal'?"));

  CHECK_THAT(ErrorsOf("mapping: \"DRAM[m2 n48] scratchpad[q4]\"\n", problem), Contains("m.yaml:1:10: mapping: "));
}

TEST_CASE("A mapping file's hf: workload is a path relative to the file", "[mapping][loader][hf]") {
  const std::string text = R"(arch: gemmini
workload: hf:models/gpt2.json
op_name: q_proj
mapping:
  - level: DRAM
    temporal: [[m, 2]]
)";
  const MappingFile file = MappingFile::FromString(text, "m.yaml", "/data/maps");
  CHECK(file.ResolveRelative("hf:models/gpt2.json") == "hf:/data/maps/models/gpt2.json");
  CHECK(file.ResolveRelative("hf:/abs/config.json") == "hf:/abs/config.json");
  CHECK(file.ResolveRelative("gemmini") == "gemmini");
}
