#include "engine/check/model.h"

#include <cctype>

namespace cpe {

std::string normaliseCode(std::string_view code) {
    std::string out;
    out.reserve(code.size());
    for (char c : code) {
        if (c == '.' || c == ' ') continue;
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

bool CodeRange::matches(std::string_view code) const {
    if (code.size() < lo.size()) return false;
    std::string_view head = code.substr(0, lo.size());
    if (hi.empty()) return head == lo;
    return head >= std::string_view(lo) && head <= std::string_view(hi);
}

bool CodesetInfo::matches(std::string_view code) const {
    for (const CodeRange& r : ranges)
        if (r.matches(code)) return true;
    return false;
}

const EnumInfo& episodeSexEnum() {
    static const EnumInfo e{"sex", {"male", "female", "unknown"}, false};
    return e;
}
const EnumInfo& episodeSettingEnum() {
    static const EnumInfo e{"setting", {"APC", "OP"}, false};
    return e;
}
const EnumInfo& episodeAdmissionEnum() {
    static const EnumInfo e{"admission", {"elective", "emergency", "other"}, false};
    return e;
}
const EnumInfo& outcomeEnum() {
    static const EnumInfo e{"outcome", {"eligible", "not_eligible", "review", "undetermined"}, false};
    return e;
}

const char* outcomeName(Outcome o) {
    switch (o) {
        case Outcome::Eligible: return "eligible";
        case Outcome::NotEligible: return "not_eligible";
        case Outcome::Review: return "review";
        case Outcome::Undetermined: return "undetermined";
    }
    return "undetermined";
}

const char* routeName(Route r) {
    switch (r) {
        case Route::None: return "none";
        case Route::PriorApproval: return "prior_approval";
        case Route::Ifr: return "ifr";
        case Route::Panel: return "panel";
        case Route::FastTrack: return "fast_track";
    }
    return "none";
}

std::optional<Route> parseRoute(const std::string& s) {
    for (Route r : {Route::None, Route::PriorApproval, Route::Ifr, Route::Panel, Route::FastTrack})
        if (s == routeName(r)) return r;
    return std::nullopt;
}

std::optional<Outcome> parseOutcome(const std::string& s) {
    for (Outcome o : {Outcome::Eligible, Outcome::NotEligible, Outcome::Review, Outcome::Undetermined})
        if (s == outcomeName(o)) return o;
    return std::nullopt;
}

const NamedExpr* PolicyModel::criterion(const std::string& name) const {
    for (const auto& c : criteria)
        if (c->name == name) return c.get();
    return nullptr;
}

const NamedExpr* PolicyModel::output(const std::string& name) const {
    for (const auto& o : outputs)
        if (o->name == name) return o.get();
    return nullptr;
}

std::vector<std::string> CheckedLibrary::factNames() const {
    std::vector<std::string> names;
    for (const auto& [name, _] : factsByName) names.push_back(name);
    return names;
}

}  // namespace cpe
