#include "weft/sdk/span_data.h"

#include <algorithm>
#include <cstring>

namespace weft::sdk {
namespace {

template <class T>
bool store_array(Arena& arena, const std::vector<T>& values,
                 ArrayView<T>& out) noexcept {
  T* copy = arena.allocate_array<T>(values.size());
  if (copy == nullptr && !values.empty()) return false;
  std::copy(values.begin(), values.end(), copy);
  out = ArrayView<T>(copy, values.size());
  return true;
}

struct Storer {
  Arena& arena;
  std::size_t max_length;
  AttributeData& out;

  bool operator()(bool v) const noexcept { return out = v, true; }
  bool operator()(std::int64_t v) const noexcept { return out = v, true; }
  bool operator()(double v) const noexcept { return out = v, true; }
  bool operator()(std::string_view v) const noexcept {
    const std::string_view kept = truncate_utf8(v, max_length);
    const std::string_view copy = arena.copy(kept);
    if (copy.size() != kept.size()) return false;
    out = copy;
    return true;
  }
  bool operator()(const std::vector<bool>* v) const noexcept {
    ArrayView<bool> view;
    if (!store_array(arena, *v, view)) return false;
    out = view;
    return true;
  }
  bool operator()(const std::vector<std::int64_t>* v) const noexcept {
    ArrayView<std::int64_t> view;
    if (!store_array(arena, *v, view)) return false;
    out = view;
    return true;
  }
  bool operator()(const std::vector<double>* v) const noexcept {
    ArrayView<double> view;
    if (!store_array(arena, *v, view)) return false;
    out = view;
    return true;
  }
  bool operator()(const std::vector<std::string>* v) const noexcept {
    auto* copy = arena.allocate_array<std::string_view>(v->size());
    if (copy == nullptr && !v->empty()) return false;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const std::string_view kept = truncate_utf8((*v)[i], max_length);
      copy[i] = arena.copy(kept);
      if (copy[i].size() != kept.size()) return false;
    }
    out = ArrayView<std::string_view>(copy, v->size());
    return true;
  }
};

struct Sizer {
  std::size_t operator()(bool) const noexcept { return 0; }
  std::size_t operator()(std::int64_t) const noexcept { return 0; }
  std::size_t operator()(double) const noexcept { return 0; }
  std::size_t operator()(std::string_view v) const noexcept { return v.size(); }
  std::size_t operator()(const std::vector<bool>* v) const noexcept {
    return v->size();
  }
  std::size_t operator()(const std::vector<std::int64_t>* v) const noexcept {
    return v->size() * sizeof(std::int64_t) + 8;
  }
  std::size_t operator()(const std::vector<double>* v) const noexcept {
    return v->size() * sizeof(double) + 8;
  }
  std::size_t operator()(const std::vector<std::string>* v) const noexcept {
    std::size_t size = v->size() * sizeof(std::string_view) + 8;
    for (const std::string& s : *v) size += s.size();
    return size;
  }
};

// Copies an attribute value into another arena.
AttributeData copy_value(Arena& arena, const AttributeData& value) noexcept {
  return std::visit(
      [&](const auto& v) -> AttributeData {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          return arena.copy(v);
        } else if constexpr (std::is_same_v<T, ArrayView<std::string_view>>) {
          auto* copy = arena.allocate_array<std::string_view>(v.size());
          for (std::size_t i = 0; copy && i < v.size(); ++i) {
            copy[i] = arena.copy(v[i]);
          }
          return ArrayView<std::string_view>(copy, copy ? v.size() : 0);
        } else if constexpr (std::is_same_v<T, ArrayView<bool>> ||
                             std::is_same_v<T, ArrayView<std::int64_t>> ||
                             std::is_same_v<T, ArrayView<double>>) {
          using Element = typename T::value_type;
          auto* copy = arena.allocate_array<Element>(v.size());
          for (std::size_t i = 0; copy && i < v.size(); ++i) copy[i] = v[i];
          return T(copy, copy ? v.size() : 0);
        } else {
          return v;
        }
      },
      value);
}

}  // namespace

std::string_view truncate_utf8(std::string_view text,
                               std::size_t max_length) noexcept {
  if (text.size() <= max_length) return text;
  std::size_t cut = max_length;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut);
}

AttributeList copy_attributes(Arena& arena,
                              const AttributeList& from) noexcept {
  AttributeList to;
  to.reserve(arena, from.size());
  for (const Attribute& attribute : from) {
    to.push_back(
        arena, {arena.copy(attribute.key), copy_value(arena, attribute.value)});
  }
  return to;
}

bool store_attribute_value(Arena& arena, const AttributeView& value,
                           std::size_t max_length,
                           AttributeData& out) noexcept {
  return std::visit(Storer{arena, max_length, out}, value.value());
}

std::size_t stored_size(const AttributeView& value) noexcept {
  return std::visit(Sizer{}, value.value());
}

}  // namespace weft::sdk
