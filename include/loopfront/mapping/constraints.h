// User constraints on the mapspace of one op (DESIGN §2.6): fixed or bounded loop factors, loop
// orders and bypass choices per storage level, read from YAML (`loopfront search --constraints
// FILE`, or a `constraints:` key of an experiment), or imported from Timeloop's constraints
// (timeloop/constraints.h).
//
// File format (every key optional; levels, dims and tensors by name):
//
//   levels:
//     weight_reg:
//       temporal: {m: 1, n: 1, k: 1}   # the temporal factor of each listed dim at this level
//     scratchpad:
//       temporal: {m: {max: 8}, k: {min: 2}, n: rest}
//                                      # bounds: min ≤ factor ≤ max (either may be left out);
//                                      # `rest`: the level takes what the other levels leave of n
//       spatial_x: {n: 16}             # the spatial factor on the x axis of the fanout below
//       spatial_y: {k: {max: 8}}       # ... and on the y axis (numbers, bounds or `rest`)
//       spatial: {m: {max: 4}}         # the spatial factor over both axes (x × y): a number, bounds
//                                      # or `rest`
//       spatial_axes: {n: x}           # n may unroll only along x at this level (k: y, along y only)
//       order: [n, k]                  # the outermost temporal loops of the level, outer → inner;
//                                      # dims not listed follow, in the order the search picks
//       order_inner: [k, m]            # the innermost temporal loops, outer → inner (m innermost)
//       keeps: [A, B]                  # exactly these tensors are kept (names or roles:
//                                      # input, weight, output); the others bypass the level
//       must_keep: [A]                 # kept here; the other tensors stay the search's choice
//       bypass: [Z]                    # bypass the level; ditto (neither may be given with keeps)
//       buffering: double              # single or double, at a level offering both
//                                      # (honest buffering, arch/architecture.h)
//
// A factor of 1 (or `max: 1`) forbids a loop of that dim there. `rest` adds nothing to the
// mapspace, which already lets any open slot take the factors no other slot takes (so it is
// determined when the dim's other slots are fixed); it is checked to be a slot the dim can use.
// Parsing is two-staged (shared/STYLE.md): the YAML becomes a ConstraintsSpec of names with
// positions; ResolveConstraints checks it against one problem and reports every error at once as
// `file:line:col: levels.L.key: expected ..., got ...`: unknown level/dim/tensor (with "did you
// mean"), non-positive factors, min above max, a dim not allowed on an axis, spatial factors or
// minimums above the fanout, a tensor the level may not keep, a dim listed twice in the orders,
// the outermost level not keeping every tensor, keeps with must_keep/bypass. Given the search's
// max_padding_waste (ResolveOptions), it also reports fixed factors that divide no size a dim may
// be padded to, at the factor that makes them so (the mapspace would otherwise refuse the dim with
// no position). Whether the bounds can be met is still checked when the Mapspace is built.
//
// Thread-safety: plain values; the functions are re-entrant.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/mapping/limits.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/util/error.h"

namespace loopfront::io {
class YamlValue;  // io/yaml_reader.h: only ParseConstraints reads YAML
}  // namespace loopfront::io

namespace loopfront::mapping {

// A name or a value as written in the file, with where it was written (for diagnostics).
template <typename Value>
struct Positioned {
  Value value{};
  util::Diagnostic where{};  // file, line, column and key path; message empty
};

// The kinds of slot a factor constraint applies to: a level's temporal loop, its spatial loop on
// the x or the y axis, or its spatial loops on both axes together (the product x × y).
enum class FactorKind : std::uint8_t { kTemporal = 0, kSpatialX = 1, kSpatialY = 2, kSpatial = 3 };
inline constexpr int kNumFactorKinds = 4;
std::string_view ToString(FactorKind kind);  // "temporal", "spatial_x", "spatial_y", "spatial"

// min ≤ factor ≤ max; max 0: no upper bound.
struct FactorBound {
  std::int64_t min = 1;
  std::int64_t max = 0;
  bool operator==(const FactorBound&) const = default;
  bool bounded() const { return min > 1 || max > 0; }
  bool Contains(std::int64_t factor) const { return factor >= min && (max == 0 || factor <= max); }
};

struct FactorBoundSpec {
  Positioned<std::string> dim;
  FactorBound bound;
};

struct LevelConstraintsSpec {
  Positioned<std::string> level;
  std::vector<Positioned<std::string>> order;
  std::vector<Positioned<std::string>> order_inner;  // outer → inner, the last one innermost
  std::vector<std::pair<Positioned<std::string>, std::int64_t>> temporal;
  std::array<std::vector<std::pair<Positioned<std::string>, std::int64_t>>, mapping::kNumAxes> spatial;
  std::array<std::vector<FactorBoundSpec>, kNumFactorKinds> bounds;             // by FactorKind
  std::array<std::vector<Positioned<std::string>>, kNumFactorKinds> remainder;  // `rest`, by FactorKind
  std::vector<std::pair<Positioned<std::string>, mapping::Axis>> spatial_axes;
  std::optional<std::vector<Positioned<std::string>>> keeps;
  std::optional<std::vector<Positioned<std::string>>> must_keep;
  std::optional<std::vector<Positioned<std::string>>> bypass;
  std::optional<Positioned<std::string>> buffering;  // "single" or "double"
};

struct ConstraintsSpec {
  std::vector<LevelConstraintsSpec> levels;
  bool empty() const { return levels.empty(); }
};

// Reads the `levels:` document above from `root`; errors go to root's diagnostics.
ConstraintsSpec ParseConstraints(const io::YamlValue& root);

// Loads and parses a file; throws util::ConfigError with every problem of the file.
ConstraintsSpec LoadConstraintsFile(const std::string& path);
// Loads and parses a file, recording problems in `diagnostics` (entries with problems are left out).
ConstraintsSpec LoadConstraintsFile(const std::string& path, util::Diagnostics& diagnostics);

// Constraints resolved against one problem: indices instead of names. 0 = not fixed.
struct LevelConstraints {
  std::vector<int> order_prefix;                                                                // dims, outermost first
  std::vector<int> order_suffix;                                                                // dims, innermost last
  std::array<std::int64_t, mapping::kMaxDims> temporal_factor{};                                // 0 = free
  std::array<std::array<std::int64_t, mapping::kMaxDims>, mapping::kNumAxes> spatial_factor{};  // 0 = free
  // bounds[kind][dim] (FactorKind), on the whole factor of the slot(s), fixed factors included.
  std::array<std::array<FactorBound, mapping::kMaxDims>, kNumFactorKinds> bounds{};
  // `rest` per FactorKind: dims whose slot(s) there must stay open.
  std::array<mapping::DimMask, kNumFactorKinds> remainder{};
  // Dims that may not unroll on the axis at this level (`spatial_axes` names the other axis).
  std::array<mapping::DimMask, mapping::kNumAxes> spatial_forbidden{};
  std::optional<mapping::TensorMask> keeps;
  mapping::TensorMask must_keep = 0;
  mapping::TensorMask bypass = 0;
  std::optional<bool> double_buffered;
};

struct Constraints {
  std::array<LevelConstraints, mapping::kMaxLevels> levels{};
};

// One way a mapping breaks its constraints: the level and what it does, as a predicate of the level
// ("has the temporal factor 8 for m, outside its bounds (min 1, max 4)").
struct ConstraintViolation {
  int level = 0;
  std::string message;
};
// Every way `mapping` breaks `constraints` (empty: it satisfies them). `rest` admits any factor.
// What `eval --timeloop` reports, as timeloop-model refuses a mapping that breaks its constraints.
std::vector<ConstraintViolation> CheckConstraints(const mapping::Mapping& mapping, const Constraints& constraints,
                                                  const mapping::Problem& problem);

// The largest size a dim of `size` may be padded to when at most `max_padding_waste` (in [0, 1))
// of the padded iterations may be wasted: floor(size / (1 − waste)). One formula for the mapspace
// (search::Mapspace's padding candidates) and the fit check of ResolveConstraints.
std::int64_t MaxPaddedSize(std::int64_t size, double max_padding_waste);

struct ResolveOptions {
  // The search's padding limit (search::MapspaceOptions). Given, every dim's fixed factors —
  // `temporal`/`spatial_x`/`spatial_y` numbers, `{min: A, max: A}` bounds, `spatial` numbers —
  // must divide a size between the dim's size and MaxPaddedSize: the mapspace pads to no other.
  // nullopt (eval --timeloop, which checks one given mapping): no such check.
  std::optional<double> max_padding_waste;
};

// Throws util::ConfigError listing every problem of `spec` against `problem`.
Constraints ResolveConstraints(const ConstraintsSpec& spec, const mapping::Problem& problem,
                               const ResolveOptions& options = {});
// Loads `path` and resolves it against `problem`; throws util::ConfigError with every problem of
// both stages, in file order.
Constraints LoadConstraints(const std::string& path, const mapping::Problem& problem,
                            const ResolveOptions& options = {});

}  // namespace loopfront::mapping
