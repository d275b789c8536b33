// The storage sub-space of the mapspace (mapspace.h, "keeps" and "buffering"): which tensors each
// level keeps (bypass genes) and whether a level with the choice is double-buffered. Both are
// storage decisions of a level, so they travel together: one word of coins samples them, one
// mutation flips either, and the enumeration counts them as one radix (num_bypass_choices). The
// one rule that couples levels, "an on-chip tensor is kept at one level at least", is enforced
// here (FixOnChipKeeps) and counted here (KeepChoices), once for size and enumeration alike.
#include "src/search/mapspace_internal.h"

namespace loopfront::search {
namespace {

using mapping::TensorMask;

}  // namespace

Mapspace::TensorKeepChoices Mapspace::KeepChoices(int tensor) const {
  int choice_levels = 0;
  bool kept_for_sure = false;
  for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
    choice_levels += (levels_[level_idx].choosable >> tensor) & 1u;
    kept_for_sure |= ((levels_[level_idx].always_kept >> tensor) & 1u) != 0;
  }
  const std::uint64_t subsets = std::uint64_t{1} << choice_levels;
  const bool skips_empty = ((on_chip_ >> tensor) & 1u) != 0 && !kept_for_sure;
  return {.count = skips_empty ? subsets - 1 : subsets, .skips_empty = skips_empty};
}

std::uint64_t Mapspace::CountBypassChoices() const {
  std::uint64_t choices = 1;
  for (int tensor = 0; tensor < num_tensors_; ++tensor) choices *= KeepChoices(tensor).count;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) choices <<= levels_[level_idx].buffering_choice;
  return choices;
}

void Mapspace::SampleKeeps(util::Rng& rng, Genome& genome) const {
  const std::uint64_t coins = rng.Next();
  int coin = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const LevelSpace& level = levels_[level_idx];
    TensorMask keeps = level.always_kept;
    for (TensorMask choice = level.choosable; choice != 0; choice &= static_cast<TensorMask>(choice - 1)) {
      if ((coins >> (coin++ & 63)) & 1u) keeps = static_cast<TensorMask>(keeps | (choice & -choice));
    }
    genome.keeps[level_idx] = keeps;
  }
  genome.double_buffered = 0;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    if (levels_[level_idx].buffering_choice && ((coins >> (coin++ & 63)) & 1u) != 0) {
      genome.double_buffered = static_cast<std::uint8_t>(genome.double_buffered | (1u << level_idx));
    }
  }
  FixOnChipKeeps(rng, genome);
}

void Mapspace::FixOnChipKeeps(util::Rng& rng, Genome& genome) const {
  for (TensorMask pending = on_chip_; pending != 0; pending &= static_cast<TensorMask>(pending - 1)) {
    const int tensor = __builtin_ctz(pending);
    int choices = 0;
    bool kept = false;
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      kept |= ((genome.keeps[level_idx] >> tensor) & 1u) != 0;
      choices += (levels_[level_idx].choosable >> tensor) & 1u;
    }
    if (kept || choices == 0) continue;
    int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(choices)));
    for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
      if (((levels_[level_idx].choosable >> tensor) & 1u) == 0) continue;
      if (pick-- == 0) {
        genome.keeps[level_idx] = static_cast<TensorMask>(genome.keeps[level_idx] | (1u << tensor));
        break;
      }
    }
  }
}

bool Mapspace::MutateFlipBypass(util::Rng& rng, Genome& genome) const {
  // Flippable bits: every choosable bit, except removing an on-chip tensor's only keep.
  auto flippable = [&](int level_idx, int tensor) {
    if (((levels_[level_idx].choosable >> tensor) & 1u) == 0) return false;
    if (((on_chip_ >> tensor) & 1u) == 0 || ((genome.keeps[level_idx] >> tensor) & 1u) == 0) return true;
    for (int other = 1; other < num_levels_; ++other) {
      if (other != level_idx && ((genome.keeps[other] >> tensor) & 1u) != 0) return true;
    }
    return false;
  };
  // Buffering genes are storage choices too: they flip here.
  int total = 0;
  for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
    for (int tensor = 0; tensor < num_tensors_; ++tensor) total += flippable(level_idx, tensor);
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) total += levels_[level_idx].buffering_choice;
  if (total == 0) return false;
  int pick = static_cast<int>(rng.Below(static_cast<std::uint64_t>(total)));
  for (int level_idx = 1; level_idx < num_levels_; ++level_idx) {
    for (int tensor = 0; tensor < num_tensors_; ++tensor) {
      if (!flippable(level_idx, tensor) || pick-- != 0) continue;
      genome.keeps[level_idx] = static_cast<TensorMask>(genome.keeps[level_idx] ^ (1u << tensor));
      return true;
    }
  }
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    if (!levels_[level_idx].buffering_choice || pick-- != 0) continue;
    genome.double_buffered = static_cast<std::uint8_t>(genome.double_buffered ^ (1u << level_idx));
    return true;
  }
  return false;
}

}  // namespace loopfront::search
