// The engine's compile, sweeps and Plan instantiated for verigrad::Rational.
#include "verigrad/exact.hpp"
#include "plan.inl"

VG_INSTANTIATE_ENGINE(verigrad::Rational)
VG_INSTANTIATE_PLAN(verigrad::Rational)
