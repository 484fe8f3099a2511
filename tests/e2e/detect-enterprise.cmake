# The detections on the reference enterprise (issue 11): an all-points observation run of the
# baseline scenario must detect every injected behaviour (recall 1.0 per behaviour), and the
# quiet scenario (same benign traffic, no behaviour) must raise at most 5 findings.
# Run by CTest from the source root with -DVANTAGE=... -DOUT=... -DHAVE_SIM=0|1.
if(NOT HAVE_SIM)
  message("SKIPPED: this build has no simulator (VANTAGE_WITH_SIM=OFF)")
  return()
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")

foreach(scenario enterprise-baseline enterprise-quiet)
  execute_process(
    COMMAND "${VANTAGE}" simulate topologies/enterprise.yaml scenarios/${scenario}.yaml
            --out "${OUT}/${scenario}" --no-capture
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vantage simulate ${scenario} failed (${rc}): ${err}")
  endif()
  execute_process(
    COMMAND "${VANTAGE}" detect "${OUT}/${scenario}" --truth --json "${OUT}/${scenario}.json"
            --db - -q
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${scenario}:\n${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vantage detect ${scenario} failed (${rc}): ${err}")
  endif()
endforeach()

file(READ "${OUT}/enterprise-baseline.json" json)
string(JSON behaviours LENGTH "${json}" truth behaviours)
if(behaviours LESS 8)
  message(FATAL_ERROR "expected the baseline's 8 behaviours, found ${behaviours}")
endif()
math(EXPR last "${behaviours} - 1")
foreach(i RANGE ${last})
  string(JSON label GET "${json}" truth behaviours ${i} label)
  string(JSON detected GET "${json}" truth behaviours ${i} detected)
  if(NOT detected)
    message(FATAL_ERROR "behaviour ${label} not detected")
  endif()
endforeach()

file(READ "${OUT}/enterprise-quiet.json" quiet)
string(JSON findings LENGTH "${quiet}" findings)
if(findings GREATER 5)
  message(FATAL_ERROR "enterprise-quiet: ${findings} findings (at most 5 allowed)")
endif()
message("baseline: ${behaviours} behaviours detected; quiet: ${findings} findings")
file(REMOVE_RECURSE "${OUT}")
