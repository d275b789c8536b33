#include "loopfront/workload/op.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <numeric>
#include <set>
#include <utility>

#include "loopfront/util/checked.h"
#include "loopfront/util/error.h"
#include "loopfront/util/ranges.h"

namespace loopfront::workload {
namespace {

constexpr int kMaxWordBits = 64;

constexpr std::array<std::pair<OpKind, std::string_view>, 12> kKindNames = {{
    {OpKind::kContraction, "contraction"},
    {OpKind::kSoftmax, "softmax"},
    {OpKind::kLayerNorm, "layernorm"},
    {OpKind::kRmsNorm, "rmsnorm"},
    {OpKind::kGelu, "gelu"},
    {OpKind::kSilu, "silu"},
    {OpKind::kMul, "mul"},
    {OpKind::kAdd, "add"},
    {OpKind::kScale, "scale"},
    {OpKind::kRope, "rope"},
    {OpKind::kGather, "gather"},
    {OpKind::kTopK, "topk"},
}};

constexpr std::array<std::pair<MathFunction, std::string_view>, kNumMathFunctions> kFunctionNames = {{
    {MathFunction::kAdd, "add"},
    {MathFunction::kMul, "mul"},
    {MathFunction::kMax, "max"},
    {MathFunction::kDiv, "div"},
    {MathFunction::kSqrt, "sqrt"},
    {MathFunction::kExp, "exp"},
    {MathFunction::kErf, "erf"},
    {MathFunction::kTanh, "tanh"},
    {MathFunction::kConvert, "convert"},
}};

// A function mix from (function, count) pairs; the others are 0.
FunctionMix Mix(std::initializer_list<std::pair<MathFunction, double>> counts) {
  FunctionMix mix{};
  for (const auto& [function, count] : counts) mix[static_cast<int>(function)] += count;
  return mix;
}

constexpr std::array<std::pair<TensorRole, std::string_view>, 3> kRoleNames = {{
    {TensorRole::kInput, "input"},
    {TensorRole::kWeight, "weight"},
    {TensorRole::kOutput, "output"},
}};

constexpr std::array<std::pair<OpClass, std::string_view>, 7> kClassNames = {{
    {OpClass::kMhaProjection, "mha_projection"},
    {OpClass::kMhaActToAct, "mha_act_to_act"},
    {OpClass::kFfnProjection, "ffn_projection"},
    {OpClass::kOther, "other"},
    {OpClass::kEmbedding, "embedding"},
    {OpClass::kLmHead, "lm_head"},
    {OpClass::kMoeRouter, "moe_router"},
}};

constexpr std::array<std::pair<TensorData, std::string_view>, 3> kDataNames = {{
    {TensorData::kActivation, "activation"},
    {TensorData::kParameter, "parameter"},
    {TensorData::kKvCache, "kv_cache"},
}};

template <typename Enum, std::size_t kSize>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, kSize>& table, Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  throw util::InternalError("enum value without a name");
}

template <typename Enum, std::size_t kSize>
std::optional<Enum> ValueOf(const std::array<std::pair<Enum, std::string_view>, kSize>& table, std::string_view text) {
  for (const auto& [entry, name] : table) {
    if (name == text) return entry;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t kSize>
std::vector<std::string> NamesOf(const std::array<std::pair<Enum, std::string_view>, kSize>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

// Product of the sizes of `dim_indices`, or nullopt if it reaches kMaxIterationPoints.
std::optional<std::int64_t> CheckedProduct(const Op& op, const std::vector<int>& dim_indices) {
  std::int64_t product = 1;
  for (const int dim : dim_indices) {
    const std::int64_t size = op.dims.at(static_cast<std::size_t>(dim)).size;
    if (size <= 0 || product > (kMaxIterationPoints - 1) / size) return std::nullopt;
    product *= size;
  }
  return product;
}

// Product of the extents Σ coefficient × (size − 1) + 1 of an affine tensor's indices (validation
// README, "Tensor indices"), or nullopt if it reaches kMaxIterationPoints.
std::optional<std::int64_t> CheckedAffineProduct(const Op& op, const Tensor& tensor) {
  std::int64_t product = 1;
  for (const std::vector<IndexTerm>& index : tensor.affine_indices) {
    std::int64_t extent = 1;
    for (const IndexTerm& term : index) {
      const std::int64_t size = op.dims.at(static_cast<std::size_t>(term.dim)).size;
      if (size <= 0 || term.coefficient <= 0 || term.coefficient > kMaxIterationPoints / size) return std::nullopt;
      extent += term.coefficient * (size - 1);
      if (extent >= kMaxIterationPoints) return std::nullopt;
    }
    if (product > (kMaxIterationPoints - 1) / extent) return std::nullopt;
    product *= extent;
  }
  return product;
}

std::vector<int> AllDims(const Op& op) {
  std::vector<int> dims(op.dims.size());
  std::iota(dims.begin(), dims.end(), 0);
  return dims;
}

}  // namespace

int Op::DimIndex(std::string_view dim_name) const {
  for (std::size_t index = 0; index < dims.size(); ++index) {
    if (dims[index].name == dim_name) return static_cast<int>(index);
  }
  return -1;
}

std::int64_t Op::DimSize(std::string_view dim_name) const {
  const int index = DimIndex(dim_name);
  if (index < 0) throw util::InternalError(fmt::format("op '{}' has no dim '{}'", name, dim_name));
  return dims[static_cast<std::size_t>(index)].size;
}

const Tensor& Op::Output() const {
  for (const Tensor& tensor : tensors) {
    if (tensor.role == TensorRole::kOutput) return tensor;
  }
  throw util::InternalError(fmt::format("op '{}' has no output tensor", name));
}

const Tensor* Op::FindTensor(std::string_view tensor_name) const {
  for (const Tensor& tensor : tensors) {
    if (tensor.name == tensor_name) return &tensor;
  }
  return nullptr;
}

std::int64_t Op::IterationPoints() const {
  const std::optional<std::int64_t> points = CheckedProduct(*this, AllDims(*this));
  if (!points) throw util::InternalError(fmt::format("op '{}': iteration space out of range", name));
  return *points;
}

std::int64_t Op::TensorElements(const Tensor& tensor) const {
  const std::optional<std::int64_t> elements =
      tensor.IsAffine() ? CheckedAffineProduct(*this, tensor) : CheckedProduct(*this, tensor.dims);
  if (!elements) throw util::InternalError(fmt::format("op '{}': tensor '{}' out of range", name, tensor.name));
  return *elements;
}

std::int64_t Op::Macs() const { return IsContraction() ? IterationPoints() : 0; }

double Op::Flops() const {
  // Survey Sec. 2.2: a MAC is 2 FLOPs. Vector ops: DESIGN §2.1.1, elements × Σ ops per pass.
  if (IsContraction()) return 2.0 * static_cast<double>(Macs());
  const double ops_per_point = std::accumulate(ops_per_element.begin(), ops_per_element.end(), 0.0);
  return static_cast<double>(TensorElements(Output())) * ops_per_point;
}

std::int64_t Op::IdealBits() const {
  std::int64_t bits = 0;
  for (const Tensor& tensor : tensors) bits += TensorElements(tensor) * tensor.word_bits;
  return bits;
}

double Op::IdealBytes() const { return static_cast<double>(IdealBits()) / 8.0; }

std::vector<std::string> CheckOp(const Op& op) {
  std::vector<std::string> problems;
  auto problem = [&](std::string message) { problems.push_back(fmt::format("op '{}': {}", op.name, message)); };

  if (op.name.empty()) problem("has an empty name");
  if (op.dims.empty()) problem("has no dims");
  std::set<std::string> dim_names;
  for (const Dim& dim : op.dims) {
    if (dim.name.empty()) problem("has a dim with an empty name");
    if (!dim_names.insert(dim.name).second) problem(fmt::format("dim '{}' appears twice", dim.name));
    if (dim.size <= 0) problem(fmt::format("dim '{}' has non-positive size {}", dim.name, dim.size));
  }
  const bool has_pass_dim = !op.IsContraction() && op.passes > 1;
  const std::size_t mapped_dims = op.dims.size() + (has_pass_dim ? 1 : 0);
  if (mapped_dims > static_cast<std::size_t>(kMaxOpDims)) {
    problem(fmt::format("has {} dims{}, more than {}", mapped_dims, has_pass_dim ? " with the pass dim" : "",
                        kMaxOpDims));
  }
  if (op.tensors.size() > static_cast<std::size_t>(kMaxOpTensors)) {
    problem(fmt::format("has {} tensors, more than {}", op.tensors.size(), kMaxOpTensors));
  }
  if (!op.IsContraction() && op.DimIndex(kPassDimName) >= 0) {
    problem(fmt::format("a vector op may not name a dim '{}' (the name of its passes' dim)", kPassDimName));
  }
  if (!problems.empty()) return problems;  // sizes and indices below assume valid dims
  const std::optional<std::int64_t> points = CheckedProduct(op, AllDims(op));
  const std::optional<std::int64_t> mapped_points =
      points ? util::CheckedMul(*points, has_pass_dim ? op.passes : 1) : std::nullopt;
  if (!mapped_points || *mapped_points >= kMaxIterationPoints) {
    problem(fmt::format("iteration space{} reaches 2^52 points", has_pass_dim ? " with its passes" : ""));
  }
  if (!util::kCountRange.Contains(op.count)) {
    problem(fmt::format("count: {}", util::OutOfRangeMessage(util::kCountRange, op.count)));
  } else if (points && !util::CheckedMul(*points, op.count)) {
    problem(fmt::format("count {} × {} iteration points exceeds 2^63", op.count, *points));
  }

  std::set<std::string> tensor_names;
  std::vector<bool> dim_used(op.dims.size(), false);
  int outputs = 0;
  int non_outputs = 0;
  for (const Tensor& tensor : op.tensors) {
    if (tensor.name.empty()) problem("has a tensor with an empty name");
    if (!tensor_names.insert(tensor.name).second) problem(fmt::format("tensor '{}' appears twice", tensor.name));
    if (tensor.word_bits <= 0 || tensor.word_bits > kMaxWordBits) {
      problem(fmt::format("tensor '{}' has word_bits {} outside 1..{}", tensor.name, tensor.word_bits, kMaxWordBits));
    }
    std::set<int> seen;
    for (const int dim : tensor.dims) {
      if (dim < 0 || static_cast<std::size_t>(dim) >= op.dims.size()) {
        problem(fmt::format("tensor '{}' indexes dim #{} of {}", tensor.name, dim, op.dims.size()));
        continue;
      }
      if (!seen.insert(dim).second)
        problem(fmt::format("tensor '{}' repeats dim '{}'", tensor.name, op.dims[dim].name));
      dim_used[static_cast<std::size_t>(dim)] = true;
    }
    if (tensor.IsAffine()) {
      std::vector<int> term_dims;
      bool terms_valid = true;
      for (const std::vector<IndexTerm>& index : tensor.affine_indices) {
        if (index.empty()) problem(fmt::format("tensor '{}' has an affine index without terms", tensor.name));
        for (const IndexTerm& term : index) {
          term_dims.push_back(term.dim);
          if (term.coefficient < 1 || term.coefficient > kMaxCoefficient) {
            problem(fmt::format("tensor '{}' has a coefficient {} outside [1, {}]", tensor.name, term.coefficient,
                                kMaxCoefficient));
            terms_valid = false;
          }
        }
        if (index.size() > static_cast<std::size_t>(kMaxIndexTerms)) {
          problem(fmt::format("tensor '{}' has an affine index of {} terms, more than {}", tensor.name, index.size(),
                              kMaxIndexTerms));
        }
      }
      if (term_dims != tensor.dims) {
        problem(fmt::format("tensor '{}': its dims are not the dims of its affine indices", tensor.name));
      } else if (terms_valid && seen.size() == tensor.dims.size() && !CheckedAffineProduct(op, tensor)) {
        problem(fmt::format("tensor '{}' reaches 2^52 elements", tensor.name));
      }
      // Timeloop's sliding-window rules (validation README, rules 1, 4a, 5a, 5b) are written and
      // checked for read-only tensors of contractions only.
      if (tensor.role == TensorRole::kOutput) {
        problem(fmt::format("the output '{}' has affine indices, which are not supported", tensor.name));
      }
      if (!op.IsContraction()) problem(fmt::format("tensor '{}': only contractions may have affine indices", tensor.name));
    }
    if (tensor.role == TensorRole::kOutput) {
      ++outputs;
      if (!op.IsContraction() && seen.size() != op.dims.size()) {
        problem(fmt::format("the output '{}' of a vector op must index every dim", tensor.name));
      }
    } else {
      ++non_outputs;
    }
  }
  if (outputs != 1) problem(fmt::format("has {} output tensors, expected exactly 1", outputs));
  if (non_outputs == 0) problem("reads no tensor");
  for (std::size_t dim = 0; dim < op.dims.size(); ++dim) {
    if (!dim_used[dim]) problem(fmt::format("dim '{}' is indexed by no tensor", op.dims[dim].name));
  }

  if (op.IsContraction()) {
    if (op.passes != 1 || !op.ops_per_element.empty() || !op.functions.empty() || op.reduced_dim) {
      problem("a contraction has no passes, ops_per_element, functions or reduced_dim");
    }
  } else {
    if (op.passes < 1) problem(fmt::format("passes {} < 1", op.passes));
    if (op.ops_per_element.size() != static_cast<std::size_t>(std::max(op.passes, 0))) {
      problem(fmt::format("{} passes but {} ops_per_element entries", op.passes, op.ops_per_element.size()));
    }
    for (const double ops : op.ops_per_element) {
      if (!(ops >= 0)) problem("negative ops_per_element");
    }
    if (!op.functions.empty() && op.functions.size() != static_cast<std::size_t>(std::max(op.passes, 0))) {
      problem(fmt::format("{} passes but {} functions entries", op.passes, op.functions.size()));
    }
    for (const FunctionMix& mix : op.functions) {
      if (!std::all_of(mix.begin(), mix.end(), [](double count) { return count >= 0; })) {
        problem("negative function count");
      }
    }
    if (op.reduced_dim && (*op.reduced_dim < 0 || static_cast<std::size_t>(*op.reduced_dim) >= op.dims.size())) {
      problem(fmt::format("reduced_dim #{} out of range", *op.reduced_dim));
    }
  }
  return problems;
}

std::string_view ToString(TensorRole role) { return NameOf(kRoleNames, role); }
std::string_view ToString(OpKind kind) { return NameOf(kKindNames, kind); }
std::string_view ToString(OpClass op_class) { return NameOf(kClassNames, op_class); }
std::optional<OpKind> ParseOpKind(std::string_view text) { return ValueOf(kKindNames, text); }
std::optional<TensorRole> ParseTensorRole(std::string_view text) { return ValueOf(kRoleNames, text); }
std::optional<OpClass> ParseOpClass(std::string_view text) { return ValueOf(kClassNames, text); }
std::string_view ToString(TensorData data) { return NameOf(kDataNames, data); }
std::optional<TensorData> ParseTensorData(std::string_view text) { return ValueOf(kDataNames, text); }
std::vector<std::string> TensorDataNames() { return NamesOf(kDataNames); }
std::vector<std::string> OpKindNames() { return NamesOf(kKindNames); }
std::vector<std::string> TensorRoleNames() { return NamesOf(kRoleNames); }
std::vector<std::string> OpClassNames() { return NamesOf(kClassNames); }
std::string_view ToString(MathFunction function) { return NameOf(kFunctionNames, function); }
std::optional<MathFunction> ParseMathFunction(std::string_view text) { return ValueOf(kFunctionNames, text); }
std::vector<std::string> MathFunctionNames() { return NamesOf(kFunctionNames); }

Op MakeConvolution(const ConvolutionShape& shape) {
  Op op;
  op.name = shape.name;
  op.kind = OpKind::kContraction;
  op.op_class = shape.op_class;
  const bool depthwise = shape.groups > 0;
  if (depthwise) {
    op.dims = {{"n", shape.n}, {"g", shape.groups}, {"p", shape.p}, {"q", shape.q}, {"r", shape.r}, {"s", shape.s}};
  } else {
    op.dims = {{"n", shape.n}, {"c", shape.c}, {"m", shape.m}, {"p", shape.p},
               {"q", shape.q}, {"r", shape.r}, {"s", shape.s}};
  }
  const auto dim = [&](std::string_view name) { return op.DimIndex(name); };
  const int channel_in = dim(depthwise ? "g" : "c");
  const int channel_out = dim(depthwise ? "g" : "m");
  // Timeloop's conv projection: W = R·Wdilation + P·Wstride, H = S·Hdilation + Q·Hstride.
  const std::vector<std::vector<IndexTerm>> input_indices = {
      {{.dim = dim("n")}},
      {{.dim = channel_in}},
      {{.dim = dim("r"), .coefficient = shape.dilation_w, .coefficient_name = "Wdilation"},
       {.dim = dim("p"), .coefficient = shape.stride_w, .coefficient_name = "Wstride"}},
      {{.dim = dim("s"), .coefficient = shape.dilation_h, .coefficient_name = "Hdilation"},
       {.dim = dim("q"), .coefficient = shape.stride_h, .coefficient_name = "Hstride"}}};
  Tensor input{.name = shape.input_name, .role = TensorRole::kInput, .dims = {}, .word_bits = shape.bits,
               .affine_indices = input_indices};
  for (const std::vector<IndexTerm>& index : input_indices) {
    for (const IndexTerm& term : index) input.dims.push_back(term.dim);
  }
  Tensor weight{.name = shape.weight_name, .role = TensorRole::kWeight, .dims = {}, .word_bits = shape.bits};
  weight.dims = depthwise ? std::vector<int>{channel_in, dim("r"), dim("s")}
                          : std::vector<int>{channel_out, channel_in, dim("r"), dim("s")};
  Tensor output{.name = shape.output_name, .role = TensorRole::kOutput, .dims = {dim("n"), channel_out, dim("p"), dim("q")},
                .word_bits = shape.bits};
  op.tensors = {std::move(input), std::move(weight), std::move(output)};
  return op;
}

VectorOpProfile DefaultVectorProfile(OpKind kind) {
  // Counting convention (docs/workloads.md, "Vector ops"): each arithmetic operation and each
  // special function (exp, erf, division) is one operation per element. Per-row work (the
  // reciprocal of the softmax sum, the rsqrt of LayerNorm's variance) is O(rows), below one
  // operation per row length, and not counted. The function mixes name those operations.
  using enum MathFunction;
  switch (kind) {
    case OpKind::kContraction:
      return {.passes = 1, .ops_per_element = {}, .functions = {}};
    case OpKind::kSoftmax:
      // The numerically stable softmax (the form of PyTorch's and ONNX Runtime's CPU kernels):
      // max: compare; exp-sum: x - max, exp, accumulate; normalize: multiply by the row's 1/sum
      // (one reciprocal per row, not counted).
      return {.passes = 3,
              .ops_per_element = {1, 3, 1},
              .functions = {Mix({{kMax, 1}}), Mix({{kAdd, 2}, {kExp, 1}}), Mix({{kMul, 1}})}};
    case OpKind::kLayerNorm:
      // mean: accumulate; variance: subtract, square, accumulate; normalize: subtract mean,
      // multiply by 1/sqrt(var + eps) (one sqrt and one division per row, not counted), multiply
      // by gamma, add beta.
      return {.passes = 3,
              .ops_per_element = {1, 3, 4},
              .functions = {Mix({{kAdd, 1}}), Mix({{kAdd, 2}, {kMul, 1}}), Mix({{kAdd, 2}, {kMul, 2}})}};
    case OpKind::kRmsNorm:
      // sum of squares: square, accumulate; normalize: multiply by 1/rms (one sqrt and one
      // division per row, not counted), multiply by gamma.
      return {.passes = 2, .ops_per_element = {2, 2}, .functions = {Mix({{kMul, 1}, {kAdd, 1}}), Mix({{kMul, 2}})}};
    case OpKind::kGelu:
      // 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016): scale, erf, add, multiply, halve.
      return {.passes = 1, .ops_per_element = {5}, .functions = {Mix({{kMul, 3}, {kErf, 1}, {kAdd, 1}})}};
    case OpKind::kSilu:
      // x / (1 + exp(-x)) (Elfwing et al. 2018): exp (of the negated input), add, divide.
      return {.passes = 1, .ops_per_element = {3}, .functions = {Mix({{kExp, 1}, {kAdd, 1}, {kDiv, 1}})}};
    case OpKind::kMul:
    case OpKind::kScale:
      return {.passes = 1, .ops_per_element = {1}, .functions = {Mix({{kMul, 1}})}};
    case OpKind::kAdd:
      return {.passes = 1, .ops_per_element = {1}, .functions = {Mix({{kAdd, 1}})}};
    case OpKind::kRope:
      // x·cos θ + rotate_half(x)·sin θ (Su et al. 2021, RoFormer eq. 34): two multiplies and an
      // add; cos θ and sin θ come from a table computed once per position (not counted).
      return {.passes = 1, .ops_per_element = {3}, .functions = {Mix({{kMul, 2}, {kAdd, 1}})}};
    case OpKind::kGather:
      // An embedding lookup copies rows: data movement, no arithmetic.
      return {.passes = 1, .ops_per_element = {0}, .functions = {Mix({})}};
    case OpKind::kTopK:
      // Top-1 by default: one compare-select per element along the reduced dim; a builder sets
      // k compare-selects per element for top-k (k passes of a running max, Mixtral's router).
      return {.passes = 1, .ops_per_element = {1}, .functions = {Mix({{kMax, 1}})}};
  }
  throw util::InternalError("DefaultVectorProfile: unknown kind");
}

std::vector<FunctionMix> ResolvedFunctions(const Op& op) {
  if (op.IsContraction()) return {};
  if (!op.functions.empty()) return op.functions;
  VectorOpProfile profile = DefaultVectorProfile(op.kind);
  if (profile.passes == op.passes) return std::move(profile.functions);
  std::vector<FunctionMix> functions;
  for (const double ops : op.ops_per_element) functions.push_back(Mix({{MathFunction::kAdd, ops}}));
  return functions;
}

}  // namespace loopfront::workload
