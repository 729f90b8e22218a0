// File input and output as NumPy's: `load`/`save` in the `.npy` format
// (NpyFormat.swift) and `loadtxt`/`savetxt` for text tables (TextTable.swift).
//
// Every problem with a file, missing, unreadable or malformed, is an ADL
// error of kind `.io` naming the file ("cannot load 'x.npy': ..."); problems
// with the arguments are the errors NumPy raises for them. Writes are atomic
// (System.writeFileAtomically): a failed save leaves no partial file.

extension Library {
    static func registerIO(_ t: BuiltinTable) {
        t.register("load") { _, args in
            let p = try args.bind("load", ["file", "mmap_mode", "allow_pickle", "fix_imports", "encoding",
                                           "max_header_size"], required: 1)
            let path = try Coerce.string(p[0] ?? .none, what: "load() file")
            if let mode = p[1].nonNone {
                throw ADLError.value("load(): mmap_mode=\(Formatting.repr(mode)) is not supported; ADL reads the whole file")
            }
            let limit = try p[5].nonNone.map { try Coerce.int($0, what: "max_header_size") } ?? NpyFormat.maxHeaderSize
            let bytes = try readFile(path, verb: "load")
            do {
                return Value.wrap(try NpyFormat.decode(bytes, maxHeaderSize: limit))
            } catch let error as NpyFormat.FormatError {
                throw ADLError.io("cannot load \(Formatting.quoted(path)): \(error.message)")
            }
        }
        t.register("save") { _, args in
            let p = try args.bind("save", ["file", "arr", "allow_pickle", "fix_imports"], required: 2)
            var path = try Coerce.string(p[0] ?? .none, what: "save() file")
            let array = try Coerce.array(p[1] ?? .none, what: "save() arr")
            if !path.hasSuffix(".npy") { path += ".npy" }  // as np.save
            try writeFile(path, NpyFormat.encode(array))
            return .none
        }
        t.register("loadtxt") { _, args in
            let p = try args.bind("loadtxt", ["fname", "dtype", "comments", "delimiter", "converters", "skiprows",
                                              "usecols", "unpack", "ndmin", "encoding", "max_rows"], required: 1)
            let path = try Coerce.string(p[0] ?? .none, what: "loadtxt() fname")
            var options = TextTable.ReadOptions()
            options.integers = try loadtxtIntegers(p[1])
            if let comments = p[2] {
                options.comments = try loadtxtComments(comments)
            }
            if let delimiter = p[3].nonNone {
                options.delimiter = try loadtxtDelimiter(delimiter, comments: options.comments)
            }
            if p[4].nonNone != nil {
                throw ADLError.value("loadtxt(): converters are not supported; convert the loaded array instead")
            }
            options.skiprows = try nonNegative(p[5], "skiprows") ?? 0
            options.usecols = try p[6].nonNone.map(loadtxtColumns)
            options.unpack = try bool(p[7], default: false)
            let ndmin = try p[8].nonNone.map { try Coerce.int($0, what: "ndmin") } ?? 0
            guard (0...2).contains(ndmin) else { throw ADLError.value("Illegal value of ndmin keyword: \(ndmin)") }
            options.ndmin = ndmin
            let latin1 = try isLatin1(p[9], "loadtxt")
            options.maxRows = try nonNegative(p[10], "max_rows")

            var bytes = try readFile(path, verb: "load")
            if latin1 { bytes = Array(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })).utf8) }
            do {
                return Value.wrap(try TextTable.read(bytes, options))
            } catch let error as TextTableError {
                throw ADLError.io("cannot load \(Formatting.quoted(path)): \(error.message)")
            }
        }
        t.register("savetxt") { _, args in
            let p = try args.bind("savetxt", ["fname", "X", "fmt", "delimiter", "newline", "header", "footer",
                                              "comments", "encoding"], required: 2)
            let path = try Coerce.string(p[0] ?? .none, what: "savetxt() fname")
            let array = try Coerce.array(p[1] ?? .none, what: "savetxt() X")
            var options = TextTable.WriteOptions()
            switch p[2].nonNone {
            case nil: break
            case .string(let s)?: options.format = .single(s.value)
            case .list(let l)?: options.format = .perColumn(try l.items.map { try Coerce.string($0, what: "fmt") })
            case .tuple(let t)?: options.format = .perColumn(try t.items.map { try Coerce.string($0, what: "fmt") })
            case let other?: throw ADLError.value("invalid fmt: \(Formatting.repr(other))")
            }
            if let v = p[3].nonNone { options.delimiter = try Coerce.string(v, what: "delimiter") }
            if let v = p[4].nonNone { options.newline = try Coerce.string(v, what: "newline") }
            if let v = p[5].nonNone { options.header = try Coerce.string(v, what: "header") }
            if let v = p[6].nonNone { options.footer = try Coerce.string(v, what: "footer") }
            if let v = p[7].nonNone { options.comments = try Coerce.string(v, what: "comments") }
            let latin1 = try isLatin1(p[8], "savetxt")
            var bytes: [UInt8]
            do {
                bytes = try TextTable.write(array, options)
            } catch let error as TextTableError {
                throw ADLError.value(error.message)
            }
            if latin1 {
                let text = String(decoding: bytes, as: UTF8.self)
                bytes = []
                for scalar in text.unicodeScalars {
                    guard scalar.value < 256 else {
                        throw ADLError.value("'latin-1' codec can't encode character '\\u\(String(scalar.value, radix: 16))': ordinal not in range(256)")
                    }
                    bytes.append(UInt8(scalar.value))
                }
            }
            try writeFile(path, bytes)
            return .none
        }
    }

    // MARK: - Files

    /// The bytes of `path`, or an `.io` error saying why they cannot be read.
    private static func readFile(_ path: String, verb: String) throws -> [UInt8] {
        do {
            return try System.readBytes(path)
        } catch {
            throw ADLError.io("cannot \(verb) \(Formatting.quoted(path)): \(error.message)")
        }
    }

    /// Writes `bytes` to `path` atomically, or raises an `.io` error saying why not.
    private static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        do {
            try System.writeFileAtomically(path, bytes)
        } catch {
            throw ADLError.io("cannot save \(Formatting.quoted(path)): \(error.message)")
        }
    }

    // MARK: - loadtxt's arguments

    /// Whether `dtype=` asks for integers (parsed strictly, stored as float64).
    private static func loadtxtIntegers(_ v: Value?) throws -> Bool {
        guard let v = v.nonNone else { return false }
        let name: String
        switch v {
        case .builtin(let b): name = b.name
        case .string(let s): name = s.value
        default: throw ADLError.type("loadtxt(): dtype must be float or int, not '\(v.typeName)'")
        }
        switch name {
        case "float", "float64", "f8", "double", "float32", "f4": return false
        case "int", "int64", "i8", "int32", "i4", "int16", "int8", "uint8", "uint16", "uint32", "uint64": return true
        default:
            throw ADLError.type("loadtxt(): dtype \(Formatting.quoted(name)) is not supported (ADL reads float64, or int values as float64)")
        }
    }

    private static func loadtxtComments(_ v: Value) throws -> [String] {
        let markers: [String]
        switch v {
        case .none: return []
        case .string(let s): markers = [s.value]
        case .list(let l): markers = try l.items.map { try Coerce.string($0, what: "comments") }
        case .tuple(let t): markers = try t.items.map { try Coerce.string($0, what: "comments") }
        default: throw ADLError.type("comments must be a string, a sequence of strings or None, not '\(v.typeName)'")
        }
        if markers.contains("") {
            throw ADLError.value("comments cannot be an empty string. Use comments=None to disable comments.")
        }
        return markers
    }

    private static func loadtxtDelimiter(_ v: Value, comments: [String]) throws -> Unicode.Scalar {
        guard case .string(let s) = v, s.value.unicodeScalars.count == 1, let c = s.value.unicodeScalars.first else {
            throw ADLError.type("Text reading control character must be a single unicode character or None; but got: \(Formatting.repr(v))")
        }
        if c == "\n" || c == "\r" {
            throw ADLError.type("control character 'delimiter' cannot be a newline (`\\r` or `\\n`).")
        }
        if comments.contains(s.value) {
            throw ADLError.type("The values for control characters 'comment' and 'delimiter' are incompatible")
        }
        return c
    }

    private static func loadtxtColumns(_ v: Value) throws -> [Int] {
        let items: [Value]
        switch v {
        case .list(let l): items = l.items
        case .tuple(let t): items = t.items
        case .array(let a) where a.ndim == 1 && !a.isBool: items = a.values.map { .float($0) }
        default: items = [v]
        }
        return try items.map { item in
            switch item {
            case .int(let n): return n
            case .float(let x) where x == x.rounded() && Swift.abs(x) < 9e18: return Int(x)
            default:
                throw ADLError.type("usecols must be an int or a sequence of ints but it contains at least one element of type '\(item.typeName)'")
            }
        }
    }

    private static func nonNegative(_ v: Value?, _ what: String) throws -> Int? {
        guard let v = v.nonNone else { return nil }
        let n = try Coerce.int(v, what: what)
        if n < 0 { throw ADLError.value("\(what) must be nonnegative, not \(n)") }
        return n
    }

    /// `encoding=`: UTF-8 (None, the default) or Latin-1.
    private static func isLatin1(_ v: Value?, _ function: String) throws -> Bool {
        guard let v = v.nonNone else { return false }
        let name = try Coerce.string(v, what: "encoding").lowercased()
        switch name {
        case "utf-8", "utf8", "utf_8", "ascii": return false
        case "latin1", "latin-1", "latin_1", "iso-8859-1", "iso8859-1", "bytes": return true
        default: throw ADLError.value("\(function)(): encoding \(Formatting.quoted(name)) is not supported (utf-8 or latin-1)")
        }
    }
}
