// A stable hash of text: FNV-1a, 64 bits (Fowler, Noll, Vo). Unlike std::hash it is the same on
// every platform and run, so point ids and seeds derived from it are reproducible.
// Thread-safety: a pure function.
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

}  // namespace loopfront::util
