// Convolutions in workloads: op specs (`conv`, `dwconv`), op-list YAML with affine indices, and
// ViT-B/16's patch embedding (docs/workloads.md, "Convolutions"). Numbers derived by hand.
#include <catch2/catch.hpp>
#include <string>

#include "loopfront/io/yaml_reader.h"
#include "loopfront/util/error.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/op.h"
#include "loopfront/workload/op_spec.h"

using loopfront::workload::Op;
using loopfront::workload::ParseOpSpec;

namespace {

loopfront::workload::WorkloadSpec Read(const std::string& text) {
  loopfront::util::Diagnostics diagnostics;
  return loopfront::workload::ReadWorkloadDocument(loopfront::io::YamlDocument::LoadString(text, "w.yaml", diagnostics),
                                                   "w");
}

std::string ErrorText(const std::string& text) {
  try {
    Read(text);
  } catch (const loopfront::util::ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("A conv spec builds Timeloop's conv: A[n,c,W,H] x B[m,c,r,s] -> Z[n,m,p,q]", "[workload][conv]") {
  // ViT-B/16's patch embedding: 3 × 768 × 14 × 14 × 16 × 16 = 115,605,504 MACs. The input's W
  // spans 16·(14 − 1) + 1·(16 − 1) + 1 = 224 positions, so A is 3 × 224 × 224 = 150,528 words;
  // B = 768 × 3 × 16 × 16 = 589,824; Z = 768 × 14 × 14 = 150,528.
  const Op op = ParseOpSpec("conv n=1 c=3 m=768 p=14 q=14 r=16 s=16 stride=16");
  CHECK(loopfront::workload::CheckOp(op).empty());
  CHECK(op.Macs() == 115605504);
  REQUIRE(op.tensors.size() == 3);
  const loopfront::workload::Tensor& input = op.tensors[0];
  REQUIRE(input.IsAffine());
  REQUIRE(input.affine_indices.size() == 4);
  CHECK(input.affine_indices[2][0].dim == op.DimIndex("r"));
  CHECK(input.affine_indices[2][0].coefficient_name == "Wdilation");
  CHECK(input.affine_indices[2][1].dim == op.DimIndex("p"));
  CHECK(input.affine_indices[2][1].coefficient == 16);
  CHECK(input.affine_indices[3][1].coefficient_name == "Hstride");
  CHECK(op.TensorElements(input) == 3 * 224 * 224);
  CHECK(op.TensorElements(op.tensors[1]) == 589824);
  CHECK(op.TensorElements(op.Output()) == 150528);
  CHECK(op.IdealBytes() == 150528.0 + 589824.0 + 150528.0);
  CHECK(!op.Output().IsAffine());
}

TEST_CASE("Conv specs: separate strides and dilations, depthwise, and their errors", "[workload][conv]") {
  // W = 2·(3 − 1) + 1·(8 − 1) + 1 = 12 (dilation 2, stride 1); H = 1·2 + 2·7 + 1 = 17.
  const Op op = ParseOpSpec("conv c=4 m=4 p=8 q=8 r=3 s=3 dilation_w=2 stride_h=2");
  CHECK(op.TensorElements(op.tensors[0]) == 4 * 12 * 17);
  const Op depthwise = ParseOpSpec("dwconv g=32 p=14 q=14 r=3 s=3");
  CHECK(loopfront::workload::CheckOp(depthwise).empty());
  CHECK(depthwise.Macs() == 32 * 14 * 14 * 9);
  CHECK(depthwise.tensors[1].dims.size() == 3);  // B[g, r, s]
  CHECK(depthwise.TensorElements(depthwise.tensors[0]) == 32 * 16 * 16);
  CHECK_THROWS_WITH(ParseOpSpec("conv c=4 m=4 p=8 q=8 r=3 s=3 stride=2 stride_w=2"),
                    Catch::Contains("expected stride or stride_w, got both"));
  CHECK_THROWS_WITH(ParseOpSpec("conv c=4 m=4 p=8 q=8 r=3 strde=2"), Catch::Contains("did you mean 'stride'"));
}

TEST_CASE("An op list can give a tensor affine indices with named or numeric coefficients", "[workload][conv]") {
  const loopfront::workload::WorkloadSpec spec = Read(
      "ops:\n"
      "  - name: conv1\n"
      "    kind: contraction\n"
      "    dims: {n: 1, c: 3, m: 64, p: 112, q: 112, r: 7, s: 7}\n"
      "    coefficients: {Wstride: 2}\n"
      "    tensors:\n"
      "      - {name: image, role: input, dims: [n, c, [[r], [p, Wstride]], [[s], [q, 2]]]}\n"
      "      - {name: w1, role: weight, dims: [m, c, r, s]}\n"
      "      - {name: out, role: output, dims: [n, m, p, q]}\n");
  REQUIRE(spec.ops.size() == 1);
  const Op& op = spec.ops[0];
  CHECK(loopfront::workload::CheckOp(op).empty());
  // W = H = 2·111 + 6 + 1 = 229.
  CHECK(op.TensorElements(op.tensors[0]) == 3 * 229 * 229);
  CHECK(op.tensors[0].affine_indices[2][1].coefficient_name == "Wstride");
  CHECK(op.tensors[0].affine_indices[3][1].coefficient == 2);
  CHECK(ErrorText("ops:\n"
                  "  - name: c\n"
                  "    kind: contraction\n"
                  "    dims: {p: 4, r: 3, m: 2}\n"
                  "    tensors:\n"
                  "      - {name: a, role: input, dims: [[[r], [p, Wstrde]]]}\n"
                  "      - {name: b, role: weight, dims: [m, r]}\n"
                  "      - {name: z, role: output, dims: [m, p]}\n")
            .find("w.yaml:6:") != std::string::npos);
  CHECK(ErrorText("ops:\n"
                  "  - name: c\n"
                  "    kind: contraction\n"
                  "    dims: {p: 4, r: 3, m: 2}\n"
                  "    tensors:\n"
                  "      - {name: a, role: input, dims: [p, r]}\n"
                  "      - {name: b, role: weight, dims: [m, r]}\n"
                  "      - {name: z, role: output, dims: [m, [[p, 2]]]}\n")
            .find("got an affine index") != std::string::npos);
}

TEST_CASE("ViT-B/16 embeds its patches with a conv that writes the blocks' input", "[workload][conv]") {
  const loopfront::workload::Workload vit = loopfront::workload::LoadWorkload("vit-b16");
  const auto embed_id = vit.FindOp("patch_embed");
  REQUIRE(embed_id);
  const Op& embed = vit.op(*embed_id);
  CHECK(embed.count == 1);
  CHECK(embed.Macs() == 115605504);
  CHECK(embed.TensorElements(embed.tensors[0]) == 3 * 224 * 224);
  // The patches then get their learned positions added (vit-b16: positions absolute), which
  // writes the blocks' input.
  const auto pos_id = vit.FindOp("pos_embed");
  REQUIRE(pos_id);
  CHECK(vit.Producer("x") == pos_id);
  CHECK(vit.Producer(vit.op(*pos_id).tensors[0].name) == embed_id);
  CHECK(vit.TopologicalOrder().front() == *embed_id);
  CHECK(vit.op(*vit.FindOp("q_proj")).count == 12);
}
