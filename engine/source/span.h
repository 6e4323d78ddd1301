#pragma once
#include <cstdint>

namespace cpe {

// A region of one source file. Lines and columns are 1-based; `file` indexes
// SourceSet::files(). Every AST node and every diagnostic carries one.
struct Span {
    uint32_t file = 0;
    uint32_t line = 0;
    uint32_t col = 0;
    uint32_t endLine = 0;
    uint32_t endCol = 0;

    bool valid() const { return line != 0; }
};

}  // namespace cpe
