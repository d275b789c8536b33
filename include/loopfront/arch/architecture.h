// An accelerator as the cost models see it (DESIGN §2.3): an ordered list of storage levels from
// the outermost (DRAM) to the innermost (PE registers), a MAC array below the innermost level, an
// optional vector unit, a clock and a static power.
//
// Storage levels. Each level is `instances` identical buffers laid out on a `mesh_x × mesh_y`
// grid. The fanout from level i to level i+1 on each axis is the mesh ratio
// `mesh(i+1) / mesh(i)`; below the innermost level it is `mac.mesh / mesh(innermost)`. A
// mapping's spatial loops at level i spread over that fanout (shared/validation/README.md).
// All per-level quantities are PER INSTANCE:
//  - capacity and bandwidths are in words of the level; a word is `word_bits` wide and one
//    element of any tensor kept there occupies one word (Timeloop's convention: the Gemmini
//    accumulator stores 32-bit partial sums in 32-bit words while the scratchpad stores int8);
//  - one physical access moves `vector_words` words (Timeloop's `block_size`); energies are per
//    physical access, for each action: `read`, `write` (a fill from the parent) and `update` (a
//    partial sum written back by a child);
//  - `read` bandwidth bounds reads, `write` bandwidth bounds fills + updates, `shared` bounds both
//    together; an absent bandwidth is unlimited;
//  - usable capacity is floor(capacity_words / multiple_buffering) (2 = double-buffered).
// Buffering. By default a level follows Timeloop's idealization: its transfers overlap the compute
// perfectly whatever its buffering, and `multiple_buffering` only divides its capacity. A level
// with `buffering` set models buffering honestly instead: double-buffered, half the capacity holds
// a tile while the other half is loaded (transfers overlap the compute); single-buffered, the full
// capacity holds the tile but the compute waits while tiles move to and from the level. When both
// are offered, the mapping chooses (mapping/mapping.h), as Gemmini's software does when it halves
// the scratchpad and accumulator to double-buffer tiles (gemmini.h, tiled_matmul_auto).
// A loader taking `capacity_bytes` converts with CapacityWordsFromBytes().
//
// Which tensors a level may hold is given by tensor roles (`keeps_roles`); a mapping chooses a
// subset (bypass). `required_roles` (⊆ keeps_roles) are roles a contraction's mapping must keep
// there: the PE array's data path stages them at that level (Gemmini's array reads inputs and
// weights from the scratchpad and accumulates into the accumulator). Vector ops are not bound by
// it: their engine has its own path to the level it reads (DESIGN §2.1.1). Which dims may be unrolled on the fanout
// below a level is given by dim roles
// (`spatial_x_dim_roles`, `spatial_y_dim_roles`), e.g. weight-stationary Gemmini: the reduction
// dim down the rows (y), the output columns across (x).
//
// Architecture is a plain value type: copyable, comparable, no invariants enforced by
// construction. CheckArchitecture() lists what is inconsistent (a loader turns those into
// positioned diagnostics); cost models only accept an architecture that passes it.
// Thread-safety: immutable use from any number of threads is safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/workload/op.h"

namespace loopfront::arch {

// Bit masks over workload::TensorRole (bit = 1 << role).
using RoleMask = std::uint8_t;
inline constexpr RoleMask RoleBit(workload::TensorRole role) {
  return static_cast<RoleMask>(1u << static_cast<int>(role));
}
inline constexpr RoleMask kAllRoles = 0b111;

// How a dim of a contraction `output += input * weight` relates to its tensors. Used to say which
// dims may be unrolled on an axis of a fanout independently of the dims' names.
enum class DimRole : std::uint8_t {
  kBatch,         // indexes all three tensors (b, h)
  kOutputRow,     // indexes the output and the input, not the weight (m)
  kOutputColumn,  // indexes the output and the weight, not the input (n)
  kReduction,     // indexes no output (k)
  kOther,         // anything else (e.g. dims of vector ops)
};
using DimRoleMask = std::uint8_t;
inline constexpr DimRoleMask DimRoleBit(DimRole role) { return static_cast<DimRoleMask>(1u << static_cast<int>(role)); }
inline constexpr DimRoleMask kAllDimRoles = 0b11111;

std::string_view ToString(DimRole role);  // "batch", "output_row", "output_column", "reduction", "other"
std::optional<DimRole> ParseDimRole(std::string_view text);
std::vector<std::string> DimRoleNames();

// Which buffering a level offers (StorageLevel::buffering): bit masks, 0 = Timeloop's idealization.
using BufferingMask = std::uint8_t;
inline constexpr BufferingMask kSingleBuffering = 1;
inline constexpr BufferingMask kDoubleBuffering = 2;
std::string_view BufferingName(BufferingMask single_option);  // "single" or "double"

// Energy of one physical access (vector_words words) per action, in pJ.
struct ActionEnergy {
  double read_pj = 0.0;
  double write_pj = 0.0;   // a fill: words delivered from the parent
  double update_pj = 0.0;  // a partial-sum write-back from a child
  bool operator==(const ActionEnergy&) const = default;
};

struct StorageLevel {
  std::string name;
  std::optional<std::int64_t> capacity_words{};  // per instance; nullopt = unbounded (DRAM)
  int word_bits = 8;                             // width of one word (one element of any tensor)
  std::int64_t vector_words = 1;                 // words per physical access
  std::int64_t instances = 1;
  std::int64_t mesh_x = 1;
  std::int64_t mesh_y = 1;
  std::optional<double> read_bandwidth_words_per_cycle{};    // per instance; nullopt = unlimited
  std::optional<double> write_bandwidth_words_per_cycle{};   // fills + updates
  std::optional<double> shared_bandwidth_words_per_cycle{};  // reads + fills + updates
  ActionEnergy energy_per_access{};                          // per vector access
  double multiple_buffering = 1.0;                           // Timeloop's idealization only (buffering == 0)
  BufferingMask buffering = 0;  // honest buffering: the options offered (see the top of this file)
  RoleMask keeps_roles = kAllRoles;
  RoleMask required_roles = 0;                     // ⊆ keeps_roles: no bypass for contractions (see above)
  DimRoleMask spatial_x_dim_roles = kAllDimRoles;  // dims allowed on the x fanout below this level
  DimRoleMask spatial_y_dim_roles = kAllDimRoles;
  // Silicon area of one instance in µm² (Accelergy's ART); 0 = not given. Reported, never a cost.
  double area_um2 = 0.0;

  bool operator==(const StorageLevel&) const = default;
};

struct MacArray {
  std::int64_t instances = 1;
  std::int64_t mesh_x = 1;
  std::int64_t mesh_y = 1;
  double energy_pj_per_mac = 0.0;
  std::int64_t fill_latency_cycles = 0;  // pipeline fill/drain added once per op (DESIGN §2.5 rule 5)
  double area_um2 = 0.0;                 // of one MAC, µm² (Accelergy's ART); 0 = not given
  bool operator==(const MacArray&) const = default;
};

// Element-wise unit for vector ops (DESIGN §2.1.1), e.g. Gemmini's I-BERT units.
struct VectorUnit {
  std::int64_t lanes = 1;
  double energy_pj_per_op = 0.0;
  std::string reads_level;  // name of the storage level it reads from and writes to
  bool operator==(const VectorUnit&) const = default;
};

// What one evaluation of a math function costs the host (per element it is applied to).
struct HostFunctionCost {
  double cycles_per_element = 0.0;     // accelerator cycles
  double energy_pj_per_element = 0.0;  // pJ
  bool operator==(const HostFunctionCost&) const = default;
};
using HostFunctionTable = std::array<HostFunctionCost, workload::kNumMathFunctions>;  // by MathFunction

// Where vector ops run when there is no vector unit (DESIGN §2.1.1): the host CPU, which reads
// and writes the accelerator's data at one storage level (e.g. Gemmini's host shares L2/DRAM).
// Its compute is priced either generically (`ops_per_cycle`, `energy_pj_per_op`: every operation
// alike) or per function (`functions`: each op's function mix, workload/op.h, at the table's
// price). Its memory path may be capped (`bandwidth_bytes_per_cycle`): the host's traffic at
// `reads_level` then moves at most that fast (mapping/problem.h applies it to the level's shared
// bandwidth for host-run problems).
struct Host {
  double ops_per_cycle = 1.0;                         // generic price: vector-op operations per accelerator cycle
  double energy_pj_per_op = 0.0;                      // generic price: per operation
  std::optional<HostFunctionTable> functions{};       // per-function price; replaces the generic one
  std::string reads_level;                            // name of the storage level the host reads from and writes to
  std::optional<double> bandwidth_bytes_per_cycle{};  // cap on the host's traffic at reads_level
  // The host computes in floating point while the accelerator holds integers: a dequantize
  // before and a quantize after each vector op are charged (DESIGN §2.1.1). With a function
  // table: dequantize = convert + mul (the scale) per element read, quantize = mul + convert + 2
  // max (clamp to the integer range) per element written (docs/architectures.md).
  bool floating_point = false;
  bool operator==(const Host&) const = default;
};

struct Architecture {
  std::string name;
  std::vector<StorageLevel> levels;  // outermost first
  MacArray mac{};
  std::optional<VectorUnit> vector_unit{};
  std::optional<Host> host{};  // used only without a vector unit
  // DESIGN §2.8.1: softmax may run on partial rows (online/rescaled softmax), and the vector unit
  // may run concurrently with the PE array inside a fused group.
  bool online_softmax = false;
  bool overlap_vector_unit = false;
  std::optional<double> clock_ghz{};  // needed to charge static power
  double static_power_mw = 0.0;

  bool operator==(const Architecture&) const = default;

  int num_levels() const { return static_cast<int>(levels.size()); }
  // -1 if absent.
  int LevelIndex(std::string_view level_name) const;
  // Fanout from level `level_idx` to the next inner level (or to the MACs below the innermost).
  std::int64_t FanoutX(int level_idx) const;
  std::int64_t FanoutY(int level_idx) const;
  std::vector<std::string> LevelNames() const;
};

// Problems of an architecture, one message per problem, each starting with a key path such as
// `levels[2].mesh_x: ...`. Empty = consistent: at least one level, unique non-empty names,
// instances = mesh_x × mesh_y, meshes that divide (each level's mesh divides the next and the
// MACs'), positive sizes, finite non-negative energies, areas in [0, kMaxAreaUm2], positive
// bandwidths, multiple_buffering ≥ 1,
// a vector unit (or host) reading an existing level, a clock when static power is given.
std::vector<std::string> CheckArchitecture(const Architecture& architecture);

// Largest area_um2 of one level instance or one MAC (1 m²): anything above is a unit mistake.
inline constexpr double kMaxAreaUm2 = 1e12;

// Total silicon area in µm²: Σ over levels of instances × area_um2, plus MAC instances × the MAC's
// area_um2. The vector unit and the host have no area. 0 when no area is given.
double TotalAreaUm2(const Architecture& architecture);
// Whether any level or the MACs give an area (eval reports `area_um2` only then).
bool HasArea(const Architecture& architecture);

// floor(capacity_bytes × 8 / word_bits): for loaders that take capacities in bytes.
std::int64_t CapacityWordsFromBytes(std::int64_t capacity_bytes, int word_bits);

}  // namespace loopfront::arch
