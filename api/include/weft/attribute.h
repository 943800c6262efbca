// Attribute values: the typed values of span, event and link attributes.
//
// AttributeValue owns its value (for links kept by the application, e.g. the
// links of a batch built once). AttributeView is a non-owning view of one
// value, used to pass attributes into the API without copying them; it binds
// to temporaries only for the duration of the call it is an argument of.
// Both are thread-compatible value types. The eight alternatives come in the
// same order in both, and in the SDK's stored form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "weft/array_view.h"

namespace weft {

using AttributeValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<bool>,
                 std::vector<std::int64_t>, std::vector<double>,
                 std::vector<std::string>>;

// An attribute as the application stores it (for example in a Link).
using OwnedAttribute = std::pair<std::string, AttributeValue>;
using OwnedAttributes = std::vector<OwnedAttribute>;

// A non-owning view of one attribute value.
class AttributeView {
 public:
  using Variant =
      std::variant<bool, std::int64_t, double, std::string_view,
                   const std::vector<bool>*, const std::vector<std::int64_t>*,
                   const std::vector<double>*, const std::vector<std::string>*>;

  AttributeView(bool v) noexcept : value_(v) {}  // NOLINT: implicit
  template <class Int, std::enable_if_t<std::is_integral_v<Int> &&
                                            !std::is_same_v<Int, bool> &&
                                            !std::is_same_v<Int, char>,
                                        int> = 0>
  AttributeView(Int v) noexcept  // NOLINT: implicit
      : value_(static_cast<std::int64_t>(v)) {}
  AttributeView(double v) noexcept : value_(v) {}  // NOLINT: implicit
  AttributeView(float v) noexcept                  // NOLINT: implicit
      : value_(static_cast<double>(v)) {}
  AttributeView(const char* v) noexcept  // NOLINT: implicit
      : value_(v ? std::string_view(v) : std::string_view()) {}
  AttributeView(std::string_view v) noexcept : value_(v) {}  // NOLINT
  AttributeView(const std::string& v) noexcept               // NOLINT
      : value_(std::string_view(v)) {}
  AttributeView(const std::vector<bool>& v) noexcept : value_(&v) {}  // NOLINT
  AttributeView(const std::vector<std::int64_t>& v) noexcept          // NOLINT
      : value_(&v) {}
  AttributeView(const std::vector<double>& v) noexcept
      : value_(&v) {}                                        // NOLINT
  AttributeView(const std::vector<std::string>& v) noexcept  // NOLINT
      : value_(&v) {}
  AttributeView(const AttributeValue& v) noexcept  // NOLINT: implicit
      : value_(std::visit([](const auto& x) { return view_of(x); }, v)) {}

  const Variant& value() const noexcept { return value_; }

 private:
  static Variant view_of(bool v) noexcept { return v; }
  static Variant view_of(std::int64_t v) noexcept { return v; }
  static Variant view_of(double v) noexcept { return v; }
  static Variant view_of(const std::string& v) noexcept {
    return std::string_view(v);
  }
  template <class Element>
  static Variant view_of(const std::vector<Element>& v) noexcept {
    return &v;
  }

  Variant value_;
};

// One attribute passed into the API: a key and a view of its value.
struct KeyValue {
  std::string_view key;
  AttributeView value;
};

// A list of attributes passed into the API, e.g. {{"order.id", "ORD-1"}}.
using Attributes = ArrayView<KeyValue>;

}  // namespace weft
