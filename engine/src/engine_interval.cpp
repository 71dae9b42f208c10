// The engine's compile, sweeps and Plan instantiated for verigrad::Interval.
#include "plan.inl"
#include "verigrad/interval_engine.hpp"

VG_INSTANTIATE_ENGINE(verigrad::Interval)
VG_INSTANTIATE_PLAN(verigrad::Interval)
