// A Problem is one op bound to one architecture, compiled once into flat tables so that checking
// and evaluating a mapping touches no heap and no string (DESIGN §5).
//
// It holds copies of the op and the architecture (for names and printing) and, per dim, tensor
// and level, the integers the cost models need: dim sizes, which dims each tensor is indexed by
// (bit masks), which tensors each level may keep, usable capacities after multiple buffering,
// fanouts per axis, bandwidths as exact rationals, energies per physical access.
//
// Invariants (established by Build, which throws util::ConfigError otherwise): the op has
// 1..kMaxDims dims, 1..kMaxTensors tensors with valid dim indices and exactly one output; the
// architecture passes arch::CheckArchitecture and has ≤ kMaxLevels levels.
//
// Vector ops (DESIGN §2.1.1). A vector op with more than one pass gets an extra, synthetic dim
// named `pass` (the last dim, size = passes) that no tensor indexes: a mapping places it like any
// other dim (temporally only), outside the loops over the reduced dim. The op runs on the vector
// unit, or on the host without one: that "vector engine" computes below its `reads_level` (the
// compute level), whose fanout is the engine's lanes spread over the level's instances; levels
// inside the compute level stay empty, and the compute level may keep every tensor of the op.
// A host with `bandwidth_bytes_per_cycle` caps the shared bandwidth of its level (per instance: the
// cap over the level's instances) for the problems it runs, so its memory path needs no special
// case in the cost models.
// For contractions the compute level is the innermost level and the MACs compute below it.
//
// Units: sizes and capacities in words of the level, bandwidths in words per cycle per instance,
// energies in pJ per physical access (vector_words words), static power in pJ per cycle.
// Thread-safety: immutable after Build; share one Problem between any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/mapping/limits.h"
#include "loopfront/workload/op.h"

namespace loopfront::mapping {

enum class Axis : std::uint8_t { kX = 0, kY = 1 };
inline constexpr int kNumAxes = 2;
std::string_view ToString(Axis axis);  // "x" or "y"

// A bandwidth in words per cycle as the exact fraction num/den, so that the bandwidth roofline
// (shared/validation/README.md rule 9) is evaluated in integers. den == 0 means unlimited.
// The count (of cycles or words) the cost models saturate to when a count would leave the int64
// range (words / a rate of 1e-6, a host's 1e6 cycles per element, 4096-bit elements packed into
// 1-bit words): 2^62, so that adding two saturated counts (then saturating again) never overflows.
// A mapping whose counts reach it is reported infeasible (Violation::kCountOverflow), never printed.
inline constexpr std::int64_t kSaturatedCount = std::int64_t{1} << 62;

// a + b for counts in [0, kSaturatedCount], saturated at kSaturatedCount.
inline std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  return b >= kSaturatedCount - a ? kSaturatedCount : a + b;
}

struct Rate {
  std::int64_t num = 0;
  std::int64_t den = 0;
  bool unlimited() const { return den == 0; }
  bool operator==(const Rate&) const = default;
};

// The closest fraction to `words_per_cycle` (continued fractions, relative error ≤ 1e-12 or
// denominator ≤ 2^30): 1.5 → 3/2, 0.1 → 1/10, 8 → 8/1. Defined on util::kBandwidthRange (the
// loaders' domain of bandwidths); outside it throws InternalError.
Rate RateFromDouble(double words_per_cycle);

// ceil(words / rate) cycles, exact (128-bit intermediate), at most kSaturatedCount; 0 for an
// unlimited rate.
std::int64_t CyclesAtRate(std::int64_t words, Rate rate);

// Words of a level that elements of one tensor occupy there (DESIGN §2.5, precision): the exact
// fraction num/den = bits / word_bits of the level, reduced. {1, 1}, the default, is Timeloop's
// semantics: one element per word whatever the bits (an op without Op::accumulator_bits).
// Words(e) = ceil(e × num / den): a partly filled word still takes a whole word (two 4-bit
// weights per 8-bit word: 3 weights take 2 words; a 16-bit activation takes two 8-bit words).
struct Packing {
  std::int64_t num = 1;
  std::int64_t den = 1;
  bool unpacked() const { return num == den; }
  std::int64_t Words(std::int64_t elements) const {
    if (num == den) return elements;
    // elements × num can exceed 64 bits; GCC's 128-bit integers keep it exact.
    __extension__ using Wide = unsigned __int128;
    const Wide scaled = static_cast<Wide>(elements) * static_cast<Wide>(num);
    const Wide words = (scaled + static_cast<Wide>(den) - 1) / static_cast<Wide>(den);
    // Up to 4096-bit elements in 1-bit words multiply a count by 4096: saturate (the cost model
    // then reports Violation::kCountOverflow), never wrap.
    return words > static_cast<Wide>(kSaturatedCount) ? kSaturatedCount : static_cast<std::int64_t>(words);
  }
  bool operator==(const Packing&) const = default;
};

// Name of the synthetic dim of multi-pass vector ops (workload/limits.h).
inline constexpr std::string_view kPassDimName = workload::kPassDimName;

inline constexpr std::int64_t kUnboundedCapacity = std::numeric_limits<std::int64_t>::max();

// What the cost models need of one storage level, flattened.
struct LevelTable {
  // floor(capacity / multiple_buffering); with honest buffering (`buffering` ≠ 0): the whole
  // capacity, which a single-buffered mapping uses.
  std::int64_t usable_capacity_words = kUnboundedCapacity;
  // Honest buffering (arch/architecture.h): the options offered, 0 for Timeloop's idealization.
  arch::BufferingMask buffering = 0;
  std::int64_t double_buffered_capacity_words = kUnboundedCapacity;  // floor(capacity / 2)
  // The capacity a mapping may fill, given whether it double-buffers the level.
  std::int64_t UsableCapacity(bool double_buffered) const {
    return double_buffered ? double_buffered_capacity_words : usable_capacity_words;
  }
  // Whether the compute waits while tiles move to and from the level (single-buffered, honestly).
  bool Stalls(bool double_buffered) const { return buffering != 0 && !double_buffered; }
  std::int64_t vector_words = 1;
  std::int64_t instances = 1;
  std::array<std::int64_t, kNumAxes> fanout{1, 1};  // to the next inner level (or the MACs)
  Rate read_bandwidth{};
  Rate write_bandwidth{};
  Rate shared_bandwidth{};
  double read_pj = 0.0;      // per physical access
  double write_pj = 0.0;     // per physical access (fills)
  double update_pj = 0.0;    // per physical access
  // Derived at Build from the fields above, so that the cost models' per-evaluation loops read them
  // instead of re-deriving them (cost_models/dataflow/README.md): log2(vector_words) when
  // vector_words is a power of two, else -1 (whole accesses of rule 8 are then a shift) ...
  int vector_shift = 0;
  // ... and whether rule 9 follows Timeloop's double arithmetic here: the op is a contraction and
  // the level has no honest buffering (`buffering` = 0) and at least one limited bandwidth.
  bool timeloop_bandwidth = false;
  TensorMask may_keep = 0;   // tensors whose role the level may hold
  TensorMask must_keep = 0;  // ⊆ may_keep: a contraction's tensors the level must keep (required_roles)
  std::array<DimMask, kNumAxes> spatial_dims{};  // dims allowed on each axis of the fanout below
};

// One index of a tensor as the cost models see it: Σ coefficient × dim over its terms. Plain
// indices are one term of coefficient 1.
struct IndexTable {
  int num_terms = 0;
  std::array<std::int8_t, kMaxIndexTerms> dims{};
  std::array<std::int64_t, kMaxIndexTerms> coefficients{};
};

// The indices of an affine tensor (workload::Tensor::affine_indices), flattened.
struct AffineTable {
  int num_indices = 0;
  std::array<IndexTable, kMaxDims> indices{};
};

// Options of a Problem beyond the op and the architecture.
struct ProblemOptions {
  // Tensors that live only on chip: the intermediates of a fused group (DESIGN §2.8.1). They must
  // not be kept at the outermost level; every other tensor must be.
  TensorMask on_chip_tensors = 0;
};

class Problem {
 public:
  // An empty problem (no dims, tensors or levels), only so that containers can hold Problems.
  Problem() = default;

  // Throws util::ConfigError naming what exceeds the limits or is inconsistent.
  static Problem Build(const workload::Op& op, const arch::Architecture& architecture, ProblemOptions options = {});

  const workload::Op& op() const { return op_; }
  const arch::Architecture& arch() const { return arch_; }
  const ProblemOptions& options() const { return options_; }

  int num_dims() const { return num_dims_; }
  int num_tensors() const { return num_tensors_; }
  int num_levels() const { return num_levels_; }

  std::int64_t dim_size(int dim) const { return dim_size_[dim]; }
  // The vector op's synthetic `pass` dim, or -1 (contractions, single-pass vector ops).
  int pass_dim() const { return pass_dim_; }
  arch::DimRole dim_role(int dim) const { return dim_role_[dim]; }
  // Tensors indexed by `dim` (a loop over `dim` "indexes" them, rule 4 of the validation README).
  TensorMask dim_tensors(int dim) const { return dim_tensors_[dim]; }
  DimMask tensor_dims(int tensor) const { return tensor_dims_[tensor]; }
  workload::TensorRole tensor_role(int tensor) const { return tensor_role_[tensor]; }
  std::int64_t tensor_size(int tensor) const { return tensor_size_[tensor]; }  // elements (bounding box)
  // Tensors with an affine index (convolution inputs): rules 1, 4a, 5a and 5b of the validation
  // README give their tiles and counts. 0 for every op without one, which keeps those paths off.
  TensorMask affine_tensors() const { return affine_tensors_; }
  const AffineTable& affine(int tensor) const { return affine_[tensor]; }
  int output_tensor() const { return output_tensor_; }
  TensorMask all_tensors() const { return static_cast<TensorMask>((1u << num_tensors_) - 1); }
  // Product of all dim sizes (with `pass`): the MACs of a contraction.
  std::int64_t iteration_points() const { return iteration_points_; }

  bool is_vector_op() const { return is_vector_op_; }
  // The innermost level that may hold data and loops: the innermost level for contractions, the
  // vector engine's reads_level for vector ops (-1 when the architecture has no vector unit and
  // no host, so that vector ops cannot run).
  int compute_level() const { return compute_level_; }
  // Vector ops (DESIGN §2.1.1), all per output element and over all passes:
  //  - operations: Σ ops_per_element, plus on a floating-point host the de/quantize operations
  //    (generic host: one per element of each tensor; function table: the functions they take);
  //  - the engine's cycles per element and lane: a vector unit does one operation per lane and
  //    cycle; a generic host `ops_per_cycle`; a host with a function table Σ over passes and
  //    functions of count × its cycles, plus dequantize (per element of each tensor read:
  //    convert + mul) and quantize (per element written: mul + convert + 2 max), arch::Host;
  //  - the energy per element likewise (vector unit and generic host: operations × pJ per op);
  //  - its lanes in total (1 for the host), and its operations per cycle per lane (operations /
  //    cycles per element: an effective rate for a host with a function table).
  double vector_ops_per_element() const { return vector_ops_per_element_; }
  double vector_cycles_per_element() const { return vector_cycles_per_element_; }
  double vector_energy_pj_per_element() const { return vector_energy_pj_per_element_; }
  double vector_ops_per_cycle_per_lane() const { return vector_ops_per_cycle_per_lane_; }
  std::int64_t vector_lanes() const { return vector_lanes_; }
  // The shares of the engine's compute cycles and energy per element spent dequantizing the
  // tensors read and quantizing the tensor written (a floating-point host; 0 otherwise), in [0, 1].
  double dequantize_cycle_share() const { return dequantize_cycle_share_; }
  double quantize_cycle_share() const { return quantize_cycle_share_; }
  double dequantize_energy_share() const { return dequantize_energy_share_; }
  double quantize_energy_share() const { return quantize_energy_share_; }

  const LevelTable& level(int level_idx) const { return levels_[level_idx]; }
  // Precision (workload::Op::accumulator_bits set): whether any tensor packs other than one
  // element per word, and how `tensor` packs at `level_idx` — its Tensor::word_bits over the
  // level's word_bits, except a contraction's output below the outermost level, which holds
  // partial sums of accumulator_bits (the outermost level receives the final, requantized output
  // at its word_bits). Counts of the cost models are then in words of each level: tiles (capacity,
  // rule 1) and every action count (rule 8), per instance, each rounded up once (Packing::Words).
  // Without precision: packed() is false and every Packing is {1, 1}.
  bool packed() const { return packed_; }
  const Packing& packing(int level_idx, int tensor) const { return packing_[level_idx][tensor]; }
  // Σ over the tensors of `keeps` of the words their tiles (`tile_elements`, rule 1) take at the level.
  template <typename TileElements>
  std::int64_t TileWordsAt(int level_idx, TensorMask keeps, const TileElements& tile_elements) const {
    std::int64_t words = 0;
    for (TensorMask mask = keeps; mask != 0; mask &= static_cast<TensorMask>(mask - 1)) {
      const int tensor = __builtin_ctz(mask);
      words += packed_ ? packing_[level_idx][tensor].Words(tile_elements(tensor)) : tile_elements(tensor);
    }
    return words;
  }
  double mac_energy_pj() const { return mac_energy_pj_; }
  std::int64_t mac_instances() const { return mac_instances_; }
  std::int64_t fill_latency_cycles() const { return fill_latency_cycles_; }
  // static_power_mw / clock_ghz: mW × ns = pJ, so this is pJ per cycle (0 without a clock).
  double static_energy_pj_per_cycle() const { return static_energy_pj_per_cycle_; }

  // Name lookups for loaders and parsers (linear scans; not for the hot path). -1 if absent.
  int DimIndex(std::string_view name) const;
  int TensorIndex(std::string_view name) const;
  int LevelIndex(std::string_view name) const { return arch_.LevelIndex(name); }
  std::string_view dim_name(int dim) const { return dim_names_[dim]; }
  std::string_view tensor_name(int tensor) const { return op_.tensors[tensor].name; }
  std::string_view level_name(int level_idx) const { return arch_.levels[level_idx].name; }

 private:
  void SetUpPacking();       // precision: packing_ from the op's and the levels' bits (after the tables)
  void SetUpVectorEngine();  // vector ops: compute level, lanes, energies (after the level tables)
  void SetUpHost(const arch::Host& host, double ops_per_element);  // the host's prices and memory cap

  workload::Op op_;
  arch::Architecture arch_;
  ProblemOptions options_;
  int num_dims_ = 0;
  int num_tensors_ = 0;
  int num_levels_ = 0;
  std::array<std::int64_t, kMaxDims> dim_size_{};
  std::array<arch::DimRole, kMaxDims> dim_role_{};
  std::array<TensorMask, kMaxDims> dim_tensors_{};
  std::array<DimMask, kMaxTensors> tensor_dims_{};
  std::array<workload::TensorRole, kMaxTensors> tensor_role_{};
  std::array<std::int64_t, kMaxTensors> tensor_size_{};
  TensorMask affine_tensors_ = 0;
  std::array<AffineTable, kMaxTensors> affine_{};
  int output_tensor_ = 0;
  std::int64_t iteration_points_ = 1;
  std::vector<std::string> dim_names_;  // the op's dims, then `pass` if any
  int pass_dim_ = -1;
  bool is_vector_op_ = false;
  int compute_level_ = -1;
  double vector_ops_per_element_ = 0.0;
  double vector_cycles_per_element_ = 0.0;
  double vector_energy_pj_per_element_ = 0.0;
  double vector_ops_per_cycle_per_lane_ = 1.0;
  std::int64_t vector_lanes_ = 0;
  double dequantize_cycle_share_ = 0.0;
  double quantize_cycle_share_ = 0.0;
  double dequantize_energy_share_ = 0.0;
  double quantize_energy_share_ = 0.0;
  std::array<LevelTable, kMaxLevels> levels_{};
  bool packed_ = false;
  std::array<std::array<Packing, kMaxTensors>, kMaxLevels> packing_{};
  double mac_energy_pj_ = 0.0;
  std::int64_t mac_instances_ = 1;
  std::int64_t fill_latency_cycles_ = 0;
  double static_energy_pj_per_cycle_ = 0.0;
};

}  // namespace loopfront::mapping
