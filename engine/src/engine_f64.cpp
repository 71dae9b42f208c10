// The engine's compile and sweeps instantiated for double.

#include "compile.inl"
#include "tape.inl"

VG_INSTANTIATE_ENGINE(double)
