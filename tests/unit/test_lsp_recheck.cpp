// lsp/library.cpp re-uses the parse of every unchanged file: pinned to a
// re-check from scratch after each edit of tests/lsp/recheck/edits.txt.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lsp/documents.h"
#include "lsp/library.h"
#include "lsp/text_position.h"

using namespace cpe::lsp;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trim(std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
}

std::string unescapeNewlines(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
            out += '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> splitBars(const std::string& s) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t bar; (bar = s.find(" | ", start)) != std::string::npos; start = bar + 3)
        parts.push_back(s.substr(start, bar - start));
    parts.push_back(s.substr(start));
    return parts;
}

// Every diagnostic as `cpe check` prints it, caret included.
std::string rendered(const Analysis& a) { return a.diags.render(*a.sources); }

}  // namespace

TEST_CASE("lsp re-check: re-using unchanged files' parses reports what a check from scratch does") {
    const std::string root = std::filesystem::path(CPE_SOURCE_DIR "/policies").lexically_normal().string();
    std::ifstream steps(CPE_SOURCE_DIR "/tests/lsp/recheck/edits.txt");
    REQUIRE(steps);
    Documents docs;
    Library cached(root);
    int64_t version = 1;
    int lineNo = 0, checked = 0, withErrors = 0;
    for (std::string line; std::getline(steps, line);) {
        ++lineNo;
        if (trim(line).empty() || line[0] == '#') continue;
        INFO("edits.txt:" << lineNo << ": " << line);
        std::string expectParses;
        if (size_t arrow = line.rfind(" => parses "); arrow != std::string::npos) {
            expectParses = trim(line.substr(arrow + 11));
            line = line.substr(0, arrow);
        }
        size_t space = line.find(' ');
        REQUIRE(space != std::string::npos);
        const std::string verb = line.substr(0, space);
        std::vector<std::string> args = splitBars(trim(line.substr(space + 1)));
        const std::string path = root + "/" + args[0];
        const std::string uri = uriFromPath(path);
        if (verb == "open") {
            docs.open(uri, readFile(path), ++version);
        } else if (verb == "new") {
            REQUIRE(args.size() == 2);
            docs.open(uri, unescapeNewlines(args[1]), ++version);
        } else if (verb == "close") {
            docs.close(uri);
        } else if (verb == "replace") {
            REQUIRE(args.size() == 3);
            const Document* d = docs.find(uri);
            REQUIRE(d);
            std::string text = d->text;
            size_t at = text.find(unescapeNewlines(args[1]));
            REQUIRE(at != std::string::npos);
            text.replace(at, unescapeNewlines(args[1]).size(), unescapeNewlines(args[2]));
            docs.change(uri, nlohmann::json::array({{{"text", text}}}), ++version);
        } else {
            FAIL("unknown step " << verb);
        }
        cached.analyse(docs);
        Library fresh(root);
        fresh.analyse(docs);
        CHECK(rendered(cached.analysis()) == rendered(fresh.analysis()));
        CHECK(cached.analysis().diags.errorCount() == fresh.analysis().diags.errorCount());
        if (expectParses == "all") CHECK(cached.analysis().filesParsed == cached.analysis().sources->size());
        else if (!expectParses.empty()) CHECK(cached.analysis().filesParsed == std::stoul(expectParses));
        ++checked;
        if (fresh.analysis().diags.hasErrors()) ++withErrors;
    }
    CHECK(checked >= 20);
    CHECK(withErrors >= 8);  // the edits do break things: equal diagnostics are not two empty lists
}
