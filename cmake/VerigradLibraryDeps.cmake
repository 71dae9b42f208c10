# The dependencies the installable libraries (ir, engine, scalars, exact, interval scalar) need,
# found the same way in this build and in an installed package's verigradConfig.cmake.
find_package(PkgConfig REQUIRED)

# Exact scalars: GMP through Boost.Multiprecision (header-only); MPFR for the interval scalar.
find_package(Boost 1.74 CONFIG REQUIRED)
if(NOT TARGET PkgConfig::GMP)
  pkg_check_modules(GMP REQUIRED IMPORTED_TARGET gmp)
endif()
if(NOT TARGET PkgConfig::MPFR)
  pkg_check_modules(MPFR REQUIRED IMPORTED_TARGET mpfr)
endif()

# Float GEMM: OpenBLAS, never Debian's generic reference BLAS.
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)

# Interval scalars: MPFI ships neither a .pc file nor a CMake config, so an imported target is
# assembled here; it brings MPFR and GMP, which MPFI's header and library need.
find_path(VERIGRAD_MPFI_INCLUDE_DIR mpfi.h REQUIRED)
find_library(VERIGRAD_MPFI_LIBRARY mpfi REQUIRED)
if(NOT TARGET MPFI::MPFI)
  add_library(MPFI::MPFI INTERFACE IMPORTED)
  target_include_directories(MPFI::MPFI INTERFACE ${VERIGRAD_MPFI_INCLUDE_DIR})
  target_link_libraries(MPFI::MPFI INTERFACE ${VERIGRAD_MPFI_LIBRARY} PkgConfig::MPFR PkgConfig::GMP)
endif()
