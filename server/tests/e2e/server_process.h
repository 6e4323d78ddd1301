#pragma once
// Runs the real `cpe serve` (the binary under test, $CPE_BIN) as a child
// process on a free loopback port, in a temporary folder of its own.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace cpe::server::e2e {

// A fresh folder, removed at scope end.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::string cpeBinary();        // $CPE_BIN
std::string fixturePolicies();  // $CPE_SERVER_TEST_POLICIES
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& text);

// How the child is started, beyond its arguments.
struct Launch {
    long long fileSizeLimit = 0;       // > 0: RLIMIT_FSIZE in bytes (a "full disk" for every file it writes)
    long long fdSoft = 0, fdHard = 0;  // > 0: RLIMIT_NOFILE
};

class ServerProcess {
public:
    // Starts `cpe serve --port 0 --db DIR/log.db --access-log DIR/access.log
    // <args>` and waits for its "listening" line.
    ServerProcess(const TempDir& dir, std::vector<std::string> args, Launch launch = {});
    ~ServerProcess();  // kills the server if the test did not stop it
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    int port() const { return port_; }
    int pid() const { return pid_; }
    std::string db() const { return dir_.file("log.db"); }
    std::string accessLog() const { return dir_.file("access.log"); }
    std::string stderrText() const { return readFile(dir_.file("stderr.log")); }
    void signal(int sig) const;
    // The exit status, or -1 when the server has not exited within `timeout`.
    int wait(std::chrono::milliseconds timeout);

private:
    const TempDir& dir_;
    int pid_ = -1;
    int port_ = 0;
    bool exited_ = false;
    int status_ = -1;
};

// Runs `cpe <args>` to completion; returns its stdout, and its exit code in `code`.
std::string runCpe(const std::vector<std::string>& args, int& code);

// Rows in the decision log's `decisions` table (opened read-only).
long long countDecisionRows(const std::string& db, const std::string& where = "");
// Every decision_id in the decision log.
std::vector<std::string> loggedDecisionIds(const std::string& db);

}  // namespace cpe::server::e2e
