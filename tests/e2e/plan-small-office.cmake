# `vantage plan` on the small office: report files produced and well formed, the run reused,
# and bad input (missing run, incomplete run, impossible budget) answered clearly.
# Run by CTest from the source root with -DVANTAGE=... -DOUT=... -DHAVE_SIM=0|1.
if(NOT HAVE_SIM)
  message("SKIPPED: this build has no simulator (VANTAGE_WITH_SIM=OFF)")
  return()
endif()
file(REMOVE_RECURSE "${OUT}")

function(expect_file path)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "missing ${path}")
  endif()
endfunction()

execute_process(
  COMMAND "${VANTAGE}" plan topologies/small-office.yaml scenarios/small-office-baseline.yaml
          --out "${OUT}" -q
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vantage plan failed (${rc}): ${err}")
endif()
foreach(f plan.json report.md report.html map.svg coverage.svg observation-run/manifest.json)
  expect_file("${OUT}/${f}")
endforeach()
if(NOT out MATCHES "flow visibility")
  message(FATAL_ERROR "no summary table printed")
endif()

# report.html is self-contained.
file(READ "${OUT}/report.html" html)
foreach(bad "http://" "https://" "src=" "href=")
  string(FIND "${html}" "${bad}" pos)
  if(NOT pos EQUAL -1)
    message(FATAL_ERROR "report.html references an external resource (${bad})")
  endif()
endforeach()
if(NOT html MATCHES "<svg")
  message(FATAL_ERROR "report.html has no inline SVG")
endif()

# plan.json: every candidate has a mode and colour, metrics are shares.
file(READ "${OUT}/plan.json" json)
string(JSON npoints LENGTH "${json}" points)
if(npoints LESS 1)
  message(FATAL_ERROR "plan.json has no points")
endif()
math(EXPR last "${npoints} - 1")
foreach(i RANGE ${last})
  string(JSON colour GET "${json}" points ${i} colour)
  if(NOT colour MATCHES "^(green|red|amber|grey)$")
    message(FATAL_ERROR "point ${i} has colour '${colour}'")
  endif()
endforeach()
string(JSON vis GET "${json}" metrics flow_visibility)
if(vis LESS 0 OR vis GREATER 1)
  message(FATAL_ERROR "flow_visibility ${vis} is not a share")
endif()

# SVG well-formedness when python3 is available.
find_program(PYTHON3 python3)
if(PYTHON3)
  foreach(svg map.svg coverage.svg)
    execute_process(COMMAND "${PYTHON3}" -c
      "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "${OUT}/${svg}"
      RESULT_VARIABLE prc ERROR_VARIABLE perr)
    if(NOT prc EQUAL 0)
      message(FATAL_ERROR "${svg} does not parse: ${perr}")
    endif()
  endforeach()
endif()

# Reusing the observation run, with an impossible budget.
execute_process(
  COMMAND "${VANTAGE}" plan topologies/small-office.yaml scenarios/small-office-baseline.yaml
          --out "${OUT}/tiny" --run "${OUT}/observation-run" --budget-tb 0 --no-verify -q
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "plan with --run failed: ${err}")
endif()
file(READ "${OUT}/tiny/report.md" md)
if(NOT md MATCHES "Nothing fits")
  message(FATAL_ERROR "impossible budget not explained")
endif()

# The certificate and the knee: plan.json fields, and --prefer knee makes the knee the plan.
string(JSON gap GET "${json}" optimisation gap_certified)
string(JSON bound GET "${json}" optimisation bound)
string(JSON best GET "${json}" optimisation best_objective)
if(gap LESS 0 OR gap GREATER 1 OR bound LESS best)
  message(FATAL_ERROR "certificate gap ${gap}, bound ${bound} below the plan's ${best}")
endif()
string(JSON kneeFound GET "${json}" knee found)
if(NOT kneeFound)
  message(FATAL_ERROR "no knee in plan.json")
endif()
execute_process(
  COMMAND "${VANTAGE}" plan topologies/small-office.yaml scenarios/small-office-baseline.yaml
          --out "${OUT}/knee" --run "${OUT}/observation-run" --prefer knee --knee-points 5
          --no-verify -q
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "plan --prefer knee failed: ${err}")
endif()
file(READ "${OUT}/knee/plan.json" kjson)
string(JSON kneeCost GET "${kjson}" knee cost)
string(JSON planCost GET "${kjson}" metrics cost)
string(JSON isBest GET "${kjson}" knee is_best)
if(NOT isBest AND NOT kneeCost EQUAL planCost)
  message(FATAL_ERROR "--prefer knee: plan cost ${planCost}, knee cost ${kneeCost}")
endif()
file(READ "${OUT}/knee/report.md" kmd)
if(NOT kmd MATCHES "Certified gap" OR NOT kmd MATCHES "[Kk]nee of the cost curve")
  message(FATAL_ERROR "report.md lacks the certificate or the knee")
endif()

# A missing run directory.
execute_process(
  COMMAND "${VANTAGE}" plan topologies/small-office.yaml scenarios/small-office-baseline.yaml
          --out "${OUT}/x" --run "${OUT}/no-such-run" -q
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "missing")
  message(FATAL_ERROR "missing run not reported: ${err}")
endif()

# An incomplete run directory.
file(COPY "${OUT}/observation-run/" DESTINATION "${OUT}/incomplete-run")
file(WRITE "${OUT}/incomplete-run/INCOMPLETE" "")
execute_process(
  COMMAND "${VANTAGE}" plan topologies/small-office.yaml scenarios/small-office-baseline.yaml
          --out "${OUT}/x" --run "${OUT}/incomplete-run" -q
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "incomplete")
  message(FATAL_ERROR "incomplete run not reported: ${err}")
endif()

# A run made from other inputs.
execute_process(
  COMMAND "${VANTAGE}" plan topologies/enterprise.yaml scenarios/enterprise-baseline.yaml
          --out "${OUT}/x" --run "${OUT}/observation-run" -q
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "other inputs")
  message(FATAL_ERROR "hash mismatch not reported: ${err}")
endif()
file(REMOVE_RECURSE "${OUT}/incomplete-run" "${OUT}/x")
message("e2e plan small office: ok")
