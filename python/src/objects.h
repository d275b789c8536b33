// The C++ side of the Python module's objects that more than one binding file takes as arguments
// (bindings.h). Architectures are arch::Architecture itself (class `Architecture`, load.cpp).
#pragma once

#include <string>

#include "loopfront/experiment/model_input.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/problem.h"
#include "python/src/bindings.h"
#include "loopfront/workload/op.h"

namespace loopfront::python {

// `Workload`: what Workload.load was given (the model and its overrides, as `search --model` and an
// experiment's `model:` take them) and what that resolved to.
struct Workload {
  experiment::ModelRequest request;
  experiment::ResolvedModel resolved;
};

// `Op`: one op, and how messages and reports name it — the spec text for Op.parse (as `--op`
// does), "workload:op_name" for an op taken from a workload (as `--workload W --op-name N` does).
struct Op {
  workload::Op op;
  std::string label;
};

// `Constraints`: mapspace constraints resolved against one op on one architecture (a constraints
// YAML file, docs/search.md, or Timeloop's, from_timeloop); Mapspace and search take them.
struct Constraints {
  mapping::Constraints constraints;
  std::string source;  // the file(s) they came from, for messages
};

// A `constraints=` argument (Mapspace, search): None (no constraints), a Constraints object, or the
// path of a constraints YAML file (str or os.PathLike) read against `problem`; else a TypeError.
// Defined in mapspace.cpp.
mapping::Constraints ResolveConstraintsArgument(const py::object& constraints, const mapping::Problem& problem);

}  // namespace loopfront::python
