# Compiler flags for project code, in one place. Targets opt in with verigrad_project_flags().
if(CMAKE_CXX_COMPILER_LAUNCHER STREQUAL "")
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
endfunction()
