#pragma once
// What the server knows: the open documents and the policy libraries they
// belong to, each re-checked when one of its files changes. Handlers ask it
// for "the document at this URI, in its freshly checked library".
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/documents.h"
#include "lsp/library.h"

namespace cpe::lsp {

// JSON-RPC error codes the server answers with.
namespace errc {
inline constexpr int ParseError = -32700;
inline constexpr int InvalidRequest = -32600;
inline constexpr int MethodNotFound = -32601;
inline constexpr int InvalidParams = -32602;
inline constexpr int InternalError = -32603;
inline constexpr int ServerNotInitialized = -32002;
inline constexpr int RequestFailed = -32803;
}  // namespace errc

// Thrown by a handler: answered as a JSON-RPC error, never a crash.
struct RequestError : std::runtime_error {
    RequestError(int c, const std::string& message) : std::runtime_error(message), code(c) {}
    int code;
};

// A document position resolved against its library's analysis.
struct Located {
    const Document* doc = nullptr;
    Library* library = nullptr;
    const Analysis* analysis = nullptr;
    uint32_t file = 0;  // in analysis->checked->sources; UINT32_MAX when the file is not in it
    uint32_t line = 0;  // 1-based
    uint32_t col = 0;   // 1-based, code points (the engine's columns)
    size_t offset = 0;  // byte offset of the position in doc->text
};

class Workspace {
public:
    std::string root;                       // the workspace folder ("" when none)
    std::vector<std::string> libraryRoots;  // initializationOptions.libraryRoots
    Documents docs;
    // Notifications a handler wants sent after its response (test results, messages).
    std::vector<nlohmann::json> outbox;

    Library& libraryFor(const std::string& path);
    // Marks the library holding `path` for a re-check; `open`: a document was
    // opened there, so its library is made when there is none yet.
    void markChanged(const std::string& path, bool open = false);
    // Re-checks every library with changes since its last check; returns every
    // library checked since the last call (their diagnostics are to be sent).
    std::vector<Library*> refresh();
    // The open document `textDocument.uri` of `params` (and `position`, when
    // present, or required by `needPosition`), in its library as checked now.
    // Throws RequestError.
    Located locate(const nlohmann::json& params, bool needPosition = false);

    // The engine span of `s` in the analysed library, as an LSP Location.
    nlohmann::json location(const Analysis& a, const Span& s) const;

private:
    std::map<std::string, std::unique_ptr<Library>> libraries_;
    std::set<Library*> dirty_;
    std::set<Library*> unpublished_;  // checked by locate(), diagnostics not yet sent
};

}  // namespace cpe::lsp
