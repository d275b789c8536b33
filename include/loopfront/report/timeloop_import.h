// The files `loopfront import timeloop FILE... --output DIR` writes (issue 12, item 1): an imported
// Timeloop design (timeloop/importer.h) as loopfront's own inputs, each value's origin in a comment:
//
//   arch.yaml       the architecture (arch::ArchitectureToYaml), each level and the PE array
//                   commented with the Timeloop component entry, the ERT (or ERT_summary) table
//                   and, with an ART, the area entry it came from
//   workload.yaml   an op list (docs/workloads.md, "Op lists") holding the one imported op
//   mapping.yaml    the mapping (mapping::MappingToYaml) naming arch.yaml, workload.yaml and the
//                   op, each level commented with the Timeloop mapping entries read for it
//
// `loopfront eval --mapping DIR/mapping.yaml` (or with --arch DIR/arch.yaml --workload
// DIR/workload.yaml --op-name NAME) then evaluates to the same figures as `eval --timeloop`.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "loopfront/timeloop/importer.h"

namespace loopfront::report {

struct ImportedFiles {
  std::string arch_yaml;
  std::string workload_yaml;
  std::string mapping_yaml;
};

inline constexpr const char* kImportedArchFile = "arch.yaml";
inline constexpr const char* kImportedWorkloadFile = "workload.yaml";
inline constexpr const char* kImportedMappingFile = "mapping.yaml";

ImportedFiles ImportedDesignToYaml(const timeloop::ImportedDesign& design);

}  // namespace loopfront::report
