"""Loading: architectures (with overrides), workloads, ops, constraints, Timeloop files, analyze."""

import csv
import io
import math
import os
import pathlib
import subprocess

import pytest

import loopfront as lf

REPO = pathlib.Path(__file__).resolve().parents[2]
TIMELOOP = REPO / "tests" / "data" / "timeloop"


def cli(*args):
    return subprocess.run([os.environ["LOOPFRONT_BINARY"], *args], check=True, capture_output=True, text=True).stdout


def level(architecture, name):
    return next(item for item in architecture.to_dict()["architecture"]["levels"] if item["name"] == name)


# Architectures


def test_architecture_loads_a_preset_and_round_trips_through_yaml(tmp_path):
    gemmini = lf.Architecture.load("gemmini")
    assert gemmini.name == "gemmini"
    assert gemmini.levels == ["DRAM", "scratchpad", "accumulator", "weight_reg"]
    path = tmp_path / "copy.yaml"
    path.write_text(gemmini.to_yaml())
    copy = lf.Architecture.load(str(path))
    assert copy.to_dict()["architecture"] == gemmini.to_dict()["architecture"]
    assert lf.Architecture.load("gemmini") == gemmini
    assert lf.Architecture.load("eyeriss-like") != gemmini


def test_to_dict_has_the_yaml_keys_with_typed_values():
    spec = lf.Architecture.load("gemmini").to_dict()
    assert spec["name"] == "gemmini"
    pe_array = spec["architecture"]["pe_array"]
    assert pe_array["rows"] == 16 and isinstance(pe_array["rows"], int)
    assert isinstance(pe_array["mac_energy_pj"], float)
    assert level(lf.Architecture.load("gemmini"), "scratchpad")["keeps"] == ["input", "weight"]


def test_overrides_set_keys_as_an_experiment_sweep_does():
    base = lf.Architecture.load("gemmini")
    smaller = lf.Architecture.load("gemmini", overrides={"scratchpad.capacity_bytes": 65536, "pe_array.rows": 32})
    assert smaller != base
    assert smaller.to_dict()["architecture"]["pe_array"]["rows"] == 32
    scratchpad = level(smaller, "scratchpad")
    assert scratchpad.get("capacity_bytes", 0) == 65536 or scratchpad["capacity_words"] * scratchpad["word_bits"] == 65536 * 8
    assert lf.Architecture.load("gemmini", overrides={}) == base
    # Level names compare without case, as in experiments.
    assert lf.Architecture.load("gemmini", overrides={"Scratchpad.capacity_bytes": 65536}) == lf.Architecture.load(
        "gemmini", overrides={"scratchpad.capacity_bytes": 65536}
    )


def test_an_unknown_override_level_names_the_key_with_did_you_mean():
    with pytest.raises(lf.ConfigError) as raised:
        lf.Architecture.load("gemmini", overrides={"scratchpda.capacity_bytes": 65536})
    message = str(raised.value)
    assert "scratchpda.capacity_bytes" in message
    assert "did you mean 'scratchpad'" in message
    assert raised.value.diagnostics[0]["line"] > 0


def test_an_invalid_override_value_is_checked_like_a_file():
    with pytest.raises(lf.ConfigError) as raised:
        lf.Architecture.load("gemmini", overrides={"pe_array.rows": -4, "scratchpad.capacity_bytes": 0})
    message = str(raised.value)
    assert "pe_array.rows" in message or "rows" in message
    assert "capacity_bytes" in message


def test_override_types_are_checked():
    with pytest.raises(TypeError):
        lf.Architecture.load("gemmini", overrides=[("pe_array.rows", 32)])
    with pytest.raises(TypeError):
        lf.Architecture.load("gemmini", overrides={"pe_array.rows": [32]})


def test_a_broken_architecture_file_reports_its_position(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("architecture:\n  clock_ghz: 1.0\n  levels:\n    - name: DRAM\n      word_bitz: 8\n")
    with pytest.raises(lf.ConfigError) as raised:
        lf.Architecture.load(str(path))
    first = raised.value.diagnostics[0]
    assert first["file"].endswith("broken.yaml") and first["line"] > 0
    assert "did you mean 'word_bits'" in str(raised.value)


# Ops


def test_an_op_parsed_from_its_spec():
    op = lf.Op.parse("matmul m=512 n=768 k=768")
    assert str(op) == "matmul m=512 n=768 k=768"
    assert op.kind == "contraction"
    assert op.dims == {"m": 512, "n": 768, "k": 768}
    assert op.macs == 512 * 768 * 768
    assert op.count == 1
    spec = op.to_dict()
    assert [tensor["name"] for tensor in spec["tensors"]] == ["A", "B", "Z"]
    assert spec["tensors"][0]["dims"] == ["m", "k"] and spec["tensors"][1]["role"] == "weight"
    assert spec["flops"] == 2 * op.macs
    softmax = lf.Op.parse("softmax m=128 n=128")
    assert softmax.kind == "softmax" and softmax.macs == 0
    assert softmax.to_dict()["passes"] == 3 and softmax.to_dict()["reduced_dim"] == "n"
    assert lf.Op.parse("matmul m=512 n=768 k=768") == op


def test_a_bad_op_spec_is_a_config_error():
    with pytest.raises(lf.ConfigError) as raised:
        lf.Op.parse("matmull m=4")
    assert "did you mean 'matmul'" in str(raised.value)


# Workloads


def test_a_workload_with_overrides():
    bert = lf.Workload.load("bert-base", seq_len=128, batch=2)
    assert bert.name == "bert-base"
    assert (bert.seq_len, bert.batch, bert.phase) == (128, 2, "prefill")
    names = [op.name for op in bert.ops]
    assert len(names) == len(set(names)) > 5
    first = bert.ops[0]
    assert first.label == "bert-base:" + first.name
    assert bert.op(first.name) == first
    assert "128" in bert.description
    assert "seq_len: 128" in bert.to_yaml()
    longer = lf.Workload.load("bert-base", seq_len=512)
    assert longer.op("qk_matmul").dims != bert.op("qk_matmul").dims


def test_an_op_of_a_workload_is_the_clis_op_name_op():
    bert = lf.Workload.load("bert-base")
    with pytest.raises(lf.ConfigError) as raised:
        bert.op("q_porj")
    assert "did you mean 'q_proj'" in str(raised.value)
    assert bert.op("q_proj").kind == "contraction"
    # The ops are those `analyze --by op` counts.
    rows = csv_rows(cli("analyze", "--model", "bert-base", "--by", "op", "--format", "csv"))
    op_column = rows[0].index("group")
    assert [op.name for op in bert.ops] == [cells[op_column] for cells in rows[1:-1]]


def test_workload_options_are_checked():
    with pytest.raises(lf.ConfigError) as raised:
        lf.Workload.load("bert-base", phase="decod")
    assert "did you mean 'decode'" in str(raised.value)
    with pytest.raises(lf.ConfigError) as raised:
        lf.Workload.load("bert-bsae")
    assert "did you mean 'bert-base'" in str(raised.value)
    with pytest.raises(lf.ConfigError):
        lf.Workload.load("bert-base", phase="decode")  # an encoder does not decode
    with pytest.raises(lf.ConfigError) as raised:
        lf.Workload.load("gpt2", precision="w4a99x")
    assert "precision" in str(raised.value)


def test_a_decoder_in_decode_with_precision():
    gpt2 = lf.Workload.load("gpt2", phase="decode", kv_len=256, precision="w4a16kv8")
    assert gpt2.phase == "decode"
    weights = [tensor for op in gpt2.ops for tensor in op.to_dict()["tensors"] if tensor["data"] == "parameter"]
    assert weights and all(tensor["word_bits"] == 4 for tensor in weights)


# Constraints and Timeloop


def test_constraints_load_against_an_op(tmp_path):
    path = tmp_path / "ws.yaml"
    path.write_text("levels:\n  scratchpad:\n    spatial_x: {n: 16}\n  accumulator:\n    spatial_y: {k: 16}\n")
    gemmini = lf.Architecture.load("gemmini")
    constraints = lf.Constraints.load(str(path), gemmini, lf.Op.parse("matmul m=512 n=768 k=768"))
    assert constraints.source == str(path)
    path.write_text("levels:\n  scratchpad:\n    spatial_x: {q: 16}\n")
    with pytest.raises(lf.ConfigError) as raised:
        lf.Constraints.load(str(path), gemmini, lf.Op.parse("matmul m=512 n=768 k=768"))
    assert raised.value.diagnostics[0]["line"] == 3


def test_from_timeloop_reads_what_eval_timeloop_reads():
    folder = TIMELOOP / "pe4_v04_subtree"
    files = [str(folder / "arch.yaml"), str(folder / "tables.yaml"), str(TIMELOOP / "pe4_problem.yaml"),
             str(TIMELOOP / "pe4_map.yaml")]
    imported = lf.from_timeloop(*files)
    assert isinstance(imported["arch"], lf.Architecture)
    assert isinstance(imported["op"], lf.Op) and imported["op"].kind == "contraction"
    assert imported["constraints"] is None
    assert "[" in imported["mapping"]
    # The mapping is the one `eval --timeloop` evaluates.
    import json
    expected = json.loads(cli("eval", "--timeloop", *files, "--format", "json"))
    got = lf.evaluate(imported["arch"], imported["op"], imported["mapping"])
    assert got == expected

    constrained = TIMELOOP / "constraints_pe4x4"
    imported = lf.from_timeloop(*sorted(str(path) for path in constrained.iterdir()))
    assert isinstance(imported["constraints"], lf.Constraints)
    assert imported["mapping"] is None
    with pytest.raises(lf.ConfigError):
        lf.from_timeloop()


# analyze


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


def same_cell(python_value, text):
    if python_value is None:
        return text == ""
    if isinstance(python_value, str):
        return python_value == text
    return math.isclose(float(python_value), float(text), rel_tol=1e-12)


@pytest.mark.parametrize("by", ["class", "op"])
def test_analyze_is_the_clis_csv(by):
    table = lf.analyze(lf.Workload.load("bert-base"), seq=[128, 512], by=by)
    rows = csv_rows(cli("analyze", "--model", "bert-base", "--seq", "128,512", "--by", by, "--format", "csv"))
    assert table.columns == rows[0]
    assert len(table) == len(rows) - 1
    for row, cells in zip(table, rows[1:]):
        assert all(same_cell(row[column], cell) for column, cell in zip(table.columns, cells)), (row, cells)
    frame = table.to_pandas()
    assert list(frame.columns) == rows[0]


def test_analyze_defaults_to_the_workloads_settings():
    decode = lf.analyze(lf.Workload.load("gpt2", seq_len=64, precision="w4a16"), phase="decode")
    rows = csv_rows(cli("analyze", "--model", "gpt2", "--seq", "64", "--phase", "decode", "--precision", "w4a16",
                        "--by", "class", "--format", "csv"))
    assert [[str(row[column]) if row[column] is not None else "" for column in decode.columns][:4] for row in decode] == [
        cells[:4] for cells in rows[1:]
    ]
    with pytest.raises(lf.ConfigError) as raised:
        lf.analyze(lf.Workload.load("gpt2"), by="klass")
    assert "did you mean 'class'" in str(raised.value)
