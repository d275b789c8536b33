// Op spec strings (workload/op_spec.h): `--op "matmul m=512 n=768 k=768"`.
#include "loopfront/workload/op_spec.h"

#include <catch2/catch.hpp>

#include "loopfront/util/error.h"

using loopfront::workload::Op;
using loopfront::workload::OpKind;
using loopfront::workload::ParseOpSpec;
using loopfront::workload::TensorRole;

TEST_CASE("A matmul spec builds A[m,k] x B[k,n] -> Z[m,n]", "[workload][op_spec]") {
  const Op op = ParseOpSpec("matmul m=512 n=768 k=768");
  CHECK(op.kind == OpKind::kContraction);
  CHECK(op.name == "matmul");
  CHECK(op.DimSize("m") == 512);
  CHECK(op.DimSize("n") == 768);
  CHECK(op.DimSize("k") == 768);
  CHECK(op.Macs() == 512LL * 768 * 768);
  REQUIRE(op.tensors.size() == 3);
  CHECK(op.tensors[0].name == "A");
  CHECK(op.tensors[0].role == TensorRole::kInput);
  CHECK(op.tensors[0].dims == std::vector<int>{op.DimIndex("m"), op.DimIndex("k")});
  CHECK(op.tensors[1].role == TensorRole::kWeight);
  CHECK(op.tensors[1].dims == std::vector<int>{op.DimIndex("k"), op.DimIndex("n")});
  CHECK(op.Output().name == "Z");
  CHECK(op.tensors[0].word_bits == 8);
  CHECK(loopfront::workload::CheckOp(op).empty());
}

TEST_CASE("bmm, matvec and the options", "[workload][op_spec]") {
  const Op bmm = ParseOpSpec("  bmm   h=12 m=512 n=512 k=64 bits=16 name=qk ");
  CHECK(bmm.name == "qk");
  CHECK(bmm.dims.size() == 5);
  CHECK(bmm.DimSize("b") == 1);
  CHECK(bmm.DimSize("h") == 12);
  CHECK(bmm.Macs() == 12LL * 512 * 512 * 64);
  CHECK(bmm.tensors[1].dims.size() == 4);
  CHECK(bmm.tensors[2].word_bits == 16);

  const Op matvec = ParseOpSpec("matvec n=768 k=768");
  CHECK(matvec.DimSize("m") == 1);
  CHECK(matvec.Macs() == 768 * 768);
}

TEST_CASE("Vector op specs reduce along n where the kind does", "[workload][op_spec]") {
  const Op softmax = ParseOpSpec("softmax b=1 h=12 m=512 n=512");
  CHECK(softmax.kind == OpKind::kSoftmax);
  CHECK(softmax.dims.size() == 4);
  CHECK(softmax.reduced_dim == softmax.DimIndex("n"));
  CHECK(softmax.passes == 3);
  CHECK(softmax.tensors.size() == 2);

  const Op layernorm = ParseOpSpec("layernorm m=512 n=768");
  CHECK(layernorm.reduced_dim == layernorm.DimIndex("n"));
  const Op gelu = ParseOpSpec("gelu m=512 n=3072");
  CHECK_FALSE(gelu.reduced_dim.has_value());
  const Op add = ParseOpSpec("add m=512 n=768");
  REQUIRE(add.tensors.size() == 3);
  CHECK(add.tensors[1].role == TensorRole::kInput);
  for (const Op& op : {softmax, layernorm, gelu, add, ParseOpSpec("rmsnorm m=1 n=4096"), ParseOpSpec("silu m=2 n=3"),
                       ParseOpSpec("mul m=2 n=3")}) {
    INFO(op.name);
    CHECK(loopfront::workload::CheckOp(op).empty());
  }
}

TEST_CASE("Bad op specs are configuration errors with suggestions", "[workload][op_spec]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(ParseOpSpec("matmull m=1 n=1 k=1"), Contains("--op: ") && Contains("did you mean 'matmul'?"));
  CHECK_THROWS_WITH(ParseOpSpec("matmul m=1 n=1 kk=1"), Contains("did you mean 'k'?"));
  CHECK_THROWS_WITH(ParseOpSpec("matmul m=1 n=1"), Contains("expected k=SIZE"));
  CHECK_THROWS_WITH(ParseOpSpec("matmul m=0 n=1 k=1"), Contains("m: expected an integer in [1, 1099511627776], got '0'"));
  CHECK_THROWS_WITH(ParseOpSpec("matmul m=1 m=2 n=1 k=1"), Contains("expected each key once"));
  CHECK_THROWS_WITH(ParseOpSpec("matmul m=1 n=1 k=1 bits=65"), Contains("bits: expected an integer in [1, 64]"));
  CHECK_THROWS_WITH(ParseOpSpec("gelu m=1 n=1 k=1"), Contains("'k'"));
  CHECK_THROWS_WITH(ParseOpSpec(""), Contains("got an empty string"));
  CHECK_THROWS_WITH(ParseOpSpec("matmul 512"), Contains("expected key=value"));
  CHECK_THROWS_AS(ParseOpSpec("softmax m=1"), loopfront::util::ConfigError);
}
