#include "loopfront/workload/hf_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/strings.h"

namespace loopfront::workload {
namespace {

using io::JsonValue;

// What a model type fixes by construction, read off transformers' modeling_<type>.py (v4.40–4.46)
// and the defaults of its configuration_<type>.py.
struct ModelType {
  std::string_view name;
  std::string_view config_class;
  bool decoder = true;  // causal, with a KV cache (bert and vit are encoders)
  NormPlacement norm_placement = NormPlacement::kPre;
  Norm norm = Norm::kRmsNorm;
  std::string_view norm_key = "rms_norm_eps";  // the key of the norm's epsilon, named in the comment
  Positions positions = Positions::kRotary;
  bool gated_mlp = true;     // w2(act(w1·x) ⊙ w3·x): LlamaMLP and its copies
  bool tie_default = false;  // tie_word_embeddings when the key is absent (the config class's default)
  bool vision = false;       // ViT: patches of an image in, no vocabulary
  bool gpt2_names = false;   // n_embd, n_head, n_layer, n_inner, n_positions, activation_function
  // Biases the model code always has.
  bool qkv_bias = false;
  bool out_bias = false;
  bool mlp_bias = false;
  bool reads_attention_bias = false;  // `attention_bias` (default false) sets the Q/K/V and output biases
  bool reads_mlp_bias = false;        // `mlp_bias` (default false)
  bool reads_qkv_bias = false;        // ViT's `qkv_bias` (default true)
  bool reads_head_dim = true;         // `head_dim` (absent: hidden_size / num_attention_heads)
  bool requires_head_dim = false;     // GemmaConfig's default head_dim is 256, not hidden / heads
  bool reads_kv_heads = true;         // `num_key_value_heads` (absent: num_attention_heads)
  // `sliding_window`: kNone = not read; kOptional = absent or null means none; kRequired = the
  // key must be there (MistralConfig's default is 4096, not none); kQwen2 = only with
  // use_sliding_window (see ReadSlidingWindow).
  enum class Window : std::uint8_t { kNone, kOptional, kRequired, kQwen2 } window = Window::kNone;
  bool moe = false;  // num_local_experts, num_experts_per_tok
};

const std::vector<ModelType>& ModelTypes() {
  using Window = ModelType::Window;
  // BertLayer: post-norm LayerNorm, biases on every Linear, learned absolute positions and token
  // types (BertEmbeddings). GPT2Block: pre-norm, Conv1D layers with biases, learned positions.
  // LlamaDecoderLayer and its descendants (Mistral, Mixtral, Qwen2, Gemma, Phi-3): pre-norm RMSNorm,
  // RoPE, gated MLP. ViTLayer: pre-norm LayerNorm, biases, learned positions over patches + [CLS].
  static const std::vector<ModelType> kTypes = {
      {.name = "bert",
       .config_class = "BertConfig",
       .decoder = false,
       .norm_placement = NormPlacement::kPost,
       .norm = Norm::kLayerNorm,
       .norm_key = "layer_norm_eps",
       .positions = Positions::kAbsolute,
       .gated_mlp = false,
       .tie_default = true,
       .qkv_bias = true,
       .out_bias = true,
       .mlp_bias = true,
       .reads_head_dim = false,
       .reads_kv_heads = false},
      {.name = "gpt2",
       .config_class = "GPT2Config",
       .norm = Norm::kLayerNorm,
       .norm_key = "layer_norm_epsilon",
       .positions = Positions::kAbsolute,
       .gated_mlp = false,
       .tie_default = true,
       .gpt2_names = true,
       .qkv_bias = true,
       .out_bias = true,
       .mlp_bias = true,
       .reads_head_dim = false,
       .reads_kv_heads = false},
      {.name = "llama", .config_class = "LlamaConfig", .reads_attention_bias = true, .reads_mlp_bias = true},
      {.name = "mistral", .config_class = "MistralConfig", .window = Window::kRequired},
      {.name = "mixtral", .config_class = "MixtralConfig", .window = Window::kOptional, .moe = true},
      {.name = "qwen2", .config_class = "Qwen2Config", .qkv_bias = true, .window = Window::kQwen2},
      {.name = "gemma",
       .config_class = "GemmaConfig",
       .tie_default = true,
       .reads_attention_bias = true,
       .requires_head_dim = true},
      {.name = "phi3", .config_class = "Phi3Config", .window = Window::kOptional},
      {.name = "vit",
       .config_class = "ViTConfig",
       .decoder = false,
       .norm = Norm::kLayerNorm,
       .norm_key = "layer_norm_eps",
       .positions = Positions::kAbsolute,
       .gated_mlp = false,
       .vision = true,
       .out_bias = true,
       .mlp_bias = true,
       .reads_qkv_bias = true,
       .reads_head_dim = false,
       .reads_kv_heads = false},
  };
  return kTypes;
}

// transformers' activations.py names. GELU and its approximations (tanh, sigmoid) are one GELU
// vector op here; SiLU is "swish" there too.
const std::vector<std::string> kGeluNames = {"gelu",        "gelu_new",      "gelu_fast", "gelu_pytorch_tanh",
                                             "gelu_python", "gelu_accurate", "quick_gelu"};
const std::vector<std::string> kSiluNames = {"silu", "swish"};

// torch_dtype → bits; no dtype: the survey's 8-bit default (Kim et al. 2023, Sec. 2.2).
constexpr int kDefaultBits = 8;
const std::vector<std::pair<std::string, int>> kDtypeBits = {{"float32", 32}, {"float16", 16}, {"bfloat16", 16}};

bool IsPlainName(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_' || character == '-' ||
           character == '.';
  });
}

std::string DefaultName(const JsonValue& root, const std::string& file) {
  if (const std::optional<JsonValue> name_or_path = root.Get("_name_or_path");
      name_or_path && name_or_path->IsString()) {
    const std::vector<std::string> parts = util::Split(*name_or_path->AsString(), '/');
    if (!parts.empty() && IsPlainName(parts.back())) return parts.back();
  }
  const std::filesystem::path path(file);
  if (path.filename() == "config.json") {
    const std::string folder = std::filesystem::absolute(path).parent_path().filename().string();
    if (IsPlainName(folder)) return folder;
  }
  const std::string stem = path.stem().string();
  return IsPlainName(stem) ? stem : "hf_model";
}

// Reads one config against its model type's rules into an HfImport.
class ConfigReader {
 public:
  ConfigReader(const JsonValue& root, const ModelType& type, HfImport& result)
      : root_(root), type_(type), result_(result), spec_(*result.spec.transformer) {}

  void Read() {
    ReadShape();
    ReadMlp();
    ReadEnds();
    ReadBiases();
    ReadSlidingWindow();
    ReadExperts();
    ReadBits();
    RefuseUnmodelled();
    spec_.decoder = type_.decoder;
    spec_.norm = type_.norm;
    spec_.norm_placement = type_.norm_placement;
    spec_.positions = type_.positions;
    const std::string model = fmt::format("model_type {}", type_.name);
    Source("decoder", type_.decoder ? model + ": a causal decoder" : model + ": an encoder");
    Source("norm", fmt::format("{}: {} ({})", model, ToString(type_.norm), type_.norm_key));
    Source("norm_placement", fmt::format("{}: {}-norm blocks", model, ToString(type_.norm_placement)));
    Source("positions", fmt::format("{}: {} positions", model, ToString(type_.positions)));
  }

 private:
  void Source(const std::string& spec_key, const std::string& origin) { result_.sources[spec_key] = origin; }

  // The value of the first of `keys` given (null counts as absent), and which key that was.
  std::optional<std::pair<JsonValue, std::string>> Find(const std::vector<std::string>& keys) const {
    for (const std::string& key : keys) {
      if (std::optional<JsonValue> value = root_.Get(key); value && !value->IsNull()) return std::pair{*value, key};
    }
    return std::nullopt;
  }

  // A key that must be given (for GPT-2, either of its two names).
  std::optional<std::pair<JsonValue, std::string>> Require(const std::vector<std::string>& keys,
                                                           const std::string& what) const {
    std::optional<std::pair<JsonValue, std::string>> found = Find(keys);
    if (!found) {
      root_.Error(fmt::format("expected key '{}' ({}), got nothing", util::Join(keys, "' or '"), what));
    }
    return found;
  }

  std::optional<std::int64_t> RequirePositive(const std::vector<std::string>& keys, const std::string& what,
                                              const std::string& spec_key) {
    const std::optional<std::pair<JsonValue, std::string>> found = Require(keys, what);
    if (!found) return std::nullopt;
    const std::optional<std::int64_t> value = found->first.AsIntIn(util::kCountRange);
    if (value && !spec_key.empty()) Source(spec_key, found->second);
    return value;
  }

  // A boolean key, absent or null = `fallback` (the config class's default).
  bool ReadFlag(const std::string& key, bool fallback, const std::string& spec_key) {
    if (const std::optional<std::pair<JsonValue, std::string>> found = Find({key})) {
      const std::optional<bool> value = found->first.AsBool();
      Source(spec_key, key);
      return value.value_or(fallback);
    }
    Source(spec_key, fmt::format("{} absent: {}'s default, {}", key, type_.config_class, fallback));
    return fallback;
  }

  // GPT2Config's own key names first, then the standard ones its attribute_map accepts too.
  std::vector<std::string> Names(std::vector<std::string> standard, std::vector<std::string> gpt2) const {
    return type_.gpt2_names ? gpt2 : standard;
  }

  void ReadShape() {
    hidden_ = RequirePositive(Names({"hidden_size"}, {"n_embd", "hidden_size"}), "the model width", "d_model");
    heads_ = RequirePositive(Names({"num_attention_heads"}, {"n_head", "num_attention_heads"}),
                             "the number of attention heads", "heads");
    const std::optional<std::int64_t> layers = RequirePositive(
        Names({"num_hidden_layers"}, {"n_layer", "num_hidden_layers"}), "the number of blocks", "layers");
    if (hidden_) spec_.d_model = *hidden_;
    if (heads_) spec_.heads = *heads_;
    if (layers) {
      spec_.layers = *layers;
      layers_ = *layers;
    }

    std::optional<std::pair<JsonValue, std::string>> head_dim;
    if (type_.reads_head_dim) {
      head_dim = type_.requires_head_dim
                     ? Require({"head_dim"}, fmt::format("the width of one head; {}'s default is not hidden_size / "
                                                         "num_attention_heads",
                                                         type_.config_class))
                     : Find({"head_dim"});
    }
    if (head_dim) {
      if (const std::optional<std::int64_t> value = head_dim->first.AsIntIn(util::kCountRange)) {
        spec_.d_head = *value;
        Source("d_head", "head_dim");
      }
    } else if (hidden_ && heads_ && !(type_.requires_head_dim)) {
      if (*hidden_ % *heads_ != 0) {
        const std::optional<std::pair<JsonValue, std::string>> hidden =
            Find(Names({"hidden_size"}, {"n_embd", "hidden_size"}));
        hidden->first.ErrorExpected(
            fmt::format("a multiple of num_attention_heads ({}), since the head width is hidden_size / "
                        "num_attention_heads",
                        *heads_),
            type_.reads_head_dim ? "; or give head_dim" : "");
      } else {
        spec_.d_head = *hidden_ / *heads_;
        Source("d_head", "hidden_size / num_attention_heads");
      }
    }

    if (type_.reads_kv_heads) {
      if (const std::optional<std::pair<JsonValue, std::string>> kv = Find({"num_key_value_heads"})) {
        if (const std::optional<std::int64_t> value = kv->first.AsIntIn(util::kCountRange)) {
          if (heads_ && *heads_ % *value != 0) {
            kv->first.ErrorExpected(fmt::format("a divisor of num_attention_heads ({})", *heads_),
                                    "; each KV head serves the same number of query heads");
          } else {
            spec_.kv_heads = *value;
            Source("kv_heads", "num_key_value_heads");
          }
        }
      }
    }

    if (type_.vision) {
      ReadPatches();
    } else {
      const std::optional<std::int64_t> positions =
          RequirePositive(Names({"max_position_embeddings"}, {"n_positions", "max_position_embeddings"}),
                          "the longest sequence the model takes", "seq_len");
      if (positions) {
        spec_.seq_len = *positions;
        if (type_.positions == Positions::kAbsolute) {
          spec_.max_positions = *positions;
          Source("max_positions", result_.sources["seq_len"] + " (rows of the position table)");
        }
      }
    }
  }

  void ReadPatches() {
    const std::optional<std::int64_t> image = RequirePositive({"image_size"}, "the image's width in pixels", "");
    const std::optional<std::int64_t> patch = RequirePositive({"patch_size"}, "a patch's width in pixels", "");
    const std::optional<std::int64_t> channels =
        RequirePositive({"num_channels"}, "the image's channels (3 for RGB)", "");
    if (!image || !patch || !channels) return;
    if (*image % *patch != 0) {
      root_.Get("image_size")
          ->ErrorExpected(fmt::format("a multiple of patch_size ({})", *patch),
                          "; loopfront does not model the pixels a strided patch conv drops");
      return;
    }
    spec_.patch_embedding = PatchEmbedding{.image_size = *image, .patch_size = *patch, .channels = *channels};
    Source("patch_embedding", "image_size, patch_size, num_channels");
    // ViTEmbeddings: one token per patch plus the [CLS] token.
    const std::int64_t per_side = *image / *patch;
    spec_.seq_len = per_side * per_side + 1;
    Source("seq_len", fmt::format("(image_size / patch_size)² + 1 = ({} / {})² + 1 ([CLS] token)", *image, *patch));
  }

  void ReadMlp() {
    if (type_.gpt2_names) {
      // GPT2MLP: inner_dim = n_inner if not None else 4 * hidden_size.
      if (const std::optional<std::pair<JsonValue, std::string>> inner = Find({"n_inner"})) {
        if (const std::optional<std::int64_t> value = inner->first.AsIntIn(util::kCountRange)) {
          spec_.d_ff = *value;
          Source("d_ff", "n_inner");
        }
      } else if (hidden_) {
        spec_.d_ff = 4 * *hidden_;
        Source("d_ff", "n_inner null or absent: 4 × n_embd (GPT2MLP)");
      }
    } else if (const std::optional<std::int64_t> d_ff =
                   RequirePositive({"intermediate_size"}, "the MLP's hidden width", "d_ff")) {
      spec_.d_ff = *d_ff;
    }

    // GemmaMLP uses hidden_activation when it is set and approximate GELU otherwise; we read
    // hidden_act then, which Gemma checkpoints set to a GELU too.
    std::optional<std::pair<JsonValue, std::string>> found;
    if (type_.gpt2_names) {
      found = Require({"activation_function"}, "the MLP's activation");
    } else if (type_.name == "gemma") {
      found = Require({"hidden_activation", "hidden_act"}, "the MLP's activation");
    } else {
      found = Require({"hidden_act"}, "the MLP's activation");
    }
    if (!found) return;
    std::vector<std::string> known = kGeluNames;
    known.insert(known.end(), kSiluNames.begin(), kSiluNames.end());
    const std::optional<std::string> name = found->first.AsChoice(known);
    if (!name) return;
    const bool gelu = std::find(kGeluNames.begin(), kGeluNames.end(), *name) != kGeluNames.end();
    const std::string model = fmt::format("model_type {}", type_.name);
    if (type_.gated_mlp) {
      spec_.activation = gelu ? Activation::kGeGlu : Activation::kSwiGlu;
      Source("activation", fmt::format("{} {} in the gated MLP of {}", found->second, *name, model));
    } else if (gelu) {
      spec_.activation = Activation::kGelu;
      Source("activation", fmt::format("{} {} ({}: w2(act(w1·x)))", found->second, *name, model));
    } else {
      found->first.ErrorExpected(
          fmt::format("a GELU ({}) for the ungated MLP of {}", util::Join(kGeluNames, ", "), model),
          "; loopfront models SiLU in gated MLPs only (swiglu)");
    }
  }

  void ReadEnds() {
    if (type_.vision) return;  // no vocabulary: the blocks, and the patch embedding in front
    if (const std::optional<std::int64_t> vocab = RequirePositive({"vocab_size"}, "the vocabulary size", "vocab")) {
      spec_.vocab = *vocab;
    }
    spec_.tie_embeddings = ReadFlag("tie_word_embeddings", type_.tie_default, "tie_embeddings");
    if (type_.name == "bert") {
      if (const std::optional<std::int64_t> types =
              RequirePositive({"type_vocab_size"}, "rows of the token-type embedding", "token_types")) {
        spec_.token_types = *types;
      }
    }
  }

  void ReadBiases() {
    const std::string model = fmt::format("model_type {}", type_.name);
    spec_.qkv_bias = type_.qkv_bias;
    spec_.out_bias = type_.out_bias;
    spec_.mlp_bias = type_.mlp_bias;
    const std::string fixed = model + " (fixed by the model code)";
    Source("qkv_bias", fixed);
    Source("out_bias", fixed);
    Source("mlp_bias", fixed);
    if (type_.reads_attention_bias) {
      spec_.qkv_bias = ReadFlag("attention_bias", false, "qkv_bias");
      spec_.out_bias = spec_.qkv_bias;
      Source("out_bias", result_.sources["qkv_bias"]);
    }
    if (type_.reads_mlp_bias) spec_.mlp_bias = ReadFlag("mlp_bias", false, "mlp_bias");
    if (type_.reads_qkv_bias) spec_.qkv_bias = ReadFlag("qkv_bias", true, "qkv_bias");
  }

  void ReadSlidingWindow() {
    using Window = ModelType::Window;
    if (type_.window == Window::kNone) return;
    if (type_.window == Window::kQwen2) {
      ReadQwen2Window();
      return;
    }
    if (type_.window == Window::kRequired && !root_.Has("sliding_window")) {
      root_.Error(
          fmt::format("expected key 'sliding_window' (a window in tokens, or null for none; {}'s default is "
                      "4096), got nothing",
                      type_.config_class));
      return;
    }
    if (const std::optional<std::pair<JsonValue, std::string>> window = Find({"sliding_window"})) {
      if (const std::optional<std::int64_t> value = window->first.AsIntIn(util::kCountRange)) {
        spec_.sliding_window = *value;
        Source("sliding_window", "sliding_window");
      }
    }
  }

  // modeling_qwen2.py: layer i attends through the window when use_sliding_window is true and
  // i >= max_window_layers; loopfront gives every layer the same attention.
  void ReadQwen2Window() {
    const std::optional<std::pair<JsonValue, std::string>> use = Find({"use_sliding_window"});
    if (!use) return;
    const std::optional<bool> enabled = use->first.AsBool();
    if (!enabled || !*enabled) return;
    const std::optional<std::pair<JsonValue, std::string>> window = Find({"sliding_window"});
    if (!window) return;  // null: Qwen2Attention has no window either
    const std::optional<std::int64_t> size = window->first.AsIntIn(util::kCountRange);
    const std::optional<std::pair<JsonValue, std::string>> max_layers =
        Require({"max_window_layers"}, "the first layer index that uses the sliding window, with use_sliding_window");
    if (!size || !max_layers) return;
    const JsonValue& count = max_layers->first;
    const std::optional<std::int64_t> first_windowed = count.AsIntIn(util::kNonNegativeCountRange);
    if (!first_windowed) return;
    if (*first_windowed == 0) {
      spec_.sliding_window = *size;
      Source("sliding_window", "sliding_window (use_sliding_window true, max_window_layers 0: every layer)");
    } else if (*first_windowed < layers_) {
      count.ErrorExpected(
          fmt::format("0 (every layer windowed) or at least num_hidden_layers ({}) with use_sliding_window true",
                      layers_),
          "; loopfront builds one attention for all layers, and layers from max_window_layers on would use the "
          "window");
    }
  }

  void ReadExperts() {
    if (!type_.moe) return;
    const std::optional<std::int64_t> experts =
        RequirePositive({"num_local_experts"}, "the number of expert MLPs per layer", "");
    const std::optional<std::int64_t> per_token =
        RequirePositive({"num_experts_per_tok"}, "the experts each token is routed to", "");
    if (!experts || !per_token) return;
    if (*per_token > *experts) {
      root_.Get("num_experts_per_tok")->ErrorExpected(fmt::format("at most num_local_experts ({})", *experts));
      return;
    }
    spec_.moe = MixtureOfExperts{.experts = *experts, .experts_per_token = *per_token};
    Source("moe", "num_local_experts, num_experts_per_tok");
  }

  void ReadBits() {
    // transformers ≥ 4.56 writes `dtype`; earlier versions `torch_dtype`.
    const std::optional<std::pair<JsonValue, std::string>> dtype = Find({"torch_dtype", "dtype"});
    if (!dtype) {
      spec_.bits = kDefaultBits;
      Source("bits", "no torch_dtype: the survey's 8-bit default (Sec. 2.2)");
      return;
    }
    std::vector<std::string> names;
    for (const auto& [name, unused] : kDtypeBits) names.push_back(name);
    const std::optional<std::string> name = dtype->first.AsChoice(names);
    if (!name) return;
    for (const auto& [known, bits] : kDtypeBits) {
      if (known == *name) spec_.bits = bits;
    }
    Source("bits", fmt::format("{} {}", dtype->second, *name));
  }

  // Keys whose values change the graph in ways loopfront does not model.
  void RefuseUnmodelled() {
    for (const std::string key : {"attn_logit_softcapping", "final_logit_softcapping"}) {
      if (const std::optional<std::pair<JsonValue, std::string>> found = Find({key})) {
        found->first.ErrorExpected("null",
                                   "; loopfront does not model soft-capping (a tanh over every attention score "
                                   "or logit, as in Gemma 2)");
      }
    }
    if (const std::optional<std::pair<JsonValue, std::string>> found = Find({"partial_rotary_factor"})) {
      const std::optional<double> factor = found->first.AsNumber();
      if (factor && *factor != 1.0) {
        found->first.ErrorExpected("1.0", "; loopfront's RoPE op rotates every element of a head (d_head), not a part");
      }
    }
    for (const std::string key : {"is_encoder_decoder", "add_cross_attention"}) {
      if (const std::optional<std::pair<JsonValue, std::string>> found = Find({key})) {
        const std::optional<bool> value = found->first.AsBool();
        if (value && *value) {
          found->first.ErrorExpected("false", "; loopfront does not model cross-attention (encoder-decoder models)");
        }
      }
    }
    if (type_.name == "bert") {
      if (const std::optional<std::pair<JsonValue, std::string>> found = Find({"is_decoder"})) {
        const std::optional<bool> value = found->first.AsBool();
        if (value && *value) found->first.ErrorExpected("false", "; bert is imported as the encoder it was trained as");
      }
      if (const std::optional<std::pair<JsonValue, std::string>> found = Find({"position_embedding_type"})) {
        found->first.AsChoice({"absolute"});
      }
    }
  }

  const JsonValue& root_;
  const ModelType& type_;
  HfImport& result_;
  TransformerSpec& spec_;
  std::optional<std::int64_t> hidden_{};
  std::optional<std::int64_t> heads_{};
  std::int64_t layers_ = 0;
};

}  // namespace

std::vector<std::string> HfModelTypes() {
  std::vector<std::string> names;
  for (const ModelType& type : ModelTypes()) names.emplace_back(type.name);
  return names;
}

HfImport ReadHfConfig(const io::JsonDocument& document) {
  const JsonValue root = document.root();
  util::Diagnostics& diagnostics = root.diagnostics();
  diagnostics.ThrowIfAny();
  HfImport result;
  if (!root.IsObject()) {
    root.ErrorExpected("a JSON object of a model's configuration (a Hugging Face config.json)");
    diagnostics.ThrowIfAny();
  }
  const std::optional<JsonValue> model_type_value = root.Get("model_type");
  if (!model_type_value) {
    root.Error(fmt::format("expected key 'model_type' (one of {}), got nothing", util::Join(HfModelTypes(), ", ")));
    diagnostics.ThrowIfAny();
  }
  const std::optional<std::string> model_type = model_type_value->AsChoice(HfModelTypes());
  diagnostics.ThrowIfAny();
  const auto type = std::find_if(ModelTypes().begin(), ModelTypes().end(),
                                 [&](const ModelType& candidate) { return candidate.name == *model_type; });
  result.model_type = *model_type;
  result.spec.name = DefaultName(root, document.file());
  result.spec.transformer = TransformerSpec{};
  result.spec.transformer->name = result.spec.name;
  ConfigReader(root, *type, result).Read();
  diagnostics.ThrowIfAny();
  // What no single key can be blamed for (op sizes beyond the limits) is reported at the file.
  for (const std::string& problem : CheckTransformerSpec(*result.spec.transformer)) root.Error(problem);
  diagnostics.ThrowIfAny();
  return result;
}

HfImport LoadHfConfig(const std::string& path) {
  util::Diagnostics diagnostics;
  const io::JsonDocument document = io::JsonDocument::LoadFile(path, diagnostics);
  diagnostics.ThrowIfAny();
  return ReadHfConfig(document);
}

}  // namespace loopfront::workload
