#include "loopfront/workload/workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "loopfront/util/error.h"
#include "loopfront/util/strings.h"

namespace loopfront::workload {
namespace {

struct EdgeTensor {
  std::string tensor;
};

// vecS vertices: a vertex descriptor is the OpId. bidirectionalS: in-edges are needed for
// predecessors and for cycle reporting.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, EdgeTensor>;

struct TensorIndex {
  std::map<std::string, OpId, std::less<>> producer;  // the first op that writes each tensor
  std::vector<GraphProblem> second_writers;
};

TensorIndex IndexProducers(const std::vector<Op>& ops) {
  TensorIndex index;
  for (OpId op_id = 0; op_id < ops.size(); ++op_id) {
    for (std::size_t tensor_idx = 0; tensor_idx < ops[op_id].tensors.size(); ++tensor_idx) {
      const Tensor& tensor = ops[op_id].tensors[tensor_idx];
      if (tensor.role != TensorRole::kOutput) continue;
      const auto [first, inserted] = index.producer.emplace(tensor.name, op_id);
      if (!inserted) {
        index.second_writers.push_back(GraphProblem{
            .op = op_id,
            .tensor = tensor_idx,
            .message = fmt::format("expected each tensor to be written by one op, got a second writer of '{}' "
                                   "(op '{}' writes it too)",
                                   tensor.name, ops[first->second].name)});
      }
    }
  }
  return index;
}

Graph BuildGraph(const std::vector<Op>& ops, const TensorIndex& index) {
  Graph graph(ops.size());
  for (OpId consumer = 0; consumer < ops.size(); ++consumer) {
    for (const Tensor& tensor : ops[consumer].tensors) {
      if (tensor.role == TensorRole::kOutput) continue;
      const auto producer = index.producer.find(tensor.name);
      if (producer == index.producer.end()) continue;
      boost::add_edge(producer->second, consumer, EdgeTensor{tensor.name}, graph);
    }
  }
  return graph;
}

// Kahn's algorithm over the vertices not in `removed`, always taking the smallest ready OpId, so
// the order is the given order wherever dependencies allow. Returns the ordered vertices; those
// left out lie on or behind a cycle.
std::vector<OpId> KahnOrder(const Graph& graph, const std::vector<bool>& removed) {
  const std::size_t vertex_count = boost::num_vertices(graph);
  std::vector<std::size_t> pending_inputs(vertex_count, 0);
  for (OpId op_id = 0; op_id < vertex_count; ++op_id) {
    if (removed[op_id]) continue;
    for (const auto edge : boost::make_iterator_range(boost::in_edges(op_id, graph))) {
      if (!removed[boost::source(edge, graph)]) ++pending_inputs[op_id];
    }
  }
  std::priority_queue<OpId, std::vector<OpId>, std::greater<>> ready;
  for (OpId op_id = 0; op_id < vertex_count; ++op_id) {
    if (!removed[op_id] && pending_inputs[op_id] == 0) ready.push(op_id);
  }
  std::vector<OpId> order;
  while (!ready.empty()) {
    const OpId op_id = ready.top();
    ready.pop();
    order.push_back(op_id);
    for (const auto edge : boost::make_iterator_range(boost::out_edges(op_id, graph))) {
      const OpId target = boost::target(edge, graph);
      if (removed[target]) continue;
      if (--pending_inputs[target] == 0) ready.push(target);
    }
  }
  return order;
}

// Finds every cycle left after peeling acyclic parts, one at a time: walk back along in-edges
// from an unordered vertex (each has an unordered predecessor) until a vertex repeats.
std::vector<GraphProblem> FindCycles(const std::vector<Op>& ops, const Graph& graph) {
  std::vector<GraphProblem> problems;
  std::vector<bool> removed(ops.size(), false);
  while (true) {
    for (const OpId op_id : KahnOrder(graph, removed)) removed[op_id] = true;
    const auto start = std::find(removed.begin(), removed.end(), false);
    if (start == removed.end()) return problems;

    std::vector<OpId> walk{static_cast<OpId>(start - removed.begin())};
    std::map<OpId, std::size_t> position_in_walk{{walk.back(), 0}};
    while (true) {
      std::optional<OpId> found;
      for (const auto edge : boost::make_iterator_range(boost::in_edges(walk.back(), graph))) {
        if (!removed[boost::source(edge, graph)]) {
          found = boost::source(edge, graph);
          break;
        }
      }
      if (!found) throw util::InternalError("FindCycles: a vertex Kahn left unordered has no unordered input");
      const OpId predecessor = *found;
      const auto seen = position_in_walk.find(predecessor);
      if (seen != position_in_walk.end()) {
        // walk[seen..] read backwards is the cycle in data-flow order.
        std::vector<OpId> cycle(walk.begin() + static_cast<std::ptrdiff_t>(seen->second), walk.end());
        std::reverse(cycle.begin(), cycle.end());
        const auto smallest = std::min_element(cycle.begin(), cycle.end());
        std::rotate(cycle.begin(), smallest, cycle.end());
        std::string path = ops[cycle.front()].name;
        std::size_t closing_tensor = 0;
        for (std::size_t step = 0; step < cycle.size(); ++step) {
          const OpId from = cycle[step];
          const OpId to = cycle[(step + 1) % cycle.size()];
          const std::string& tensor = ops[from].Output().name;
          path += fmt::format(" -({})-> {}", tensor, ops[to].name);
          if (to == cycle.front()) {
            for (std::size_t tensor_idx = 0; tensor_idx < ops[to].tensors.size(); ++tensor_idx) {
              const Tensor& candidate = ops[to].tensors[tensor_idx];
              if (candidate.role != TensorRole::kOutput && candidate.name == tensor) closing_tensor = tensor_idx;
            }
          }
        }
        problems.push_back(
            GraphProblem{.op = cycle.front(),
                         .tensor = closing_tensor,
                         .message = fmt::format("expected the ops to form an acyclic graph, got the cycle {}", path)});
        for (const OpId op_id : cycle) removed[op_id] = true;
        break;
      }
      position_in_walk.emplace(predecessor, walk.size());
      walk.push_back(predecessor);
    }
  }
}

}  // namespace

std::vector<GraphProblem> FindGraphProblems(const std::vector<Op>& ops) {
  const TensorIndex index = IndexProducers(ops);
  std::vector<GraphProblem> problems = index.second_writers;
  const std::vector<GraphProblem> cycles = FindCycles(ops, BuildGraph(ops, index));
  problems.insert(problems.end(), cycles.begin(), cycles.end());
  return problems;
}

struct Workload::Impl {
  std::string name;
  std::vector<Op> ops;
  Graph graph;
  std::vector<OpId> topological_order;
  std::map<std::string, OpId, std::less<>> producer;
};

Workload::Workload(std::string name, std::vector<Op> ops) {
  std::vector<std::string> problems;
  std::set<std::string> op_names;
  for (const Op& op : ops) {
    const std::vector<std::string> op_problems = CheckOp(op);
    problems.insert(problems.end(), op_problems.begin(), op_problems.end());
    if (!op_names.insert(op.name).second) problems.push_back(fmt::format("op name '{}' appears twice", op.name));
  }
  if (ops.empty()) problems.emplace_back("no ops");
  if (problems.empty()) {
    for (const GraphProblem& problem : FindGraphProblems(ops)) {
      problems.push_back(fmt::format("op '{}': {}", ops[problem.op].name, problem.message));
    }
  }
  if (!problems.empty()) {
    throw util::InternalError(
        fmt::format("workload '{}' built from invalid ops: {}", name, util::Join(problems, "; ")));
  }

  auto impl = std::make_shared<Impl>();
  TensorIndex index = IndexProducers(ops);
  impl->graph = BuildGraph(ops, index);
  impl->topological_order = KahnOrder(impl->graph, std::vector<bool>(ops.size(), false));
  impl->producer = std::move(index.producer);
  impl->name = std::move(name);
  impl->ops = std::move(ops);
  impl_ = std::move(impl);
}

const std::string& Workload::name() const { return impl_->name; }
const std::vector<Op>& Workload::ops() const { return impl_->ops; }
std::size_t Workload::NumOps() const { return impl_->ops.size(); }
std::size_t Workload::NumEdges() const { return boost::num_edges(impl_->graph); }
const std::vector<OpId>& Workload::TopologicalOrder() const { return impl_->topological_order; }

const Op& Workload::op(OpId id) const {
  if (id >= impl_->ops.size()) throw util::InternalError(fmt::format("OpId {} out of range", id));
  return impl_->ops[id];
}

std::optional<OpId> Workload::FindOp(std::string_view op_name) const {
  for (OpId op_id = 0; op_id < impl_->ops.size(); ++op_id) {
    if (impl_->ops[op_id].name == op_name) return op_id;
  }
  return std::nullopt;
}

std::vector<TensorEdge> Workload::InEdges(OpId id) const {
  op(id);  // range check
  std::vector<TensorEdge> edges;
  for (const auto edge : boost::make_iterator_range(boost::in_edges(id, impl_->graph))) {
    edges.push_back(TensorEdge{boost::source(edge, impl_->graph), id, impl_->graph[edge].tensor});
  }
  return edges;
}

std::vector<TensorEdge> Workload::OutEdges(OpId id) const {
  op(id);
  std::vector<TensorEdge> edges;
  for (const auto edge : boost::make_iterator_range(boost::out_edges(id, impl_->graph))) {
    edges.push_back(TensorEdge{id, boost::target(edge, impl_->graph), impl_->graph[edge].tensor});
  }
  return edges;
}

std::vector<TensorEdge> Workload::Edges() const {
  std::vector<TensorEdge> edges;
  for (OpId op_id = 0; op_id < impl_->ops.size(); ++op_id) {
    const std::vector<TensorEdge> incoming = InEdges(op_id);
    edges.insert(edges.end(), incoming.begin(), incoming.end());
  }
  return edges;
}

std::vector<OpId> Workload::Predecessors(OpId id) const {
  std::set<OpId> ids;
  for (const TensorEdge& edge : InEdges(id)) ids.insert(edge.producer);
  return {ids.begin(), ids.end()};
}

std::vector<OpId> Workload::Successors(OpId id) const {
  std::set<OpId> ids;
  for (const TensorEdge& edge : OutEdges(id)) ids.insert(edge.consumer);
  return {ids.begin(), ids.end()};
}

std::optional<OpId> Workload::Producer(std::string_view tensor) const {
  const auto found = impl_->producer.find(tensor);
  if (found == impl_->producer.end()) return std::nullopt;
  return found->second;
}

std::vector<OpId> Workload::Consumers(std::string_view tensor) const {
  std::vector<OpId> consumers;
  for (OpId op_id = 0; op_id < impl_->ops.size(); ++op_id) {
    const Tensor* found = impl_->ops[op_id].FindTensor(tensor);
    if (found != nullptr && found->role != TensorRole::kOutput) consumers.push_back(op_id);
  }
  return consumers;
}

std::vector<std::string> Workload::ExternalInputs() const {
  std::vector<std::string> names;
  for (const Op& op : impl_->ops) {
    for (const Tensor& tensor : op.tensors) {
      if (tensor.role == TensorRole::kOutput || impl_->producer.contains(tensor.name)) continue;
      if (std::find(names.begin(), names.end(), tensor.name) == names.end()) names.push_back(tensor.name);
    }
  }
  return names;
}

std::vector<std::string> Workload::Results() const {
  std::vector<std::string> names;
  for (OpId op_id = 0; op_id < impl_->ops.size(); ++op_id) {
    if (boost::out_degree(op_id, impl_->graph) == 0) names.push_back(impl_->ops[op_id].Output().name);
  }
  return names;
}

}  // namespace loopfront::workload
