// The engine's compile, sweeps and Plan instantiated for verigrad::Rational.
#include "plan.inl"
#include "verigrad/exact.hpp"

VG_INSTANTIATE_ENGINE(verigrad::Rational)
VG_INSTANTIATE_PLAN(verigrad::Rational)
