// Importing a Hugging Face `config.json` (issue 13): `--model hf:PATH/config.json` wherever a
// workload is named (workload/loader.h, LoadWorkloadSpec), and `loopfront import hf CONFIG`, which
// writes the same spec as a `transformer:` workload file (report/workload_yaml.h).
//
// A config describes a model through its `model_type` (the transformers class that builds it) and
// that class's keys. The import reads what the class reads, in the way its model code uses it
// (transformers 4.40–4.46), for the model types in HfModelTypes(): bert, gpt2, llama (Llama 2 and
// 3), mistral, mixtral, qwen2, gemma, phi3, vit. What each model type fixes by construction (norm,
// norm placement, positions, gated MLP, biases, encoder or decoder) comes from the table in
// hf_config.cpp; docs/workloads.md, "Hugging Face configs", lists every key and rule.
//
// Strict: a key that decides the op graph is required (a missing one is an error, never a silent
// default), except where the model code itself derives it (num_key_value_heads absent = heads,
// head_dim absent = hidden_size / heads, GPT-2's n_inner null = 4 × n_embd, tie_word_embeddings
// absent = the config class's default); a key whose value changes the graph in a way loopfront
// does not model (attention logit soft-capping, partial rotary embeddings, cross-attention,
// layers with different attention windows, ...) is an error naming the key. Keys that change no
// op (dropout, token ids, rope_theta, rope_scaling, initializer_range, ...) are ignored. Every
// problem of a file is reported at once, at the line and column of the offending value
// (io/json_reader.h), through one util::ConfigError.
//
// Thread-safety: pure functions (they read the file only).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/io/json_reader.h"
#include "loopfront/workload/loader.h"

namespace loopfront::workload {

// The prefix that makes a workload name a Hugging Face config: `hf:models/llama/config.json`.
inline constexpr std::string_view kHfPrefix = "hf:";

struct HfImport {
  // A transformer spec, checked like a loaded workload file. Its name: the last '/'-separated part
  // of the config's `_name_or_path` when that is a plain name (letters, digits, '_', '-', '.'),
  // else the name of the folder holding a file named config.json (the hub's layout), else the
  // file's stem.
  WorkloadSpec spec;
  std::string model_type;
  // For each `transformer:` key the import set (d_model, heads, ...), where its value came from:
  // the config key(s), or the model-type rule that fixed it. `import hf` writes these as comments.
  std::map<std::string, std::string> sources;
};

// Reads a parsed config; throws util::ConfigError with every problem found.
HfImport ReadHfConfig(const io::JsonDocument& document);
// Loads and reads `path` (a missing file or a JSON syntax error is a ConfigError too).
HfImport LoadHfConfig(const std::string& path);

// The supported model_type values.
std::vector<std::string> HfModelTypes();

}  // namespace loopfront::workload
