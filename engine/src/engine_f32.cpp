// The engine's compile, sweeps and Plan instantiated for float.

#include "plan.inl"

VG_INSTANTIATE_ENGINE(float)
VG_INSTANTIATE_PLAN(float)
