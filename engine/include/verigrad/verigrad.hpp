// The umbrella header for users of verigrad::engine (float and double): the IR, the builder, the
// text format, compile and the sweeps. Standard library only: no Boost, GMP, Z3, RapidCheck or
// GoogleTest header comes with it. The exact scalar is in verigrad/exact.hpp (brings Boost+GMP).
#pragma once

#include "verigrad/compiled.hpp"
#include "verigrad/context.hpp"
#include "verigrad/exact_literal.hpp"
#include "verigrad/finite.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/graph_builder.hpp"
#include "verigrad/graph_dot.hpp"
#include "verigrad/graph_text.hpp"
#include "verigrad/op.hpp"
#include "verigrad/plan.hpp"
#include "verigrad/result.hpp"
#include "verigrad/shape.hpp"
#include "verigrad/tensor.hpp"
