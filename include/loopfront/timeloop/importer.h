// Importing Timeloop/Accelergy input files (issue 12, item 1): an architecture, a problem, a
// mapping and an energy table, as timeloop-model v3.0.3 reads them, become loopfront's
// arch::Architecture, workload::Op and mapping::Mapping. docs/timeloop.md documents every key.
//
// Files. Timeloop reads any number of YAML files and merges their top-level keys; so does
// ImportTimeloop: the files may come in any order and split the keys however the user likes, and
// a key given in two files is an error naming both. Top-level keys read: `architecture`,
// `problem`, `mapping`, `ERT` or `ERT_summary`, and optionally `ART`, `constraints`,
// `architecture_constraints` and `mapspace_constraints` (timeloop/constraints.h, merged with the
// tree form's node constraints); Accelergy's `action_counts` (written by `export timeloop`) is
// accepted and not used. Any other key (`mapper`, `ART_summary`, ...) is an error saying it is not
// supported yet.
//
//   architecture: v0.4 `subtree`/`local` form. Storage levels are the `local` entries of class
//     DRAM, SRAM, regfile, smartbuffer_SRAM, smartbuffer_RF, outermost first (a node's locals,
//     then its subtree); `name: X[1..N]` gives N instances (a subtree's range multiplies the
//     instances of everything inside it). Attributes: `depth` (capacity = depth × block_size
//     words; absent = unbounded), `width`, `block_size` (words per access; default width /
//     word_bits), `word_bits` or `datawidth`, `meshX`/`meshY` (default instances × 1; meshX alone:
//     meshY = instances / meshX),
//     `read_bandwidth`/`write_bandwidth`/`shared_bandwidth` (words per cycle),
//     `multiple_buffering`, `cluster_size` (1 only). The one compute local (class intmac, fpmac
//     or mac) is the MAC array, innermost.
//     The v0.3 form (`version: 0.3`): the same structure with Timeloop's v0.3 spellings
//     (`word-bits`, `block-size`, `cluster-size`, `multiple-buffering`, `memory_depth`, ...), capacities
//     also as `entries` (words) or `sizeKB`, `instances`, and `width` only as one block; attributes
//     feeding only Timeloop's/Accelergy's own estimates (`technology`, `num-banks`, ...) are unused,
//     any other is refused by name.
//     The v0.4 tree form (`nodes:`): tagged nodes outermost first. `!Container` (name,
//     attributes, spatial, constraints) and `!Component` (a storage level or the compute, as a
//     local entry, plus subclass, required_actions, area_share, enabled); `spatial: {meshX, meshY}`
//     multiplies the mesh of that node and all after it; `!Hierarchical` continues the chain; a
//     `!Parallel` of storage components, each with `constraints: {dataspace: {keep: [...]}}`,
//     becomes consecutive levels keeping only their own data spaces (what timeloopfe hands
//     Timeloop). Node `constraints` are kept as read in `node_constraints`.
//   problem: `shape` (`dimensions`, `coefficients` with `default`s, `data_spaces` with
//     `projection`s; exactly one data space is `read_write: true`, the output; the first other
//     one is the input, the second the weight) and `instance` (dim sizes, an absent dim is 1;
//     coefficient values, overriding the defaults). A projection rank is a sum of terms `[DIM]` or
//     `[DIM, COEFFICIENT]`; a rank other than one plain `[DIM]` makes the data space an affine
//     tensor (a convolution's input, `[[R, Wdilation], [P, Wstride]]`). Refused, naming the data
//     space: a term multiplying two dims, a dim twice in one data space, an affine output.
//   mapping: a list of `target` + `type: temporal | spatial | datatype | bypass` (bypass: the
//     older name of datatype); timeloop-mapper's output map is this form. `factors` as
//     "M=4 N=2" or "M4 N2" (an absent dim is 1), `permutation` innermost loop first (a string of
//     one-letter dims, or a list of names), `split` (spatial: the first `split` dims of the
//     permutation go along x, the rest along y; default all along x), `keep`/`bypass` (a tensor
//     in neither is kept).
//   ERT: `tables` of `name` (the component's path, e.g. `system.scratchpad[1..1]`) and `actions`
//     (`name`, `arguments`, `energy` in pJ): `read`, `write`, `update` per storage level (per
//     access of block_size words), `compute` for the MACs; `leak` and others must be 0.
//   ERT_summary (only without an ERT, which wins when both are given): `table_summary` of `name`
//     and `actions` with `energy`, or `max_energy` (beside `average_energy`, `min_energy`) for an
//     action with arguments — Timeloop prices those at the most expensive argument.
//   ART: `tables` of `name` + `area` (µm² per instance) → each level's `area_um2` and the MACs'
//     `mac_area_um2`; with an ART every level and the MACs need an entry; without one areas are 0.
//
// Errors: every problem of every file is collected and thrown at once as one util::ConfigError,
// each `file:line:col: key.path: expected ..., got ...`.
// Thread-safety: pure functions over files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/op.h"

namespace loopfront::timeloop {

// Where an imported value came from, for the comments of the files `import timeloop` writes.
struct Source {
  std::string file;
  int line = 0;
  int column = 0;
  std::string what;  // e.g. "scratchpad[1..1], class SRAM"

  std::string ToString() const;  // "arch.yaml:12:7 (scratchpad[1..1], class SRAM)"
};

// A `constraints:` value attached to a node of the v0.4 tree form, kept as read for the constraints
// importer (which turns Timeloop constraints into loopfront's). Not interpreted by ImportTimeloop.
struct NodeConstraints {
  std::string node;        // the node's `name`
  std::string level;       // the storage level it constrains: the component itself, or for a
                           // !Container the last storage level before it (whose fanout the
                           // container's spatial spreads over); empty for the compute or a
                           // container before any storage level
  bool container = false;  // attached to a !Container (spatial fanout) rather than a !Component
  // The value as written. Its diagnostics sink belonged to ImportTimeloop: read it through
  // value.ReportingTo(your diagnostics).
  io::YamlValue value;
};

struct ImportedDesign {
  arch::Architecture architecture;
  workload::Op op;
  mapping::Problem problem;  // op × architecture
  mapping::Mapping mapping;
  std::vector<std::string> files;                    // as given
  std::vector<Source> level_sources;                 // per storage level: its `local` entry
  std::vector<Source> level_energy_sources;          // per storage level: its ERT table
  Source mac_source;                                 // the compute `local` entry
  Source mac_energy_source;                          // its ERT table
  Source problem_source;                             // `problem.shape`
  std::vector<std::vector<Source>> mapping_sources;  // per storage level: the mapping entries read
  std::vector<Source> level_area_sources;            // per storage level: its ART entry (empty without ART)
  Source mac_area_source;                            // the MACs' ART entry (empty without ART)
  std::vector<NodeConstraints> node_constraints;     // tree form: read by the constraints importer
  bool has_mapping = true;                           // false: no `mapping` key (ImportOptions)
  // The constraints keys and the node constraints, merged (positions into the files), and resolved
  // against `problem`; empty when the files have none.
  mapping::ConstraintsSpec constraints;
  mapping::Constraints resolved_constraints;
};

struct ImportOptions {
  // Whether a `mapping` key is required (eval); search and import take constraints instead.
  bool mapping_required = true;
};

// Reads and merges `files` and builds the design. Throws util::ConfigError with every problem.
ImportedDesign ImportTimeloop(const std::vector<std::filesystem::path>& files, const ImportOptions& options = {});

}  // namespace loopfront::timeloop
