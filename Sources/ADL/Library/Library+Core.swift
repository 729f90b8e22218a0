// Core builtins: print, len, range, conversions, time, dis, help, isclose.


extension Library {
    static func registerCore(_ t: BuiltinTable) {
        t.register("print") { vm, args in
            let bound = try Arguments(args.positional.isEmpty ? [] : [], keywords: args.keywords)
                .bind("print", ["sep", "end", "flush"], required: 0)
            let sep = try bound[0].nonNone.map { try Coerce.string($0, what: "sep") } ?? " "
            let end = try bound[1].nonNone.map { try Coerce.string($0, what: "end") } ?? "\n"
            vm.write(args.positional.map(Formatting.str).joined(separator: sep) + end)
            return .none
        }
        t.register("len") { _, args in
            let v = try args.exactly("len", 1)[0]
            switch v {
            case .array(let a):
                guard let n = a.shape.first else { throw ADLError.type("len() of unsized object (a 0-d array)") }
                return .int(n)
            case .tuple(let x): return .int(x.items.count)
            case .list(let x): return .int(x.items.count)
            case .string(let s): return .int(s.value.count)
            case .record(let r): return .int(r.keys.count)
            case .iterator(let it):
                if case .range(let start, let stop, let step) = it.source {
                    let n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / (-step)
                    return .int(max(0, n))
                }
                throw ADLError.type("object of type 'iterator' has no len()")
            default: throw ADLError.type("object of type '\(v.typeName)' has no len()")
            }
        }
        t.register("range") { _, args in
            if let kw = args.keywords.first { throw ADLError.argument("range() got an unexpected keyword argument '\(kw.name)'") }
            let p = args.positional
            guard (1...3).contains(p.count) else {
                throw ADLError.argument("range expected at most 3 arguments, got \(p.count)")
            }
            let start = p.count == 1 ? 0 : try Operators.rangeInt(p[0], "start")
            let stop = try Operators.rangeInt(p.count == 1 ? p[0] : p[1], "stop")
            let step = p.count == 3 ? try Operators.rangeInt(p[2], "step") : 1
            if step == 0 { throw ADLError.value("range() arg 3 must not be zero") }
            return .iterator(IteratorObject(.range(start: start, stop: stop, step: step)))
        }
        t.register("str") { _, args in
            let p = try args.bind("str", ["object"], required: 0)
            return .string(p[0].map(Formatting.str) ?? "")
        }
        t.register("repr") { _, args in .string(Formatting.repr(try args.exactly("repr", 1)[0])) }
        t.register("float") { _, args in
            let p = try args.bind("float", ["x"], required: 0)
            guard let v = p[0] else { return .float(0) }
            if case .string(let s) = v {
                let text = s.value.trimmed.lowercased()
                switch text {
                case "inf", "+inf", "infinity": return .float(.infinity)
                case "-inf", "-infinity": return .float(-.infinity)
                case "nan", "+nan", "-nan": return .float(.nan)
                default:
                    guard let x = Double(text) else { throw ADLError.value("could not convert string to float: \(Formatting.quoted(s.value))") }
                    return .float(x)
                }
            }
            return .float(try Coerce.double(v, what: "float() argument"))
        }
        t.register("int") { _, args in
            let p = try args.bind("int", ["x"], required: 0)
            guard let v = p[0] else { return .int(0) }
            switch v {
            case .string(let s):
                guard let i = Int(s.value.trimmed) else {
                    throw ADLError.value("invalid literal for int() with base 10: \(Formatting.quoted(s.value))")
                }
                return .int(i)
            default:
                let x = try Coerce.double(v, what: "int() argument")
                guard x.isFinite else { throw ADLError.value("cannot convert float \(NumberFormat.pythonFloat(x)) to integer") }
                guard abs(x) < 9.2e18 else { throw ADLError(.overflow, "integer overflow converting \(NumberFormat.pythonFloat(x)) to int") }
                return .int(Int(x.rounded(.towardZero)))
            }
        }
        t.register("bool") { _, args in
            let p = try args.bind("bool", ["x"], required: 0)
            guard let v = p[0] else { return .bool(false) }
            return .bool(try Operators.truth(v))
        }
        t.register("tuple") { _, args in
            let p = try args.bind("tuple", ["iterable"], required: 0)
            guard let v = p[0] else { return .tuple([]) }
            return .tuple(try elements(v))
        }
        t.register("list") { _, args in
            let p = try args.bind("list", ["iterable"], required: 0)
            guard let v = p[0] else { return .list(ListObject([])) }
            return .list(ListObject(try elements(v)))
        }
        t.register("dict") { _, args in
            guard args.positional.isEmpty else { throw ADLError.argument("dict() takes keyword arguments only, e.g. dict(maxiter=100)") }
            let r = RecordObject()
            for kw in args.keywords { r.set(kw.name, kw.value) }
            return .record(r)
        }
        t.register("time") { _, args in
            _ = try args.exactly("time", 0)
            return .float(System.epochSeconds())
        }
        t.register("process_time") { _, args in
            _ = try args.exactly("process_time", 0)
            return .float(System.processCPUSeconds())
        }
        t.register("isclose") { _, args in
            let p = try args.bind("isclose", ["a", "b", "rtol", "atol", "equal_nan"], required: 2)
            return try closeness(p, all: false)
        }
        t.register("allclose") { _, args in
            let p = try args.bind("allclose", ["a", "b", "rtol", "atol", "equal_nan"], required: 2)
            return try closeness(p, all: true)
        }
        t.register("dis") { vm, args in
            // dis(f), and dis(grad(f), x, ...): the compiled gradient for those arguments' shapes.
            guard let first = args.positional.first else {
                throw ADLError.argument("dis() missing 1 required positional argument: 'f'")
            }
            if case .builtin(let b) = first, let d = b.payload as? Differentiator {
                let rest = Arguments(Array(args.positional.dropFirst()), keywords: args.keywords)
                if rest.positional.isEmpty {
                    throw ADLError.argument("dis(\(b.name), ...) needs example arguments: the gradient is compiled for their shapes")
                }
                vm.write(Disassembler.disassemble(try d.compiled(vm, rest), globals: vm.globals.names, builtins: vm.builtins.names))
                return .none
            }
            let p = try args.bind("dis", ["f"], required: 1)
            guard case .function(let f) = p[0] ?? .none else {
                throw ADLError.type("dis() needs a function defined in ADL, not '\((p[0] ?? .none).typeName)'")
            }
            vm.write(Disassembler.disassemble(f.proto, globals: vm.globals.names, builtins: vm.builtins.names))
            return .none
        }
        t.register("help") { vm, args in
            let p = try args.bind("help", ["name"], required: 0)
            var name: String?
            switch p[0] {
            case .some(.builtin(let b)): name = b.name
            case .some(.string(let s)): name = s.value
            case .some(.function(let f)):
                vm.write("\(f.proto.name): a function defined in ADL\n")
                return .none
            case nil, .some(.none): name = nil
            case .some(let v): name = v.typeName
            }
            vm.write(Library.help(for: name, in: vm.builtins) + "\n")
            return .none
        }
    }

    /// What `help(name)` prints: the registry's entry, or the list of topics.
    static func help(for name: String?, in table: BuiltinTable) -> String {
        guard let name else {
            let names = Docs.all.map(\.name).sorted()
            return "ADL builtins (help(name) or :help name for one of them):\n\n" + columns(names, width: 78)
        }
        if let doc = Docs.entry(name) { return doc.text }
        if table.function(named: name) != nil { return "\(name): a builtin with NumPy's semantics (SPEC §7)." }
        var text = "no help for '\(name)'"
        if let s = Suggestions.closest(to: name, among: Docs.all.map(\.name)) { text += "; did you mean '\(s)'?" }
        return text
    }

    /// `words` laid out in columns, left to right, within `width` characters.
    static func columns(_ words: [String], width: Int) -> String {
        let cell = (words.map(\.count).max() ?? 0) + 2
        let perLine = Swift.max(1, width / cell)
        var lines: [String] = []
        var i = 0
        while i < words.count {
            let row = words[i..<Swift.min(i + perLine, words.count)]
            lines.append(row.map { $0 + String(repeating: " ", count: cell - $0.count) }.joined().trimmed)
            i += perLine
        }
        return lines.joined(separator: "\n")
    }

    static func elements(_ v: Value) throws -> [Value] {
        if case .array(let a) = v { try Operators.checkRowCount(a) }
        let it = try Operators.iterator(v)
        var out: [Value] = []
        while let x = try Operators.next(it) { out.append(x) }
        return out
    }

    static func closeness(_ p: [Value?], all: Bool) throws -> Value {
        guard let av = p[0], let bv = p[1] else { return .bool(false) }
        let rtol = try p[2].nonNone.map { try Coerce.double($0) } ?? 1e-5
        let atol = try p[3].nonNone.map { try Coerce.double($0) } ?? 1e-8
        let equalNaN = try bool(p[4], default: false)
        let a = try Coerce.array(av), b = try Coerce.array(bv)
        let shape = try NDArray.broadcastShapes(a.shape, b.shape)
        let x = try a.broadcast(to: shape), y = try b.broadcast(to: shape)
        let out = try NDArray(shape: shape, isBool: true)
        var every = true
        for i in 0..<out.count {
            let u = x.data[i], v = y.data[i]
            var close: Bool
            if u.isNaN || v.isNaN { close = equalNaN && u.isNaN && v.isNaN }
            else if u.isInfinite || v.isInfinite { close = u == v }
            else { close = abs(u - v) <= atol + rtol * abs(v) }
            out.data[i] = close ? 1 : 0
            every = every && close
        }
        return all ? .bool(every) : Value.wrap(out)
    }
}
