// The reference spec at the exact rational and the interval scalars: include this to evaluate
// graphs, carry tangents and compute dense gradients independently of the engine.
#pragma once

#include "verigrad/interval.hpp"
#include "verigrad/rational.hpp"
#include "verigrad/spec/dual.hpp"
#include "verigrad/spec/graph_semantics.hpp"
#include "verigrad/spec/interval_scalar.hpp"
#include "verigrad/spec/output_shape.hpp"
#include "verigrad/spec/scalar.hpp"
#include "verigrad/spec/value.hpp"
