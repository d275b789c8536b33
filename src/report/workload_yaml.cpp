#include "loopfront/report/workload_yaml.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "loopfront/util/strings.h"

namespace loopfront::report {
namespace {

std::string List(const std::vector<std::int64_t>& values) {
  std::vector<std::string> items;
  for (const std::int64_t value : values) items.push_back(std::to_string(value));
  return fmt::format("[{}]", util::Join(items, ", "));
}

std::string_view Bool(bool value) { return value ? "true" : "false"; }

class Writer {
 public:
  explicit Writer(const std::map<std::string, std::string>& comments) : comments_(comments) {}

  // Writes `key: value` when `always`, when the value is not the default, or when it has a comment.
  void Key(const std::string& key, const std::string& value, bool always_or_not_default) {
    const auto comment = comments_.find(key);
    if (!always_or_not_default && comment == comments_.end()) return;
    out_ += fmt::format("  {}: {}", key, value);
    if (comment != comments_.end()) {
      // A comment is one line: a line break would end it and start invalid YAML.
      std::string text = comment->second;
      for (char& character : text) {
        if (character == '\n' || character == '\r') character = ' ';
      }
      out_ += "  # " + text;
    }
    out_ += "\n";
  }

  std::string Take() { return std::move(out_); }

 private:
  const std::map<std::string, std::string>& comments_;
  std::string out_{};
};

}  // namespace

std::string TransformerSpecToYaml(const std::string& name, const workload::TransformerSpec& spec,
                                  const std::map<std::string, std::string>& comments, const std::string& header) {
  using workload::ToString;
  const workload::TransformerSpec defaults;
  std::string out;
  if (!header.empty()) {
    for (const std::string& line : util::Split(header, '\n')) out += line.empty() ? "#\n" : "# " + line + "\n";
  }
  out += fmt::format("name: {}\ntransformer:\n", name);
  Writer writer(comments);
  writer.Key("d_model", std::to_string(spec.d_model), true);
  writer.Key("heads", spec.layer_heads.empty() ? std::to_string(spec.heads) : List(spec.layer_heads), true);
  writer.Key("kv_heads", std::to_string(spec.kv_heads), spec.kv_heads != defaults.kv_heads);
  writer.Key("d_head", std::to_string(spec.d_head), true);
  writer.Key("d_ff", spec.layer_d_ff.empty() ? std::to_string(spec.d_ff) : List(spec.layer_d_ff), true);
  writer.Key("layers", std::to_string(spec.layers), true);
  writer.Key("seq_len", std::to_string(spec.seq_len), true);
  writer.Key("batch", std::to_string(spec.batch), spec.batch != defaults.batch);
  writer.Key("phase", std::string(ToString(spec.phase)), spec.phase != defaults.phase);
  if (spec.kv_len) writer.Key("kv_len", std::to_string(*spec.kv_len), true);
  writer.Key("bits", std::to_string(spec.bits), true);
  if (const std::optional<workload::Precision>& precision = spec.precision) {
    writer.Key("precision",
               fmt::format("{{weights: {}, activations: {}, kv_cache: {}, accumulators: {}}}", precision->weights,
                           precision->activations, precision->kv_cache, precision->accumulators),
               true);
  }
  writer.Key("activation", std::string(ToString(spec.activation)), true);
  writer.Key("norm", std::string(ToString(spec.norm)), true);
  writer.Key("norm_placement", std::string(ToString(spec.norm_placement)), true);
  writer.Key("decoder", std::string(Bool(spec.decoder)), true);
  writer.Key("vocab", std::to_string(spec.vocab), spec.vocab != defaults.vocab);
  writer.Key("positions", std::string(ToString(spec.positions)), spec.positions != defaults.positions);
  writer.Key("max_positions", std::to_string(spec.max_positions), spec.max_positions != defaults.max_positions);
  writer.Key("token_types", std::to_string(spec.token_types), spec.token_types != defaults.token_types);
  if (spec.lm_head) writer.Key("lm_head", std::string(ToString(*spec.lm_head)), true);
  writer.Key("tie_embeddings", std::string(Bool(spec.tie_embeddings)), spec.tie_embeddings != defaults.tie_embeddings);
  writer.Key("qkv_bias", std::string(Bool(spec.qkv_bias)), spec.qkv_bias != defaults.qkv_bias);
  writer.Key("out_bias", std::string(Bool(spec.out_bias)), spec.out_bias != defaults.out_bias);
  writer.Key("mlp_bias", std::string(Bool(spec.mlp_bias)), spec.mlp_bias != defaults.mlp_bias);
  if (spec.sliding_window) writer.Key("sliding_window", std::to_string(*spec.sliding_window), true);
  if (spec.moe.experts > 0) {
    writer.Key("moe",
               fmt::format("{{experts: {}, experts_per_token: {}}}", spec.moe.experts, spec.moe.experts_per_token),
               true);
  }
  if (const std::optional<workload::PatchEmbedding>& patch = spec.patch_embedding) {
    writer.Key("patch_embedding",
               fmt::format("{{image_size: {}, patch_size: {}, channels: {}}}", patch->image_size, patch->patch_size,
                           patch->channels),
               true);
  }
  return out + writer.Take();
}

std::string HfImportToYaml(const workload::HfImport& imported, const std::string& config_path) {
  const std::string header = fmt::format(
      "Imported by `loopfront import hf` from {} (model_type {}).\n"
      "Each value's comment names the config.json key it came from, or the model-type rule that fixed it\n"
      "(docs/workloads.md, \"Hugging Face configs\").",
      config_path, imported.model_type);
  return TransformerSpecToYaml(imported.spec.name, *imported.spec.transformer, imported.sources, header);
}

}  // namespace loopfront::report
