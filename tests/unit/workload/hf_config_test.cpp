// Each config under tests/data/hf/ (transcribed from the published config.json of the model named
// in tests/data/hf/README.md) imports to the spec written out here from the model's paper and
// config, and the rules of docs/workloads.md, "Hugging Face configs", hold.
#include "loopfront/workload/hf_config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "loopfront/report/workload_yaml.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/shape_sweep.h"

using namespace loopfront::workload;
using loopfront::io::JsonDocument;
using loopfront::util::ConfigError;
using loopfront::util::Diagnostics;

namespace {

std::string DataFile(const std::string& name) {
  return (std::filesystem::path(LOOPFRONT_TESTS_DIR) / "data" / "hf" / name).string();
}

void CheckImports(const std::string& file, const TransformerSpec& expected) {
  const WorkloadSpec spec = LoadWorkloadSpec("hf:" + DataFile(file));
  REQUIRE(spec.IsTransformer());
  CHECK(spec.name == expected.name);
  // On a mismatch, both specs as workload YAML show which field differs.
  INFO("imported:\n"
       << loopfront::report::TransformerSpecToYaml(spec.name, *spec.transformer) << "expected:\n"
       << loopfront::report::TransformerSpecToYaml(expected.name, expected));
  CHECK(*spec.transformer == expected);
}

// The problems a config text has, one formatted line each (empty: it imports).
std::vector<std::string> ErrorsOf(const std::string& text) {
  Diagnostics diagnostics;
  const JsonDocument document = JsonDocument::LoadString(text, "c.json", diagnostics);
  try {
    ReadHfConfig(document);
  } catch (const ConfigError& error) {
    std::vector<std::string> lines;
    for (const auto& diagnostic : error.diagnostics()) lines.push_back(diagnostic.ToString());
    return lines;
  }
  return {};
}

HfImport Import(const std::string& text) {
  Diagnostics diagnostics;
  const JsonDocument document = JsonDocument::LoadString(text, "c.json", diagnostics);
  return ReadHfConfig(document);
}

// A minimal llama config, with `extra` members appended.
std::string Llama(const std::string& extra = "") {
  return R"({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
             "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 32, "hidden_act": "silu")" +
         extra + "}";
}

}  // namespace

TEST_CASE("bert-base-uncased: post-norm encoder, absolute positions, token types, biases", "[workload][hf]") {
  CheckImports("bert-base-uncased.json", {.name = "bert-base-uncased",
                                          .d_model = 768,
                                          .heads = 12,
                                          .d_head = 64,
                                          .d_ff = 3072,
                                          .layers = 12,
                                          .seq_len = 512,
                                          .bits = 8,
                                          .activation = Activation::kGelu,
                                          .norm = Norm::kLayerNorm,
                                          .norm_placement = NormPlacement::kPost,
                                          .decoder = false,
                                          .vocab = 30522,
                                          .positions = Positions::kAbsolute,
                                          .max_positions = 512,
                                          .token_types = 2,
                                          .tie_embeddings = true,
                                          .qkv_bias = true,
                                          .out_bias = true,
                                          .mlp_bias = true});
}

TEST_CASE("gpt2: its own key names, n_inner null = 4 × n_embd, tied embeddings by default", "[workload][hf]") {
  CheckImports("gpt2.json", {.name = "gpt2",
                             .d_model = 768,
                             .heads = 12,
                             .d_head = 64,
                             .d_ff = 3072,
                             .layers = 12,
                             .seq_len = 1024,
                             .bits = 8,
                             .activation = Activation::kGelu,
                             .norm = Norm::kLayerNorm,
                             .norm_placement = NormPlacement::kPre,
                             .decoder = true,
                             .vocab = 50257,
                             .positions = Positions::kAbsolute,
                             .max_positions = 1024,
                             .tie_embeddings = true,
                             .qkv_bias = true,
                             .out_bias = true,
                             .mlp_bias = true});
}

TEST_CASE("Llama 2 7B, Llama 3 8B and Llama 2 70B: RMSNorm, RoPE, SwiGLU, GQA from num_key_value_heads",
          "[workload][hf]") {
  const TransformerSpec llama{.d_model = 4096,
                              .heads = 32,
                              .d_head = 128,
                              .layers = 32,
                              .bits = 16,
                              .activation = Activation::kSwiGlu,
                              .norm = Norm::kRmsNorm,
                              .norm_placement = NormPlacement::kPre,
                              .decoder = true,
                              .positions = Positions::kRotary};
  TransformerSpec llama2_7b = llama;
  llama2_7b.name = "Llama-2-7b-hf";  // from _name_or_path meta-llama/Llama-2-7b-hf
  llama2_7b.d_ff = 11008;
  llama2_7b.kv_heads = 32;
  llama2_7b.seq_len = 4096;
  llama2_7b.vocab = 32000;
  CheckImports("llama2-7b.json", llama2_7b);

  TransformerSpec llama3_8b = llama;
  llama3_8b.name = "llama3-8b";  // no _name_or_path: the file's stem
  llama3_8b.d_ff = 14336;
  llama3_8b.kv_heads = 8;
  llama3_8b.seq_len = 8192;
  llama3_8b.vocab = 128256;
  CheckImports("llama3-8b.json", llama3_8b);

  TransformerSpec llama2_70b = llama;
  llama2_70b.name = "Llama-2-70b-hf";
  llama2_70b.d_model = 8192;
  llama2_70b.heads = 64;
  llama2_70b.d_ff = 28672;
  llama2_70b.layers = 80;
  llama2_70b.kv_heads = 8;
  llama2_70b.seq_len = 4096;
  llama2_70b.vocab = 32000;
  CheckImports("llama2-70b.json", llama2_70b);
}

TEST_CASE("Mistral 7B and Mixtral 8x7B: sliding window, experts", "[workload][hf]") {
  TransformerSpec mistral{.name = "mistral-7b",
                          .d_model = 4096,
                          .heads = 32,
                          .d_head = 128,
                          .d_ff = 14336,
                          .layers = 32,
                          .kv_heads = 8,
                          .seq_len = 32768,
                          .bits = 16,
                          .activation = Activation::kSwiGlu,
                          .norm = Norm::kRmsNorm,
                          .norm_placement = NormPlacement::kPre,
                          .decoder = true,
                          .vocab = 32000,
                          .positions = Positions::kRotary,
                          .sliding_window = 4096};
  CheckImports("mistral-7b.json", mistral);

  TransformerSpec mixtral = mistral;
  mixtral.name = "mixtral-8x7b";
  mixtral.sliding_window.reset();  // "sliding_window": null
  mixtral.moe = {.experts = 8, .experts_per_token = 2};
  CheckImports("mixtral-8x7b.json", mixtral);
}

TEST_CASE("Qwen2 7B: Q/K/V biases only, no window while use_sliding_window is false", "[workload][hf]") {
  CheckImports("qwen2-7b.json", {.name = "qwen2-7b",
                                 .d_model = 3584,
                                 .heads = 28,
                                 .d_head = 128,
                                 .d_ff = 18944,
                                 .layers = 28,
                                 .kv_heads = 4,
                                 .seq_len = 131072,
                                 .bits = 16,
                                 .activation = Activation::kSwiGlu,
                                 .norm = Norm::kRmsNorm,
                                 .norm_placement = NormPlacement::kPre,
                                 .decoder = true,
                                 .vocab = 152064,
                                 .positions = Positions::kRotary,
                                 .qkv_bias = true});
}

TEST_CASE("Gemma 2B: GeGLU, multi-query attention, head_dim 256, tied embeddings by default", "[workload][hf]") {
  CheckImports("gemma-2b.json", {.name = "gemma-2b",
                                 .d_model = 2048,
                                 .heads = 8,
                                 .d_head = 256,
                                 .d_ff = 16384,
                                 .layers = 18,
                                 .kv_heads = 1,
                                 .seq_len = 8192,
                                 .bits = 16,
                                 .activation = Activation::kGeGlu,
                                 .norm = Norm::kRmsNorm,
                                 .norm_placement = NormPlacement::kPre,
                                 .decoder = true,
                                 .vocab = 256000,
                                 .positions = Positions::kRotary,
                                 .tie_embeddings = true});
}

TEST_CASE("Phi-3 mini 4k: its 2047-token sliding window", "[workload][hf]") {
  CheckImports("phi3-mini-4k.json", {.name = "Phi-3-mini-4k-instruct",
                                     .d_model = 3072,
                                     .heads = 32,
                                     .d_head = 96,
                                     .d_ff = 8192,
                                     .layers = 32,
                                     .kv_heads = 32,
                                     .seq_len = 4096,
                                     .bits = 16,
                                     .activation = Activation::kSwiGlu,
                                     .norm = Norm::kRmsNorm,
                                     .norm_placement = NormPlacement::kPre,
                                     .decoder = true,
                                     .vocab = 32064,
                                     .positions = Positions::kRotary,
                                     .sliding_window = 2047});
}

TEST_CASE("ViT-B/16: 196 patches + [CLS] = 197 tokens, no vocabulary, float32", "[workload][hf]") {
  CheckImports("vit-base-patch16-224.json",
               {.name = "vit-base-patch16-224",
                .d_model = 768,
                .heads = 12,
                .d_head = 64,
                .d_ff = 3072,
                .layers = 12,
                .seq_len = 197,
                .bits = 32,
                .activation = Activation::kGelu,
                .norm = Norm::kLayerNorm,
                .norm_placement = NormPlacement::kPre,
                .decoder = false,
                .patch_embedding = PatchEmbedding{.image_size = 224, .patch_size = 16, .channels = 3},
                .positions = Positions::kAbsolute,
                .qkv_bias = true,
                .out_bias = true,
                .mlp_bias = true});
}

TEST_CASE("Command-line overrides apply to an hf: model as to a preset", "[workload][hf]") {
  const WorkloadSpec spec =
      LoadWorkloadSpec("hf:" + DataFile("llama3-8b.json"), {.seq_len = 2048, .phase = Phase::kDecode, .kv_len = 300});
  CHECK(spec.transformer->seq_len == 2048);
  CHECK(spec.transformer->phase == Phase::kDecode);
  CHECK(spec.transformer->KvLen() == 300);
}

TEST_CASE("HF import: names, sources and derived values", "[workload][hf]") {
  SECTION("the name: _name_or_path's last part, else the folder of a config.json, else the stem") {
    CHECK(Import(Llama(R"(, "_name_or_path": "org/My-Model_1.5")")).spec.name == "My-Model_1.5");
    CHECK(Import(Llama(R"(, "_name_or_path": "/tmp/a b/")")).spec.name == "c");  // not a plain name
    const std::filesystem::path folder = std::filesystem::temp_directory_path() / "loopfront_hf_name_test";
    std::filesystem::create_directories(folder);
    const HfImport imported = [&] {
      Diagnostics diagnostics;
      return ReadHfConfig(JsonDocument::LoadString(Llama(), (folder / "config.json").string(), diagnostics));
    }();
    CHECK(imported.spec.name == "loopfront_hf_name_test");
    std::filesystem::remove_all(folder);
  }
  SECTION("each value's source key") {
    const HfImport imported = Import(Llama(R"(, "num_key_value_heads": 2, "torch_dtype": "bfloat16")"));
    CHECK(imported.sources.at("d_model") == "hidden_size");
    CHECK(imported.sources.at("kv_heads") == "num_key_value_heads");
    CHECK(imported.sources.at("d_head") == "hidden_size / num_attention_heads");
    CHECK(imported.sources.at("bits") == "torch_dtype bfloat16");
    CHECK(imported.sources.at("tie_embeddings") == "tie_word_embeddings absent: LlamaConfig's default, false");
    CHECK(imported.sources.at("norm").find("rms_norm_eps") != std::string::npos);
  }
  SECTION("no torch_dtype: the survey's 8 bits; num_key_value_heads absent: multi-head attention") {
    const HfImport imported = Import(Llama());
    CHECK(imported.spec.transformer->bits == 8);
    CHECK(imported.spec.transformer->kv_heads == 0);
    CHECK(imported.spec.transformer->KvHeads() == 4);
  }
  SECTION("gelu in a gated MLP is GeGLU; attention_bias and mlp_bias set llama's biases") {
    const TransformerSpec spec =
        *Import(R"({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                    "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 32,
                    "hidden_act": "gelu_pytorch_tanh", "attention_bias": true, "mlp_bias": true})")
             .spec.transformer;
    CHECK(spec.activation == Activation::kGeGlu);
    CHECK(spec.qkv_bias);
    CHECK(spec.out_bias);
    CHECK(spec.mlp_bias);
  }
  SECTION("an explicit head_dim may differ from hidden_size / heads") {
    CHECK(Import(Llama(R"(, "head_dim": 16)")).spec.transformer->d_head == 16);
  }
  SECTION("qwen2 with use_sliding_window: every layer windowed at max_window_layers 0, none at ≥ layers") {
    const std::string qwen2 =
        R"({"model_type": "qwen2", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
            "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 32, "hidden_act": "silu",
            "use_sliding_window": true, "sliding_window": 8, "max_window_layers": )";
    CHECK(Import(qwen2 + "0}").spec.transformer->sliding_window == 8);
    CHECK_FALSE(Import(qwen2 + "2}").spec.transformer->sliding_window.has_value());
    CHECK(ErrorsOf(qwen2 + "1}").size() == 1);
  }
  SECTION("rope_scaling and keys that change no op are accepted") {
    CHECK(ErrorsOf(Llama(R"(, "rope_scaling": {"type": "linear", "factor": 2.0}, "rope_theta": 500000.0)")).empty());
  }
}

TEST_CASE("HF import errors: all at once, each at the offending value", "[workload][hf][bad]") {
  SECTION("unknown model_type, with a suggestion") {
    const std::vector<std::string> errors = ErrorsOf(R"({"model_type": "lama"})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("c.json:1:16: model_type: expected one of bert, gpt2, llama,"));
    CHECK(errors[0].find("did you mean 'llama'?") != std::string::npos);
  }
  SECTION("missing model_type") {
    const std::vector<std::string> errors = ErrorsOf(R"({"hidden_size": 64})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("c.json:1:1: expected key 'model_type' (one of bert, gpt2,"));
  }
  SECTION("missing required keys, all reported") {
    const std::vector<std::string> errors = ErrorsOf(R"({"model_type": "mistral", "hidden_size": 64})");
    CHECK(errors.size() == 7);  // heads, layers, max positions, intermediate, act, vocab, sliding_window
    CHECK(errors[0] == "c.json:1:1: expected key 'num_attention_heads' (the number of attention heads), got nothing");
  }
  SECTION("contradictions: hidden_size not a multiple of heads; kv heads not dividing heads; top-k > experts") {
    const std::vector<std::string> errors = ErrorsOf(
        R"({"model_type": "mixtral", "hidden_size": 66, "num_attention_heads": 4, "num_hidden_layers": 2,
            "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 32, "hidden_act": "silu",
            "num_key_value_heads": 3, "num_local_experts": 4, "num_experts_per_tok": 5})");
    REQUIRE(errors.size() == 3);
    CHECK(errors[0].starts_with("c.json:1:42: hidden_size: expected a multiple of num_attention_heads (4)"));
    CHECK(errors[0].ends_with("; or give head_dim"));
    CHECK(errors[1] ==
          "c.json:3:36: num_key_value_heads: expected a divisor of num_attention_heads (4), got 3; each KV head "
          "serves the same number of query heads");
    CHECK(errors[2] == "c.json:3:86: num_experts_per_tok: expected at most num_local_experts (4), got 5");
  }
  SECTION("gemma needs head_dim (GemmaConfig's default is 256, not hidden / heads)") {
    const std::vector<std::string> errors = ErrorsOf(
        R"({"model_type": "gemma", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
            "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 32, "hidden_act": "gelu"})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("c.json:1:1: expected key 'head_dim'"));
  }
  SECTION("keys whose values change the graph in ways not modelled") {
    const std::vector<std::string> errors = ErrorsOf(Llama(
        R"(, "attn_logit_softcapping": 50.0, "partial_rotary_factor": 0.5, "is_encoder_decoder": true,
             "torch_dtype": "int8")"));
    // Reported in the order of the file.
    REQUIRE(errors.size() == 4);
    CHECK(errors[0].find("attn_logit_softcapping: expected null, got 50.0") != std::string::npos);
    CHECK(errors[1].find("partial_rotary_factor: expected 1.0, got 0.5") != std::string::npos);
    CHECK(errors[2].find("is_encoder_decoder: expected false, got true") != std::string::npos);
    CHECK(errors[3].find("torch_dtype: expected one of float32, float16, bfloat16, got the string \"int8\"") !=
          std::string::npos);
  }
  SECTION("SiLU in an ungated MLP, a relative-position bert") {
    const std::vector<std::string> errors = ErrorsOf(
        R"({"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
            "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 32, "hidden_act": "silu",
            "type_vocab_size": 2, "position_embedding_type": "relative_key"})");
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].find("hidden_act: expected a GELU") != std::string::npos);
    CHECK(errors[1].find("position_embedding_type: expected one of absolute, got the string \"relative_key\"") !=
          std::string::npos);
  }
  SECTION("not a JSON object") {
    const std::vector<std::string> errors = ErrorsOf("[1, 2]");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] ==
          "c.json:1:1: expected a JSON object of a model's configuration (a Hugging Face config.json), "
          "got a list");
  }
}

TEST_CASE("Imported configs count the published parameter totals", "[workload][hf]") {
  // Published totals, which count every weight matrix, norm weights and biases, tied embeddings
  // once: GPT-2 and the current LLMs as listed in shared/FACTS.md; Llama-2-7B's 6,738,415,616 and
  // BERT-Base's 109,482,240 as transformers counts LlamaForCausalLM and BertModel. BERT less its
  // pooler (768 × 768 + 768 = 590,592), a task head loopfront does not build.
  const std::pair<std::string, std::int64_t> models[] = {
      {"bert-base-uncased.json", 108891648}, {"gpt2.json", 124439808},         {"llama2-7b.json", 6738415616},
      {"llama3-8b.json", 8030261248},        {"llama2-70b.json", 68976648192}, {"mistral-7b.json", 7241732096},
      {"mixtral-8x7b.json", 46702792704},    {"qwen2-7b.json", 7615616512},    {"gemma-2b.json", 2506172416},
      {"phi3-mini-4k.json", 3821079552}};
  for (const auto& [file, published] : models) {
    INFO(file);
    const Workload workload = BuildWorkload(LoadWorkloadSpec("hf:" + DataFile(file)));
    std::int64_t parameters = 0;
    for (const Op& op : workload.ops()) parameters += op.parameters;
    CHECK(parameters == published);
  }
}

TEST_CASE("Each supported model_type's config imports to its preset's workload exactly", "[workload][hf][presets]") {
  // The presets and the configs are transcribed from the same published config.json. Presets
  // from before issue #13 keep the survey's 8-bit words (Sec. 2.2) where the config says float16
  // or float32, so those compare at the preset's bits. A config's num_key_value_heads equal to
  // num_attention_heads (kv_heads = heads) and a preset without kv_heads build the same ops, so
  // the built workloads are compared, op by op, not the specs.
  struct Pair {
    std::string config;
    std::string preset;
  };
  const std::vector<Pair> pairs = {
      {"bert-base-uncased.json", "bert-base"}, {"gpt2.json", "gpt2"},           {"llama2-7b.json", "llama2-7b"},
      {"llama3-8b.json", "llama3-8b"},         {"llama2-70b.json", "llama2-70b"}, {"mistral-7b.json", "mistral-7b"},
      {"mixtral-8x7b.json", "mixtral-8x7b"},   {"qwen2-7b.json", "qwen2-7b"},   {"gemma-2b.json", "gemma-2b"},
      {"phi3-mini-4k.json", "phi3-mini"},      {"vit-base-patch16-224.json", "vit-b16"}};
  for (const Pair& pair : pairs) {
    INFO(pair.config << " vs preset " << pair.preset);
    const WorkloadSpec preset = LoadWorkloadSpec(pair.preset);
    WorkloadSpec imported = LoadWorkloadSpec("hf:" + DataFile(pair.config));
    REQUIRE(preset.IsTransformer());
    REQUIRE(imported.IsTransformer());
    // Both at the preset's context and (for the survey-era presets) word size.
    imported.transformer->bits = preset.transformer->bits;
    imported.transformer->seq_len = preset.transformer->seq_len;
    INFO("imported:\n"
         << loopfront::report::TransformerSpecToYaml(imported.name, *imported.transformer) << "preset:\n"
         << loopfront::report::TransformerSpecToYaml(preset.name, *preset.transformer));
    CHECK(imported.transformer->KvHeads() == preset.transformer->KvHeads());
    CHECK(BuildWorkload(imported).ops() == BuildWorkload(preset).ops());
  }
}

TEST_CASE("The configs of the presets added for #13 import to them at the presets' own context and bits",
          "[workload][hf][presets]") {
  for (const auto& [config, preset_name] : std::vector<std::pair<std::string, std::string>>{
           {"llama3-8b.json", "llama3-8b"},
           {"llama2-70b.json", "llama2-70b"},
           {"mistral-7b.json", "mistral-7b"},
           {"mixtral-8x7b.json", "mixtral-8x7b"},
           {"qwen2-7b.json", "qwen2-7b"},
           {"gemma-2b.json", "gemma-2b"},
           {"phi3-mini-4k.json", "phi3-mini"}}) {
    INFO(config);
    const WorkloadSpec imported = LoadWorkloadSpec("hf:" + DataFile(config));
    const WorkloadSpec preset = LoadWorkloadSpec(preset_name);
    // Every number, the context (max_position_embeddings) and the torch_dtype's bits included.
    CHECK(BuildWorkload(imported).ops() == BuildWorkload(preset).ops());
  }
}

TEST_CASE("An hf: model takes blocks_only like its preset, and refuses dotted settings", "[workload][hf][presets]") {
  const WorkloadSpec imported =
      LoadSweptWorkloadSpec("hf:" + DataFile("gpt2.json"), {}, {.seq_len = 128}, /*blocks_only=*/true);
  const WorkloadSpec preset = LoadSweptWorkloadSpec("gpt2", {}, {.seq_len = 128}, /*blocks_only=*/true);
  CHECK(imported.transformer->vocab == 0);
  CHECK(imported.transformer->positions == Positions::kNone);
  CHECK(BuildWorkload(imported).ops() == BuildWorkload(preset).ops());
  const std::vector<KeySetting> settings = {{.key = "transformer.layers", .value = "6"}};
  try {
    LoadSweptWorkloadSpec("hf:" + DataFile("gpt2.json"), settings);
    FAIL("a dotted setting on an hf: model was accepted");
  } catch (const ConfigError& error) {
    REQUIRE(error.diagnostics().size() == 1);
    CHECK(error.diagnostics()[0].path == "transformer.layers");
    CHECK(error.diagnostics()[0].message.find("loopfront import hf CONFIG --output FILE") != std::string::npos);
  }
}
