# `vantage detect` end to end: a simulated small-office intrusion scored with --truth (table,
# JSON, findings table read back with `vantage query`), and bad input answered with a clear
# message and a non-zero exit.
# Run by CTest from the source root with -DVANTAGE=... -DOUT=... -DHAVE_SIM=0|1.
if(NOT HAVE_SIM)
  message("SKIPPED: this build has no simulator (VANTAGE_WITH_SIM=OFF)")
  return()
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")

execute_process(
  COMMAND "${VANTAGE}" simulate topologies/small-office.yaml
          tests/data/detect/small-office-intrusion.yaml --out "${OUT}/run" --no-capture
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vantage simulate failed (${rc}): ${err}")
endif()

execute_process(
  COMMAND "${VANTAGE}" detect "${OUT}/run" --truth --json "${OUT}/findings.json"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vantage detect failed (${rc}): ${err}")
endif()
if(NOT out MATCHES "recall 1.00 \\(6 behaviours\\)")
  message(FATAL_ERROR "not every behaviour detected")
endif()
file(READ "${OUT}/findings.json" json)
string(JSON recall GET "${json}" truth recall)
string(JSON first GET "${json}" findings 0 detector)
if(NOT recall EQUAL 1 OR first STREQUAL "")
  message(FATAL_ERROR "findings.json: recall ${recall}, first detector '${first}'")
endif()

execute_process(
  COMMAND "${VANTAGE}" query "${OUT}/run/findings.sqlite"
          "select count(*) from findings where detector = 'port_scan'"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "1")
  message(FATAL_ERROR "findings table not readable by vantage query (${rc}): ${out} ${err}")
endif()

# Bad input: each a message and exit status 1.
file(WRITE "${OUT}/bad-rules.yaml" "detectors:\n  beacon: {treshold: 2}\n")
file(WRITE "${OUT}/not-a-store.txt" "hello\n")
file(COPY "${OUT}/run/" DESTINATION "${OUT}/incomplete-run")
file(WRITE "${OUT}/incomplete-run/INCOMPLETE" "")
set(cases
  "${OUT}/not-a-store.txt|not an SQLite database"
  "${OUT}/run/findings.sqlite|no 'flows' table"
  "${OUT}/nowhere|no such file"
  "${OUT}/incomplete-run|INCOMPLETE"
  "${OUT}|not a run directory")
foreach(c ${cases})
  string(REPLACE "|" ";" parts "${c}")
  list(GET parts 0 source)
  list(GET parts 1 expected)
  execute_process(COMMAND "${VANTAGE}" detect "${source}" --db -
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 1 OR NOT err MATCHES "${expected}")
    message(FATAL_ERROR "${source}: expected exit 1 and '${expected}', got ${rc}: ${err}")
  endif()
endforeach()
execute_process(COMMAND "${VANTAGE}" detect "${OUT}/run" --rules "${OUT}/bad-rules.yaml"
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad-rules.yaml:2:[0-9]+: .*did you mean 'threshold'")
  message(FATAL_ERROR "rules error not reported as file:line:col (${rc}): ${err}")
endif()
message("e2e detect: ok")
