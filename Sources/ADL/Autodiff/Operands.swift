// The operand list of a trace node. Almost every node has at most two
// operands (a binary operator, a unary builtin, a guard); keeping those
// inline means recording a node allocates no array, and a long scalar trace
// (a loop of 1000 steps records thousands of nodes) frees none either. Nodes
// with more operands (calls of several arguments, displays, indexing) keep
// them in an array as before. It reads like the `[Int]` it replaces.

public struct Operands: RandomAccessCollection, Equatable, ExpressibleByArrayLiteral {
    // Inline operands (-1 where absent) when `more` is nil; otherwise all of
    // them are in `more`.
    private var a: Int32
    private var b: Int32
    private var inlineCount: Int8
    private var more: [Int]?

    @inline(__always)
    public init(_ first: Int, _ second: Int) {
        if let x = Int32(exactly: first), let y = Int32(exactly: second) {
            a = x; b = y; inlineCount = 2; more = nil
        } else {
            a = -1; b = -1; inlineCount = 0; more = [first, second]
        }
    }

    @inline(__always)
    public init(_ first: Int) {
        if let x = Int32(exactly: first) {
            a = x; b = -1; inlineCount = 1; more = nil
        } else {
            a = -1; b = -1; inlineCount = 0; more = [first]
        }
    }

    public init() { a = -1; b = -1; inlineCount = 0; more = nil }

    public init(_ ids: [Int]) {
        switch ids.count {
        case 0: self.init()
        case 1: self.init(ids[0])
        case 2: self.init(ids[0], ids[1])
        default: self.init(many: ids)
        }
    }

    private init(many ids: [Int]) { a = -1; b = -1; inlineCount = 0; more = ids }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { more?.count ?? Int(inlineCount) }

    public subscript(position: Int) -> Int {
        if let more { return more[position] }
        precondition(position >= 0 && position < Int(inlineCount), "operand index out of range")
        return Int(position == 0 ? a : b)
    }

    public static func == (l: Operands, r: Operands) -> Bool { l.elementsEqual(r) }
}
