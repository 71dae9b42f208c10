# Compiler flags for project code, in one place. Targets opt in with verigrad_project_flags().
if(NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(CCACHE_PROGRAM ccache)
  if(CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  endif()
endif()

if(VERIGRAD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

function(verigrad_project_flags target)
  # -ffp-contract=off: float results must not change with FMA contraction between builds.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -ffp-contract=off)
  # g++ 12 reports -Wrestrict inside libstdc++'s std::string operator+ at -O3 (GCC bug 105329,
  # a false positive in the library, not in project code).
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()
