// The engine's compile and sweeps instantiated for verigrad::Rational.
#include "verigrad/exact.hpp"
#include "compile.inl"
#include "tape.inl"

VG_INSTANTIATE_ENGINE(verigrad::Rational)
