#pragma once
// Plain-text tables for command output: each column is as wide as its widest
// cell (counted in code points, so "→" is one), columns are two spaces apart
// and lines carry no trailing blanks, so output stays aligned whatever the
// length of ids, versions or names, and tests can match it exactly.
#include <string>
#include <vector>

namespace cpe::cli {

class TextTable {
public:
    // An optional header row; `indent` is put before every line.
    explicit TextTable(std::vector<std::string> header = {}, std::string indent = "");
    void add(std::vector<std::string> row);
    std::string render() const;

private:
    std::vector<std::vector<std::string>> rows_;
    std::string indent_;
};

}  // namespace cpe::cli
