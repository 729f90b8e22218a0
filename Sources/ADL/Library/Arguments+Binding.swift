// Binding a builtin's arguments to its parameter names, with the error
// messages Python gives for wrong counts and unknown keywords.

extension Arguments {
    /// Binds positional and keyword arguments to `params`; the first `required`
    /// parameters must be given. Returns one optional value per parameter.
    public func bind(_ function: String, _ params: [String], required: Int) throws -> [Value?] {
        if positional.count > params.count {
            let takes = required == params.count ? "\(params.count)" : "from \(required) to \(params.count)"
            throw ADLError.argument("\(function)() takes \(takes) positional argument\(params.count == 1 ? "" : "s") but \(positional.count) \(positional.count == 1 ? "was" : "were") given")
        }
        var out = [Value?](repeating: nil, count: params.count)
        for (i, v) in positional.enumerated() { out[i] = v }
        for kw in keywords {
            guard let i = params.firstIndex(of: kw.name) else {
                var error = ADLError.argument("\(function)() got an unexpected keyword argument '\(kw.name)'")
                if let s = Suggestions.closest(to: kw.name, among: params) { error.notes.append("did you mean '\(s)'?") }
                throw error
            }
            if out[i] != nil { throw ADLError.argument("\(function)() got multiple values for argument '\(kw.name)'") }
            out[i] = kw.value
        }
        let missing = (0..<required).filter { out[$0] == nil }.map { "'\(params[$0])'" }
        if !missing.isEmpty {
            throw ADLError.argument("\(function)() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(missing.joined(separator: ", "))")
        }
        return out
    }

    /// Exactly `count` positional arguments and no keywords.
    public func exactly(_ function: String, _ count: Int) throws -> [Value] {
        if let kw = keywords.first {
            throw ADLError.argument("\(function)() got an unexpected keyword argument '\(kw.name)'")
        }
        guard positional.count == count else {
            throw ADLError.argument("\(function)() takes exactly \(count) argument\(count == 1 ? "" : "s") (\(positional.count) given)")
        }
        return positional
    }
}

extension Optional where Wrapped == Value {
    /// nil for a missing argument or an explicit None.
    var nonNone: Value? {
        if case .some(.none) = self { return nil }
        return self
    }
}
