#include "loopfront/workload/generation.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "loopfront/util/error.h"
#include "loopfront/workload/loader.h"

using namespace loopfront::workload;

namespace {

// Every kv_len 1..seq_len in exactly one bucket, in order; the representative is the rounded mean.
void CheckCover(const std::vector<KvBucket>& buckets, std::int64_t seq_len, int max_buckets) {
  REQUIRE(!buckets.empty());
  CHECK(static_cast<int>(buckets.size()) <= max_buckets);
  std::int64_t next = 1;
  std::int64_t steps = 0;
  for (const KvBucket& bucket : buckets) {
    CHECK(bucket.first_kv_len == next);
    CHECK(bucket.last_kv_len >= bucket.first_kv_len);
    CHECK(bucket.steps == bucket.last_kv_len - bucket.first_kv_len + 1);
    CHECK(bucket.representative_kv_len == (bucket.first_kv_len + bucket.last_kv_len + 1) / 2);
    next = bucket.last_kv_len + 1;
    steps += bucket.steps;
  }
  CHECK(next == seq_len + 1);
  CHECK(steps == seq_len);
}

}  // namespace

TEST_CASE("KvBuckets is exact when every step fits its own bucket", "[workload][generation]") {
  const std::vector<KvBucket> buckets = KvBuckets(5, 8);
  REQUIRE(buckets.size() == 5);
  for (std::size_t index = 0; index < buckets.size(); ++index) {
    CHECK(buckets[index].first_kv_len == static_cast<std::int64_t>(index) + 1);
    CHECK(buckets[index].representative_kv_len == static_cast<std::int64_t>(index) + 1);
    CHECK(buckets[index].steps == 1);
  }
  CheckCover(KvBuckets(8, 8), 8, 8);
}

TEST_CASE("KvBuckets cuts long generations geometrically into at most max_buckets", "[workload][generation]") {
  for (const std::int64_t seq_len : {9, 128, 1000, 1024, 4096}) {
    for (const int max_buckets : {1, 2, 8, 16}) {
      CAPTURE(seq_len, max_buckets);
      const std::vector<KvBucket> buckets = KvBuckets(seq_len, max_buckets);
      CheckCover(buckets, seq_len, max_buckets);
      // The ratio of a bucket's ends is about seq_len^(1/max_buckets) (see generation.h).
      const double ratio = std::pow(static_cast<double>(seq_len), 1.0 / max_buckets);
      for (const KvBucket& bucket : buckets) {
        CHECK(static_cast<double>(bucket.last_kv_len) / static_cast<double>(bucket.first_kv_len) <= ratio * 1.5 + 1.0);
      }
    }
  }
  // 128 tokens in 8 buckets: ends round(128^(i/8)) = 2, 3, 6, 11, 21, 38, 70, 128.
  const std::vector<KvBucket> buckets = KvBuckets(128, 8);
  std::vector<std::int64_t> ends;
  for (const KvBucket& bucket : buckets) ends.push_back(bucket.last_kv_len);
  CHECK(ends == std::vector<std::int64_t>{2, 3, 6, 11, 21, 38, 70, 128});
  CHECK_THROWS_AS(KvBuckets(0, 8), loopfront::util::InternalError);
  CHECK_THROWS_AS(KvBuckets(8, 0), loopfront::util::InternalError);
}

TEST_CASE("DecodeGeneration gives decode steps at the representative kv_len, weighted by steps",
          "[workload][generation]") {
  const WorkloadSpec spec = LoadWorkloadSpec("gpt2", {.seq_len = 100});
  REQUIRE(spec.transformer);
  const std::vector<GenerationStep> steps = DecodeGeneration(*spec.transformer, 4);
  REQUIRE(steps.size() == 4);
  std::int64_t total = 0;
  for (const GenerationStep& step : steps) {
    CHECK(step.spec.phase == Phase::kDecode);
    REQUIRE(step.spec.kv_len);
    CHECK(*step.spec.kv_len == step.bucket.representative_kv_len);
    CHECK(CheckTransformerSpec(step.spec).empty());
    total += step.bucket.steps;
    // Only the attention ops depend on kv_len: Q×K^T attends to kv_len keys.
    const Workload workload = BuildTransformer(step.spec);
    CHECK(workload.op(*workload.FindOp("qk_matmul")).DimSize("n") == step.bucket.representative_kv_len);
    CHECK(workload.op(*workload.FindOp("q_proj")).DimSize("m") == 1);
  }
  CHECK(total == 100);
  CHECK(steps.front().label == "kv_len 1..3 (as 2)");
  // An encoder has no decode phase.
  const WorkloadSpec bert = LoadWorkloadSpec("bert-base");
  CHECK_THROWS_AS(DecodeGeneration(*bert.transformer, 4), loopfront::util::InternalError);
}

TEST_CASE("A sliding window makes the steps kv_len ≥ W one exact bucket", "[workload][generation]") {
  // 100 steps, window 10: 1..9 cut into at most 7 buckets, then 10..100 as 10.
  const std::vector<KvBucket> buckets = WindowedKvBuckets(100, 10, 8);
  REQUIRE(buckets.size() <= 8);
  CHECK(buckets.back() == KvBucket{.first_kv_len = 10, .last_kv_len = 100, .representative_kv_len = 10, .steps = 91});
  const std::vector<KvBucket> head(buckets.begin(), buckets.end() - 1);
  CHECK(head == KvBuckets(9, 7));
  std::int64_t steps = 0;
  std::int64_t next = 1;
  for (const KvBucket& bucket : buckets) {
    CHECK(bucket.first_kv_len == next);
    next = bucket.last_kv_len + 1;
    steps += bucket.steps;
  }
  CHECK(steps == 100);

  // No window, or one no shorter than the generation: the plain buckets.
  CHECK(WindowedKvBuckets(100, std::nullopt, 8) == KvBuckets(100, 8));
  CHECK(WindowedKvBuckets(100, 100, 8) == KvBuckets(100, 8));
  CHECK(WindowedKvBuckets(100, 500, 8) == KvBuckets(100, 8));
  // Window 1: every step attends to one key.
  CHECK(WindowedKvBuckets(5, 1, 8) ==
        std::vector<KvBucket>{{.first_kv_len = 1, .last_kv_len = 5, .representative_kv_len = 1, .steps = 5}});
  // One bucket: the rounded mean of min(t, 4) over t = 1..10 is (1 + 2 + 3 + 4 + 6 × 4) / 10 = 3.4 → 3.
  CHECK(WindowedKvBuckets(10, 4, 1) ==
        std::vector<KvBucket>{{.first_kv_len = 1, .last_kv_len = 10, .representative_kv_len = 3, .steps = 10}});
  // min(t, 2) over t = 1..3: (1 + 2 + 2) / 3 ≈ 1.67 → 2.
  CHECK(WindowedKvBuckets(3, 2, 1).front().representative_kv_len == 2);
  CHECK_THROWS_AS(WindowedKvBuckets(10, 0, 8), loopfront::util::InternalError);
}

TEST_CASE("DecodeGeneration honours the sliding window", "[workload][generation]") {
  WorkloadSpec spec = LoadWorkloadSpec("gpt2", WorkloadOverrides{.seq_len = 64, .phase = Phase::kDecode});
  spec.transformer->sliding_window = 16;
  const std::vector<GenerationStep> steps = DecodeGeneration(*spec.transformer, 4);
  REQUIRE(steps.size() <= 4);
  const GenerationStep& windowed = steps.back();
  CHECK(windowed.bucket.first_kv_len == 16);
  CHECK(windowed.bucket.steps == 49);
  CHECK(windowed.spec.kv_len == 16);
  CHECK(windowed.label == "kv_len 16..64 (as 16)");
  std::int64_t total_steps = 0;
  for (const GenerationStep& step : steps) {
    total_steps += step.bucket.steps;
    CHECK(step.spec.kv_len == step.bucket.representative_kv_len);
    CHECK(step.spec.AttendedKeys() <= 16);
  }
  CHECK(total_steps == 64);
}
