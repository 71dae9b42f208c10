# Dependency discovery, in one place. Debian 12 packages; scripts/lib.sh installs them.
include(VerigradLibraryDeps)

# The engine's float kernels call CBLAS directly (private to the engine).
find_path(VERIGRAD_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas openblas-pthread REQUIRED)

if(VERIGRAD_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
