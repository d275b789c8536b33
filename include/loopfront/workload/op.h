// An op is one einsum of a Transformer (DESIGN §2.1): named dimensions with sizes, and tensors
// whose indices are dimension names, e.g. `S[b,h,m,n] += Q[b,h,m,k] * K[b,h,n,k]`.
//
// Two kinds of work:
//  - contraction (matmul, batched matmul, matrix-vector): one MAC per point of the iteration
//    space, run on the PE array. Output tensor = the dims it indexes; the others are reduced.
//  - vector ops (softmax, layernorm, rmsnorm, gelu, silu, mul, add, scale): element-wise work over
//    the output's points, possibly with a reduction along `reduced_dim` (softmax over the key dim,
//    LayerNorm over d_model), in `passes` sweeps over the data (softmax 3: max, exp-sum,
//    normalize), each costing `ops_per_element[pass]` operations per element (DESIGN §2.1.1).
//    The output of a vector op indexes every dim of the op.
//
// Dim names used by every op loopfront builds (docs/workloads.md, "Dimension names"), so that an
// architecture constraint such as "k down the PE rows, n across the columns" applies to every
// matmul: m = token rows, n = output columns, k = reduction; batched attention matmuls add b
// (sequences) and h (heads). Vector ops use the dims of the tensor they transform.
//
// Tensor roles name the operand slot, as in Timeloop's three data spaces: `weight` is the operand
// that does not index the token dim m (a model parameter, or K / V in the attention matmuls, the
// operand a weight-stationary array holds still), `input` the streamed operand(s), `output` the
// result. The ops loopfront builds give vector ops only inputs (LayerNorm's gamma and beta are left
// out: 2·d_model words per layer); an op list may give a vector op a weight (a per-channel scale).
//
// `count` says how many times the op runs in the workload (e.g. once per layer × layers).
// Sizes are per single execution. Units: word sizes in bits; counts are plain numbers.
//
// Op is a plain value type: copyable, comparable, and immutable once built by a loader.
// Thread-safety: const methods are safe to call concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/workload/limits.h"

namespace loopfront::workload {

enum class TensorRole : std::uint8_t { kInput, kWeight, kOutput };

enum class OpKind : std::uint8_t {
  kContraction,
  kSoftmax,
  kLayerNorm,
  kRmsNorm,
  kGelu,
  kSilu,
  kMul,    // element-wise product (the SwiGLU gate)
  kAdd,    // residual add
  kScale,  // requantize / scale by a constant
  kRope,    // rotary position embedding: x·cos + rotate_half(x)·sin (2 mul + 1 add per element)
  kGather,  // embedding lookup: copies the rows a token index selects (no arithmetic)
  kTopK,    // top-k selection along reduced_dim (a MoE router): k compare-selects per element
};

// The math a vector op does per element, as a host CPU prices it (arch::Host's per-function
// table, docs/architectures.md): `add` includes subtract and accumulate, `mul` includes square and
// scale, `max` is a compare-and-select (also min and a clamp bound), `div` a division or
// reciprocal, `convert` an int<->float conversion.
enum class MathFunction : std::uint8_t { kAdd, kMul, kMax, kDiv, kSqrt, kExp, kErf, kTanh, kConvert };
inline constexpr int kNumMathFunctions = 9;
// Evaluations of each function per element (indexed by MathFunction).
using FunctionMix = std::array<double, kNumMathFunctions>;

// The survey's Table 2 grouping used by `analyze --by class`.
// Classes appended for LLMs: embedding (token gather, position and segment adds), lm_head (the
// final vocabulary projection), moe_router (router matmul, softmax, top-k, expert combine);
// mixture-of-experts expert MLPs count as ffn_projection.
enum class OpClass : std::uint8_t {
  kMhaProjection,
  kMhaActToAct,
  kFfnProjection,
  kOther,
  kEmbedding,
  kLmHead,
  kMoeRouter,
};

// What a tensor holds, for precision and parameter counts: a model parameter (weights, embedding
// tables), the KV cache (K and V), or an activation (everything else).
enum class TensorData : std::uint8_t { kActivation, kParameter, kKvCache };

struct Dim {
  std::string name;
  std::int64_t size = 1;
  bool operator==(const Dim&) const = default;
};

// One term `coefficient × dim` of an affine index (a convolution's sliding window, Timeloop's
// `projection` syntax: `[[R, Wdilation], [P, Wstride]]` is W = P·Wstride + R·Wdilation).
// `coefficient_name` is the name Timeloop gives the coefficient (`Wstride`), empty for a
// coefficient of 1 written without a name; exporters invent one when a named value is needed.
struct IndexTerm {
  int dim = 0;                   // index into Op::dims
  std::int64_t coefficient = 1;  // ≥ 1
  std::string coefficient_name{};
  bool operator==(const IndexTerm&) const = default;
};

// A tensor's indices. A plain tensor (every einsum of a Transformer) has one dim per index:
// `dims` lists them and `affine_indices` is empty. An affine tensor (a convolution's input,
// validation README "Tensor indices") has `affine_indices`, one entry per index, each a sum of
// terms (a plain index is one term of coefficient 1); then `dims` lists the dims of all terms, in
// order, so that "t is indexed by dim d" keeps meaning "d appears in t's indices" everywhere.
// The extent of an index is Σ coefficient × (size_D − 1) + 1 (Timeloop's projected bounding box,
// stride-skipped positions included); a tensor's elements are the product of its extents.
struct Tensor {
  std::string name;
  TensorRole role = TensorRole::kInput;
  std::vector<int> dims;  // indices into Op::dims, outermost first
  int word_bits = 8;
  std::vector<std::vector<IndexTerm>> affine_indices{};  // empty for a plain tensor
  TensorData data = TensorData::kActivation;
  bool operator==(const Tensor&) const = default;

  bool IsAffine() const { return !affine_indices.empty(); }
};

struct Op {
  std::string name;
  OpKind kind = OpKind::kContraction;
  OpClass op_class = OpClass::kOther;
  std::vector<Dim> dims;
  std::vector<Tensor> tensors;          // exactly one has role kOutput
  int passes = 1;                       // vector ops; 1 for contractions
  std::vector<double> ops_per_element;  // one entry per pass (vector ops); empty for contractions
  // Vector ops: the function mix of each pass (one entry per pass), what a host prices per
  // function. Empty = not given: ResolvedFunctions() supplies the kind's default (docs/workloads.md).
  std::vector<FunctionMix> functions;
  std::optional<int> reduced_dim;  // vector ops that reduce along a dim (softmax, norms)
  std::int64_t count = 1;
  // Elements of model parameters this op holds over the whole workload (every layer and expert,
  // biases included; an embedding table shared with the LM head counted at its first op only).
  // Builders set it; op lists: Σ over `parameter` tensors, elements × count, once per name.
  std::int64_t parameters = 0;
  // Ops of a workload with explicit precision (every op; a vector op has no partial sums, so for
  // it this only turns packing on): the bits of one partial sum. Unset: every level stores one
  // element per word (Timeloop's semantics: a level's word_bits is the width of everything it
  // holds). Set: the dataflow model counts a tensor's words at a level as elements × bits /
  // word_bits (a contraction's partial sums at accumulator_bits below the outermost level).
  std::optional<int> accumulator_bits{};

  bool operator==(const Op&) const = default;

  bool IsContraction() const { return kind == OpKind::kContraction; }
  int DimIndex(std::string_view dim_name) const;  // -1 if absent
  // Size of the dim called `dim_name`; throws InternalError if the op has no such dim.
  std::int64_t DimSize(std::string_view dim_name) const;
  const Tensor& Output() const;
  // nullptr if the op has no tensor of that name.
  const Tensor* FindTensor(std::string_view tensor_name) const;
  // Product of all dim sizes: the iteration space of one execution.
  std::int64_t IterationPoints() const;
  // Elements of a tensor: the product of its dims' sizes, or of its indices' extents (affine).
  std::int64_t TensorElements(const Tensor& tensor) const;
  // MACs of one execution (contractions: IterationPoints; vector ops: 0).
  std::int64_t Macs() const;
  // Operations of one execution: 2 per MAC (a MAC counts as 2 FLOPs, survey Sec. 2.2); vector ops:
  // output elements × Σ ops_per_element over passes (DESIGN §2.1).
  double Flops() const;
  // Bytes of one execution under ideal reuse: every tensor read or written exactly once, at its
  // word size (survey Sec. 2.2's convention).
  double IdealBytes() const;
  // Bits of one execution under ideal reuse (IdealBytes × 8, exact as an integer).
  std::int64_t IdealBits() const;
};


// Structural problems of an op, one message per problem (empty = valid): dims with unique names
// and positive sizes, tensors with unique names and in-range, non-repeated dims (affine tensors:
// terms with coefficients ≥ 1 whose dims are `dims`, only on a contraction's non-output), exactly one
// output, every dim indexed by some tensor, vector ops with an output over every dim, `passes`
// matching `ops_per_element` (and `functions` when given, with non-negative counts), a valid `reduced_dim`, a positive
// count, at most kMaxOpDims dims (with the pass dim) and kMaxOpTensors tensors, no vector-op dim named
// `pass`, affine indices of at most kMaxIndexTerms terms with coefficients ≤ kMaxCoefficient, and an
// iteration space (with passes) below kMaxIterationPoints (workload/limits.h). Loaders check user input themselves (with file positions);
// this is the invariant that everything that builds ops must satisfy.
std::vector<std::string> CheckOp(const Op& op);

std::string_view ToString(TensorRole role);
std::string_view ToString(OpKind kind);
std::string_view ToString(OpClass op_class);
std::string_view ToString(TensorData data);
std::optional<TensorData> ParseTensorData(std::string_view text);
std::vector<std::string> TensorDataNames();
std::optional<OpKind> ParseOpKind(std::string_view text);
std::optional<TensorRole> ParseTensorRole(std::string_view text);
std::optional<OpClass> ParseOpClass(std::string_view text);
// Names accepted in YAML, for "did you mean" and error messages.
std::vector<std::string> OpKindNames();
std::vector<std::string> TensorRoleNames();
std::vector<std::string> OpClassNames();
std::string_view ToString(MathFunction function);
std::optional<MathFunction> ParseMathFunction(std::string_view text);
std::vector<std::string> MathFunctionNames();  // in MathFunction order

// A 2-D convolution (Timeloop's conv layer, docs/workloads.md "Convolutions"), dims named as
// Timeloop names them, in lowercase: n images, c input channels, m output channels, p × q output
// positions (p along the width W, q along the height H), r × s filter taps. Tensors:
//   A[n, c, W = r·Wdilation + p·Wstride, H = s·Hdilation + q·Hstride]  input (affine)
//   B[m, c, r, s]                                                       weight
//   Z[n, m, p, q]                                                       output
// Depthwise (`groups` > 0): one dim g is both the input and the output channel (c and m are not
// used): A[n, g, W, H], B[g, r, s], Z[n, g, p, q]. The coefficients carry Timeloop's names
// (Wstride, Hstride, Wdilation, Hdilation), so an exported problem reads as Timeloop's own.
struct ConvolutionShape {
  std::string name = "conv";
  std::int64_t n = 1;
  std::int64_t c = 1;
  std::int64_t m = 1;
  std::int64_t groups = 0;  // > 0: depthwise, over g = groups channels
  std::int64_t p = 1;
  std::int64_t q = 1;
  std::int64_t r = 1;
  std::int64_t s = 1;
  std::int64_t stride_w = 1;
  std::int64_t stride_h = 1;
  std::int64_t dilation_w = 1;
  std::int64_t dilation_h = 1;
  int bits = 8;
  OpClass op_class = OpClass::kOther;
  std::string input_name = "A";
  std::string weight_name = "B";
  std::string output_name = "Z";
};
Op MakeConvolution(const ConvolutionShape& shape);

// The vector-op defaults of DESIGN §2.1: passes and ops per element per pass for each kind
// (softmax 3 passes: max, exp + sum, normalize; layernorm 3: mean, variance, normalize; ...).
// Counting convention (docs/workloads.md): every arithmetic operation and every special function
// (exp, erf, division) is one operation. Contractions get {1, {}, {}}.
// `functions` says which operations they are, pass by pass: each pass's counts sum to its
// ops_per_element, so a vector unit (one operation per lane and cycle) and a host (a price per
// function) count the same work.
struct VectorOpProfile {
  int passes = 1;
  std::vector<double> ops_per_element{};
  std::vector<FunctionMix> functions{};
};
VectorOpProfile DefaultVectorProfile(OpKind kind);

// The function mix of each pass of a vector op: `op.functions` when given; else the kind's default
// when the op has the kind's default passes; else every operation of `ops_per_element` counted as
// an `add` (an operation of unknown kind is priced as the cheapest arithmetic). Empty for
// contractions.
std::vector<FunctionMix> ResolvedFunctions(const Op& op);

}  // namespace loopfront::workload
