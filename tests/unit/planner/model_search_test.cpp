#include "loopfront/planner/model_search.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>
#include <vector>

#include "loopfront/arch/loader.h"
#include "loopfront/workload/generation.h"
#include "loopfront/workload/loader.h"
#include "loopfront/workload/transformer.h"

using namespace loopfront;

namespace {

// A small post-norm encoder: every op kind of BERT, searched in well under a second.
workload::TransformerSpec TinyEncoder() {
  return workload::TransformerSpec{
      .name = "tiny", .d_model = 64, .heads = 2, .d_head = 32, .d_ff = 128, .layers = 2, .seq_len = 32};
}

planner::ModelSearchOptions SmallBudget(int threads, bool fusion = true) {
  planner::ModelSearchOptions options;
  options.op_budget.max_evaluations = 3000;
  options.threads = threads;
  options.fusion = fusion;
  options.screened_tilings = 6;
  options.refined_tilings = 2;
  return options;
}

planner::ModelSearchResult Search(const std::vector<planner::ModelPart>& parts,
                                  const planner::ModelSearchOptions& options,
                                  const std::string& arch = "gemmini-ibert") {
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  const auto searcher = search::BuiltinSearchers().Create("genetic");
  return planner::SearchModel(parts, arch::LoadArchitecture(arch), *cost_model, *searcher, options);
}

template <typename Payload>
void CheckNonDominated(const pareto::Front<Payload>& front) {
  for (const auto& a : front.points()) {
    for (const auto& b : front.points()) CHECK_FALSE(pareto::Dominates(a.objectives, b.objectives));
  }
}

// Every point of `worse` is weakly dominated by a point of `better`.
template <typename Payload>
bool NowhereBetter(const pareto::Front<Payload>& worse, const pareto::Front<Payload>& better) {
  for (const auto& point : worse.points()) {
    bool covered = false;
    for (const auto& other : better.points()) covered |= pareto::WeaklyDominates(other.objectives, point.objectives);
    if (!covered) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("OpShapeKey ignores names and counts, not shapes", "[search][model]") {
  const workload::Workload bert = workload::BuildTransformer(TinyEncoder());
  const auto key = [&](const std::string& name) { return planner::OpShapeKey(bert.op(*bert.FindOp(name))); };
  CHECK(key("q_proj") == key("out_proj"));
  CHECK(key("attn_residual") == key("ffn_residual"));
  CHECK(key("attn_norm") == key("ffn_norm"));
  CHECK(key("q_proj") != key("ffn_w1"));
  CHECK(key("ffn_w1") != key("ffn_w2"));
  CHECK(key("qk_matmul") != key("av_matmul"));
  workload::Op renamed = bert.op(*bert.FindOp("gelu"));
  renamed.name = "other";
  renamed.count = 99;
  renamed.tensors[0].name = "elsewhere";
  CHECK(planner::OpShapeKey(renamed) == key("gelu"));
  CHECK(std::hash<planner::OpShapeKey>{}(planner::OpShapeKey(renamed)) ==
        std::hash<planner::OpShapeKey>{}(key("gelu")));
}

TEST_CASE("OpShapeKey: equal keys, equal texts (the text seeds the search)", "[search][model]") {
  const workload::Workload bert = workload::BuildTransformer(TinyEncoder());
  for (const workload::Op& op : bert.ops()) {
    for (const workload::Op& other : bert.ops()) {
      const planner::OpShapeKey key(op);
      const planner::OpShapeKey other_key(other);
      CHECK((key == other_key) == (key.ToString() == other_key.ToString()));
    }
  }
  CHECK(planner::OpShapeKey(bert.op(*bert.FindOp("gelu"))).ToString().starts_with("gelu|"));
}

TEST_CASE("The model front: identical ops searched once, non-dominated, latency extreme = Σ minima",
          "[search][model]") {
  const workload::Workload workload = workload::BuildTransformer(TinyEncoder());
  const planner::ModelSearchResult result = Search({{workload, 1.0, ""}}, SmallBudget(1));
  const planner::ModelSearchStatistics& statistics = result.statistics;
  // 14 ops, 9 shapes: q/k/v/out projections, the two adds and the two norms share a search.
  CHECK(statistics.ops == 14);
  CHECK(statistics.op_searches == 9);
  std::unordered_set<planner::OpShapeKey> keys;
  for (const workload::Op& op : workload.ops()) keys.insert(planner::OpShapeKey(op));
  CHECK(static_cast<std::int64_t>(keys.size()) == statistics.op_searches);
  CHECK(statistics.candidate_groups == 8);
  CHECK(statistics.member_searches > 0);

  REQUIRE_FALSE(result.fused.empty());
  REQUIRE_FALSE(result.unfused.empty());
  CheckNonDominated(result.fused);
  CheckNonDominated(result.unfused);
  // Without fusion the fastest model point takes every op's fastest point, weighted by its count.
  const planner::PartResult& part = result.part_results[0];
  double fastest = 0.0;
  double fastest_energy = 0.0;
  for (std::size_t id = 0; id < workload.NumOps(); ++id) {
    fastest += static_cast<double>(workload.op(id).count) * part.op_fronts[id].MinLatency()->objectives.latency_cycles;
    fastest_energy +=
        static_cast<double>(workload.op(id).count) * part.op_fronts[id].MinLatency()->objectives.energy_pj;
  }
  CHECK(result.unfused.MinLatency()->objectives.latency_cycles == Approx(fastest).epsilon(1e-12));
  // Ties in latency may pick a lower energy; never a higher one.
  CHECK(result.unfused.MinLatency()->objectives.energy_pj <= fastest_energy * (1 + 1e-12));
  // With fusion the extreme can only be faster.
  CHECK(result.fused.MinLatency()->objectives.latency_cycles <= fastest * (1 + 1e-12));
  // Fusion never makes the front worse, and every plan names its groups.
  CHECK(NowhereBetter(result.unfused, result.fused));
  for (const auto& point : result.unfused.points()) CHECK(result.PlanLabel(point.payload) == "none");
  // The breakdown of the knee adds up to the knee.
  const auto* knee = result.fused.Knee();
  const auto cost_model = cost::BuiltinCostModels().Create("dataflow");
  double latency = 0.0;
  double energy = 0.0;
  for (const planner::BreakdownRow& row : result.Breakdown(knee->payload, *cost_model)) {
    latency += row.latency_cycles;
    energy += row.energy_pj;
    CHECK(row.count == 2);  // layers
    CHECK_FALSE(row.bounding.empty());
  }
  CHECK(latency == Approx(knee->objectives.latency_cycles).epsilon(1e-9));
  CHECK(energy == Approx(knee->objectives.energy_pj).epsilon(1e-9));
}

TEST_CASE("Model fronts are identical for 1 and 2 threads with an evaluation budget", "[search][model]") {
  const workload::Workload workload = workload::BuildTransformer(TinyEncoder());
  const planner::ModelSearchResult one = Search({{workload, 1.0, ""}}, SmallBudget(1));
  const planner::ModelSearchResult two = Search({{workload, 1.0, ""}}, SmallBudget(2));
  CHECK(one.statistics.threads == 1);
  CHECK(two.statistics.threads == 2);
  CHECK(one.statistics.evaluations == two.statistics.evaluations);
  REQUIRE(one.fused.size() == two.fused.size());
  for (std::size_t index = 0; index < one.fused.size(); ++index) {
    CHECK(one.fused.points()[index].objectives == two.fused.points()[index].objectives);
    CHECK(one.PlanLabel(one.fused.points()[index].payload) == two.PlanLabel(two.fused.points()[index].payload));
  }
  REQUIRE(one.unfused.size() == two.unfused.size());
  for (std::size_t index = 0; index < one.unfused.size(); ++index) {
    CHECK(one.unfused.points()[index].objectives == two.unfused.points()[index].objectives);
  }
}

TEST_CASE("Without fusion no group is searched", "[search][model]") {
  const workload::Workload workload = workload::BuildTransformer(TinyEncoder());
  const planner::ModelSearchResult result = Search({{workload, 1.0, ""}}, SmallBudget(1, /*fusion=*/false));
  CHECK(result.statistics.candidate_groups == 0);
  CHECK(result.statistics.member_searches == 0);
  REQUIRE(result.fused.size() == result.unfused.size());
  // The unfused front does not depend on whether groups were searched (same op seeds).
  const planner::ModelSearchResult fused = Search({{workload, 1.0, ""}}, SmallBudget(1));
  REQUIRE(fused.unfused.size() == result.unfused.size());
  for (std::size_t index = 0; index < result.unfused.size(); ++index) {
    CHECK(fused.unfused.points()[index].objectives == result.unfused.points()[index].objectives);
  }
}

TEST_CASE("Decode generations of GPT-2 and LLaMA-2-7B run as weighted kv_len buckets", "[search][model][decode]") {
  for (const std::string model : {"gpt2", "llama2-7b"}) {
    CAPTURE(model);
    const workload::WorkloadSpec spec = workload::LoadWorkloadSpec(model, {.seq_len = 64});
    std::vector<planner::ModelPart> parts;
    double steps = 0.0;
    for (const workload::GenerationStep& step : workload::DecodeGeneration(*spec.transformer, 3)) {
      parts.push_back({workload::BuildTransformer(step.spec), static_cast<double>(step.bucket.steps), step.label});
      steps += static_cast<double>(step.bucket.steps);
    }
    CHECK(steps == 64);
    planner::ModelSearchOptions options = SmallBudget(2);
    options.op_budget.max_evaluations = 1000;
    const planner::ModelSearchResult result = Search(parts, options);
    REQUIRE_FALSE(result.fused.empty());
    CheckNonDominated(result.fused);
    CHECK(NowhereBetter(result.unfused, result.fused));
    // The projections are the same op in every step: searched once for the whole generation.
    std::unordered_set<planner::OpShapeKey> keys;
    for (const planner::ModelPart& part : result.parts) {
      for (const workload::Op& op : part.workload.ops()) keys.insert(planner::OpShapeKey(op));
    }
    CHECK(static_cast<std::int64_t>(keys.size()) == result.statistics.op_searches);
    CHECK(result.statistics.ops == 3 * static_cast<std::int64_t>(result.parts[0].workload.NumOps()));
    // The generation costs the steps' sum: the fastest point is Σ steps × each step's fastest.
    double fastest = 0.0;
    for (std::size_t part = 0; part < result.parts.size(); ++part) {
      fastest += result.parts[part].weight * result.part_results[part].unfused.MinLatency()->objectives.latency_cycles;
    }
    CHECK(result.unfused.MinLatency()->objectives.latency_cycles == Approx(fastest).epsilon(1e-12));
    // A group over the same ops in the first and the last step (the MLP) is the same searches and
    // the same front (the planner builds it once); one that reads the step's kv_len (attention)
    // has searches of its own.
    const planner::PartResult& first_part = result.part_results.front();
    const planner::PartResult& last_part = result.part_results.back();
    REQUIRE(first_part.group_results.size() == last_part.group_results.size());
    int same_groups = 0;
    int own_groups = 0;
    for (std::size_t group = 0; group < first_part.group_results.size(); ++group) {
      const planner::GroupResult& first = first_part.group_results[group];
      const planner::GroupResult& last = last_part.group_results[group];
      CAPTURE(first.label);
      REQUIRE(first.group.members == last.group.members);
      REQUIRE_FALSE(first.searches.empty());
      bool same_ops = true;
      for (const workload::OpId id : first.group.members) {
        same_ops &= result.parts.front().workload.op(id) == result.parts.back().workload.op(id);
      }
      if (same_ops) {
        ++same_groups;
        REQUIRE(first.searches.size() == last.searches.size());
        for (std::size_t search = 0; search < first.searches.size(); ++search) {
          CHECK(first.searches[search].member_records == last.searches[search].member_records);
        }
        REQUIRE(first.front.size() == last.front.size());
        for (std::size_t point = 0; point < first.front.size(); ++point) {
          CHECK(first.front.points()[point].objectives == last.front.points()[point].objectives);
        }
      } else {
        ++own_groups;
        CHECK(first.searches.front().member_records != last.searches.front().member_records);
      }
    }
    CHECK(same_groups > 0);
    CHECK(own_groups > 0);
  }
}

TEST_CASE("The survey's fusion results on gemmini-ibert at 512 tokens", "[search][model][survey]") {
  // Kim et al. (arXiv 2302.14017) Sec. 5.5: fusing Q×K^T with softmax wins on Gemmini with I-BERT
  // units; fusing W2 with (add and) LayerNorm loses at BERT-Base scale. Each pair is searched as a
  // workload of its own (the rest of the block does not change its groups).
  const workload::Workload bert = workload::LoadWorkload("bert-base", {.seq_len = 512});
  auto sub_workload = [&](const std::vector<std::string>& names) {
    std::vector<workload::Op> ops;
    for (const std::string& name : names) ops.push_back(bert.op(*bert.FindOp(name)));
    return workload::Workload("bert-base-part", ops);
  };
  planner::ModelSearchOptions options;
  options.threads = 2;
  SECTION("Q×K^T + softmax: fused is faster and cheaper") {
    const planner::ModelSearchResult result = Search({{sub_workload({"qk_matmul", "softmax"}), 1.0, ""}}, options);
    const planner::GroupResult& group = result.part_results[0].group_results.at(0);
    REQUIRE(group.label == "qk_matmul+softmax");
    REQUIRE_FALSE(group.front.empty());
    const auto& unfused = *result.unfused.Knee();
    const auto& fused = *result.fused.Knee();
    CHECK(result.PlanLabel(fused.payload) == "qk_matmul+softmax");
    CHECK(fused.objectives.latency_cycles < 0.8 * unfused.objectives.latency_cycles);
    CHECK(fused.objectives.energy_pj < unfused.objectives.energy_pj);
  }
  SECTION("W2 + add + LayerNorm: fused is slower") {
    const planner::ModelSearchResult result =
        Search({{sub_workload({"ffn_w2", "ffn_residual", "ffn_norm"}), 1.0, ""}}, options);
    const planner::PartResult& part = result.part_results[0];
    const planner::GroupResult* norm_group = nullptr;
    for (const planner::GroupResult& group : part.group_results) {
      if (group.label == "ffn_w2+ffn_residual+ffn_norm") norm_group = &group;
    }
    REQUIRE(norm_group != nullptr);
    REQUIRE_FALSE(norm_group->front.empty());
    // The group's fastest point against the three ops' fastest points, per execution.
    double unfused = 0.0;
    for (const auto& front : part.op_fronts) unfused += front.MinLatency()->objectives.latency_cycles;
    CHECK(norm_group->front.MinLatency()->objectives.latency_cycles > unfused);
  }
}
