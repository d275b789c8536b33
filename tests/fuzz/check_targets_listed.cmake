# fuzz_replay.targets_listed: loopfront_fuzz_replay --list names as many targets as there are
# fuzz_*.cpp files (COUNT), so that no target is built as a fuzzer but skipped by the replay.
execute_process(COMMAND ${REPLAY} --list OUTPUT_VARIABLE listed RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${REPLAY} --list failed")
endif()
string(STRIP "${listed}" listed)
string(REPLACE "\n" ";" listed "${listed}")
list(LENGTH listed listed_count)
if(NOT listed_count EQUAL COUNT)
  message(FATAL_ERROR "targets.h lists ${listed_count} targets (${listed}), tests/fuzz has ${COUNT} fuzz_*.cpp files")
endif()
