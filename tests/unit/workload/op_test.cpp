#include "loopfront/workload/op.h"

#include <catch2/catch.hpp>

#include "loopfront/util/error.h"

using namespace loopfront::workload;

namespace {

// out[m,n] = in[m,k] · w[k,n] with m=4, n=3, k=2 and 8-bit words, except a 32-bit output.
Op SmallMatmul() {
  Op op;
  op.name = "mm";
  op.dims = {{"m", 4}, {"n", 3}, {"k", 2}};
  op.tensors = {{"in", TensorRole::kInput, {0, 2}, 8},
                {"w", TensorRole::kWeight, {2, 1}, 8},
                {"out", TensorRole::kOutput, {0, 1}, 32}};
  return op;
}

}  // namespace

TEST_CASE("A contraction counts one MAC per iteration point and 2 FLOPs per MAC", "[workload][op]") {
  const Op op = SmallMatmul();
  CHECK(CheckOp(op).empty());
  CHECK(op.IterationPoints() == 24);
  CHECK(op.Macs() == 24);
  CHECK(op.Flops() == 48.0);
  // in 8 elements × 1 byte + w 6 × 1 + out 12 × 4 bytes.
  CHECK(op.IdealBits() == (8 + 6) * 8 + 12 * 32);
  CHECK(op.IdealBytes() == 62.0);
  CHECK(op.Output().name == "out");
  CHECK(op.DimIndex("k") == 2);
  CHECK(op.DimIndex("x") == -1);
  CHECK(op.DimSize("n") == 3);
  CHECK(op.FindTensor("w") != nullptr);
  CHECK(op.FindTensor("q") == nullptr);
}

TEST_CASE("A vector op counts output elements × ops over all passes", "[workload][op]") {
  Op softmax;
  softmax.name = "softmax";
  softmax.kind = OpKind::kSoftmax;
  softmax.dims = {{"m", 8}, {"n", 16}};
  softmax.tensors = {{"s", TensorRole::kInput, {0, 1}, 8}, {"p", TensorRole::kOutput, {0, 1}, 8}};
  const VectorOpProfile profile = DefaultVectorProfile(OpKind::kSoftmax);
  softmax.passes = profile.passes;
  softmax.ops_per_element = profile.ops_per_element;
  softmax.reduced_dim = 1;
  CHECK(CheckOp(softmax).empty());
  CHECK(softmax.Macs() == 0);
  // DESIGN §2.1: softmax has 3 passes (max, exp-sum, normalize) of 1 + 3 + 1 operations.
  CHECK(softmax.passes == 3);
  CHECK(softmax.Flops() == 128.0 * 5);
  CHECK(softmax.IdealBytes() == 256.0);
}

TEST_CASE("Default vector profiles follow DESIGN §2.1", "[workload][op]") {
  CHECK(DefaultVectorProfile(OpKind::kLayerNorm).passes == 3);
  CHECK(DefaultVectorProfile(OpKind::kRmsNorm).passes == 2);
  CHECK(DefaultVectorProfile(OpKind::kGelu).passes == 1);
  CHECK(DefaultVectorProfile(OpKind::kAdd).ops_per_element == std::vector<double>{1});
  CHECK(DefaultVectorProfile(OpKind::kContraction).ops_per_element.empty());
}

TEST_CASE("Default function mixes name each pass's operations", "[workload][op]") {
  // Every vector kind: one mix per pass whose counts sum to the pass's ops_per_element.
  for (const std::string& name : OpKindNames()) {
    const OpKind kind = *ParseOpKind(name);
    const VectorOpProfile profile = DefaultVectorProfile(kind);
    if (kind == OpKind::kContraction) {
      CHECK(profile.functions.empty());
      continue;
    }
    INFO(name);
    REQUIRE(profile.functions.size() == static_cast<std::size_t>(profile.passes));
    for (int pass = 0; pass < profile.passes; ++pass) {
      double sum = 0;
      for (const double count : profile.functions[pass]) sum += count;
      CHECK(sum == profile.ops_per_element[pass]);
    }
  }
  // Softmax: max; subtract + exp + accumulate; multiply by 1/sum. GELU: erf form.
  const VectorOpProfile softmax = DefaultVectorProfile(OpKind::kSoftmax);
  CHECK(softmax.functions[0][static_cast<int>(MathFunction::kMax)] == 1);
  CHECK(softmax.functions[1][static_cast<int>(MathFunction::kAdd)] == 2);
  CHECK(softmax.functions[1][static_cast<int>(MathFunction::kExp)] == 1);
  CHECK(softmax.functions[2][static_cast<int>(MathFunction::kMul)] == 1);
  const VectorOpProfile gelu = DefaultVectorProfile(OpKind::kGelu);
  CHECK(gelu.functions[0][static_cast<int>(MathFunction::kErf)] == 1);
  CHECK(gelu.functions[0][static_cast<int>(MathFunction::kMul)] == 3);
}

TEST_CASE("ResolvedFunctions: the op's own, the kind's default, or adds for unknown passes", "[workload][op]") {
  Op op;
  op.kind = OpKind::kSoftmax;
  op.passes = 3;
  op.ops_per_element = {1, 3, 1};
  CHECK(ResolvedFunctions(op) == DefaultVectorProfile(OpKind::kSoftmax).functions);
  op.passes = 2;
  op.ops_per_element = {2, 4};
  const std::vector<FunctionMix> adds = ResolvedFunctions(op);
  REQUIRE(adds.size() == 2);
  CHECK(adds[1][static_cast<int>(MathFunction::kAdd)] == 4);
  FunctionMix exp{};
  exp[static_cast<int>(MathFunction::kExp)] = 1;
  op.functions = {exp, exp};
  CHECK(ResolvedFunctions(op) == op.functions);
  for (const std::string& name : MathFunctionNames()) CHECK(ToString(*ParseMathFunction(name)) == name);
}

TEST_CASE("CheckOp finds structural problems", "[workload][op]") {
  Op two_outputs = SmallMatmul();
  two_outputs.tensors[1].role = TensorRole::kOutput;
  CHECK_FALSE(CheckOp(two_outputs).empty());

  Op unused_dim = SmallMatmul();
  unused_dim.dims.push_back({"x", 2});
  REQUIRE(CheckOp(unused_dim).size() == 1);
  CHECK(CheckOp(unused_dim)[0].find("'x' is indexed by no tensor") != std::string::npos);

  Op huge = SmallMatmul();
  huge.dims = {{"m", 1 << 20}, {"n", 1 << 20}, {"k", 1 << 20}};
  CHECK_FALSE(CheckOp(huge).empty());
  CHECK_THROWS_AS(huge.IterationPoints(), loopfront::util::InternalError);

  Op vector_partial_output = SmallMatmul();
  vector_partial_output.kind = OpKind::kAdd;
  vector_partial_output.ops_per_element = {1};
  CHECK_FALSE(CheckOp(vector_partial_output).empty());
}

TEST_CASE("Enum names round-trip", "[workload][op]") {
  for (const std::string& name : OpKindNames()) CHECK(ToString(*ParseOpKind(name)) == name);
  for (const std::string& name : TensorRoleNames()) CHECK(ToString(*ParseTensorRole(name)) == name);
  for (const std::string& name : OpClassNames()) CHECK(ToString(*ParseOpClass(name)) == name);
  CHECK_FALSE(ParseOpKind("softmx").has_value());
}
