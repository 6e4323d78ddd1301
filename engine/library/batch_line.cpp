#include "engine/library/batch_line.h"

#include "engine/decision/case_record.h"
#include "engine/decision/json_writer.h"

namespace cpe {

BatchLineResult appendBatchLine(const PolicyLibrary& lib, const Line& line, const BatchLineOptions& o, std::string& out) {
    if (!line.tooLong && line.text.find_first_not_of(" \t\r") == std::string_view::npos) return BatchLineResult::Blank;
    // Errors are rare: built as JSON documents. Decisions, the rule, are
    // written straight into the output (engine/decision/json_writer.h).
    auto writeError = [&](const nlohmann::json& id, const InputError& e) {
        nlohmann::ordered_json result;
        result["id"] = id;
        result.update(errorToJson(e));
        // Messages may quote what a line held; nothing written may stop the batch.
        out += result.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        return BatchLineResult::Error;
    };
    // The reader's errors say where, as the engine's (about the facts) need not.
    auto atLine = [&](const InputError& e) {
        return InputError{e.code, "line " + std::to_string(line.number) + ": " + e.message, e.field};
    };
    if (line.tooLong) return writeError(nullptr, atLine(lineTooLong(line.length, o.maxLine)));
    CaseShape shape = batchCaseShape();
    shape.maxDepth = o.maxDepth;
    CaseRead read = readCase(line.text, shape);
    if (read.error) return writeError(read.record.id, atLine(*read.error));
    DecideResult result = lib.decide(caseRequest(read.record, o.defaultDay));
    if (auto* error = std::get_if<InputError>(&result)) return writeError(read.record.id, *error);
    out += "{\"id\":";
    out += read.record.id.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += ',';
    Decision& decision = std::get<Decision>(result);
    if (!o.answer) decision.guide = nullptr;  // the contract's fields only
    appendDecisionJson(out, decision, false);
    return BatchLineResult::Decided;
}

}  // namespace cpe
