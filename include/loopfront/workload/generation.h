// A whole decode-phase generation as a few weighted decode steps (DESIGN §2.2; survey Sec. 2.2:
// "decoder totals are for generating the whole sequence token by token with a KV cache").
//
// Generating seq_len tokens runs seq_len decode steps; step t (1-based) attends to kv_len = t keys
// (the cache holds the t−1 earlier tokens plus the new one, as TransformerSpec::kv_len counts).
// Only the attention ops (Q×K^T, softmax, attention×V) depend on kv_len; every projection, norm,
// activation and residual add is the same op in every step. So instead of seq_len steps the
// generation is described by buckets of consecutive kv_len values, each represented by ONE decode
// step at a representative kv_len and weighted by the number of steps in the bucket.
//
// Buckets. With seq_len ≤ max_buckets every kv_len is its own bucket: exact. Otherwise the range
// 1..seq_len is cut geometrically (bucket ends ≈ seq_len^(i/max_buckets)), so that short caches,
// where a few keys make a large relative difference, get narrow buckets. The representative is
// the mean kv_len of the bucket, rounded half up.
//
// The approximation and its bound. The total of a bucket is modelled as steps × c(rep), where c
// is the cost of one step. The attention ops' work (MACs, softmax elements) and their KV-cache
// traffic are affine in kv_len, and for an affine c, steps × c(mean) is exactly Σ c(kv) over the
// bucket; rounding the mean to an integer moves it by at most ½, a relative error of at most
// 1/(2·rep) on the attention part. What is not affine (tile rounding and padding of the kv dim,
// a mapping that changes with kv_len) is bounded by the spread of the bucket: if c is
// non-decreasing in kv_len, the true total lies in [steps·c(first), steps·c(last)], so the error
// of the attention part is at most (last − first) / first of it, i.e. the bucket ratio − 1
// (≤ seq_len^(1/max_buckets) − 1 + 1/first). The non-attention ops are exact.
//
// Sliding window W < seq_len (Mistral): a step with kv_len ≥ W attends to the same W keys
// (TransformerSpec::AttendedKeys), so the steps kv_len = W … seq_len are identical and form ONE
// exact bucket represented by W; the range 1 … W − 1 is cut as above into max_buckets − 1 buckets.
// With max_buckets = 1 the one bucket 1 … seq_len is represented by the rounded mean of min(t, W).
//
// Units: lengths in tokens, steps in decode steps. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/workload/transformer.h"

namespace loopfront::workload {

struct KvBucket {
  std::int64_t first_kv_len = 1;           // inclusive
  std::int64_t last_kv_len = 1;            // inclusive
  std::int64_t representative_kv_len = 1;  // the step searched for the whole bucket
  std::int64_t steps = 1;                  // = last − first + 1: the bucket's weight

  bool operator==(const KvBucket&) const = default;
};

// Default number of buckets for `loopfront search --phase decode`: a generation of 1024 tokens
// then has buckets of ratio ≤ 1024^(1/8) ≈ 2.4 at the long end, each represented by its mean.
inline constexpr int kDefaultKvBuckets = 8;

// Buckets covering kv_len = 1..seq_len exactly once, in increasing order, at most `max_buckets`
// of them (≥ 1). Throws util::InternalError for seq_len < 1 or max_buckets < 1.
std::vector<KvBucket> KvBuckets(std::int64_t seq_len, int max_buckets);

// KvBuckets for a generation with a sliding window (see above): at most max_buckets buckets
// covering 1..seq_len exactly once, increasing; KvBuckets(seq_len, max_buckets) without a window
// or with window ≥ seq_len. Throws util::InternalError for non-positive arguments.
std::vector<KvBucket> WindowedKvBuckets(std::int64_t seq_len, std::optional<std::int64_t> window, int max_buckets);

// One decode step of a generation: the spec of a step at the bucket's representative kv_len, and
// how many steps it stands for.
struct GenerationStep {
  TransformerSpec spec;  // phase decode, kv_len = bucket.representative_kv_len
  KvBucket bucket;
  std::string label;  // "kv_len 39..70 (as 55)", or "kv_len 7" for a bucket of one step
};

// The steps of generating spec.seq_len tokens (the spec must be a valid decoder spec; its phase
// and kv_len are replaced; its sliding window is honoured, see above). Throws util::InternalError on an invalid spec.
std::vector<GenerationStep> DecodeGeneration(const TransformerSpec& spec, int max_buckets = kDefaultKvBuckets);

}  // namespace loopfront::workload
