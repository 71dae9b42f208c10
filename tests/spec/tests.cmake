# Tests of the reference spec (spec/): forward values of every op, the dual-number conventions,
# jvp and denseGradient by hand, errors, and agreement with the engine.
# Included by tests/CMakeLists.txt; verigrad_test() links the exact engine and GoogleTest, and the
# spec's own tests use only the spec's types.
function(verigrad_spec_test name)
  verigrad_test(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE verigrad::spec)
endfunction()

verigrad_spec_test(spec_forward_test SOURCES spec/forward_test.cpp)
verigrad_spec_test(spec_output_shape_test SOURCES spec/output_shape_test.cpp)
verigrad_spec_test(spec_dual_test SOURCES spec/dual_test.cpp)
verigrad_spec_test(spec_graph_semantics_test SOURCES spec/graph_semantics_test.cpp)

# The spec at the interval scalar: values against exact and 1000-bit MPFR references, derivatives
# by hand, kinks crossed by overlapping enclosures, and the rational scalar's refusals.
verigrad_spec_test(spec_interval_forward_test SOURCES spec/interval_forward_test.cpp)
verigrad_spec_test(spec_interval_gradient_test SOURCES spec/interval_gradient_test.cpp)

# Agreement of the exact engine with the spec (links both, and the exact MLP example's model).
verigrad_spec_test(spec_engine_agreement_test SOURCES spec/engine_agreement_test.cpp)
target_link_libraries(spec_engine_agreement_test PRIVATE mlp_exact_model)

# Agreement of the engine at Interval with the spec at Interval, on every op (the test links the
# engine at Interval; verigrad::spec itself links no engine target).
verigrad_spec_test(spec_interval_agreement_test SOURCES spec/interval_agreement_test.cpp)
target_link_libraries(spec_interval_agreement_test PRIVATE verigrad::interval)
