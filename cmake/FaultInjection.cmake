# Test-only fault injection (issue 4): -DVERIGRAD_INJECT_FAULT=<name> defines VERIGRAD_FAULT_<NAME>
# on the engine target that holds the fault (engine/src/fault_injection.hpp), so the property suite
# can show it catches the bug. Empty (the default) defines nothing: production builds carry no fault.
# Only the affected target gets the definition, so ccache serves every other unit of a fault build.
set(VERIGRAD_INJECT_FAULT "" CACHE STRING
    "Test-only: inject one engine fault (matmul-vjp, relu-kink, overwrite-accum, out-id, layout-swap, tanh-vjp, softmax-vjp, layernorm-vjp)")

# fault name -> the targets whose sources hold its `if constexpr` line
set(VERIGRAD_FAULT_TARGETS_matmul-vjp verigrad_engine verigrad_exact verigrad_interval)       # ops/linalg.inl
set(VERIGRAD_FAULT_TARGETS_relu-kink verigrad_engine verigrad_exact verigrad_interval)        # src/scalar_conventions.hpp
set(VERIGRAD_FAULT_TARGETS_overwrite-accum verigrad_engine verigrad_exact verigrad_interval)  # src/tape.inl
set(VERIGRAD_FAULT_TARGETS_out-id verigrad_ir)                              # ir/src/graph.cpp
set(VERIGRAD_FAULT_TARGETS_layout-swap verigrad_engine verigrad_exact verigrad_interval)  # src/compile.inl
set(VERIGRAD_FAULT_TARGETS_tanh-vjp verigrad_engine verigrad_interval)      # ops/activation.inl
set(VERIGRAD_FAULT_TARGETS_softmax-vjp verigrad_engine verigrad_interval)   # ops/normalization.inl
set(VERIGRAD_FAULT_TARGETS_layernorm-vjp verigrad_engine verigrad_interval) # ops/normalization.inl

if(NOT VERIGRAD_INJECT_FAULT STREQUAL "")
  if(NOT DEFINED VERIGRAD_FAULT_TARGETS_${VERIGRAD_INJECT_FAULT})
    message(FATAL_ERROR "VERIGRAD_INJECT_FAULT=${VERIGRAD_INJECT_FAULT} is not a known fault "
                        "(matmul-vjp, relu-kink, overwrite-accum, out-id, layout-swap, tanh-vjp, "
                        "softmax-vjp, layernorm-vjp)")
  endif()
  string(TOUPPER "${VERIGRAD_INJECT_FAULT}" fault_macro)
  string(REPLACE "-" "_" fault_macro "${fault_macro}")
  foreach(target IN LISTS VERIGRAD_FAULT_TARGETS_${VERIGRAD_INJECT_FAULT})
    target_compile_definitions(${target} PRIVATE VERIGRAD_FAULT_${fault_macro})
  endforeach()
  message(WARNING "Fault '${VERIGRAD_INJECT_FAULT}' injected into the engine: a test-only build.")
endif()
