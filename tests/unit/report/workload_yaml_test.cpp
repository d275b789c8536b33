// Writing a TransformerSpec as workload YAML and loading it back gives the same spec.
#include "loopfront/report/workload_yaml.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/workload/hf_config.h"
#include "loopfront/workload/loader.h"

using namespace loopfront::workload;
using loopfront::io::YamlDocument;
using loopfront::report::TransformerSpecToYaml;
using loopfront::util::Diagnostics;

namespace {

TransformerSpec RoundTrip(const TransformerSpec& spec, const std::map<std::string, std::string>& comments = {}) {
  const std::string yaml = TransformerSpecToYaml(spec.name, spec, comments, "a header\nof two lines");
  INFO(yaml);
  Diagnostics diagnostics;
  const YamlDocument document = YamlDocument::LoadString(yaml, "written.yaml", diagnostics);
  const WorkloadSpec loaded = ReadWorkloadDocument(document, "unnamed");
  CHECK(loaded.name == spec.name);
  return *loaded.transformer;
}

}  // namespace

TEST_CASE("A transformer spec written as YAML loads back to the same spec", "[report][workload_yaml]") {
  SECTION("a post-norm encoder with defaults") {
    const TransformerSpec spec{
        .name = "enc", .d_model = 768, .heads = 12, .d_head = 64, .d_ff = 3072, .layers = 12, .seq_len = 512};
    CHECK(RoundTrip(spec) == spec);
  }
  SECTION("a decoder's decode step, batched, 16-bit, SwiGLU, RMSNorm, pre-norm") {
    const TransformerSpec spec{.name = "dec",
                               .d_model = 4096,
                               .heads = 32,
                               .d_head = 128,
                               .d_ff = 11008,
                               .layers = 32,
                               .seq_len = 4096,
                               .batch = 8,
                               .phase = Phase::kDecode,
                               .kv_len = 1000,
                               .bits = 16,
                               .activation = Activation::kSwiGlu,
                               .norm = Norm::kRmsNorm,
                               .norm_placement = NormPlacement::kPre,
                               .decoder = true};
    CHECK(RoundTrip(spec) == spec);
  }
  SECTION("a vision encoder with its patch embedding") {
    const TransformerSpec spec{.name = "vit",
                               .d_model = 768,
                               .heads = 12,
                               .d_head = 64,
                               .d_ff = 3072,
                               .layers = 12,
                               .seq_len = 197,
                               .norm_placement = NormPlacement::kPre,
                               .patch_embedding = PatchEmbedding{.image_size = 224, .patch_size = 16, .channels = 3}};
    CHECK(RoundTrip(spec) == spec);
  }
}

TEST_CASE("Written workload YAML carries the header and a comment per commented key", "[report][workload_yaml]") {
  const TransformerSpec spec{
      .name = "m", .d_model = 64, .heads = 4, .d_head = 16, .d_ff = 128, .layers = 2, .seq_len = 32};
  const std::string yaml =
      TransformerSpecToYaml("m", spec, {{"d_model", "hidden_size"}, {"layers", "a\nb"}}, "h1\n\nh2");
  CHECK(yaml.starts_with("# h1\n#\n# h2\nname: m\ntransformer:\n  d_model: 64  # hidden_size\n  heads: 4\n"));
  // A comment stays on its line.
  CHECK(yaml.find("  layers: 2  # a b\n") != std::string::npos);
  // Keys at their defaults are left out unless commented.
  CHECK(yaml.find("batch") == std::string::npos);
  CHECK(yaml.find("vocab") == std::string::npos);
}

TEST_CASE("Every imported Hugging Face config written by import hf loads back to the same spec",
          "[report][workload_yaml][hf]") {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(LOOPFRONT_TESTS_DIR) / "data" / "hf")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    INFO(entry.path().filename().string());
    const HfImport imported = LoadHfConfig(entry.path().string());
    const std::string yaml = loopfront::report::HfImportToYaml(imported, entry.path().string());
    INFO(yaml);
    Diagnostics diagnostics;
    const YamlDocument document = YamlDocument::LoadString(yaml, "imported.yaml", diagnostics);
    const WorkloadSpec loaded = ReadWorkloadDocument(document, "unnamed");
    CHECK(loaded.name == imported.spec.name);
    CHECK(*loaded.transformer == *imported.spec.transformer);
  }
  CHECK(files == 11);
}

TEST_CASE("The new transformer keys round-trip too", "[report][workload_yaml]") {
  const TransformerSpec spec{
      .name = "llm",
      .d_model = 672,
      .heads = 12,
      .d_head = 56,
      .d_ff = 2560,
      .layers = 3,
      .kv_heads = 2,
      .layer_heads = {12, 6, 4},
      .layer_d_ff = {1280, 2560, 768},
      .seq_len = 128,
      .norm_placement = NormPlacement::kPre,
      .decoder = true,
      .vocab = 1000,
      .positions = Positions::kAbsolute,
      .max_positions = 256,
      .lm_head = LmHead::kAll,
      .tie_embeddings = true,
      .qkv_bias = true,
      .sliding_window = 64,
      .moe = {.experts = 4, .experts_per_token = 2},
      .precision = Precision{.weights = 4, .activations = 16, .kv_cache = 8, .accumulators = 32}};
  CHECK(RoundTrip(spec) == spec);
}
