// Hashing: a stable hash of text, FNV-1a 64 bits (Fowler, Noll, Vo) — unlike std::hash the same
// on every platform and run, so point ids and seeds derived from it are reproducible — and one
// step for combining values into a hash for in-memory tables (mapping hashes, planner keys).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace loopfront::util {

constexpr std::uint64_t Fnv1a64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char character : text) {
    hash ^= static_cast<unsigned char>(character);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Mixes `value` into `state` (the boost::hash_combine step, then splitmix64's finalizer): cheap and
// well mixing for small integers. Not stable across versions: for in-memory hash tables only.
constexpr std::uint64_t HashCombine(std::uint64_t state, std::uint64_t value) {
  std::uint64_t z = state ^ (value + 0x9e3779b97f4a7c15ULL + (state << 6) + (state >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace loopfront::util
