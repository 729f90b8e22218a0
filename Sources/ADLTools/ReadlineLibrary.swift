// GNU readline's functions and variables, looked up in libreadline.so.8 when the
// REPL starts rather than linked (see Sources/CReadline/shim.h): running a
// script then loads neither readline nor libtinfo, and a machine without the
// library gets the plain REPL instead of failing to start.

@preconcurrency import CReadline
@preconcurrency import Glibc
import ADL

/// The parts of readline the REPL uses: functions, and pointers to its variables.
struct ReadlineLibrary: @unchecked Sendable {
    let readline: adl_readline_t
    let addHistory: adl_add_history_t
    let readHistory: adl_read_history_t
    let appendHistory: adl_append_history_t
    let truncateHistoryFile: adl_history_truncate_file_t
    let stifleHistory: adl_stifle_history_t
    let historyGet: adl_history_get_t
    let freeLineState: adl_rl_void_t
    let replaceLine: adl_rl_replace_line_t
    let crlf: adl_rl_int_t
    let setPrompt: adl_rl_string_t
    let onNewLine: adl_rl_int_t
    let redisplay: adl_rl_void_t
    let insertText: adl_rl_string_t
    let completeInternal: adl_rl_complete_internal_t
    let completionMode: adl_rl_completion_mode_t
    let bindKey: adl_rl_bind_key_t

    let readlineName: UnsafeMutablePointer<UnsafePointer<CChar>?>
    let catchSignals: UnsafeMutablePointer<Int32>
    let outStream: UnsafeMutablePointer<UnsafeMutablePointer<FILE>?>
    let completionAppendCharacter: UnsafeMutablePointer<Int32>
    let completerQuoteCharacters: UnsafeMutablePointer<UnsafePointer<CChar>?>
    let signalEventHook: UnsafeMutablePointer<adl_rl_hook_t?>
    let eventHook: UnsafeMutablePointer<adl_rl_hook_t?>
    let completionWordBreakHook: UnsafeMutablePointer<adl_rl_cpv_t?>
    let attemptedCompletionFunction: UnsafeMutablePointer<adl_rl_completion_t?>
    let attemptedCompletionOver: UnsafeMutablePointer<Int32>
    let lineBuffer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let point: UnsafeMutablePointer<Int32>
    let historyCommentChar: UnsafeMutablePointer<CChar>
    let historyWriteTimestamps: UnsafeMutablePointer<Int32>
    let historyMultilineEntries: UnsafeMutablePointer<Int32>
    let historyLength: UnsafeMutablePointer<Int32>
    let historyBase: UnsafeMutablePointer<Int32>

    // Every function type here is a C function pointer, one word, as readline stores it.
    static let layoutChecked: Bool = MemoryLayout<adl_rl_hook_t?>.size == MemoryLayout<UnsafeRawPointer>.size
        && MemoryLayout<adl_rl_completion_t?>.size == MemoryLayout<UnsafeRawPointer>.size
        && MemoryLayout<adl_rl_cpv_t?>.size == MemoryLayout<UnsafeRawPointer>.size

    /// Opens the library; nil when it or any symbol is missing.
    static func open() -> ReadlineLibrary? {
        guard layoutChecked,
              case .success(let library) = SharedLibrary.open(["libreadline.so.8", "libreadline.so"], global: false)
        else { return nil }
        func function<T>(_ name: String, _ type: T.Type) -> T? { library.function(name, type) }
        func variable<T>(_ name: String, _ type: T.Type) -> UnsafeMutablePointer<T>? { library.variable(name, type) }
        guard let readline = function("readline", adl_readline_t.self),
              let addHistory = function("add_history", adl_add_history_t.self),
              let readHistory = function("read_history", adl_read_history_t.self),
              let appendHistory = function("append_history", adl_append_history_t.self),
              let truncateHistoryFile = function("history_truncate_file", adl_history_truncate_file_t.self),
              let stifleHistory = function("stifle_history", adl_stifle_history_t.self),
              let historyGet = function("history_get", adl_history_get_t.self),
              let freeLineState = function("rl_free_line_state", adl_rl_void_t.self),
              let replaceLine = function("rl_replace_line", adl_rl_replace_line_t.self),
              let crlf = function("rl_crlf", adl_rl_int_t.self),
              let setPrompt = function("rl_set_prompt", adl_rl_string_t.self),
              let onNewLine = function("rl_on_new_line", adl_rl_int_t.self),
              let redisplay = function("rl_redisplay", adl_rl_void_t.self),
              let insertText = function("rl_insert_text", adl_rl_string_t.self),
              let completeInternal = function("rl_complete_internal", adl_rl_complete_internal_t.self),
              let completionMode = function("rl_completion_mode", adl_rl_completion_mode_t.self),
              let bindKey = function("rl_bind_key", adl_rl_bind_key_t.self),
              let readlineName = variable("rl_readline_name", UnsafePointer<CChar>?.self),
              let catchSignals = variable("rl_catch_signals", Int32.self),
              let outStream = variable("rl_outstream", UnsafeMutablePointer<FILE>?.self),
              let completionAppendCharacter = variable("rl_completion_append_character", Int32.self),
              let completerQuoteCharacters = variable("rl_completer_quote_characters", UnsafePointer<CChar>?.self),
              let signalEventHook = variable("rl_signal_event_hook", adl_rl_hook_t?.self),
              let eventHook = variable("rl_event_hook", adl_rl_hook_t?.self),
              let completionWordBreakHook = variable("rl_completion_word_break_hook", adl_rl_cpv_t?.self),
              let attemptedCompletionFunction = variable("rl_attempted_completion_function", adl_rl_completion_t?.self),
              let attemptedCompletionOver = variable("rl_attempted_completion_over", Int32.self),
              let lineBuffer = variable("rl_line_buffer", UnsafeMutablePointer<CChar>?.self),
              let point = variable("rl_point", Int32.self),
              let historyCommentChar = variable("history_comment_char", CChar.self),
              let historyWriteTimestamps = variable("history_write_timestamps", Int32.self),
              let historyMultilineEntries = variable("history_multiline_entries", Int32.self),
              let historyLength = variable("history_length", Int32.self),
              let historyBase = variable("history_base", Int32.self)
        else { return nil }
        return ReadlineLibrary(
            readline: readline, addHistory: addHistory, readHistory: readHistory, appendHistory: appendHistory,
            truncateHistoryFile: truncateHistoryFile, stifleHistory: stifleHistory, historyGet: historyGet,
            freeLineState: freeLineState, replaceLine: replaceLine, crlf: crlf, setPrompt: setPrompt,
            onNewLine: onNewLine, redisplay: redisplay, insertText: insertText, completeInternal: completeInternal,
            completionMode: completionMode, bindKey: bindKey, readlineName: readlineName, catchSignals: catchSignals,
            outStream: outStream, completionAppendCharacter: completionAppendCharacter,
            completerQuoteCharacters: completerQuoteCharacters, signalEventHook: signalEventHook, eventHook: eventHook,
            completionWordBreakHook: completionWordBreakHook, attemptedCompletionFunction: attemptedCompletionFunction,
            attemptedCompletionOver: attemptedCompletionOver, lineBuffer: lineBuffer, point: point,
            historyCommentChar: historyCommentChar, historyWriteTimestamps: historyWriteTimestamps,
            historyMultilineEntries: historyMultilineEntries, historyLength: historyLength, historyBase: historyBase)
    }
}
