// Deterministic random streams (shared/STYLE.md: "one seed in; each task derives its own stream
// from (seed, task index); no global RNG").
//
// `Rng` is xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// 2021), seeded through SplitMix64. Unlike std::uniform_*_distribution, whose algorithms are left
// to the standard library, every draw here is specified in this file, so a seed gives the same
// numbers with any compiler and any thread count.
//
// Thread-safety: an Rng is a value; give each task its own (DeriveStream).
#pragma once

#include <cstdint>
#include <initializer_list>

namespace loopfront::util {

// SplitMix64 step (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014).
constexpr std::uint64_t SplitMix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t mixed = state;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
  return mixed ^ (mixed >> 31);
}

// A 64-bit key for a task: the seed mixed with each index in turn (e.g. {op, chain, restart}).
constexpr std::uint64_t DeriveSeed(std::uint64_t seed, std::initializer_list<std::uint64_t> task_indices) {
  std::uint64_t state = seed;
  std::uint64_t key = SplitMix64(state);
  for (std::uint64_t index : task_indices) {
    state = key ^ (index + 0x632BE59BD9B4E019ULL);
    key = SplitMix64(state);
  }
  return key;
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t state = seed;
    for (std::uint64_t& word : state_) word = SplitMix64(state);
  }

  std::uint64_t Next() {
    const std::uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform integer in [0, bound), bound > 0 (Lemire's nearly-divisionless method, 2019).
  std::uint64_t Below(std::uint64_t bound) {
    __uint128_t product = static_cast<__uint128_t>(Next()) * bound;
    std::uint64_t low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<__uint128_t>(Next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Chance(double probability) { return Uniform() < probability; }

 private:
  static constexpr std::uint64_t RotateLeft(std::uint64_t value, int bits) {
    return (value << bits) | (value >> (64 - bits));
  }
  std::uint64_t state_[4];
};

}  // namespace loopfront::util
