#include "loopfront/workload/generation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::workload {

std::vector<KvBucket> KvBuckets(std::int64_t seq_len, int max_buckets) {
  if (seq_len < 1 || max_buckets < 1) {
    throw util::InternalError(fmt::format("KvBuckets({}, {}): expected positive arguments", seq_len, max_buckets));
  }
  // Bucket ends, increasing, the last one seq_len.
  std::vector<std::int64_t> ends;
  if (seq_len <= max_buckets) {
    for (std::int64_t kv_len = 1; kv_len <= seq_len; ++kv_len) ends.push_back(kv_len);
  } else {
    const double log_length = std::log(static_cast<double>(seq_len));
    for (int bucket = 1; bucket <= max_buckets; ++bucket) {
      const auto end = static_cast<std::int64_t>(std::llround(std::exp(log_length * bucket / max_buckets)));
      const std::int64_t clamped = std::min(seq_len, std::max<std::int64_t>(end, 1));
      if (ends.empty() || clamped > ends.back()) ends.push_back(clamped);
    }
    if (ends.back() != seq_len) ends.push_back(seq_len);  // cannot happen with llround, kept as a guard
  }
  std::vector<KvBucket> buckets;
  std::int64_t first = 1;
  for (const std::int64_t last : ends) {
    KvBucket bucket;
    bucket.first_kv_len = first;
    bucket.last_kv_len = last;
    bucket.steps = last - first + 1;
    // The mean of first..last is (first + last) / 2; round half up.
    bucket.representative_kv_len = (first + last + 1) / 2;
    buckets.push_back(bucket);
    first = last + 1;
  }
  return buckets;
}

std::vector<KvBucket> WindowedKvBuckets(std::int64_t seq_len, std::optional<std::int64_t> window, int max_buckets) {
  if (!window || *window >= seq_len) return KvBuckets(seq_len, max_buckets);
  if (*window < 1 || max_buckets < 1) {
    throw util::InternalError(
        fmt::format("WindowedKvBuckets({}, {}, {}): expected positive arguments", seq_len, *window, max_buckets));
  }
  // Steps with kv_len ≥ W attend to the same W keys: one bucket, exact, represented by W.
  const KvBucket windowed{.first_kv_len = *window,
                          .last_kv_len = seq_len,
                          .representative_kv_len = *window,
                          .steps = seq_len - *window + 1};
  if (max_buckets == 1) {
    // One bucket for everything: its step attends to the rounded-half-up mean of min(t, W) over
    // t = 1..seq_len, exact for work affine in the attended keys up to the rounding.
    // seq_len and the window may reach 2^40 (util::kCountRange): the key count (up to 2^80) is
    // formed in 128 bits; the mean it gives is at most the window.
    __extension__ using Wide = __int128;
    const Wide window_keys = Wide(*window);
    const Wide keys = window_keys * (window_keys + 1) / 2 + Wide(seq_len - *window) * window_keys;
    return {KvBucket{.first_kv_len = 1,
                     .last_kv_len = seq_len,
                     .representative_kv_len = static_cast<std::int64_t>((2 * keys + seq_len) / (2 * Wide(seq_len))),
                     .steps = seq_len}};
  }
  std::vector<KvBucket> buckets = *window > 1 ? KvBuckets(*window - 1, max_buckets - 1) : std::vector<KvBucket>{};
  buckets.push_back(windowed);
  return buckets;
}

std::vector<GenerationStep> DecodeGeneration(const TransformerSpec& spec, int max_buckets) {
  TransformerSpec step_spec = spec;
  step_spec.phase = Phase::kDecode;
  step_spec.kv_len.reset();
  const std::vector<std::string> problems = CheckTransformerSpec(step_spec);
  if (!problems.empty()) {
    throw util::InternalError(
        fmt::format("DecodeGeneration('{}') on an invalid spec: {}", spec.name, util::Join(problems, "; ")));
  }
  if (max_buckets < 1) throw util::InternalError(fmt::format("DecodeGeneration: max_buckets {} < 1", max_buckets));
  std::vector<GenerationStep> steps;
  for (const KvBucket& bucket : WindowedKvBuckets(spec.seq_len, spec.sliding_window, max_buckets)) {
    GenerationStep step;
    step.spec = step_spec;
    step.spec.kv_len = bucket.representative_kv_len;
    step.bucket = bucket;
    step.label = bucket.steps == 1 ? fmt::format("kv_len {}", bucket.first_kv_len)
                                   : fmt::format("kv_len {}..{} (as {})", bucket.first_kv_len, bucket.last_kv_len,
                                                 bucket.representative_kv_len);
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace loopfront::workload
