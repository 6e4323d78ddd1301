#include "engine/registry/registry.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "engine/base/sha256.h"
#include "engine/registry/canonical.h"

namespace cpe::registry {
namespace {

// 'CPER' in the SQLite header marks the file as ours; user_version is the schema.
constexpr std::int64_t kApplicationId = 0x43504552;
constexpr std::int64_t kSchemaVersion = 1;

const char* kSchema = R"sql(
CREATE TABLE policy_versions (
    id            TEXT NOT NULL,
    version       TEXT NOT NULL,
    effective     TEXT NOT NULL,
    until         TEXT,
    title         TEXT NOT NULL,
    variant_of    TEXT,
    content_hash  TEXT NOT NULL,   -- sha256 of source_text
    source_text   TEXT NOT NULL,   -- canonical text (cpe fmt) of the policy alone
    source_path   TEXT NOT NULL,   -- the file it was published from
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL,   -- UTC, YYYY-MM-DDTHH:MM:SSZ
    PRIMARY KEY (id, version)
);
CREATE TABLE modules (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    source_text   TEXT NOT NULL,
    source_path   TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL
);
CREATE INDEX modules_by_name ON modules (name, seq);
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,   -- policy | module
    id            TEXT NOT NULL,
    version       TEXT,
    action        TEXT NOT NULL,   -- published | end_date_set | updated
    content_hash  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL
);
CREATE INDEX events_by_id ON events (id, seq);
)sql";

const char* kVersionColumns =
    "id, version, effective, until, title, variant_of, content_hash, source_text, source_path, published_by, published_at";

PublishedVersion readVersion(const Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
            s.text(6), s.text(7), s.text(8), s.text(9), s.text(10)};
}

std::int64_t pragma(Database& db, const char* name) {
    Statement s = db.prepare(std::string("PRAGMA ") + name);
    return s.step() ? s.integer(0) : 0;
}

std::vector<PublishedVersion> queryVersions(Database& db, const std::string& where, const std::string& arg) {
    Statement s = db.prepare(std::string("SELECT ") + kVersionColumns + " FROM policy_versions " + where +
                             " ORDER BY id, effective, version");
    if (!arg.empty()) s.bind(1, arg);
    std::vector<PublishedVersion> out;
    while (s.step()) out.push_back(readVersion(s));
    return out;
}

std::vector<PublishedModule> queryLatestModules(Database& db) {
    Statement s = db.prepare(
        "SELECT name, content_hash, source_text, source_path, published_by, published_at FROM modules m "
        "WHERE seq = (SELECT MAX(seq) FROM modules WHERE name = m.name) ORDER BY name");
    std::vector<PublishedModule> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
    return out;
}

std::shared_ptr<SourceSet> sourcesOf(Database& db) {
    auto sources = std::make_shared<SourceSet>();
    for (const PublishedModule& m : queryLatestModules(db)) sources->add("registry:module " + m.name, m.sourceText);
    for (const PublishedVersion& v : queryVersions(db, "", "")) sources->add("registry:" + v.id + "@" + v.version, v.sourceText);
    return sources;
}

// "line 12: - old text / + new text", for a refusal that shows what differs.
std::string firstDifference(const std::string& before, const std::string& after) {
    std::istringstream a(before), b(after);
    std::string la, lb;
    for (int line = 1;; ++line) {
        bool ga = static_cast<bool>(std::getline(a, la));
        bool gb = static_cast<bool>(std::getline(b, lb));
        if (!ga && !gb) return "";
        if (!ga) la = "(end of text)";
        if (!gb) lb = "(end of text)";
        if (la != lb || !ga || !gb)
            return "first difference at line " + std::to_string(line) + " of the policy:\n      published: " + la +
                   "\n      now:       " + lb;
    }
}

void logEvent(Database& db, const std::string& kind, const std::string& id, const std::string& version, const std::string& action,
              const std::string& hash, const std::string& by, const std::string& at) {
    db.prepare(
          "INSERT INTO events (kind, id, version, action, content_hash, published_by, published_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, kind)
        .bind(2, id)
        .bindOptional(3, version)
        .bind(4, action)
        .bind(5, hash)
        .bind(6, by)
        .bind(7, at)
        .step();
}

std::string shortHash(const std::string& h) { return h.substr(0, 12); }

}  // namespace

const char* actionName(Action a) {
    switch (a) {
        case Action::Published: return "published";
        case Action::Unchanged: return "unchanged";
        case Action::EndDateSet: return "end date set";
        case Action::Refused: return "refused";
    }
    return "?";
}

bool PublishResult::refused() const {
    return !libraryErrors.empty() ||
           std::any_of(items.begin(), items.end(), [](const PublishItem& i) { return i.action == Action::Refused; });
}

std::string utcNow() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

namespace {
// Reading a registry that is not there is an error, not an empty new file.
std::string existingUnless(bool create, const std::string& path) {
    std::error_code ec;
    if (!create && !std::filesystem::exists(path, ec))
        throw RegistryError(path + ": no such registry (publish to it first: cpe publish PATH --db " + path + ")");
    return path;
}
}  // namespace

PolicyRegistry::PolicyRegistry(const std::string& path, bool create)
    : db_(existingUnless(create, path), create ? Database::Mode::ReadWriteCreate : Database::Mode::ReadOnly) {
    ensureSchema(create);
}

void PolicyRegistry::ensureSchema(bool create) {
    std::int64_t app = pragma(db_, "application_id");
    std::int64_t tables = 0;
    {
        Statement s = db_.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
        if (s.step()) tables = s.integer(0);
    }
    if (app == 0 && tables == 0) {
        if (!create) throw RegistryError(db_.path() + ": empty file, not a cpe policy registry");
        Transaction tx(db_);
        db_.exec(kSchema);
        db_.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db_.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
        tx.commit();
        return;
    }
    if (app != kApplicationId) throw RegistryError(db_.path() + ": an SQLite database, but not a cpe policy registry");
    if (std::int64_t v = pragma(db_, "user_version"); v != kSchemaVersion)
        throw RegistryError(db_.path() + ": registry schema version " + std::to_string(v) + ", but this cpe reads version " +
                            std::to_string(kSchemaVersion));
}

PublishResult PolicyRegistry::publish(const PolicyLibrary& lib, const std::string& by, const std::string& at) {
    PublishResult result;
    Transaction tx(db_);
    for (const UnitText& u : unitTexts(lib.checked())) {
        PublishItem item;
        item.kind = u.policy ? "policy" : "module";
        item.id = u.unit->id;
        item.location = u.location;
        item.contentHash = sha256Hex(u.text);
        const std::string& path = lib.sources().file(u.unit->span.file).path;
        if (!u.policy) {
            auto latest = queryLatestModules(db_);
            auto it = std::find_if(latest.begin(), latest.end(), [&](auto& m) { return m.name == item.id; });
            if (it != latest.end() && it->contentHash == item.contentHash) {
                item.action = Action::Unchanged;
            } else {
                db_.prepare(
                       "INSERT INTO modules (name, content_hash, source_text, source_path, published_by, published_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(1, item.id)
                    .bind(2, item.contentHash)
                    .bind(3, u.text)
                    .bind(4, path)
                    .bind(5, by)
                    .bind(6, at)
                    .step();
                logEvent(db_, "module", item.id, "", it == latest.end() ? "published" : "updated", item.contentHash, by, at);
                item.action = Action::Published;
                if (it != latest.end()) item.message = "module text changed since " + it->publishedAt;
            }
            result.items.push_back(std::move(item));
            continue;
        }
        const PolicyModel& p = *u.policy;
        item.version = p.version;
        item.effective = p.effective;
        item.until = p.until;
        Statement find =
            db_.prepare(std::string("SELECT ") + kVersionColumns + " FROM policy_versions WHERE id = ? AND version = ?");
        find.bind(1, p.id).bind(2, p.version);
        if (!find.step()) {
            db_.prepare(std::string("INSERT INTO policy_versions (") + kVersionColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(1, p.id)
                .bind(2, p.version)
                .bind(3, p.effective)
                .bindOptional(4, p.until)
                .bind(5, p.title)
                .bindOptional(6, p.variantOf)
                .bind(7, item.contentHash)
                .bind(8, u.text)
                .bind(9, path)
                .bind(10, by)
                .bind(11, at)
                .step();
            logEvent(db_, "policy", p.id, p.version, "published", item.contentHash, by, at);
            item.action = Action::Published;
        } else {
            PublishedVersion stored = readVersion(find);
            if (stored.contentHash == item.contentHash) {
                item.action = Action::Unchanged;
            } else if (stored.until.empty() && !p.until.empty() && withoutEndDate(u.text) == stored.sourceText) {
                db_.prepare(
                       "UPDATE policy_versions SET until = ?, content_hash = ?, source_text = ? "
                       "WHERE id = ? AND version = ?")
                    .bind(1, p.until)
                    .bind(2, item.contentHash)
                    .bind(3, u.text)
                    .bind(4, p.id)
                    .bind(5, p.version)
                    .step();
                logEvent(db_, "policy", p.id, p.version, "end_date_set", item.contentHash, by, at);
                item.action = Action::EndDateSet;
                item.message = "in force until " + p.until;
            } else {
                item.action = Action::Refused;
                item.message = p.id + " version " + p.version + " is already published with different text (sha256 " +
                               shortHash(stored.contentHash) + ", by " + stored.publishedBy + " at " + stored.publishedAt +
                               "); a published version is frozen, so publish the change under a new version\n    " +
                               firstDifference(stored.sourceText, u.text);
            }
        }
        result.items.push_back(std::move(item));
    }
    if (result.refused()) return result;  // rolled back

    // The registry as it would be after this publish must still check.
    Diagnostics diags;
    auto sources = sourcesOf(db_);
    auto combined = PolicyLibrary::fromSources(sources, diags);
    if (!combined) {
        result.libraryErrors = diags.render(*sources);
        return result;
    }
    tx.commit();
    return result;
}

std::vector<std::string> PolicyRegistry::policyIds() {
    Statement s = db_.prepare("SELECT DISTINCT id FROM policy_versions ORDER BY id");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

std::vector<PublishedVersion> PolicyRegistry::versions(const std::string& id) { return queryVersions(db_, "WHERE id = ?", id); }

std::vector<PublishedVersion> PolicyRegistry::allVersions() { return queryVersions(db_, "", ""); }

std::vector<PublishedModule> PolicyRegistry::latestModules() { return queryLatestModules(db_); }

std::vector<Event> PolicyRegistry::events(const std::string& id) {
    Statement s = db_.prepare(
        "SELECT seq, kind, id, version, action, content_hash, published_by, published_at FROM events WHERE id = ? ORDER BY seq");
    s.bind(1, id);
    std::vector<Event> out;
    while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)});
    return out;
}

std::shared_ptr<SourceSet> PolicyRegistry::sources() { return sourcesOf(db_); }

std::shared_ptr<SourceSet> registrySources(const std::string& dbPath) { return PolicyRegistry(dbPath, false).sources(); }

}  // namespace cpe::registry
