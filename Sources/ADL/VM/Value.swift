// Runtime values. A `Value` is an enum of at most one machine word of payload
// plus a tag: ints, floats and bools are unboxed; everything else is a single
// class reference. Arrays have value semantics: the VM copies an array's
// storage before writing into it unless the reference is unique
// (copy-on-write), so `y = x; y[0] = 5` leaves `x` unchanged.

/// One ADL value.
public enum Value {
    /// An unassigned variable slot; never visible to programs.
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case array(NDArray)
    case string(StringObject)
    case tuple(TupleObject)
    case list(ListObject)
    case record(RecordObject)
    case function(FunctionObject)
    case builtin(BuiltinFunction)
    /// A builtin method with its receiver (`x.sum`).
    case boundMethod(BoundMethod)
    /// A captured variable's box; lives only in local slots of the function that owns it.
    case cell(CellObject)
    /// `a:b:c` inside a subscript; lives only on the stack between BUILD_SLICE and an index op.
    case slice(SliceObject)
    /// A `for` loop's iteration state; lives only on the stack.
    case iterator(IteratorObject)
}

// MARK: - Heap objects

/// An immutable string.
public final class StringObject {
    public let value: String
    public init(_ value: String) { self.value = value }
}

/// An immutable tuple.
public final class TupleObject {
    public let items: [Value]
    public init(_ items: [Value]) { self.items = items }
}

/// A mutable list (a display that is not an array: ragged, or holding non-numbers).
public final class ListObject {
    public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
}

/// A string-keyed dictionary that keeps insertion order (`{"maxiter": 100}`).
public final class RecordObject {
    public private(set) var keys: [String]
    public private(set) var values: [Value]

    public init(keys: [String] = [], values: [Value] = []) {
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> Value? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return values[index]
    }

    public func set(_ key: String, _ value: Value) {
        if let index = keys.firstIndex(of: key) {
            values[index] = value
        } else {
            keys.append(key)
            values.append(value)
        }
    }

    @discardableResult
    public func remove(_ key: String) -> Bool {
        guard let index = keys.firstIndex(of: key) else { return false }
        keys.remove(at: index)
        values.remove(at: index)
        return true
    }
}

/// The box of a variable captured by an inner function.
public final class CellObject {
    public var value: Value
    /// Creation order: a trace tells the cells that existed before it started
    /// (whose values are external to it) from the ones its function made.
    public let serial: Int
    nonisolated(unsafe) static var created = 0

    public init(_ value: Value) {
        self.value = value
        CellObject.created &+= 1
        serial = CellObject.created
    }
}

/// A slice with its parts evaluated (`nil` where omitted).
public final class SliceObject {
    public let start: Value
    public let stop: Value
    public let step: Value
    public init(start: Value, stop: Value, step: Value) {
        self.start = start
        self.stop = stop
        self.step = step
    }
}

/// The state of a `for` loop over a sequence (tuple, list, array rows, range).
public final class IteratorObject {
    public enum Source {
        case items([Value])
        case arrayRows(NDArray)
        case range(start: Int, stop: Int, step: Int)
    }
    public let source: Source
    public var position: Int = 0

    public init(_ source: Source) { self.source = source }
}

/// A user function: compiled code plus the defaults and captured cells of one closure.
public final class FunctionObject {
    public let proto: FunctionProto
    public let defaults: [Value]
    public let captured: [CellObject]

    // Copied from the (sealed) proto when the function is made, so the call fast path
    // reads plain fields of the callee: loading `proto` there would retain and release it
    // on every call. `code` is nil for a proto not sealed yet (calls take the slow path).
    /// The parameter count, or -1 while the proto is not sealed: one compare tells a call
    /// fast path both that the positional arguments fit and that `code` and `constants` exist.
    let callArity: Int
    let slotCount: Int
    /// Stack slots a call needs above its base: locals, operand stack and a margin.
    let frameSize: Int
    let code: UnsafeMutablePointer<Instruction>?
    let constants: UnsafeMutablePointer<Slot>?
    /// The base case a call may run without a frame (Compiler/EntryGuard.swift).
    let entryGuard: EntryGuard
    /// Whether a call runs it in the call loop (VM+CallLoop.swift).
    let runsInCallLoop: Bool

    public init(proto: FunctionProto, defaults: [Value], captured: [CellObject]) {
        self.proto = proto
        self.defaults = defaults
        self.captured = captured
        callArity = proto.code != nil && proto.constants != nil ? proto.arity : -1
        slotCount = proto.slotCount
        frameSize = proto.slotCount + proto.maxStack + 8
        code = proto.code
        constants = proto.constants
        entryGuard = proto.entryGuard
        runsInCallLoop = proto.runsInCallLoop
    }
}

/// The arguments a builtin receives.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(name: String, value: Value)]

    public init(_ positional: [Value], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }
}

/// A function implemented in Swift.
public final class BuiltinFunction {
    public typealias Body = (VM, Arguments) throws -> Value
    public let name: String
    public let body: Body
    /// True for builtins that handle traced arguments themselves (the autodiff
    /// builtins): the VM calls them as they are instead of recording the call.
    public var tracesItself = false
    /// What a derived function is made from (a gradient function's Differentiator).
    public var payload: AnyObject?

    public init(_ name: String, _ body: @escaping Body) {
        self.name = name
        self.body = body
    }
}

/// A builtin method bound to its receiver: calling it passes the receiver first.
public final class BoundMethod {
    public let receiver: Value
    public let method: BuiltinFunction

    public init(receiver: Value, method: BuiltinFunction) {
        self.receiver = receiver
        self.method = method
    }
}

// MARK: - Conveniences

extension Value {
    public static func string(_ s: String) -> Value { .string(StringObject(s)) }
    public static func tuple(_ items: [Value]) -> Value { .tuple(TupleObject(items)) }

    /// An array result with 0-d arrays turned into scalars (SPEC §3: a number is a 0-d array).
    public static func wrap(_ array: NDArray) -> Value {
        if array.shape.isEmpty {
            let x = array.data[0]
            return array.isBool ? .bool(x != 0) : .float(x)
        }
        return .array(array)
    }

    /// The name of this value's type, as error messages say it.
    public var typeName: String {
        switch self {
        case .undefined: return "undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .array: return "array"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .record: return "record"
        case .function, .builtin, .boundMethod: return "function"
        case .cell: return "cell"
        case .slice: return "slice"
        case .iterator: return "iterator"
        }
    }

    public var isList: Bool {
        if case .list = self { return true }
        return false
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
