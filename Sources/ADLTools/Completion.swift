// Tab completion as a pure function: the text before the cursor (and the lines
// of the block typed so far) in, the candidates out. Readline.swift hands it
// readline's buffer; the tests call it directly with a made-up context.
//
// What it completes, by where the cursor is:
// - a command line: `:he` → `:help`; `:help su` → doc topics; `:load da` → file
//   names; `:dis`/`:time` → an expression; `grad ` → function names;
//   `grad f wrt ` → f's parameters;
// - inside a string literal: file names (`load("data/x` → `data/x.npy`);
// - after `.`: module members (`np.li` → `np.linalg`, `np.linalg.` → `np.linalg.inv`),
//   array attributes and methods when the receiver is an array variable, a
//   record's fields;
// - inside a call's parentheses: the callee's keyword parameters as `name=`
//   (from a user function's parameter list, or a builtin's doc signature);
// - elsewhere: keywords, global names, builtins, and names used in the block
//   being typed.

import ADL

/// What Tab offers: `candidates` each replace `replaced`, the end of the text before the cursor.
public struct Completion: Equatable, Sendable {
    public var replaced: String
    public var candidates: [String]

    public init(replacing replaced: String, with candidates: [String]) {
        self.replaced = replaced
        self.candidates = candidates
    }

    /// The longest common prefix of `words`.
    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let w = Array(word)
            var n = 0
            while n < prefix.count && n < w.count && prefix[n] == w[n] { n += 1 }
            prefix.removeLast(prefix.count - n)
        }
        return String(prefix)
    }
}

/// Everything the completer knows about the session.
public struct CompletionContext {
    /// The defined global names (builtins and constants included) and their values.
    public var globals: [String: Value]
    /// Every builtin by its full name (`sum`, `linalg.inv`, `random.seed`).
    public var builtinNames: [String]
    /// Module aliases: `np` → "", `la` → "linalg." (Globals.moduleAliases).
    public var moduleAliases: [String: String]
    /// The command names (`:help`, `grad`, ...).
    public var commands: [String]
    /// Attribute names of arrays: properties and methods.
    public var arrayAttributes: [String]
    /// The doc signature of a builtin (`sum(a, axis=None, keepdims=False)`), by full name.
    public var signature: (String) -> String?
    /// Doc topics for `:help`.
    public var helpTopics: [String]
    /// The entries of a folder ("" is the working folder): name and whether it is a folder; nil if unreadable.
    public var listDirectory: (String) -> [(name: String, isDirectory: Bool)]?

    public init(globals: [String: Value], builtinNames: [String], moduleAliases: [String: String],
                commands: [String], arrayAttributes: [String], signature: @escaping (String) -> String?,
                helpTopics: [String], listDirectory: @escaping (String) -> [(name: String, isDirectory: Bool)]?) {
        self.globals = globals
        self.builtinNames = builtinNames
        self.moduleAliases = moduleAliases
        self.commands = commands
        self.arrayAttributes = arrayAttributes
        self.signature = signature
        self.helpTopics = helpTopics
        self.listDirectory = listDirectory
    }
}

public enum Completer {
    /// The language's keywords (SPEC §2).
    static let keywords = ["def", "return", "lambda", "if", "elif", "else", "for", "in", "while", "break",
                           "continue", "pass", "and", "or", "not", "is", "True", "False", "None", "import",
                           "as", "from", "del"]

    /// Completions for `line` (the current line up to the cursor), with `precedingLines` of the same input above it.
    public static func complete(_ line: String, precedingLines: [String] = [], in context: CompletionContext) -> Completion {
        if precedingLines.isEmpty, let command = completeCommand(line, context) { return command }
        let scan = Scan(text: (precedingLines + [line]).joined(separator: "\n"))
        if scan.inComment { return Completion(replacing: "", with: []) }
        if let content = scan.openString { return completeFile(content, context) }
        return completeExpression(scan, precedingLines: precedingLines, line: line, context)
    }

    // MARK: - Commands

    /// Completion on a command line, or nil when `line` is not one.
    static func completeCommand(_ line: String, _ context: CompletionContext) -> Completion? {
        if line.hasPrefix(":") {
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                return Completion(replacing: line, with: context.commands.filter { $0.hasPrefix(line) }.sorted())
            }
            let name = String(line[..<space])
            let argument = String(line[space...].drop { $0 == " " || $0 == "\t" })
            switch name {
            case ":help":
                let word = trailingWord(argument, allowing: ".:")
                let topics = Set(context.helpTopics + context.commands + context.globals.keys.filter(isPublic))
                return Completion(replacing: word, with: topics.filter { $0.hasPrefix(word) }.sorted())
            case ":load":
                var path = argument
                if let quote = path.first, quote == "\"" || quote == "'" { path.removeFirst() }
                return completeFile(path, context)
            case ":dis" where argument.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }):
                return completeFunctionName(argument, context)
            case ":dis", ":time":
                let scan = Scan(text: argument)
                if let content = scan.openString { return completeFile(content, context) }
                return completeExpression(scan, precedingLines: [], line: argument, context)
            default:
                return Completion(replacing: "", with: [])
            }
        }
        guard line.hasPrefix("grad ") || line.hasPrefix("grad\t") else { return nil }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let endsInSpace = line.last == " " || line.last == "\t"
        let current = endsInSpace ? "" : (words.last ?? "")
        let position = endsInSpace ? words.count : words.count - 1
        if position == 1 { return completeFunctionName(current, context) }
        if position >= 2 && words.count >= 2, words[position - 1] == "wrt", case .function(let f)? = context.globals[words[1]] {
            return Completion(replacing: current, with: f.proto.parameters.filter { $0.hasPrefix(current) })
        }
        if position == 2 {
            return Completion(replacing: current, with: ["at", "wrt"].filter { $0.hasPrefix(current) })
        }
        let scan = Scan(text: line)
        return completeExpression(scan, precedingLines: [], line: line, context)
    }

    /// The functions defined in the session whose names start with `prefix` (`grad f`, `:dis f`).
    static func completeFunctionName(_ prefix: String, _ context: CompletionContext) -> Completion {
        let names = context.globals.compactMap { name, value -> String? in
            if case .function = value, isPublic(name), name.hasPrefix(prefix) { return name }
            return nil
        }
        return Completion(replacing: prefix, with: names.sorted())
    }

    // MARK: - Names, attributes, keyword arguments

    static func completeExpression(_ scan: Scan, precedingLines: [String], line: String,
                                   _ context: CompletionContext) -> Completion {
        let word = trailingWord(line, allowing: ".")
        if let first = word.first, first.isNumber { return Completion(replacing: word, with: []) }
        if let dot = word.lastIndex(of: ".") {
            let receiver = String(word[..<dot]), prefix = String(word[word.index(after: dot)...])
            let members = self.members(of: receiver, context).filter { $0.hasPrefix(prefix) && (isPublic($0) || prefix.hasPrefix("_")) }
            return Completion(replacing: word, with: Set(members).map { receiver + "." + $0 }.sorted())
        }
        var keywordArguments: [String] = []
        if let call = scan.openCall, call.currentArgumentIsBare {
            let given = Set(call.keywordsGiven)
            let parameters = self.parameters(ofCallee: call.callee, context)
            keywordArguments = parameters.names
                .dropFirst(parameters.variadic ? 0 : call.positionalCount)
                .filter { !given.contains($0) && $0.hasPrefix(word) }
                .map { $0 + "=" }
            // Right after `(` or `,`, the keywords are what one wants; so they are once
            // every required parameter has its positional argument (`minimize(f, x0, me`
            // → `method=`), unless the callee takes any number of positional arguments.
            let positionalDone = !parameters.variadic && call.positionalCount >= parameters.required
            if !keywordArguments.isEmpty && (word.isEmpty || positionalDone) {
                return Completion(replacing: word, with: keywordArguments)
            }
        }
        var names = Set(keywords)
        names.formUnion(context.globals.keys)
        names.formUnion(context.moduleAliases.keys)
        names.formUnion(submodules(under: "", context))
        names.formUnion(identifiers(in: (precedingLines + [String(line.dropLast(word.count))]).joined(separator: "\n")))
        let matches = names.filter { $0.hasPrefix(word) && (isPublic($0) || word.hasPrefix("_")) }
        return Completion(replacing: word, with: keywordArguments + matches.sorted())
    }

    /// The attribute names of whatever `receiver` (a dotted name) denotes, as far as it is known.
    static func members(of receiver: String, _ context: CompletionContext) -> [String] {
        if let module = modulePrefix(receiver, context) {
            return context.builtinNames.compactMap { name -> String? in
                guard name.hasPrefix(module) else { return nil }
                return String(name.dropFirst(module.count).prefix { $0 != "." })
            }
        }
        guard let value = value(of: receiver, context) else { return [] }
        switch value {
        case .array, .float, .int, .bool: return context.arrayAttributes
        case .record(let r): return r.keys
        default: return []
        }
    }

    /// The builtin-name prefix a dotted module path stands for (`np` → "", `np.linalg` → "linalg."), or nil.
    static func modulePrefix(_ path: String, _ context: CompletionContext) -> String? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = parts.first else { return nil }
        var prefix: String
        if let alias = context.moduleAliases[root], context.globals[root] == nil {
            prefix = alias
        } else if context.globals[root] == nil, submodules(under: "", context).contains(root) {
            prefix = root + "."
        } else {
            return nil
        }
        for part in parts.dropFirst() {
            guard submodules(under: prefix, context).contains(part) else { return nil }
            prefix += part + "."
        }
        return prefix
    }

    /// The submodule names directly under a builtin-name prefix (`""` → linalg, random).
    static func submodules(under prefix: String, _ context: CompletionContext) -> Set<String> {
        var out = Set<String>()
        for name in context.builtinNames where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if let dot = rest.firstIndex(of: ".") { out.insert(String(rest[..<dot])) }
        }
        return out
    }

    /// The value a dotted name holds, following record fields and `.T` of arrays.
    static func value(of path: String, _ context: CompletionContext) -> Value? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = parts.first, var value = context.globals[root] else { return nil }
        for part in parts.dropFirst() {
            switch value {
            case .record(let r):
                guard let field = r[part] else { return nil }
                value = field
            case .array, .float, .int, .bool:
                guard part == "T" else { return nil }
            default:
                return nil
            }
        }
        return value
    }

    /// What completion needs of a function's parameters.
    struct Parameters: Equatable {
        var names: [String] = []
        /// How many leading parameters have no default.
        var required = 0
        /// Whether it takes any number of positional arguments (`*values`).
        var variadic = false

        /// The same without the first parameter (a method's receiver).
        var droppingReceiver: Parameters {
            Parameters(names: Array(names.dropFirst()), required: max(0, required - 1), variadic: variadic)
        }
    }

    /// The parameters of the function called as `callee` (a dotted name).
    static func parameters(ofCallee callee: String, _ context: CompletionContext) -> Parameters {
        if let dot = callee.lastIndex(of: ".") {
            let receiver = String(callee[..<dot]), name = String(callee[callee.index(after: dot)...])
            if let module = modulePrefix(receiver, context) {
                return context.signature(module + name).map(parameters(inSignature:)) ?? Parameters()
            }
            if let value = value(of: receiver, context) {
                switch value {
                case .array, .float, .int, .bool:
                    // A method takes the receiver as its first parameter.
                    return (context.signature(name).map(parameters(inSignature:)) ?? Parameters()).droppingReceiver
                case .record(let r):
                    guard let field = r[name] else { return Parameters() }
                    return parameters(of: field, context)
                default: return Parameters()
                }
            }
            return Parameters()
        }
        guard let value = context.globals[callee] else { return Parameters() }
        return parameters(of: value, context)
    }

    static func parameters(of value: Value, _ context: CompletionContext) -> Parameters {
        switch value {
        case .function(let f):
            let names = f.proto.parameters
            return Parameters(names: names, required: names.count - f.defaults.count, variadic: false)
        case .builtin(let b): return context.signature(b.name).map(parameters(inSignature:)) ?? Parameters()
        default: return Parameters()
        }
    }

    /// The parameter names in a doc signature: `sum(a, axis=None, keepdims=False)` →
    /// a, axis, keepdims; alternatives joined by ` / ` give the union; `*args` is skipped.
    static func parameterNames(_ signature: String) -> [String] {
        parameters(inSignature: signature).names
    }

    /// The parameters of a doc signature; a parameter with a default in any
    /// alternative counts as optional, a `*name` makes it variadic.
    static func parameters(inSignature signature: String) -> Parameters {
        var out = Parameters()
        var optional = Set<String>()
        var depth = 0, quote: Character?, current = ""
        func finish() {
            let text = current.trimmed
            current = ""
            if text.hasPrefix("*") {
                if !text.hasPrefix("**") { out.variadic = true }
                return
            }
            let name = String(text.prefix { $0 != "=" }).trimmed
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return }
            if text.contains("=") { optional.insert(name) }
            if !out.names.contains(name) { out.names.append(name) }
        }
        for c in signature {
            if let q = quote {
                if c == q { quote = nil }
                if depth == 1 { current.append(c) }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
                if depth == 1 { current.append(c) }
            case "(", "[", "{":
                depth += 1
                if depth > 1 { current.append(c) }
            case ")", "]", "}":
                if depth == 1 { finish() } else if depth > 1 { current.append(c) }
                depth = max(0, depth - 1)
            case "," where depth == 1:
                finish()
            default:
                if depth >= 1 { current.append(c) }
            }
        }
        out.required = out.names.prefix { !optional.contains($0) }.count
        return out
    }

    // MARK: - File names

    static func completeFile(_ partial: String, _ context: CompletionContext) -> Completion {
        let folder = partial.lastIndex(of: "/").map { String(partial[...$0]) } ?? ""
        let base = String(partial.dropFirst(folder.count))
        guard let entries = context.listDirectory(folder) else { return Completion(replacing: partial, with: []) }
        let matches = entries.filter { $0.name.hasPrefix(base) && ($0.name.first != "." || base.hasPrefix(".")) }
            .filter { $0.name != "." && $0.name != ".." }
            .map { folder + $0.name + ($0.isDirectory ? "/" : "") }
        return Completion(replacing: partial, with: matches.sorted())
    }

    // MARK: - Helpers

    /// The longest suffix of `text` made of identifier characters and `extra`.
    static func trailingWord(_ text: String, allowing extra: String) -> String {
        String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || extra.contains($0) }.reversed())
    }

    /// Names not meant to be offered unless asked for (`_`, `__x`).
    static func isPublic(_ name: String) -> Bool { !name.hasPrefix("_") }

    /// The identifiers in `text` outside strings and comments, except attribute
    /// names after a `.` (the names the block being typed defines and uses).
    static func identifiers(in text: String) -> Set<String> {
        let chars = Array(text)
        var out = Set<String>()
        var i = 0
        var afterDot = false
        while i < chars.count {
            let c = chars[i]
            if c == "#" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
            } else if c == "\"" || c == "'" {
                i += 1
                while i < chars.count && chars[i] != c && chars[i] != "\n" { i += chars[i] == "\\" ? 2 : 1 }
                i += 1
                afterDot = false
            } else if c.isLetter || c == "_" {
                var word = ""
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") {
                    word.append(chars[i])
                    i += 1
                }
                if !afterDot { out.insert(word) }
                afterDot = false
            } else if c.isNumber {
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == ".") { i += 1 }
                afterDot = false
            } else {
                if c != " " { afterDot = c == "." }
                i += 1
            }
        }
        return out
    }
}

/// A light scan of the text before the cursor: open strings, comments, brackets.
struct Scan {
    /// The contents of the string literal the cursor is in, or nil.
    var openString: String?
    var inComment = false
    /// The innermost call whose parentheses are open at the cursor, or nil.
    var openCall: OpenCall?

    struct OpenCall {
        /// The dotted name before the `(`.
        var callee: String
        /// Arguments before the current one that are positional.
        var positionalCount: Int
        /// Keywords already given.
        var keywordsGiven: [String]
        /// Whether the current argument is still a bare word (no `=` yet, no operator).
        var currentArgumentIsBare: Bool
    }

    init(text: String) {
        let chars = Array(text)
        var brackets: [(Character, Int)] = []
        var i = 0
        var stringStart: Int?
        var quote: (Character, Bool)?
        while i < chars.count {
            let c = chars[i]
            if let (q, triple) = quote {
                if c == "\\" { i += 2; continue }
                if triple {
                    if c == q && i + 2 < chars.count && chars[i + 1] == q && chars[i + 2] == q { quote = nil; i += 3; continue }
                } else if c == q || c == "\n" {
                    quote = nil
                }
                i += 1
                continue
            }
            switch c {
            case "#":
                while i < chars.count && chars[i] != "\n" { i += 1 }
                if i >= chars.count { inComment = true }
                continue
            case "\"", "'":
                let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                quote = (c, triple)
                i += triple ? 3 : 1
                stringStart = i
                continue
            case "(", "[", "{":
                brackets.append((c, i))
            case ")", "]", "}":
                if !brackets.isEmpty { brackets.removeLast() }
            default:
                break
            }
            i += 1
        }
        if quote != nil, let start = stringStart {
            openString = String(chars[min(start, chars.count)...])
            return
        }
        guard let (bracket, at) = brackets.last, bracket == "(" else { return }
        let callee = String(String(chars[..<at]).reversed()
            .prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        guard let first = callee.first, !first.isNumber, first != "." else { return }
        // The arguments so far, split at top-level commas.
        var arguments: [String] = [""]
        var depth = 0
        var q: Character?
        for c in chars[(at + 1)...] {
            if let open = q { if c == open { q = nil }; arguments[arguments.count - 1].append(c); continue }
            switch c {
            case "\"", "'": q = c
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case "," where depth == 0:
                arguments.append("")
                continue
            default: break
            }
            arguments[arguments.count - 1].append(c)
        }
        let current = arguments.removeLast()
        var keywords: [String] = [], positional = 0
        for argument in arguments {
            if let eq = Scan.keywordEquals(argument) {
                keywords.append(String(argument[..<eq]).trimmed)
            } else if !argument.trimmed.hasPrefix("*") {
                positional += 1
            }
        }
        let bare = current.trimmed.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        openCall = OpenCall(callee: callee, positionalCount: positional,
                            keywordsGiven: keywords, currentArgumentIsBare: bare)
    }

    /// The `=` of a keyword argument `name=value` (not `==`), or nil.
    static func keywordEquals(_ argument: String) -> String.Index? {
        guard let eq = argument.firstIndex(of: "=") else { return nil }
        let name = String(argument[..<eq]).trimmed
        let after = argument[argument.index(after: eq)...]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), after.first != "=" else { return nil }
        return eq
    }
}
