// The files `loopfront export timeloop ... --output DIR` writes (issue 12, item 2): one op, one
// architecture and one mapping as timeloop-model v3.0.3's input files, in the forms of
// ../shared/validation/timeloop-inputs (the files Timeloop accepted for the reference cases), so
// that timeloop::ImportTimeloop of them gives back the same design and the same figures:
//
//   arch.yaml     `architecture`: v0.4, one subtree `system_top_level` whose `local` list holds
//                 each storage level as `NAME[1..instances]` (class DRAM when unbounded, else
//                 SRAM; datawidth = word_bits, block_size = access words, width, depth =
//                 capacity / block_size, meshX, meshY, bandwidths, multiple_buffering), then the
//                 MAC array as `mac[1..instances]`, class intmac
//   problem.yaml  `problem`: shape (dims, three single-index data spaces in the order input,
//                 weight, output; the output `read_write: true`) and instance (the dim sizes)
//   map.yaml      `mapping`: per level a `datatype` entry (keep / bypass), a `temporal` entry
//                 (`factors` "M=2 N=48" over every dim, `permutation` innermost loop first) and,
//                 where the level has spatial loops, a `spatial` entry (x loops first, `split` =
//                 their number)
//   ERT.yaml      `ERT`: read/write/update (and leak 0) per level, compute per MAC, in pJ
//   ART.yaml      `ART`: each level's and the MAC's area_um2 (per instance; 0 when not given)
//
// What Timeloop cannot express is refused (util::ConfigError, every reason at once), never
// approximated: a vector op; padding (a dim's factors whose product is not its size); a level
// single-buffered with honest buffering (the compute waits for its tiles, which Timeloop does not
// model) — an honestly double-buffered level is written as `multiple_buffering: 2`, Timeloop's
// idealization of it; two loops of one dim on one level (Timeloop's factors hold one per dim);
// static power (Timeloop's leak); a PE-array fill latency; a capacity that is not a whole number
// of blocks; names that are not identifiers. Dropped because they do not change a contraction's
// figures: the architecture's and op's names, keeps / required_keeps / spatial dim roles (they
// restrict the mapspace, not the cost of a given mapping), the vector unit and host (vector ops
// only), online_softmax / overlap_vector_unit (fused groups only), the clock (written as
// global_cycle_seconds, which Timeloop reports with but loopfront does not read back), the tensors'
// word_bits (every level stores one element per word), the op's count and class. Loops of factor
// 1 are dropped and spatial loops are listed x before y (neither changes the figures).
// docs/timeloop.md, "Export", lists the same.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "loopfront/cost/cost.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"

namespace loopfront::report {

struct TimeloopFiles {
  std::string arch_yaml;
  std::string problem_yaml;
  std::string map_yaml;
  std::string ert_yaml;
  std::string art_yaml;
};

inline constexpr const char* kTimeloopArchFile = "arch.yaml";
inline constexpr const char* kTimeloopProblemFile = "problem.yaml";
inline constexpr const char* kTimeloopMapFile = "map.yaml";
inline constexpr const char* kTimeloopErtFile = "ERT.yaml";
inline constexpr const char* kTimeloopArtFile = "ART.yaml";
inline constexpr const char* kAccelergyActionCountsFile = "action_counts.yaml";

// Timeloop's files for `mapping` of `problem` (a valid mapping). Throws util::ConfigError naming
// every feature that Timeloop cannot express (see the top of this file).
TimeloopFiles ExportTimeloop(const mapping::Problem& problem, const mapping::Mapping& mapping);

// The name of the MAC array's component in the files: `mac`, or `mac_array` / `pe_mac` when a
// storage level is already called so.
std::string TimeloopMacName(const arch::Architecture& architecture);

// Accelergy v0.4 `action_counts` of one evaluated mapping, to price it with one's own Accelergy
// plug-ins: under `local`, one entry per component, named as ERT.yaml names it
// (`system_top_level.NAME[1..instances]`), with the counts of its actions: `read`, `write` (fills
// from the parent) and `update` (partial sums written back) per storage level, in physical
// accesses of block_size words, rounded up per tensor, action and instance as the cost model
// charges them; `compute` (the MACs executed) for the MAC array. The counts are totals over all
// instances (Accelergy multiplies each count by its action's ERT energy and does not scale a
// ranged name by its instances), so Σ counts × ERT.yaml's energies = cost.energy_pj.
// `cost` is the dataflow model's feasible cost of a mapping of `problem`, a contraction.
std::string AccelergyActionCounts(const mapping::Problem& problem, const cost::Cost& cost);

}  // namespace loopfront::report
