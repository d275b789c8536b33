// Importing Timeloop/Accelergy input files (issue 12, item 1): an architecture, a problem, a
// mapping and an energy table, as timeloop-model v3.0.3 reads them, become loopfront's
// arch::Architecture, workload::Op and mapping::Mapping. docs/timeloop.md documents every key.
//
// Files. Timeloop reads any number of YAML files and merges their top-level keys; so does
// ImportTimeloop: the files may come in any order and split the keys however the user likes, and
// a key given in two files is an error naming both. Top-level keys read: `architecture`,
// `problem`, `mapping`, `ERT`, and `constraints`, `architecture_constraints`,
// `mapspace_constraints` (timeloop/constraints.h, merged); `ART` (areas) is accepted and not used
// yet, and so is Accelergy's `action_counts` (written by `export timeloop`). Any other key
// (`mapper`, `ERT_summary`, ...) is an error saying it is not supported yet.
//
//   architecture: v0.4 `subtree`/`local` form. Storage levels are the `local` entries of class
//     DRAM, SRAM, regfile, smartbuffer_SRAM, smartbuffer_RF, outermost first (a node's locals,
//     then its subtree); `name: X[1..N]` gives N instances (a subtree's range multiplies the
//     instances of everything inside it). Attributes: `depth` (capacity = depth × block_size
//     words; absent = unbounded), `width`, `block_size` (words per access; default width /
//     word_bits), `word_bits` or `datawidth`, `meshX`/`meshY` (default instances × 1),
//     `read_bandwidth`/`write_bandwidth`/`shared_bandwidth` (words per cycle),
//     `multiple_buffering`, `cluster_size` (1 only). The one compute local (class intmac, fpmac
//     or mac) is the MAC array, innermost.
//   problem: `shape` (`dimensions`, `coefficients`, `data_spaces` with single-index
//     `projection`s; exactly one data space is `read_write: true`, the output; the first other
//     one is the input, the second the weight) and `instance` (dim sizes; an absent dim is 1).
//     An affine projection (a convolution's input) is refused, naming the data space.
//   mapping: a list of `target` + `type: temporal | spatial | datatype`. `factors` as
//     "M=4 N=2" or "M4 N2" (an absent dim is 1), `permutation` innermost loop first (a string of
//     one-letter dims, or a list of names), `split` (spatial: the first `split` dims of the
//     permutation go along x, the rest along y; default all along x), `keep`/`bypass` (a tensor
//     in neither is kept).
//   ERT: `tables` of `name` (the component's path, e.g. `system.scratchpad[1..1]`) and `actions`
//     (`name`, `arguments`, `energy` in pJ): `read`, `write`, `update` per storage level (per
//     access of block_size words), `compute` for the MACs; `leak` and others must be 0.
//
// Errors: every problem of every file is collected and thrown at once as one util::ConfigError,
// each `file:line:col: key.path: expected ..., got ...`.
// Thread-safety: pure functions over files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
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
  bool has_mapping = true;                           // false: no `mapping` key (ImportOptions)
  // The constraints keys, merged (positions into the files), and resolved against `problem`;
  // empty when the files have none.
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
