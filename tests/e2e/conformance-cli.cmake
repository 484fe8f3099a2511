# vantage conformance end to end: write a small edge-case profile, score vantage export on it
# (exit 0, reports written), then a contradicting declaration (exit 2) and a baseline run.
#   cmake -DVANTAGE=... -DOUT=... -P conformance-cli.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
file(WRITE ${OUT}/profile.yaml "cache_pressure_flows: 50\n")
execute_process(COMMAND ${VANTAGE} conformance profile ${OUT}/profile.yaml --out ${OUT}/edge.pcap
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/edge.pcap.cases.json)
  message(FATAL_ERROR "conformance profile failed (${rc})")
endif()
execute_process(COMMAND ${VANTAGE} conformance run --exporter vantage --pcap ${OUT}/edge.pcap
  --out ${OUT}/run -q RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vantage export does not conform (${rc}): ${err}")
endif()
foreach(f score.json report.md report.html)
  if(NOT EXISTS ${OUT}/run/${f})
    message(FATAL_ERROR "missing ${f}")
  endif()
endforeach()
file(READ ${OUT}/run/report.md md)
if(NOT md MATCHES "cache-pressure \\| pass")
  message(FATAL_ERROR "report.md lacks the cache-pressure verdict")
endif()
execute_process(COMMAND ${VANTAGE} conformance run --exporter vantage --pcap ${OUT}/edge.pcap
  --out ${OUT}/again --baseline ${OUT}/run/score.json -q RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "an equal score regressed against its own baseline (${rc})")
endif()
file(WRITE ${OUT}/bad.yaml "active_timeout: 5\ninactive_timeout: 10\n")
execute_process(COMMAND ${VANTAGE} conformance run --exporter vantage --declare ${OUT}/bad.yaml
  --pcap ${OUT}/edge.pcap --out ${OUT}/bad -q RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "bad.yaml: contradiction")
  message(FATAL_ERROR "a contradicting declaration gave ${rc}: ${err}")
endif()
message(STATUS "conformance CLI end to end: ok")
