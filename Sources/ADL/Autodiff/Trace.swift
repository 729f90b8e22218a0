// Instrumented execution, step 1 of the autodiff mechanism (SPEC §8).
//
// While a `Trace` is active on the VM, every operation that has a traced
// operand still computes its concrete result as usual, and is also recorded
// as a `Node`: the primitive, the nodes of its operands, and the result.
// A traced value is an NDArray object that the trace knows (by identity);
// traced scalars are 0-d arrays. Untraced operands become constant nodes.
// Control decisions on traced values are recorded as guard nodes, and values
// that cannot carry a node (an int from `argmax`, a bool from `allclose`) are
// guarded on their value, so a compiled trace is only reused when every
// decision comes out the same way.
//
// The nodes are in execution order, which is a topological order; the reverse
// pass (Reverse.swift) appends the gradient's nodes to the same trace.

/// A recorded primitive: what a node computes from its operands.
public enum Primitive {
    /// Argument `k` of the traced function.
    case input(Int)
    /// External input `k`: a global or captured variable holding a value that
    /// an enclosing trace follows; the compiled function receives it after its
    /// arguments.
    case external(Int)
    /// A value that does not depend on the inputs (held in the node).
    case constant
    /// A VM operator on two operands (`+ - * / // % ** @` and comparisons).
    case binary(OpCode)
    /// `-x`, `+x`, `~x`.
    case unary(OpCode)
    /// A builtin call: positional operands, then the keyword operands named here.
    case call(BuiltinFunction, keywords: [String])
    /// `base[indices...]`: operands are the base, then the indices.
    case getIndex
    /// `base[indices...] = value` as a new value: operands are base, value, indices...
    case setIndex
    /// `x.T`.
    case transpose
    /// A list display `[a, b, ...]` (an array when its items are numbers or arrays).
    case display
    /// A tuple `(a, b, ...)` holding traced values.
    case tuple
    /// Stops the compiled trace unless the truth of the operand is as recorded.
    case guardTruth(Bool)
    /// Stops the compiled trace unless the operand equals the recorded value.
    case guardEqual
}

public final class Trace {
    public struct Node {
        public var primitive: Primitive
        public var operands: Operands
        /// The concrete result (a traced NDArray for numeric results).
        public var value: Value
        public var location: SourceLocation?
        /// A traced number recorded by the scalar fast path (Trace+Scalars.swift)
        /// whose 0-d array is not made yet: `value` holds the number until then.
        var isLazy = false
    }

    /// The nodes as recorded; the scalar fast path's numbers may still be lazy.
    /// (Written only by Trace.swift and Trace+Scalars.swift.)
    var storage: [Node] = []
    /// Every node, each traced number a 0-d array (lazy ones are made here, once).
    public var nodes: [Node] {
        if lazyCount > 0 { materializeAll() }
        return storage
    }
    /// Traced NDArray objects by identity → their node.
    var nodeOf = NodeTable<ObjectIdentifier>()
    /// How many nodes are lazy (see Node.isLazy), and none below `firstLazy` is.
    var lazyCount = 0
    var firstLazy = 0
    /// Names this trace in the slots of its lazy numbers (Trace+Scalars.swift).
    let serial: UInt32
    /// Guard nodes, in the order they were recorded.
    public private(set) var guards: [Int] = []
    /// False when the function did something a compiled trace cannot repeat
    /// (drew random numbers, read the clock); its result is then never cached.
    public var isCacheable = true
    /// Where recorded operations are attributed (the VM updates it).
    var location: SourceLocation?
    /// The locations of the chunk whose code `locationsCode` is (VM.noteLocation's cache).
    var locations: [SourceLocation] = []
    var locationsCode: UnsafeMutablePointer<Instruction>?
    /// Held so that its code's address cannot be another chunk's while cached.
    var locationsChunk: Chunk?
    /// True while the reverse pass sets `location` itself (to the node it differentiates).
    var pinsLocation = false
    // MARK: Hook for the gradient printer (Show/): variable names
    /// When non-nil, the name of the local variable each traced node was stored
    /// to (the first one seen), filled in by `VM.noteLocalNames` while tracing.
    /// Nil (the default) costs nothing: only `grad f`/`show` turn it on.
    public var variableNames: [Int: String]?

    /// Where a variable read by the function but not made by it lives.
    public enum Source {
        case global(Int)
        case cell(CellObject)
    }
    /// A variable the function read from outside: either a constant of the
    /// trace (`snapshot`, checked before a compiled trace is reused) or an
    /// external input (`input`, passed to the compiled function).
    public struct External {
        public var source: Source
        public var snapshot: Value?
        public var input: Int?
        public var shape: [Int]
    }
    public private(set) var externals: [External] = []
    // By global slot and by cell (NodeTable: read on every LOAD_GLOBAL while tracing).
    private var externalOfGlobal = NodeTable<Int>()
    private var externalOfCell = NodeTable<ObjectIdentifier>()
    /// The trace that was active when this one started (a gradient inside a gradient).
    public let enclosing: Trace?
    /// Cells with a larger serial were made while tracing.
    let cellSerial: Int

    public init(enclosing: Trace? = nil) {
        self.enclosing = enclosing
        cellSerial = CellObject.created
        serial = Trace.newSerial()
        Trace.register(self)
    }

    deinit { Trace.unregister(serial) }

    /// The value the function sees when it reads a variable from outside.
    func readExternal(_ source: Source, _ v: Value) -> Value {
        if case .cell(let c) = source, c.serial > cellSerial { return v }
        if isTraced(v) { return v }
        let existing: Int?
        switch source {
        case .global(let slot): existing = externalOfGlobal.find(slot, hash: NodeTable<Int>.mix(UInt(bitPattern: slot)))
        case .cell(let c): existing = externalOfCell[ObjectIdentifier(c)]
        }
        if let e = existing {
            if externals[e].input != nil, let n = externalNode[e] { return storage[n].value }
            return v
        }
        let index = externals.count
        switch source {
        case .global(let slot): externalOfGlobal.set(slot, hash: NodeTable<Int>.mix(UInt(bitPattern: slot)), index)
        case .cell(let c): externalOfCell[ObjectIdentifier(c)] = index
        }
        var followed = false
        var t = enclosing
        while let outer = t {
            if outer.isTraced(v) { followed = true; break }
            t = outer.enclosing
        }
        if followed, case .array(let a) = v {
            let k = externals.filter { $0.input != nil }.count
            externals.append(External(source: source, snapshot: nil, input: k, shape: a.shape))
            let traced = add(.external(k), [], .array(a.copy()))
            externalNode[index] = node(of: traced)
            return traced
        }
        externals.append(External(source: source, snapshot: Trace.snapshot(v), input: nil, shape: []))
        return v
    }
    private var externalNode: [Int: Int] = [:]

    /// A copy of `v` that later reads can be compared with (`Trace.same`):
    /// containers are copied item by item, arrays kept by identity (a kept
    /// array is never written in place: the VM copies shared arrays first).
    static func snapshot(_ v: Value) -> Value {
        switch v {
        case .list(let l): return .list(ListObject(l.items.map { snapshot($0) }))
        case .record(let r): return .record(RecordObject(keys: r.keys, values: r.values.map { snapshot($0) }))
        case .tuple(let t): return .tuple(TupleObject(t.items.map { snapshot($0) }))
        default: return v
        }
    }

    /// Whether `v` is still what `snapshot` recorded.
    static func same(_ v: Value, _ snapshot: Value) -> Bool {
        switch (v, snapshot) {
        case (.array(let a), .array(let b)): return a === b
        case (.list(let a), .list(let b)):
            return a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { same($0, $1) }
        case (.record(let a), .record(let b)):
            return a.keys == b.keys && zip(a.values, b.values).allSatisfy { same($0, $1) }
        case (.tuple(let a), .tuple(let b)):
            return a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { same($0, $1) }
        case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        case (.string(let a), .string(let b)): return a.value == b.value
        default: return Operators.identical(v, snapshot)
        }
    }

    // MARK: - Queries

    /// The node of a traced value, nil for a value the trace does not know.
    public func node(of v: Value) -> Int? {
        if case .array(let a) = v { return nodeOf[ObjectIdentifier(a)] }
        return nil
    }

    /// True when `v` or (one level down) an item of a tuple or list is traced.
    public func isTraced(_ v: Value) -> Bool {
        switch v {
        case .array(let a): return nodeOf[ObjectIdentifier(a)] != nil
        case .tuple(let t): return t.items.contains { isTraced($0) }
        case .list(let l): return l.items.contains { isTraced($0) }
        default: return false
        }
    }

    public func isTraced(_ args: Arguments) -> Bool {
        args.positional.contains { isTraced($0) } || args.keywords.contains { isTraced($0.value) }
    }

    // MARK: - Recording

    /// A new input node holding `v` (a number or array, made a fresh float array).
    public func input(_ k: Int, _ v: Value) throws -> Value {
        return add(.input(k), [], .array(try Coerce.array(v).asFloat()))
    }

    /// The node for operand `v`: its own if traced, else a new constant.
    func operand(_ v: Value) -> Int {
        switch v {
        case .array(let a):
            if let n = nodeOf[ObjectIdentifier(a)] { return n }
        case .tuple(let t) where isTraced(v):
            let items = t.items.map { operand($0) }
            return append(Node(primitive: .tuple, operands: Operands(items), value: v, location: location))
        default: break
        }
        return constant(v)
    }

    /// A constant node holding `v`.
    public func constant(_ v: Value) -> Int {
        // The float constant used last (a loop's `0.01`): the node the table holds for it.
        if case .float(let x) = v, x.bitPattern == lastFloatBits, lastFloatNode >= 0 { return lastFloatNode }
        // Numbers are shared by value, so equal subexpressions have equal operands (CSE).
        let key: ConstantKey?
        switch v {
        case .int(let i): key = .int(i)
        case .float(let x): key = .float(x.bitPattern)
        case .bool(let b): key = .bool(b)
        case .none: key = ConstantKey.nothing
        case .slice(let sl):
            func part(_ v: Value) -> Int? {
                switch v {
                case .none: return Int.min
                case .int(let i): return i
                default: return nil
                }
            }
            if let a = part(sl.start), let b = part(sl.stop), let c = part(sl.step) { key = .slice(a, b, c) } else { key = nil }
        case .tuple(let t) where t.items.count == 1:
            // A one-index tuple of an int (the index operand of index_add).
            if case .int(let i) = t.items[0] { key = .index(i) } else { key = nil }
        default: key = nil
        }
        if let key, let n = constantNodes.find(key, hash: key.hash) {
            if case .float(let bits) = key { lastFloatBits = bits; lastFloatNode = n }
            return n
        }
        let n = append(Node(primitive: .constant, operands: [], value: v, location: location))
        if let key {
            constantNodes.set(key, hash: key.hash, n)
            if case .float(let bits) = key { lastFloatBits = bits; lastFloatNode = n }
        }
        return n
    }
    private var lastFloatBits: UInt64 = 0
    private var lastFloatNode = -1

    private enum ConstantKey: Equatable {
        case int(Int), float(UInt64), bool(Bool), nothing
        case slice(Int, Int, Int), index(Int)

        /// For NodeTable: the case and its payload mixed.
        var hash: Int {
            let h: UInt
            switch self {
            case .int(let i): h = UInt(bitPattern: i) &* 8
            case .float(let bits): h = UInt(bits) &* 8 &+ 1
            case .bool(let b): h = b ? 10 : 18
            case .nothing: h = 3
            case .slice(let a, let b, let c):
                h = ((UInt(bitPattern: a) &* 31 &+ UInt(bitPattern: b)) &* 31 &+ UInt(bitPattern: c)) &* 8 &+ 4
            case .index(let i): h = UInt(bitPattern: i) &* 8 &+ 5
            }
            return NodeTable<ConstantKey>.mix(h)
        }
    }
    private var constantNodes = NodeTable<ConstantKey>()

    /// Common-subexpression elimination: a pure node already recorded with the
    /// same primitive and operands. The key is plain data (no references to
    /// retain when it is built, copied into the table or compared), because
    /// one is made for every recorded operation.
    struct NodeKey: Equatable {
        /// The primitive (see `cseKey`): an operator's code, a tag, or a call.
        var kind: Int
        /// The builtin of a call (its object's address), 0 otherwise.
        var builtin: UInt
        /// A call's keyword names, as their index in `keywordLists`.
        var keywords: Int
        // The operands inline (no array to allocate and hash for the usual one
        // to three), the rest in `more`; -1 where there is no operand.
        var first: Int, second: Int, third: Int
        /// Operands past the third, as their index in `Trace.wideOperands` (-1: none).
        var more: Int

        /// The key of `ids` (3 or fewer operands; see `Trace.nodeKey` for more).
        init(_ kind: Int, _ ids: Operands, builtin: UInt = 0, keywords: Int = 0, more: Int = -1) {
            self.kind = kind
            self.builtin = builtin
            self.keywords = keywords
            let count = ids.count
            first = count > 0 ? ids[0] : -1
            second = count > 1 ? ids[1] : -1
            third = count > 2 ? ids[2] : -1
            self.more = more
        }

        /// For NodeTable: the operands, the kind, the builtin and its keywords mixed.
        var hash: Int {
            var h = UInt(bitPattern: first) &* 31 &+ UInt(bitPattern: second)
            h = h &* 31 &+ UInt(bitPattern: third)
            h = h &* 31 &+ UInt(bitPattern: more)
            h = h &* 31 &+ UInt(bitPattern: kind)
            h = (h &* 31 &+ (builtin >> 4)) &* 31 &+ UInt(bitPattern: keywords)
            return NodeTable<NodeKey>.mix(h)
        }
    }
    /// `NodeKey.kind` of the primitives other than operators (whose codes are below 512).
    static let getIndexKind = 512, transposeKind = 513, callKind = 514
    /// The keyword-name lists of recorded calls (index 0: none), for `NodeKey.keywords`.
    private var keywordLists: [[String]] = [[]]

    private func keywordsIndex(_ names: [String]) -> Int {
        if names.isEmpty { return 0 }
        if let k = keywordLists.firstIndex(of: names) { return k }
        keywordLists.append(names)
        return keywordLists.count - 1
    }
    /// The pure nodes by key, for CSE. Lazy numbers recorded without looking for
    /// a twin are entered later, in order (`unindexed`, `indexUnindexed`): call
    /// `indexUnindexed` before reading or adding to it.
    var pureNodes = NodeTable<NodeKey>()
    /// Lazy numbers not in `pureNodes` yet, in recording order (see `recordLazy`).
    var unindexed: [Int] = []

    /// Enters the nodes of `unindexed` in `pureNodes`, as `recordLazy` would have
    /// when it recorded them. None can have a twin there: it has an operand that
    /// was the last node when it was recorded, so any node with its key came
    /// later, and looked in `pureNodes` (indexing these first).
    func indexUnindexed() {
        pureNodes.reserveCapacity(unindexed.count)
        for n in unindexed {
            guard let key = cseKey(storage[n].primitive, storage[n].operands) else { continue }
            _ = pureNodes.find(key, hash: key.hash, orInsert: n)
        }
        unindexed.removeAll()
    }

    /// Room for `count` more nodes, so that a long reverse pass does not keep
    /// growing (and rehashing) the tables.
    func reserveCapacity(_ count: Int) {
        storage.reserveCapacity(storage.count + count)
        nodeOf.reserveCapacity(count)
        pureNodes.reserveCapacity(count)
    }

    private func cseKey(_ primitive: Primitive, _ ids: Operands) -> NodeKey? {
        // Operands past the third, interned: equal lists get equal indices.
        var more = -1
        if ids.count > 3 {
            let rest = Array(ids[3...])
            if let k = wideOperandIndex[rest] {
                more = k
            } else {
                more = wideOperandIndex.count
                wideOperandIndex[rest] = more
            }
        }
        switch primitive {
        case .binary(let op): return NodeKey(Int(op.rawValue), ids, more: more)
        case .unary(let op): return NodeKey(256 + Int(op.rawValue), ids, more: more)
        case .getIndex: return NodeKey(Trace.getIndexKind, ids, more: more)
        case .transpose: return NodeKey(Trace.transposeKind, ids, more: more)
        case .call(let b, let keywords) where isPure(b):
            return NodeKey(Trace.callKind, ids, builtin: UInt(bitPattern: ObjectIdentifier(b)),
                           keywords: keywordsIndex(keywords), more: more)
        default: return nil
        }
    }
    /// The operand lists past the third of the nodes with more than three (see NodeKey.more).
    private var wideOperandIndex: [[Int]: Int] = [:]

    /// Per builtin (by identity): 1 when pure, 0 when not (see `pure`).
    private var purity = NodeTable<ObjectIdentifier>()

    func isPure(_ b: BuiltinFunction) -> Bool {
        let id = ObjectIdentifier(b)
        if let known = purity[id] { return known == 1 }
        let pure = Trace.pure(b.name)
        purity[id] = pure ? 1 : 0
        return pure
    }

    /// Per builtin (by identity): its index in `unaryOperations`, or -1 (see `scalarUnary`).
    private var unaryOperation = NodeTable<ObjectIdentifier>()
    private var unaryOperations: [ElementwiseUnary] = []

    /// The elementwise operation of a unary maths builtin (`sin`, `exp`...),
    /// which computes `op.apply(x)` for a float `x`; nil for any other builtin.
    /// Only the VM's own registered builtin of that name qualifies.
    func scalarUnary(_ b: BuiltinFunction, _ vm: VM) -> ElementwiseUnary? {
        // A loop calls the same builtin again and again: the last answer first.
        if b === lastUnaryBuiltin, let op = lastUnaryOperation { return op }
        guard let op = lookUpScalarUnary(b, vm) else { return nil }
        lastUnaryBuiltin = b
        lastUnaryOperation = op
        return op
    }
    /// The maths builtin `scalarUnary` last found (one the VM registered, so holding it
    /// makes no cycle; held, so its identity stays its own), and its operation.
    private var lastUnaryBuiltin: BuiltinFunction?
    private var lastUnaryOperation: ElementwiseUnary?

    private func lookUpScalarUnary(_ b: BuiltinFunction, _ vm: VM) -> ElementwiseUnary? {
        let id = ObjectIdentifier(b)
        if let known = unaryOperation[id] { return known >= 0 ? unaryOperations[known] : nil }
        guard let op = Trace.scalarUnaryNames[b.name], vm.builtins.function(named: b.name) === b else {
            unaryOperation[id] = -1
            return nil
        }
        unaryOperation[id] = unaryOperations.count
        unaryOperations.append(op)
        return op
    }

    /// The elementwise operation `scalarUnary` found for `b` while recording, nil if none.
    func recordedUnary(_ b: BuiltinFunction) -> ElementwiseUnary? {
        guard let known = unaryOperation[ObjectIdentifier(b)], known >= 0 else { return nil }
        return unaryOperations[known]
    }

    /// The unary maths builtins whose float case is plain `op.apply` (Library+Elementwise).
    private static let scalarUnaryNames: [String: ElementwiseUnary] = [
        "sin": .sin, "cos": .cos, "tan": .tan, "exp": .exp, "log": .log, "sqrt": .sqrt, "tanh": .tanh,
        "sinh": .sinh, "cosh": .cosh, "arctan": .arctan, "arcsin": .arcsin, "arccos": .arccos,
        "log1p": .log1p, "expm1": .expm1, "log2": .log2, "log10": .log10, "exp2": .exp2,
        "square": .square, "abs": .abs, "absolute": .abs, "fabs": .abs, "negative": .neg, "positive": .pos,
    ]

    /// Builtins whose result depends only on their arguments.
    static func pure(_ name: String) -> Bool {
        !(name.hasPrefix("random.") || name == "time" || name == "print" || name == "load" || name == "loadtxt"
          || name == "save" || name == "savetxt")
    }

    /// Records `primitive` applied to `operands` with the concrete `result`, and
    /// returns the result as a traced value (see the file comment).
    @discardableResult
    public func record(_ primitive: Primitive, _ operands: [Value], result: Value) -> Value {
        // Operand nodes in order (a constant operand may append a node), inline for one or two.
        switch operands.count {
        case 1:
            return add(primitive, Operands(operand(operands[0])), result)
        case 2:
            let first = operand(operands[0])
            return add(primitive, Operands(first, operand(operands[1])), result)
        default:
            return add(primitive, Operands(operands.map { operand($0) }), result)
        }
    }

    /// `record` of two operands whose nodes the caller has looked up already
    /// (nil for an operand the trace does not know as an array).
    func record(_ primitive: Primitive, _ left: Value, _ leftNode: Int?, _ right: Value, _ rightNode: Int?,
                result: Value) -> Value {
        let first = leftNode ?? operand(left)
        return add(primitive, Operands(first, rightNode ?? operand(right)), result)
    }

    /// Records a node over existing operand nodes.
    func add(_ primitive: Primitive, _ ids: Operands, _ result: Value) -> Value {
        let key = cseKey(primitive, ids)
        let hash = key?.hash ?? 0
        if key != nil && !unindexed.isEmpty { indexUnindexed() }
        if let key, let n = pureNodes.find(key, hash: hash) {
            if storage[n].isLazy { materialize(n) }
            if case .array = storage[n].value { return storage[n].value }
        }
        let value = addNode(primitive, ids, result)
        if let key, let n = node(of: value) { pureNodes.set(key, hash: hash, n) }
        return value
    }

    private func addNode(_ primitive: Primitive, _ ids: Operands, _ result: Value) -> Value {
        switch result {
        case .array(let a):
            // A result may be an operand's own object (`+x`): give the node its own.
            let fresh = nodeOf[ObjectIdentifier(a)] != nil ? a.copy() : a
            let n = append(Node(primitive: primitive, operands: ids, value: .array(fresh), location: location))
            nodeOf[ObjectIdentifier(fresh)] = n
            return .array(fresh)
        case .float(let x):
            let fresh = NDArray.scalar(x)
            let n = append(Node(primitive: primitive, operands: ids, value: .array(fresh), location: location))
            nodeOf[ObjectIdentifier(fresh)] = n
            return .array(fresh)
        case .int, .bool:
            // Cannot carry a node: the value is guarded and used as a constant.
            let n = append(Node(primitive: primitive, operands: ids, value: result, location: location))
            guardValue(n, result)
            return result
        case .tuple(let t):
            let n = append(Node(primitive: primitive, operands: ids, value: result, location: location))
            var items: [Value] = []
            for (k, item) in t.items.enumerated() {
                let index = constant(.int(k))
                items.append(add(.getIndex, Operands(n, index), item))
            }
            return .tuple(TupleObject(items))
        default:
            return result
        }
    }

    /// Records that the truth of traced `v` was `outcome`.
    public func guardTruth(_ v: Value, _ outcome: Bool) {
        guard let n = node(of: v) else { return }
        guards.append(append(Node(primitive: .guardTruth(outcome), operands: Operands(n), value: .bool(outcome), location: location)))
    }

    /// Records that traced `v` equalled `expected`.
    public func guardEqual(_ v: Value, _ expected: Value) {
        guardValue(operand(v), expected)
    }

    private func guardValue(_ n: Int, _ v: Value) {
        let expected = constant(v)
        guards.append(append(Node(primitive: .guardEqual, operands: Operands(n, expected), value: v, location: location)))
    }

    func append(_ node: Node) -> Int {
        if !node.isLazy && isScalarTape {
            switch node.primitive {
            case .input, .constant: break
            default: isScalarTape = false
            }
        }
        storage.append(node)
        return storage.count - 1
    }

    /// True while every node is an input, a constant or a number recorded by the
    /// scalar fast path (Trace+Scalars.swift: `+ - * / **` and unary maths of
    /// numbers): no guard, no array operation, no other builtin. Such a trace is
    /// a straight-line program of numbers that LeanReverse can run again at new
    /// arguments (`LeanReverse.replay`).
    private(set) var isScalarTape = true

    /// The concrete value of a traced value as a plain value the trace does not
    /// know (a 0-d array becomes a float).
    public static func concrete(_ v: Value) -> Value {
        switch v {
        case .array(let a): return Value.wrap(a.copy())
        case .tuple(let t): return .tuple(TupleObject(t.items.map { concrete($0) }))
        default: return v
        }
    }
}
