// Mapspaces and your own search loops (bindings.h, docs/python.md): `Mapspace` (sample, decode and
// repair genes, search/genes.h), `evaluate_many` (genes or one-line mappings, in parallel) and
// `searcher(...)` → `Searcher` (ask/tell, search/ask_tell.h).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "loopfront/arch/architecture.h"
#include "loopfront/cost/cost_model.h"
#include "loopfront/mapping/check.h"
#include "loopfront/mapping/constraints.h"
#include "loopfront/mapping/mapping.h"
#include "loopfront/mapping/problem.h"
#include "loopfront/report/schemas.h"
#include "loopfront/report/search.h"
#include "loopfront/search/ask_tell.h"
#include "loopfront/search/genes.h"
#include "loopfront/search/mapspace.h"
#include "loopfront/search/search_run.h"
#include "loopfront/util/error.h"
#include "loopfront/util/random.h"
#include "loopfront/util/threads.h"
#include "python/src/bindings.h"
#include "python/src/objects.h"

namespace loopfront::python {
namespace {

// `Mapspace`: the mapspace and its gene layout (which points into it), shared with the searchers
// made from it.
struct MapspaceObject {
  std::shared_ptr<const search::Mapspace> mapspace;
  std::shared_ptr<const search::GeneLayout> layout;
  std::string label;  // "<op label> on <architecture>"
};

// `Searcher`: an ask/tell search of one mapspace. Its calls release the GIL, so `in_use` refuses a
// second thread's call while one runs (an AskTell is used by one thread at a time).
struct SearcherObject {
  std::shared_ptr<const MapspaceObject> space;
  std::unique_ptr<search::AskTell> ask_tell;
  std::string objectives;
  std::mutex in_use;
};

// Holds a searcher's `in_use` for one call; another thread's call meanwhile is a RuntimeError.
class SearcherCall {
 public:
  explicit SearcherCall(SearcherObject& searcher) : lock_(searcher.in_use, std::try_to_lock) {
    if (!lock_.owns_lock()) {
      throw std::runtime_error("loopfront: this Searcher is in use by another thread (ask/tell one thread at a time)");
    }
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

util::ConfigError ArgumentError(const std::string& path, const std::string& message) {
  return util::ConfigError({util::Diagnostic{.path = path, .message = message}});
}

std::string TypeName(const py::handle& object) { return py::str(py::type::of(object).attr("__name__")); }

bool HaveNumpy() {
  static const bool have = [] {
    try {
      py::module_::import("numpy");
      return true;
    } catch (const py::error_already_set&) {
      return false;
    }
  }();
  return have;
}

bool IsNumpyArray(const py::handle& object) {
  return HaveNumpy() && py::isinstance(object, py::module_::import("numpy").attr("ndarray"));
}

// Rows of genes (or of cost pairs) read from Python: a numpy array or (nested) sequences.
struct Rows {
  std::vector<std::int64_t> values;
  std::vector<std::size_t> begin;  // row r is values[begin[r] .. begin[r + 1])
  bool single = false;             // one row given as a 1-D array or a flat list
  std::size_t count() const { return begin.empty() ? 0 : begin.size() - 1; }
  std::span<const std::int64_t> row(std::size_t index) const {
    return std::span(values).subspan(begin[index], begin[index + 1] - begin[index]);
  }
};

// One gene: an int (Python's, numpy's, anything with __index__); a float or a str is a TypeError.
std::int64_t ReadGene(const py::handle& item, const std::string& where, util::Diagnostics& diagnostics) {
  if (py::isinstance<py::bool_>(item) || !PyIndex_Check(item.ptr())) {
    throw py::type_error("loopfront: " + where + ": expected an int gene, got " + TypeName(item));
  }
  const py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(item.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow != 0) {
    diagnostics.Add({.path = where, .message = "expected a gene in the mapspace's range, got " +
                                                   std::string(py::str(index))});
    return 0;
  }
  return value;
}

// `genes`: one row (1-D) or rows (2-D).
Rows ReadGeneRows(const py::handle& genes) {
  Rows rows;
  util::Diagnostics diagnostics;
  if (IsNumpyArray(genes)) {
    const py::array array = py::reinterpret_borrow<py::array>(genes);
    const char kind = array.dtype().kind();
    if (kind != 'i' && kind != 'u') {
      throw py::type_error(std::string("loopfront: genes: expected an int array, got dtype ") +
                           std::string(py::str(array.dtype())));
    }
    if (array.ndim() != 1 && array.ndim() != 2) {
      throw py::type_error("loopfront: genes: expected one row (1-D) or rows (2-D), got " +
                           std::to_string(array.ndim()) + " dimensions");
    }
    const auto typed = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(array);
    rows.single = array.ndim() == 1;
    const std::size_t count = rows.single ? 1 : static_cast<std::size_t>(array.shape(0));
    const std::size_t width = static_cast<std::size_t>(rows.single ? array.shape(0) : array.shape(1));
    rows.values.assign(typed.data(), typed.data() + count * width);
    for (std::size_t row = 0; row <= count; ++row) rows.begin.push_back(row * width);
    return rows;
  }
  if (!py::isinstance<py::sequence>(genes) || py::isinstance<py::str>(genes)) {
    throw py::type_error("loopfront: genes: expected a list of ints, a list of rows or a numpy int array, got " +
                         TypeName(genes));
  }
  const py::sequence sequence = py::reinterpret_borrow<py::sequence>(genes);
  rows.begin.push_back(0);
  const bool nested = sequence.size() > 0 && (py::isinstance<py::sequence>(sequence[0]) || IsNumpyArray(sequence[0]));
  if (!nested) {
    rows.single = sequence.size() > 0;
    if (!rows.single) return rows;  // [] = no rows
    for (std::size_t index = 0; index < sequence.size(); ++index) {
      rows.values.push_back(ReadGene(sequence[index], "genes[" + std::to_string(index) + "]", diagnostics));
    }
    rows.begin.push_back(rows.values.size());
  } else {
    for (std::size_t row = 0; row < sequence.size(); ++row) {
      const py::object items = sequence[row];
      if (!py::isinstance<py::sequence>(items) && !IsNumpyArray(items)) {
        throw py::type_error("loopfront: genes[" + std::to_string(row) + "]: expected a row of ints, got " +
                             TypeName(items));
      }
      std::size_t column = 0;
      for (const py::handle item : items) {
        rows.values.push_back(
            ReadGene(item, "genes[" + std::to_string(row) + "][" + std::to_string(column++) + "]", diagnostics));
      }
      rows.begin.push_back(rows.values.size());
    }
  }
  diagnostics.ThrowIfAny();
  return rows;
}

// The genomes of gene rows; every malformed row is reported (genes[i]: what is wrong), all at once.
std::vector<search::Genome> DecodeRows(const search::GeneLayout& layout, const Rows& rows) {
  std::vector<search::Genome> genomes(rows.count());
  util::Diagnostics diagnostics;
  std::string problem;
  for (std::size_t row = 0; row < rows.count(); ++row) {
    if (!layout.Decode(rows.row(row), genomes[row], problem)) {
      diagnostics.Add({.path = rows.single ? "genes" : "genes[" + std::to_string(row) + "]", .message = problem});
    }
  }
  diagnostics.ThrowIfAny();
  return genomes;
}

// Gene rows as Python: a numpy int64 array (rows × width) when numpy imports, else lists.
py::object GenesToPython(const std::vector<std::int64_t>& values, std::size_t rows, std::size_t width, bool single) {
  if (HaveNumpy()) {
    py::array_t<std::int64_t> array(single ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(width)}
                                           : std::vector<py::ssize_t>{static_cast<py::ssize_t>(rows),
                                                                      static_cast<py::ssize_t>(width)});
    std::copy(values.begin(), values.end(), array.mutable_data());
    return array;
  }
  py::list list;
  for (std::size_t row = 0; row < rows; ++row) {
    py::list items;
    for (std::size_t column = 0; column < width; ++column) items.append(values[row * width + column]);
    if (single) return items;
    list.append(items);
  }
  return list;
}

std::vector<std::int64_t> EncodeAll(const search::GeneLayout& layout, std::span<const search::Genome> genomes) {
  const auto width = static_cast<std::size_t>(layout.size());
  std::vector<std::int64_t> values(genomes.size() * width);
  for (std::size_t row = 0; row < genomes.size(); ++row) {
    layout.Encode(genomes[row], std::span(values).subspan(row * width, width));
  }
  return values;
}

}  // namespace

// --- Mapspace ----------------------------------------------------------------------------------------

mapping::Constraints ResolveConstraintsArgument(const py::object& constraints, const mapping::Problem& problem) {
  if (constraints.is_none()) return {};
  if (py::isinstance<Constraints>(constraints)) return constraints.cast<const Constraints&>().constraints;
  if (py::isinstance<py::str>(constraints) || py::hasattr(constraints, "__fspath__")) {
    const std::string path = py::str(py::module_::import("os").attr("fspath")(constraints));
    return mapping::LoadConstraints(path, problem);
  }
  throw py::type_error("loopfront: constraints: expected None, a Constraints object or a constraints YAML path, got " +
                       TypeName(constraints));
}

namespace {

std::shared_ptr<MapspaceObject> MakeMapspace(const arch::Architecture& architecture, const Op& op,
                                             const py::object& constraints, double max_padding_waste) {
  util::Diagnostics diagnostics;
  CheckMaxPaddingWaste(max_padding_waste, diagnostics);
  diagnostics.ThrowIfAny();
  const mapping::Problem problem = RunReleased([&] { return mapping::Problem::Build(op.op, architecture); });
  const mapping::Constraints resolved = ResolveConstraintsArgument(constraints, problem);
  auto object = std::make_shared<MapspaceObject>();
  object->mapspace = RunReleased([&] {
    return std::make_shared<const search::Mapspace>(
        search::Mapspace::Build(problem, resolved, {.max_padding_waste = max_padding_waste}));
  });
  object->layout = std::make_shared<const search::GeneLayout>(*object->mapspace);
  object->label = op.label + " on " + architecture.name;
  return object;
}

py::dict SizeDict(const search::MapspaceSize& size) {
  py::dict dict;
  dict["log10"] = size.log10;
  dict["exact"] = size.exact ? py::object(py::int_(*size.exact)) : py::object(py::none());
  dict["log10_factor_configs"] = size.log10_factor_configs;
  dict["factor_configs"] = size.factor_configs;
  dict["bypass_choices"] = size.bypass_choices;
  return dict;
}

py::object Sample(const MapspaceObject& space, std::int64_t count, std::uint64_t seed, bool repair) {
  if (count < 0) throw ArgumentError("n", "expected a count ≥ 0, got " + std::to_string(count));
  std::vector<std::int64_t> values = RunReleased([&] {
    const auto width = static_cast<std::size_t>(space.layout->size());
    std::vector<std::int64_t> genes(static_cast<std::size_t>(count) * width);
    search::ParallelFor(util::DefaultThreadCount(), count, [&](std::int64_t row) {
      util::Rng rng(util::DeriveSeed(seed, {static_cast<std::uint64_t>(row)}));
      search::Genome genome;
      space.mapspace->Sample(rng, genome);
      if (repair) space.mapspace->Repair(rng, genome);
      space.layout->Encode(genome, std::span(genes).subspan(static_cast<std::size_t>(row) * width, width));
    });
    return genes;
  });
  return GenesToPython(values, static_cast<std::size_t>(count), static_cast<std::size_t>(space.layout->size()), false);
}

py::object Decode(const MapspaceObject& space, const py::object& genes) {
  const Rows rows = ReadGeneRows(genes);
  const std::vector<search::Genome> genomes = DecodeRows(*space.layout, rows);
  const mapping::Problem& problem = space.mapspace->problem();
  std::vector<std::string> texts = RunReleased([&] {
    std::vector<std::string> out;
    for (const search::Genome& genome : genomes) out.push_back(mapping::ToString(space.mapspace->Decode(genome), problem));
    return out;
  });
  if (rows.single) return py::str(texts.front());
  return py::cast(texts);
}

py::object Repair(const MapspaceObject& space, const py::object& genes, std::uint64_t seed) {
  const Rows rows = ReadGeneRows(genes);
  std::vector<search::Genome> genomes = DecodeRows(*space.layout, rows);
  std::vector<std::int64_t> values = RunReleased([&] {
    for (std::size_t row = 0; row < genomes.size(); ++row) {
      util::Rng rng(util::DeriveSeed(seed, {static_cast<std::uint64_t>(row)}));
      space.mapspace->Repair(rng, genomes[row]);
    }
    return EncodeAll(*space.layout, genomes);
  });
  return GenesToPython(values, genomes.size(), static_cast<std::size_t>(space.layout->size()), rows.single);
}

// --- evaluate_many ------------------------------------------------------------------------------------

struct EvaluationRow {
  bool feasible = false;
  mapping::Violation violation = mapping::Violation::kNone;
  std::int64_t cycles = 0;
  double energy_pj = 0.0;
  double edp_pj_cycles = 0.0;
};

EvaluationRow RowOf(const cost::Cost& cost) {
  return {.feasible = cost.feasible,
          .violation = cost.feasible ? mapping::Violation::kNone : cost.check.violation,
          .cycles = cost.cycles,
          .energy_pj = cost.energy_pj,
          .edp_pj_cycles = cost.edp_pj_cycles};
}

const std::vector<std::string>& EvaluationColumns() {
  static const std::vector<std::string> columns = {"feasible", "violation", "latency_cycles", "energy_pj",
                                                   "edp_pj_cycles"};
  return columns;
}

py::object MakeTable(py::list rows, const std::vector<std::string>& columns) {
  return py::module_::import("loopfront.tables").attr("Table")(rows, columns);
}

// Whether every item of a non-empty sequence is a str (one-line mappings), as opposed to genes.
bool AreMappingTexts(const py::object& mappings) {
  if (!py::isinstance<py::list>(mappings) && !py::isinstance<py::tuple>(mappings)) return false;
  const py::sequence sequence = py::reinterpret_borrow<py::sequence>(mappings);
  if (sequence.size() == 0 || !py::isinstance<py::str>(sequence[0])) return false;
  for (const py::handle item : sequence) {
    if (!py::isinstance<py::str>(item)) {
      throw py::type_error("loopfront: mappings: expected one-line mapping texts only, got a " + TypeName(item) +
                           " among them");
    }
  }
  return true;
}

// The mapspace's problem must be the one of `architecture` and `op`.
void CheckSameProblem(const MapspaceObject& space, const arch::Architecture& architecture, const Op& op) {
  const mapping::Problem& problem = space.mapspace->problem();
  bool same = problem.arch().name == architecture.name && problem.op().name == op.op.name &&
              problem.op().dims.size() == op.op.dims.size();
  for (std::size_t dim = 0; same && dim < op.op.dims.size(); ++dim) {
    same = problem.op().dims[dim].name == op.op.dims[dim].name && problem.op().dims[dim].size == op.op.dims[dim].size;
  }
  if (!same) {
    throw ArgumentError("mapspace", "expected the mapspace of this op on this architecture (" + op.label + " on " +
                                        architecture.name + "), got the mapspace of " + space.label);
  }
}

py::object EvaluateMany(const arch::Architecture& architecture, const Op& op, const py::object& mappings, int threads,
                        const std::string& cost_model_name, const py::object& cost_params,
                        const py::object& mapspace) {
  const int thread_count = ThreadCount(threads);
  const std::unique_ptr<cost::CostModel> cost_model =
      cost::BuiltinCostModels().Create(cost_model_name, ParamStrings(cost_params));
  std::vector<EvaluationRow> rows;
  if (AreMappingTexts(mappings)) {
    const std::vector<std::string> texts = mappings.cast<std::vector<std::string>>();
    rows = RunReleased([&] {
      const mapping::Problem problem = mapping::Problem::Build(op.op, architecture);
      std::vector<mapping::Mapping> parsed(texts.size());
      util::Diagnostics diagnostics;
      for (std::size_t index = 0; index < texts.size(); ++index) {
        try {
          parsed[index] = mapping::ParseMapping(texts[index], problem, "mappings[" + std::to_string(index) + "]");
        } catch (const util::ConfigError& error) {
          for (const util::Diagnostic& diagnostic : error.diagnostics()) diagnostics.Add(diagnostic);
        }
      }
      diagnostics.ThrowIfAny();
      std::vector<EvaluationRow> out(texts.size());
      search::ParallelFor(thread_count, static_cast<std::int64_t>(texts.size()),
                          [&](std::int64_t index) { out[index] = RowOf(cost_model->Evaluate(problem, parsed[index])); });
      return out;
    });
  } else {
    std::shared_ptr<const MapspaceObject> space;
    if (mapspace.is_none()) {
      space = MakeMapspace(architecture, op, py::none(), search::MapspaceOptions{}.max_padding_waste);
    } else {
      space = mapspace.cast<std::shared_ptr<MapspaceObject>>();
      CheckSameProblem(*space, architecture, op);
    }
    const Rows gene_rows = ReadGeneRows(mappings);
    const std::vector<search::Genome> genomes = DecodeRows(*space->layout, gene_rows);
    rows = RunReleased([&] {
      std::vector<EvaluationRow> out(genomes.size());
      search::ParallelFor(thread_count, static_cast<std::int64_t>(genomes.size()), [&](std::int64_t index) {
        mapping::Mapping decoded;
        cost::Cost cost;
        search::EvaluateGenome(*space->mapspace, *cost_model, genomes[index], decoded, &cost);
        out[index] = RowOf(cost);
      });
      return out;
    });
  }
  py::list table;
  for (const EvaluationRow& row : rows) {
    py::dict item;
    item["feasible"] = row.feasible;
    item["violation"] = row.feasible ? std::string() : std::string(mapping::ToString(row.violation));
    item["latency_cycles"] = row.feasible ? py::object(py::int_(row.cycles)) : py::object(py::none());
    item["energy_pj"] = row.feasible ? py::object(py::float_(row.energy_pj)) : py::object(py::none());
    item["edp_pj_cycles"] = row.feasible ? py::object(py::float_(row.edp_pj_cycles)) : py::object(py::none());
    table.append(item);
  }
  return MakeTable(table, EvaluationColumns());
}

// --- Searcher (ask/tell) -----------------------------------------------------------------------------

search::Objective ReadObjectives(const py::object& objectives) {
  util::Diagnostics diagnostics;
  const std::optional<search::Objective> objective =
      search::ParseObjective(ObjectivesText(objectives), "objectives", diagnostics);
  diagnostics.ThrowIfAny();
  return *objective;
}

std::unique_ptr<SearcherObject> MakeSearcher(const std::string& name, const std::shared_ptr<MapspaceObject>& space,
                                             std::uint64_t seed, const py::object& objectives,
                                             const py::object& params, int threads) {
  const search::Objective objective = ReadObjectives(objectives);
  const std::vector<std::string> assignments = ParamStrings(params);
  const int thread_count = ThreadCount(threads);
  auto object = std::make_unique<SearcherObject>();
  object->space = space;
  object->objectives = std::string(search::ToString(objective));
  object->ask_tell =
      std::make_unique<search::AskTell>(space->mapspace, name, assignments, objective, seed, thread_count);
  return object;
}

py::object Ask(SearcherObject& searcher, const std::optional<std::int64_t>& count) {
  const SearcherCall call(searcher);
  if (count && *count < 1) throw ArgumentError("n", "expected at least 1 mapping, got " + std::to_string(*count));
  std::vector<std::int64_t> values = RunReleased([&] {
    const std::vector<search::Genome>& batch = searcher.ask_tell->Ask(count.value_or(0));
    return EncodeAll(*searcher.space->layout, batch);
  });
  const auto width = static_cast<std::size_t>(searcher.space->layout->size());
  return GenesToPython(values, width == 0 ? 0 : values.size() / width, width, false);
}

// A cost value of a (latency, energy) pair: None, inf or NaN = infeasible (nullopt).
std::optional<double> ReadCost(const py::handle& item, const std::string& where) {
  if (item.is_none()) return std::nullopt;
  if (!PyNumber_Check(item.ptr()) || py::isinstance<py::str>(item)) {
    throw py::type_error("loopfront: " + where + ": expected a number or None, got " + TypeName(item));
  }
  const double value = py::float_(py::reinterpret_borrow<py::object>(item));
  if (!std::isfinite(value)) return std::nullopt;
  if (value <= 0.0) {
    throw ArgumentError(where, "expected a positive cost (None, inf or NaN: infeasible), got " + std::to_string(value));
  }
  return value;
}

mapping::Violation ViolationNamed(const std::string& name) {
  for (int value = 0; value < mapping::kNumViolations; ++value) {
    const auto violation = static_cast<mapping::Violation>(value);
    if (mapping::ToString(violation) == name) return violation;
  }
  return mapping::Violation::kNone;
}

// `costs`: evaluate_many's Table (rows with feasible, violation, latency_cycles, energy_pj), or
// (latency, energy) pairs as an (n, 2) array or list.
std::vector<search::Evaluation> ReadCosts(const py::object& costs) {
  std::vector<search::Evaluation> evaluations;
  py::object items = costs;
  if (IsNumpyArray(costs)) items = costs.attr("tolist")();
  if (!py::isinstance<py::sequence>(items) || py::isinstance<py::str>(items)) {
    throw py::type_error("loopfront: costs: expected evaluate_many's Table or (latency, energy) rows, got " +
                         TypeName(costs));
  }
  std::size_t index = 0;
  for (const py::handle item : items) {
    const std::string where = "costs[" + std::to_string(index++) + "]";
    search::Evaluation evaluation;
    std::optional<double> latency;
    std::optional<double> energy;
    if (py::isinstance<py::dict>(item)) {
      const py::dict row = py::reinterpret_borrow<py::dict>(item);
      for (const char* key : {"latency_cycles", "energy_pj"}) {
        if (!row.contains(key)) throw ArgumentError(where, std::string("expected a row with '") + key + "', got none");
      }
      latency = ReadCost(row["latency_cycles"], where + ".latency_cycles");
      energy = ReadCost(row["energy_pj"], where + ".energy_pj");
      if (row.contains("feasible") && !row["feasible"].cast<bool>()) latency.reset();
      if (row.contains("violation") && py::isinstance<py::str>(row["violation"])) {
        evaluation.violation = ViolationNamed(row["violation"].cast<std::string>());
      }
    } else if (py::isinstance<py::sequence>(item) && !py::isinstance<py::str>(item)) {
      const py::sequence pair = py::reinterpret_borrow<py::sequence>(item);
      if (pair.size() != 2) {
        throw ArgumentError(where, "expected a (latency, energy) pair, got " + std::to_string(pair.size()) + " values");
      }
      latency = ReadCost(pair[0], where + "[0]");
      energy = ReadCost(pair[1], where + "[1]");
    } else {
      throw py::type_error("loopfront: " + where + ": expected a (latency, energy) pair or a row dict, got " +
                           TypeName(item));
    }
    evaluation.feasible = latency.has_value() && energy.has_value();
    if (evaluation.feasible) {
      evaluation.violation = mapping::Violation::kNone;
      evaluation.objectives = {*latency, *energy};
    }
    evaluations.push_back(evaluation);
  }
  return evaluations;
}

void Tell(SearcherObject& searcher, const py::object& genes, const py::object& costs) {
  const Rows rows = ReadGeneRows(genes);
  const std::vector<search::Genome> genomes = DecodeRows(*searcher.space->layout, rows);
  const std::vector<search::Evaluation> evaluations = ReadCosts(costs);
  const SearcherCall call(searcher);
  RunReleased([&] { searcher.ask_tell->Tell(genomes, evaluations); });
}

// The front so far as a Table (the report layer's front columns: point, latency_cycles, energy_pj,
// edp_pj_cycles, mapping), fastest first.
py::object Front(SearcherObject& searcher) {
  const search::SearchResult result = [&] {
    const SearcherCall call(searcher);
    return searcher.ask_tell->Result();
  }();
  const report::Table table = report::SearchFrontTable(result.front, searcher.space->mapspace->problem());
  std::vector<std::string> columns;
  for (const report::Column& column : report::kSearchFront.Point()) columns.push_back(column.name);
  py::list rows = ToPython(report::ToJson(table));
  return MakeTable(rows, columns);
}

py::object Best(SearcherObject& searcher, const std::string& objective_name) {
  util::Diagnostics diagnostics;
  const std::optional<search::Objective> objective = search::ParseObjective(objective_name, "objective", diagnostics);
  diagnostics.ThrowIfAny();
  if (*objective == search::Objective::kLatencyEnergy) {
    throw ArgumentError("objective", "expected one of latency, energy, edp, got the pair '" + objective_name + "'");
  }
  const search::SearchResult result = [&] {
    const SearcherCall call(searcher);
    return searcher.ask_tell->Result();
  }();
  const auto& points = result.front.points();
  if (points.empty()) return py::none();
  std::size_t best = 0;
  for (std::size_t index = 1; index < points.size(); ++index) {
    if (search::ScalarObjective(*objective, points[index].objectives) <
        search::ScalarObjective(*objective, points[best].objectives)) {
      best = index;
    }
  }
  const py::list rows = Front(searcher);
  return rows[best];
}

}  // namespace

void BindMapspace(py::module_& module) {
  py::class_<MapspaceObject, std::shared_ptr<MapspaceObject>>(
      module, "Mapspace",
      "The mappings of one op on one architecture (under constraints), as rows of integer genes: sample them, decode "
      "them into one-line mappings, evaluate them with evaluate_many, or search them with searcher(...) (ask/tell). "
      "Gene layout: see gene_names and docs/python.md.")
      .def(py::init(&MakeMapspace), py::arg("arch"), py::arg("op"), py::arg("constraints") = py::none(),
           py::arg("max_padding_waste") = search::MapspaceOptions{}.max_padding_waste,
           "Mapspace(arch, op, constraints=None, max_padding_waste=0.1): constraints are None, a Constraints object "
           "or a constraints YAML path (docs/search.md); max_padding_waste as `search --max-padding-waste`")
      .def("size", [](const MapspaceObject& space) { return SizeDict(space.mapspace->size()); },
           "The number of distinct mappings: {'log10', 'exact' (int, or None when estimated), "
           "'log10_factor_configs', 'factor_configs', 'bypass_choices'}")
      .def_property_readonly("num_genes", [](const MapspaceObject& space) { return space.layout->size(); },
                             "The length of a row of genes")
      .def_property_readonly(
          "gene_names",
          [](const MapspaceObject& space) {
            std::vector<std::string> names;
            for (const search::Gene& gene : space.layout->genes()) names.push_back(gene.name);
            return names;
          },
          "Each gene's name, in row order: padding.<dim>, factor.<dim>.<i>, order.<level>.<position>, "
          "keep.<level>.<tensor>, double_buffered.<level>")
      .def_property_readonly(
          "gene_max",
          [](const MapspaceObject& space) {
            std::vector<std::int64_t> max;
            for (const search::Gene& gene : space.layout->genes()) max.push_back(gene.max);
            return max;
          },
          "Each gene's largest value (the smallest is 0)")
      .def("sample", &Sample, py::arg("n"), py::arg("seed") = 1, py::arg("repair") = false,
           "n uniform samples as rows of genes (a numpy int64 array n × num_genes, or lists without numpy); row i "
           "depends only on seed and i; repair=True fixes fanout and capacity overflows as the searchers do")
      .def("decode", &Decode, py::arg("genes"),
           "The one-line mapping of a row of genes (str), or of each row of a 2-D array (list of str); a malformed "
           "row is a ConfigError naming the gene")
      .def("repair", &Repair, py::arg("genes"), py::arg("seed") = 1,
           "The rows with fanout and capacity overflows repaired (Mapspace::Repair, row i with its own stream)")
      .def("__repr__", [](const MapspaceObject& space) {
        return "<loopfront.Mapspace of " + space.label + ": 10^" + std::to_string(space.mapspace->size().log10) +
               " mappings, " + std::to_string(space.layout->size()) + " genes>";
      });

  module.def("evaluate_many", &EvaluateMany, py::arg("arch"), py::arg("op"), py::arg("mappings"), py::arg("threads") = 0,
             py::arg("cost_model") = "dataflow", py::arg("cost_params") = py::none(), py::arg("mapspace") = py::none(),
             "Evaluates many mappings in parallel (GIL released): rows of genes (2-D array or list of rows, decoded by "
             "`mapspace`, default Mapspace(arch, op)) or a list of one-line mapping texts. Returns a Table in input "
             "order: feasible, violation ('' when feasible), latency_cycles, energy_pj, edp_pj_cycles (None where "
             "infeasible). threads=0: every core");

  py::class_<SearcherObject>(module, "Searcher",
                             "An ask/tell search of a Mapspace: ask() gives genes to evaluate, tell(genes, costs) takes "
                             "their costs; front and best() give the result so far")
      .def("ask", &Ask, py::arg("n") = py::none(),
           "The genes of the searcher's next step (random: a batch; genetic: a generation; annealing: one move per "
           "chain), at most n rows")
      .def("tell", &Tell, py::arg("genes"), py::arg("costs"),
           "The costs of the rows asked last: evaluate_many's Table, or (latency, energy) rows (an (n, 2) array or "
           "list; None, inf or NaN: infeasible)")
      .def_property_readonly("front", &Front,
                             "The Pareto front so far (a scalar objective: its best point), as a Table: point, "
                             "latency_cycles, energy_pj, edp_pj_cycles, mapping")
      .def("best", &Best, py::arg("objective") = "edp",
           "The front point (a dict) with the least latency, energy or edp; None before any feasible mapping")
      .def_property_readonly("evaluations",
                             [](const SearcherObject& searcher) { return searcher.ask_tell->evaluations(); })
      .def_property_readonly("name", [](const SearcherObject& searcher) {
        return std::string(searcher.ask_tell->searcher());
      })
      .def_property_readonly("objectives", [](const SearcherObject& searcher) { return searcher.objectives; })
      .def("__repr__", [](const SearcherObject& searcher) {
        return "<loopfront.Searcher " + std::string(searcher.ask_tell->searcher()) + " of " + searcher.space->label +
               ", " + std::to_string(searcher.ask_tell->evaluations()) + " evaluations>";
      });

  module.def("searcher", &MakeSearcher, py::arg("name"), py::arg("mapspace"), py::arg("seed") = 1,
             py::arg("objectives") = "latency,energy", py::arg("params") = py::none(), py::arg("threads") = 0,
             "An ask/tell Searcher: name is random, genetic or annealing (as `search --searcher`), params its "
             "parameters as a dict (as --param); the same seed and asks give the same front as `search`");
}

}  // namespace loopfront::python
