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
