"""The examples of examples/python run (small budgets, in tmp_path) and write what they promise."""

import csv
import os
import pathlib
import subprocess
import sys

import loopfront

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"
# The package the tests import, found by the examples too (they run in tmp_path).
PACKAGE_ROOT = str(pathlib.Path(loopfront.__file__).resolve().parents[1])


def run(script, *args, cwd):
    result = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, capture_output=True, text=True,
                            env=dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=PACKAGE_ROOT), timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_plot_front_writes_a_png(tmp_path):
    png = tmp_path / "front.png"
    out = run("plot_front.py", str(png), "--budget-evals", "1500", cwd=tmp_path)
    assert png.stat().st_size > 1000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "front points" in out


def test_scratchpad_sweep_has_one_row_per_size(tmp_path):
    path = tmp_path / "sweep.csv"
    sizes = [65536, 131072, 262144]
    out = run("scratchpad_sweep.py", str(path), "--sizes", ",".join(map(str, sizes)), "--budget-evals", "1500",
              cwd=tmp_path)
    with path.open() as file:
        rows = list(csv.DictReader(file))
    assert [int(row["scratchpad_bytes"]) for row in rows] == sizes
    assert all(float(row["latency_cycles"]) > 0 and "[" in row["mapping"] for row in rows)
    assert "scratchpad_bytes" in out


def test_custom_search_finds_a_front(tmp_path):
    path = tmp_path / "front.csv"
    out = run("custom_search.py", str(path), "--op", "matmul m=128 n=128 k=64", "--budget-evals", "300", cwd=tmp_path)
    with path.open() as file:
        rows = list(csv.DictReader(file))
    assert rows and all("[" in row["mapping"] for row in rows)
    assert "lowest EDP" in out
