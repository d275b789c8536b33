// Overflow-checked integer arithmetic for counting: tile products, access counts, array sizes,
// point counts. Each returns nullopt instead of wrapping (signed overflow is undefined behaviour,
// and a wrapped count prints as a negative latency). Code that multiplies user-given numbers uses
// these and turns nullopt into a positioned ConfigError (or an infeasible mapping on the hot path);
// none of them allocates or throws, so they are fine in the cost model's inner loop.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>

namespace loopfront::util {

constexpr std::optional<std::int64_t> CheckedAdd(std::int64_t a, std::int64_t b) {
  std::int64_t result = 0;
  if (__builtin_add_overflow(a, b, &result)) return std::nullopt;
  return result;
}

constexpr std::optional<std::int64_t> CheckedMul(std::int64_t a, std::int64_t b) {
  std::int64_t result = 0;
  if (__builtin_mul_overflow(a, b, &result)) return std::nullopt;
  return result;
}

// The product of `values`, or nullopt when it does not fit an int64. The empty product is 1.
constexpr std::optional<std::int64_t> CheckedProduct(std::span<const std::int64_t> values) {
  std::int64_t product = 1;
  for (const std::int64_t value : values) {
    if (__builtin_mul_overflow(product, value, &product)) return std::nullopt;
  }
  return product;
}

constexpr std::optional<std::int64_t> CheckedProduct(std::initializer_list<std::int64_t> values) {
  return CheckedProduct(std::span<const std::int64_t>(values.begin(), values.size()));
}

// A double truncated toward zero to int64 when the result is inside int64's range; nullopt for NaN, ±inf and anything ≥ 2^63 or < -2^63 (where a plain
// static_cast is undefined behaviour).
constexpr std::optional<std::int64_t> CheckedToInt64(double value) {
  // 2^63 is exactly representable; every double below it truncates into range.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (!(value < kTwoTo63) || !(value >= -kTwoTo63)) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

}  // namespace loopfront::util
