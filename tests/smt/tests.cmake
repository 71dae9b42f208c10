# Tests of the Z3 shape theorems and graph-level shape checking (properties/smt, issue 5).
# Included by tests/CMakeLists.txt; verigrad_test() brings GoogleTest, verigrad_smt brings Z3.
function(verigrad_smt_test name)
  verigrad_test(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE verigrad_smt)
endfunction()

# Every theorem for every op, proved, in under two minutes (the table and total are printed).
verigrad_smt_test(smt_theorems_test TIMEOUT 300 SOURCES smt/theorems_test.cpp)
# Rules broken on purpose: the matching theorem fails with a concrete counterexample.
verigrad_smt_test(smt_broken_rules_test SOURCES smt/broken_rules_test.cpp)
# The translation agrees with the engine's evaluator on every small case (one test per op).
verigrad_smt_test(smt_faithfulness_test TIMEOUT 300 SOURCES smt/faithfulness_test.cpp)
# The int64 and numel encodings at their edges (overflow, 2^62) against the evaluator.
verigrad_smt_test(smt_encoding_test SOURCES smt/encoding_test.cpp)
# `verigrad shapes`: the library and the command (compiled here from cli/ with its arg parser).
verigrad_smt_test(smt_shapes_test SOURCES smt/shapes_test.cpp
                  ${PROJECT_SOURCE_DIR}/cli/shapes_command.cpp ${PROJECT_SOURCE_DIR}/cli/args.cpp)
target_include_directories(smt_shapes_test PRIVATE ${PROJECT_SOURCE_DIR}/cli)
target_compile_definitions(smt_shapes_test PRIVATE
  VERIGRAD_SMT_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/smt/data")
