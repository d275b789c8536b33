#include "loopfront/fusion/group.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "loopfront/workload/loader.h"

using namespace loopfront;
using fusion::FindCandidateGroups;
using fusion::FusedGroup;
using fusion::GroupRule;

namespace {

std::vector<std::string> Labels(const workload::Workload& workload, const std::vector<FusedGroup>& groups) {
  std::vector<std::string> labels;
  for (const FusedGroup& group : groups) labels.push_back(group.Label(workload));
  return labels;
}

const FusedGroup& GroupLabelled(const workload::Workload& workload, const std::vector<FusedGroup>& groups,
                                const std::string& label) {
  for (const FusedGroup& group : groups) {
    if (group.Label(workload) == label) return group;
  }
  FAIL("no group " << label);
  return groups.front();
}

}  // namespace

TEST_CASE("BERT's candidate groups are the DESIGN §2.8 chains", "[fusion][group]") {
  const workload::Workload bert = workload::LoadWorkload("bert-base", {.seq_len = 128});
  const std::vector<FusedGroup> groups = FindCandidateGroups(bert);
  CHECK(Labels(bert, groups) == std::vector<std::string>{"qk_matmul+softmax", "attention(qk_matmul+softmax+av_matmul)",
                                                         "out_proj+attn_residual", "out_proj+attn_residual+attn_norm",
                                                         "ffn_w1+gelu", "mlp(ffn_w1+gelu+ffn_w2)",
                                                         "ffn_w2+ffn_residual", "ffn_w2+ffn_residual+ffn_norm"});
  for (const FusedGroup& group : groups) {
    CHECK(group.count == 12);
    REQUIRE(group.intermediates.size() + 1 == group.members.size());
  }
  // Q/K/V projections feed two readers or an attention matmul through their outputs: no group.
  for (const std::string name : {"q_proj", "k_proj", "v_proj"}) {
    const workload::OpId id = *bert.FindOp(name);
    for (const FusedGroup& group : groups) CHECK(group.members.front() != id);
  }
}

TEST_CASE("Chain dims link the members through the intermediates", "[fusion][group]") {
  const workload::Workload bert = workload::LoadWorkload("bert-base", {.seq_len = 128});
  const std::vector<FusedGroup> groups = FindCandidateGroups(bert);

  // Attention: S[b,h,m,n] and P[b,h,m,k] link qk's b,h,m,n to softmax's b,h,m,n to ×V's b,h,m,k.
  const FusedGroup& attention = GroupLabelled(bert, groups, "attention(qk_matmul+softmax+av_matmul)");
  CHECK(attention.rule == GroupRule::kAttention);
  CHECK(attention.intermediates[0].tensor == "scores");
  CHECK(attention.intermediates[1].tensor == "probs");
  REQUIRE(attention.chain_dims.size() == 4);
  std::vector<std::string> names;
  for (const auto& dim : attention.chain_dims) names.push_back(dim.name);
  CHECK(names == std::vector<std::string>{"b", "h", "m", "n"});
  const auto& keys = attention.chain_dims[3];
  CHECK(keys.size == 128);
  CHECK(keys.softmax_reduced);
  CHECK_FALSE(keys.norm_reduced);
  const workload::Op& av = bert.op(attention.members[2]);
  CHECK(av.dims[keys.member_dims[2]].name == "k");  // ×V reduces over the keys
  CHECK_FALSE(attention.chain_dims[2].softmax_reduced);
  // Member 1 (softmax) reads and writes intermediates; the matmuls each touch one.
  CHECK(attention.IntermediateTensors(0) == 1u << 2);                  // qk's output
  CHECK(attention.IntermediateTensors(1) == ((1u << 0) | (1u << 1)));  // softmax's input and output
  CHECK(attention.IntermediateTensors(2) == 1u << 0);                  // ×V's first operand

  // W_out → add → LayerNorm: the token dim and d_model, the latter LayerNorm's reduced dim.
  const FusedGroup& norm_chain = GroupLabelled(bert, groups, "out_proj+attn_residual+attn_norm");
  CHECK(norm_chain.rule == GroupRule::kContractionVector);
  REQUIRE(norm_chain.chain_dims.size() == 2);
  CHECK(norm_chain.chain_dims[0].name == "m");
  CHECK(norm_chain.chain_dims[1].norm_reduced);

  const FusedGroup& mlp = GroupLabelled(bert, groups, "mlp(ffn_w1+gelu+ffn_w2)");
  CHECK(mlp.rule == GroupRule::kMlp);
  REQUIRE(mlp.chain_dims.size() == 2);
  CHECK(mlp.chain_dims[1].size == 3072);  // d_ff: W1's n, GELU's n, W2's k
}

TEST_CASE("Pre-norm and SwiGLU blocks give their own chains", "[fusion][group]") {
  // GPT-2 (pre-norm): the residual's output feeds the next norm and the next residual, so the
  // chains end at the adds.
  const workload::Workload gpt2 = workload::LoadWorkload("gpt2", {.seq_len = 64});
  CHECK(Labels(gpt2, FindCandidateGroups(gpt2)) ==
        std::vector<std::string>{"qk_matmul+softmax", "attention(qk_matmul+softmax+av_matmul)",
                                 "out_proj+attn_residual", "ffn_w1+gelu", "mlp(ffn_w1+gelu+ffn_w2)",
                                 "ffn_w2+ffn_residual"});
  // LLaMA (SwiGLU): silu feeds the gate product, not a matmul, so there is no mlp group; the gate
  // product reads two intermediates of two different chains.
  const workload::Workload llama = workload::LoadWorkload("llama2-7b", {.seq_len = 64});
  const std::vector<std::string> labels = Labels(llama, FindCandidateGroups(llama));
  CHECK(std::find(labels.begin(), labels.end(), "ffn_w1+silu") != labels.end());
  CHECK(std::find(labels.begin(), labels.end(), "ffn_w1+silu+gate_mul") != labels.end());
  CHECK(std::find(labels.begin(), labels.end(), "ffn_w3+gate_mul") != labels.end());
  CHECK(std::find(labels.begin(), labels.end(), "attention(qk_matmul+softmax+av_matmul)") != labels.end());
  for (const std::string& label : labels) CHECK(label.find("mlp(") == std::string::npos);
}
