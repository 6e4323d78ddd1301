#include "lsp/server.h"

#include <spdlog/spdlog.h>

#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

static nlohmann::json capabilities() {
    return {
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},  // 2: incremental
        {"hoverProvider", true},
        {"definitionProvider", true},
        {"referencesProvider", true},
        {"documentSymbolProvider", true},
        {"documentFormattingProvider", true},
        {"completionProvider", {{"triggerCharacters", {" ", "[", "{", ","}}}},
        {"codeLensProvider", {{"resolveProvider", false}}},
        {"executeCommandProvider", {{"commands", {"cpe.runTests", "cpe.decide"}}}},
        {"semanticTokensProvider",
         {{"legend", {{"tokenTypes", semanticTokenTypes()}, {"tokenModifiers", {"declaration"}}}}, {"full", true}}},
    };
}

static nlohmann::json errorResponse(const nlohmann::json& id, int code, const std::string& message) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

std::vector<nlohmann::json> Server::handle(const std::string& body) {
    std::vector<nlohmann::json> out;
    nlohmann::json msg = nlohmann::json::parse(body, nullptr, false);
    if (msg.is_discarded()) {
        out.push_back(errorResponse(nullptr, errc::ParseError, "the message is not JSON"));
        return out;
    }
    if (!msg.is_object() || !msg.contains("method") || !msg["method"].is_string()) {
        // A response to a request of ours (we send none), or junk.
        if (msg.is_object() && msg.contains("id") && (msg.contains("result") || msg.contains("error"))) return out;
        nlohmann::json id = msg.is_object() && msg.contains("id") ? msg["id"] : nlohmann::json(nullptr);
        out.push_back(errorResponse(id, errc::InvalidRequest, "a request needs a method name"));
        return out;
    }
    std::string method = msg["method"].get<std::string>();
    nlohmann::json params = msg.contains("params") ? msg["params"] : nlohmann::json::object();
    bool isRequest = msg.contains("id");
    nlohmann::json id = isRequest ? msg["id"] : nlohmann::json(nullptr);
    if (isRequest && !id.is_string() && !id.is_number_integer()) {
        out.push_back(errorResponse(nullptr, errc::InvalidRequest, "a request id must be a number or a string"));
        return out;
    }
    ws_.outbox.clear();
    try {
        if (!isRequest) {
            notification(method, params);
            return out;
        }
        if (!initialized_ && method != "initialize") {
            out.push_back(errorResponse(id, errc::ServerNotInitialized, "the server has not been initialized"));
            return out;
        }
        if (shutdown_) {
            out.push_back(errorResponse(id, errc::InvalidRequest, "the server is shutting down"));
            return out;
        }
        bool handled = true;
        nlohmann::json result = dispatch(method, params, handled);
        if (!handled) out.push_back(errorResponse(id, errc::MethodNotFound, "no such method: " + method));
        else out.push_back({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
        for (auto& n : ws_.outbox) out.push_back(std::move(n));
    } catch (const RequestError& e) {
        ws_.outbox.clear();
        if (isRequest) out.push_back(errorResponse(id, e.code, e.what()));
        else spdlog::warn("{}: {}", method, e.what());
    } catch (const nlohmann::json::exception& e) {
        if (isRequest) out.push_back(errorResponse(id, errc::InvalidParams, std::string("bad params: ") + e.what()));
        else spdlog::warn("{}: bad params: {}", method, e.what());
    } catch (const std::invalid_argument& e) {
        if (isRequest) out.push_back(errorResponse(id, errc::InvalidParams, e.what()));
        else spdlog::warn("{}: {}", method, e.what());
    } catch (const std::exception& e) {
        if (isRequest) out.push_back(errorResponse(id, errc::InternalError, std::string("internal error: ") + e.what()));
        else spdlog::error("{}: internal error: {}", method, e.what());
    }
    return out;
}

nlohmann::json Server::dispatch(const std::string& method, const nlohmann::json& params, bool& handled) {
    if (method == "initialize") {
        if (initialized_) throw RequestError(errc::InvalidRequest, "initialize was already called");
        if (params.contains("rootUri") && params["rootUri"].is_string()) ws_.root = pathFromUri(params["rootUri"]);
        else if (params.contains("rootPath") && params["rootPath"].is_string()) ws_.root = params["rootPath"];
        if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array() && ws_.root.empty())
            for (const auto& f : params["workspaceFolders"])
                if (f.is_object() && f.contains("uri") && f["uri"].is_string() && ws_.root.empty())
                    ws_.root = pathFromUri(f["uri"]);
        if (params.contains("initializationOptions") && params["initializationOptions"].is_object()) {
            const auto& o = params["initializationOptions"];
            if (o.contains("libraryRoots") && o["libraryRoots"].is_array())
                for (const auto& r : o["libraryRoots"])
                    if (r.is_string()) ws_.libraryRoots.push_back(r.get<std::string>());
        }
        initialized_ = true;
        return {{"capabilities", capabilities()}, {"serverInfo", {{"name", "cpe"}, {"version", "0.1.0"}}}};
    }
    if (method == "shutdown") {
        shutdown_ = true;
        return nullptr;
    }
    if (method == "textDocument/hover") return hover(ws_, params);
    if (method == "textDocument/definition") return definition(ws_, params);
    if (method == "textDocument/references") return references(ws_, params);
    if (method == "textDocument/completion") return completion(ws_, params);
    if (method == "textDocument/documentSymbol") return documentSymbols(ws_, params);
    if (method == "textDocument/formatting") return formatting(ws_, params);
    if (method == "textDocument/semanticTokens/full") return semanticTokens(ws_, params);
    if (method == "textDocument/codeLens") return codeLenses(ws_, params);
    if (method == "workspace/executeCommand") return executeCommand(ws_, params);
    handled = false;
    return nullptr;
}

static std::string uriOf(const nlohmann::json& params) {
    const auto& uri = params.at("textDocument").at("uri");
    if (!uri.is_string()) throw RequestError(errc::InvalidParams, "textDocument.uri must be a string");
    return uri.get<std::string>();
}

void Server::notification(const std::string& method, const nlohmann::json& params) {
    if (method == "exit") {
        exited_ = true;
        return;
    }
    if (!initialized_ || shutdown_) return;  // notifications before initialize are dropped
    if (method == "textDocument/didOpen") {
        const auto& td = params.at("textDocument");
        std::string uri = uriOf(params);
        const auto& text = td.at("text");
        if (!text.is_string()) throw RequestError(errc::InvalidParams, "textDocument.text must be a string");
        int64_t version = td.contains("version") && td["version"].is_number_integer() ? td["version"].get<int64_t>() : 0;
        const Document& d = ws_.docs.open(uri, text.get<std::string>(), version);
        ws_.markChanged(d.path, true);
    } else if (method == "textDocument/didChange") {
        std::string uri = uriOf(params);
        const auto& td = params.at("textDocument");
        int64_t version = td.contains("version") && td["version"].is_number_integer() ? td["version"].get<int64_t>() : 0;
        const Document& d = ws_.docs.change(uri, params.at("contentChanges"), version);
        ws_.markChanged(d.path);
    } else if (method == "textDocument/didClose") {
        std::string uri = uriOf(params);
        const Document* d = ws_.docs.find(uri);
        std::string path = d ? d->path : "";
        ws_.docs.close(uri);
        ws_.markChanged(path);  // the file on disk counts again
    } else if (method == "textDocument/didSave") {
        std::string uri = uriOf(params);
        if (const Document* d = ws_.docs.find(uri)) ws_.markChanged(d->path);
    } else if (method == "workspace/didChangeWatchedFiles") {
        // A .cpl file created, changed or deleted on disk: its library is re-checked.
        if (params.contains("changes") && params["changes"].is_array())
            for (const auto& c : params["changes"])
                if (c.is_object() && c.contains("uri") && c["uri"].is_string()) ws_.markChanged(pathFromUri(c["uri"]));
    }
    // Anything else ($/cancelRequest, initialized, ...) needs nothing.
}

std::vector<nlohmann::json> Server::idle() {
    std::vector<nlohmann::json> out;
    try {
        for (Library* lib : ws_.refresh()) {
            spdlog::info("re-checked {} in {:.1f} ms", lib->root(), lib->analysis().milliseconds);
            for (auto& n : publishDiagnostics(*lib)) out.push_back(std::move(n));
        }
    } catch (const std::exception& e) {
        spdlog::error("re-check failed: {}", e.what());
    }
    return out;
}

}  // namespace cpe::lsp
