// A model as the whole-model search takes it (planner/model_search.h): a workload preset or file,
// with the command line's or an experiment's overrides, resolved into weighted parts — one prefill
// pass, one decode step at a given kv_len, or a whole decode generation as kv_len buckets
// (workload/generation.h). `loopfront search --model` and `loopfront run` share this code.
//
// Units: lengths in tokens. Thread-safety: pure function (reads preset tables and files only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/planner/model_search.h"
#include "loopfront/workload/generation.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/shape_sweep.h"
#include "loopfront/workload/transformer.h"

namespace loopfront::experiment {

// What to search: the workload and the values that replace its spec's (absent: the workload's).
struct ModelRequest {
  std::string model;  // preset name or path
  std::optional<std::int64_t> seq_len{};
  std::optional<std::int64_t> batch{};
  std::optional<workload::Phase> phase{};
  std::optional<std::int64_t> kv_len{};            // decode: one step at this kv_len instead of a generation
  std::optional<workload::Precision> precision{};  // word sizes per tensor class (`--precision`)
  int kv_buckets = workload::kDefaultKvBuckets;
  // Model-shape sweep (workload/shape_sweep.h): `transformer.KEY` settings, in file order.
  std::vector<workload::KeySetting> sweep{};
  // The Transformer blocks only: the workload's embeddings and LM head left out (survey Sec. 2.2).
  bool blocks_only = false;
};

// What outputs name the model by (CSV columns model, seq_len, batch, phase).
struct ModelIdentity {
  std::string model;        // the workload's name
  std::string seq_len{};    // empty for op lists
  std::string batch{};      // empty for op lists
  std::string phase{};      // empty for op lists
  std::string description;  // one line for a table's title
};

struct ResolvedModel {
  ModelIdentity identity;
  workload::WorkloadSpec spec;  // with the overrides applied
  std::vector<planner::ModelPart> parts;
};

// Loads and checks the workload (util::ConfigError with every problem: unknown preset, overrides on
// an op list, decode of an encoder, ...) and builds its parts.
ResolvedModel ResolveModel(const ModelRequest& request);

}  // namespace loopfront::experiment
