// The engine's compile, sweeps and Plan instantiated for double.

#include "plan.inl"

VG_INSTANTIATE_ENGINE(double)
VG_INSTANTIATE_PLAN(double)
