// The command line's short spelling of per-tensor-class precision (`--precision w4a16kv8`), as
// quantization papers and tools name their configurations (W4A16: 4-bit weights, 16-bit
// activations; e.g. Lin et al. 2024, "AWQ", arXiv 2306.00978; Frantar et al. 2023, "GPTQ").
//
// Grammar: one or more tokens, each a class name followed by its word size in bits (1..64), each
// class at most once, in any order, letters in either case:
//   w   weights        a   activations        kv   KV cache        acc   accumulators
// e.g. `w4a16kv8`, `w8a8`, `w4a16kv8acc32`. A class the text does not name takes the workload's
// `bits` (weights, activations, kv_cache) or 32 (accumulators), as `precision:` in a workload
// file does (docs/workloads.md).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "loopfront/workload/loader.h"
#include "loopfront/workload/transformer.h"

namespace loopfront::workload {

// The word sizes a `--precision` text names; unset = not named.
struct PrecisionSpec {
  std::optional<int> weights{};
  std::optional<int> activations{};
  std::optional<int> kv_cache{};
  std::optional<int> accumulators{};
  bool operator==(const PrecisionSpec&) const = default;
};

// Parses `text` (grammar above). Throws util::ConfigError naming `option` (the command-line
// option, e.g. "--precision") with what was expected and what was found.
PrecisionSpec ParsePrecisionSpec(std::string_view text, std::string_view option);

// The full precision: the named sizes, `bits` for unnamed weights, activations and KV cache, and
// Precision's default (32) for unnamed accumulators.
Precision ResolvePrecision(const PrecisionSpec& spec, int bits);

// What `option TEXT` (e.g. `--precision w4a16`) sets in WorkloadOverrides::precision for the
// workload `spec` as loaded (its own `bits` fill the classes the text does not name). Throws
// util::ConfigError naming `option` for bad text or for an op list (whose tensors carry their own
// word_bits).
Precision PrecisionOverride(std::string_view text, std::string_view option, const WorkloadSpec& spec);

}  // namespace loopfront::workload
