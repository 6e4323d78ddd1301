// The SQLite policy registry: content hashes, publish/no-op/refusal, the one
// allowed amendment (an end date), all-or-nothing publishing, history, and
// loading a library back from it.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/base/sha256.h"
#include "engine/compile/program.h"
#include "engine/registry/canonical.h"
#include "engine/registry/registry.h"
#include "library_fixture.h"

using namespace cpe;
using namespace cpe::registry;
using cpe::testing::build;
using cpe::testing::kFixtureModule;

namespace {

struct TempDb {
    std::string path;
    TempDb() {
        char tmpl[] = "/tmp/cpe-registry-XXXXXX";
        int fd = mkstemp(tmpl);
        close(fd);
        std::filesystem::remove(tmpl);
        path = std::string(tmpl) + ".db";
    }
    ~TempDb() { std::filesystem::remove(path); }
};

std::string policyText(const std::string& version, const std::string& effective, int bmiMax, const std::string& until = "") {
    return "// The P policy.\npolicy p {\n    title \"P\"\n    version \"" + version + "\"\n    effective " + effective +
           (until.empty() ? "" : " until " + until) +
           "\n    use fx\n    criterion bmi_ok \"BMI in range\" = bmi between 19 and " + std::to_string(bmiMax) +
           "\n    decide {\n        eligible when bmi_ok\n        otherwise not_eligible\n    }\n}\n";
}

std::shared_ptr<const PolicyLibrary> lib(const std::string& policies) {
    auto b = build({{"fx.cpl", kFixtureModule}, {"p.cpl", policies}});
    REQUIRE_MESSAGE(b.library, b.errors());
    return b.library;
}

Action actionFor(const PublishResult& r, const std::string& id, const std::string& version = "") {
    for (const PublishItem& i : r.items)
        if (i.id == id && i.version == version) return i.action;
    FAIL("no item for " << id << " " << version);
    return Action::Refused;
}

}  // namespace

TEST_CASE("the content hash ignores layout but not wording") {
    auto a = lib(policyText("1", "2025-04-01", 30));
    std::string messy = policyText("1", "2025-04-01", 30);
    messy.replace(messy.find("bmi between"), 11, "bmi\n        between");
    messy.replace(messy.find("    decide"), 10, "  decide");
    auto b = lib(messy);
    auto c = lib(policyText("1", "2025-04-01", 31));
    auto hashOf = [](const PolicyLibrary& l) {
        for (const UnitText& u : unitTexts(l.checked()))
            if (u.policy) return sha256Hex(u.text);
        return std::string();
    };
    CHECK(hashOf(*a) == hashOf(*b));
    CHECK(hashOf(*a) != hashOf(*c));
}

TEST_CASE("publishing records versions; the same text again is a no-op; changed text is refused") {
    TempDb db;
    {
        PolicyRegistry reg(db.path, true);
        PublishResult first = reg.publish(*lib(policyText("1", "2025-04-01", 30)), "alice", "2026-01-01T09:00:00Z");
        CHECK_FALSE(first.refused());
        CHECK(actionFor(first, "p", "1") == Action::Published);
        CHECK(actionFor(first, "fx") == Action::Published);

        PublishResult again = reg.publish(*lib(policyText("1", "2025-04-01", 30)), "bob", "2026-01-02T09:00:00Z");
        CHECK_FALSE(again.refused());
        CHECK(actionFor(again, "p", "1") == Action::Unchanged);
        CHECK(actionFor(again, "fx") == Action::Unchanged);

        PublishResult changed = reg.publish(*lib(policyText("1", "2025-04-01", 32)), "carol", "2026-01-03T09:00:00Z");
        CHECK(changed.refused());
        CHECK(actionFor(changed, "p", "1") == Action::Refused);
        const PublishItem& item = changed.items.back();
        CHECK(item.location == "p.cpl:2:8");
        CHECK(item.message.find("p version 1 is already published with different text (sha256 ") == 0);
        CHECK(item.message.find("by alice at 2026-01-01T09:00:00Z); a published version is frozen, so publish the change "
                                "under a new version") != std::string::npos);
        CHECK(item.message.find("published:     criterion bmi_ok \"BMI in range\" = bmi between 19 and 30") != std::string::npos);
        CHECK(item.message.find("now:           criterion bmi_ok \"BMI in range\" = bmi between 19 and 32") != std::string::npos);
    }
    PolicyRegistry reg(db.path, false);
    auto versions = reg.versions("p");
    REQUIRE(versions.size() == 1);
    CHECK(versions[0].publishedBy == "alice");
    CHECK(versions[0].effective == "2025-04-01");
    CHECK(versions[0].until.empty());
    CHECK(versions[0].contentHash == sha256Hex(versions[0].sourceText));
    CHECK(versions[0].sourceText.find("between 19 and 30") != std::string::npos);
    CHECK(versions[0].sourceText.rfind("// The P policy.\npolicy p {", 0) == 0);  // comments are part of the text
    CHECK(reg.events("p").size() == 1);
}

TEST_CASE("a successor can be published once the earlier version gets its end date; nothing else may change") {
    TempDb db;
    PolicyRegistry reg(db.path, true);
    REQUIRE_FALSE(reg.publish(*lib(policyText("1", "2025-04-01", 30)), "alice", "2026-01-01T09:00:00Z").refused());

    // The new version alone would overlap the open-ended one already published.
    PublishResult alone = reg.publish(*lib(policyText("2", "2026-04-01", 32)), "bob", "2026-02-01T09:00:00Z");
    CHECK(alone.refused());
    CHECK(alone.libraryErrors.find("version '1' of 'p' has no end date but version '2' takes effect on 2026-04-01") !=
          std::string::npos);
    CHECK(reg.versions("p").size() == 1);  // all or nothing

    PublishResult both = reg.publish(*lib(policyText("1", "2025-04-01", 30, "2026-03-31") + policyText("2", "2026-04-01", 32)),
                                     "bob", "2026-02-01T09:00:00Z");
    CHECK_FALSE(both.refused());
    CHECK(actionFor(both, "p", "1") == Action::EndDateSet);
    CHECK(actionFor(both, "p", "2") == Action::Published);
    auto versions = reg.versions("p");
    REQUIRE(versions.size() == 2);
    CHECK(versions[0].until == "2026-03-31");
    CHECK(versions[0].publishedBy == "alice");  // still alice's version; the log records bob's amendment
    auto events = reg.events("p");
    REQUIRE(events.size() == 3);
    CHECK(events[1].action == "end_date_set");
    CHECK(events[1].by == "bob");

    // Moving an end date that is already set is a change like any other.
    PublishResult moved = reg.publish(*lib(policyText("1", "2025-04-01", 30, "2026-04-30") + policyText("2", "2026-05-01", 32)),
                                      "carol", "2026-03-01T09:00:00Z");
    CHECK(moved.refused());
}

TEST_CASE("the registry loads back as a library that decides like the files") {
    TempDb db;
    {
        PolicyRegistry reg(db.path, true);
        auto l = lib(policyText("1", "2025-04-01", 30, "2026-03-31") + policyText("2", "2026-04-01", 32));
        REQUIRE_FALSE(reg.publish(*l, "alice", "2026-01-01T09:00:00Z").refused());
    }
    std::shared_ptr<SourceSet> sources = registrySources(db.path);
    REQUIRE(sources->size() == 3);
    CHECK(sources->file(0).path == "registry:module fx");
    CHECK(sources->file(1).path == "registry:p@1");
    CHECK(sources->file(2).path == "registry:p@2");
    Diagnostics diags;
    auto loaded = PolicyLibrary::fromSources(sources, diags);
    REQUIRE_MESSAGE(loaded, diags.render(*sources));
    nlohmann::json facts = {{"bmi", 31}};
    auto before = std::get<Decision>(loaded->decide({"p", &facts, std::string("2026-03-31")}));
    auto after = std::get<Decision>(loaded->decide({"p", &facts, std::string("2026-04-01")}));
    CHECK(before.outcome == Outcome::NotEligible);
    CHECK(after.outcome == Outcome::Eligible);
    CHECK(before.reasons.at(0).at == "registry:p@1:9:15");
}

TEST_CASE("bad registry files get clear errors") {
    TempDb db;
    CHECK_THROWS_WITH_AS(PolicyRegistry(db.path, false),
                         (db.path + ": no such registry (publish to it first: cpe publish PATH --db " + db.path + ")").c_str(),
                         RegistryError);
    {
        std::ofstream f(db.path);
        f << "this is not a database, just some text that is long enough to have a header of a hundred bytes or so....";
    }
    CHECK_THROWS_AS(PolicyRegistry(db.path, true), RegistryError);
    std::filesystem::remove(db.path);
    {
        Database other(db.path, Database::Mode::ReadWriteCreate);
        other.exec("CREATE TABLE decisions (id INTEGER)");
    }
    CHECK_THROWS_WITH_AS(PolicyRegistry(db.path, true), (db.path + ": an SQLite database, but not a cpe policy registry").c_str(),
                         RegistryError);
}
