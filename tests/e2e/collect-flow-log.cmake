# `vantage collect --file/--format` end to end: the three providers' checked-in golden logs
# into one store, `vantage query` and `vantage detect` on it, malformed lines listed by number
# (the first --show-errors, then a count), and a foreign file refused with the store intact.
# Run by CTest from the source root with -DVANTAGE=... -DOUT=...
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
set(G tests/golden/flowlog)
set(DB "${OUT}/cloud.sqlite")

function(run expect_rc)
  execute_process(COMMAND "${VANTAGE}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "vantage ${ARGN}: exit ${rc}, expected ${expect_rc}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect_count sql n)
  run(0 query "${DB}" "${sql}" --format csv)
  if(NOT out MATCHES "\n${n}\n")
    message(FATAL_ERROR "${sql}: expected ${n}, got:\n${out}")
  endif()
endfunction()

run(0 collect --file ${G}/aws-v5.log --format aws-vpc --db "${DB}")
if(NOT err MATCHES "aws-v5.log: 8 records stored, 0 malformed")
  message(FATAL_ERROR "no ingest summary:\n${err}")
endif()
run(0 collect --file ${G}/gcp.jsonl --format gcp-vpc --file ${G}/azure.json --format azure-vnet
    --db "${DB}" -q)
expect_count("select count(*) from flows" 16)
expect_count("select count(*) from flows where provider = 'azure' and action = 'REJECT'" 1)

# Malformed lines: named by number, the rest stored.
file(READ ${G}/aws-v2.log good)
file(WRITE "${OUT}/bad.log" "${good}2 1 eni-a 10.0.0.1\n2 1 eni-a 10.0.0.1 10.0.0.2 1 2 tcp 1 40 10 20 ACCEPT OK\n")
run(0 collect --file "${OUT}/bad.log" --format aws-vpc --db "${DB}" --show-errors 1)
if(NOT err MATCHES "bad.log:10: 4 fields, the header names 14" OR
   NOT err MATCHES "and 1 more malformed lines" OR NOT err MATCHES "8 records stored, 2 malformed")
  message(FATAL_ERROR "malformed lines not reported:\n${err}")
endif()
expect_count("select count(*) from flows" 24)

# A foreign file is refused whole, naming file and line; nothing stored is lost.
file(WRITE "${OUT}/foreign.csv" "ts,src,dst\n1,10.0.0.1,10.0.0.2\n")
run(1 collect --file "${OUT}/foreign.csv" --format aws-vpc --db "${DB}")
if(NOT err MATCHES "foreign.csv: line 1: not an AWS VPC flow log header")
  message(FATAL_ERROR "foreign file not named:\n${err}")
endif()
run(2 collect --file ${G}/aws-v2.log --db "${DB}")
expect_count("select count(*) from flows" 24)

# Queries and detections read cloud rows as any others.
run(0 query "${DB}" "top 3 srcip by bytes")
if(NOT out MATCHES "10.128.0.7")
  message(FATAL_ERROR "top srcip:\n${out}")
endif()
run(0 detect "${DB}")
message("collect-flow-log: ok")
