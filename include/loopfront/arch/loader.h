// Loading architectures from YAML (DESIGN §2.3, §4): a preset name (`gemmini`, embedded from
// architectures/*.yaml) or a path to a file. Every key, its unit and its default is documented in
// docs/architectures.md; in short:
//
//   name: gemmini                        # optional; default: preset name or file stem
//   architecture:
//     clock_ghz: 1.0                     # optional (needed with static_power_mw > 0)
//     static_power_mw: 0                 # optional, default 0
//     online_softmax: false              # optional (DESIGN §2.8.1)
//     overlap_vector_unit: false         # optional (DESIGN §2.8.1)
//     levels:                            # storage levels, OUTERMOST first
//       - name: DRAM
//         capacity_bytes: 262144         # or capacity_words; neither = unbounded; per instance
//         word_bits: 8                   # one tensor element occupies one word of the level
//         access_words: 8                # words per physical access (Timeloop's block_size)
//         mesh_x: 1                      # instances laid out mesh_x × mesh_y (default 1 × 1)
//         mesh_y: 1
//         instances: 1                   # optional; must equal mesh_x × mesh_y
//         read_bandwidth_words_per_cycle: 16     # optional, per instance (absent = unlimited)
//         write_bandwidth_words_per_cycle: 16    # fills + updates
//         shared_bandwidth_words_per_cycle: 8    # reads + fills + updates
//         energy_pj_per_access: {read: 512, write: 512, update: 512}   # per physical access
//         multiple_buffering: 1          # 2 = double-buffered (usable capacity halves)
//         buffering: [double, single]    # instead: buffering modelled honestly, the mapping chooses
//         keeps: [input, weight, output] # tensor roles the level may hold (default all)
//         spatial_x_dim_roles: [output_column]   # dim roles allowed on the fanout below (default all)
//         spatial_y_dim_roles: [reduction]
//     pe_array: {rows: 16, cols: 16, mac_energy_pj: 0.315, fill_latency_cycles: 16}
//     vector_unit: {lanes: 16, energy_pj_per_op: 0.1, reads_level: accumulator}
//     host: {ops_per_cycle: 1, energy_pj_per_op: 3.7, reads_level: DRAM, floating_point: true}
//
// Units convention: capacities in bytes or words (the key says which); bandwidths in WORDS of
// that level per cycle per instance (as Timeloop and shared/validation/README.md count them); energies in pJ per
// physical access of `access_words` words; `pe_array` cols run along x and rows along y, so
// pe_array = a MAC mesh of cols × rows.
//
// Loading is strict and collects every problem of a file at once, each reported as
// `file:line:col: key.path: expected ..., got ...; hint`: unknown or duplicate keys (with "did you
// mean"), wrong types, non-positive sizes, unknown roles, a mesh that does not divide the next
// inner one, a vector unit reading an unknown level, and then every arch::CheckArchitecture problem
// at the position of the key to fix. A loaded Architecture always passes CheckArchitecture.
// Thread-safety: the functions share no state and may run concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "loopfront/arch/architecture.h"
#include "loopfront/io/yaml_reader.h"

namespace loopfront::arch {

// The top-level key that identifies an architecture document (`loopfront validate`).
inline constexpr std::string_view kArchitectureKey = "architecture";

// Resolves `name_or_path` (io::LooksLikePath decides), reads and checks it. An unknown preset is a
// util::ConfigError with "did you mean" over the architecture preset names.
Architecture LoadArchitecture(std::string_view name_or_path);

// Reads a whole architecture document (keys `name`, `architecture`); throws util::ConfigError with
// every problem found. `default_name` names it when the document has no `name:` key.
Architecture ReadArchitectureDocument(const io::YamlDocument& document, const std::string& default_name);

// Reads the mapping under an `architecture:` key (for documents that embed one, e.g. experiments).
// Problems go to value's diagnostics; nullopt if there were any.
std::optional<Architecture> ReadArchitecture(const io::YamlValue& value, const std::string& name);

// A document that ReadArchitectureDocument reads back to an equal Architecture (capacities in
// words, numbers in their shortest exact form). `header_comment` (one line) is written first.
std::string ArchitectureToYaml(const Architecture& architecture, std::string_view header_comment = "");

}  // namespace loopfront::arch
