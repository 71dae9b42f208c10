// Property selection by id (see property_selection.hpp).
#include "property_selection.hpp"

#include <algorithm>
#include <exception>

namespace verigrad::cli {

std::variant<std::vector<const props::Property*>, std::string> selectProperties(
    const std::vector<std::string>& names) {
  std::vector<const props::Property*> selected;
  for (const std::string& name : names) {
    if (props::findProperty(name) == nullptr) {
      std::string known;
      for (const props::Property& p : props::properties()) {
        known += (known.empty() ? "" : ", ") + std::string(p.id);
      }
      return "unknown property '" + name + "' (known: " + known + ")";
    }
  }
  // Suite order, each once, whatever order and repetition the names came in.
  for (const props::Property& p : props::properties()) {
    const bool named = std::find(names.begin(), names.end(), p.id) != names.end();
    if (names.empty() || named) selected.push_back(&p);
  }
  return selected;
}

props::Outcome checkCase(const props::Property& p, const props::Case& c) {
  try {
    return p.check(c);
  } catch (const std::exception& e) {
    return props::Outcome::fail(std::string("the property threw: ") + e.what());
  } catch (...) {
    return props::Outcome::fail("the property threw a non-standard exception");
  }
}

}  // namespace verigrad::cli
