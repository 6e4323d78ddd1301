#include "engine/registry/registry.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <tuple>

#include "engine/base/sha256.h"
#include "engine/registry/canonical.h"
#include "engine/storage/postgres.h"

namespace cpe::registry {
namespace {

// 'CPER' in the SQLite header marks the file as ours; user_version is the schema.
constexpr std::int64_t kApplicationId = 0x43504552;
constexpr std::int64_t kSchemaVersion = 1;

// One schema for both stores (storage::schemaFor says what {key} and {seq} become).
const char* kSchema = R"sql(
CREATE TABLE policy_versions (
    id            {key} NOT NULL,
    version       {key} NOT NULL,
    effective     {key} NOT NULL,
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
    seq           {seq},
    name          {key} NOT NULL,
    content_hash  TEXT NOT NULL,
    source_text   TEXT NOT NULL,
    source_path   TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL
);
CREATE INDEX modules_by_name ON modules (name, seq);
CREATE TABLE events (
    seq           {seq},
    kind          TEXT NOT NULL,   -- policy | module
    id            {key} NOT NULL,
    version       TEXT,
    action        TEXT NOT NULL,   -- published | end_date_set | updated
    content_hash  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL
);
CREATE INDEX events_by_id ON events (id, seq);
)sql";

// PostgreSQL has no application_id or user_version: this table says the
// database is a registry, and which schema it holds.
const char* kPostgresMeta = R"sql(
CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO registry_meta (key, value) VALUES ('application', 'cpe policy registry'), ('schema_version', '1');
)sql";

// The advisory lock PostgreSQL publishes take (SqlSession::beginWrite).
const char* kWriteLock = "cpe policy registry";

const char* kVersionColumns =
    "id, version, effective, until, title, variant_of, content_hash, source_text, source_path, published_by, published_at";

using Row = storage::SqlSession::Row;
using Value = storage::SqlSession::Value;

std::string text(const Value& v) { return v.value_or(""); }
// "" is stored as NULL (an open end date, no variant).
Value optional(const std::string& s) { return s.empty() ? Value() : Value(s); }

PublishedVersion readVersion(const Row& r) {
    return {text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]),
            text(r[6]), text(r[7]), text(r[8]), text(r[9]), text(r[10])};
}

std::int64_t pragma(Session& db, const char* name) {
    auto rows = db.query(std::string("PRAGMA ") + name);
    return rows.empty() ? 0 : std::stoll(text(rows[0][0]));
}

std::vector<PublishedVersion> queryVersions(Session& db, const std::string& where, const std::string& arg) {
    auto rows =
        db.query(std::string("SELECT ") + kVersionColumns + " FROM policy_versions " + where + " ORDER BY id, effective, version",
                 arg.empty() ? std::vector<Value>{} : std::vector<Value>{arg});
    std::vector<PublishedVersion> out;
    for (const Row& r : rows) out.push_back(readVersion(r));
    return out;
}

std::vector<PublishedModule> queryLatestModules(Session& db) {
    auto rows = db.query(
        "SELECT name, content_hash, source_text, source_path, published_by, published_at FROM modules m "
        "WHERE seq = (SELECT MAX(seq) FROM modules WHERE name = m.name) ORDER BY name");
    std::vector<PublishedModule> out;
    for (const Row& r : rows) out.push_back({text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5])});
    return out;
}

std::shared_ptr<SourceSet> sourcesOf(Session& db) {
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

void logEvent(Session& db, const std::string& kind, const std::string& id, const std::string& version, const std::string& action,
              const std::string& hash, const std::string& by, const std::string& at) {
    db.query(
        "INSERT INTO events (kind, id, version, action, content_hash, published_by, published_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {kind, id, optional(version), action, hash, by, at});
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

namespace {
std::unique_ptr<Session> openStore(const std::string& path, bool create) {
    if (pg::isConnectionString(path)) return storage::postgresSession(path, "cpe registry");
    return storage::sqliteFileSession(existingUnless(create, path), create);
}
}  // namespace

PolicyRegistry::PolicyRegistry(const std::string& path, bool create) : db_(openStore(path, create)) { ensureSchema(create); }

PolicyRegistry::~PolicyRegistry() = default;

const std::string& PolicyRegistry::path() const { return db_->name(); }

void PolicyRegistry::ensureSchema(bool create) {
    if (db_->dialect() == storage::Dialect::Postgres) return ensurePostgresSchema(create);
    std::int64_t app = pragma(*db_, "application_id");
    std::int64_t tables = std::stoll(text(db_->query("SELECT count(*) FROM sqlite_master WHERE type = 'table'")[0][0]));
    if (app == 0 && tables == 0) {
        if (!create) throw RegistryError(path() + ": empty file, not a cpe policy registry");
        storage::WriteTransaction tx(*db_, kWriteLock);
        db_->exec(storage::schemaFor(kSchema, storage::Dialect::Sqlite));
        db_->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db_->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
        tx.commit();
        return;
    }
    if (app != kApplicationId) throw RegistryError(path() + ": an SQLite database, but not a cpe policy registry");
    if (std::int64_t v = pragma(*db_, "user_version"); v != kSchemaVersion)
        throw RegistryError(path() + ": registry schema version " + std::to_string(v) + ", but this cpe reads version " +
                            std::to_string(kSchemaVersion));
}

void PolicyRegistry::ensurePostgresSchema(bool create) {
    auto tables = [&] {
        Row r = db_->query("SELECT to_regclass('registry_meta') IS NOT NULL, to_regclass('policy_versions') IS NOT NULL")[0];
        return std::pair{text(r[0]) == "t", text(r[1]) == "t"};
    };
    auto [meta, versions] = tables();
    if (!meta && !versions) {
        if (!create)
            throw RegistryError(path() + ": no registry in this database (publish to it first: cpe publish PATH --db ...)");
        storage::WriteTransaction tx(*db_, kWriteLock);
        std::tie(meta, versions) = tables();  // another publish may have made it meanwhile
        if (!meta && !versions) {
            db_->exec(storage::schemaFor(kSchema, storage::Dialect::Postgres));
            db_->exec(kPostgresMeta);
        }
        tx.commit();
        std::tie(meta, versions) = tables();
    }
    if (!meta)
        throw RegistryError(path() + ": a PostgreSQL database with a policy_versions table, but not a cpe policy registry");
    auto rows = db_->query("SELECT value FROM registry_meta WHERE key = 'schema_version'");
    const std::string v = rows.empty() ? "?" : text(rows[0][0]);
    if (v != std::to_string(kSchemaVersion))
        throw RegistryError(path() + ": registry schema version " + v + ", but this cpe reads version " +
                            std::to_string(kSchemaVersion));
}

PublishResult PolicyRegistry::publish(const PolicyLibrary& lib, const std::string& by, const std::string& at) {
    PublishResult result;
    storage::WriteTransaction tx(*db_, kWriteLock);
    for (const UnitText& u : unitTexts(lib.checked())) {
        PublishItem item;
        item.kind = u.policy ? "policy" : "module";
        item.id = u.unit->id;
        item.location = u.location;
        item.contentHash = sha256Hex(u.text);
        const std::string& path = lib.sources().file(u.unit->span.file).path;
        if (!u.policy) {
            auto latest = queryLatestModules(*db_);
            auto it = std::find_if(latest.begin(), latest.end(), [&](auto& m) { return m.name == item.id; });
            if (it != latest.end() && it->contentHash == item.contentHash) {
                item.action = Action::Unchanged;
            } else {
                db_->query(
                    "INSERT INTO modules (name, content_hash, source_text, source_path, published_by, published_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6)",
                    {item.id, item.contentHash, u.text, path, by, at});
                logEvent(*db_, "module", item.id, "", it == latest.end() ? "published" : "updated", item.contentHash, by, at);
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
        auto found = db_->query(std::string("SELECT ") + kVersionColumns + " FROM policy_versions WHERE id = $1 AND version = $2",
                                {p.id, p.version});
        if (found.empty()) {
            db_->query(std::string("INSERT INTO policy_versions (") + kVersionColumns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                       {p.id, p.version, p.effective, optional(p.until), p.title, optional(p.variantOf), item.contentHash, u.text,
                        path, by, at});
            logEvent(*db_, "policy", p.id, p.version, "published", item.contentHash, by, at);
            item.action = Action::Published;
        } else {
            PublishedVersion stored = readVersion(found[0]);
            if (stored.contentHash == item.contentHash) {
                item.action = Action::Unchanged;
            } else if (stored.until.empty() && !p.until.empty() && withoutEndDate(u.text) == stored.sourceText) {
                db_->query(
                    "UPDATE policy_versions SET until = $1, content_hash = $2, source_text = $3 "
                    "WHERE id = $4 AND version = $5",
                    {p.until, item.contentHash, u.text, p.id, p.version});
                logEvent(*db_, "policy", p.id, p.version, "end_date_set", item.contentHash, by, at);
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
    auto sources = sourcesOf(*db_);
    auto combined = PolicyLibrary::fromSources(sources, diags);
    if (!combined) {
        result.libraryErrors = diags.render(*sources);
        return result;
    }
    tx.commit();
    return result;
}

std::vector<std::string> PolicyRegistry::policyIds() {
    std::vector<std::string> out;
    for (const Row& r : db_->query("SELECT DISTINCT id FROM policy_versions ORDER BY id")) out.push_back(text(r[0]));
    return out;
}

std::vector<PublishedVersion> PolicyRegistry::versions(const std::string& id) { return queryVersions(*db_, "WHERE id = $1", id); }

std::vector<PublishedVersion> PolicyRegistry::allVersions() { return queryVersions(*db_, "", ""); }

std::vector<PublishedModule> PolicyRegistry::latestModules() { return queryLatestModules(*db_); }

std::vector<Event> PolicyRegistry::events(const std::string& id) {
    auto rows = db_->query(
        "SELECT seq, kind, id, version, action, content_hash, published_by, published_at FROM events WHERE id = $1 ORDER BY seq",
        {id});
    std::vector<Event> out;
    for (const Row& r : rows)
        out.push_back(
            {std::stoll(text(r[0])), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]), text(r[6]), text(r[7])});
    return out;
}

std::shared_ptr<SourceSet> PolicyRegistry::sources() { return sourcesOf(*db_); }

std::shared_ptr<SourceSet> registrySources(const std::string& dbPath) { return PolicyRegistry(dbPath, false).sources(); }

}  // namespace cpe::registry
