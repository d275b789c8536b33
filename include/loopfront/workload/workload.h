// A workload (DESIGN §2.2): the ops of a model as a directed acyclic graph. Vertices are ops;
// an edge runs from the op that writes a tensor to each op that reads it, and carries the tensor's
// name. Edges are derived from names only: op B depends on op A when one of B's input or weight
// tensors has the name of A's output. Tensors that no op writes (the model's input, weights, a KV
// cache filled before the workload starts) are the workload's external inputs; tensors that no op
// reads are its results.
//
// A workload built from a Transformer spec holds the ops of ONE block, each with count = layers:
// the blocks of a model are identical, so one block's graph (with its real producer→consumer
// edges) and the count describe the whole stack without building `layers` copies.
//
// Ops are identified by OpId, their index in the order they were given; TopologicalOrder() lists
// them so that every producer comes before its consumers, keeping the given order wherever the
// dependencies allow (so a file's order, or a Transformer block's natural order, is preserved).
//
// The graph is a Boost.Graph adjacency_list kept behind this header (shared/STYLE.md: Boost.Graph
// stays in the workload layer); callers see ops, OpIds and TensorEdges.
//
// A Workload is an immutable value: cheap to copy (copies share the graph), and safe to read from
// many threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopfront/workload/op.h"

namespace loopfront::workload {

using OpId = std::size_t;

struct TensorEdge {
  OpId producer = 0;
  OpId consumer = 0;
  std::string tensor{};
  bool operator==(const TensorEdge&) const = default;
};

// A reason a list of ops does not form a DAG, pointing at the op (and its tensor) to blame so that
// a loader can report it at that op's position in the user's file.
struct GraphProblem {
  OpId op = 0;
  std::optional<std::size_t> tensor{};  // index into the op's tensors
  std::string message{};                // "expected ..., got ..." without a position
};

// Problems that stop `ops` from forming a DAG: a tensor written by two ops (reported at the
// later writer), and cycles (one problem per cycle found, naming the ops and tensors around it).
// `ops` must satisfy CheckOp.
std::vector<GraphProblem> FindGraphProblems(const std::vector<Op>& ops);

class Workload {
 public:
  // Builds the graph. Every op must satisfy CheckOp, op names must be unique, and
  // FindGraphProblems must find nothing; otherwise this throws util::InternalError (loaders check
  // user input first and report it with file positions).
  Workload(std::string name, std::vector<Op> ops);

  const std::string& name() const;
  const std::vector<Op>& ops() const;
  const Op& op(OpId id) const;
  std::size_t NumOps() const;
  std::size_t NumEdges() const;
  std::optional<OpId> FindOp(std::string_view op_name) const;

  // Every op once, producers before consumers; ties keep the given order.
  const std::vector<OpId>& TopologicalOrder() const;

  // All edges, ordered by consumer then by the consumer's tensor order.
  std::vector<TensorEdge> Edges() const;
  std::vector<TensorEdge> InEdges(OpId id) const;
  std::vector<TensorEdge> OutEdges(OpId id) const;
  // Distinct neighbours, in OpId order.
  std::vector<OpId> Predecessors(OpId id) const;
  std::vector<OpId> Successors(OpId id) const;

  // The op that writes `tensor`, or nullopt for an external input or an unknown name.
  std::optional<OpId> Producer(std::string_view tensor) const;
  // The ops that read `tensor` (as input or weight), in OpId order; works for external inputs too.
  std::vector<OpId> Consumers(std::string_view tensor) const;
  // Tensor names read by some op and written by none, in order of first use.
  std::vector<std::string> ExternalInputs() const;
  // Tensor names written by some op and read by none, in OpId order.
  std::vector<std::string> Results() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace loopfront::workload
