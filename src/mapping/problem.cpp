#include "loopfront/mapping/problem.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "loopfront/util/checked.h"
#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/strings.h"

namespace loopfront::mapping {
namespace {

// Iteration spaces (with the pass dim) reaching workload::kMaxIterationPoints are rejected so that
// every product of loop factors fits in int64 with room for the per-instance × instances
// multiplications of the cost models. The workload loaders check the same bound with positions.
constexpr std::int64_t kMaxIterationPoints = workload::kMaxIterationPoints;

arch::DimRole ClassifyDim(bool in_input, bool in_weight, bool in_output) {
  if (in_input && in_weight && in_output) return arch::DimRole::kBatch;
  if (in_output && in_input && !in_weight) return arch::DimRole::kOutputRow;
  if (in_output && in_weight && !in_input) return arch::DimRole::kOutputColumn;
  if (!in_output && in_input && in_weight) return arch::DimRole::kReduction;
  return arch::DimRole::kOther;
}

Rate OptionalRate(const std::optional<double>& words_per_cycle) {
  return words_per_cycle ? RateFromDouble(*words_per_cycle) : Rate{};
}

}  // namespace

std::string_view ToString(Axis axis) { return axis == Axis::kX ? "x" : "y"; }

Rate RateFromDouble(double words_per_cycle) {
  // The loaders keep every bandwidth inside kBandwidthRange (and the host's per-instance share
  // too, arch/loader.cpp); outside it the int64 convergents below could not hold the value.
  if (!util::kBandwidthRange.Contains(words_per_cycle)) {
    throw util::InternalError(fmt::format("RateFromDouble({}) outside {}", util::FormatNumber(words_per_cycle),
                                          util::DescribeRange(util::kBandwidthRange)));
  }
  // Continued-fraction expansion; convergents p/q approach the value from alternating sides.
  // 1e-6 ≥ 1 / 2^30, so every rate of the range has a convergent with q ≤ kMaxDenominator.
  constexpr std::int64_t kMaxDenominator = std::int64_t{1} << 30;
  std::int64_t p_prev = 1, q_prev = 0;  // convergent k-1
  // floor(x) ≤ 1e12 is exact in an int64.
  std::int64_t p = static_cast<std::int64_t>(std::floor(words_per_cycle)), q = 1;
  double remainder = words_per_cycle - std::floor(words_per_cycle);
  while (std::fabs(static_cast<double>(p) / static_cast<double>(q) - words_per_cycle) > 1e-12 * words_per_cycle &&
         remainder > 0.0) {
    const double inverse = 1.0 / remainder;
    // A term above kMaxDenominator gives q_next > kMaxDenominator: stop before converting a
    // value that may not fit an int64.
    if (inverse > static_cast<double>(kMaxDenominator)) break;
    const auto term = static_cast<std::int64_t>(std::floor(inverse));
    remainder = inverse - std::floor(inverse);
    // p ≈ x·q ≤ 1e12 · 2^30 can exceed an int64: an overflowing convergent ends the expansion.
    std::int64_t p_next = 0;
    std::int64_t q_next = 0;
    if (__builtin_mul_overflow(term, p, &p_next) || __builtin_add_overflow(p_next, p_prev, &p_next) ||
        __builtin_mul_overflow(term, q, &q_next) || __builtin_add_overflow(q_next, q_prev, &q_next)) {
      break;
    }
    if (q_next > kMaxDenominator) break;
    p_prev = p;
    q_prev = q;
    p = p_next;
    q = q_next;
  }
  if (p <= 0) {
    // Not reached for rates ≥ 1e-6 (the first convergent of x < 1 is 1 / floor(1/x)); kept so
    // that a rate is never zero.
    return Rate{1, kMaxDenominator};
  }
  return Rate{p, q};
}

std::int64_t CyclesAtRate(std::int64_t words, Rate rate) {
  if (rate.unlimited() || words <= 0) return 0;
  // Whole words per cycle (the common case) need no 128-bit division.
  if (rate.den == 1) return (words + rate.num - 1) / rate.num;
  // words × den can exceed 64 bits (words < 2^63, den ≤ 2^30); GCC's 128-bit integers are exact.
  __extension__ using Wide = unsigned __int128;
  const Wide scaled = static_cast<Wide>(words) * static_cast<Wide>(rate.den);
  const Wide num = static_cast<Wide>(rate.num);
  const Wide cycles = (scaled + num - 1) / num;
  // A slow rate (≥ 1e-6) can make the quotient exceed an int64: saturate, never wrap.
  return cycles > static_cast<Wide>(kSaturatedCount) ? kSaturatedCount : static_cast<std::int64_t>(cycles);
}

Problem Problem::Build(const workload::Op& op, const arch::Architecture& architecture, ProblemOptions options) {
  util::Diagnostics diagnostics;
  auto fail = [&](std::string path, std::string message) {
    diagnostics.Add(
        util::Diagnostic{.file = "", .line = 0, .column = 0, .path = std::move(path), .message = std::move(message)});
  };
  const int op_dims = static_cast<int>(op.dims.size());
  const bool is_vector_op = !op.IsContraction();
  // DESIGN §2.1.1: a multi-pass vector op iterates over an extra `pass` dim.
  const bool has_pass_dim = is_vector_op && op.passes > 1;
  const int num_dims = op_dims + (has_pass_dim ? 1 : 0);
  const int num_tensors = static_cast<int>(op.tensors.size());
  const int num_levels = architecture.num_levels();
  if (op_dims < 1 || num_dims > kMaxDims) {
    fail(fmt::format("op {}", op.name), fmt::format("expected 1 to {} dims{}, got {}", kMaxDims,
                                                    has_pass_dim ? " (with the pass dim)" : "", num_dims));
  }
  if (is_vector_op) {
    if (op.passes < 1 || op.ops_per_element.size() != static_cast<std::size_t>(op.passes)) {
      fail(fmt::format("op {}", op.name), fmt::format("expected passes ≥ 1 and one ops_per_element entry per pass, "
                                                      "got {} passes and {} entries",
                                                      op.passes, op.ops_per_element.size()));
    }
    for (const workload::Dim& dim : op.dims) {
      if (dim.name == kPassDimName) {
        fail(fmt::format("op {}.dims.{}", op.name, dim.name),
             "a vector op may not name a dim 'pass': it is the name of the passes' dim");
      }
    }
  }
  if (num_tensors < 1 || num_tensors > kMaxTensors) {
    fail(fmt::format("op {}", op.name), fmt::format("expected 1 to {} tensors, got {}", kMaxTensors, num_tensors));
  }
  if (num_levels > kMaxLevels) {
    fail(fmt::format("architecture {}", architecture.name),
         fmt::format("expected at most {} storage levels, got {}", kMaxLevels, num_levels));
  }
  for (const std::string& problem : arch::CheckArchitecture(architecture)) {
    fail(fmt::format("architecture {}", architecture.name), problem);
  }
  diagnostics.ThrowIfAny();

  Problem problem;
  problem.op_ = op;
  problem.arch_ = architecture;
  problem.options_ = options;
  problem.num_dims_ = num_dims;
  problem.num_tensors_ = num_tensors;
  problem.num_levels_ = num_levels;
  problem.is_vector_op_ = is_vector_op;
  problem.pass_dim_ = has_pass_dim ? op_dims : -1;
  for (const workload::Dim& dim : op.dims) problem.dim_names_.push_back(dim.name);
  if (has_pass_dim) problem.dim_names_.emplace_back(kPassDimName);

  std::int64_t iteration_points = 1;
  for (int dim = 0; dim < num_dims; ++dim) {
    const std::int64_t size = dim == problem.pass_dim_ ? op.passes : op.dims[dim].size;
    if (size < 1) {
      fail(fmt::format("op {}.dims.{}", op.name, problem.dim_names_[dim]),
           fmt::format("expected a size ≥ 1, got {}", size));
    }
    problem.dim_size_[dim] = size < 1 ? 1 : size;
    if (__builtin_mul_overflow(iteration_points, problem.dim_size_[dim], &iteration_points) ||
        iteration_points >= kMaxIterationPoints) {
      fail(fmt::format("op {}", op.name), "expected fewer than 2^52 iteration points");
      iteration_points = 1;
    }
  }
  problem.iteration_points_ = iteration_points;

  int outputs = 0;
  for (int tensor = 0; tensor < num_tensors; ++tensor) {
    const workload::Tensor& spec = op.tensors[tensor];
    problem.tensor_role_[tensor] = spec.role;
    if (spec.role == workload::TensorRole::kOutput) {
      ++outputs;
      problem.output_tensor_ = tensor;
    }
    DimMask dims = 0;
    std::int64_t size = 1;
    for (const int dim : spec.dims) {
      if (dim < 0 || dim >= op_dims) {
        fail(fmt::format("op {}.tensors.{}", op.name, spec.name), fmt::format("dim index {} out of range", dim));
        continue;
      }
      if ((dims & (1u << dim)) != 0) {
        fail(fmt::format("op {}.tensors.{}", op.name, spec.name),
             fmt::format("expected each dim once, got '{}' twice", op.dims[dim].name));
      }
      dims = static_cast<DimMask>(dims | (1u << dim));
      size *= problem.dim_size_[dim];
      problem.dim_tensors_[dim] = static_cast<TensorMask>(problem.dim_tensors_[dim] | (1u << tensor));
    }
    if (spec.IsAffine()) {
      // Rule 1: an affine index spans Σ coef × (size_D − 1) + 1 positions (the bounding box).
      size = 1;
      AffineTable& table = problem.affine_[tensor];
      const bool fits = static_cast<int>(spec.affine_indices.size()) <= kMaxDims &&
                        std::all_of(spec.affine_indices.begin(), spec.affine_indices.end(),
                                    [](const auto& index) { return index.size() <= kMaxIndexTerms; });
      if (!fits || spec.role == workload::TensorRole::kOutput || is_vector_op) {
        fail(fmt::format("op {}.tensors.{}", op.name, spec.name),
             fmt::format("expected affine indices on a contraction's input or weight, at most {} indices of at most {} "
                         "terms",
                         kMaxDims, kMaxIndexTerms));
        continue;
      }
      table.num_indices = static_cast<int>(spec.affine_indices.size());
      for (int index = 0; index < table.num_indices; ++index) {
        IndexTable& entry = table.indices[index];
        std::int64_t extent = 1;
        for (const workload::IndexTerm& term : spec.affine_indices[index]) {
          if (term.dim < 0 || term.dim >= op_dims || term.coefficient < 1 || term.coefficient > workload::kMaxCoefficient) {
            fail(fmt::format("op {}.tensors.{}", op.name, spec.name),
                 fmt::format("expected terms over the op's dims with coefficients in 1..2^20, got dim #{} × {}",
                             term.dim, term.coefficient));
            continue;
          }
          entry.dims[entry.num_terms] = static_cast<std::int8_t>(term.dim);
          entry.coefficients[entry.num_terms] = term.coefficient;
          ++entry.num_terms;
          // coefficient ≤ 2^20 times a size ≤ 2^52 can leave an int64: checked, never wrapped.
          const std::optional<std::int64_t> span =
              util::CheckedMul(term.coefficient, problem.dim_size_[term.dim] - 1);
          const std::optional<std::int64_t> sum = span ? util::CheckedAdd(extent, *span) : std::nullopt;
          extent = sum.value_or(kMaxIterationPoints + 1);
        }
        const std::optional<std::int64_t> product = util::CheckedMul(size, extent);
        size = product.value_or(kMaxIterationPoints + 1);
        if (size > kMaxIterationPoints) {
          fail(fmt::format("op {}.tensors.{}", op.name, spec.name),
               "expected at most 2^52 elements in the tensor's affine bounding box");
          size = 1;
          break;
        }
      }
      problem.affine_tensors_ = static_cast<TensorMask>(problem.affine_tensors_ | (1u << tensor));
    }
    problem.tensor_dims_[tensor] = dims;
    problem.tensor_size_[tensor] = size;
  }
  if (outputs != 1)
    fail(fmt::format("op {}", op.name), fmt::format("expected exactly one output tensor, got {}", outputs));

  for (int dim = 0; dim < num_dims; ++dim) {
    bool in_role[3] = {false, false, false};
    for (int tensor = 0; tensor < num_tensors; ++tensor) {
      if ((problem.tensor_dims_[tensor] & (1u << dim)) != 0)
        in_role[static_cast<int>(problem.tensor_role_[tensor])] = true;
    }
    // Every dim of a vector op is `other` (arch/architecture.h), so that an architecture states
    // separately where matmul dims and vector-op dims may be unrolled.
    problem.dim_role_[dim] = is_vector_op ? arch::DimRole::kOther : ClassifyDim(in_role[0], in_role[1], in_role[2]);
  }
  diagnostics.ThrowIfAny();

  for (int level_idx = 0; level_idx < num_levels; ++level_idx) {
    const arch::StorageLevel& spec = architecture.levels[level_idx];
    LevelTable& table = problem.levels_[level_idx];
    // Rule 1 of shared/validation/README.md: usable capacity = floor(capacity / multiple_buffering).
    table.usable_capacity_words =
        spec.capacity_words
            ? static_cast<std::int64_t>(std::floor(static_cast<double>(*spec.capacity_words) / spec.multiple_buffering))
            : kUnboundedCapacity;
    table.buffering = spec.buffering;
    if ((spec.buffering & arch::kDoubleBuffering) != 0 && spec.capacity_words) {
      table.double_buffered_capacity_words = *spec.capacity_words / 2;
    }
    table.vector_words = spec.vector_words;
    table.instances = spec.instances;
    table.fanout = {architecture.FanoutX(level_idx), architecture.FanoutY(level_idx)};
    table.read_bandwidth = OptionalRate(spec.read_bandwidth_words_per_cycle);
    table.write_bandwidth = OptionalRate(spec.write_bandwidth_words_per_cycle);
    table.shared_bandwidth = OptionalRate(spec.shared_bandwidth_words_per_cycle);
    table.read_pj = spec.energy_per_access.read_pj;
    table.write_pj = spec.energy_per_access.write_pj;
    table.update_pj = spec.energy_per_access.update_pj;
    // What the cost models would otherwise re-derive per evaluation (LevelTable::vector_shift and
    // timeloop_bandwidth; cost_models/dataflow rules 8 and 9).
    const bool power_of_two = std::has_single_bit(static_cast<std::uint64_t>(table.vector_words));
    table.vector_shift = power_of_two ? std::countr_zero(static_cast<std::uint64_t>(table.vector_words)) : -1;
    table.timeloop_bandwidth =
        !is_vector_op && table.buffering == 0 &&
        !(table.read_bandwidth.unlimited() && table.write_bandwidth.unlimited() && table.shared_bandwidth.unlimited());
    for (int tensor = 0; tensor < num_tensors; ++tensor) {
      if ((spec.keeps_roles & arch::RoleBit(problem.tensor_role_[tensor])) != 0) {
        table.may_keep = static_cast<TensorMask>(table.may_keep | (1u << tensor));
      }
      // Required keeps bind contractions only, and below the outermost level (which keeps every
      // off-chip tensor anyway).
      if (!is_vector_op && level_idx > 0 && (spec.required_roles & arch::RoleBit(problem.tensor_role_[tensor])) != 0) {
        table.must_keep = static_cast<TensorMask>(table.must_keep | (1u << tensor));
      }
    }
    table.must_keep = static_cast<TensorMask>(table.must_keep & table.may_keep);
    for (int dim = 0; dim < num_dims; ++dim) {
      // Passes depend on each other (a softmax normalizes with the sum of the previous pass), so
      // they are never unrolled spatially.
      if (dim == problem.pass_dim_) continue;
      const arch::DimRoleMask role_bit = arch::DimRoleBit(problem.dim_role_[dim]);
      if ((spec.spatial_x_dim_roles & role_bit) != 0) table.spatial_dims[0] |= static_cast<DimMask>(1u << dim);
      if ((spec.spatial_y_dim_roles & role_bit) != 0) table.spatial_dims[1] |= static_cast<DimMask>(1u << dim);
    }
  }
  if (op.accumulator_bits) {
    // Precision: bits per element must be positive to count words (CheckOp bounds them for ops).
    if (*op.accumulator_bits < 1) {
      fail(fmt::format("op {}.accumulator_bits", op.name), fmt::format("expected ≥ 1, got {}", *op.accumulator_bits));
    }
    for (const workload::Tensor& spec : op.tensors) {
      if (spec.word_bits < 1) {
        fail(fmt::format("op {}.tensors.{}.word_bits", op.name, spec.name),
             fmt::format("expected ≥ 1, got {}", spec.word_bits));
      }
    }
    diagnostics.ThrowIfAny();
    problem.SetUpPacking();
  }
  problem.compute_level_ = num_levels - 1;
  if (is_vector_op) problem.SetUpVectorEngine();
  problem.mac_energy_pj_ = architecture.mac.energy_pj_per_mac;
  problem.mac_instances_ = architecture.mac.instances;
  problem.fill_latency_cycles_ = architecture.mac.fill_latency_cycles;
  problem.static_energy_pj_per_cycle_ =
      architecture.clock_ghz ? architecture.static_power_mw / *architecture.clock_ghz : 0.0;
  return problem;
}

void Problem::SetUpPacking() {
  // DESIGN §2.5, precision: a tensor's element at a level takes bits / word_bits words of it.
  packed_ = true;
  for (int level_idx = 0; level_idx < num_levels_; ++level_idx) {
    const std::int64_t word_bits = arch_.levels[level_idx].word_bits;
    for (int tensor = 0; tensor < num_tensors_; ++tensor) {
      // Below the outermost level a contraction's output is a partial sum; the outermost level
      // receives the final value, requantized to the tensor's word_bits.
      const bool partial_sums = !is_vector_op_ && tensor == output_tensor_ && level_idx > 0;
      const std::int64_t bits = partial_sums ? *op_.accumulator_bits : op_.tensors[tensor].word_bits;
      const std::int64_t divisor = std::gcd(bits, word_bits);
      packing_[level_idx][tensor] = Packing{.num = bits / divisor, .den = word_bits / divisor};
    }
  }
}

void Problem::SetUpVectorEngine() {
  compute_level_ = -1;
  double ops_per_element = 0.0;
  for (const double ops : op_.ops_per_element) ops_per_element += ops;
  std::int64_t lanes_per_instance = 1;
  if (arch_.vector_unit) {
    const arch::VectorUnit& unit = *arch_.vector_unit;
    compute_level_ = arch_.LevelIndex(unit.reads_level);
    vector_lanes_ = unit.lanes;
    // One operation per lane and cycle.
    vector_ops_per_element_ = ops_per_element;
    vector_cycles_per_element_ = ops_per_element;
    vector_ops_per_cycle_per_lane_ = 1.0;
    vector_energy_pj_per_element_ = ops_per_element * unit.energy_pj_per_op;
    // The lanes are spread evenly over the instances of the level they read (Gemmini with
    // I-BERT units: 16 lanes over 16 accumulator banks, one lane each).
    lanes_per_instance = std::max<std::int64_t>(1, unit.lanes / levels_[compute_level_].instances);
  } else if (arch_.host) {
    compute_level_ = arch_.LevelIndex(arch_.host->reads_level);
    vector_lanes_ = 1;
    SetUpHost(*arch_.host, ops_per_element);
  }
  if (compute_level_ < 0) return;
  // The engine reads and writes every tensor of the op at its level, whatever the roles the level
  // keeps for contractions (the accumulator holds a softmax's input); inner levels hold nothing.
  LevelTable& table = levels_[compute_level_];
  table.fanout = {lanes_per_instance, 1};
  table.may_keep = all_tensors();
  table.spatial_dims = {0, 0};
  for (int dim = 0; dim < num_dims_; ++dim) {
    if (dim != pass_dim_) table.spatial_dims[0] |= static_cast<DimMask>(1u << dim);
  }
  for (int level_idx = compute_level_ + 1; level_idx < num_levels_; ++level_idx) {
    levels_[level_idx].may_keep = 0;
    levels_[level_idx].spatial_dims = {0, 0};
  }
}

void Problem::SetUpHost(const arch::Host& host, double ops_per_element) {
  // DESIGN §2.1.1: a floating-point host dequantizes every element it reads and quantizes every
  // element it writes, once per element (not once per pass: the values then stay in the core's
  // registers and cache, an assumption). Counted per output element: a tensor read contributes
  // its elements / the output's (1 for every op loopfront builds).
  double read_elements = 0.0;
  const double output_elements = static_cast<double>(tensor_size_[output_tensor_]);
  for (int tensor = 0; tensor < num_tensors_; ++tensor) {
    if (tensor != output_tensor_) read_elements += static_cast<double>(tensor_size_[tensor]) / output_elements;
  }
  const double write_elements = 1.0;
  double op_cycles = 0.0;
  double op_energy_pj = 0.0;
  double dequantize_cycles = 0.0;
  double dequantize_energy_pj = 0.0;
  double quantize_cycles = 0.0;
  double quantize_energy_pj = 0.0;
  if (!host.functions) {
    // The generic price: one operation per element of every tensor for de/quantization.
    const double dequantize_ops = host.floating_point ? read_elements : 0.0;
    const double quantize_ops = host.floating_point ? write_elements : 0.0;
    vector_ops_per_element_ = ops_per_element + dequantize_ops + quantize_ops;
    vector_ops_per_cycle_per_lane_ = host.ops_per_cycle;
    op_cycles = ops_per_element / host.ops_per_cycle;
    dequantize_cycles = dequantize_ops / host.ops_per_cycle;
    quantize_cycles = quantize_ops / host.ops_per_cycle;
    vector_cycles_per_element_ = vector_ops_per_element_ / host.ops_per_cycle;
    vector_energy_pj_per_element_ = vector_ops_per_element_ * host.energy_pj_per_op;
    op_energy_pj = ops_per_element * host.energy_pj_per_op;
    dequantize_energy_pj = dequantize_ops * host.energy_pj_per_op;
    quantize_energy_pj = quantize_ops * host.energy_pj_per_op;
  } else {
    using workload::MathFunction;
    const arch::HostFunctionTable& table = *host.functions;
    const auto cost = [&](MathFunction function) { return table[static_cast<int>(function)]; };
    for (const workload::FunctionMix& mix : workload::ResolvedFunctions(op_)) {
      for (int function = 0; function < workload::kNumMathFunctions; ++function) {
        op_cycles += mix[function] * table[function].cycles_per_element;
        op_energy_pj += mix[function] * table[function].energy_pj_per_element;
      }
    }
    double dequantize_ops = 0.0;
    double quantize_ops = 0.0;
    if (host.floating_point) {
      // docs/architectures.md, "host": dequantize = int->float convert + multiply by the scale;
      // quantize = multiply by 1/scale + float->int convert (rounding) + clamp to the integer
      // range (two compare-and-selects).
      const arch::HostFunctionCost convert = cost(MathFunction::kConvert);
      const arch::HostFunctionCost mul = cost(MathFunction::kMul);
      const arch::HostFunctionCost max = cost(MathFunction::kMax);
      dequantize_ops = 2.0 * read_elements;
      dequantize_cycles = read_elements * (convert.cycles_per_element + mul.cycles_per_element);
      dequantize_energy_pj = read_elements * (convert.energy_pj_per_element + mul.energy_pj_per_element);
      quantize_ops = 4.0 * write_elements;
      quantize_cycles =
          write_elements * (mul.cycles_per_element + convert.cycles_per_element + 2.0 * max.cycles_per_element);
      quantize_energy_pj = write_elements * (mul.energy_pj_per_element + convert.energy_pj_per_element +
                                             2.0 * max.energy_pj_per_element);
    }
    vector_ops_per_element_ = ops_per_element + dequantize_ops + quantize_ops;
    vector_cycles_per_element_ = op_cycles + dequantize_cycles + quantize_cycles;
    vector_energy_pj_per_element_ = op_energy_pj + dequantize_energy_pj + quantize_energy_pj;
    vector_ops_per_cycle_per_lane_ =
        vector_cycles_per_element_ > 0.0 ? vector_ops_per_element_ / vector_cycles_per_element_ : 1.0;
  }
  const double total_cycles = op_cycles + dequantize_cycles + quantize_cycles;
  const double total_energy_pj = op_energy_pj + dequantize_energy_pj + quantize_energy_pj;
  dequantize_cycle_share_ = total_cycles > 0.0 ? dequantize_cycles / total_cycles : 0.0;
  quantize_cycle_share_ = total_cycles > 0.0 ? quantize_cycles / total_cycles : 0.0;
  dequantize_energy_share_ = total_energy_pj > 0.0 ? dequantize_energy_pj / total_energy_pj : 0.0;
  quantize_energy_share_ = total_energy_pj > 0.0 ? quantize_energy_pj / total_energy_pj : 0.0;

  // The host's memory path: its traffic at its level moves at most bandwidth_bytes_per_cycle,
  // spread over the level's instances (bandwidths are per instance).
  if (host.bandwidth_bytes_per_cycle && compute_level_ >= 0) {
    const arch::StorageLevel& level = arch_.levels[compute_level_];
    const double cap_words_per_cycle = *host.bandwidth_bytes_per_cycle * 8.0 / static_cast<double>(level.word_bits) /
                                       static_cast<double>(level.instances);
    if (!level.shared_bandwidth_words_per_cycle || cap_words_per_cycle < *level.shared_bandwidth_words_per_cycle) {
      levels_[compute_level_].shared_bandwidth = RateFromDouble(cap_words_per_cycle);
    }
  }
}

int Problem::DimIndex(std::string_view name) const {
  for (int dim = 0; dim < num_dims_; ++dim) {
    if (dim_names_[dim] == name) return dim;
  }
  return -1;
}

int Problem::TensorIndex(std::string_view name) const {
  for (int tensor = 0; tensor < num_tensors_; ++tensor) {
    if (op_.tensors[tensor].name == name) return tensor;
  }
  return -1;
}

}  // namespace loopfront::mapping
