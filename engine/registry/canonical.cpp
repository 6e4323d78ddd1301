#include "engine/registry/canonical.h"

#include <regex>
#include <sstream>

#include "engine/syntax/printer.h"

namespace cpe {

std::vector<UnitText> unitTexts(const CheckedLibrary& lib) {
    std::vector<UnitText> out;
    for (const SourceFileAst& file : lib.files) {
        for (const TopDecl& top : file.decls) {
            auto* unitPtr = std::get_if<std::shared_ptr<Unit>>(&top.body);
            if (!unitPtr) continue;
            const Unit& unit = **unitPtr;
            SourceFileAst alone;
            alone.file = file.file;
            alone.decls.push_back(top);  // shares the unit; nothing is copied deeply
            UnitText u;
            u.unit = &unit;
            u.text = formatFile(alone);
            u.location = lib.sources->location(unit.span);
            if (unit.kind == Unit::Kind::Policy)
                for (const PolicyModel& p : lib.policies)
                    if (p.span.file == unit.span.file && p.span.line == unit.span.line && p.span.col == unit.span.col)
                        u.policy = &p;
            out.push_back(std::move(u));
        }
    }
    return out;
}

std::string withoutEndDate(const std::string& canonicalText) {
    // The formatter writes the header item on one line at one indent:
    // "    effective 2026-04-01 until 2027-03-31".
    static const std::regex kLine(R"(^(    effective \d{4}-\d{2}-\d{2}) until \d{4}-\d{2}-\d{2}$)");
    std::istringstream in(canonicalText);
    std::string line, out;
    while (std::getline(in, line)) {
        out += std::regex_replace(line, kLine, "$1");
        out += '\n';
    }
    if (!canonicalText.empty() && canonicalText.back() != '\n' && !out.empty()) out.pop_back();
    return out;
}

}  // namespace cpe
