# Tests of the oracle (oracle/): the local float check on every op and its sensitivity to
# mis-rounded values (transcendental ops included), the mutation checks of the exact and interval
# comparisons, the interval comparison itself, the end-to-end accuracy report, and the
# `verigrad accuracy` command. Included by tests/CMakeLists.txt; verigrad_test() links the exact
# engine and GoogleTest.
verigrad_test(oracle_float_local_test SOURCES oracle/float_local_test.cpp)
target_link_libraries(oracle_float_local_test PRIVATE verigrad::oracle)
verigrad_test(oracle_float_mutation_test SOURCES oracle/float_mutation_test.cpp)
target_link_libraries(oracle_float_mutation_test PRIVATE verigrad::oracle)
verigrad_test(oracle_exact_mutation_test SOURCES oracle/exact_mutation_test.cpp)
target_link_libraries(oracle_exact_mutation_test PRIVATE verigrad::oracle)
verigrad_test(oracle_float_accuracy_test SOURCES oracle/float_accuracy_test.cpp)
target_link_libraries(oracle_float_accuracy_test PRIVATE verigrad::oracle)
verigrad_test(oracle_compare_interval_test SOURCES oracle/compare_interval_test.cpp)
target_link_libraries(oracle_compare_interval_test PRIVATE verigrad::oracle)
# Issue 6 acceptance: every transcendental op's injected VJP bug is caught by disjoint narrow
# enclosures.
verigrad_test(oracle_interval_mutation_test SOURCES oracle/interval_mutation_test.cpp)
target_link_libraries(oracle_interval_mutation_test PRIVATE verigrad::oracle)
# 10^4 inputs per op and format through the transcendental rounding models (one test per op and
# format), and their sensitivity to results a few ulps off.
verigrad_test(oracle_float_transcendental_test TIMEOUT 600
              SOURCES oracle/float_transcendental_test.cpp)
target_link_libraries(oracle_float_transcendental_test PRIVATE verigrad::oracle)

# `verigrad accuracy --cases 5` run as a user runs it: the table on stdout and the PNG (registered
# here, not in tests/cli/tests.cmake, which another fragment owns).
if(TARGET verigrad)
  verigrad_test(cli_accuracy_command_test TIMEOUT 300 SOURCES oracle/accuracy_command_test.cpp)
  add_dependencies(cli_accuracy_command_test verigrad)
  target_compile_definitions(cli_accuracy_command_test PRIVATE
    VERIGRAD_BIN="$<TARGET_FILE:verigrad>")
endif()
