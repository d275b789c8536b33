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
  CHECK(errors[0] == "w.yaml:3:10: transformer.heads: expected an integer in [1, 1099511627776], got the string \"4\"");
  CHECK(errors[1] == "w.yaml:4:9: transformer.d_ff: expected an integer in [1, 1099511627776], got 0");
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

TEST_CASE("The LLM keys of #13 are read into the spec", "[workload][loader]") {
  const TransformerSpec spec = *Read(
                                    "transformer:\n"
                                    "  d_model: 64\n  heads: 8\n  kv_heads: 2\n  d_head: 16\n  d_ff: 256\n"
                                    "  layers: 2\n  seq_len: 16\n  decoder: true\n  bits: 16\n"
                                    "  vocab: 1000\n  positions: rotary\n  lm_head: all\n  tie_embeddings: true\n"
                                    "  qkv_bias: true\n  out_bias: false\n  mlp_bias: true\n  sliding_window: 8\n"
                                    "  activation: geglu\n"
                                    "  moe: {experts: 8, experts_per_token: 2}\n"
                                    "  precision: {weights: 4, kv_cache: 8}\n")
                                    .transformer;
  CHECK(spec.kv_heads == 2);
  CHECK(spec.KvHeads() == 2);
  CHECK(spec.d_head == 16);  // heads × d_head = 128 ≠ d_model: allowed when d_head is given
  CHECK(spec.vocab == 1000);
  CHECK(spec.positions == Positions::kRotary);
  CHECK(spec.LmHeadOrDefault() == LmHead::kAll);
  CHECK(spec.tie_embeddings);
  CHECK(spec.qkv_bias);
  CHECK_FALSE(spec.out_bias);
  CHECK(spec.mlp_bias);
  CHECK(spec.sliding_window == 8);
  CHECK(spec.AttendedKeys() == 8);
  CHECK(spec.activation == Activation::kGeGlu);
  CHECK(spec.moe == MixtureOfExperts{.experts = 8, .experts_per_token = 2});
  // Missing precision entries: `bits` (16) for activations, 32 for accumulators.
  CHECK(spec.precision == Precision{.weights = 4, .activations = 16, .kv_cache = 8, .accumulators = 32});

  // Without the new keys: nothing changes (MHA, no vocab, no LM head, no precision).
  const TransformerSpec plain = *Read(kMinimalTransformer).transformer;
  CHECK(plain.kv_heads == 0);
  CHECK(plain.KvHeads() == 4);
  CHECK(plain.vocab == 0);
  CHECK(plain.LmHeadOrDefault() == LmHead::kNone);
  CHECK_FALSE(plain.precision.has_value());
  CHECK(plain.layer_heads.empty());
}

TEST_CASE("Per-layer heads and d_ff lists (survey Tab. 9)", "[workload][loader]") {
  const TransformerSpec spec = *Read(
                                    "transformer:\n"
                                    "  d_model: 672\n  heads: [12, 6, 12, 8, 10, 6]\n  d_head: 64\n"
                                    "  d_ff: [1280, 1280, 2560, 768, 2048, 1024]\n  layers: 6\n  seq_len: 128\n")
                                    .transformer;
  CHECK(spec.layer_heads == std::vector<std::int64_t>{12, 6, 12, 8, 10, 6});
  CHECK(spec.layer_d_ff == std::vector<std::int64_t>{1280, 1280, 2560, 768, 2048, 1024});
  // The scalars hold the largest entry.
  CHECK(spec.heads == 12);
  CHECK(spec.d_ff == 2560);
}

TEST_CASE("Checks across the new keys: all at once, each at the key to fix", "[workload][loader]") {
  const std::vector<std::string> errors = ErrorsOf(
      "transformer:\n"
      "  d_model: 64\n"
      "  heads: [4, 8]\n"
      "  kv_heads: 3\n"
      "  d_ff: [256, 256, 256]\n"
      "  layers: 2\n"
      "  seq_len: 16\n"
      "  lm_head: all\n"
      "  moe: {experts: 2, experts_per_token: 3}\n"
      "  precision: {accumulators: 0}\n"
      "  sliding_window: -1\n");
  // Sorted by position.
  REQUIRE(errors.size() == 7);
  CHECK(errors[0].starts_with("w.yaml:3:10: transformer.heads: expected a d_head key beside per-layer heads"));
  CHECK(errors[1].starts_with("w.yaml:4:13: transformer.kv_heads: expected a divisor of heads (4 of layer 0)"));
  CHECK(errors[2] == "w.yaml:5:9: transformer.d_ff: expected one entry per layer (layers: 2), got 3 entries");
  CHECK(errors[3].starts_with("w.yaml:8:12: transformer.lm_head: expected none without a vocab"));
  CHECK(errors[4] == "w.yaml:9:40: transformer.moe.experts_per_token: expected at most experts (2), got '3'");
  CHECK(errors[5] == "w.yaml:10:29: transformer.precision.accumulators: expected an integer in [1, 64], got 0");
  CHECK(errors[6] == "w.yaml:11:19: transformer.sliding_window: expected an integer in [1, 1099511627776], got -1");
}

TEST_CASE("max_positions may be shorter than seq_len or kv_len (a what-if beyond the learned table)",
          "[workload][loader]") {
  const std::string base =
      "transformer:\n  d_model: 64\n  heads: 4\n  d_ff: 256\n  layers: 2\n  seq_len: 16\n  decoder: true\n"
      "  vocab: 100\n  positions: absolute\n  max_positions: 8\n";
  CHECK(ErrorsOf(base).empty());
  CHECK(ErrorsOf(base + "  phase: decode\n  kv_len: 33\n").empty());
  // The table's rows are the parameters; the add reads one row per token.
  const Workload workload = BuildWorkload(Read(base));
  const Op& add = workload.op(*workload.FindOp("pos_embed"));
  CHECK(add.parameters == 8 * 64);
  CHECK(add.DimSize("m") == 16);
  const std::vector<std::string> errors = ErrorsOf(
      "transformer:\n  d_model: 64\n  heads: 4\n  d_ff: 256\n  layers: 2\n  seq_len: 16\n  max_positions: 8\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("max_positions: expected no max_positions without positions: absolute") != std::string::npos);
}

TEST_CASE("Op-list tensor data: explicit, or parameter for weights no op writes", "[workload][loader]") {
  const WorkloadSpec spec = Read(
      "ops:\n"
      "  - name: proj\n    kind: contraction\n    count: 3\n    dims: {m: 4, n: 5, k: 6}\n    tensors:\n"
      "      - {name: x, role: input, dims: [m, k]}\n"
      "      - {name: w, role: weight, dims: [k, n]}\n"
      "      - {name: y, role: output, dims: [m, n]}\n"
      "  - name: proj2\n    kind: contraction\n    count: 2\n    dims: {m: 4, n: 5, k: 6}\n    tensors:\n"
      "      - {name: x, role: input, dims: [m, k]}\n"
      "      - {name: w, role: weight, dims: [k, n]}\n"
      "      - {name: z, role: output, dims: [m, n]}\n"
      "  - name: scores\n    kind: contraction\n    dims: {m: 4, n: 4, k: 5}\n    tensors:\n"
      "      - {name: y, role: input, dims: [m, k]}\n"
      "      - {name: z, role: weight, dims: [n, k], data: kv_cache}\n"
      "      - {name: s, role: output, dims: [m, n]}\n");
  REQUIRE(spec.ops.size() == 3);
  CHECK(spec.ops[0].tensors[0].data == TensorData::kActivation);
  CHECK(spec.ops[0].tensors[1].data == TensorData::kParameter);
  CHECK(spec.ops[2].tensors[1].data == TensorData::kKvCache);
  CHECK(spec.ops[2].tensors[2].data == TensorData::kActivation);
  // w (6 × 5) counted once, at its first op: 30 elements × count 3.
  CHECK(spec.ops[0].parameters == 90);
  CHECK(spec.ops[1].parameters == 0);
  CHECK(spec.ops[2].parameters == 0);
}

TEST_CASE("The precision override applies to transformers and is refused for op lists", "[workload][loader]") {
  const Precision w4a16{.weights = 4, .activations = 16, .kv_cache = 8, .accumulators = 32};
  const WorkloadSpec spec = ApplyOverrides(Read(kMinimalTransformer), WorkloadOverrides{.precision = w4a16});
  CHECK(spec.transformer->precision == w4a16);
  const WorkloadSpec op_list = Read(
      "ops:\n  - name: proj\n    kind: contraction\n    dims: {m: 4, n: 5, k: 6}\n    tensors:\n"
      "      - {name: x, role: input, dims: [m, k]}\n      - {name: w, role: weight, dims: [k, n]}\n"
      "      - {name: y, role: output, dims: [m, n]}\n");
  try {
    ApplyOverrides(op_list, WorkloadOverrides{.precision = w4a16});
    FAIL("expected a ConfigError");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()).find("--precision does not apply") != std::string::npos);
  }
}
