# Tests of the reference spec (spec/): forward values of every op, the dual-number conventions,
# jvp and denseGradient by hand, errors, and agreement with the exact engine.
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

# Agreement of the exact engine with the spec (links both, and the exact MLP example's model).
verigrad_spec_test(spec_engine_agreement_test SOURCES spec/engine_agreement_test.cpp)
target_link_libraries(spec_engine_agreement_test PRIVATE mlp_exact_model)
