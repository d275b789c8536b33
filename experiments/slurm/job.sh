#!/bin/bash
# A Slurm job array that runs one loopfront experiment in shards (docs/experiments.md).
#
#   sbatch --array=0-15 experiments/slurm/job.sh experiments/gemmini_memory.yaml [more run options]
#   # when every task has finished:
#   build/loopfront merge results/gemmini_memory
#
# Each array task runs the points whose index ≡ task (mod tasks): `loopfront run` reads
# SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT itself, so no --shard is
# needed. All tasks write into the experiment's output directory (shared filesystem): each point
# is its own file, written atomically, and the CSVs are rebuilt by whichever task finishes last and
# again by `merge`. A task that is preempted or times out can simply be resubmitted: points already
# written are skipped (resume). Use more array tasks than points and the extra tasks do nothing.
#
#SBATCH --job-name=loopfront
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=loopfront-%A_%a.log
#SBATCH --requeue
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: sbatch --array=0-N $0 EXPERIMENT.yaml [loopfront run options]" >&2
  exit 2
fi
experiment="$1"
shift

# The binary built by the README's set-up; override with LOOPFRONT=/path/to/loopfront.
loopfront="${LOOPFRONT:-${SLURM_SUBMIT_DIR:-.}/build/loopfront}"

# One point per task at a time uses all the task's CPUs inside its search.
export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"

# srun forwards SIGTERM at preemption: loopfront saves finished points and exits 143, and the
# requeued task resumes from them.
srun "$loopfront" run "$experiment" --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet "$@"
