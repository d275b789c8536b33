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
//
// `count` says how many times the op runs in the workload (e.g. once per layer × layers).
// Sizes are per single execution. Units: word sizes in bits; counts are plain numbers.
//
// Op is a plain value type: copyable, comparable, and immutable once built by a loader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loopfront::workload {

enum class TensorRole : std::uint8_t { kInput, kWeight, kOutput };

enum class OpKind : std::uint8_t {
  kContraction,
  kSoftmax,
  kLayerNorm,
  kRmsNorm,
  kGelu,
  kSilu,
  kMul,  // element-wise product (the SwiGLU gate)
  kAdd,  // residual add
  kScale,  // requantize / scale by a constant
};

// The survey's Table 2 grouping used by `analyze --by class`.
enum class OpClass : std::uint8_t { kMhaProjection, kMhaActToAct, kFfnProjection, kOther };

struct Dim {
  std::string name;
  std::int64_t size = 1;
  bool operator==(const Dim&) const = default;
};

struct Tensor {
  std::string name;
  TensorRole role = TensorRole::kInput;
  std::vector<int> dims;  // indices into Op::dims, outermost first
  int word_bits = 8;
  bool operator==(const Tensor&) const = default;
};

struct Op {
  std::string name;
  OpKind kind = OpKind::kContraction;
  OpClass op_class = OpClass::kOther;
  std::vector<Dim> dims;
  std::vector<Tensor> tensors;  // exactly one has role kOutput
  int passes = 1;               // vector ops; 1 for contractions
  std::vector<double> ops_per_element;  // one entry per pass (vector ops); empty for contractions
  std::optional<int> reduced_dim;       // vector ops that reduce along a dim (softmax, norms)
  std::int64_t count = 1;

  bool operator==(const Op&) const = default;

  bool IsContraction() const { return kind == OpKind::kContraction; }
  int DimIndex(std::string_view dim_name) const;  // -1 if absent
  const Tensor& Output() const;
  // Product of all dim sizes: the iteration space of one execution.
  std::int64_t IterationPoints() const;
  // Elements of a tensor (product of its dims' sizes).
  std::int64_t TensorElements(const Tensor& tensor) const;
  // MACs of one execution (contractions: IterationPoints; vector ops: 0).
  std::int64_t Macs() const;
  // Operations of one execution: 2 per MAC (a MAC counts as 2 FLOPs, survey Sec. 2.2); vector ops:
  // output elements × Σ ops_per_element over passes (DESIGN §2.1).
  double Flops() const;
  // Bytes of one execution under ideal reuse: every tensor read or written exactly once, at its
  // word size (survey Sec. 2.2's convention).
  double IdealBytes() const;
};

std::string_view ToString(TensorRole role);
std::string_view ToString(OpKind kind);
std::string_view ToString(OpClass op_class);
std::optional<OpKind> ParseOpKind(std::string_view text);
std::optional<TensorRole> ParseTensorRole(std::string_view text);
// Names accepted in YAML, for "did you mean" and error messages.
std::vector<std::string> OpKindNames();
std::vector<std::string> TensorRoleNames();

// The vector-op defaults of DESIGN §2.1: passes and ops per element per pass for each kind
// (softmax 3 passes: max, exp + sum, normalize; layernorm 3: mean, variance, normalize; ...).
struct VectorOpProfile {
  int passes;
  std::vector<double> ops_per_element;
};
VectorOpProfile DefaultVectorProfile(OpKind kind);

}  // namespace loopfront::workload
