// Timeloop's mapspace constraints → loopfront's constraints (issue 12, item 1). docs/timeloop.md,
// "Constraints", has the key-by-key table.
//
// Timeloop states constraints in three top-level keys, all read and merged: `constraints` (v0.4:
// `{version, targets: [...]}`), `architecture_constraints` and `mapspace_constraints` (each
// `{targets: [...]}`; a bare list is read too). Each target is `{target: LEVEL, type: ...}`:
//
//   type: temporal   factors "M=4 N<=8 K>=2 C=0" (or the mapper's "M4"; a list of such strings),
//                    permutation (innermost first; may list only some dims: those are the
//                    innermost loops, in that order)
//                      → temporal {M: 4, N: {max: 8}, K: {min: 2}, C: rest}, order_inner (reversed)
//   type: spatial    factors as above, permutation + split (the first `split` dims of the
//                    permutation along x, the others along y)
//                      → with split: spatial_x / spatial_y per dim and spatial_axes for the listed
//                        dims; without split (the axis is the search's choice): spatial (x × y)
//   type: datatype | bypass   keep, bypass → must_keep, bypass (the others stay free)
//   type: utilization        refused: a minimum utilization of a fanout bounds a product over
//                            dims, which loopfront's per-dim mapspace cannot express
// Anything else Timeloop offers (no_link_transfer, no_multicast_no_reduction, no_reuse,
// max_overbooked_proportion, ...) is refused, naming it. The result is a mapping::ConstraintsSpec
// whose positions point into the Timeloop files; mapping::ResolveConstraints then checks the names
// (a target that is not a storage level, a dim or tensor the problem lacks) against the problem.
//
// Errors are recorded at the YAML nodes (their documents' util::Diagnostics), never thrown. When
// the files hold a mapping too, ImportTimeloop checks it against the constraints
// (CheckMappingConstraints), as timeloop-model does.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "loopfront/mapping/constraints.h"
#include "loopfront/timeloop/importer.h"
#include "loopfront/util/error.h"

namespace loopfront::timeloop {

// The value of a top-level `constraints`, `architecture_constraints` or `mapspace_constraints`
// key; its targets are merged into `spec` (one LevelConstraintsSpec per level; a dim constrained
// twice in one kind of a level, or two permutations for one level and type, are errors).
void ReadConstraintsKey(const io::YamlValue& value, mapping::ConstraintsSpec& spec);

// The `constraints` map attached to one node of the v0.4 tree form (`nodes:`), for the storage
// level `level_name`: `{temporal: {factors, permutation}, spatial: {factors, permutation, split},
// dataspace: {keep, bypass}}` (each part optional; the same meaning as the targets above).
// ImportTimeloop calls it for each of the tree form's NodeConstraints (with the level it
// constrains), merging into the same `spec` as ReadConstraintsKey.
void ReadNodeConstraints(const std::string& level_name, const io::YamlValue& constraints,
                         mapping::ConstraintsSpec& spec);

// As timeloop-model refuses a mapping that breaks its constraints: one diagnostic per way the
// design's mapping breaks its resolved constraints (mapping::CheckConstraints), at the level's
// first mapping entry (or, without one, at the constraint's target), naming the constraint's place.
void CheckMappingConstraints(const ImportedDesign& design, util::Diagnostics& diagnostics);

}  // namespace loopfront::timeloop
