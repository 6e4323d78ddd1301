#include "engine/diff/policy_ref.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/compile/program.h"
#include "engine/syntax/parse.h"

namespace cpe {

namespace fs = std::filesystem;

PolicyRef parsePolicyRef(const std::string& arg) {
    PolicyRef ref;
    ref.text = arg;
    std::string rest = arg;
    static const std::string kVariants = "+variants";
    if (rest.size() > kVariants.size() && rest.compare(rest.size() - kVariants.size(), kVariants.size(), kVariants) == 0) {
        ref.withVariants = true;
        rest.resize(rest.size() - kVariants.size());
    }
    std::string idPart = rest;
    auto hash = rest.find('#');
    std::string head = hash == std::string::npos ? rest : rest.substr(0, hash);
    bool isFile =
        head.find('/') != std::string::npos || (head.size() > 4 && head.ends_with(".cpl")) || (hash != std::string::npos);
    if (isFile) {
        ref.file = head;
        idPart = hash == std::string::npos ? "" : rest.substr(hash + 1);
    }
    if (auto at = idPart.find('@'); at != std::string::npos) {
        ref.version = idPart.substr(at + 1);
        idPart.resize(at);
        if (ref.version.empty())
            throw DiffError("'" + arg + "': nothing after '@'; write ID@VERSION, e.g. fertility.ivf@2026-04-01");
    }
    // ID.{FACT}: the last part of the id comes from each case.
    if (auto open = idPart.find(".{"); open != std::string::npos && idPart.back() == '}') {
        ref.byFact = idPart.substr(open + 2, idPart.size() - open - 3);
        idPart.resize(open);
        if (ref.byFact.empty() || ref.withVariants)
            throw DiffError("'" + arg + "': write ID.{FACT}, e.g. fertility.ivf.{legacy_area}, without +variants");
        for (char c : ref.byFact)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
                throw DiffError("'" + arg + "': '" + ref.byFact + "' is not a fact name");
    }
    ref.id = idPart;
    if (ref.file.empty() && ref.id.empty())
        throw DiffError("'" + arg + "' names no policy; write ID, ID@VERSION, FILE.cpl or FILE.cpl#ID");
    for (char c : ref.id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
            throw DiffError("'" + arg + "': '" + ref.id + "' is not a policy id (letters, digits, '_' and '.')");
    return ref;
}

PolicyFiles readPolicyFiles(const std::vector<std::string>& paths) {
    PolicyFiles out;
    for (const std::string& path : paths) {
        std::error_code ec;
        std::vector<std::string> found;
        if (fs::is_regular_file(path, ec)) {
            found.push_back(path);
        } else if (fs::is_directory(path, ec)) {
            for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
                 it.increment(ec))
                if (it->is_regular_file() && it->path().extension() == ".cpl") found.push_back(it->path().string());
            if (found.empty()) throw DiffError(path + ": no .cpl policy files in this folder");
            std::sort(found.begin(), found.end());
        } else {
            throw DiffError(path + ": no such file or folder");
        }
        for (const std::string& f : found) {
            std::ifstream in(f, std::ios::binary);
            if (!in) throw DiffError(f + ": cannot read this file");
            std::ostringstream text;
            text << in.rdbuf();
            out.emplace_back(f, text.str());
        }
    }
    return out;
}

namespace {

// Ids of the modules and policies a file declares (none when it does not parse:
// the library build reports that).
std::set<std::string> declaredUnits(const std::string& path, const std::string& text) {
    SourceSet sources;
    sources.add(path, text);
    Diagnostics ignored;
    std::set<std::string> ids;
    if (auto ast = parseFile(sources, 0, ignored))
        for (const TopDecl& top : ast->decls)
            if (auto* u = std::get_if<std::shared_ptr<Unit>>(&top.body)) ids.insert((*u)->id);
    return ids;
}

const CompiledPolicy* pick(const PolicyLibrary& lib, const std::string& id, const std::string& version, int day,
                           const std::string& refText) {
    auto versions = lib.versions(id);
    if (versions.empty()) throw DiffError(refText + ": no policy '" + id + "'" + didYouMeanId(id, lib.policyIds()));
    if (!version.empty()) {
        for (const CompiledPolicy* c : versions)
            if (c->model->version == version) return c;
        if (auto date = parseDate(version))
            if (const CompiledPolicy* c = lib.find(id, *date)) return c;
        std::string known;
        for (const CompiledPolicy* c : versions) known += (known.empty() ? "" : ", ") + c->model->version;
        throw DiffError(refText + ": '" + id + "' has no version '" + version + "' (versions: " + known + ")");
    }
    if (const CompiledPolicy* c = lib.find(id, day)) return c;
    return versions.back();  // none in force on the day: the newest, so drafts can be compared
}

}  // namespace

std::shared_ptr<const PolicyLibrary> PolicyResolver::build(const PolicyFiles& files) {
    auto sources = std::make_shared<SourceSet>();
    for (const auto& [path, text] : files) sources->add(path, text);
    Diagnostics diags;
    auto lib = PolicyLibrary::fromSources(sources, diags);
    if (!lib) throw DiffError(diags.render(*sources) + std::to_string(diags.errorCount()) + " error(s) in the policies");
    return lib;
}

ResolvedPolicy PolicyResolver::resolve(const PolicyRef& ref) {
    ResolvedPolicy out;
    std::string id = ref.id;
    if (ref.file.empty()) {
        if (base_.empty())
            throw DiffError(ref.text +
                            ": a policy id needs a library to find it in, and there is none (no policies/ folder "
                            "here); give --policies PATH or --registry FILE, or name a .cpl file");
        if (!baseLibrary_) baseLibrary_ = build(base_);
        out.library = baseLibrary_;
    } else {
        std::ifstream in(ref.file, std::ios::binary);
        if (!in) throw DiffError(ref.file + ": cannot read this file");
        std::ostringstream text;
        text << in.rdbuf();
        std::set<std::string> units = declaredUnits(ref.file, text.str());
        // The library's own copy of the file, and any file declaring the same
        // units, give way to the file named.
        PolicyFiles files;
        std::error_code ec;
        for (const auto& [path, body] : base_) {
            bool same = fs::equivalent(path, ref.file, ec);
            std::set<std::string> theirs = declaredUnits(path, body);
            bool clash = std::any_of(theirs.begin(), theirs.end(), [&](const std::string& u) { return units.count(u) > 0; });
            if (!same && !clash) files.emplace_back(path, body);
        }
        files.emplace_back(ref.file, text.str());
        out.library = build(files);
        if (id.empty()) {
            std::set<std::string> policies;
            for (const PolicyModel& p : out.library->checked().policies)
                if (p.span.file == files.size() - 1) policies.insert(p.id);
            if (policies.size() != 1) {
                std::string list;
                for (const auto& p : policies) list += (list.empty() ? "" : ", ") + p;
                throw DiffError(ref.text + ": " +
                                (policies.empty()
                                     ? "the file declares no policy"
                                     : "the file declares several policies (" + list + "); write " + ref.file + "#ID"));
            }
            id = *policies.begin();
        }
    }
    if (!ref.byFact.empty()) {
        resolveByFact(ref, id, out);
        return out;
    }
    out.policy = pick(*out.library, id, ref.version, day_, ref.text);
    out.label = (ref.file.empty() ? "" : ref.file + "#") + id + "@" + out.policy->model->version;
    if (ref.withVariants) {
        std::set<std::string> variantIds;
        for (const PolicyModel& p : out.library->checked().policies)
            if (p.variantOf == id) variantIds.insert(p.id);
        if (variantIds.empty())
            throw DiffError(ref.text + ": '" + id + "' has no variants (no policy declares 'variant of " + id + " when ...')");
        for (const std::string& v : variantIds) out.variants.push_back(pick(*out.library, v, "", day_, ref.text));
        out.label += "+variants";
    }
    return out;
}

void PolicyResolver::resolveByFact(const PolicyRef& ref, const std::string& id, ResolvedPolicy& out) {
    const FactInfo* fact = out.library->checked().fact(ref.byFact);
    if (!fact)
        throw DiffError(ref.text + ": no policy declares a fact '" + ref.byFact + "'" +
                        didYouMean(ref.byFact, out.library->checked().factNames()));
    if (fact->type.kind != TypeKind::Enum)
        throw DiffError(ref.text + ": '" + ref.byFact + "' is not an enum fact, so its values cannot complete a policy id");
    std::string missing;
    for (const std::string& value : fact->type.enumInfo->members) {
        std::string member = id + "." + value;
        if (out.library->versions(member).empty()) {
            missing += (missing.empty() ? "" : ", ") + member;
            continue;
        }
        out.byValue.emplace_back(value, pick(*out.library, member, ref.version, day_, ref.text));
    }
    if (out.byValue.empty())
        throw DiffError(ref.text + ": no policy is named " + id + ".<" + ref.byFact + "> (looked for " + missing + ")");
    out.byFact = ref.byFact;
    out.policy = out.byValue.front().second;
    out.label = (ref.file.empty() ? "" : ref.file + "#") + id + ".{" + ref.byFact + "}";
}

}  // namespace cpe
