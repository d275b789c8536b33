"""search() and search_model(): the CLI's fronts for the same options, the result classes, the
errors, and the API's guarantees on threads (the GIL is released) and Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import loopfront as lf

OP = "matmul m=512 n=768 k=768"


def cli(*args):
    return subprocess.run([os.environ["LOOPFRONT_BINARY"], *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def gemmini():
    return lf.Architecture.load("gemmini")


@pytest.fixture(scope="module")
def matmul():
    return lf.Op.parse(OP)


@pytest.fixture(scope="module")
def genetic_result(gemmini, matmul):
    return lf.search(gemmini, matmul, seed=1, budget_evals=20000)


def test_the_front_is_the_clis(genetic_result):
    expected = cli("search", "--arch", "gemmini", "--op", OP, "--seed", "1", "--budget-evals", "20000",
                   "--format", "csv")
    assert genetic_result.to_csv() == expected


def test_annealing_gives_the_clis_front_for_any_thread_count(gemmini, matmul):
    one = lf.search(gemmini, matmul, searcher="annealing", seed=3, budget_evals=8000, threads=1)
    two = lf.search(gemmini, matmul, searcher="annealing", seed=3, budget_evals=8000, threads=2)
    expected = cli("search", "--arch", "gemmini", "--op", OP, "--searcher", "annealing", "--seed", "3",
                   "--budget-evals", "8000", "--format", "csv")
    assert one.to_csv() == two.to_csv() == expected


def test_params_and_objectives_reach_the_searcher(gemmini, matmul):
    result = lf.search(gemmini, matmul, searcher="random", objectives="edp", params={"batch_size": 64},
                       budget_evals=2000, seed=5)
    expected = cli("search", "--arch", "gemmini", "--op", OP, "--searcher", "random", "--objectives", "edp",
                   "--param", "batch_size=64", "--budget-evals", "2000", "--seed", "5", "--format", "csv")
    assert result.to_csv() == expected
    assert len(result.front) == 1


def test_the_result_holds_the_csv_columns_and_statistics(genetic_result):
    front = genetic_result.front
    header = genetic_result.to_csv().splitlines()[0].split(",")
    assert front.columns == header
    assert len(front) == len(genetic_result.to_csv().splitlines()) - 1
    assert [row["point"] for row in front] == list(range(len(front)))
    frame = genetic_result.to_pandas()
    assert list(frame.columns) == header and len(frame) == len(front)
    stats = genetic_result.stats
    assert stats["evaluations"] == 20000
    assert stats["stop_reason"] == "evaluations"
    assert 0 < stats["valid_fraction"] <= 1


def test_best_minimizes_each_objective(genetic_result):
    front = genetic_result.front
    assert genetic_result.best("latency") == front[0]  # fastest first
    assert genetic_result.best("energy")["energy_pj"] == min(row["energy_pj"] for row in front)
    knee = genetic_result.best("edp")
    assert knee["edp_pj_cycles"] == min(row["edp_pj_cycles"] for row in front)
    assert knee["edp_pj_cycles"] == pytest.approx(knee["latency_cycles"] * knee["energy_pj"], rel=1e-12)
    with pytest.raises(lf.ConfigError, match="expected one of edp, latency, energy"):
        genetic_result.best("throughput")


def test_bad_options_are_config_errors_all_at_once(gemmini, matmul):
    with pytest.raises(lf.ConfigError) as raised:
        lf.search(gemmini, matmul, searcher="genetik", objectives=("latency", "enrgy"), budget_evals=-1,
                  max_padding_waste=2.0)
    message = str(raised.value)
    assert "objectives: expected one of" in message and "did you mean" in message
    assert "did you mean 'genetic'" in message
    assert "budget_evals: expected an integer in [0, 1099511627776], got -1" in message
    assert "max_padding_waste: expected a number in [0, 0.99], got 2" in message
    assert len(raised.value.diagnostics) == 4
    with pytest.raises(lf.ConfigError, match="did you mean 'population'"):
        lf.search(gemmini, matmul, params={"populaton": 8}, budget_evals=100)
    with pytest.raises(TypeError):
        lf.search(gemmini, matmul, objectives=3)
    with pytest.raises(lf.ConfigError) as raised:
        lf.search(gemmini, matmul, budget_seconds=float("nan"), threads=-1)
    assert str(raised.value) == ("budget_seconds: expected a number in [0, 1000000000], got nan\n"
                                 "threads: expected an integer in [0, 65536], got -1")
    with pytest.raises(lf.ConfigError, match=r"threads: expected an integer in \[0, 65536\], got 70000"):
        lf.search(gemmini, matmul, threads=70000)
    for build in (lambda: lf.Mapspace(gemmini, matmul, max_padding_waste=0.995),
                  lambda: lf.evaluate_many(gemmini, matmul, [], threads=-1)):
        with pytest.raises(lf.ConfigError, match=r"(max_padding_waste: expected a number in \[0, 0.99\], got 0.995|"
                                                 r"threads: expected an integer in \[0, 65536\], got -1)"):
            build()


def test_constraints_are_an_object_or_a_path(tmp_path, gemmini, matmul):
    path = tmp_path / "constraints.yaml"
    path.write_text("levels:\n  DRAM: {temporal: {k: {max: 4}}}\n")
    by_path = lf.search(gemmini, matmul, constraints=str(path), budget_evals=2000)
    by_object = lf.search(gemmini, matmul, constraints=lf.Constraints.load(str(path), gemmini, matmul),
                          budget_evals=2000)
    assert by_path.to_csv() == by_object.to_csv()
    expected = cli("search", "--arch", "gemmini", "--op", OP, "--constraints", str(path), "--budget-evals", "2000",
                   "--format", "csv")
    assert by_path.to_csv() == expected
    with pytest.raises(TypeError):
        lf.search(gemmini, matmul, constraints=3, budget_evals=10)


def test_no_valid_mapping_is_the_clis_config_error(tmp_path, gemmini, matmul):
    # A 2-word scratchpad: most mappings overflow it, and unrepaired random samples all do here.
    arch_file = tmp_path / "tiny.yaml"
    arch_file.write_text(gemmini.to_yaml().replace("capacity_words: 262144", "capacity_words: 2", 1))
    options = dict(searcher="random", params={"repair": False, "batch_size": 4}, budget_evals=4, seed=1)
    with pytest.raises(lf.ConfigError) as raised:
        lf.search(lf.Architecture.load(str(arch_file)), matmul, **options)
    failed = subprocess.run([os.environ["LOOPFRONT_BINARY"], "search", "--arch", str(arch_file), "--op", OP,
                             "--searcher", "random", "--param", "repair=false", "--param", "batch_size=4",
                             "--budget-evals", "4", "--seed", "1"], capture_output=True, text=True)
    assert failed.returncode == 2
    assert str(raised.value).startswith(f"no valid mapping of {OP} on gemmini found in 4 evaluations")
    assert failed.stderr == f"error: {raised.value}\n"


def test_a_second_thread_runs_during_a_search(gemmini, matmul):
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    started = time.monotonic()
    try:
        lf.search(gemmini, matmul, budget_seconds=2, threads=1, seed=2)
    finally:
        done.set()
        counter.join()
    elapsed = time.monotonic() - started
    during = [tick for tick in ticks if started + 0.2 < tick < started + elapsed - 0.2]
    assert elapsed > 1.0, "the search should take long enough to measure"
    # With the GIL held the counter would stall for the whole search; released, it ticks throughout.
    assert len(during) > 100 * (elapsed - 0.4) / 4


def test_a_search_runs_on_a_thread_other_than_main(gemmini, matmul, genetic_result):
    results = {}
    worker = threading.Thread(
        target=lambda: results.setdefault("csv", lf.search(gemmini, matmul, seed=1, budget_evals=20000).to_csv()))
    worker.start()
    worker.join()
    assert results["csv"] == genetic_result.to_csv()


def test_ctrl_c_interrupts_a_long_search():
    script = textwrap.dedent(f"""
        import loopfront as lf
        arch, op = lf.Architecture.load("gemmini"), lf.Op.parse("{OP}")
        print("started", flush=True)
        lf.search(arch, op, budget_seconds=120, threads=1)
        print("finished", flush=True)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "started"
    time.sleep(1.0)  # inside the search
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    assert time.monotonic() - interrupted < 5
    assert "KeyboardInterrupt" in stderr
    assert "finished" not in stdout
    assert process.returncode != 0


def test_search_model_gives_the_clis_fronts(gemmini):
    workload = lf.Workload.load("bert-base", seq_len=128, blocks_only=True)
    result = lf.search_model(workload, gemmini, budget_evals=300, tilings=2, seed=1)
    expected = cli("search", "--model", "bert-base", "--seq", "128", "--blocks-only", "--arch", "gemmini",
                   "--budget-evals", "300", "--tilings", "2", "--seed", "1", "--format", "csv")
    assert result.to_csv() == expected
    assert set(result.fronts) == {"auto", "none"}
    assert all(row["fusion"] == "auto" for row in result.fronts["auto"])
    assert len(result.fronts["auto"]) + len(result.fronts["none"]) == len(expected.splitlines()) - 1
    assert len(result.to_pandas()) == len(expected.splitlines()) - 1
    assert result.best("edp")["edp_pj_cycles"] == min(row["edp_pj_cycles"] for row in result.fronts["auto"])
    assert {"unit", "latency_cycles", "energy_pj"} <= set(result.knee.columns)
    assert result.stats["ops"] > 0
    unfused = lf.search_model(workload, gemmini, fusion="none", budget_evals=300, seed=1)
    assert set(unfused.fronts) == {"none"}
    with pytest.raises(lf.ConfigError, match="fusion: expected 'auto' or 'none', got 'some'"):
        lf.search_model(workload, gemmini, fusion="some")
