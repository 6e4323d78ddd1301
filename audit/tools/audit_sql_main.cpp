// cpe-audit-sql: prints the SQLite query that computes activity.csv from the
// policies' coding rules (see audit/match/sql_export.h). Used by bench/bench_audit.sh.
//   cpe-audit-sql [--policies PATH] [--from DATE] [--to DATE] [--as-of DATE] [--table NAME]
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "audit/match/policy_rules.h"
#include "audit/match/sql_export.h"
#include "audit/read/episode.h"
#include "engine/library/policy_library.h"

int main(int argc, char** argv) {
    std::vector<std::string> policies;
    cpe::audit::SqlOptions sql;
    int day = cpe::todayDay();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "cpe-audit-sql: " << a << " needs a value\n";
            return 2;
        }
        std::string v = argv[++i];
        if (a == "--policies") policies.push_back(v);
        else if (a == "--from") sql.from = v;
        else if (a == "--to") sql.to = v;
        else if (a == "--table") sql.table = v;
        else if (a == "--as-of") {
            int32_t d = 0;
            if (!cpe::audit::parseIsoDate(v, d)) {
                std::cerr << "cpe-audit-sql: --as-of: not a date: " << v << "\n";
                return 2;
            }
            day = d;
        } else {
            std::cerr << "cpe-audit-sql: unknown option " << a << "\n";
            return 2;
        }
    }
    if (policies.empty()) policies.push_back("policies");
    cpe::Diagnostics diags;
    std::shared_ptr<cpe::SourceSet> sources;
    auto lib = cpe::PolicyLibrary::load(policies, diags, sources);
    if (!lib) {
        std::cerr << diags.render(*sources);
        return 2;
    }
    std::vector<std::string> errors;
    auto selection = cpe::audit::selectCodingRules(*lib, day, {}, errors);
    auto matcher = cpe::audit::Matcher::compile(selection.rules, cpe::audit::libraryCodesets(*lib), &lib->sources(), errors);
    if (!matcher) {
        for (const auto& e : errors) std::cerr << "cpe-audit-sql: " << e << "\n";
        return 2;
    }
    try {
        std::cout << cpe::audit::countingSql(*matcher, sql);
    } catch (const std::exception& e) {
        std::cerr << "cpe-audit-sql: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
