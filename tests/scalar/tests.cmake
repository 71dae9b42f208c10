# Tests of the interval scalar (engine/scalar, verigrad_interval_scalar). Included by
# tests/CMakeLists.txt; verigrad_test() links the exact engine and GoogleTest.
verigrad_test(scalar_interval_test SOURCES scalar/interval_test.cpp)
target_link_libraries(scalar_interval_test PRIVATE verigrad_interval_scalar PkgConfig::MPFR)

# Its own process: it fixes the process-wide default precision, which can be set only once.
verigrad_test(scalar_interval_precision_test SOURCES scalar/interval_precision_test.cpp)
target_link_libraries(scalar_interval_precision_test PRIVATE verigrad_interval_scalar)
