// The `gemmini_default` searcher: not a search but Gemmini's own software schedule of a matmul, as a
// baseline that any searcher's front can be compared with (issue 11, item 1).
//
// Gemmini's `tiled_matmul_auto` (ucb-bar/gemmini-rocc-tests, include/gemmini.h) picks tile sizes
// tile_I, tile_J, tile_K in blocks of DIM × DIM (DIM = the array's side, 16): it starts from
// min(blocks, db_max_tile_i_j) for I and J, min(blocks, db_max_tile_k) for K, then grows J, I, K
// by one block each, in that order, round after round, while the tile's A and B rows fit the
// scratchpad and its C rows fit the accumulator, both halved for double buffering. `tiled_matmul`
// then loops over the tiles i0, j0, k0 (k0 innermost, so a C tile stays in the accumulator until
// complete), and the weight-stationary loop inside a tile preloads one B block per (k, j) and
// streams the tile's A rows under it.
//
// On loopfront's Gemmini-like architecture (DRAM … → scratchpad {A, B} → accumulator banks {Z},
// one per array column → weight registers {B} → the DIM × DIM MACs) that schedule is the mapping
//   DRAM[b.. h.. m I0 n J0 k K0] scratchpad*2[k tK | x:n DIM] accumulator*2[n tJ | y:k DIM] weight_reg[m rows]
// (gemmini_default_searcher.cpp says how each factor is derived and what is approximated).
//
// The fusion-optimized variant (survey Sec. 5.5.2; `tiled_matmul_auto`'s branch for a fused
// LayerNorm or softmax activation) takes one row block and every column block (tile_I = 1,
// tile_J = all, tile_K = 1), so that whole output rows sit in the accumulator while the
// nonlinear op's reductions run over them.
//
// The budget and the seed are ignored: the front has exactly one point (or none, when the cost
// model finds the mapping infeasible; the statistics then say why). Ops that are not matmuls and
// architectures that are not Gemmini-like are refused with a util::ConfigError naming what is
// missing. Thread-safety: immutable; Search is const.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/search/searcher.h"
#include "loopfront/util/params.h"

namespace loopfront::search {

// What Gemmini's scheduler needs of the on-chip memories, in words (= elements) of each level.
struct GemminiCapacities {
  std::int64_t dim = 16;                        // the array's side, DIM
  std::int64_t scratchpad_words = 0;            // usable by the schedule (half when double-buffered)
  std::int64_t accumulator_words_per_bank = 0;  // one bank per array column (half when double-buffered)
};

// Tile sizes in blocks of DIM, as `tiled_matmul_auto` returns them.
struct GemminiTiles {
  std::int64_t tile_i = 0;  // output rows (m)
  std::int64_t tile_j = 0;  // output columns (n)
  std::int64_t tile_k = 0;  // reduction (k)
  bool operator==(const GemminiTiles&) const = default;
};

// The default scheduler's tiles for a matmul of blocks_i × blocks_j output blocks and blocks_k
// reduction blocks (each = ceil(size / DIM)). Throws util::ConfigError when not even one block of
// each fits.
GemminiTiles DefaultGemminiTiles(std::int64_t blocks_i, std::int64_t blocks_j, std::int64_t blocks_k,
                                 const GemminiCapacities& capacities);

// The fusion-optimized tiles: one row block, every column block, one reduction block. Whether they
// fit is checked by the caller (GemminiScheduleMapping), which knows both bufferings.
GemminiTiles FusionOptimizedGemminiTiles(std::int64_t blocks_j);

// Gemmini's schedule of `problem`'s matmul as a loopfront mapping (see the top of this file).
// Throws util::ConfigError when the op is not a matmul (one output-row, one output-column and one
// reduction dim, any batch dims) or the architecture is not Gemmini-like, or the fusion-optimized
// tile does not fit the accumulator even single-buffered.
mapping::Mapping GemminiScheduleMapping(const mapping::Problem& problem, bool fusion_optimized);

class GemminiDefaultSearcher final : public Searcher {
 public:
  static constexpr std::string_view kName = "gemmini_default";
  static constexpr std::string_view kDescription =
      "Gemmini's default software schedule of a matmul (tiled_matmul_auto): one mapping, a baseline";
  static std::vector<util::ParamSpec> Params();

  explicit GemminiDefaultSearcher(const util::ParamValues& params);

  SearchResult Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                      const SearchOptions& options) const override;
  std::string_view name() const override { return kName; }
  bool fixed_schedule() const override { return true; }

 private:
  bool fusion_optimized_;
};

}  // namespace loopfront::search
