#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <sqlite3.h>

namespace cpe::server::e2e {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cpe-serve-e2e-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

namespace {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string("set ") + name + " (ctest does)");
    return v;
}

std::vector<char*> argvOf(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return argv;
}
}  // namespace

std::string cpeBinary() { return env("CPE_BIN"); }
std::string fixturePolicies() { return env("CPE_SERVER_TEST_POLICIES"); }

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

ServerProcess::ServerProcess(const TempDir& dir, std::vector<std::string> args, Launch launch) : dir_(dir) {
    std::vector<std::string> full{cpeBinary(),           "serve", "--port", "0", "--db", dir.file("log.db"), "--access-log",
                                  dir.file("access.log")};
    full.insert(full.end(), args.begin(), args.end());
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        dup2(out[1], STDOUT_FILENO);
        int err = open(dir.file("stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err >= 0) dup2(err, STDERR_FILENO);
        close(out[0]);
        if (launch.fileSizeLimit > 0) {
            // Writes past the limit fail with EFBIG (SIGXFSZ ignored, as
            // the server does too), as on a full disk.
            ::signal(SIGXFSZ, SIG_IGN);
            rlimit limit{static_cast<rlim_t>(launch.fileSizeLimit), static_cast<rlim_t>(launch.fileSizeLimit)};
            if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(125);
        }
        if (launch.fdSoft > 0) {
            rlimit limit{static_cast<rlim_t>(launch.fdSoft), static_cast<rlim_t>(launch.fdHard)};
            if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(124);
        }
        // The salt file and anything else the server writes land in the temp folder.
        if (chdir(dir.path().c_str()) != 0) _exit(126);
        auto argv = argvOf(full);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    // The server prints one line when it listens: "... http://127.0.0.1:PORT".
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{out[0], POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char buf[256];
        ssize_t n = read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    auto colon = line.rfind(':');
    if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
        int code = wait(std::chrono::milliseconds(2000));
        throw std::runtime_error("cpe serve did not start (exit " + std::to_string(code) + "):\n" + stderrText());
    }
    port_ = std::stoi(line.substr(colon + 1));
}

ServerProcess::~ServerProcess() {
    if (!exited_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

void ServerProcess::signal(int sig) const { kill(pid_, sig); }

int ServerProcess::wait(std::chrono::milliseconds timeout) {
    if (exited_) return status_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return status_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return -1;
}

std::string runCpe(const std::vector<std::string>& args, int& code) {
    std::vector<std::string> full{cpeBinary()};
    full.insert(full.end(), args.begin(), args.end());
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        auto argv = argvOf(full);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return text;
}

long long countDecisionRows(const std::string& db, const std::string& where) {
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(h);
        return -1;
    }
    std::string sql = "SELECT count(*) FROM decisions" + (where.empty() ? "" : " WHERE " + where);
    sqlite3_stmt* stmt = nullptr;
    long long n = -1;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(h);
    return n;
}

std::vector<std::string> loggedDecisionIds(const std::string& db) {
    std::vector<std::string> ids;
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(h);
        throw std::runtime_error("cannot open " + db);
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT decision_id FROM decisions", -1, &stmt, nullptr) == SQLITE_OK)
        while (sqlite3_step(stmt) == SQLITE_ROW) ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    sqlite3_close(h);
    return ids;
}

}  // namespace cpe::server::e2e
