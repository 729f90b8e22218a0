// The symbolic expression tree of the gradient printer (SPEC §9): a
// gradient written in ADL's own surface syntax, before it is printed.
//
// A `Sym` is immutable and compared structurally. Every node carries the
// concrete shape it had at the traced point: the printer never prints a
// shape, but the simplifier uses shapes to decide when a broadcast is
// implied (so `ones_like(x) * g` may drop its `ones_like`) and when a sum
// is needed to undo one. Sums and products are n-ary and kept canonical by
// the smart constructors in Sym+Simplify.swift, so equal terms compare equal.

/// One part of an index `x[...]`.
enum IndexPart: Hashable {
    case int(Int)
    case slice(Int?, Int?, Int?)
    case newAxis

    var text: String {
        switch self {
        case .int(let i): return String(i)
        case .newAxis: return "None"
        case .slice(let a, let b, let c):
            var s = (a.map(String.init) ?? "") + ":" + (b.map(String.init) ?? "")
            if let c { s += ":" + String(c) }
            return s
        }
    }
}

final class Sym: Hashable, CustomStringConvertible {
    enum Op: Hashable {
        /// A float or int constant.
        case number(Double)
        /// A function argument, a global, or a `let` name.
        case variable(String)
        /// Text printed as is (an axis tuple, `True`): keyword values only.
        case literal(String)
        /// The n-ary sum of the operands.
        case add
        /// The n-ary product of the operands; a number operand comes first.
        case mul
        /// operand 0 ** operand 1.
        case pow
        /// operand 0 @ operand 1.
        case matmul
        /// A comparison or another binary operator printed as is (`>`, `==`, `//`, `%`).
        case binary(String)
        /// A builtin call: the positional operands, then the keyword operands named here.
        case call(String, keywords: [String])
        /// operand 0 `.T`.
        case transpose
        /// operand 0 `[parts]`.
        case index([IndexPart])
    }

    let op: Op
    let args: [Sym]
    let shape: [Int]
    /// The number of nodes of the tree (shared subtrees counted at each use), saturating:
    /// what printing it without names would cost (SymbolicGradient caps it).
    let treeSize: Int
    private let hash: Int
    /// The canonical text, used to order terms and factors deterministically.
    private(set) lazy var key: String = ADLPrinter.flat(self)

    init(_ op: Op, _ args: [Sym] = [], shape: [Int]) {
        self.op = op
        self.args = args
        self.shape = shape
        var size = 1
        for a in args { size = size.addingReportingOverflow(a.treeSize).overflow ? Int.max : size + a.treeSize }
        treeSize = size
        var h = Hasher()
        h.combine(op)
        for a in args { h.combine(a.hash) }
        hash = h.finalize()
    }

    static func == (a: Sym, b: Sym) -> Bool {
        a === b || (a.hash == b.hash && a.op == b.op && a.args == b.args)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    var description: String { key }

    // MARK: - Queries

    var number: Double? {
        if case .number(let x) = op { return x }
        return nil
    }

    var isLeaf: Bool {
        switch op {
        case .number, .variable, .literal: return true
        default: return false
        }
    }

    var isScalar: Bool { shape.isEmpty }

    /// The number of operations in the printed form (operators, calls, indexing,
    /// attributes; a leading minus counts as one): the size the simplifier minimises.
    private(set) lazy var operationCount: Int = countOperations()

    private func countOperations() -> Int {
        switch op {
        case .number(let x): return x < 0 ? 1 : 0
        case .variable, .literal: return 0
        case .add:
            return args.count - 1 + args.reduce(0) { $0 + $1.operationCount }
        case .mul:
            // `-1 * x` prints as `-x`, `x * y ** -1` as `x / y`: one operator each.
            var n = args.count - 1
            for a in args {
                if case .pow = a.op, a.args[1].number == -1 { n += a.args[0].operationCount } else { n += a.operationCount }
            }
            return args.first?.number == -1 ? n - 1 : n
        default:
            return 1 + args.reduce(0) { $0 + $1.operationCount }
        }
    }

    /// The nodes of the tree, each once, children before parents.
    func postorder(into out: inout [Sym], seen: inout Set<Sym>) {
        guard !seen.contains(self) else { return }
        seen.insert(self)
        for a in args { a.postorder(into: &out, seen: &seen) }
        out.append(self)
    }

    /// This tree with every node equal to a key of `map` replaced by its value.
    func substituting(_ map: [Sym: Sym]) -> Sym {
        var done: [ObjectIdentifier: Sym] = [:]
        return substituting(map, &done)
    }

    private func substituting(_ map: [Sym: Sym], _ done: inout [ObjectIdentifier: Sym]) -> Sym {
        if let r = done[ObjectIdentifier(self)] { return r }
        var result = self
        if let r = map[self] { result = r } else if !args.isEmpty {
            let new = args.map { $0.substituting(map, &done) }
            if new != args { result = Sym(op, new, shape: shape) }
        }
        done[ObjectIdentifier(self)] = result
        return result
    }
}
