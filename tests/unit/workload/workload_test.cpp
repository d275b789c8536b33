#include "loopfront/workload/workload.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "loopfront/util/error.h"

using namespace loopfront::workload;

namespace {

// A vector op `name` reading `inputs` and writing `output`, all over [m, n].
Op Elementwise(const std::string& name, const std::vector<std::string>& inputs, const std::string& output) {
  Op op;
  op.name = name;
  op.kind = OpKind::kAdd;
  op.ops_per_element = {1};
  op.dims = {{"m", 2}, {"n", 3}};
  for (const std::string& input : inputs) op.tensors.push_back({input, TensorRole::kInput, {0, 1}, 8});
  op.tensors.push_back({output, TensorRole::kOutput, {0, 1}, 8});
  return op;
}

}  // namespace

TEST_CASE("Edges follow tensor names from writer to readers", "[workload][graph]") {
  // Given out of order: c reads b's output, b reads a's.
  const Workload workload(
      "chain", {Elementwise("c", {"tb", "x"}, "tc"), Elementwise("a", {"x"}, "ta"), Elementwise("b", {"ta"}, "tb")});
  CHECK(workload.NumOps() == 3);
  CHECK(workload.NumEdges() == 2);
  const std::vector<OpId> order = workload.TopologicalOrder();
  CHECK(order == std::vector<OpId>{1, 2, 0});
  CHECK(workload.Producer("tb") == OpId{2});
  CHECK_FALSE(workload.Producer("x").has_value());
  CHECK(workload.Consumers("x") == std::vector<OpId>{0, 1});
  CHECK(workload.ExternalInputs() == std::vector<std::string>{"x"});
  CHECK(workload.Results() == std::vector<std::string>{"tc"});
  CHECK(workload.Successors(1) == std::vector<OpId>{2});
  CHECK(workload.Predecessors(0) == std::vector<OpId>{2});
  const std::vector<TensorEdge> in_edges = workload.InEdges(0);
  REQUIRE(in_edges.size() == 1);
  CHECK(in_edges[0] == TensorEdge{2, 0, "tb"});
  CHECK(workload.FindOp("b") == OpId{2});
  CHECK_FALSE(workload.FindOp("z").has_value());
}

TEST_CASE("Copies of a workload share one immutable graph", "[workload][graph]") {
  const Workload original("one", {Elementwise("a", {"x"}, "y")});
  const Workload copy = original;
  CHECK(&copy.ops() == &original.ops());
  CHECK(copy.name() == "one");
}

TEST_CASE("FindGraphProblems reports cycles and second writers", "[workload][graph]") {
  const std::vector<Op> cycle = {Elementwise("a", {"x", "tc"}, "ta"), Elementwise("b", {"ta"}, "tb"),
                                 Elementwise("c", {"tb"}, "tc")};
  const std::vector<GraphProblem> problems = FindGraphProblems(cycle);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].op == 0);
  CHECK(problems[0].tensor == std::size_t{1});  // a's input tc closes the cycle
  CHECK(problems[0].message.find("a -(ta)-> b -(tb)-> c -(tc)-> a") != std::string::npos);

  const std::vector<Op> two_writers = {Elementwise("a", {"x"}, "t"), Elementwise("b", {"x"}, "t")};
  const std::vector<GraphProblem> writer_problems = FindGraphProblems(two_writers);
  REQUIRE(writer_problems.size() == 1);
  CHECK(writer_problems[0].op == 1);
  CHECK(writer_problems[0].message.find("second writer of 't'") != std::string::npos);

  CHECK_THROWS_AS(Workload("bad", cycle), loopfront::util::InternalError);
  CHECK_THROWS_AS(Workload("empty", {}), loopfront::util::InternalError);
}

TEST_CASE("Two separate cycles are both reported", "[workload][graph]") {
  const std::vector<Op> ops = {Elementwise("a", {"tb"}, "ta"), Elementwise("b", {"ta"}, "tb"),
                               Elementwise("c", {"td"}, "tc"), Elementwise("d", {"tc"}, "td"),
                               Elementwise("e", {"tb"}, "te")};
  CHECK(FindGraphProblems(ops).size() == 2);
}
