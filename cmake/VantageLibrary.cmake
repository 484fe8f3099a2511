# One way to make every component library (as ns-3's build_lib and absl_cc_library do).
#
#   vantage_add_library(NAME wire SOURCES a.cc b.cc PUBLIC_DEPS vantage::core PRIVATE_DEPS x)
#
# creates target vantage_<NAME> with alias vantage::<NAME>, public headers in
# <NAME>/include, our warning set, and the given dependencies.

set(VANTAGE_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wpedantic)
# Warnings are errors in the presets and CI; off by default so that a plain build on a newer
# compiler, which warns about more, still builds.
if(VANTAGE_WERROR)
  list(APPEND VANTAGE_WARNINGS -Werror)
endif()

function(vantage_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target vantage_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(vantage::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${VANTAGE_WARNINGS})
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# A GoogleTest executable registered with CTest under the given labels.
#   vantage_add_test(NAME core_tests SOURCES t.cc DEPS vantage::core LABELS unit)
function(vantage_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_compile_options(${ARG_NAME} PRIVATE ${VANTAGE_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()

# A fuzz target. With VANTAGE_FUZZ (clang) it links libFuzzer; otherwise it links a replay
# main and every file of its checked-in corpus runs as one CTest test.
#   vantage_add_fuzzer(NAME fuzz_ipfix SOURCE fuzz-ipfix.cc DEPS vantage::wire CORPUS dir)
function(vantage_add_fuzzer)
  cmake_parse_arguments(ARG "" "NAME;SOURCE;CORPUS" "DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCE})
  target_compile_options(${ARG_NAME} PRIVATE ${VANTAGE_WARNINGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  if(VANTAGE_FUZZ)
    target_compile_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${ARG_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz/replay-main.cc)
    add_test(NAME ${ARG_NAME}_corpus COMMAND ${ARG_NAME} ${ARG_CORPUS})
    set_tests_properties(${ARG_NAME}_corpus PROPERTIES LABELS "fuzz")
  endif()
endfunction()
