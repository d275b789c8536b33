// Reference cases: one architecture, one einsum and one fixed mapping with the results another
// tool (Timeloop v3.0.3) computed for them, in the JSON format of shared/validation/README.md.
// They are the input of `loopfront crosscheck` and of the cost-model tests.
//
// Reading is strict: every required key must be present with the right type; unknown keys are
// ignored only where the format says a field is free text (`notes`, `source`, `printed_summary`).
// All problems of a file are collected and thrown together as one util::ConfigError whose
// diagnostics carry the file name and, for JSON syntax errors, the 1-based line and column.
// Thread-safety: pure functions over files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/op.h"

namespace loopfront::cost {

// One `expected.levels.<level>.<tensor>` record.
struct ExpectedTensorRecord {
  std::string level;
  std::string tensor;
  std::int64_t reads = 0;  // totals (per instance × utilized instances)
  std::int64_t fills = 0;
  std::int64_t updates = 0;
  std::int64_t tile_words = 0;  // per instance
  std::int64_t utilized_instances = 0;
  double energy_pj = 0.0;  // total
  std::int64_t per_instance_reads = 0;
  std::int64_t per_instance_fills = 0;
  std::int64_t per_instance_updates = 0;
  double per_instance_energy_pj = 0.0;
};

struct ExpectedLinkTransfers {
  std::string level;
  std::string tensor;
  std::int64_t words = 0;
};

struct ExpectedResults {
  std::int64_t macs = 0;
  std::int64_t cycles = 0;
  double energy_pj = 0.0;
  double utilization = 0.0;
  double mac_energy_pj = 0.0;
  std::int64_t mac_utilized_instances = 0;
  std::vector<ExpectedTensorRecord> records;                       // file order
  std::vector<std::pair<std::string, std::int64_t>> level_cycles;  // level name, cycles
  std::vector<ExpectedLinkTransfers> link_transfers;               // absent = none
};

struct ReferenceCase {
  std::string file;
  std::string name;
  std::string notes;
  workload::Op op;
  arch::Architecture arch;
  mapping::Problem problem;  // op × arch
  mapping::Mapping mapping;
  ExpectedResults expected;
};

// Reads one case. Throws util::ConfigError (file name + what is wrong) on unreadable files,
// JSON syntax errors, missing or mistyped keys, unknown dims/tensors/levels, inconsistent meshes.
// A convolution case's affine indices (lists of terms over `problem.coefficients`) become the
// tensor's workload::Tensor::affine_indices.
ReferenceCase LoadReferenceCase(const std::filesystem::path& file);

// A Timeloop input folder as a reference case (issue 12 item 3): the folder's *.yaml files are
// imported with timeloop::ImportTimeloop (op, architecture, problem, mapping), and the expected
// figures and `notes` come from `<dir>/<folder name>.json` in the first of `expected_dirs` that
// holds it. `name` is the folder's name, `file` the folder. Throws util::ConfigError naming the
// folder and every file looked for when no expected file exists, and every problem of the import.
ReferenceCase LoadTimeloopReferenceCase(const std::filesystem::path& folder,
                                        const std::vector<std::filesystem::path>& expected_dirs);

// Where a Timeloop input folder's expected figures are by default: the `timeloop` and
// `timeloop-more` folders beside the folder that holds it, as in ../shared/validation
// (timeloop-inputs/<case>/ ↔ timeloop/<case>.json or timeloop-more/<case>.json).
std::vector<std::filesystem::path> DefaultTimeloopExpectedDirs(const std::filesystem::path& folder);

// True when `path` is a Timeloop input folder: a directory holding at least one *.yaml file.
bool IsTimeloopInputFolder(const std::filesystem::path& path);

// Expands each path into cases: a file is taken as is; a directory contributes its *.json files,
// itself when it is a Timeloop input folder, and each of its subdirectories that is one (each
// group sorted by name, not recursive further). A returned directory is a Timeloop input folder
// (LoadTimeloopReferenceCase), a returned file a JSON case (LoadReferenceCase). Throws
// util::ConfigError for a path that does not exist or a directory without cases.
std::vector<std::filesystem::path> ExpandReferenceCasePaths(const std::vector<std::filesystem::path>& paths);

}  // namespace loopfront::cost
