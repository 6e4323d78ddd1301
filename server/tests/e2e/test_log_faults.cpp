// The decision log under faults: a decision is answered only once it is
// committed, so whatever happens to the process or the disk, every
// X-Decision-Id a client received is in the log; while the log cannot be
// written, decisions get 503 decision_log_unavailable with Retry-After,
// /healthz stays up, /readyz says not ready, and service resumes by itself.
#include <sys/mount.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using namespace std::chrono_literals;

namespace {

// Keep-alive clients posting decisions one after another, keeping every
// X-Decision-Id answered with 200 and checking every 503 is the contract's.
class Load {
public:
    Load(int port, int clients) {
        for (int c = 0; c < clients; ++c) threads_.emplace_back([this, port, c] { client(port, c); });
    }
    ~Load() { stop(); }

    void stop() {
        stop_.store(true);
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }
    long long answered() const { return answered_.load(); }
    long long refused() const { return refused_.load(); }
    long long malformedRefusals() const { return malformed_.load(); }
    long long unexpected() const { return unexpected_.load(); }
    std::vector<std::string> ids() {
        std::lock_guard lock(mutex_);
        return ids_;
    }

private:
    void client(int port, int c) {
        httplib::Client http("127.0.0.1", port);
        http.set_keep_alive(true);
        http.set_tcp_nodelay(true);
        http.set_connection_timeout(2);
        http.set_read_timeout(20);
        const std::string body = decideBody("fixture.threshold", {{"score", 5 + c}});
        std::vector<std::string> mine;
        while (!stop_.load()) {
            auto r = http.Post("/v1/decisions", body, "application/json");
            if (!r) {  // the server is gone (killed) or not accepting
                std::this_thread::sleep_for(20ms);
                continue;
            }
            if (r->status == 200) {
                mine.push_back(r->get_header_value("X-Decision-Id"));
                answered_.fetch_add(1);
            } else if (r->status == 503) {
                Response resp;
                resp.body = r->body;
                if (!resp.isError("decision_log_unavailable") || r->get_header_value("Retry-After").empty() ||
                    r->has_header("X-Decision-Id"))
                    malformed_.fetch_add(1);
                refused_.fetch_add(1);
                std::this_thread::sleep_for(5ms);
            } else {
                unexpected_.fetch_add(1);
            }
            if (mine.size() >= 64 || stop_.load()) {
                std::lock_guard lock(mutex_);
                ids_.insert(ids_.end(), mine.begin(), mine.end());
                mine.clear();
            }
        }
        std::lock_guard lock(mutex_);
        ids_.insert(ids_.end(), mine.begin(), mine.end());
    }

    std::vector<std::thread> threads_;
    std::atomic<bool> stop_{false};
    std::atomic<long long> answered_{0}, refused_{0}, malformed_{0}, unexpected_{0};
    std::mutex mutex_;
    std::vector<std::string> ids_;
};

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// The answered ids missing from the log.
std::vector<std::string> missingFromLog(const std::vector<std::string>& answered, const std::string& db) {
    std::vector<std::string> logged = loggedDecisionIds(db);
    std::set<std::string> inLog(logged.begin(), logged.end());
    std::vector<std::string> missing;
    for (const std::string& id : answered)
        if (!inLog.count(id)) missing.push_back(id);
    return missing;
}

long long metric(int port, const std::string& name) {
    std::string text = get(port, "/metrics").body;
    auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(text.substr(at + name.size() + 2));
}

const std::string kDecision = decideBody("fixture.threshold", {{"score", 8}});

}  // namespace

TEST_CASE("SIGKILL at a random moment under load: every answered decision is in the log") {
    std::random_device seed;
    std::mt19937 rng(seed());
    for (int round = 0; round < 3; ++round) {
        TempDir dir;
        ServerProcess server(dir, {"--policies", fixturePolicies()});
        Load load(server.port(), 8);
        REQUIRE(waitUntil([&] { return load.answered() >= 500; }));
        const int delayMs = std::uniform_int_distribution<int>(0, 700)(rng);
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        server.signal(SIGKILL);
        CHECK(server.wait(10s) == 128 + SIGKILL);
        load.stop();
        const std::vector<std::string> answered = load.ids();
        const std::vector<std::string> missing = missingFromLog(answered, server.db());
        MESSAGE("round " << round << ": killed after " << delayMs << " ms more; " << answered.size() << " decisions answered, "
                         << missing.size() << " of them missing from the log");
        CHECK(answered.size() >= 500);
        CHECK(missing.empty());
        CHECK(load.unexpected() == 0);
    }
}

TEST_CASE("a lock held past the bound: 503 with Retry-After, /healthz answers, /readyz not ready, then recovery") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--log-lock-timeout", "0.3"});
    const int port = server.port();
    REQUIRE(post(port, "/v1/decisions", kDecision).status == 200);
    CHECK(get(port, "/readyz").status == 200);

    Load load(port, 4);
    REQUIRE(waitUntil([&] { return load.answered() >= 100; }));
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(server.db().c_str(), &other) == SQLITE_OK);
    sqlite3_busy_timeout(other, 10000);  // the server commits all the time: wait for a gap
    REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);

    REQUIRE(waitUntil([&] { return load.refused() > 0; }));
    Response refused = post(port, "/v1/decisions", kDecision);
    CHECK(refused.status == 503);
    CHECK(refused.isError("decision_log_unavailable"));
    CHECK(refused.retryAfter == "1");
    CHECK(refused.decisionId.empty());
    CHECK(refused.json()["error"]["field"] == "");
    // Liveness is not readiness: the process answers, the log does not.
    for (int i = 0; i < 20; ++i) {
        CHECK(get(port, "/healthz").status == 200);
        std::this_thread::sleep_for(50ms);
    }
    Response ready = get(port, "/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.retryAfter == "1");
    CHECK(ready.json()["status"] == "not_ready");
    CHECK(metric(port, "cpe_decision_log_ready") == 0);
    CHECK(metric(port, "cpe_decision_log_refusals_total") > 0);

    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    REQUIRE(waitUntil([&] { return get(port, "/readyz").status == 200; }));
    const long long before = load.answered();
    REQUIRE(waitUntil([&] { return load.answered() > before + 100; }));
    CHECK(post(port, "/v1/decisions", kDecision).status == 200);
    CHECK(metric(port, "cpe_decision_log_ready") == 1);
    load.stop();

    CHECK(load.malformedRefusals() == 0);
    CHECK(load.unexpected() == 0);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
    CHECK(missingFromLog(load.ids(), server.db()).empty());
    MESSAGE(load.answered() << " answered, " << load.refused() << " refused while the log was locked");
}

TEST_CASE("the database file deleted mid-run: decisions refused, not ready, exit 3") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    const int port = server.port();
    Load load(port, 4);
    REQUIRE(waitUntil([&] { return load.answered() >= 200; }));
    std::filesystem::remove(server.db());
    REQUIRE(waitUntil([&] { return load.refused() > 0; }));
    load.stop();
    // Nothing is recorded at the deleted file's path, so nothing is answered.
    for (int i = 0; i < 5; ++i) {
        Response r = post(port, "/v1/decisions", kDecision);
        CHECK(r.status == 503);
        CHECK(r.body.find("deleted") != std::string::npos);
    }
    CHECK(get(port, "/healthz").status == 200);
    CHECK(get(port, "/readyz").status == 503);
    CHECK_FALSE(std::filesystem::exists(server.db()));  // no silent new, empty log
    CHECK(load.malformedRefusals() == 0);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 3);
    CHECK(server.stderrText().find("stopped while the decision log could not be written") != std::string::npos);
}

TEST_CASE("a full disk (RLIMIT_FSIZE): 503s, and every answered decision is in the log through SIGTERM") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()}, Launch{256 * 1024});
    const int port = server.port();
    Load load(port, 4);
    REQUIRE(waitUntil([&] { return load.refused() >= 50; }, 60s));
    CHECK(get(port, "/healthz").status == 200);
    CHECK(get(port, "/readyz").status == 503);
    load.stop();
    CHECK(load.malformedRefusals() == 0);
    CHECK(load.unexpected() == 0);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 3);
    const std::vector<std::string> answered = load.ids();
    CHECK(answered.size() > 0);
    CHECK(missingFromLog(answered, server.db()).empty());
    MESSAGE(answered.size() << " answered before the file-size limit, " << load.refused() << " refused after");
}

TEST_CASE("the log and its WAL are created 0600") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    REQUIRE(post(server.port(), "/v1/decisions", kDecision).status == 200);
    for (const std::string& f : {server.db(), server.db() + "-wal", server.db() + "-shm", server.db() + ".salt"}) {
        struct stat st {};
        REQUIRE(::stat(f.c_str(), &st) == 0);
        CHECK_MESSAGE((st.st_mode & 0777) == 0600, f);
    }
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
}

TEST_CASE("--durable power-loss serves and records the same") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--durable", "power-loss"});
    Response r = post(server.port(), "/v1/decisions", kDecision);
    REQUIRE(r.status == 200);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
    CHECK(countDecisionRows(server.db(), "decision_id = '" + r.decisionId + "'") == 1);
}

namespace {

// A small tmpfs over a folder, where mounting is allowed (root); unmounted
// (lazily, so an open file cannot keep it) at scope end.
class SmallFilesystem {
public:
    SmallFilesystem(const std::string& at, const char* size) : at_(at) {
        mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, (std::string("size=") + size + ",mode=0700").c_str()) == 0;
    }
    ~SmallFilesystem() {
        if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }

private:
    std::string at_;
    bool mounted_ = false;
};

// Fills the filesystem at `path` to the last byte.
void fill(const std::string& path) {
    std::ofstream out(path, std::ios::binary);
    const std::string block(4096, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
    out.close();
    std::ofstream tail(path, std::ios::binary | std::ios::app);  // the last partial block
    while (tail.put('x')) {
    }
}

}  // namespace

TEST_CASE("a full disk (tmpfs): 503s while full, served again once space is freed, nothing answered missing") {
    TempDir dir;
    SmallFilesystem fs(dir.path().string(), "8m");
    if (!fs.mounted()) {
        MESSAGE("tmpfs cannot be mounted here (needs root): the RLIMIT_FSIZE test above covers the full disk");
        return;
    }
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    const int port = server.port();
    Load load(port, 4);
    REQUIRE(waitUntil([&] { return load.answered() >= 200; }));
    fill(dir.file("ballast"));
    REQUIRE(waitUntil([&] { return load.refused() >= 20; }, 60s));
    CHECK(get(port, "/healthz").status == 200);
    CHECK(get(port, "/readyz").status == 503);
    std::filesystem::remove(dir.file("ballast"));
    REQUIRE(waitUntil([&] { return get(port, "/readyz").status == 200; }));
    const long long before = load.answered();
    REQUIRE(waitUntil([&] { return load.answered() > before + 200; }));
    load.stop();
    CHECK(load.malformedRefusals() == 0);
    CHECK(load.unexpected() == 0);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
    CHECK(missingFromLog(load.ids(), server.db()).empty());
    MESSAGE(load.answered() << " answered, " << load.refused() << " refused while the disk was full");
}
