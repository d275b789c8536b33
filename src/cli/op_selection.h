// The options every single-op command shares (`eval`, `search`): which architecture, which op,
// and which cost model, and their resolution into a compiled mapping::Problem and a CostModel.
//
//   --arch NAME|FILE                          architecture preset or YAML file (arch/loader.h)
//   --op SPEC                                 e.g. "matmul m=512 n=768 k=768" (workload/op_spec.h)
//   --workload NAME|FILE --op-name NAME       or one op of a workload preset or file
//   --cost-model NAME                         a registered cost model (default dataflow)
//   --cost-param NAME=VALUE                   one of its declared parameters (repeatable)
//
// Errors are util::ConfigError (exit 2): an unknown preset, op kind, op name or cost model comes
// with "did you mean", as does an unknown cost-model parameter; giving both or neither of --op and --workload is an
// error naming them. Thread-safety: none needed; used once per command invocation.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/loader.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/workload/op.h"

namespace loopfront::cli {

// The raw option values; empty strings are "not given".
struct OpSelectionOptions {
  std::string arch;
  std::string op_spec;
  std::string workload;
  std::string op_name;
  std::string cost_model = "dataflow";
  std::vector<std::string> cost_params{};  // NAME=VALUE
};

// Declares the options above on `command`, storing into `options` (which must outlive parsing).
// With `required` false, --arch and the op may be omitted (a command that can take them from
// elsewhere, such as a mapping file naming `arch:` and `op:`, checks them itself).
void AddOpSelectionOptions(CLI::App& command, OpSelectionOptions& options, bool required = true);

struct OpSelection {
  arch::Architecture architecture;
  workload::Op op;
  mapping::Problem problem;  // op × architecture, compiled
  std::unique_ptr<cost::CostModel> cost_model;
  std::string op_label;  // how messages name the op: the spec string, or "workload:op_name"
};

// Loads the architecture, picks or parses the op, builds the Problem and creates the cost model.
// Throws util::ConfigError for anything wrong in `options` (all option problems at once where they
// are independent).
OpSelection ResolveOpSelection(const OpSelectionOptions& options);

// As above, with what the command line leaves out (--arch, the op) taken from the mapping file's
// header (`arch:`, `op:` or `workload:` + `op_name:`), each separately; where both name the same
// thing they must agree (`eval`, `export timeloop`). Throws util::ConfigError otherwise.
OpSelection ResolveOpSelection(const OpSelectionOptions& options, const mapping::MappingFile& file);

// The op named by `op_spec`, or by `workload` + `op_name` (exactly one of the two forms).
workload::Op ResolveOp(const std::string& op_spec, const std::string& workload, const std::string& op_name);

}  // namespace loopfront::cli
