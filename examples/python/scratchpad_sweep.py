"""A sweep over scratchpad sizes: one search per size, collected into one DataFrame (printed and
written as CSV).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/scratchpad_sweep.py sweep.csv \
        --sizes 65536,131072,262144 --budget-evals 20000
"""

import argparse

import pandas

import loopfront as lf


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="the CSV file to write")
    parser.add_argument("--arch", default="gemmini")
    parser.add_argument("--op", default="matmul m=512 n=768 k=768")
    parser.add_argument("--sizes", default="65536,131072,262144,524288", help="scratchpad bytes, comma-separated")
    parser.add_argument("--budget-evals", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    op = lf.Op.parse(args.op)
    rows = []
    for size in [int(text) for text in args.sizes.split(",")]:
        arch = lf.Architecture.load(args.arch, overrides={"scratchpad.capacity_bytes": size})
        result = lf.search(arch, op, budget_evals=args.budget_evals, seed=args.seed)
        best = result.best("edp")
        rows.append({"scratchpad_bytes": size, "front_points": len(result.front),
                     "latency_cycles": best["latency_cycles"], "energy_pj": best["energy_pj"],
                     "edp_pj_cycles": best["edp_pj_cycles"], "mapping": best["mapping"]})
    frame = pandas.DataFrame(rows)
    print(frame.drop(columns="mapping").to_string(index=False))
    frame.to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
