#pragma once
// The canonical text of each policy and module: the layout `cpe fmt` gives the
// declaration on its own (its leading comments included). The registry hashes
// and stores this text, so re-indenting a file changes nothing, while any
// change a reader could see changes the hash.
#include <string>
#include <vector>

#include "engine/check/model.h"

namespace cpe {

struct UnitText {
    const Unit* unit = nullptr;
    const PolicyModel* policy = nullptr;  // null for a module
    std::string text;                     // canonical text of the declaration alone
    std::string location;                 // "file:line:col" of its id
};

// Every module and policy declared in the library's files, in file order.
// Tests are not included: they are not rules.
std::vector<UnitText> unitTexts(const CheckedLibrary& lib);

// The canonical text with the `until` date of its `effective` line removed:
// what the text was before an end date was added to it.
std::string withoutEndDate(const std::string& canonicalText);

}  // namespace cpe
