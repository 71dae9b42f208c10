# Tests of the property suite (properties/): the case file format, the generators (validity,
# shrinking, distributions, domains), golden hashes of fixed float runs, the ten named properties
# under RapidCheck (one RC_GTEST_PROP each, named Properties.<id with '-' as '_'> so that
# RC_PARAMS="reproduce=..." strings from ctest and from `verigrad check` are interchangeable), and
# the same on mixed cases, which run at Interval, with the inconclusive budget.
# Included by tests/CMakeLists.txt; verigrad_test() links the exact engine and GoogleTest.
# RapidCheck's imported targets are directory-scoped: properties/ found them for its own use.
if(NOT TARGET rapidcheck_gtest)
  find_package(rapidcheck CONFIG REQUIRED)
endif()

function(verigrad_props_test name)
  verigrad_test(${name} ${ARGN})
  # rapidcheck_gtest is header-only glue and does not link GoogleTest itself (verigrad_test does).
  target_link_libraries(${name} PRIVATE verigrad::props rapidcheck_gtest)
endfunction()

verigrad_props_test(props_case_io_test SOURCES properties/case_io_test.cpp)
verigrad_props_test(props_generator_test SOURCES properties/generator_test.cpp)
verigrad_props_test(props_golden_hash_test SOURCES properties/golden_hash_test.cpp)
target_link_libraries(props_golden_hash_test PRIVATE mlp_exact_model)
verigrad_props_test(props_properties_test TIMEOUT 600 SOURCES properties/properties_test.cpp)
verigrad_props_test(props_interval_properties_test TIMEOUT 900
  SOURCES properties/interval_properties_test.cpp)
