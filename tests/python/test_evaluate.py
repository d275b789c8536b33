"""evaluate: the same dict as `loopfront eval --format json`, and eval's errors."""

import json
import os
import subprocess

import pytest

import loopfront as lf

MATMUL = "matmul m=512 n=768 k=768"
SOFTMAX = "softmax m=512 n=512"


def cli(*args, check=True):
    return subprocess.run([os.environ["LOOPFRONT_BINARY"], *args], check=check, capture_output=True, text=True)


def front_mappings(arch, op_spec):
    """The one-line mappings of a small search's front (what a user would paste into evaluate)."""
    out = cli("search", "--arch", arch, "--op", op_spec, "--budget-evals", "300", "--seed", "3", "--format", "json")
    return [point["mapping"] for point in json.loads(out.stdout)["front"]]


@pytest.mark.parametrize("op_spec", [MATMUL, SOFTMAX])
def test_evaluate_is_eval_json(op_spec):
    gemmini = lf.Architecture.load("gemmini")
    op = lf.Op.parse(op_spec)
    mappings = front_mappings("gemmini", op_spec)
    assert mappings
    for line in mappings[:3]:
        expected = json.loads(cli("eval", "--arch", "gemmini", "--op", op_spec, "--mapping", line, "--format",
                                  "json").stdout)
        got = lf.evaluate(gemmini, op, line)
        assert got == expected
        assert list(got) == list(expected)
        assert {"cycles", "energy_pj", "edp_pj_cycles", "levels"} <= set(got)


def test_evaluate_reads_a_mapping_file_and_takes_cost_model_options(tmp_path):
    gemmini = lf.Architecture.load("gemmini")
    op = lf.Op.parse(MATMUL)
    line = front_mappings("gemmini", MATMUL)[0]
    path = tmp_path / "mapping.yaml"
    path.write_text("mapping: " + json.dumps(line) + "\n")
    assert lf.evaluate(gemmini, op, str(path)) == lf.evaluate(gemmini, op, line)
    roofline = lf.evaluate(gemmini, op, line, cost_model="roofline")
    expected = json.loads(cli("eval", "--arch", "gemmini", "--op", MATMUL, "--mapping", line, "--cost-model",
                              "roofline", "--format", "json").stdout)
    assert roofline == expected
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate(gemmini, op, line, cost_model="rooflin")
    assert "did you mean 'roofline'" in str(raised.value)
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate(gemmini, op, line, cost_params={"no_such_param": 1})
    assert "no_such_param" in str(raised.value)


def test_a_mapping_eval_refuses_is_refused_with_evals_message(tmp_path):
    gemmini = lf.Architecture.load("gemmini")
    op = lf.Op.parse(MATMUL)
    # The scratchpad holds 256 KiB; a k tile of 768 × n 528 does not fit.
    line = "DRAM[m512] scratchpad{A,B}[n33 | x:n16] accumulator{Z}[k48 | y:k16] weight_reg{B}[]"
    result = cli("eval", "--arch", "gemmini", "--op", MATMUL, "--mapping", line, "--format", "json", check=False)
    assert result.returncode == 2
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate(gemmini, op, line)
    cli_message = result.stderr.strip()
    # The CLI names the argument --mapping; the API names it mapping.
    assert str(raised.value).replace("mapping:", "--mapping:", 1) in cli_message or str(raised.value) in cli_message


def test_errors_carry_file_positions(tmp_path):
    broken = tmp_path / "arch.yaml"
    broken.write_text("architecture:\n  levels:\n    - name: DRAM\n      word_bits: eight\n")
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate(lf.Architecture.load(str(broken)), lf.Op.parse(MATMUL), "DRAM[m512]")
    assert raised.value.diagnostics[0]["line"] > 0
    assert raised.value.diagnostics[0]["file"].endswith("arch.yaml")

    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("mapping:\n  - level: DRAM\n    temporal: [[m, 512]]\n  - level: scratchpd\n")
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate(lf.Architecture.load("gemmini"), lf.Op.parse(MATMUL), str(mapping))
    first = raised.value.diagnostics[0]
    assert first["file"].endswith("mapping.yaml") and first["line"] > 0
    assert "scratchpad" in str(raised.value)


def test_argument_types():
    with pytest.raises(TypeError):
        lf.evaluate("gemmini", lf.Op.parse(MATMUL), "DRAM[m512]")


def test_a_mapping_file_naming_another_architecture_or_op_is_refused(tmp_path):
    gemmini = lf.Architecture.load("gemmini")
    op = lf.Op.parse(MATMUL)
    line = front_mappings("gemmini", MATMUL)[0]
    agreeing = tmp_path / "agreeing.yaml"
    agreeing.write_text(f"arch: gemmini\nop: {json.dumps(MATMUL)}\nmapping: {json.dumps(line)}\n")
    assert lf.evaluate(gemmini, op, str(agreeing)) == lf.evaluate(gemmini, op, line)
    other = tmp_path / "other.yaml"
    other.write_text(f"arch: tpu-like\nop: \"matmul m=64 n=64 k=64\"\nmapping: {json.dumps(line)}\n")
    with pytest.raises(lf.ConfigError) as raised:
        lf.evaluate(gemmini, op, str(other))
    paths = [diagnostic["path"] for diagnostic in raised.value.diagnostics]
    assert paths == ["arch", "op"]
    assert "expected the architecture given as `arch` ('gemmini'), got a different one ('tpu-like')" in str(raised.value)
    assert f"expected the op given as `op` ({MATMUL}), got a different one" in str(raised.value)
