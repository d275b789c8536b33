// A Transformer workload written back as the YAML document the workload loader reads
// (workload/loader.h, docs/workloads.md): `name:` and a `transformer:` mapping. Writing a spec and
// loading the text gives the same spec (tests/unit/report/workload_yaml_test.cpp).
//
// Written keys: the required ones and the choices that shape every block (d_model, heads, d_head,
// d_ff, layers, seq_len, bits, activation, norm, norm_placement, decoder) always; every other key
// when its value differs from TransformerSpec's default or when `comments` has an entry for it.
// Per-layer shapes are written as lists (`heads: [12, 6]`).
//
// `loopfront import hf` (workload/hf_config.h) writes its import with this, each value commented
// with the config.json key or the model-type rule it came from.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "loopfront/workload/hf_config.h"
#include "loopfront/workload/transformer.h"

namespace loopfront::report {

// `header` is written first as comment lines (one per '\n'-separated line); `comments` maps a
// `transformer:` key to the comment written after its value.
std::string TransformerSpecToYaml(const std::string& name, const workload::TransformerSpec& spec,
                                  const std::map<std::string, std::string>& comments = {},
                                  const std::string& header = "");

// The file `loopfront import hf CONFIG` writes: the imported spec, headed by where it came from.
std::string HfImportToYaml(const workload::HfImport& imported, const std::string& config_path);

}  // namespace loopfront::report
