// Compile-time limits of an architecture, checked by the loader (arch/loader.h) with a positioned
// error. The mapping and cost-model value types size their fixed arrays from them
// (mapping/limits.h), so that a loaded architecture always fits them.
#pragma once

namespace loopfront::arch {

// Storage levels of one architecture, outermost (DRAM) to innermost; the deepest preset has 6.
inline constexpr int kMaxStorageLevels = 8;

}  // namespace loopfront::arch
