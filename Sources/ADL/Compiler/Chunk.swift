// A chunk is the compiled form of one function body: instructions, a
// parallel table of source locations (one per instruction) and constants.

/// Compiled code of one function or top-level program.
public final class Chunk {
    public var code: [Instruction] = []
    /// `locations[i]` is where `code[i]` came from.
    public var locations: [SourceLocation] = []
    public var constants: [Value] = []
    /// Functions defined in this chunk, referenced by MAKE_FUNCTION.
    public var functions: [FunctionProto] = []
    /// The programs of FUSED_CHAIN instructions (Arrays/Fusion).
    var fusedKernels: [FusedKernel] = []
    public let file: SourceFile

    public init(file: SourceFile) { self.file = file }

    deinit {
        sealedCode?.deallocate()
        if let c = sealedConstants {
            for i in 0..<constants.count { c[i].release() }
            c.deallocate()
        }
    }

    // The VM runs over stable pointers to the code and constants, made once
    // the chunk is complete (a chunk never changes after compilation).
    private var sealedCode: UnsafeMutablePointer<Instruction>?
    private var sealedConstants: UnsafeMutablePointer<Slot>?

    /// Stable pointers to the instructions and constants (as stack slots that
    /// own their objects), made on first use.
    func sealed() -> (code: UnsafeMutablePointer<Instruction>, constants: UnsafeMutablePointer<Slot>) {
        if let code = sealedCode, let constants = sealedConstants { return (code, constants) }
        let code = UnsafeMutablePointer<Instruction>.allocate(capacity: max(1, self.code.count))
        code.initialize(from: self.code, count: self.code.count)
        let constants = UnsafeMutablePointer<Slot>.allocate(capacity: max(1, self.constants.count))
        for (i, c) in self.constants.enumerated() { constants[i] = Slot(c) }
        sealedCode = code
        sealedConstants = constants
        return (code, constants)
    }

    /// Appends an instruction and returns its index.
    @discardableResult
    public func emit(_ instruction: Instruction, at location: SourceLocation) -> Int {
        code.append(instruction)
        locations.append(location)
        return code.count - 1
    }
}

/// Everything known about a function at compile time.
public final class FunctionProto {
    public let name: String
    public let parameters: [String]
    /// Names of all local slots (parameters first), for `dis` and error messages.
    public var localNames: [String]
    /// Slots holding cells (captured by inner functions), made in the prologue.
    public var cellSlots: [Int]
    /// Where each captured cell comes from in the enclosing function:
    /// `isLocal` → enclosing locals[index] (a cell), else enclosing captured[index].
    public var captures: [(isLocal: Bool, index: Int)]
    /// Names of the captured variables, parallel to `captures`.
    public var freeNames: [String]
    public let chunk: Chunk
    /// Where the `def` or `lambda` was written.
    public let location: SourceLocation
    public let isLambda: Bool
    /// An upper bound of the operand stack depth this function needs above its locals.
    public var maxStack: Int = 1

    public init(name: String, parameters: [String], chunk: Chunk, location: SourceLocation, isLambda: Bool) {
        self.name = name
        self.parameters = parameters
        self.localNames = parameters
        self.cellSlots = []
        self.captures = []
        self.freeNames = []
        self.chunk = chunk
        self.location = location
        self.isLambda = isLambda
    }

    public var localCount: Int { localNames.count }

    // Filled by `seal()` when compilation of this function is complete, so a
    // call reads plain fields instead of array counts and lazy pointers.
    private(set) var arity = 0
    private(set) var slotCount = 0
    private(set) var code: UnsafeMutablePointer<Instruction>?
    private(set) var constants: UnsafeMutablePointer<Slot>?
    /// A leading `if p cmp K: return ...` a call can run itself (EntryGuard.swift).
    private(set) var entryGuard = EntryGuard()
    /// Whether every instruction is one the call loop runs (VM+CallLoop.swift).
    private(set) var runsInCallLoop = false

    /// Freezes the function: its counts and the pointers the VM runs over.
    func seal() {
        if code == nil { Peephole.fuse(chunk) }
        arity = parameters.count
        slotCount = localNames.count
        let sealed = chunk.sealed()
        code = sealed.code
        constants = sealed.constants
        entryGuard = EntryGuard.find(code: chunk.code, constants: sealed.constants, arity: arity)
        runsInCallLoop = VM.callLoopRuns(chunk.code)
    }
}
