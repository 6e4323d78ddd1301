// The pure parts of engine/storage/postgres.h: telling a connection string
// from a file name, keeping passwords out of messages, COPY's text escaping.
#include <doctest/doctest.h>

#include "engine/storage/postgres.h"

using cpe::pg::appendCopyText;
using cpe::pg::isConnectionString;
using cpe::pg::redacted;

TEST_CASE("a --db value is a PostgreSQL connection string or a file name") {
    CHECK(isConnectionString("postgresql://cpe@db.example/decisions"));
    CHECK(isConnectionString("postgres://db.example/decisions"));
    CHECK(isConnectionString("postgresql:///postgres?host=/tmp/pg&port=5432"));
    CHECK(isConnectionString("host=/run/postgresql dbname=cpe"));
    CHECK(isConnectionString("dbname=cpe"));
    CHECK(isConnectionString("port=5433 user=cpe"));
    CHECK_FALSE(isConnectionString("cpe-decisions.db"));
    CHECK_FALSE(isConnectionString("/var/lib/cpe/decisions.db"));
    CHECK_FALSE(isConnectionString("postgresql.db"));
    CHECK_FALSE(isConnectionString("logs/ghost=1.db"));  // "host=" inside a word is not a keyword
}

TEST_CASE("passwords are left out of messages") {
    CHECK(redacted("postgresql://cpe:s3cret@db.example:5432/decisions") == "postgresql://cpe:***@db.example:5432/decisions");
    CHECK(redacted("postgres://cpe@db.example/decisions") == "postgres://cpe@db.example/decisions");
    CHECK(redacted("postgresql://db.example/d?user=cpe&password=s3cret&sslmode=require") ==
          "postgresql://db.example/d?user=cpe&password=***&sslmode=require");
    CHECK(redacted("host=db user=cpe password=s3cret dbname=d") == "host=db user=cpe password=*** dbname=d");
    CHECK(redacted("host=db password='s3 cret' dbname=d") == "host=db password=*** dbname=d");
    CHECK(redacted("dbname=d") == "dbname=d");
}

TEST_CASE("COPY text fields escape what would end a field or a row") {
    std::string out;
    appendCopyText(out, "plain [\"a\",\"b\"]");
    CHECK(out == "plain [\"a\",\"b\"]");
    out.clear();
    appendCopyText(out, "tab\there\nnew\rline \\N");
    CHECK(out == "tab\\there\\nnew\\rline \\\\N");
    out.clear();
    appendCopyText(out, "");
    CHECK(out.empty());
    out.clear();
    appendCopyText(out, "é 名");  // UTF-8 bytes pass through
    CHECK(out == "é 名");
}
