// Row-major index arithmetic and the error constructors the forward definitions share.
#include "node_forward.hpp"

namespace verigrad::spec::detail {

void unravel(const Shape& shape, int64_t flat, int64_t* idx) {
  for (int axis = shape.rank() - 1; axis >= 0; --axis) {
    const int64_t extent = shape.dim(axis);
    idx[axis] = extent == 0 ? 0 : flat % extent;
    flat = extent == 0 ? 0 : flat / extent;
  }
}

int64_t ravel(const Shape& shape, const int64_t* idx) {
  int64_t flat = 0;
  for (int axis = 0; axis < shape.rank(); ++axis) flat = flat * shape.dim(axis) + idx[axis];
  return flat;
}

std::string elementLabel(const Shape& shape, int64_t flat) {
  int64_t idx[Shape::kMaxRank];
  unravel(shape, flat, idx);
  std::string out = "[";
  for (int axis = 0; axis < shape.rank(); ++axis) {
    if (axis) out += ',';
    out += std::to_string(idx[axis]);
  }
  return out + "]";
}

Error domainError(const Graph& graph, ValueId id, const Shape& shape, int64_t flat,
                  std::string_view what) {
  return Error::make(ErrorCode::DomainError,
                     "'" + graph.nodeText(id) + "': " + std::string(what) + " at element " +
                         elementLabel(shape, flat),
                     static_cast<int64_t>(id));
}

Error internalError(const Graph& graph, ValueId id, std::string_view what) {
  return Error::make(ErrorCode::Internal,
                     "'" + graph.nodeText(id) + "': spec: " + std::string(what),
                     static_cast<int64_t>(id));
}

Error unsupportedAtScalar(const Graph& graph, ValueId id, std::string_view scalarName) {
  return Error::make(ErrorCode::Unsupported,
                     "'" + graph.nodeText(id) + "': " + std::string(opName(graph.producer(id).op)) +
                         " cannot be computed exactly at the " + std::string(scalarName) +
                         " scalar",
                     static_cast<int64_t>(id));
}

}  // namespace verigrad::spec::detail
