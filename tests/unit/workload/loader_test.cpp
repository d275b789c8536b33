#include "loopfront/workload/loader.h"

#include <catch2/catch.hpp>

#include "loopfront/io/presets.h"
#include "loopfront/util/error.h"

using namespace loopfront::workload;
using loopfront::io::YamlDocument;
using loopfront::util::ConfigError;
using loopfront::util::Diagnostics;

namespace {

// The diagnostics a document produces, one formatted line each.
std::vector<std::string> ErrorsOf(const std::string& text) {
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString(text, "w.yaml", diagnostics);
  try {
    ReadWorkloadDocument(document, "w");
  } catch (const ConfigError& error) {
    std::vector<std::string> lines;
    for (const auto& diagnostic : error.diagnostics()) lines.push_back(diagnostic.ToString());
    return lines;
  }
  return {};
}

WorkloadSpec Read(const std::string& text) {
  Diagnostics diagnostics;
  return ReadWorkloadDocument(YamlDocument::LoadString(text, "w.yaml", diagnostics), "w");
}

const char* const kMinimalTransformer =
    "transformer:\n  d_model: 64\n  heads: 4\n  d_ff: 256\n  layers: 2\n  seq_len: 16\n";

}  // namespace

TEST_CASE("Every workload preset loads and builds", "[workload][loader]") {
  const std::vector<std::string> names = loopfront::io::PresetNames(loopfront::io::PresetKind::kWorkload);
  for (const std::string name :
       {"bert-base", "bert-large", "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "llama2-7b", "vit-b16"}) {
    INFO(name);
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
  for (const std::string& name : names) {
    INFO(name);
    const WorkloadSpec spec = LoadWorkloadSpec(name);
    REQUIRE(spec.IsTransformer());
    CHECK(spec.name == name);
    CHECK(CheckTransformerSpec(*spec.transformer).empty());
    CHECK(LoadWorkload(name).NumOps() >= 14);
  }
}

TEST_CASE("Presets carry the published configurations", "[workload][loader]") {
  const TransformerSpec llama = *LoadWorkloadSpec("llama2-7b").transformer;
  CHECK(llama.d_model == 4096);
  CHECK(llama.heads == 32);
  CHECK(llama.d_ff == 11008);
  CHECK(llama.layers == 32);
  CHECK(llama.activation == Activation::kSwiGlu);
  CHECK(llama.norm == Norm::kRmsNorm);
  const Workload llama_workload = LoadWorkload("llama2-7b");
  CHECK(llama_workload.FindOp("ffn_w3").has_value());
  CHECK(llama_workload.FindOp("gate_mul").has_value());

  // ViT-B/16 at 224×224: 196 patches + the class token.
  CHECK(LoadWorkloadSpec("vit-b16").transformer->seq_len == 197);
  CHECK(LoadWorkload("vit-b16").op(*LoadWorkload("vit-b16").FindOp("q_proj")).DimSize("m") == 197);

  const TransformerSpec xl = *LoadWorkloadSpec("gpt2-xl").transformer;
  CHECK(xl.heads * xl.d_head == 1600);
  CHECK(xl.decoder);
  CHECK_FALSE(LoadWorkloadSpec("bert-large").transformer->decoder);
}

TEST_CASE("Defaults: d_head = d_model / heads, batch 1, prefill, 8 bits, gelu, layernorm, post", "[workload][loader]") {
  const TransformerSpec spec = *Read(kMinimalTransformer).transformer;
  CHECK(spec.d_head == 16);
  CHECK(spec.batch == 1);
  CHECK(spec.phase == Phase::kPrefill);
  CHECK(spec.bits == 8);
  CHECK(spec.activation == Activation::kGelu);
  CHECK(spec.norm == Norm::kLayerNorm);
  CHECK(spec.norm_placement == NormPlacement::kPost);
  CHECK_FALSE(spec.decoder);
  CHECK(Read(kMinimalTransformer).name == "w");
}

TEST_CASE("All errors of a file are reported at once, each with its position", "[workload][loader]") {
  const std::vector<std::string> errors = ErrorsOf(
      "transformer:\n"
      "  d_model: 64\n"
      "  heads: \"4\"\n"
      "  d_ff: 0\n"
      "  layrs: 2\n"
      "  seq_len: 16\n");
  // In file order. The misspelled `layrs` is one error (its did-you-mean names the missing
  // `layers`), not also "missing key 'layers'".
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == "w.yaml:3:10: transformer.heads: expected a positive integer, got the string \"4\"");
  CHECK(errors[1] == "w.yaml:4:9: transformer.d_ff: expected a positive integer, got '0'");
  CHECK(errors[2].starts_with("w.yaml:5:3: transformer.layrs: expected one of the keys"));
  CHECK(errors[2].find("did you mean 'layers'?") != std::string::npos);
}

TEST_CASE("A missing required key is reported where its mapping starts", "[workload][loader]") {
  const std::vector<std::string> errors = ErrorsOf(
      "transformer:\n"
      "  d_model: 64\n"
      "  heads: 4\n"
      "  d_ff: 256\n"
      "  seq_len: 16\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "w.yaml:2:3: transformer: expected key 'layers' (the number of blocks), got nothing");
}

TEST_CASE("An op list builds the graph its tensor names describe", "[workload][loader]") {
  const WorkloadSpec spec = LoadWorkloadSpec(LOOPFRONT_SOURCE_DIR "/workloads/examples/bert-base-attention.yaml");
  CHECK_FALSE(spec.IsTransformer());
  CHECK(spec.name == "bert-base-attention");
  const Workload workload = BuildWorkload(spec);
  CHECK(workload.NumOps() == 3);
  CHECK(workload.NumEdges() == 2);
  // The same ops as the preset builds at 128 tokens.
  const Workload bert = LoadWorkload("bert-base", WorkloadOverrides{.seq_len = 128});
  for (const std::string name : {"qk_matmul", "softmax", "av_matmul"}) {
    INFO(name);
    CHECK(workload.op(*workload.FindOp(name)) == bert.op(*bert.FindOp(name)));
  }
}

TEST_CASE("Op-list defaults: count 1, class other, vector profile per kind, reduced dim innermost",
          "[workload][loader]") {
  const WorkloadSpec spec = Read(
      "bits: 16\n"
      "ops:\n"
      "  - name: norm\n"
      "    kind: layernorm\n"
      "    dims: {m: 4, d: 8}\n"
      "    tensors:\n"
      "      - {name: x, role: input, dims: [m, d]}\n"
      "      - {name: y, role: output, dims: [m, d], bits: 32}\n");
  REQUIRE(spec.ops.size() == 1);
  const Op& op = spec.ops[0];
  CHECK(op.count == 1);
  CHECK(op.op_class == OpClass::kOther);
  CHECK(op.passes == 3);
  CHECK(op.ops_per_element == DefaultVectorProfile(OpKind::kLayerNorm).ops_per_element);
  CHECK(op.reduced_dim == 1);
  CHECK(op.tensors[0].word_bits == 16);
  CHECK(op.tensors[1].word_bits == 32);
}

TEST_CASE("Op-list functions: one mix per pass, and without ops_per_element they give the operations",
          "[workload][loader]") {
  const WorkloadSpec spec = Read(
      "ops:\n"
      "  - name: softmax\n"
      "    kind: softmax\n"
      "    dims: {m: 4, n: 8}\n"
      "    tensors:\n"
      "      - {name: x, role: input, dims: [m, n]}\n"
      "      - {name: y, role: output, dims: [m, n]}\n"
      "    functions:\n"
      "      - {max: 1}\n"
      "      - {add: 2, exp: 1}\n"
      "      - {div: 1}\n");
  REQUIRE(spec.ops.size() == 1);
  const Op& op = spec.ops[0];
  CHECK(op.passes == 3);
  CHECK(op.ops_per_element == std::vector<double>{1, 3, 1});
  REQUIRE(op.functions.size() == 3);
  CHECK(op.functions[1][static_cast<int>(MathFunction::kExp)] == 1);
  CHECK(op.functions[2][static_cast<int>(MathFunction::kDiv)] == 1);
  CHECK(op.functions[2][static_cast<int>(MathFunction::kMul)] == 0);
  CHECK(CheckOp(op).empty());
}

TEST_CASE("Graph problems in an op list point at the op that causes them", "[workload][loader]") {
  const std::vector<std::string> errors = ErrorsOf(
      "ops:\n"
      "  - name: a\n"
      "    kind: add\n"
      "    dims: {m: 4}\n"
      "    tensors:\n"
      "      - {name: tb, role: input, dims: [m]}\n"
      "      - {name: ta, role: output, dims: [m]}\n"
      "  - name: b\n"
      "    kind: add\n"
      "    dims: {m: 4}\n"
      "    tensors:\n"
      "      - {name: ta, role: input, dims: [m]}\n"
      "      - {name: tb, role: output, dims: [m]}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].starts_with("w.yaml:6:16: ops[0].tensors[0].name: expected the ops to form an acyclic graph"));
  CHECK(errors[0].find("a -(ta)-> b -(tb)-> a") != std::string::npos);
}

TEST_CASE("Unknown presets and command-line overrides are checked", "[workload][loader]") {
  try {
    LoadWorkloadSpec("bert-bse");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()).find("did you mean 'bert-base'?") != std::string::npos);
  }
  CHECK_THROWS_AS(LoadWorkloadSpec("bert-base", WorkloadOverrides{.phase = Phase::kDecode}), ConfigError);
  CHECK_THROWS_AS(LoadWorkloadSpec(LOOPFRONT_SOURCE_DIR "/workloads/examples/bert-base-attention.yaml",
                                   WorkloadOverrides{.seq_len = 64}),
                  ConfigError);
  const WorkloadSpec decode =
      LoadWorkloadSpec("gpt2", WorkloadOverrides{.seq_len = 64, .batch = 2, .phase = Phase::kDecode});
  CHECK(decode.transformer->seq_len == 64);
  CHECK(decode.transformer->batch == 2);
  CHECK(decode.transformer->phase == Phase::kDecode);
  CHECK_THROWS_AS(LoadWorkloadSpec("no/such/file.yaml"), ConfigError);
}
