// Every fuzz target (one file fuzz_<name>.cpp each), for replay_main.cpp. tests/fuzz/CMakeLists.txt
// builds one libFuzzer program per fuzz_*.cpp; a test checks that this list names them all.
#pragma once

#define LOOPFRONT_FUZZ_TARGETS(X) \
  X(yaml)                         \
  X(workload)                     \
  X(oplist)                       \
  X(arch)                         \
  X(mapping)                      \
  X(mapping_line)                 \
  X(constraints)                  \
  X(experiment)                   \
  X(op_spec)                      \
  X(timeloop)                     \
  X(hf)                           \
  X(crosscheck)                   \
  X(point)                        \
  X(csv)
