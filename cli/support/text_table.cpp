#include "cli/support/text_table.h"

#include <algorithm>

#include "engine/source/utf8.h"

namespace cpe::cli {

TextTable::TextTable(std::vector<std::string> header, std::string indent) : indent_(std::move(indent)) {
    if (!header.empty()) rows_.push_back(std::move(header));
}

void TextTable::add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

std::string TextTable::render() const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], countCodePoints(row[i]));
    }
    std::string out;
    for (const auto& row : rows_) {
        std::string line = indent_;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - countCodePoints(row[i]) + 2, ' ');
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out += line + "\n";
    }
    return out;
}

}  // namespace cpe::cli
