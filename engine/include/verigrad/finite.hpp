// checkFinite: the optional finiteness check. float/double results follow IEEE (inf/NaN flow
// through); a caller who wants an error instead asks for it here, for values or gradients.
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>

#include "verigrad/context.hpp"

namespace verigrad {

// Ok, or an Overflow error naming the first value id (in id order) holding a NaN or an infinity,
// with its node text and element: "'%4 = inv(%3)': gradient element [1] is inf".
template <class T>
Status checkFinite(const Context<T>& ctx, std::string_view what = "value") {
  if constexpr (std::is_floating_point_v<T>) {
    for (size_t id = 0; id < ctx.size(); ++id) {
      TensorView<T> v = ctx[id];
      for (int64_t e = 0; e < v.numel(); ++e) {
        if (std::isfinite(v[e])) continue;
        const std::string kind = std::isnan(v[e]) ? "NaN" : (v[e] > 0 ? "inf" : "-inf");
        return Error::make(ErrorCode::Overflow,
                           "'" + ctx.graph().nodeText(static_cast<ValueId>(id)) +
                               "': " + std::string(what) + " element " + v.shape.indexText(e) +
                               " is " + kind,
                           static_cast<int64_t>(id));
      }
    }
  }
  (void)what;
  return okStatus();  // exact scalars have no non-finite values
}

}  // namespace verigrad
