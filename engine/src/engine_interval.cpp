// The engine's compile and sweeps instantiated for verigrad::Interval.
#include "verigrad/interval_engine.hpp"
#include "compile.inl"
#include "tape.inl"

VG_INSTANTIATE_ENGINE(verigrad::Interval)
