# Tests of the oracle (oracle/): the local float check on every op and its sensitivity to
# mis-rounded values, the mutation check of the exact comparison, and the end-to-end accuracy
# report. Included by tests/CMakeLists.txt; verigrad_test() links the exact engine and GoogleTest.
verigrad_test(oracle_float_local_test SOURCES oracle/float_local_test.cpp)
target_link_libraries(oracle_float_local_test PRIVATE verigrad::oracle)
verigrad_test(oracle_float_mutation_test SOURCES oracle/float_mutation_test.cpp)
target_link_libraries(oracle_float_mutation_test PRIVATE verigrad::oracle)
verigrad_test(oracle_exact_mutation_test SOURCES oracle/exact_mutation_test.cpp)
target_link_libraries(oracle_exact_mutation_test PRIVATE verigrad::oracle)
verigrad_test(oracle_float_accuracy_test SOURCES oracle/float_accuracy_test.cpp)
target_link_libraries(oracle_float_accuracy_test PRIVATE verigrad::oracle)
