// The VM's stack representation of a value: a one-byte tag and 64 bits of
// payload, trivially copyable, so moving values between the operand stack
// and local slots costs no reference counting. Ints, floats and bools live
// in the payload; for every other kind the payload is a retained pointer to
// the object (the slot owns one reference). Conversions to and from `Value`
// happen only at the edges: builtins, containers, globals, errors.
//
// Ownership rules (the dispatch loop relies on them):
// - A slot inside stack[0..<sp] or a frame's locals owns its reference.
// - Copying a slot to a second place needs `retain()`; dropping one needs `release()`.
// - `take()` turns a slot into a `Value` that inherits its reference (no retain).

/// What a slot holds. Every tag from `array` on is an object pointer the slot owns.
/// `borrowedFunction` points at a FunctionObject WITHOUT owning a reference: it is the
/// callee slot of a frame that CALL_GLOBAL_LK made, kept alive by its global (Globals
/// retires, rather than releases, a function it overwrites while frames may run it).
/// `traced` is a traced number of the autodiff scalar fast path (Trace+Scalars.swift):
/// the payload names its trace and node, and owns nothing.
enum SlotTag: UInt8 {
    case undefined, none, bool, int, float, borrowedFunction, traced
    case array, string, tuple, list, record, function, builtin, boundMethod, cell, slice, iterator
}

/// One value on the VM's stack.
struct Slot {
    var tag: SlotTag
    var bits: UInt64

    static let undefined = Slot(tag: .undefined, bits: 0)
    static let none = Slot(tag: .none, bits: 0)

    @inline(__always) init(tag: SlotTag, bits: UInt64) {
        self.tag = tag
        self.bits = bits
    }

    @inline(__always) static func float(_ x: Double) -> Slot { Slot(tag: .float, bits: x.bitPattern) }
    @inline(__always) static func int(_ i: Int) -> Slot { Slot(tag: .int, bits: UInt64(bitPattern: Int64(i))) }
    @inline(__always) static func bool(_ b: Bool) -> Slot { Slot(tag: .bool, bits: b ? 1 : 0) }

    @inline(__always) var isObject: Bool { tag.rawValue >= SlotTag.array.rawValue }
    @inline(__always) var double: Double { Double(bitPattern: bits) }
    @inline(__always) var int: Int { Int(Int64(bitPattern: bits)) }

    private var pointer: UnsafeMutableRawPointer {
        // Object slots always hold a non-null pointer made by `init(_:)`.
        UnsafeMutableRawPointer(bitPattern: UInt(bits)).unsafelyUnwrapped
    }

    @inline(__always) func retain() {
        if isObject { _ = Unmanaged<AnyObject>.fromOpaque(pointer).retain() }
    }

    @inline(__always) func release() {
        if isObject { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
    }

    /// A slot owning a new reference to `value`'s object.
    init(_ value: Value) {
        func object<T: AnyObject>(_ tag: SlotTag, _ o: T) -> Slot {
            Slot(tag: tag, bits: UInt64(UInt(bitPattern: Unmanaged.passRetained(o).toOpaque())))
        }
        switch value {
        case .undefined: self = .undefined
        case .none: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let x): self = .float(x)
        case .array(let o): self = object(.array, o)
        case .string(let o): self = object(.string, o)
        case .tuple(let o): self = object(.tuple, o)
        case .list(let o): self = object(.list, o)
        case .record(let o): self = object(.record, o)
        case .function(let o): self = object(.function, o)
        case .builtin(let o): self = object(.builtin, o)
        case .boundMethod(let o): self = object(.boundMethod, o)
        case .cell(let o): self = object(.cell, o)
        case .slice(let o): self = object(.slice, o)
        case .iterator(let o): self = object(.iterator, o)
        }
    }

    /// The value, sharing the slot's object (the slot keeps its reference).
    func value() -> Value {
        convert(retained: false)
    }

    /// The value, taking over the slot's reference; the slot must be dropped without `release()`.
    func take() -> Value {
        convert(retained: true)
    }

    @inline(__always)
    private func convert(retained: Bool) -> Value {
        func object<T: AnyObject>(_ type: T.Type) -> T {
            let u = Unmanaged<T>.fromOpaque(pointer)
            return retained ? u.takeRetainedValue() : u.takeUnretainedValue()
        }
        switch tag {
        case .undefined: return .undefined
        case .none: return .none
        case .bool: return .bool(bits != 0)
        case .int: return .int(int)
        case .float: return .float(double)
        case .array: return .array(object(NDArray.self))
        case .string: return .string(object(StringObject.self))
        case .tuple: return .tuple(object(TupleObject.self))
        case .list: return .list(object(ListObject.self))
        case .record: return .record(object(RecordObject.self))
        case .function: return .function(object(FunctionObject.self))
        case .borrowedFunction, .traced:
            // The two kinds that own nothing, converted out of line through one call site
            // (one call here keeps the common cases above free of a stack frame).
            return Slot.unownedValue(tag, bits)
        case .builtin: return .builtin(object(BuiltinFunction.self))
        case .boundMethod: return .boundMethod(object(BoundMethod.self))
        case .cell: return .cell(object(CellObject.self))
        case .slice: return .slice(object(SliceObject.self))
        case .iterator: return .iterator(object(IteratorObject.self))
        }
    }

    /// The value of a slot that owns nothing: a `.borrowedFunction` (the value gets a
    /// reference of its own) or a `.traced` number of autodiff's scalar fast path (its
    /// 0-d array, see Trace+Scalars.swift).
    @inline(never)
    static func unownedValue(_ tag: SlotTag, _ bits: UInt64) -> Value {
        if tag == .traced { return Trace.value(ofLazySlot: bits) }
        let pointer = UnsafeMutableRawPointer(bitPattern: UInt(bits)).unsafelyUnwrapped
        return .function(Unmanaged<FunctionObject>.fromOpaque(pointer).takeUnretainedValue())
    }

    /// The function object of a `.function` slot, without touching its reference count.
    @inline(__always) var functionObject: FunctionObject {
        Unmanaged<FunctionObject>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs `body` with the function of a `.function` slot, borrowed (no retain/release):
    /// the slot keeps it alive.
    @inline(__always) func withFunction<R>(_ body: (FunctionObject) throws -> R) rethrows -> R {
        try Unmanaged<FunctionObject>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
    }

    /// The builtin of a `.builtin` slot, lent to `body` without a reference of its own
    /// (autodiff's scalar fast path of a call: no retain and release per call).
    @inline(__always) func withBuiltin<R>(_ body: (BuiltinFunction) throws -> R) rethrows -> R {
        try Unmanaged<BuiltinFunction>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
    }

    /// The cell of a `.cell` slot.
    @inline(__always) var cellObject: CellObject {
        Unmanaged<CellObject>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The iterator of an `.iterator` slot.
    @inline(__always) var iteratorObject: IteratorObject {
        Unmanaged<IteratorObject>.fromOpaque(pointer).takeUnretainedValue()
    }
}
