# Dependency discovery, in one place. Debian 12 packages; scripts/install-deps installs them.
find_package(PkgConfig REQUIRED)

# Exact scalars: GMP through Boost.Multiprecision (header-only).
find_package(Boost 1.74 CONFIG REQUIRED)
pkg_check_modules(GMP REQUIRED IMPORTED_TARGET gmp)
pkg_check_modules(MPFR REQUIRED IMPORTED_TARGET mpfr)

# Float GEMM: OpenBLAS, never Debian's generic reference BLAS.
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_path(VERIGRAD_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas openblas-pthread REQUIRED)

if(VERIGRAD_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
