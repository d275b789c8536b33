"""The Pareto front of one op (latency vs energy), plotted with matplotlib into a PNG.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/plot_front.py front.png \
        --arch gemmini --op "matmul m=512 n=768 k=768" --budget-evals 20000
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402

import loopfront as lf  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", help="the PNG file to write")
    parser.add_argument("--arch", default="gemmini")
    parser.add_argument("--op", default="matmul m=512 n=768 k=768")
    parser.add_argument("--budget-evals", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    arch = lf.Architecture.load(args.arch)
    op = lf.Op.parse(args.op)
    result = lf.search(arch, op, objectives=("latency", "energy"), budget_evals=args.budget_evals, seed=args.seed)
    front = result.to_pandas()

    figure, axes = plt.subplots(figsize=(5, 4))
    axes.plot(front["latency_cycles"], front["energy_pj"] / 1e6, "o-", drawstyle="steps-post")
    knee = result.best("edp")
    axes.plot([knee["latency_cycles"]], [knee["energy_pj"] / 1e6], "r*", markersize=12, label="lowest EDP")
    axes.set_xlabel("latency (cycles)")
    axes.set_ylabel("energy (µJ)")
    axes.set_title(f"{op.label} on {arch.name}", fontsize=9)
    axes.legend()
    figure.tight_layout()
    figure.savefig(args.png, dpi=120)
    print(f"{len(front)} front points -> {args.png}")


if __name__ == "__main__":
    main()
