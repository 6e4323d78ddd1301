// The diagnostic corpus: every case under tests/check/ is built as a library
// and must report exactly the diagnostics its comments expect, no more and no
// fewer (file, line, column where pinned, severity, message). The convention
// is in tests/check/README.md; in short:
//
//     criterion a "A" = bmi > amh   // error@23: '>' compares [kg/m2] with [pmol/L]; convert one of them first
//
// tests/check/TOPIC/NAME.cpl is a case on its own; tests/check/TOPIC/NAME/
// is one case of all the .cpl files in it, built together as one library.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>

#include <unistd.h>

#include "engine/library/warnings.h"
#include "golden.h"
#include "library_fixture.h"

using namespace cpe;
namespace fs = std::filesystem;

namespace {

const char* kRoot = "tests/check";

// One case: the files built together, as paths relative to the source tree
// (so messages read tests/check/types/compare.cpl:6:23 on every machine).
struct Case {
    std::string name;                // "tests/check/types/compare.cpl" or "tests/check/modules/cycle"
    std::vector<std::string> files;  // relative to `base`, and so named in messages
    fs::path base = CPE_SOURCE_DIR;
};

struct Expectation {
    std::string file;
    uint32_t line = 0;
    std::optional<uint32_t> col;  // unset: any column on the line
    std::string severity;
    std::string message;
};

// Something in tests/check that is not a readable case: a stray file, or a
// comment that looks like an expectation but is not one. Always a failure,
// so a typo can never make a case pass by expecting nothing.
struct Problem {
    std::string file;
    uint32_t line;
    std::string what;
};

std::string where(const std::string& file, uint32_t line, std::optional<uint32_t> col = std::nullopt) {
    return file + ":" + std::to_string(line) + (col ? ":" + std::to_string(*col) : "");
}

std::string show(const Expectation& e) { return where(e.file, e.line, e.col) + ": " + e.severity + ": " + e.message; }

// ---------------------------------------------------------------- finding the cases

std::vector<Case> findCases(std::vector<Problem>& problems) {
    std::vector<Case> cases;
    auto sorted = [](const fs::path& dir) {
        std::vector<fs::directory_entry> entries{fs::directory_iterator(dir), fs::directory_iterator()};
        std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.path() < b.path(); });
        return entries;
    };
    auto relative = [](const fs::path& p) { return fs::relative(p, CPE_SOURCE_DIR).generic_string(); };
    auto isCpl = [](const fs::directory_entry& e) { return e.is_regular_file() && e.path().extension() == ".cpl"; };
    for (const auto& topic : sorted(testing::sourcePath(kRoot))) {
        if (!topic.is_directory()) {
            if (topic.path().filename() != "README.md")
                problems.push_back({relative(topic.path()), 0, "not a case: a case lives in a topic folder, tests/check/TOPIC/"});
            continue;
        }
        for (const auto& entry : sorted(topic.path())) {
            std::string name = relative(entry.path());
            if (isCpl(entry)) {
                cases.push_back({name, {name}});
            } else if (entry.is_directory()) {
                Case c{name, {}};
                for (const auto& file : sorted(entry.path())) {
                    if (isCpl(file)) c.files.push_back(relative(file.path()));
                    else problems.push_back({relative(file.path()), 0, "not a .cpl file, in a case folder"});
                }
                if (c.files.empty()) problems.push_back({relative(entry.path()), 0, "a case folder with no .cpl files"});
                else cases.push_back(std::move(c));
            } else {
                problems.push_back({relative(entry.path()), 0, "not a case: cases are .cpl files or folders of them"});
            }
        }
    }
    return cases;
}

// ---------------------------------------------------------------- reading the expectations

struct Comment {
    uint32_t line;
    std::string text;  // without the // or /* */
    bool block;
};

// The comments of a file as the lexer (grammar/Cpl.g4) finds them: `//` to
// the end of the line and `/* ... */`, but not inside a string or a unit, and
// a `"` with no closing quote on its line is a lone character (the lexer's
// "unterminated string"), not the start of a string.
std::vector<Comment> comments(const std::string& s) {
    std::vector<Comment> out;
    uint32_t line = 1;
    auto skip = [&](size_t from, size_t to) {  // moves past s[from, to), counting lines
        line += static_cast<uint32_t>(
            std::count(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
        return to;
    };
    size_t n = s.size();
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            size_t end = std::min(s.find_first_of("\r\n", i), n);
            out.push_back({line, s.substr(i + 2, end - i - 2), false});
            i = end;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*' && s.find("*/", i + 2) != std::string::npos) {
            size_t end = s.find("*/", i + 2);
            out.push_back({line, s.substr(i + 2, end - i - 2), true});
            i = skip(i, end + 2);
        } else if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"' && s[j] != '\r' && s[j] != '\n') j += s[j] == '\\' ? 2 : 1;
            i = j < n && s[j] == '"' ? skip(i, j + 1) : i + 1;
        } else if (c == '[' && i + 1 < n && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '%')) {
            size_t j = i + 2;
            while (j < n && std::string_view("]\r\n\", ").find(s[j]) == std::string_view::npos) ++j;
            i = j < n && s[j] == ']' ? j + 1 : i + 1;
        } else {
            i = skip(i, i + 1);
        }
    }
    return out;
}

std::string trim(std::string s) {
    auto space = [](unsigned char ch) { return std::isspace(ch) != 0; };
    s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
    s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
    return s;
}

// Does the comment look like an attempt at an expectation? A leading word
// followed by ':' or '@', or a leading error/warning/note in any case or
// with one letter wrong. Such a comment must then be a well-formed one.
bool looksLikeExpectation(const std::string& text) {
    static const std::regex shape(R"(^[A-Za-z_]+\s*[@:])");
    if (std::regex_search(text, shape)) return true;
    std::string word;
    for (char ch : text) {
        if (!std::isalpha(static_cast<unsigned char>(ch))) break;
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    auto nearly = [&](const std::string& target) {
        if (word == target || word == target + "s") return true;
        // one insertion, deletion or substitution away
        const std::string& a = word.size() >= target.size() ? word : target;
        const std::string& b = word.size() >= target.size() ? target : word;
        if (a.size() - b.size() > 1) return false;
        size_t i = 0, j = 0, edits = 0;
        while (i < a.size() && j < b.size()) {
            if (a[i] == b[j]) {
                ++i;
                ++j;
                continue;
            }
            if (++edits > 1) return false;
            ++i;
            if (a.size() == b.size()) ++j;
        }
        return edits + (a.size() - i) <= 1;
    };
    return nearly("error") || nearly("warning") || word == "note" || word == "notes";
}

const char* kSyntax =
    "write // error: MESSAGE, // error@COL: MESSAGE or // error@LINE:COL: MESSAGE "
    "(or warning, note); see tests/check/README.md";

void readExpectations(const std::string& file, const std::string& source, std::vector<Expectation>& out,
                      std::vector<Problem>& problems) {
    static const std::regex form(R"(^(error|warning|note)(?:@(?:([0-9]+):)?([0-9]+))?: (\S.*)$)");
    for (const Comment& c : comments(source)) {
        std::string text = trim(c.text);
        if (c.block) {
            if (looksLikeExpectation(text))
                problems.push_back({file, c.line, "an expectation in a /* */ comment; expectations are // comments"});
            continue;
        }
        if (!looksLikeExpectation(text)) continue;
        // Several expectations for one line share its comment: // error@5: a // error@9: b
        std::vector<std::string> parts;
        for (size_t from = 0;;) {
            size_t next = text.find("//", from);
            parts.push_back(trim(text.substr(from, next == std::string::npos ? std::string::npos : next - from)));
            if (next == std::string::npos) break;
            from = next + 2;
        }
        for (const std::string& part : parts) {
            std::smatch m;
            if (!std::regex_match(part, m, form)) {
                problems.push_back({file, c.line, "cannot read the expectation '// " + part + "'; " + kSyntax});
                continue;
            }
            Expectation e{file, c.line, std::nullopt, m[1], trim(m[4])};
            if (m[2].matched) e.line = static_cast<uint32_t>(std::stoul(m[2]));
            if (m[3].matched) e.col = static_cast<uint32_t>(std::stoul(m[3]));
            if (e.line == 0 || (e.col && *e.col == 0))
                problems.push_back({file, c.line, "lines and columns count from 1 in '// " + part + "'"});
            else out.push_back(std::move(e));
        }
    }
}

const char* severityName(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "note";
    }
    return "?";
}

// ---------------------------------------------------------------- one case

// "" when the case reports exactly what it expects; otherwise what differs.
std::string runCase(const Case& c) {
    std::vector<Expectation> expected;
    std::vector<Problem> problems;
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string& f : c.files) {
        files.emplace_back(f, testing::readFile(c.base / f));
        readExpectations(f, files.back().second, expected, problems);
    }
    std::ostringstream out;
    if (!problems.empty()) {
        out << c.name << ": unreadable expectations\n";
        for (const Problem& p : problems) out << "  " << where(p.file, p.line) << ": " << p.what << "\n";
        return out.str();
    }

    testing::Built b = testing::build(files);
    // `cpe check`'s warnings (engine/library/warnings.h) are looked for in the
    // warnings topic only: elsewhere a case is the smallest library that shows
    // one error, and its unused facts and criteria are not what it is about.
    // Both ways in, which must agree: from the checked library alone (the
    // language server's, compiling each policy) and from the loaded library
    // (`cpe check`'s, reading its compiled programs).
    if (b.library && c.name.rfind(std::string(kRoot) + "/warnings/", 0) == 0) {
        Diagnostics fromChecked = b.diags;
        findWarnings(b.library->checked(), fromChecked);
        findWarnings(*b.library, b.diags);
        CHECK(fromChecked.all().size() == b.diags.all().size());
        for (size_t i = 0; i < std::min(fromChecked.all().size(), b.diags.all().size()); ++i)
            CHECK(fromChecked.all()[i].message == b.diags.all()[i].message);
    }
    std::vector<Expectation> actual;
    for (const Diagnostic& d : b.diags.all())
        actual.push_back({b.sources->file(d.span.file).path, d.span.line, d.span.col, severityName(d.severity), d.message});

    // Column-pinned expectations claim their diagnostic first, so one that
    // gives no column cannot take the diagnostic a pinned one needs.
    std::vector<bool> claimed(actual.size(), false);
    std::vector<const Expectation*> missing;
    for (bool pinned : {true, false})
        for (const Expectation& e : expected) {
            if (e.col.has_value() != pinned) continue;
            bool found = false;
            for (size_t i = 0; i < actual.size() && !found; ++i) {
                const Expectation& a = actual[i];
                if (!claimed[i] && a.file == e.file && a.line == e.line && (!e.col || a.col == e.col) &&
                    a.severity == e.severity && a.message == e.message)
                    claimed[i] = found = true;
            }
            if (!found) missing.push_back(&e);
        }
    bool extra = std::find(claimed.begin(), claimed.end(), false) != claimed.end();
    bool libraryAsExpected = (b.library != nullptr) == !b.diags.hasErrors();
    if (missing.empty() && !extra && libraryAsExpected) return "";

    out << c.name << ": the diagnostics differ from the expectations\n";
    if (!missing.empty()) {
        out << "  expected, not reported:\n";
        for (const Expectation* e : missing) out << "    " << show(*e) << "\n";
    }
    if (extra) {
        out << "  reported, not expected:\n";
        for (size_t i = 0; i < actual.size(); ++i)
            if (!claimed[i])
                out << "    " << show(actual[i]) << "\n      (to expect it, end line " << actual[i].line << " with  // "
                    << actual[i].severity << "@" << *actual[i].col << ": " << actual[i].message << ")\n";
    }
    if (!libraryAsExpected)
        out << "  the library was " << (b.library ? "built despite errors" : "not built, without an error") << "\n";
    out << "  everything reported:\n";
    for (const Expectation& a : actual) out << "    " << show(a) << "\n";
    return out.str();
}

}  // namespace

TEST_CASE("check corpus: tests/check holds cases and nothing else") {
    std::vector<Problem> layout;
    std::vector<Case> cases = findCases(layout);
    for (const Problem& p : layout) FAIL_CHECK(p.file << ": " << p.what);
    // A floor, so that a corpus that goes missing (a moved folder, a bad
    // path) fails rather than passing with nothing to check. Raise it as
    // cases are added; lower it only on purpose.
    CHECK(cases.size() >= 98);
}

TEST_CASE("check corpus: every case in tests/check reports exactly the diagnostics its comments expect") {
    // Found once: doctest runs this body again for each subcase.
    static const std::vector<Case> cases = [] {
        std::vector<Problem> layout;  // reported by the test above
        return findCases(layout);
    }();
    for (const Case& c : cases) {
        SUBCASE(c.name.c_str()) {
            std::string diff = runCase(c);
            CHECK_MESSAGE(diff.empty(), diff);
        }
    }
}

TEST_CASE("check corpus: a wrong or unreadable expectation fails its case") {
    // The corpus must be able to fail. A throwaway case with a wrong message,
    // a missing one, a typo'd severity and an expectation in a block comment.
    fs::path dir = fs::temp_directory_path() / ("cpe_check_corpus_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
        return Case{name, {name}, dir};
    };
    const std::string policy =
        "policy p {\n    title \"P\"\n    version \"1\"\n    effective 2026-01-01\n"
        "    fact bmi: decimal [kg/m2] \"BMI\"\n"
        "    fact amh: decimal [pmol/L] \"AMH\"\n";
    const std::string decide = "    decide {\n        otherwise not_eligible\n    }\n}\n";
    const std::string right =
        "    criterion a \"A\" = bmi > amh   // error@23: '>' compares [kg/m2] with [pmol/L]; convert one of them first\n";

    Case ok = write("ok.cpl", policy + right + decide);
    CHECK(runCase(ok).empty());

    Case wrongMessage =
        write("wrong.cpl", policy + "    criterion a \"A\" = bmi > amh   // error@23: '>' compares apples with pears\n" + decide);
    std::string diff = runCase(wrongMessage);
    CHECK(diff.find("expected, not reported:\n    wrong.cpl:7:23: error: '>' compares apples with pears") != std::string::npos);
    CHECK(diff.find("reported, not expected") != std::string::npos);
    CHECK(diff.find("// error@23: '>' compares [kg/m2] with [pmol/L]; convert one of them first") != std::string::npos);

    Case wrongColumn = write(
        "column.cpl",
        policy +
            "    criterion a \"A\" = bmi > amh   // error@24: '>' compares [kg/m2] with [pmol/L]; convert one of them first\n" +
            decide);
    CHECK(runCase(wrongColumn).find("expected, not reported") != std::string::npos);

    Case unexpected = write("silent.cpl", policy + "    criterion a \"A\" = bmi > amh\n" + decide);
    CHECK(runCase(unexpected).find("reported, not expected") != std::string::npos);

    Case absent = write("absent.cpl", policy + "    criterion a \"A\" = bmi > 3   // error: nothing is wrong here\n" + decide);
    CHECK(runCase(absent).find("expected, not reported") != std::string::npos);

    for (const char* typo : {"// Error: x", "// eror: x", "// error x", "// error@: x", "// error@a: x", "// errors: x",
                             "// warn: x", "// expect: x", "// error@23:x", "// error: a // b", "/* error: x */"}) {
        CAPTURE(typo);
        Case bad = write("typo.cpl", policy + right.substr(0, right.find("//")) + typo + "\n" + decide);
        CHECK(runCase(bad).find("unreadable expectations") != std::string::npos);
    }
    fs::remove_all(dir);
}
