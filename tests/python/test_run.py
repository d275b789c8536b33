"""run() and read_results(): an experiment run from Python writes what `loopfront run` writes."""

import csv
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

import loopfront as lf

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]


def write_experiment(directory):
    """Four small points: the BERT-Base attention ops on two scratchpad sizes, with and without fusion."""
    path = directory / "small.yaml"
    path.write_text(
        "name: small\n"
        "workloads:\n"
        f"  - model: {SOURCE_DIR}/workloads/examples/bert-base-attention.yaml\n"
        "architectures:\n"
        "  - arch: gemmini\n"
        "    sweep:\n"
        "      scratchpad.capacity_bytes: [131072, 262144]\n"
        "search:\n"
        "  budget: {evaluations: 300}\n"
        "  tilings: 2\n"
        "fusion: [none, auto]\n"
        f"output: {directory}/default_out\n")
    return path


def csv_files(directory):
    """The CSVs' text by file name, with the one column that differs between runs (summary.csv's
    wall_seconds) emptied."""
    files = {}
    for path in sorted(pathlib.Path(directory).glob("*.csv")):
        lines = path.read_text().splitlines()
        header = lines[0].split(",")
        if "wall_seconds" in header:
            column = header.index("wall_seconds")
            rows = list(csv.reader(lines))
            for row in rows[1:]:
                assert float(row[column]) >= 0
                row[column] = ""
            lines = [",".join(row) for row in rows]
        files[path.name] = lines
    return files


def test_run_writes_what_the_cli_writes(tmp_path):
    experiment = write_experiment(tmp_path)
    out = lf.run(str(experiment), output=str(tmp_path / "python"), budget_evals=200, seed=3)
    assert out == str(tmp_path / "python")
    subprocess.run([os.environ["LOOPFRONT_BINARY"], "run", str(experiment), "--output", str(tmp_path / "cli"),
                    "--budget-evals", "200", "--seed", "3", "--no-plot", "--quiet"], check=True, capture_output=True)
    python_files, cli_files = csv_files(out), csv_files(tmp_path / "cli")
    assert {"summary.csv", "fronts.csv", "ops.csv", "groups.csv"} <= set(python_files)
    assert python_files == cli_files
    python_points = sorted(path.name for path in (tmp_path / "python" / "points").iterdir())
    assert python_points == sorted(path.name for path in (tmp_path / "cli" / "points").iterdir())
    assert len(python_points) == 4
    manifest = json.loads((tmp_path / "python" / "manifest.json").read_text())
    assert manifest["command_line"].startswith(f"loopfront.run('{experiment}', output=")

    # A rerun skips the points already done (resume) and writes the same tables.
    assert lf.run(str(experiment), output=out, budget_evals=200, seed=3) == out
    assert csv_files(out) == cli_files


def test_shards_then_read_results(tmp_path):
    experiment = write_experiment(tmp_path)
    out = str(tmp_path / "sharded")
    lf.run(str(experiment), output=out, shard=(0, 2), budget_evals=200)
    assert len(lf.read_results(out)["summary"]) == 2
    lf.run(str(experiment), output=out, shard=(1, 2), budget_evals=200)
    frames = lf.read_results(out)
    assert {"summary", "fronts", "ops", "groups"} <= set(frames)
    summary = frames["summary"]
    assert len(summary) == 4
    assert sorted(summary["fusion"].unique()) == ["auto", "none"]
    assert summary["point_id"].map(len).eq(12).all()
    assert set(frames["fronts"]["point_id"]) == set(summary["point_id"])
    assert (summary["knee_edp_pj_cycles"] > 0).all()


def test_the_default_output_is_the_files_and_plot_draws(tmp_path):
    experiment = write_experiment(tmp_path)
    assert lf.run(experiment, budget_evals=100, threads=1, plot=True) == f"{tmp_path}/default_out"
    assert (tmp_path / "default_out" / "summary.csv").exists()
    for extension in ("png", "svg", "pdf", "gp", "dat"):
        assert (tmp_path / "default_out" / "figures" / f"pareto_fronts.{extension}").stat().st_size > 0


def test_bad_input_is_a_config_error(tmp_path):
    experiment = write_experiment(tmp_path)
    with pytest.raises(lf.ConfigError, match="shard: "):
        lf.run(str(experiment), shard=(2, 2))
    with pytest.raises(lf.ConfigError) as raised:
        lf.run(str(experiment), budget_evals=0, threads=0)
    assert len(raised.value.diagnostics) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(experiment.read_text() + "unknown_key: 1\n")
    with pytest.raises(lf.ConfigError, match=f"{bad}:13:1: "):
        lf.run(str(bad))
    assert not (tmp_path / "default_out").exists()
    with pytest.raises(lf.ConfigError, match="expected CSV files"):
        lf.read_results(str(tmp_path))


def test_ctrl_c_stops_a_run_keeping_what_is_finished(tmp_path):
    experiment = tmp_path / "long.yaml"
    experiment.write_text("workloads: [{model: bert-base, seq_len: [128, 256, 512, 1024, 2048, 4096]}]\n"
                          "architectures: [{arch: gemmini}]\n"
                          "search: {budget: {seconds: 30}}\n"
                          "fusion: none\n"
                          f"output: {tmp_path}/out\n")
    script = (f"import loopfront as lf\nprint('started', flush=True)\n"
              f"lf.run({str(experiment)!r}, threads=1)\nprint('finished', flush=True)\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "started"
    time.sleep(1.5)
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - interrupted < 5
    assert "KeyboardInterrupt" in stderr and "finished" not in stdout
    # The runner stopped as after `loopfront run`'s SIGINT: the manifest and the tables are written.
    assert (tmp_path / "out" / "manifest.json").exists()
    assert (tmp_path / "out" / "summary.csv").exists()
