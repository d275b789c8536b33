"""Mapspaces and your own search loops: genes (sample, decode, repair), evaluate_many, ask/tell."""

import math
import os
import subprocess
import threading
import time

import numpy
import pytest

import loopfront as lf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEMMINI = lf.Architecture.load("gemmini")
MATMUL = lf.Op.parse("matmul m=197 n=96 k=64")


@pytest.fixture(scope="module")
def space():
    return lf.Mapspace(GEMMINI, MATMUL)


def cli(*args):
    return subprocess.run([os.environ["LOOPFRONT_BINARY"], *args], check=True, capture_output=True, text=True).stdout


def test_size_and_gene_layout(space):
    size = space.size()
    assert set(size) == {"log10", "exact", "log10_factor_configs", "factor_configs", "bypass_choices"}
    assert size["log10"] > 5
    assert size["exact"] is None or math.isclose(math.log10(size["exact"]), size["log10"], rel_tol=1e-9)
    assert len(space.gene_names) == space.num_genes == len(space.gene_max)
    assert space.gene_names[0] == "padding.m"
    assert any(name.startswith("order.") for name in space.gene_names)
    assert all(high >= 0 for high in space.gene_max)
    assert "genes" in repr(space)


def test_the_size_is_the_cli_mapspace_size(space):
    import json

    out = json.loads(cli("search", "--arch", "gemmini", "--op", "matmul m=197 n=96 k=64", "--budget-evals", "10",
                         "--format", "json"))
    assert out["statistics"]["mapspace_log10_size"] == pytest.approx(space.size()["log10"], rel=1e-12)


def test_sample_is_deterministic_and_rows_do_not_depend_on_n(space):
    genes = space.sample(50, seed=3)
    assert isinstance(genes, numpy.ndarray) and genes.dtype == numpy.int64
    assert genes.shape == (50, space.num_genes)
    assert (genes >= 0).all() and (genes <= numpy.array(space.gene_max)).all()
    assert (space.sample(10, seed=3) == genes[:10]).all()
    assert not (space.sample(10, seed=4) == genes[:10]).all()
    assert space.sample(0).shape == (0, space.num_genes)


def test_decode_gives_mappings_the_cli_evaluates(space):
    genes = space.sample(3, seed=5, repair=True)
    texts = space.decode(genes)
    assert isinstance(texts, list) and len(texts) == 3
    assert space.decode(genes[1]) == texts[1]
    assert space.decode(genes.tolist()) == texts
    assert texts[0].startswith("DRAM[")
    # The CLI reads the text back and gets the same cost.
    row = lf.evaluate_many(GEMMINI, MATMUL, texts[:1])[0]
    out = cli("eval", "--arch", "gemmini", "--op", "matmul m=197 n=96 k=64", "--mapping", texts[0], "--format", "json")
    if row["feasible"]:
        import json

        evaluated = json.loads(out)
        assert evaluated["cycles"] == row["latency_cycles"]
        assert evaluated["energy_pj"] == row["energy_pj"]
        assert evaluated["edp_pj_cycles"] == row["edp_pj_cycles"]


def test_malformed_rows_are_config_errors_naming_the_gene(space):
    genes = space.sample(3, seed=1)
    with pytest.raises(lf.ConfigError) as raised:
        space.decode(genes[:, :-1])
    assert len(raised.value.diagnostics) == 3
    assert raised.value.diagnostics[0]["path"] == "genes[0]"
    assert f"expected {space.num_genes} genes, got {space.num_genes - 1}" in str(raised.value)
    bad = genes.copy()
    bad[1, 0] = 99
    bad[2, 0] = -1
    with pytest.raises(lf.ConfigError) as raised:
        space.decode(bad)
    text = str(raised.value)
    assert "genes[1]: gene 0 (padding.m): expected 0.." in text and "got 99" in text
    assert "genes[2]: gene 0 (padding.m)" in text and "got -1" in text
    order = space.gene_names.index(next(n for n in space.gene_names if n.startswith("order.")))
    bad = genes[0].copy()
    bad[order + 1] = bad[order]
    with pytest.raises(lf.ConfigError, match="expected a permutation"):
        space.decode(bad)
    with pytest.raises(lf.ConfigError):
        space.decode([2**70] + [0] * (space.num_genes - 1))
    with pytest.raises(TypeError):
        space.decode(genes.astype(float))
    with pytest.raises(TypeError):
        space.decode([[0.5] * space.num_genes])


def test_repair_keeps_genes_in_the_space(space):
    genes = space.sample(20, seed=2)
    repaired = space.repair(genes, seed=2)
    assert repaired.shape == genes.shape
    assert len(space.decode(repaired)) == 20
    feasible = sum(row["feasible"] for row in lf.evaluate_many(GEMMINI, MATMUL, repaired, mapspace=space))
    assert feasible >= sum(row["feasible"] for row in lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=space))


def test_constraints_from_a_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("levels:\n  DRAM:\n    temporal: {m: 1}\n")
    constrained = lf.Mapspace(GEMMINI, MATMUL, constraints=path)
    assert constrained.size()["log10"] < lf.Mapspace(GEMMINI, MATMUL).size()["log10"]
    for text in constrained.decode(constrained.sample(5)):
        assert " m" not in text.split("]")[0]
    path.write_text("levels:\n  DRAMM:\n    temporal: {m: 1}\n")
    with pytest.raises(lf.ConfigError, match="did you mean 'DRAM'"):
        lf.Mapspace(GEMMINI, MATMUL, constraints=str(path))
    with pytest.raises(TypeError):
        lf.Mapspace(GEMMINI, MATMUL, constraints=3)
    path.write_text("levels:\n  DRAM:\n    temporal: {m: 1}\n")
    from_object = lf.Mapspace(GEMMINI, MATMUL, constraints=lf.Constraints.load(str(path), GEMMINI, MATMUL))
    assert from_object.size() == constrained.size()
    assert (from_object.sample(5) == constrained.sample(5)).all()


def test_evaluate_many_genes_and_texts_agree(space):
    genes = space.sample(200, seed=9, repair=True)
    by_genes = lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=space, threads=2)
    assert isinstance(by_genes, lf.Table) and len(by_genes) == 200
    assert by_genes.columns == ["feasible", "violation", "latency_cycles", "energy_pj", "edp_pj_cycles"]
    by_texts = lf.evaluate_many(GEMMINI, MATMUL, space.decode(genes), threads=1)
    assert list(by_genes) == list(by_texts)
    assert list(lf.evaluate_many(GEMMINI, MATMUL, genes)) == list(by_genes)  # the default mapspace
    feasible = [row for row in by_genes if row["feasible"]]
    assert feasible and all(row["violation"] == "" for row in feasible)
    assert all(row["edp_pj_cycles"] == row["latency_cycles"] * row["energy_pj"] for row in feasible)
    infeasible = [row for row in lf.evaluate_many(GEMMINI, MATMUL, space.sample(200, seed=9)) if not row["feasible"]]
    assert infeasible and all(row["violation"] and row["latency_cycles"] is None for row in infeasible)
    frame = by_genes.to_pandas()
    assert list(frame.columns) == by_genes.columns


def test_evaluate_many_errors():
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate_many(GEMMINI, MATMUL, ["DRAM[m197 n96 k64]", "nonsense"])
    assert "mappings[1]" in str(raised.value)
    with pytest.raises(lf.ConfigError, match="did you mean 'dataflow'"):
        lf.evaluate_many(GEMMINI, MATMUL, ["DRAM[m197 n96 k64]"], cost_model="dataflw")
    other = lf.Mapspace(GEMMINI, lf.Op.parse("matmul m=64 n=64 k=64"))
    with pytest.raises(lf.ConfigError, match="expected the mapspace of this op"):
        lf.evaluate_many(GEMMINI, MATMUL, other.sample(2), mapspace=other)
    with pytest.raises(lf.ConfigError, match="threads"):
        lf.evaluate_many(GEMMINI, MATMUL, ["DRAM[m197 n96 k64]"], threads=-1)
    assert len(lf.evaluate_many(GEMMINI, MATMUL, [])) == 0


def ask_tell_front(space, name, budget, seed, params, objectives="latency,energy"):
    searcher = lf.searcher(name, space, seed=seed, objectives=objectives, params=params, threads=1)
    while searcher.evaluations < budget:
        genes = searcher.ask(budget - searcher.evaluations)
        searcher.tell(genes, lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=space))
    assert searcher.evaluations == budget
    return searcher


@pytest.mark.parametrize("name,params", [("random", {"batch_size": 100}), ("genetic", {"population": 24}),
                                         ("annealing", {"chains": 5, "round_moves": 7})])
def test_ask_tell_with_loopfronts_model_gives_the_cli_front(space, name, params):
    budget = 997
    searcher = ask_tell_front(space, name, budget, 11, params)
    front = searcher.front
    assert front.columns == ["point", "latency_cycles", "energy_pj", "edp_pj_cycles", "mapping"]
    import csv
    import io

    args = ["search", "--arch", "gemmini", "--op", "matmul m=197 n=96 k=64", "--searcher", name, "--seed", "11",
            "--budget-evals", str(budget), "--threads", "1", "--format", "csv"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    rows = list(csv.DictReader(io.StringIO(cli(*args))))
    assert [row["mapping"] for row in rows] == [row["mapping"] for row in front]
    assert [float(row["energy_pj"]) for row in rows] == pytest.approx([row["energy_pj"] for row in front], rel=1e-9)
    best = searcher.best("edp")
    assert best["edp_pj_cycles"] == min(row["edp_pj_cycles"] for row in front)
    assert searcher.best("latency")["latency_cycles"] == front[0]["latency_cycles"]


def test_ask_tell_under_factor_bounds(tmp_path):
    """The searchers' repairs may leave a constraint's bounds: such rows decode, and evaluate as infeasible."""
    path = tmp_path / "bounds.yaml"
    path.write_text("levels:\n  scratchpad: {temporal: {m: {max: 2}, n: {max: 2}, k: {max: 2}}}\n"
                    "  accumulator: {temporal: {m: {max: 2}, n: {max: 2}, k: {max: 2}}}\n")
    bounded = lf.Mapspace(GEMMINI, MATMUL, constraints=path)
    searcher = lf.searcher("genetic", bounded, seed=3, params={"population": 16})
    violations = set()
    for _ in range(20):
        genes = searcher.ask()
        table = lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=bounded)
        violations |= {row["violation"] for row in table}
        searcher.tell(genes, table)
    assert searcher.evaluations == 320 and len(searcher.front) > 0
    assert "factor_out_of_bounds" in violations


def test_tell_takes_cost_pairs_with_infeasible_ones(space):
    searcher = lf.searcher("genetic", space, seed=2, params={"population": 8})
    genes = searcher.ask()
    assert genes.shape == (8, space.num_genes)
    table = lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=space)
    pairs = [(row["latency_cycles"], row["energy_pj"]) if row["feasible"] else (math.inf, None) for row in table]
    searcher.tell(genes, numpy.array([[math.nan if v is None else v for v in pair] for pair in pairs], dtype=float))
    twin = lf.searcher("genetic", space, seed=2, params={"population": 8})
    twin.tell(twin.ask(), table)
    assert list(searcher.front) == list(twin.front)
    assert searcher.evaluations == 8
    assert (searcher.ask() == twin.ask()).all()


def test_ask_tell_misuse(space):
    searcher = lf.searcher("random", space, params={"batch_size": 4}, objectives=("latency", "energy"))
    assert searcher.objectives == "latency,energy"
    assert searcher.best() is None and len(searcher.front) == 0
    with pytest.raises(lf.ConfigError, match="expected ask"):
        searcher.tell(space.sample(4), [(1.0, 1.0)] * 4)
    genes = searcher.ask()
    with pytest.raises(lf.ConfigError, match="expected tell"):
        searcher.ask()
    with pytest.raises(lf.ConfigError, match="expected the 4 mappings"):
        searcher.tell(genes[:3], [(1.0, 1.0)] * 3)
    with pytest.raises(lf.ConfigError, match="positive"):
        searcher.tell(genes, [(1.0, -1.0)] * 4)
    with pytest.raises(lf.ConfigError, match="expected a searcher with ask/tell steps"):
        lf.searcher("exhaustive", space)
    with pytest.raises(lf.ConfigError, match="did you mean 'genetic'"):
        lf.searcher("genetc", space)
    with pytest.raises(lf.ConfigError, match="populaton"):
        lf.searcher("genetic", space, params={"populaton": 8})
    with pytest.raises(lf.ConfigError, match="did you mean 'latency'"):
        lf.searcher("genetic", space, objectives="latncy")
    with pytest.raises(lf.ConfigError, match="the pair"):
        searcher.best("latency,energy")


def test_evaluate_many_releases_the_gil(space):
    genes = space.sample(20000, seed=1)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    start = time.monotonic()
    lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=space, threads=1)
    end = time.monotonic()
    stop.set()
    thread.join()
    assert sum(start < t < end for t in ticks) >= min(5, int((end - start) / 0.004))


def test_the_docs_examples_run(capsys):
    """docs/python.md, "Mapspaces and your own search loops": its code blocks, in order, in one namespace."""
    with open(os.path.join(ROOT, "docs", "python.md"), encoding="utf-8") as docs:
        text = docs.read()
    section = text.split("## Mapspaces and your own search loops", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    assert len(blocks) == 4
    namespace = {}
    for block in blocks:
        exec(compile(block, "docs/python.md", "exec"), namespace)
    assert namespace["searcher"].best("edp") is not None
    assert "DRAM[" in capsys.readouterr().out


def test_evaluate_many_equals_a_loop_of_evaluate(space):
    genes = space.sample(200, seed=21, repair=True)
    texts = space.decode(genes)
    table = lf.evaluate_many(GEMMINI, MATMUL, genes, mapspace=space)
    assert sum(row["feasible"] for row in table) >= 50
    for text, row in zip(texts, table):
        if row["feasible"]:
            one = lf.evaluate(GEMMINI, MATMUL, text)
            assert (one["cycles"], one["energy_pj"], one["edp_pj_cycles"]) == (
                row["latency_cycles"], row["energy_pj"], row["edp_pj_cycles"])
        else:
            with pytest.raises(lf.ConfigError):
                lf.evaluate(GEMMINI, MATMUL, text)


@pytest.mark.parametrize("name,params", [("random", {"batch_size": 100}), ("genetic", {"population": 24}),
                                         ("annealing", {"chains": 5, "round_moves": 7})])
def test_ask_tell_with_loopfronts_model_gives_search_s_front(space, name, params):
    budget = 997
    searcher = ask_tell_front(space, name, budget, 7, params)
    result = lf.search(GEMMINI, MATMUL, searcher=name, params=params, seed=7, budget_evals=budget, threads=1)
    assert [row["mapping"] for row in searcher.front] == [row["mapping"] for row in result.front]
    assert [row["energy_pj"] for row in searcher.front] == [row["energy_pj"] for row in result.front]
    assert searcher.best("edp")["mapping"] == result.best("edp")["mapping"]


def test_a_searcher_refuses_a_second_thread_while_it_works(space):
    searcher = lf.searcher("random", space, params={"batch_size": 300000}, threads=1)
    asking = threading.Thread(target=searcher.ask)
    asking.start()
    time.sleep(0.05)  # the ask takes ~0.4 s (GIL released)
    with pytest.raises(RuntimeError, match="in use by another thread"):
        searcher.front
    asking.join()
    assert len(searcher.front) == 0  # free again
