#pragma once
// The policy registry: an SQLite file (or a PostgreSQL database, given a
// connection string: engine/storage/postgres.h) recording every published policy
// version (id, version, effective dates, content hash, canonical source text,
// who published it and when) and the modules they use. A published version is
// frozen: republishing the same id and version with other text is refused; the
// one change allowed is giving an open-ended version its end date, which is
// what publishing its successor needs (and is logged as such).
//
// The registry always holds a library that checks: a publish that would
// leave it with errors (say, a new version overlapping one published earlier)
// is refused whole.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/library/policy_library.h"
#include "engine/source/source_set.h"
#include "engine/storage/sql_session.h"
#include "engine/storage/sqlite.h"

namespace cpe::registry {

// Everything that goes wrong with a registry, SQLite's and PostgreSQL's own
// errors included, names the file or database.
using RegistryError = storage::Error;
using Session = storage::SqlSession;
using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

struct PublishedVersion {
    std::string id, version, effective, until, title, variantOf;
    std::string contentHash, sourceText, sourcePath, publishedBy, publishedAt;
};

struct PublishedModule {
    std::string name, contentHash, sourceText, sourcePath, publishedBy, publishedAt;
};

// One line of the registry's log: what happened to which version, by whom.
struct Event {
    std::int64_t seq = 0;
    std::string kind;  // policy | module
    std::string id, version;
    std::string action;  // published | end_date_set | updated (modules)
    std::string contentHash, by, at;
};

enum class Action { Published, Unchanged, EndDateSet, Refused };
const char* actionName(Action a);

struct PublishItem {
    Action action = Action::Unchanged;
    std::string kind;  // policy | module
    std::string id, version, effective, until, contentHash;
    std::string location;  // where it is declared in the files being published
    std::string message;   // why it was refused, or what changed
};

struct PublishResult {
    std::vector<PublishItem> items;
    std::string libraryErrors;  // rendered diagnostics when the combined library would not check
    bool refused() const;
};

class PolicyRegistry {
public:
    // Opens (and with `create`, creates) the registry at `path`, a file or a
    // PostgreSQL connection string. Throws RegistryError naming it when it is
    // missing, unreadable, or a database that is not a cpe registry.
    PolicyRegistry(const std::string& path, bool create);
    ~PolicyRegistry();

    // Records every policy version and module of `lib` (which must have
    // checked without errors). All or nothing: when any item is refused, or
    // the registry's library would no longer check, nothing is written.
    PublishResult publish(const PolicyLibrary& lib, const std::string& by, const std::string& at);

    std::vector<std::string> policyIds();
    std::vector<PublishedVersion> versions(const std::string& id);  // oldest first
    std::vector<PublishedVersion> allVersions();                    // by id, then effective date
    std::vector<PublishedModule> latestModules();                   // by name
    std::vector<Event> events(const std::string& id);               // oldest first
    // The registry's library as in-memory files (see registrySources).
    std::shared_ptr<SourceSet> sources();

    const std::string& path() const;  // for messages (a PostgreSQL password left out)

private:
    void ensureSchema(bool create);
    void ensurePostgresSchema(bool create);
    std::unique_ptr<Session> db_;
};

// The registry's library as in-memory files, ready for
// PolicyLibrary::fromSources: the latest text of every module, then every
// published policy version, oldest first. File names read
// "registry:ID@VERSION" (and "registry:module NAME"), so reasons point at the
// stored text (`cpe history ID --db FILE --text VERSION` prints it).
// Throws RegistryError naming the file when it cannot be read.
std::shared_ptr<SourceSet> registrySources(const std::string& dbPath);

// The current time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utcNow();

}  // namespace cpe::registry
