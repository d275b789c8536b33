#include "loopfront/search/genes.h"

#include <fmt/format.h>

#include <algorithm>

namespace loopfront::search {

GeneLayout::GeneLayout(const Mapspace& mapspace) : mapspace_(&mapspace) {
  const mapping::Problem& problem = mapspace.problem();
  const int num_dims = problem.num_dims();
  for (int dim = 0; dim < num_dims; ++dim) {
    genes_.push_back({.kind = Gene::Kind::kPadding,
                      .dim = dim,
                      .max = mapspace.num_padding_candidates(dim) - 1,
                      .name = fmt::format("padding.{}", problem.dim_name(dim))});
  }
  for (int dim = 0; dim < num_dims; ++dim) {
    int width = 0;
    for (int candidate = 0; candidate < mapspace.num_padding_candidates(dim); ++candidate) {
      width = std::max(width, mapspace.padding_candidate(dim, candidate).num_factors);
    }
    for (int index = 0; index < width; ++index) {
      genes_.push_back({.kind = Gene::Kind::kFactor,
                        .dim = dim,
                        .index = index,
                        .max = std::max(0, mapspace.num_open_slots(dim) - 1),
                        .name = fmt::format("factor.{}.{}", problem.dim_name(dim), index)});
    }
  }
  for (int level = 0; level < problem.num_levels(); ++level) {
    for (int position = 0; position < num_dims; ++position) {
      genes_.push_back({.kind = Gene::Kind::kOrder,
                        .level = level,
                        .index = position,
                        .max = num_dims - 1,
                        .name = fmt::format("order.{}.{}", problem.level_name(level), position)});
    }
  }
  for (int level = 0; level < problem.num_levels(); ++level) {
    for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
      if (((mapspace.choosable_keeps(level) >> tensor) & 1u) == 0) continue;
      genes_.push_back({.kind = Gene::Kind::kKeep,
                        .level = level,
                        .tensor = tensor,
                        .max = 1,
                        .name = fmt::format("keep.{}.{}", problem.level_name(level), problem.tensor_name(tensor))});
    }
  }
  for (int level = 0; level < problem.num_levels(); ++level) {
    if (!mapspace.buffering_choice(level)) continue;
    genes_.push_back({.kind = Gene::Kind::kDoubleBuffered,
                      .level = level,
                      .max = 1,
                      .name = fmt::format("double_buffered.{}", problem.level_name(level))});
  }
}

void GeneLayout::Encode(const Genome& genome, std::span<std::int64_t> genes) const {
  const Mapspace& mapspace = *mapspace_;
  for (std::size_t position = 0; position < genes_.size(); ++position) {
    const Gene& gene = genes_[position];
    std::int64_t value = 0;
    switch (gene.kind) {
      case Gene::Kind::kPadding:
        value = genome.padding[gene.dim];
        break;
      case Gene::Kind::kFactor: {
        const auto& candidate = mapspace.padding_candidate(gene.dim, genome.padding[gene.dim]);
        if (gene.index >= candidate.num_factors) break;
        const int slot = genome.factor_slots[gene.dim][gene.index];
        for (int open = 0; open < mapspace.num_open_slots(gene.dim); ++open) {
          if (mapspace.open_slot(gene.dim, open) == slot) value = open;
        }
        break;
      }
      case Gene::Kind::kOrder:
        value = genome.orders[gene.level][gene.index];
        break;
      case Gene::Kind::kKeep:
        value = (genome.keeps[gene.level] >> gene.tensor) & 1u;
        break;
      case Gene::Kind::kDoubleBuffered:
        value = (genome.double_buffered >> gene.level) & 1u;
        break;
    }
    genes[position] = value;
  }
}

bool GeneLayout::Decode(std::span<const std::int64_t> genes, Genome& genome, std::string& problem) const {
  const Mapspace& mapspace = *mapspace_;
  if (genes.size() != genes_.size()) {
    problem = fmt::format("expected {} genes, got {}", genes_.size(), genes.size());
    return false;
  }
  // Every value in range first, so that nothing below indexes with a bad one.
  for (std::size_t position = 0; position < genes_.size(); ++position) {
    if (genes[position] < 0 || genes[position] > genes_[position].max) {
      problem = fmt::format("gene {} ({}): expected 0..{}, got {}", position, genes_[position].name,
                            genes_[position].max, genes[position]);
      return false;
    }
  }
  genome = Genome{};
  for (int level = 0; level < mapspace.problem().num_levels(); ++level) genome.keeps[level] = mapspace.always_kept(level);
  // Padding genes come first, so a factor gene knows its dim's candidate.
  for (std::size_t position = 0; position < genes_.size(); ++position) {
    const Gene& gene = genes_[position];
    const auto value = static_cast<std::uint8_t>(genes[position]);
    switch (gene.kind) {
      case Gene::Kind::kPadding:
        genome.padding[gene.dim] = value;
        break;
      case Gene::Kind::kFactor: {
        const auto& candidate = mapspace.padding_candidate(gene.dim, genome.padding[gene.dim]);
        if (gene.index >= candidate.num_factors) {
          if (value != 0) {
            problem = fmt::format("gene {} ({}): expected 0 (padding.{} = {} has {} factors), got {}", position,
                                  gene.name, mapspace.problem().dim_name(gene.dim), genome.padding[gene.dim],
                                  candidate.num_factors, value);
            return false;
          }
          break;
        }
        genome.factor_slots[gene.dim][gene.index] = static_cast<std::uint8_t>(mapspace.open_slot(gene.dim, value));
        break;
      }
      case Gene::Kind::kOrder:
        genome.orders[gene.level][gene.index] = value;
        break;
      case Gene::Kind::kKeep:
        genome.keeps[gene.level] = static_cast<mapping::TensorMask>(genome.keeps[gene.level] | (value << gene.tensor));
        break;
      case Gene::Kind::kDoubleBuffered:
        genome.double_buffered = static_cast<std::uint8_t>(genome.double_buffered | (value << gene.level));
        break;
    }
  }
  // Equal primes are indistinguishable: their slots in canonical (non-decreasing) order.
  for (int dim = 0; dim < mapspace.problem().num_dims(); ++dim) {
    const auto& candidate = mapspace.padding_candidate(dim, genome.padding[dim]);
    auto& slots = genome.factor_slots[dim];
    for (int begin = 0; begin < candidate.num_factors;) {
      int end = begin + 1;
      while (end < candidate.num_factors && candidate.primes[end] == candidate.primes[begin]) ++end;
      std::sort(slots.begin() + begin, slots.begin() + end);
      begin = end;
    }
  }
  for (int level = 0; level < mapspace.problem().num_levels(); ++level) {
    mapping::DimMask seen = 0;
    for (int position = 0; position < mapspace.problem().num_dims(); ++position) {
      seen = static_cast<mapping::DimMask>(seen | (1u << genome.orders[level][position]));
    }
    if (seen != (1u << mapspace.problem().num_dims()) - 1) {
      problem = fmt::format("order.{}: expected a permutation of the dim indices 0..{}, got a repeated dim",
                            mapspace.problem().level_name(level), mapspace.problem().num_dims() - 1);
      return false;
    }
  }
  // Factors outside a constraint's bounds decode: searchers' repairs produce them, and they
  // evaluate as infeasible (kFactorOutOfBounds), as in a search.
  if (!mapspace.IsWellFormed(genome, /*within_bounds=*/false)) {
    problem =
        "not a genome of this mapspace: an order that breaks an order constraint, a tensor kept or bypassed "
        "against a constraint, or an on-chip tensor kept nowhere";
    return false;
  }
  return true;
}

int NumGenes(const Mapspace& mapspace) { return GeneLayout(mapspace).size(); }

}  // namespace loopfront::search
