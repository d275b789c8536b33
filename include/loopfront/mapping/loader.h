// Mapping files (DESIGN §2.4): one mapping of one op, in YAML, so that any result can be saved,
// replayed (`loopfront eval --mapping FILE`) and checked (`loopfront validate FILE`). Every key is
// documented in docs/mappings.md:
//
//   arch: gemmini                       # optional: preset or file (relative to this file's folder)
//   op: "matmul m=512 n=768 k=768"      # optional: an op spec (workload/op_spec.h), or instead
//   workload: bert-base                 #   a workload preset or file ...
//   op_name: q_proj                     #   ... and the name of one of its ops
//   mapping:                            # one entry per storage level, outermost first
//     - level: DRAM
//       keeps: [A, B, Z]                # optional; default: every tensor the level may hold
//       temporal: [[n, 48], [m, 2]]     # [dim, factor], outer -> inner
//       spatial: [[n, 16, x]]           # [dim, factor, axis]: the fanout below this level
//     - ...
//
// or, in the one-line form of mapping::ParseMapping:
//
//   mapping: "DRAM[n48 m2] scratchpad{A,B}[k24 | x:n16] accumulator{Z}[| y:k16] weight_reg{B}[m256]"
//
// `arch` and the op let `loopfront validate` check the mapping completely; without them only the
// shape of the file is checked. A command that is given the architecture and op itself (eval)
// reads the mapping against those.
//
// Reading is strict (DESIGN §4): unknown or duplicate keys, unknown levels, dims and tensors (with
// "did you mean"), levels out of order or missing, non-positive factors, a bad axis, and then every
// rule of mapping::CheckMapping (a dim not covered, a fanout or a capacity exceeded, ...) with the
// sentence of mapping::Describe, each as `file:line:col: key.path: ...` at the entry to fix.
// Thread-safety: a MappingFile is used by one thread (it records diagnostics while reading); the
// free functions share no state.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/util/error.h"

namespace loopfront::mapping {

// The top-level key that identifies a mapping document (`loopfront validate`).
inline constexpr std::string_view kMappingKey = "mapping";

// What a mapping file names beside the mapping. Paths are as written in the file.
struct MappingFileHeader {
  std::optional<std::string> arch{};
  std::optional<std::string> op{};
  std::optional<std::string> workload{};
  std::optional<std::string> op_name{};

  bool NamesProblem() const { return arch.has_value() && (op.has_value() || op_name.has_value()); }
};

class MappingFile {
 public:
  // Reads `path` (or `text`, named `name` in messages) and checks the keys, the header and the
  // shape of the mapping entries. Throws util::ConfigError with every problem found.
  static MappingFile Load(const std::filesystem::path& path);
  static MappingFile FromString(const std::string& text, const std::string& name,
                                const std::filesystem::path& base_dir = {});

  const MappingFileHeader& header() const { return header_; }
  const std::string& file() const { return document_->file(); }

  // A preset name unchanged, or a relative path (also `hf:PATH`) resolved against the file's folder
  // (how the header's `arch` and `workload` are read).
  std::string ResolveRelative(const std::string& name_or_path) const;

  // The architecture (preset name, or a path resolved against the file's folder) and the op the
  // header names, built into a Problem. Errors are reported at the header key that names them.
  // nullopt when the header does not name both.
  std::optional<Problem> HeaderProblem() const;

  // Reads the mapping against `problem` and checks it with CheckMapping. Throws util::ConfigError
  // with every problem found, positioned.
  Mapping Read(const Problem& problem) const;

 private:
  MappingFile() = default;
  void ReadHeader();

  std::unique_ptr<util::Diagnostics> diagnostics_;
  std::unique_ptr<io::YamlDocument> document_;
  std::filesystem::path base_dir_;
  MappingFileHeader header_;
};

// The mapping of `--mapping FILE|"LINE"` (`eval`, `export timeloop`, the Python module's evaluate):
// a mapping in the one-line form `search` prints (not an existing file, with a '[') is read as it
// is, named `label` in messages; anything else names a mapping file.
MappingFile LoadMappingArgument(const std::string& mapping_or_path, const std::string& label = "--mapping");

// Where a mapping file's header names the architecture and the op (`from_file`, HeaderProblem) and
// the caller names them too (`architecture`, `op`), they must agree (names, counts and op classes
// aside): a util::ConfigError at `file`'s `arch` and `op` keys for each that differs, saying
// "expected the architecture <arch_source> ('name'), got a different one ('name'); drop one of the
// two" and "expected the op <op_source>, got a different one; …" (`eval`: "given by --arch", "given
// on the command line (SPEC)"; the Python module's evaluate names its arguments).
void CheckHeaderAgreement(const Problem& from_file, const arch::Architecture& architecture, const workload::Op& op,
                          const std::string& file, std::string_view arch_source, std::string_view op_source);

// A document that MappingFile reads back to an equal Mapping: the header keys that are set, then
// one entry per level with its keeps, temporal and spatial loops (flow-style lists).
std::string MappingToYaml(const Mapping& mapping, const Problem& problem, const MappingFileHeader& header = {});

// Writes MappingToYaml atomically (io::WriteFileAtomically).
void SaveMapping(const std::filesystem::path& path, const Mapping& mapping, const Problem& problem,
                 const MappingFileHeader& header = {});

}  // namespace loopfront::mapping
