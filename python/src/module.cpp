// The extension module `loopfront._loopfront` (bindings.h): its errors, the presets, the version,
// and the signal polling of RunReleased. The package python/loopfront/__init__.py re-exports it.
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <csignal>
#include <string>
#include <vector>

#include "loopfront/io/input.h"
#include "loopfront/io/presets.h"
#include "loopfront/util/ranges.h"
#include "loopfront/util/error.h"
#include "loopfront/util/signals.h"
#include "loopfront/version.h"
#include "python/src/bindings.h"

namespace loopfront::python {

std::optional<py::error_already_set> WaitPollingSignals(const std::shared_future<void>& finished) {
  std::optional<py::error_already_set> raised;
  py::gil_scoped_release release;
  while (finished.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (raised) continue;
    py::gil_scoped_acquire acquire;
    // Runs the handlers only on the main thread (Python's rule); elsewhere it returns 0.
    if (PyErr_CheckSignals() != 0) {
      raised.emplace();  // fetches and clears the raised error
      util::RequestStop(SIGINT);
    }
  }
  return raised;
}

void ClearStopRequest() { util::ClearStopRequest(); }

namespace {

// What presets() returns: the preset names by kind, as `loopfront list` prints them.
py::dict Presets() {
  py::dict presets;
  presets["architectures"] = io::PresetNames(io::PresetKind::kArchitecture);
  presets["workloads"] = io::PresetNames(io::PresetKind::kWorkload);
  presets["experiments"] = io::PresetNames(io::PresetKind::kExperiment);
  return presets;
}

// The keyword argument that stands for a command-line option a diagnostic names: the library's
// registries and checks name `--param`, `--cost-param`, `--budget-evals`, … as the CLI spells them;
// the functions of this module take them as params, cost_params, budget_evals, … . Other paths
// (YAML keys, keywords already) stay.
std::string KeywordPath(const std::string& path) {
  if (path.rfind("--", 0) != 0) return path;
  std::string keyword = path.substr(2);
  std::replace(keyword.begin(), keyword.end(), '-', '_');
  if (keyword == "param" || keyword == "cost_param") keyword += 's';
  return keyword;
}

// ConfigError carries the CLI's message (one `file:line:col: key.path: expected …, got …` line per
// problem, an option named by its keyword) and the problems as dicts in `.diagnostics`.
void RegisterErrors(py::module_& module) {
  static py::exception<util::ConfigError> config_error(module, "ConfigError", PyExc_ValueError);
  static py::exception<util::InternalError> internal_error(module, "InternalError", PyExc_RuntimeError);
  config_error.doc() =
      "The input is wrong (a YAML key, an argument, a mapping that does not fit): the message has one "
      "`file:line:col: key.path: expected …, got …` line per problem, as the CLI prints them; "
      "`.diagnostics` holds them as dicts (file, line, column, path, message).";
  internal_error.doc() = "A bug in loopfront (the CLI's exit code 1): please report it.";
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const util::ConfigError& error) {
      py::list diagnostics;
      std::string message;
      for (util::Diagnostic diagnostic : error.diagnostics()) {
        diagnostic.path = KeywordPath(diagnostic.path);
        message += (message.empty() ? "" : "\n") + diagnostic.ToString();
        py::dict item;
        item["file"] = diagnostic.file;
        item["line"] = diagnostic.line;
        item["column"] = diagnostic.column;
        item["path"] = diagnostic.path;
        item["message"] = diagnostic.message;
        item["text"] = diagnostic.ToString();
        diagnostics.append(item);
      }
      py::object instance = py::reinterpret_borrow<py::object>(config_error)(py::str(message));
      instance.attr("diagnostics") = diagnostics;
      PyErr_SetObject(config_error.ptr(), instance.ptr());
    } catch (const util::InternalError& error) {
      internal_error((std::string("internal error (a bug in loopfront, please report it): ") + error.what()).c_str());
    }
  });
}

}  // namespace

PYBIND11_MODULE(_loopfront, module) {
  module.doc() = "loopfront's library: load, evaluate and search mappings of Transformer ops (docs/python.md)";
  module.attr("__version__") = kVersion;
  module.attr("git_commit") = kGitCommit;
  RegisterErrors(module);
  BindLoad(module);
  BindEvaluate(module);
  BindMapspace(module);
  BindSearch(module);
  BindRun(module);
  // The CLI's --max-input-bytes: one setting of the library, read by every loader (io/input.h).
  module.def(
      "max_input_bytes", [](std::optional<std::int64_t> bytes) {
        if (bytes) {
          if (!util::kInputBytesRange.Contains(*bytes)) {
            throw util::ConfigError("max_input_bytes: " + util::OutOfRangeMessage(util::kInputBytesRange, *bytes));
          }
          io::SetMaxInputBytes(*bytes);
        }
        return io::MaxInputBytes();
      },
      py::arg("bytes") = py::none(),
      "The size limit of every input file in bytes (64 MiB by default; the CLI's --max-input-bytes); "
      "max_input_bytes(n) sets it to n in [1, 2**40] first. Returns the limit in force.");
  module.def("presets", &Presets,
             "The preset names by kind: {'architectures': [...], 'workloads': [...], 'experiments': [...]}");
}

}  // namespace loopfront::python
