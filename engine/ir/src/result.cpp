// Names of error codes, as the CLI and mismatch reports print them.
#include "verigrad/result.hpp"

namespace verigrad {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return "invalid-argument";
    case ErrorCode::ShapeMismatch:
      return "shape-mismatch";
    case ErrorCode::InvalidId:
      return "invalid-id";
    case ErrorCode::IndexOutOfRange:
      return "index-out-of-range";
    case ErrorCode::DomainError:
      return "domain-error";
    case ErrorCode::Unsupported:
      return "unsupported";
    case ErrorCode::Overflow:
      return "overflow";
    case ErrorCode::NoOutput:
      return "no-output";
    case ErrorCode::Parse:
      return "parse";
    case ErrorCode::Internal:
      return "internal";
  }
  return "unknown";
}

}  // namespace verigrad
