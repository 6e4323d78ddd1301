#include "audit/match/sql_export.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace cpe::audit {

namespace {

// Codes are digits and capital letters; '0' and 'Z' bound them.
constexpr char kMin = '0', kMax = 'Z';

std::string anyChars(size_t n) { return std::string(n, '?'); }
std::string charClass(char a, char b) {
    return a == b ? std::string(1, a) : "[" + std::string(1, a) + "-" + std::string(1, b) + "]";
}

std::vector<std::string> prefixed(char c, std::vector<std::string> tails) {
    for (auto& t : tails) t.insert(t.begin(), c);
    return tails;
}

// Strings of s's length that are >= s, and <= s.
std::vector<std::string> atLeast(const std::string& s) {
    if (s.empty()) return {""};
    if (s.find_first_not_of(kMin) == std::string::npos) return {anyChars(s.size())};
    auto out = prefixed(s[0], atLeast(s.substr(1)));
    if (s[0] < kMax) out.push_back(charClass(static_cast<char>(s[0] + 1), kMax) + anyChars(s.size() - 1));
    return out;
}
std::vector<std::string> atMost(const std::string& s) {
    if (s.empty()) return {""};
    if (s.find_first_not_of(kMax) == std::string::npos) return {anyChars(s.size())};
    auto out = prefixed(s[0], atMost(s.substr(1)));
    if (s[0] > kMin) out.push_back(charClass(kMin, static_cast<char>(s[0] - 1)) + anyChars(s.size() - 1));
    return out;
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// A column expression: the code list normalised as the matcher sees it.
std::string normalised(const std::string& expr) { return "upper(replace(replace(" + expr + ", '.', ''), ' ', ''))"; }

struct Writer {
    const Matcher& m;

    std::string codeTest(const Matcher::Node& n) const {
        // Derived columns (see countingSql): pp = primary procedure, pa = any
        // procedure, ps = secondary procedures, dp/da/ds the same for diagnoses,
        // each as '|CODE|CODE|'.
        const char* column = n.kind == CodeKind::Procedure ? (n.position == CodePosition::Primary ? "pp"
                                                              : n.position == CodePosition::Any   ? "pa"
                                                                                                  : "ps")
                                                           : (n.position == CodePosition::Primary ? "dp"
                                                              : n.position == CodePosition::Any   ? "da"
                                                                                                  : "ds");
        std::vector<std::string> tests;
        for (const PackedRange& r : m.sets()[n.first].ranges)
            for (const std::string& g : rangeGlobs(unpackCode(r.lo), unpackCode(r.hi)))
                tests.push_back(std::string(column) + " GLOB " + quote("*|" + g + "*"));
        if (tests.empty()) return "0";
        std::string out = "(";
        for (size_t i = 0; i < tests.size(); ++i) out += (i ? " OR " : "") + tests[i];
        return out + ")";
    }

    std::string node(uint32_t index) const {
        const Matcher::Node& n = m.nodes()[index];
        auto kids = [&](const char* op) {
            if (n.count == 0) return std::string(std::string(op) == " AND " ? "1" : "0");
            std::string out = "(";
            for (uint32_t i = 0; i < n.count; ++i) out += (i ? op : "") + node(m.children()[n.first + i]);
            return out + ")";
        };
        switch (n.op) {
            case Matcher::Op::Const: return n.value ? "1" : "0";
            case Matcher::Op::And: return kids(" AND ");
            case Matcher::Op::Or: return kids(" OR ");
            case Matcher::Op::Not: return "NOT " + node(m.children()[n.first]);
            case Matcher::Op::Code: return codeTest(n);
            case Matcher::Op::Age: {
                // SQL spells equality "=" and "<>"; the orderings as CPL does.
                std::string op = n.cmp == CompareOp::Eq ? "=" : n.cmp == CompareOp::Ne ? "<>" : std::string(spelling(n.cmp));
                char num[32];
                std::snprintf(num, sizeof num, "%g", n.number);
                return "age_n " + op + " " + num;
            }
            case Matcher::Op::Enum: {
                std::vector<std::string> parts;
                if (n.field == 1) {
                    const char* codes[] = {"'1'", "'2'", "'9'"};
                    std::string in;
                    for (int i = 0; i < 3; ++i)
                        if ((n.mask >> i) & 1) in += std::string(in.empty() ? "" : ", ") + codes[i];
                    return in.empty() ? "0" : "sex IN (" + in + ")";
                }
                if (n.field == 2) {
                    const char* codes[] = {"'APC'", "'OP'"};
                    std::string in;
                    for (int i = 0; i < 2; ++i)
                        if ((n.mask >> i) & 1) in += std::string(in.empty() ? "" : ", ") + codes[i];
                    return in.empty() ? "0" : "st IN (" + in + ")";
                }
                const char* tests[] = {"am IN ('11', '12', '13')", "substr(am, 1, 1) = '2'",
                                       "(am NOT IN ('11', '12', '13') AND substr(am, 1, 1) <> '2')"};
                for (int i = 0; i < 3; ++i)
                    if ((n.mask >> i) & 1) parts.push_back(tests[i]);
                if (parts.empty()) return "0";
                std::string out = "(";
                for (size_t i = 0; i < parts.size(); ++i) out += (i ? " OR " : "") + parts[i];
                return out + ")";
            }
        }
        return "0";
    }

    std::string rule(size_t r) const {
        const Matcher::Rule& rule = m.rules()[r];
        std::string out = node(rule.root);
        if (rule.excludeEmergencies) out += " AND substr(am, 1, 1) <> '2'";
        if (rule.cancerSet >= 0) {
            Matcher::Node n;
            n.op = Matcher::Op::Code;
            n.kind = CodeKind::Diagnosis;
            n.position = CodePosition::Any;
            n.first = static_cast<uint32_t>(rule.cancerSet);
            out += " AND NOT " + codeTest(n);
        }
        return out;
    }
};

}  // namespace

std::vector<std::string> rangeGlobs(const std::string& lo, const std::string& hi) {
    for (const std::string* s : {&lo, &hi})
        if (s->find_first_of("*?[]'") != std::string::npos)
            throw std::runtime_error("code '" + *s + "' holds characters a GLOB pattern cannot match literally");
    if (lo == hi) return {lo};
    if (lo.size() != hi.size())
        throw std::runtime_error("the SQL export needs both ends of a range to have the same length: " + lo + "-" + hi);
    std::function<std::vector<std::string>(const std::string&, const std::string&)> between =
        [&](const std::string& a, const std::string& b) -> std::vector<std::string> {
        if (a.empty()) return {""};
        if (a[0] == b[0]) return prefixed(a[0], between(a.substr(1), b.substr(1)));
        auto out = prefixed(a[0], atLeast(a.substr(1)));
        if (a[0] + 1 <= b[0] - 1)
            out.push_back(charClass(static_cast<char>(a[0] + 1), static_cast<char>(b[0] - 1)) + anyChars(a.size() - 1));
        auto tail = prefixed(b[0], atMost(b.substr(1)));
        out.insert(out.end(), tail.begin(), tail.end());
        return out;
    };
    return between(lo, hi);
}

std::string countingSql(const Matcher& m, const SqlOptions& o) {
    Writer w{m};
    auto first = [](const std::string& col) {
        return "CASE WHEN instr(" + col + ", '|') > 0 THEN substr(" + col + ", 1, instr(" + col + ", '|') - 1) ELSE " + col +
               " END";
    };
    auto rest = [](const std::string& col) {
        return "CASE WHEN instr(" + col + ", '|') > 0 THEN substr(" + col + ", instr(" + col + ", '|')) ELSE '' END";
    };
    std::string where;
    if (o.from) where += " admission_date >= " + quote(*o.from);
    if (o.to) where += std::string(where.empty() ? "" : " AND") + " admission_date <= " + quote(*o.to);

    std::string sql = "-- Generated by cpe-audit-sql from the policies' coding rules.\n";
    sql +=
        "WITH e AS (\n  SELECT provider,\n    CAST(age AS INTEGER) AS age_n, sex, admission_method AS am, upper(setting) AS "
        "st,\n";
    sql += "    '|' || " + normalised("dominant_procedure") + " || '|' AS pp,\n";
    sql += "    '|' || " + normalised("dominant_procedure") + " || '|' || " + normalised("procedures") + " || '|' AS pa,\n";
    sql += "    " + normalised(rest("procedures")) + " || '|' AS ps,\n";
    sql += "    '|' || " + normalised(first("diagnoses")) + " || '|' AS dp,\n";
    sql += "    '|' || " + normalised("diagnoses") + " || '|' AS da,\n";
    sql += "    " + normalised(rest("diagnoses")) + " || '|' AS ds\n";
    sql += "  FROM " + o.table + (where.empty() ? "" : "\n  WHERE" + where) + "\n),\n";
    sql += "c AS (\n  SELECT provider";
    for (size_t r = 0; r < m.size(); ++r)
        sql += ",\n    SUM(CASE WHEN " + w.rule(r) + " THEN 1 ELSE 0 END) AS r" + std::to_string(r);
    sql += "\n  FROM e GROUP BY provider\n)\n";
    for (size_t r = 0; r < m.size(); ++r) {
        sql += (r ? "UNION ALL " : "") + std::string("SELECT ") + quote(m.intervention(r)) + " AS intervention, provider, r" +
               std::to_string(r) + " AS episodes FROM c WHERE r" + std::to_string(r) + " > 0\n";
    }
    sql += "ORDER BY intervention, provider;\n";
    return sql;
}

}  // namespace cpe::audit
