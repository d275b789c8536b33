// User constraints on the mapspace of one op (DESIGN §2.6): fixed loop orders, fixed factors and
// fixed bypass choices per storage level, read from YAML (`loopfront search --constraints FILE`,
// or a `constraints:` key of an experiment).
//
// File format (every key optional; levels, dims and tensors by name):
//
//   levels:
//     weight_reg:
//       temporal: {m: 1, n: 1, k: 1}   # the temporal factor of each listed dim at this level
//     scratchpad:
//       spatial_x: {n: 16}             # the spatial factor on the x axis of the fanout below
//       spatial_y: {k: 16}             # ... and on the y axis
//       order: [n, k]                  # the outermost temporal loops of the level, outer → inner;
//                                      # dims not listed follow, in the order the search picks
//       keeps: [A, B]                  # exactly these tensors are kept (names or roles:
//                                      # input, weight, output); the others bypass the level
//       buffering: double              # single or double, at a level offering both
//                                      # (honest buffering, arch/architecture.h)
//
// A factor of 1 forbids a loop of that dim there. Parsing is two-staged (shared/STYLE.md): the YAML
// becomes a ConstraintsSpec of names with positions; ResolveConstraints checks it against one
// problem and reports every error at once as `file:line:col: levels.L.key: expected ..., got ...`:
// unknown level/dim/tensor (with "did you mean"), non-positive factors, a dim not allowed on an axis,
// spatial factors above the fanout, a tensor the level may not keep, a dim listed twice in an order,
// the outermost level not keeping every tensor. Whether the fixed factors can cover each dim is
// checked when the Mapspace is built (it depends on padding).
//
// Thread-safety: plain values; the functions are re-entrant.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/mapping/limits.h"
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

struct LevelConstraintsSpec {
  Positioned<std::string> level;
  std::vector<Positioned<std::string>> order;
  std::vector<std::pair<Positioned<std::string>, std::int64_t>> temporal;
  std::array<std::vector<std::pair<Positioned<std::string>, std::int64_t>>, mapping::kNumAxes> spatial;
  std::optional<std::vector<Positioned<std::string>>> keeps;
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
  std::array<std::int64_t, mapping::kMaxDims> temporal_factor{};                                // 0 = free
  std::array<std::array<std::int64_t, mapping::kMaxDims>, mapping::kNumAxes> spatial_factor{};  // 0 = free
  std::optional<mapping::TensorMask> keeps;
  std::optional<bool> double_buffered;
};

struct Constraints {
  std::array<LevelConstraints, mapping::kMaxLevels> levels{};
};

// Throws util::ConfigError listing every problem of `spec` against `problem`.
Constraints ResolveConstraints(const ConstraintsSpec& spec, const mapping::Problem& problem);
// Loads `path` and resolves it against `problem`; throws util::ConfigError with every problem of
// both stages, in file order.
Constraints LoadConstraints(const std::string& path, const mapping::Problem& problem);

}  // namespace loopfront::mapping
