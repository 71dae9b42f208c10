// The engine's compile and sweeps instantiated for float.

#include "compile.inl"
#include "tape.inl"

VG_INSTANTIATE_ENGINE(float)
