// The dataflow model on convolutions (affine tensors): the worked examples of rules 1, 4a, 5a and
// 5b in shared/validation/README.md, each number derived by hand below, on the reference cases
// that the README derives them from.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "cost_models/dataflow/dataflow_model.h"
#include "loopfront/cost/reference_case.h"
#include "loopfront/mapping/check.h"
#include "loopfront/workload/op.h"

namespace {

using loopfront::cost::Cost;
using loopfront::cost::ReferenceCase;

ReferenceCase LoadConvCase(const std::string& name) {
  return loopfront::cost::LoadReferenceCase(std::filesystem::path(LOOPFRONT_SHARED_DIR) / "validation" /
                                            "timeloop-more" / (name + ".json"));
}

struct Evaluated {
  ReferenceCase reference;
  Cost cost;
  const loopfront::cost::TensorLevelCost& Record(const std::string& level, const std::string& tensor) const {
    return cost.levels[reference.problem.LevelIndex(level)].tensors[reference.problem.TensorIndex(tensor)];
  }
};

Evaluated Evaluate(const std::string& name) {
  Evaluated result{.reference = LoadConvCase(name), .cost = {}};
  result.cost = loopfront::cost::DataflowModel().Evaluate(result.reference.problem, result.reference.mapping);
  REQUIRE(result.cost.feasible);
  return result;
}

}  // namespace

TEST_CASE("Conv tiles are bounding boxes, skipped positions included (rule 1)", "[dataflow][conv]") {
  // conv_single_pe_1x1_s2: stride 2, R = S = 1. The RF loops C4 P2 Q2 span W = 2·(2−1) + 1 = 3 and
  // H = 3, so the RF input tile is C4 × W3 × H3 = 36 words (16 of them used). At DRAM the whole
  // input: C8 × W(2·7 + 1 = 15) × H15 = 1800.
  const Evaluated conv = Evaluate("conv_single_pe_1x1_s2");
  CHECK(conv.Record("RF", "A").tile_words == 36);
  CHECK(conv.Record("DRAM", "A").tile_words == 1800);
  CHECK(conv.reference.problem.tensor_size(conv.reference.problem.TensorIndex("A")) == 1800);
  CHECK(conv.reference.op.TensorElements(conv.reference.op.tensors[0]) == 1800);
}

TEST_CASE("Sliding GLB tiles: halo reuse and the reset on a new move vector (rule 4a)", "[dataflow][conv]") {
  // conv_single_pe_3x3_s1_halo: the GLB input tile is C4 × W(3 + 4 − 1 = 6) × H6 = 144 words; the
  // DRAM loops Q2 (outer) and P2 give four visits:
  //   (0,0) the whole box 144; (0,1) +4 along W: 144 − 4·2·6 = 96; (1,0) (−4 W, +4 H), a new
  //   vector: the whole 144; (1,1) +4 along W, nothing remembered: 96.
  // 144 + 96 + 144 + 96 = 480 GLB fills = DRAM reads (the input has 4 × 10 × 10 = 400 words).
  const Evaluated conv = Evaluate("conv_single_pe_3x3_s1_halo");
  CHECK(conv.Record("GLB", "A").tile_words == 144);
  CHECK(conv.Record("GLB", "A").fills == 480);
  CHECK(conv.Record("DRAM", "A").reads == 480);
  CHECK(conv.Record("DRAM", "A").fills == 0);
}

TEST_CASE("Children share only identical tiles: distinct offsets replace multicast (rule 5a)", "[dataflow][conv]") {
  // conv_eyeriss_like_rs_3x3: the GLB fans out Q14 (x), M4 and S3 (y). Children with equal q + s
  // share an input row: q + s takes 14 + 3 − 1 = 16 values, M moves nothing, so D = 16 (not
  // 14 × 3 = 42). An ifmap_spad tile is C1 × W(P8 + R3 − 1 = 10) × H1 = 10 words; each of the
  // 2 × 2 visits of the C loops above it brings a new channel: 40 words. The GLB reads 40 × 16 = 640.
  const Evaluated conv = Evaluate("conv_eyeriss_like_rs_3x3");
  CHECK(conv.Record("ifmap_spad", "A").fills == 40);
  CHECK(conv.Record("shared_glb", "A").reads == 640);
}

TEST_CASE("Neighbour links between PEs for a sliding input (rule 5b)", "[dataflow][conv]") {
  // conv_pe16x16_3x3_neighbour_links: the GLB's R3 and S3 loops sit above P16 (x) and Q8 (y),
  // stride = dilation = 1. A PE's pe_spad tile is C4 × 1 × 1 = 4 words; without links the GLB
  // reads 4 words × 128 distinct PEs per visit: 18432 in all. At a visit that advances r (or s),
  // a PE needs the column its right (upper) neighbour had: only the 8 (16) PEs at the mesh edge
  // read from the GLB, the other 120 (112) take a link. GLB reads 6912, link transfers 11520, and
  // each pe_spad reads its sender copy: 11520 / 128 = 90 more per PE on top of 576 (73728 in all).
  const Evaluated conv = Evaluate("conv_pe16x16_3x3_neighbour_links");
  CHECK(conv.Record("GLB", "A").reads == 6912);
  CHECK(conv.Record("GLB", "A").link_transfers == 11520);
  CHECK(conv.Record("pe_spad", "A").reads == 576 + 90);
  CHECK(conv.Record("pe_spad", "A").total_reads() == 85248);
  // Every visit of M2 C2 S3 R3 above a pe_spad moves its 4-word tile off itself (W and H extents
  // 1), so it receives 4 × 2 × 2 × 3 × 3 = 144 words; its MACs read it every cycle: T = 576.
  CHECK(conv.Record("pe_spad", "A").fills == 144);
}

TEST_CASE("A problem without affine tensors keeps the single-index paths", "[dataflow][conv]") {
  const ReferenceCase gemm = loopfront::cost::LoadReferenceCase(std::filesystem::path(LOOPFRONT_SHARED_DIR) /
                                                                "validation" / "timeloop" /
                                                                "single_pe_m4n8k4_order_nkm.json");
  CHECK(gemm.problem.affine_tensors() == 0);
  CHECK(!gemm.op.tensors[0].IsAffine());
}

TEST_CASE("CheckOp refuses affine outputs and terms that disagree with the dims", "[dataflow][conv]") {
  using loopfront::workload::IndexTerm;
  loopfront::workload::Op op = LoadConvCase("conv_single_pe_1x1_s2").op;
  CHECK(loopfront::workload::CheckOp(op).empty());
  loopfront::workload::Op bad_output = op;
  bad_output.tensors[2].affine_indices = {{IndexTerm{.dim = 0}}, {IndexTerm{.dim = 1}}, {IndexTerm{.dim = 3}},
                                          {IndexTerm{.dim = 4}}};
  bad_output.tensors[2].dims = {0, 1, 3, 4};
  bad_output.tensors[2].affine_indices[2][0].coefficient = 2;
  CHECK(!loopfront::workload::CheckOp(bad_output).empty());
  loopfront::workload::Op bad_dims = op;
  bad_dims.tensors[0].dims.pop_back();
  CHECK(!loopfront::workload::CheckOp(bad_dims).empty());
}
