// A flat encoding of a mapspace's genomes as one row of integers ("genes"), for code outside the
// library that drives its own search (the Python module's Mapspace.sample / decode, ask/tell):
// every gene is an integer in [0, Gene::max], and the row has the same length for every genome of
// one mapspace. It is a view of search::Genome (mapspace.h), not a second encoding of mappings.
//
// Layout, in this order (dims, levels and tensors in the problem's order; levels outermost first):
//   padding.<dim>              per dim: the index of its padding candidate (0 = unpadded)
//   factor.<dim>.<i>           per dim, i < the largest factor count over its candidates: the
//                              slot of its i-th free prime factor (ascending primes) as an index
//                              among the dim's open slots (Mapspace::open_slot); 0 past the chosen
//                              candidate's factor count
//   order.<level>.<position>   per level and position (outer → inner): a dim index, a permutation
//   keep.<level>.<tensor>      per level and tensor whose keep is a gene there (choosable_keeps):
//                              1 = kept, 0 = bypassed
//   double_buffered.<level>    per level with a buffering gene: 1 = double-buffered
// Identical primes of a dim are indistinguishable (mapspace.h keeps their slots non-decreasing):
// DecodeGenes sorts each run of equal primes' slots, so a row that lists them in another order
// decodes to the same genome and mapping. Any other row that is not a well-formed genome
// (Mapspace::IsWellFormed: an order that is not a permutation or breaks an order constraint, a
// keep against a constraint or that leaves an on-chip tensor nowhere) is refused. Factors outside a
// constraint's bounds are not refused: the searchers' repairs produce them (mapspace.h), and they
// evaluate as infeasible (mapping::Violation::kFactorOutOfBounds), in a search as from genes.
//
// Thread-safety: a GeneLayout is immutable after construction; Encode and Decode are const.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "loopfront/search/mapspace.h"

namespace loopfront::search {

struct Gene {
  enum class Kind : std::uint8_t { kPadding, kFactor, kOrder, kKeep, kDoubleBuffered };
  Kind kind = Kind::kPadding;
  int dim = -1;     // padding, factor
  int level = -1;   // order, keep, double_buffered
  int index = 0;    // factor: the factor's index; order: the position
  int tensor = -1;  // keep
  std::int64_t max = 0;  // the gene's largest value (the smallest is 0)
  std::string name;      // e.g. "factor.m.2", "keep.scratchpad.B"
};

class GeneLayout {
 public:
  explicit GeneLayout(const Mapspace& mapspace);

  int size() const { return static_cast<int>(genes_.size()); }
  const std::vector<Gene>& genes() const { return genes_; }

  // Writes a well-formed genome's genes (size() of them).
  void Encode(const Genome& genome, std::span<std::int64_t> genes) const;
  // Reads a row into `genome`; false when the row is not a well-formed genome of the mapspace, with
  // what is wrong in `problem` (e.g. "gene 7 (factor.k.1): expected 0..3, got 5"). Never decodes an
  // out-of-range value: every gene is range-checked before the genome is built.
  bool Decode(std::span<const std::int64_t> genes, Genome& genome, std::string& problem) const;

 private:
  const Mapspace* mapspace_;
  std::vector<Gene> genes_;
};

// The number of genes of a genome of `mapspace` (GeneLayout(mapspace).size()).
int NumGenes(const Mapspace& mapspace);

}  // namespace loopfront::search
