#pragma once
// A hash for unordered containers keyed by std::string that looks up by
// std::string_view without building a string (C++20 heterogeneous lookup:
// pass std::equal_to<> as the key equality too).
#include <cstddef>
#include <functional>
#include <string_view>

namespace cpe {

struct TransparentStringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace cpe
