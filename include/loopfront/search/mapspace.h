// The mapspace of one op on one architecture (DESIGN §2.6): the encoding of mappings shared by
// every searcher, so that no searcher builds mapping internals by hand.
//
// Encoding (a Genome, fixed-size, no heap), in the manner of Timeloop's split of a mapspace into
// factorization, permutation, spatial and bypass sub-spaces:
//  - padding: per dim, which candidate size the dim is padded to. Candidate 0 is the dim's own
//    size; the others are the sizes above it, within `max_padding_waste` (1 − size / padded ≤
//    limit), that hold more factors of two or have a smaller largest prime factor than every
//    smaller candidate ("richer" factors: 197 → 198, 200, 208, 216; 1000 → 1008, 1024; 512 and 768
//    have none), at most kMaxPaddingCandidates in all. Sizes that fixed factors (constraints) do
//    not divide are dropped, and the smallest size they divide is added. Padded iterations are
//    executed and charged by the cost model (DESIGN §2.4).
//  - factors: per dim, the prime factors of its padded size (divided by its fixed factors), in
//    ascending order, each assigned to a slot. A slot is (level, temporal | spatial x | spatial y).
//    A dim may use a level's spatial slot on an axis only when that fanout is > 1 and the dim's
//    role is allowed on it (mapping::LevelTable::spatial_dims); a slot fixed by a user constraint is
//    closed to free factors (and so is a spatial slot of a dim `spatial_axes` keeps on the other
//    axis). Identical primes are indistinguishable: within a run of equal primes
//    the slots are kept non-decreasing (canonical form), so a factor gene is an exponent
//    distribution, not a permutation of factors. A level holds at most kMaxSpatialLoopsPerLevel
//    spatial loops: spatial factors of further dims (x before y, dims ascending) run temporally at
//    that level, and Repair moves them there in the genome too.
//    Factor bounds (constraints `{min, max}` on a slot, or on a level's x × y): a dim with bounds
//    has, per padding candidate, the table of its exponent distributions that satisfy them, built
//    once by Build (enumerated, at most kMaxBoundedFactorizations per dim); its factor gene is an
//    entry of that table, so sampling stays uniform over the valid ones, enumeration and size count
//    exactly those, and mutation keeps to them. Dims without bounds keep the closed form above
//    (no table, no extra work on the hot path).
//  - orders: per level, a permutation of the dims, outer → inner; dims listed by an order
//    constraint come first and stay there, dims listed by an order_inner constraint come last, in
//    their order. Only dims with a temporal factor > 1 at the level make
//    loops, so only their relative order matters.
//  - keeps: per level, the tensors kept (bypass genes; a contraction's tensors in the level's
//    `required_roles` are always kept, mapping::LevelTable::must_keep, and so are a constraint's
//    `must_keep` tensors; its `bypass` tensors never are). The outermost level keeps every tensor but
//    the on-chip ones (ProblemOptions::on_chip_tensors); elsewhere a tensor whose role the level may
//    hold is a free choice unless a constraint fixes the level's keeps. An on-chip tensor is kept at
//    one level at least.
//  - buffering: per level that offers both single and double buffering (honest buffering,
//    arch/architecture.h), whether it is double-buffered; a level with one option gets it by
//    Decode. Buffering genes travel with the keeps genes: sampled as fair coins, flipped by the
//    bypass mutation, crossed over with the level's keeps, enumerated with the bypass choices.
//  - vector ops (mapping/problem.h, DESIGN §2.1.1) use the same genes with the vector engine's
//    rules: no loops and no keeps inside the compute level, every tensor kept there, its fanout
//    = the engine's lanes; the synthetic `pass` dim has no gene: Decode puts its loop just outside
//    the outermost loop of the reduced dim (passes must not interleave with the reduction).
// A genome is *well-formed* when every gene is in range and canonical; every well-formed genome
// decodes to a structurally valid mapping that honours the constraints and covers each dim (its
// padded size). It may still exceed a fanout or a capacity: Repair fixes those or reports failure;
// the cost model rejects what is left (a mapping that is infeasible is a value, never a throw).
// Repair moves factors without looking at bounds (and a level with more spatial loops than it
// holds folds some into its temporal loop), so a repaired genome may leave a bound: CheckFit and
// search::EvaluateGenome report it as mapping::Violation::kFactorOutOfBounds, so that no searcher
// emits it.
//
// Operations: uniform sampling (per gene: a padding candidate uniformly, then a factorization of it
// uniformly among its exponent distributions, uniform permutations, fair coins for bypass),
// mutation, crossover, repair, decoding, exhaustive enumeration by index (deterministic to split
// across threads) and the size of the space.
//
// Size. The space counts distinct mappings, feasible or not: Σ over factor configurations
// (padding + factors of every dim) of Π over levels of k! (k = the dims whose order is free there
// and whose temporal factor there is > 1), times the bypass and buffering choices. It is computed exactly by
// dynamic programming over dims on the vector of per-level k (`exact` when below 2^64); when that
// table would be too large, log10 is estimated by sampling and `exact` is empty. (On a level where
// more dims than it holds spatial loops may be unrolled, the folded genomes are counted as if their
// extra factors stayed spatial, so there the count is slightly off; no preset has such a level.)
//
// Thread-safety: immutable after Build; every method is const and re-entrant (randomness comes
// from the caller's Rng), and the hot-path ones (Sample, Mutate, Crossover, Repair, Decode) never
// allocate.
//
// Implementation (src/search/): one file per sub-space — mapspace_build.cpp (Build and size),
// mapspace_factors.cpp (padding and factors), mapspace_orders.cpp, mapspace_keeps.cpp (keeps,
// bypass and buffering), mapspace_enumerate.cpp, mapspace_repair.cpp (Repair, CheckFit) — and
// mapspace.cpp, which composes them into the whole-genome operations.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/mapping/check.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/limits.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/util/random.h"

namespace loopfront::search {

// Prime factors of one dim (a padded size below 2^31 has at most 30).
inline constexpr int kMaxFactorsPerDim = 31;
inline constexpr int kSlotKinds = 3;
inline constexpr int kMaxSlots = kSlotKinds * mapping::kMaxLevels;
inline constexpr int kMaxPaddingCandidates = 8;
// The most exponent distributions Build enumerates for one dim with factor bounds.
inline constexpr std::uint64_t kMaxBoundedFactorizations = std::uint64_t{1} << 22;
// Dims are bounded so that every factor fits mapping::TemporalLoop::factor (int32).
inline constexpr std::int64_t kMaxMapspaceDimSize = (std::int64_t{1} << 31) - 1;

enum class SlotKind : std::uint8_t { kTemporal = 0, kSpatialX = 1, kSpatialY = 2 };

constexpr int SlotId(int level_idx, SlotKind kind) { return level_idx * kSlotKinds + static_cast<int>(kind); }
constexpr int SlotLevel(int slot) { return slot / kSlotKinds; }
constexpr SlotKind SlotKindOf(int slot) { return static_cast<SlotKind>(slot % kSlotKinds); }

struct Genome {
  // factor_slots[dim][i]: the slot of the i-th free prime factor of the dim's padded size.
  std::array<std::array<std::uint8_t, kMaxFactorsPerDim>, mapping::kMaxDims> factor_slots{};
  // orders[level][position]: a permutation of the dims, outer → inner.
  std::array<std::array<std::uint8_t, mapping::kMaxDims>, mapping::kMaxLevels> orders{};
  std::array<mapping::TensorMask, mapping::kMaxLevels> keeps{};
  // padding[dim]: index of the dim's padding candidate (0 = unpadded).
  std::array<std::uint8_t, mapping::kMaxDims> padding{};
  // Bit l: level l is double-buffered (only levels with a buffering choice have a gene).
  std::uint8_t double_buffered = 0;

  bool operator==(const Genome&) const = default;
};

// The largest max_padding_waste a user may give (`--max-padding-waste`, the Python API): at 0.99 a
// dim may already be padded a hundredfold.
inline constexpr double kMaxPaddingWasteLimit = 0.99;

struct MapspaceOptions {
  // Largest per-dim padding waste 1 − size / padded size; 0 disables padding.
  double max_padding_waste = 0.10;
};

struct MapspaceSize {
  double log10 = 0.0;                    // log10 of the number of distinct mappings
  std::optional<std::uint64_t> exact{};  // when computed exactly and below 2^64
  double log10_factor_configs = 0.0;     // padding + factors of every dim
  std::uint64_t factor_configs = 0;      // saturates at UINT64_MAX
  std::uint64_t bypass_choices = 1;      // bypass and buffering choices together
};

// What can be mutated (Mutate picks among the applicable kinds).
enum class MutationKind : std::uint8_t { kMoveFactor, kSwapLoops, kFlipBypass, kChangePadding };

class Mapspace {
 public:
  // Per-slot per-dim factor products of a genome, fixed factors included.
  using SlotFactors = std::array<std::array<std::int64_t, mapping::kMaxDims>, kMaxSlots>;

  // The slot factors of the genome Repair just returned, which Decode would otherwise recompute
  // from the genes: Repair keeps them up to date with every factor it moves, so a caller that
  // repairs and then evaluates the same genome (a searcher's propose → evaluate loop body) hands
  // them on instead. Kept beside the genome, not in it: Genome stays small and compared by its
  // genes only. Holds them only when they are what Decode would compute: not for a mapspace whose
  // levels may fold spatial loops (Repair's fold and moves can leave a folded fixed factor where a
  // fresh computation would not). A vector op's `pass` loop, which a move of the reduced dim can
  // move to another level, is placed again once Repair is done. Otherwise, and after Clear or a
  // Repair that failed before it had them, it is empty and Decode computes as without it. Any
  // change to the genome after Repair must Clear it.
  class RepairedFactors {
   public:
    void Clear() { valid_ = false; }
    // Whether it holds the factors (for tests; Decode checks it itself).
    bool valid() const { return valid_; }

   private:
    friend class Mapspace;
    SlotFactors factors_;
    bool valid_ = false;
  };

  // One padding candidate of a dim: its size and its free prime factors (sorted, ascending).
  struct PaddingCandidate {
    std::int64_t padded_size = 1;
    int num_factors = 0;
    std::array<std::int32_t, kMaxFactorsPerDim> primes{};
    // run_first[i]: the index of the first factor of the run of equal primes that holds factor i
    // (Repair's outward move shifts a factor within its run only).
    std::array<std::uint8_t, kMaxFactorsPerDim> run_first{};
    std::uint64_t num_factorizations = 1;  // saturating; for a dim with bounds, the valid ones
    double log10_factorizations = 0.0;
    std::uint32_t first_bounded = 0;  // a dim with bounds: its first entry in the bounded table
  };

  // Throws util::ConfigError when a dim cannot be mapped under the constraints (its fixed factors
  // do not divide any padding candidate, or leave factors with no open slot) or is too large.
  static Mapspace Build(const mapping::Problem& problem, const mapping::Constraints& constraints = {},
                        const MapspaceOptions& options = {});

  const mapping::Problem& problem() const { return problem_; }
  const MapspaceOptions& options() const { return options_; }
  const MapspaceSize& size() const { return size_; }

  int num_padding_candidates(int dim) const { return dims_[dim].num_candidates; }
  const PaddingCandidate& padding_candidate(int dim, int candidate) const { return dims_[dim].candidates[candidate]; }
  // Slots open to the free factors of `dim`, ascending.
  int num_open_slots(int dim) const { return dims_[dim].num_slots; }
  int open_slot(int dim, int index) const { return dims_[dim].slots[index]; }

  // --- Hot path: allocation-free ---------------------------------------------------------------
  void Sample(util::Rng& rng, Genome& genome) const;
  // One random applicable mutation; false (genome unchanged) when nothing is mutable.
  bool Mutate(util::Rng& rng, Genome& genome) const;
  // A mutation of the given kind; false (genome unchanged) when not applicable.
  bool Mutate(MutationKind kind, util::Rng& rng, Genome& genome) const;
  // Uniform crossover by gene group: each dim's padding + factors, each level's order, each
  // level's keeps come from one parent or the other.
  void Crossover(const Genome& first, const Genome& second, util::Rng& rng, Genome& child) const;
  // Fanout overflow: moves spatial factors to temporal slots of the same level (or the nearest
  // open one outward). Capacity overflow, innermost level first: moves factors of dims indexing a
  // kept tensor from that level or inside it to the nearest open temporal slot outside it, until
  // the kept tiles fit. Which factor moves is drawn from `rng`. Returns whether the genome now
  // fits every fanout and capacity (false: it could not be repaired; it is still well-formed).
  // The genome must be well-formed (every operation here and search::GeneLayout make no other).
  bool Repair(util::Rng& rng, Genome& genome) const;
  // The same repair (the same draws and genome), also leaving the repaired genome's slot factors in
  // `repaired` where Decode can use them (RepairedFactors says when).
  bool Repair(util::Rng& rng, Genome& genome, RepairedFactors& repaired) const;
  // kNone when the genome fits every fanout and capacity (what Repair establishes), else
  // kFanoutExceeded or kCapacityExceeded. Neither depends on the loop orders.
  // kFactorOutOfBounds when a (repaired or folded) factor leaves a constraint's bounds.
  mapping::Violation CheckFit(const Genome& genome) const;
  // Whether some dim has factor bounds, and whether a genome's factors are within them (what
  // search::EvaluateGenome checks first when there are bounds).
  bool has_factor_bounds() const { return bounded_dims_ != 0; }
  bool WithinBounds(const Genome& genome) const;
  bool Fits(const Genome& genome) const { return CheckFit(genome) == mapping::Violation::kNone; }
  // The mapping of a well-formed genome (Decode reads a spatial slot only for the dims it is open
  // to or that a constraint fixes there).
  void Decode(const Genome& genome, mapping::Mapping& mapping) const;
  mapping::Mapping Decode(const Genome& genome) const;
  // The same mapping, from `repaired`'s factors when it holds them (Repair's of this very genome).
  void Decode(const Genome& genome, const RepairedFactors& repaired, mapping::Mapping& mapping) const;
  // WithinBounds, from `repaired`'s factors when it holds them.
  bool WithinBounds(const Genome& genome, const RepairedFactors& repaired) const;

  // --- Enumeration (exhaustive search), by index --------------------------------------------------
  // Factor configurations (padding and factors of every dim) are numbered in mixed radix over dims;
  // SetFactorConfig sets those genes and leaves orders and keeps alone.
  std::uint64_t num_factor_configs() const { return size_.factor_configs; }
  void SetFactorConfig(std::uint64_t index, Genome& genome) const;
  // The distinct loop orders of a genome's factor configuration (Π levels k!) and the index-th of
  // them (Lehmer codes per level, mixed radix over levels).
  std::uint64_t NumOrders(const Genome& genome) const;
  void SetOrders(std::uint64_t index, Genome& genome) const;
  std::uint64_t num_bypass_choices() const { return size_.bypass_choices; }
  void SetKeeps(std::uint64_t index, Genome& genome) const;

  // The tensors whose keep at a level is a gene (bypass choice), those the level always keeps, and
  // whether the level has a buffering gene (search/genes.h lays these out as integers).
  mapping::TensorMask choosable_keeps(int level_idx) const { return levels_[level_idx].choosable; }
  mapping::TensorMask always_kept(int level_idx) const { return levels_[level_idx].always_kept; }
  bool buffering_choice(int level_idx) const { return levels_[level_idx].buffering_choice; }

  // Whether a genome double-buffers a level: its gene, or the level's only option.
  bool DoubleBuffered(const Genome& genome, int level_idx) const {
    const LevelSpace& level = levels_[level_idx];
    return level.buffering_choice ? ((genome.double_buffered >> level_idx) & 1u) != 0 : level.double_buffered;
  }

  // Whether every gene is in range, canonical and consistent with the constraints (for tests and
  // debugging; cheap but not meant for the hot path). With `within_bounds` false, factors outside a
  // constraint's bounds pass (Repair may leave them; EvaluateGenome reports kFactorOutOfBounds).
  bool IsWellFormed(const Genome& genome, bool within_bounds = true) const;
  // A canonical text of the genes, for debugging.
  std::string Describe(const Genome& genome) const;

 private:
  // The runs of equal primes of one padding candidate (ascending), with the number of exponent
  // distributions of each over the dim's open slots (stars and bars).
  struct PrimeRuns {
    // A size below 2^31 has at most 9 distinct primes (2·3·5·…·23 < 2^31 < 2·3·5·…·29).
    static constexpr int kMaxRuns = 9;
    int num_runs = 0;
    std::array<std::uint8_t, kMaxRuns> first{};
    std::array<std::uint8_t, kMaxRuns> exponent{};
    std::array<std::uint64_t, kMaxRuns> compositions{};
  };
  struct DimSpace {
    std::int64_t size = 1;
    int num_candidates = 1;
    std::array<PaddingCandidate, kMaxPaddingCandidates> candidates{};
    int num_slots = 0;
    std::array<std::uint8_t, kMaxSlots> slots{};  // open slots, ascending
    std::uint64_t num_choices = 0;                // Σ candidates' factorizations (saturating)
    bool bounded = false;                         // factor bounds: genes come from bounded_factorizations_
    // Per candidate, its runs of equal primes as SampleFactors walks them (built once by Build, so
    // that sampling neither scans the primes nor looks up the composition counts).
    std::array<PrimeRuns, kMaxPaddingCandidates> runs{};
  };
  struct LevelSpace {
    int num_fixed_order = 0;  // the first positions of every order hold these dims
    std::array<std::uint8_t, mapping::kMaxDims> fixed_order{};
    int num_fixed_suffix = 0;  // the last positions hold these dims (order_inner), in this order
    std::array<std::uint8_t, mapping::kMaxDims> fixed_suffix{};
    // The order SampleOrders shuffles: the fixed prefix, the other dims ascending, the fixed suffix,
    // zeros past the dims.
    std::array<std::uint8_t, mapping::kMaxDims> initial_order{};
    mapping::TensorMask always_kept = 0;
    mapping::TensorMask choosable = 0;  // bypass genes
    bool buffering_choice = false;      // a buffering gene (single or double)
    bool double_buffered = false;       // without a gene: the level's only option
  };

  // One tensor's keep choices below the outermost level: the subsets of its bypass genes, less the
  // empty one when it is on chip and no level keeps it for sure (it must be kept somewhere).
  struct TensorKeepChoices {
    std::uint64_t count = 1;
    bool skips_empty = false;
  };

  Mapspace() = default;

  // The sub-spaces' helpers, by the file of src/search/ that defines them.
  // mapspace_build.cpp:
  void ComputeSize();
  // Fills the bounded table of a dim with bounds (dropping padding candidates none of whose
  // factorizations satisfy them); false when the dim has too many factorizations to enumerate.
  bool BuildBoundedFactorizations(int dim);
  // mapspace_factors.cpp:
  // Whether one dim's factor gene (a padding candidate and slots) satisfies the dim's bounds.
  bool DimWithinBounds(int dim, int padding, const std::array<std::uint8_t, kMaxFactorsPerDim>& slots) const;
  // Whether per-slot factor products satisfy every bound (after the spatial fold).
  bool FactorsWithinBounds(const SlotFactors& factors) const;
  // mapspace_factors.cpp (padding and factors). Fills a dim's padding candidates and returns the
  // largest padded size the waste limit allows.
  static std::int64_t BuildPaddingCandidates(double max_padding_waste, std::int64_t fixed_product, DimSpace& dim_space);
  // The level of the `pass` loop for these slot factors (see pass_dim_).
  int PassLevel(const SlotFactors& factors) const;
  void SampleFactors(int dim, util::Rng& rng, Genome& genome) const;
  bool MutateMoveFactor(util::Rng& rng, Genome& genome) const;
  bool MutateChangePadding(util::Rng& rng, Genome& genome) const;
  // mapspace_orders.cpp:
  // Every level's order, outermost level first.
  void SampleOrders(util::Rng& rng, Genome& genome) const;
  bool MutateSwapLoops(util::Rng& rng, Genome& genome) const;
  // mapspace_keeps.cpp (keeps, bypass and buffering):
  TensorKeepChoices KeepChoices(int tensor) const;
  // Π tensors' keep choices × 2 per buffering gene: size().bypass_choices.
  std::uint64_t CountBypassChoices() const;
  void SampleKeeps(util::Rng& rng, Genome& genome) const;
  void FixOnChipKeeps(util::Rng& rng, Genome& genome) const;
  bool MutateFlipBypass(util::Rng& rng, Genome& genome) const;
  // mapspace_repair.cpp (beside Repair, its per-evaluation caller; the factor mutation calls it too):
  // moves factor `index` of `dim` to `slot`, keeping the run of equal primes sorted.
  void MoveFactor(int dim, int index, int slot, Genome& genome) const;
  // Repair's work: leaves the repaired genome's slot factors in `factors` and says whether it got
  // as far as computing them.
  bool RepairInto(util::Rng& rng, Genome& genome, SlotFactors& factors, bool& computed) const;
  // mapspace.cpp: Decode from the genome's slot factors.
  void DecodeFactors(const Genome& genome, const SlotFactors& factors, mapping::Mapping& mapping) const;
  // mapspace_internal.h (inline: several pieces call them per evaluation).
  // Per-slot per-dim factor products of a genome (what Repair works on and Decode reads).
  void ComputeSlotFactors(const Genome& genome, SlotFactors& factors) const;
  // counts[dim][slot]: how many free factors of the dim a genome puts in the slot (Repair's).
  using SlotCounts = std::array<std::array<std::uint8_t, kMaxSlots>, mapping::kMaxDims>;
  // The same products, counting each dim's free factors per slot in the same walk over the factors.
  void ComputeSlotFactors(const Genome& genome, SlotFactors& factors, SlotCounts& counts) const;
  // Both: `counts` only when kCount (nullptr otherwise).
  template <bool kCount>
  void ComputeSlotFactorsImpl(const Genome& genome, SlotFactors& factors, SlotCounts* counts) const;
  // The nearest open temporal slot of `dim` at a level < `below_level` (searching outward), or -1.
  int NearestOuterTemporalSlot(int dim, int below_level) const;
  int OpenSlotIndex(int dim, int slot) const;

  mapping::Problem problem_;
  MapspaceOptions options_;
  int num_dims_ = 0;
  int num_levels_ = 0;
  int num_tensors_ = 0;
  int num_slots_ = 0;  // kSlotKinds × levels
  std::array<DimSpace, mapping::kMaxDims> dims_{};
  std::array<LevelSpace, mapping::kMaxLevels> levels_{};
  // Per slot: the fanout (temporal slots: 1).
  std::array<std::int64_t, kMaxSlots> slot_fanout_{};
  // Per slot and dim: the fixed factor, 1 where none; free factors multiply into a copy of it.
  SlotFactors base_factors_{};
  // Lookups for the hot path: per dim, the index of each slot among its open slots (-1: closed),
  // and per dim and level, the nearest open temporal slot at an outer level (-1: none).
  std::array<std::array<std::int8_t, kMaxSlots>, mapping::kMaxDims> open_slot_index_{};
  std::array<std::array<std::int8_t, mapping::kMaxLevels + 1>, mapping::kMaxDims> outer_temporal_slot_{};
  mapping::TensorMask on_chip_ = 0;
  // Vector ops (mapping/problem.h): loops and keeps stop at the compute level; the synthetic
  // `pass` dim (-1: none) is placed by Decode, not by genes, just outside the outermost loop of
  // the reduced dim (-1: none) — the innermost legal place, which keeps the smallest tile resident
  // across passes.
  int compute_level_ = 0;
  int pass_dim_ = -1;
  int reduced_dim_ = -1;
  // Whether some level could get more spatial loops than it holds (open or fixed spatial slots of
  // more than kMaxSpatialLoopsPerLevel dims); if not, the fold and its repair are skipped.
  bool spatial_crowding_possible_ = false;
  // Whether Repair's slot factors are what Decode would compute (RepairedFactors): no spatial fold.
  bool repaired_factors_reusable_ = false;
  // Factor bounds: per dim and level, by mapping::FactorKind; the dims that have any; the table of
  // their valid factor genes (per dim and padding candidate a run, PaddingCandidate::first_bounded).
  std::array<std::array<std::array<mapping::FactorBound, mapping::kNumFactorKinds>, mapping::kMaxLevels>,
             mapping::kMaxDims>
      bounds_{};
  mapping::DimMask bounded_dims_ = 0;
  std::vector<std::array<std::uint8_t, kMaxFactorsPerDim>> bounded_factorizations_;
  // Per level: the dims whose relative order is a gene (not fixed by a constraint, not `pass`).
  std::array<mapping::DimMask, mapping::kMaxLevels> order_dims_{};
  MapspaceSize size_;

  // --- Precomputed for Decode and Repair (Build) ---------------------------------------------
  // Per spatial slot: the dims that can have a factor > 1 there (the slot is open to their free
  // factors, or a constraint fixes one), so that Decode visits those dims only; no well-formed
  // genome has a spatial factor > 1 elsewhere. Temporal slots: 0.
  std::array<mapping::DimMask, kMaxSlots> spatial_slot_dims_{};
  // The spatial slots where some dim can have a factor > 1 (spatial_slot_dims_ not empty), ascending
  // (levels outer → inner, x before y at a level): Repair's fanout check and Decode visit only
  // these (on gemmini 2 of 8; every other spatial slot holds factor 1 in every dim).
  int num_spatial_slots_ = 0;
  std::array<std::uint8_t, kMaxSlots> spatial_slots_{};
  // Per dim, the tensors whose tile (mapping::TileWords) reads its extent: its dims, and for an
  // affine tensor every dim of its indices. Repair computes again only these tiles after it moves
  // one of the dim's factors.
  std::array<mapping::TensorMask, mapping::kMaxDims> tile_tensors_{};

  // --- Sampling and mutation lookups (issue #16): built once by Build, read on the hot path ------
  // Composition tables. For a run of 2 to kCompositionCopyBytes equal primes, every exponent
  // distribution over the dim's open slots in rank order, each as the run's slots (exponent bytes,
  // what internal::UnrankComposition writes for that rank), so that sampling a run is a lookup and
  // one fixed-size copy instead of the stars-and-bars walk (exponent + slots − 1 steps). Runs of
  // one prime need no walk; runs with more distributions than the bytes left fall back to the walk.
  // Dims with the same open slots share the table of an exponent.
  // Tables in all: at most 64 KiB per mapspace. Rows are drawn at random, so the tables should stay
  // in a core's L2 (2 MiB here, 256 KiB and up on any x86 of the last decade) beside the cost
  // model's working set: a miss to memory would cost more than the walk it saves. 64 KiB holds every
  // factor table of the BERT ops on gemmini (W_Q: m, n and k have different open slots, so
  // 220·9 + 495·8 + 495·8 = 9,900 bytes).
  static constexpr std::size_t kCompositionTableBytes = std::size_t{64} << 10;
  // Bytes one lookup copies (a 16-byte vector move): a run's slots and whatever follows it, which
  // the next run (or SampleFactors' final clear) overwrites. A run of more primes is walked.
  static constexpr int kCompositionCopyBytes = 16;
  static constexpr std::uint32_t kNoCompositionTable = 0xFFFFFFFFu;
  // Fills composition_tables_ and the offsets of each (dim, padding candidate, run) in it.
  void BuildCompositionTables();
  // Per dim, padding candidate and run (PrimeRuns order): the offset of its table, or
  // kNoCompositionTable (walked).
  std::array<std::array<std::array<std::uint32_t, PrimeRuns::kMaxRuns>, kMaxPaddingCandidates>, mapping::kMaxDims>
      composition_table_offset_{};
  // The tables, back to back, then kCompositionCopyBytes of zeros (the last row's copy reads past it).
  std::vector<std::uint8_t> composition_tables_;
  // mapspace_orders.cpp: per level, the dims whose temporal factor there is > 1 after the spatial
  // fold, as ComputeSlotFactors has them (the `pass` loop aside): the loops the swap mutation may
  // reorder, found on dim masks instead of the whole slot-factor table.
  void TemporalLoopDims(const Genome& genome, std::array<mapping::DimMask, mapping::kMaxLevels>& looped) const;
  // Per slot, the dims whose fixed factor there is > 1 (Build fills it from base_factors_).
  std::array<mapping::DimMask, kMaxSlots> fixed_slot_dims_{};
};

}  // namespace loopfront::search
