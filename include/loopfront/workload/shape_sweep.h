// Model-shape sweeps (survey Sec. 6; docs/experiments.md, "Dotted workload keys"): a Transformer
// workload with some of its `transformer:` keys set to other values, e.g. an experiment's
// `sweep: {transformer.layers: [3, 6], transformer.moe.experts: 8}`.
//
// A key is dotted: `transformer.KEY`, or `transformer.KEY.SUBKEY` inside a nested mapping
// (`transformer.moe.experts`, `transformer.precision.weights`; a missing mapping is created). The
// value is YAML text in flow style: a scalar, or a list for a per-layer key
// (`[12, 6, 12, 8, 10, 6]`). Each setting is written into the workload's YAML document (the
// preset's text or the file), and the document is read again with every workload check, so a set
// value is checked exactly as if it had been written in the file.
//
// Errors: a util::ConfigError whose diagnostics each carry, as `path`, the dotted key they concern
// (`transformer.d_model`) and a message that names the workload and its settings ("bert-base with
// transformer.heads=5"), without a file position: the caller positions them (an experiment at its
// sweep keys). Thread-safety: a pure function (reads preset tables and files only).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "loopfront/workload/loader.h"

namespace loopfront::workload {

// The first component of every dotted workload key.
inline constexpr std::string_view kSweepKeyPrefix = "transformer.";

struct KeySetting {
  std::string key;    // dotted, as above
  std::string value;  // flow YAML: `672`, `rotary`, `[12, 6, 12]`
};

// The keys a Transformer workload's ends are made of (docs/workloads.md): the token and position
// embeddings, the segment embeddings and the LM head. `blocks_only` removes them (and `positions`
// when absolute; rotary positions are applied inside the blocks and stay), so that the workload is
// its Transformer blocks only, as the survey counts them (Kim et al., arXiv 2302.14017, Sec. 2.2).
inline constexpr std::string_view kEndKeys[] = {"vocab", "max_positions", "token_types", "lm_head", "tie_embeddings"};

// The workload `name_or_path` with its ends removed when `blocks_only`, every setting set,
// checked, then with `overrides` applied (as LoadWorkloadSpec). With no settings and not
// blocks_only it is LoadWorkloadSpec. An op list, a key not of the form above, or a value that
// makes the workload invalid is a ConfigError as described above. A Hugging Face config (`hf:`)
// takes blocks_only (the same keys cleared in its imported spec) but no settings: those need the
// workload file `loopfront import hf` writes (a ConfigError at each key says so).
WorkloadSpec LoadSweptWorkloadSpec(std::string_view name_or_path, std::span<const KeySetting> settings,
                                   const WorkloadOverrides& overrides = {}, bool blocks_only = false);

// `key=value, ...` of the settings, as messages and titles name a swept workload.
std::string SettingsText(std::span<const KeySetting> settings);

}  // namespace loopfront::workload
