#!/bin/bash
# A Slurm job that runs one loopfront experiment as a single MPI job (the MPI build: cmake --preset
# mpi; docs/experiments.md, "Clusters: MPI").
#
#   sbatch --ntasks=10 --cpus-per-task=4 experiments/slurm/mpi_job.sh experiments/gemmini_memory.yaml [more run options]
#
# Rank 0 hands the points to the other ranks as they ask and writes every output file itself, so
# no merge is needed afterwards; it runs no point, so --ntasks=K+1 gives K points at a time, each
# searched with the task's CPUs. A job that is preempted or times out can simply be resubmitted:
# points already written are skipped (resume). Submitted as an array (--array=0-3), each array task
# is an MPI job over its shard of the points, merged afterwards as with job.sh.
#
#SBATCH --job-name=loopfront-mpi
#SBATCH --ntasks=5
#SBATCH --cpus-per-task=4
#SBATCH --mem-per-cpu=1G
#SBATCH --time=02:00:00
#SBATCH --output=loopfront-mpi-%j.log
#SBATCH --requeue
set -euo pipefail

experiment="${1:?usage: sbatch --ntasks=K+1 mpi_job.sh EXPERIMENT.yaml [loopfront run options]}"
shift
# The binary built by `cmake --preset mpi` (override with LOOPFRONT=/path/to/loopfront), and the
# task's CPUs for each rank's searches.
loopfront="${LOOPFRONT:-${SLURM_SUBMIT_DIR:-.}/build-mpi/loopfront}"
threads="${SLURM_CPUS_PER_TASK:-1}"
export OMP_NUM_THREADS="$threads"

# OpenMPI's mpirun reads the allocation from Slurm and starts one rank per task; each rank keeps its
# task's CPUs (--bind-to none: the rank's threads are confined by Slurm's cgroup). Where Slurm has
# PMIx, `srun --mpi=pmix "$loopfront" run ...` starts the ranks directly instead. Either forwards
# SIGTERM to every rank at preemption: finished points are saved and every rank exits 143.
mpirun --bind-to none "$loopfront" run "$experiment" --threads "$threads" --quiet "$@"
