// Attribute access: array properties (`x.T`, `x.shape`), array methods
// (`x.sum`, bound to the receiver), and record fields (`r.maxiter`).

extension VM {
    func attribute(_ x: Value, _ name: String) throws -> Value {
        switch x {
        case .array, .float, .int, .bool:
            let a = try Coerce.array(x)
            switch name {
            case "T": return Value.wrap(a.transposed())
            case "shape": return .tuple(a.shape.map { .int($0) })
            case "ndim": return .int(a.ndim)
            case "size": return .int(a.count)
            case "dtype": return .string(a.isBool ? "bool" : "float64")
            default: break
            }
            if let method = builtins.arrayMethods[name] {
                return .boundMethod(BoundMethod(receiver: x, method: method))
            }
            var error = ADLError(.name, "'array' object has no attribute '\(name)'")
            if let s = Suggestions.closest(to: name, among: Array(builtins.arrayMethods.keys) + ["T", "shape", "ndim", "size"]) {
                error.notes.append("did you mean '\(s)'?")
            }
            throw error
        case .record(let r):
            if let v = r[name] { return v }
            var error = ADLError(.name, "record has no field '\(name)'")
            if let s = Suggestions.closest(to: name, among: r.keys) { error.notes.append("did you mean '\(s)'?") }
            throw error
        default:
            throw ADLError(.name, "'\(x.typeName)' object has no attribute '\(name)'")
        }
    }

    func setAttribute(_ x: Value, _ name: String, _ value: Value) throws {
        guard case .record(let r) = x else {
            throw ADLError.type("cannot set attribute '\(name)' of a '\(x.typeName)' value")
        }
        r.set(name, value)
    }
}
