"""A search loop of your own over a Mapspace: loopfront's genetic searcher asks for genes, your
cost function scores them (here: loopfront's model plus a made-up per-level penalty standing in
for a simulator), and tell() feeds the costs back. Prints the front and writes it as CSV.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/custom_search.py front.csv \
        --op "matmul m=512 n=768 k=768" --budget-evals 4000
"""

import argparse
import math

import loopfront as lf


def my_costs(arch, op, texts, dram_penalty):
    """(latency, energy) per one-line mapping; (None, None) marks one the model cannot run.

    Stands in for a simulator: loopfront's dataflow model, with DRAM's cycles multiplied by
    `dram_penalty` (as if another accelerator shared its bandwidth)."""
    costs = []
    for row, text in zip(lf.evaluate_many(arch, op, texts), texts):
        if not row["feasible"]:
            costs.append((None, None))
            continue
        detail = lf.evaluate(arch, op, text)
        dram = detail["levels"][0]
        stalled = max(row["latency_cycles"], dram["cycles"] * dram_penalty)
        costs.append((stalled, row["energy_pj"]))
    return costs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="the CSV file to write (the front)")
    parser.add_argument("--arch", default="gemmini")
    parser.add_argument("--op", default="matmul m=512 n=768 k=768")
    parser.add_argument("--budget-evals", type=int, default=4000)
    parser.add_argument("--dram-penalty", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    arch = lf.Architecture.load(args.arch)
    op = lf.Op.parse(args.op)
    space = lf.Mapspace(arch, op)
    print(f"mapspace: 10^{space.size()['log10']:.1f} mappings, {space.num_genes} genes")

    searcher = lf.searcher("genetic", space, seed=args.seed, params={"population": 32})
    while searcher.evaluations < args.budget_evals:
        genes = searcher.ask(args.budget_evals - searcher.evaluations)
        searcher.tell(genes, my_costs(arch, op, space.decode(genes), args.dram_penalty))

    front = searcher.front.to_pandas()
    print(front[["latency_cycles", "energy_pj", "edp_pj_cycles"]].to_string(index=False))
    best = searcher.best("edp")
    print(f"lowest EDP: {best['mapping']} ({best['edp_pj_cycles']:.4g} pJ x cycles)")
    assert all(math.isfinite(value) for value in front["latency_cycles"])
    front.to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
