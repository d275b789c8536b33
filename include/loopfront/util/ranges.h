// The domains of the numbers a user can write (YAML keys, command-line flags, JSON fields).
//
// "Finite" is not enough: an energy of 1e308 pJ, a bandwidth of 1e-300 words/cycle or a dim of
// 2^62 is well-formed and absurd, and the arithmetic downstream (products of tile sizes, access
// counts × energies, cycles × pJ) then overflows or loses the bound it stands for. Every loader
// and every flag checks its numbers against one of these closed intervals at load time and
// reports a positioned error (`expected an integer in [1, 1099511627776], got ...`), so that the
// cost model and the searchers can rely on magnitudes that fit their arithmetic:
//   - counts and sizes ≤ 2^40 (kMaxCount): a product of two of them is < 2^80, so the code that
//     multiplies them uses util/checked.h and reports an overflow as a positioned error;
//   - energies ≤ 1e9 pJ and bandwidths in [1e-6, 1e12] words/cycle: energy × count ≤ 1e21 pJ and
//     count / bandwidth ≤ 1e18 cycles stay far inside a double and its exact-integer range checks.
// Each domain states why its bounds are what they are; docs/*.md list them per key.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace loopfront::util {

// A closed interval [min, max] of integers.
struct IntRange {
  std::int64_t min = 0;
  std::int64_t max = std::numeric_limits<std::int64_t>::max();

  constexpr bool Contains(std::int64_t value) const { return value >= min && value <= max; }
};

// A closed interval [min, max] of finite doubles (NaN is never inside).
struct RealRange {
  double min = 0;
  double max = 0;

  constexpr bool Contains(double value) const { return value >= min && value <= max; }
};

// The largest size or count a user may write: a dim, a capacity in words or bytes, a number of
// layers, heads, experts or PEs. 2^40 ≈ 1.1e12 is above every Transformer dimension and every
// memory of DESIGN §2.3 (an 80 GB HBM stack is 2^36.2 bytes), and the product of two such counts
// fits in 80 bits, which util/checked.h computes exactly.
inline constexpr std::int64_t kMaxCount = std::int64_t{1} << 40;

// Positive sizes and counts: dims, capacities, mesh sides, layers, heads, batch, seq_len.
inline constexpr IntRange kCountRange{1, kMaxCount};
// Sizes and counts where 0 means "none": a fill latency, a number of experts to skip.
inline constexpr IntRange kNonNegativeCountRange{0, kMaxCount};
// Bits of a word or of an element (precision): a 4096-bit word is beyond any accelerator bus.
inline constexpr IntRange kBitsRange{1, 4096};
// Threads a process may be asked to use (DESIGN §3 `--threads`): at least one; 65,536 is above any
// node's hardware threads.
inline constexpr IntRange kThreadsRange{1, 65536};
// A seed (`--seed`, `search.seed`): any non-negative 63-bit integer; loopfront streams take it as
// uint64 (util/random.h).
inline constexpr IntRange kSeedRange{0, std::numeric_limits<std::int64_t>::max()};

// Energy per access or per operation, in pJ. Published values range from ~0.01 pJ (a register
// read at 7 nm) to ~1,000 pJ (a 64-byte DRAM burst; shared/FACTS.md); 1e9 pJ (1 mJ per access)
// leaves six orders of margin, and energy × kMaxCount ≤ 1.1e21 pJ stays exact enough in a double.
inline constexpr RealRange kEnergyPjRange{0.0, 1e9};
// Bandwidth in words (or bytes) per cycle. Below 1e-6 (one word per million cycles) nothing is a
// memory; above 1e12 a level is better written unlimited (omit the key). Keeping both bounds lets
// the cost model turn words / bandwidth into cycles without overflowing an int64 (≤ 2^40 / 1e-6
// ≈ 1.1e18 < 9.2e18).
inline constexpr RealRange kBandwidthRange{1e-6, 1e12};
// A clock in GHz: from 1 MHz (a microcontroller) to 1 THz.
inline constexpr RealRange kClockGhzRange{1e-3, 1e3};
// Static power in mW: up to 1 MW, beyond any single chip.
inline constexpr RealRange kStaticPowerMwRange{0.0, 1e9};
// A fraction in [0, 1] (a tolerance, a share of something).
inline constexpr RealRange kFractionRange{0.0, 1.0};
// Seconds of wall time a user may give as a budget or a timeout: up to ~31.7 years.
inline constexpr RealRange kSecondsRange{0.0, 1e9};
// Cycles per operation or per element (a host's function prices): up to the inverse of the
// slowest rate kBandwidthRange allows (one operation per million cycles); elements × cycles
// (≤ 2^52 × 1e6) then stays a finite double, which the cost model saturates to its cycle cap.
inline constexpr RealRange kCyclesPerOperationRange{0.0, 1e6};
// A wall-time budget that must be a limit (`run --budget-seconds`, which replaces the whole
// budget): at least a millisecond, below which no search evaluates anything; at most kSecondsRange.
inline constexpr RealRange kPositiveSecondsRange{1e-3, 1e9};
// Buckets of a decode pass's KV length (workload/shape_sweep.h, `kv_buckets`): each bucket is a
// model part searched on its own, so 4096 is already far beyond a useful resolution; it keeps the
// count an int.
inline constexpr IntRange kKvBucketsRange{1, 4096};
// Points an experiment may expand into unless `--max-points` raises it: 1,000,000 points at a
// fraction of a second each is already days of CPU time, and the expansion holds every point (with
// its architecture) in memory: beyond this, a small file is far more likely a mistake than a plan.
inline constexpr std::int64_t kDefaultMaxPoints = 1'000'000;
// The size limit of one input file in bytes (`--max-input-bytes`, io/input.h): at least one byte;
// at most 2^40 (1 TiB), since a whole input is held in memory while it loads.
inline constexpr IntRange kInputBytesRange{1, kMaxCount};
// Bits of one tensor element (a workload's `bits`, `precision`, an op list's tensor `bits`, an op
// spec's bits=): fp64 and int64 are the widest number formats a workload uses, and op.h counts an
// element's bits as at most 64. kBitsRange bounds an architecture's (wider) word instead.
inline constexpr IntRange kElementBitsRange{1, 64};
// Operations per element and pass of a vector op (`ops_per_element`, the counts of `functions`):
// a softmax pass takes 1 to 5; 10^6 leaves every exotic activation room while elements × ops
// (< 2^52 × 10^6 ≈ 4.5e21) stays far inside a double.
inline constexpr RealRange kOpsPerElementRange{0.0, 1e6};

// "an integer in [1, 1099511627776]"; with an unbounded side "an integer ≥ 1" / "an integer ≤ 5".
std::string DescribeRange(const IntRange& range);
// "a number in [1e-06, 1000000000000]", printed with FormatNumber.
std::string DescribeRange(const RealRange& range);

// The message of a value outside its range: `expected an integer in [1, 8], got 9`. A NaN
// reads "got nan".
std::string OutOfRangeMessage(const IntRange& range, std::int64_t value);
std::string OutOfRangeMessage(const RealRange& range, double value);

}  // namespace loopfront::util
