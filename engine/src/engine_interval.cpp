// The engine's compile, sweeps and Plan instantiated for verigrad::Interval.
#include "verigrad/interval_engine.hpp"
#include "plan.inl"

VG_INSTANTIATE_ENGINE(verigrad::Interval)
VG_INSTANTIATE_PLAN(verigrad::Interval)
