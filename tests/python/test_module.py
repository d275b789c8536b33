"""The module itself: it imports, names its version, lists the presets, and raises its errors."""

import subprocess
import os

import pytest

import loopfront as lf


def test_version_matches_the_cli():
    out = subprocess.run([os.environ["LOOPFRONT_BINARY"], "--version"], check=True, capture_output=True, text=True)
    assert out.stdout.split()[1] == lf.__version__
    assert lf.git_commit in out.stdout


def test_presets_are_the_cli_list():
    presets = lf.presets()
    assert "gemmini" in presets["architectures"]
    assert "bert-base" in presets["workloads"]
    listing = subprocess.run([os.environ["LOOPFRONT_BINARY"], "list"], check=True, capture_output=True, text=True)
    for name in presets["architectures"] + presets["workloads"]:
        assert name in listing.stdout


def test_errors_are_python_exceptions():
    assert issubclass(lf.ConfigError, ValueError)
    assert issubclass(lf.InternalError, RuntimeError)


def test_table_keeps_its_columns_when_empty():
    import pandas
    table = lf.Table([], columns=["a", "b"])
    assert list(table.to_pandas().columns) == ["a", "b"]
    rows = lf.Table([{"a": 1, "b": 2.5}])
    frame = rows.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert frame["b"].tolist() == [2.5]


def test_a_config_error_carries_the_cli_message():
    with pytest.raises(lf.ConfigError) as raised:
        lf.Architecture.load("gemmnii")
    assert "did you mean 'gemmini'" in str(raised.value)
    assert raised.value.diagnostics[0]["text"] == str(raised.value)


def test_errors_name_keywords_not_command_line_options():
    gemmini = lf.Architecture.load("gemmini")
    op = lf.Op.parse("matmul m=64 n=64 k=64")
    with pytest.raises(lf.ConfigError) as raised:
        lf.search(gemmini, op, params={"popsize": 3}, cost_params={"x": 1})
    message = str(raised.value)
    assert message.startswith("params: expected NAME=VALUE with NAME one of population")
    assert "\ncost_params: expected NAME=VALUE with NAME one of (none) (cost_model dataflow), got 'x=1'" in message
    assert "--param" not in message
    assert raised.value.diagnostics[0]["path"] == "params"


def test_to_pandas_takes_debians_pandas_when_the_interpreter_has_none():
    # `-S`: no site module, so Debian's dist-packages is not on sys.path, as for a pyenv or venv
    # python3 of the same minor version; to_pandas() must still find Debian's pandas.
    import sys

    program = ("import sys; import loopfront as lf; "
               "assert '/usr/lib/python3/dist-packages' not in sys.path; "
               "print(lf.Table([{'a': 1}]).to_pandas().shape)")
    out = subprocess.run([sys.executable, "-S", "-c", program], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "(1, 1)"


def test_max_input_bytes_bounds_every_loaded_file(tmp_path):
    assert lf.max_input_bytes() == 64 << 20
    arch = tmp_path / "arch.yaml"
    arch.write_text(open(os.path.join(os.path.dirname(__file__), "..", "..", "architectures", "gemmini.yaml")).read())
    try:
        assert lf.max_input_bytes(100) == 100
        with pytest.raises(lf.ConfigError, match="larger than the 100 bytes input limit"):
            lf.Architecture.load(str(arch))
    finally:
        lf.max_input_bytes(64 << 20)
    with pytest.raises(lf.ConfigError, match=r"expected an integer in \[1, 1099511627776\], got 0"):
        lf.max_input_bytes(0)
    assert lf.max_input_bytes() == 64 << 20
