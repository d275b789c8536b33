"""Searching and experiments: search(), search_model(), read_results() and their result classes.

The searches run in the C++ library (the GIL released, Ctrl-C stops them); these classes only hold
what the report layer returned: the rows of the CLI's `--format csv` output, its exact text, and
the statistics as `--format json` has them.
"""

import os

from . import _loopfront
from .tables import Table, _pandas

# best(): the column each objective minimizes.
_BEST_COLUMNS = {"edp": "edp_pj_cycles", "latency": "latency_cycles", "energy": "energy_pj"}


def _config_error(path, message):
    """A loopfront.ConfigError as the C++ side raises them (message and .diagnostics)."""
    text = f"{path}: {message}"
    error = _loopfront.ConfigError(text)
    error.diagnostics = [
        {"file": "", "line": 0, "column": 0, "path": path, "message": message, "text": text}
    ]
    return error


def _best_row(rows, objective):
    """The first row with the smallest value of `objective`'s column (fronts are fastest first)."""
    if objective not in _BEST_COLUMNS:
        names = ", ".join(_BEST_COLUMNS)
        raise _config_error("best", f"expected one of {names}, got {objective!r}")
    if not rows:
        raise _config_error("best", "expected a front with points, got none")
    column = _BEST_COLUMNS[objective]
    return min(rows, key=lambda row: row[column])


class SearchResult:
    """One op's search, as `loopfront search` prints it.

    front       Table of the Pareto front, fastest first, with `search --format csv`'s columns
                (op, searcher, seed, point, latency_cycles, energy_pj, edp_pj_cycles, mapping)
    stats       dict: the statistics of `search --format json` (evaluations, valid_fraction,
                wall_seconds, threads, stop_reason, mapspace_log10_size, ...)
    """

    def __init__(self, raw):
        self.front = Table(raw["rows"], columns=raw["columns"])
        self.stats = raw["statistics"]
        self._csv = raw["csv"]

    def to_pandas(self):
        """The front as a DataFrame."""
        return self.front.to_pandas()

    def to_csv(self):
        """The front as CSV text, byte for byte what `loopfront search ... --format csv` prints."""
        return self._csv

    def best(self, objective="edp"):
        """The front's row (a dict) with the smallest "edp" (the knee), "latency" or "energy"."""
        return _best_row(self.front, objective)

    def __repr__(self):
        return f"<loopfront.SearchResult: {len(self.front)} front points, {self.stats['evaluations']} evaluations>"


class ModelResult:
    """A whole model's search, as `loopfront search --model` prints it.

    fronts      {"auto": Table, "none": Table} with fusion "auto" (the fused front and the one
                without fusion), {"none": Table} with fusion "none"; `search --model --format csv`'s
                columns (model, seq_len, batch, phase, arch, fusion, point, latency_cycles,
                energy_pj, edp_pj_cycles, fusion_plan)
    knee        Table: the knee's per-op/group breakdown, as the JSON's `knee_breakdown`
    groups      Table: the candidate fused groups beside their ops searched alone (JSON `groups`)
    stats       dict: the JSON's `statistics`
    json        dict: everything `search --model --format json` prints
    """

    def __init__(self, raw):
        columns = raw["columns"]
        self.json = raw["json"]
        self.fronts = {}
        for row in raw["rows"]:
            self.fronts.setdefault(row["fusion"], Table([], columns=columns)).append(row)
        self.fronts.setdefault(self.json["fusion"], Table([], columns=columns))
        self._rows = Table(raw["rows"], columns=columns)
        self.knee = Table(self.json["knee_breakdown"])
        self.groups = Table(self.json["groups"])
        self.stats = self.json["statistics"]
        self._csv = raw["csv"]

    def to_pandas(self):
        """Both fronts in one DataFrame, told apart by the `fusion` column (as the CSV)."""
        return self._rows.to_pandas()

    def to_csv(self):
        """The fronts as CSV text, byte for byte what `loopfront search --model ... --format csv` prints."""
        return self._csv

    def best(self, objective="edp", fusion=None):
        """The row with the smallest "edp" (the knee), "latency" or "energy" of the front of `fusion`
        ("auto" or "none"; default: the searched one, fused with fusion "auto")."""
        fusion = fusion or self.json["fusion"]
        if fusion not in self.fronts:
            raise _config_error("fusion", f"expected one of {', '.join(self.fronts)}, got {fusion!r}")
        return _best_row(self.fronts[fusion], objective)

    def __repr__(self):
        sizes = ", ".join(f"{name}: {len(rows)} points" for name, rows in self.fronts.items())
        return f"<loopfront.ModelResult: {sizes}>"


def search(arch, op, searcher="genetic", objectives=("latency", "energy"), budget_evals=None,
           budget_seconds=None, budget_stall=None, seed=1, threads=0, params=None, cost_model="dataflow",
           cost_params=None, constraints=None, max_padding_waste=0.1):
    """Searches the mappings of `op` (a loopfront.Op) on `arch` (a loopfront.Architecture), as
    `loopfront search` does with the same options, and returns a SearchResult.

    searcher and params={name: value}: a searcher and its parameters (`loopfront list`);
    objectives: "latency,energy" (a front; also a tuple), "latency", "energy" or "edp";
    budget_evals, budget_seconds, budget_stall: the budget (none given: 400,000 evaluations; an
    evaluation budget gives the same front for any thread count); seed; threads (0: all CPUs);
    cost_model and cost_params; constraints (a loopfront.Constraints); max_padding_waste.

        r = loopfront.search(arch, op, seed=1, budget_evals=20000)
        r.best("edp")["mapping"]
    """
    return SearchResult(_loopfront._search(
        arch, op, searcher=searcher, objectives=objectives, budget_evals=budget_evals,
        budget_seconds=budget_seconds, budget_stall=budget_stall, seed=seed, threads=threads, params=params,
        cost_model=cost_model, cost_params=cost_params, constraints=constraints,
        max_padding_waste=max_padding_waste))


def search_model(workload, arch, fusion="auto", searcher="genetic", budget_evals=None, budget_seconds=None,
                 budget_stall=None, seed=1, threads=0, params=None, cost_model="dataflow", cost_params=None,
                 tilings=24, max_padding_waste=0.1):
    """Searches a whole model (a loopfront.Workload) on `arch`, as `loopfront search --model` does
    with the same options, and returns a ModelResult.

    fusion: "auto" (search fused groups too; the result has both fronts) or "none"; the budgets
    are per op search (none given: 100,000 evaluations each); tilings: shared tilings screened per
    fused group; the other options as search().

        r = loopfront.search_model(workload, arch, budget_evals=2000)
        r.fronts["auto"].to_pandas(), r.knee.to_pandas()
    """
    return ModelResult(_loopfront._search_model(
        workload, arch, fusion=fusion, searcher=searcher, budget_evals=budget_evals,
        budget_seconds=budget_seconds, budget_stall=budget_stall, seed=seed, threads=threads, params=params,
        cost_model=cost_model, cost_params=cost_params, tilings=tilings, max_padding_waste=max_padding_waste))


def read_results(directory):
    """The CSVs of an experiment's output directory (what run() and `loopfront run` write:
    summary.csv, fronts.csv, ops.csv, groups.csv, ...) as {file stem: pandas.DataFrame}."""
    pandas = _pandas()
    if not os.path.isdir(directory):
        raise _config_error("read_results", f"expected an experiment's output directory, got {directory!r}")
    frames = {}
    for name in sorted(os.listdir(directory)):
        stem, extension = os.path.splitext(name)
        if extension == ".csv" and os.path.isfile(os.path.join(directory, name)):
            # Point ids are hex digits that may read as numbers ("1234e5678901"): kept as text.
            frames[stem] = pandas.read_csv(os.path.join(directory, name), dtype={"point_id": str})
    if not frames:
        raise _config_error("read_results", f"expected CSV files in {directory!r} (summary.csv, ...), got none")
    return frames
