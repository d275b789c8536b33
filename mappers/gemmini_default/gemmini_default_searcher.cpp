#include "mappers/gemmini_default/gemmini_default_searcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "loopfront/search/search_run.h"
#include "loopfront/util/error.h"

namespace loopfront::search {
namespace {

std::int64_t CeilDiv(std::int64_t numerator, std::int64_t denominator) {
  return (numerator + denominator - 1) / denominator;
}

// The largest integer whose square is ≤ value: Gemmini's `(size_t)sqrt(db_mats_in_acc)`.
std::int64_t FloorSqrt(std::int64_t value) {
  auto root = static_cast<std::int64_t>(std::sqrt(static_cast<double>(value)));
  while (root * root > value) --root;
  while ((root + 1) * (root + 1) <= value) ++root;
  return root;
}

[[noreturn]] void Refuse(const std::string& message) {
  throw util::ConfigError({util::Diagnostic{.path = "searcher gemmini_default", .message = message}});
}

// The dims of a matmul by role; -1 when absent.
struct MatmulDims {
  int row = -1;        // m: output rows, streamed through the array
  int column = -1;     // n: output columns, across the array (x)
  int reduction = -1;  // k: down the array (y)
  std::vector<int> batch;
};

MatmulDims FindMatmulDims(const mapping::Problem& problem) {
  const std::string op = problem.op().name;
  if (problem.is_vector_op() || !problem.op().IsContraction()) {
    Refuse(fmt::format(
        "expected a matmul, got the vector op {}: Gemmini's default schedule maps matmuls only (its vector ops run "
        "on the host); search it with another searcher (random, genetic, annealing, exhaustive)",
        op));
  }
  MatmulDims dims;
  int* by_role[] = {nullptr, &dims.row, &dims.column, &dims.reduction};
  for (int dim = 0; dim < problem.num_dims(); ++dim) {
    const arch::DimRole role = problem.dim_role(dim);
    if (role == arch::DimRole::kBatch) {
      dims.batch.push_back(dim);
      continue;
    }
    int* slot = role == arch::DimRole::kOther ? nullptr : by_role[static_cast<int>(role)];
    if (slot == nullptr || *slot >= 0) {
      Refuse(fmt::format(
          "expected a matmul (one output-row, one output-column and one reduction dim, plus batch dims), but dim {} "
          "of op {} is a second or unsupported {} dim",
          problem.dim_name(dim), op, arch::ToString(role)));
    }
    *slot = dim;
  }
  if (dims.row < 0 || dims.column < 0 || dims.reduction < 0) {
    Refuse(fmt::format("expected a matmul with an output-row, an output-column and a reduction dim, got op {}", op));
  }
  return dims;
}

// Where Gemmini's memories are in the architecture: the innermost level holds the weights in the
// PEs, the one outside it is the accumulator (it keeps the output, its fanout spreads the reduction
// down the array), the one outside that is the scratchpad (it keeps inputs and weights, its fanout
// spreads the output columns across the array). DRAM is the outermost level.
struct GemminiLevels {
  int scratchpad = -1;
  int accumulator = -1;
  int weight_reg = -1;
  std::int64_t dim = 0;
};

GemminiLevels FindGemminiLevels(const mapping::Problem& problem, const MatmulDims& dims) {
  const std::string arch_name = problem.arch().name;
  const auto missing = [&](const std::string& what) {
    Refuse(fmt::format(
        "expected a Gemmini-like architecture (DRAM … → scratchpad keeping inputs and weights, output columns "
        "across → accumulator keeping outputs, the reduction down → weight registers), but {} {}",
        arch_name, what));
  };
  const int num_levels = problem.num_levels();
  if (num_levels < 4) missing(fmt::format("has {} storage levels, fewer than 4", num_levels));
  GemminiLevels levels{
      .scratchpad = num_levels - 3, .accumulator = num_levels - 2, .weight_reg = num_levels - 1, .dim = 0};
  mapping::TensorMask input = 0;
  mapping::TensorMask weight = 0;
  for (int tensor = 0; tensor < problem.num_tensors(); ++tensor) {
    if (problem.tensor_role(tensor) == workload::TensorRole::kInput)
      input |= static_cast<mapping::TensorMask>(1u << tensor);
    if (problem.tensor_role(tensor) == workload::TensorRole::kWeight)
      weight |= static_cast<mapping::TensorMask>(1u << tensor);
  }
  const auto output = static_cast<mapping::TensorMask>(1u << problem.output_tensor());
  const mapping::LevelTable& weight_reg = problem.level(levels.weight_reg);
  const mapping::LevelTable& accumulator = problem.level(levels.accumulator);
  const mapping::LevelTable& scratchpad = problem.level(levels.scratchpad);
  const auto x = static_cast<int>(mapping::Axis::kX);
  const auto y = static_cast<int>(mapping::Axis::kY);
  if (weight_reg.may_keep != weight) {
    missing(
        fmt::format("keeps more than the weights at its innermost level {}", problem.level_name(levels.weight_reg)));
  }
  if ((accumulator.may_keep & output) == 0 || ((accumulator.spatial_dims[y] >> dims.reduction) & 1u) == 0 ||
      accumulator.fanout[y] < 2) {
    missing(fmt::format("has no accumulator: level {} does not keep outputs with the reduction down its fanout",
                        problem.level_name(levels.accumulator)));
  }
  if ((scratchpad.may_keep & (input | weight)) != (input | weight) ||
      ((scratchpad.spatial_dims[x] >> dims.column) & 1u) == 0 || scratchpad.fanout[x] < 2) {
    missing(fmt::format(
        "has no scratchpad: level {} does not keep inputs and weights with the output columns across its fanout",
        problem.level_name(levels.scratchpad)));
  }
  // Gemmini's array is DIM × DIM.
  if (scratchpad.fanout[x] != accumulator.fanout[y]) {
    missing(fmt::format("has a {} × {} array, not a square one", accumulator.fanout[y], scratchpad.fanout[x]));
  }
  levels.dim = scratchpad.fanout[x];
  return levels;
}

// Gemmini's software double-buffers both memories when it can ("db_" sizes: half the scratchpad,
// half the accumulator); a level with Timeloop's idealized multiple buffering has it in its usable
// capacity already.
bool OffersDoubleBuffering(const mapping::LevelTable& level) { return (level.buffering & arch::kDoubleBuffering) != 0; }

std::int64_t ScheduleCapacity(const mapping::LevelTable& level, bool double_buffered) {
  return level.buffering != 0 ? level.UsableCapacity(double_buffered) : level.usable_capacity_words;
}

// Words of the scratchpad a tile of (i, j, k) blocks takes: A is i × k blocks, B is k × j blocks
// (Gemmini's tiled_matmul_total_spad_rows, (I·K + K·J)·DIM rows of DIM elements).
std::int64_t ScratchpadWords(std::int64_t tile_i, std::int64_t tile_j, std::int64_t tile_k, std::int64_t dim) {
  return (tile_i * tile_k + tile_k * tile_j) * dim * dim;
}

// Words of one accumulator bank (one array column) a tile takes: C is i × j blocks, DIM rows of
// each block column per bank (tiled_matmul_total_acc_rows, I·J·DIM rows).
std::int64_t AccumulatorWordsPerBank(std::int64_t tile_i, std::int64_t tile_j, std::int64_t dim) {
  return tile_i * tile_j * dim;
}

}  // namespace

GemminiTiles DefaultGemminiTiles(std::int64_t blocks_i, std::int64_t blocks_j, std::int64_t blocks_k,
                                 const GemminiCapacities& capacities) {
  const std::int64_t dim = capacities.dim;
  // tiled_matmul_auto's starting point: db_mats_in_acc = acc rows / DIM blocks of C, a square root
  // of it for I and J; db_mats_in_partition = half the scratchpad rows / DIM blocks for A (the other
  // half for B), divided by the I tile for K.
  const std::int64_t mats_in_acc = capacities.accumulator_words_per_bank / dim;
  const std::int64_t max_tile_i_j = FloorSqrt(mats_in_acc);
  const std::int64_t mats_in_partition = capacities.scratchpad_words / dim / 2 / dim;
  const std::int64_t max_tile_k = max_tile_i_j > 0 ? mats_in_partition / max_tile_i_j : 0;
  if (max_tile_i_j < 1 || max_tile_k < 1) {
    Refuse(fmt::format(
        "expected room for one {}×{} block of each operand, got {} scratchpad words and {} accumulator words per "
        "bank",
        dim, dim, capacities.scratchpad_words, capacities.accumulator_words_per_bank));
  }
  GemminiTiles tiles{.tile_i = std::min(blocks_i, max_tile_i_j),
                     .tile_j = std::min(blocks_j, max_tile_i_j),
                     .tile_k = std::min(blocks_k, max_tile_k)};
  const auto fits = [&](std::int64_t tile_i, std::int64_t tile_j, std::int64_t tile_k) {
    return ScratchpadWords(tile_i, tile_j, tile_k, dim) <= capacities.scratchpad_words &&
           AccumulatorWordsPerBank(tile_i, tile_j, dim) <= capacities.accumulator_words_per_bank;
  };
  // "Fill scratchpad as much as possible": J, then I, then K, one block each per round.
  for (bool increased = true; increased;) {
    increased = false;
    if (tiles.tile_j + 1 <= blocks_j && fits(tiles.tile_i, tiles.tile_j + 1, tiles.tile_k)) {
      ++tiles.tile_j;
      increased = true;
    }
    if (tiles.tile_i + 1 <= blocks_i && fits(tiles.tile_i + 1, tiles.tile_j, tiles.tile_k)) {
      ++tiles.tile_i;
      increased = true;
    }
    if (tiles.tile_k + 1 <= blocks_k && fits(tiles.tile_i, tiles.tile_j, tiles.tile_k + 1)) {
      ++tiles.tile_k;
      increased = true;
    }
  }
  return tiles;
}

GemminiTiles FusionOptimizedGemminiTiles(std::int64_t blocks_j) {
  // tiled_matmul_auto, `act == LAYERNORM || act == SOFTMAX`: tile_I = 1, tile_J = all, tile_K = 1.
  return {.tile_i = 1, .tile_j = blocks_j, .tile_k = 1};
}

mapping::Mapping GemminiScheduleMapping(const mapping::Problem& problem, bool fusion_optimized) {
  const MatmulDims dims = FindMatmulDims(problem);
  const GemminiLevels levels = FindGemminiLevels(problem, dims);
  const std::int64_t dim = levels.dim;
  const std::int64_t rows = problem.dim_size(dims.row);
  const std::int64_t blocks_i = CeilDiv(rows, dim);
  const std::int64_t blocks_j = CeilDiv(problem.dim_size(dims.column), dim);
  const std::int64_t blocks_k = CeilDiv(problem.dim_size(dims.reduction), dim);

  const mapping::LevelTable& scratchpad = problem.level(levels.scratchpad);
  const mapping::LevelTable& accumulator = problem.level(levels.accumulator);
  const bool scratchpad_double = OffersDoubleBuffering(scratchpad);
  bool accumulator_double = OffersDoubleBuffering(accumulator);
  GemminiTiles tiles;
  if (!fusion_optimized) {
    tiles = DefaultGemminiTiles(blocks_i, blocks_j, blocks_k,
                                {.dim = dim,
                                 .scratchpad_words = ScheduleCapacity(scratchpad, scratchpad_double),
                                 .accumulator_words_per_bank = ScheduleCapacity(accumulator, accumulator_double)});
  } else {
    tiles = FusionOptimizedGemminiTiles(blocks_j);
    // Whole rows must sit in the accumulator: in its double-buffered half if they fit there, else
    // in the whole of it (our reading: the software cannot double-buffer a tile larger than half).
    const std::int64_t row_words = AccumulatorWordsPerBank(tiles.tile_i, tiles.tile_j, dim);
    if (row_words > ScheduleCapacity(accumulator, accumulator_double) &&
        (accumulator.buffering & arch::kSingleBuffering) != 0) {
      accumulator_double = false;
    }
    const std::int64_t accumulator_words = ScheduleCapacity(accumulator, accumulator_double);
    const std::int64_t scratchpad_words = ScheduleCapacity(scratchpad, scratchpad_double);
    if (row_words > accumulator_words ||
        ScratchpadWords(tiles.tile_i, tiles.tile_j, tiles.tile_k, dim) > scratchpad_words) {
      Refuse(fmt::format(
          "fusion_optimized: whole rows of op {} ({} × {} output columns) do not fit on {}: a row block needs {} "
          "accumulator words per bank of {} and {} scratchpad words of {}",
          problem.op().name, problem.dim_name(dims.column), problem.dim_size(dims.column), problem.arch().name,
          row_words, accumulator_words, ScratchpadWords(tiles.tile_i, tiles.tile_j, tiles.tile_k, dim),
          scratchpad_words));
    }
  }

  // The tiles over the matrix (tiled_matmul: I0, J0, K0 = ceil(blocks / tile)). Gemmini's last tile
  // of each dim is partial; a loop nest has one factor per loop, so each dim's tiles are balanced
  // instead: the same number of tiles, each ceil(blocks / tiles) blocks (never larger than
  // Gemmini's, so they fit). Rows (m) stream through the array one at a time and Gemmini streams
  // only the real ones (A_rows = DIM − pad_I), so m is split in rows, not blocks; n and k occupy
  // array columns and rows, so they are padded to whole blocks, as on the array.
  const std::int64_t tiles_i = CeilDiv(blocks_i, tiles.tile_i);
  const std::int64_t tiles_j = CeilDiv(blocks_j, tiles.tile_j);
  const std::int64_t tiles_k = CeilDiv(blocks_k, tiles.tile_k);
  const std::int64_t rows_per_tile = CeilDiv(rows, tiles_i);
  const std::int64_t blocks_j_per_tile = CeilDiv(blocks_j, tiles_j);
  const std::int64_t blocks_k_per_tile = CeilDiv(blocks_k, tiles_k);

  mapping::Mapping mapping = mapping::EmptyMapping(problem);
  const auto add_temporal = [&](int level_idx, int loop_dim, std::int64_t factor) {
    if (factor > 1) mapping.level(level_idx).AddTemporal(loop_dim, factor);
  };
  // DRAM: batch dims outermost (one matmul after another), then tiled_matmul's i0, j0, k0.
  for (const int batch_dim : dims.batch) add_temporal(0, batch_dim, problem.dim_size(batch_dim));
  add_temporal(0, dims.row, tiles_i);
  add_temporal(0, dims.column, tiles_j);
  add_temporal(0, dims.reduction, tiles_k);
  // Inside a tile, the weight-stationary loop: k blocks (A and B read from the scratchpad), j blocks
  // (C accumulated per bank), then the tile's rows streamed under one preloaded B block.
  add_temporal(levels.scratchpad, dims.reduction, blocks_k_per_tile);
  mapping.level(levels.scratchpad).AddSpatial(dims.column, dim, mapping::Axis::kX);
  mapping.level(levels.scratchpad).SetDoubleBuffered(scratchpad_double);
  add_temporal(levels.accumulator, dims.column, blocks_j_per_tile);
  mapping.level(levels.accumulator).AddSpatial(dims.reduction, dim, mapping::Axis::kY);
  mapping.level(levels.accumulator).SetDoubleBuffered(accumulator_double);
  add_temporal(levels.weight_reg, dims.row, rows_per_tile);
  return mapping;
}

std::vector<util::ParamSpec> GemminiDefaultSearcher::Params() {
  return {
      {"fusion_optimized", util::ParamType::kBool, 0, 0, 1,
       "survey Sec. 5.5.2's fusion-optimized schedule: one row block, whole output rows in the accumulator"},
  };
}

GemminiDefaultSearcher::GemminiDefaultSearcher(const util::ParamValues& params)
    : fusion_optimized_(params.Bool("fusion_optimized")) {}

SearchResult GemminiDefaultSearcher::Search(const Mapspace& mapspace, const cost::CostModel& cost_model,
                                            const SearchOptions& options) const {
  const mapping::Problem& problem = mapspace.problem();
  const mapping::Mapping mapping = GemminiScheduleMapping(problem, fusion_optimized_);
  SearchOptions one_mapping = options;
  one_mapping.budget = Budget{.max_evaluations = 0, .max_seconds = 0.0, .max_stall_steps = 0};
  one_mapping.threads = 1;
  SearchRun run(mapspace, one_mapping, kName);
  const cost::Cost cost = cost_model.Evaluate(problem, mapping);
  Evaluation evaluation{.feasible = cost.feasible, .violation = cost.check.violation};
  if (cost.feasible) evaluation.objectives = {static_cast<double>(cost.cycles), cost.energy_pj};
  run.EndStep(run.Record(evaluation, mapping));
  run.MarkExhausted();
  return run.Finish();
}

}  // namespace loopfront::search
