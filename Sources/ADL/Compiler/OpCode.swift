// The instruction set of the ADL stack machine. Each opcode is documented
// on one line: its operands (A, B: the two Int32 fields of `Instruction`)
// and its stack effect. This list is also the disassembler's vocabulary:
// `dis(f)` prints `mnemonic` and the operands.
//
// Notes:
// - Jump targets are absolute instruction indices.
// - Local slots 0..<arity are the parameters; captured locals hold a `.cell`.
// - LOOP is the only backward jump: it polls the interrupt flag.
// - A function whose code begins BRANCH_LK p K t; JUMP_IF_FALSE t; RETURN_LOCAL q (or
//   LOAD_CONST k; RETURN) has an entry guard: the fast paths of CALL and CALL_GLOBAL_LK
//   run that comparison themselves, so a call that returns there pushes no frame and
//   one that goes on starts at t (EntryGuard.swift). `dis` shows the code unchanged.

/// One opcode; the raw value is the encoding.
public enum OpCode: UInt8, CaseIterable, Sendable {
    /// A          push constants[A]
    case loadConst
    /// A          push locals[A] (error if unassigned)
    case loadLocal
    /// A          locals[A] = pop
    case storeLocal
    /// A          locals[A] = undefined (`del`)
    case deleteLocal
    /// A          push the value in the cell held by locals[A]
    case loadCell
    /// A          the cell held by locals[A] gets pop
    case storeCell
    /// A          locals[A] = a new cell holding locals[A] (function prologue)
    case makeCell
    /// A          push the value of captured cell A of the running closure
    case loadFree
    /// A          captured cell A of the running closure gets pop
    case storeFree
    /// A B        push globals[A] (error if unassigned); B = 1 when the value is the callee of
    ///            the CALL that consumes it: a user function is then pushed borrowed from the
    ///            global (no reference counting; SlotTag.borrowedFunction), outside tracing
    case loadGlobal
    /// A          globals[A] = pop
    case storeGlobal
    /// A          globals[A] = undefined (`del`)
    case deleteGlobal
    /// A          push builtin A (a `np.` name, immune to shadowing)
    case loadBuiltin
    ///            discard the top
    case pop
    ///            push a copy of the top
    case dup
    ///            swap the two top values
    case swap
    ///            x y -> x+y   (binary operators all pop two and push one)
    case add
    ///            x y -> x-y
    case sub
    ///            x y -> x*y
    case mul
    ///            x y -> x/y (true division)
    case div
    ///            x y -> x//y
    case floorDiv
    ///            x y -> x%y
    case mod
    ///            x y -> x**y
    case pow
    ///            x y -> x@y
    case matmul
    ///            x y -> x&y (logical on bools, bitwise on ints)
    case bitAnd
    ///            x y -> x|y
    case bitOr
    ///            x y -> x^y
    case bitXor
    ///            x y -> x<y
    case less
    ///            x y -> x<=y
    case lessEqual
    ///            x y -> x>y
    case greater
    ///            x y -> x>=y
    case greaterEqual
    ///            x y -> x==y
    case equal
    ///            x y -> x!=y
    case notEqual
    ///            x y -> x is y
    case isSame
    ///            x y -> x is not y
    case isNotSame
    ///            x -> -x
    case negate
    ///            x -> +x
    case plus
    ///            x -> ~x
    case invert
    ///            x -> not x (a bool)
    case not
    /// A          jump to A
    case jump
    /// A          jump back to A; polls the interrupt flag
    case loop
    /// A          pop; jump to A if falsy
    case jumpIfFalse
    /// A          if top is falsy jump to A (keep it), else pop (`and`)
    case jumpIfFalseOrPop
    /// A          if top is truthy jump to A (keep it), else pop (`or`)
    case jumpIfTrueOrPop
    /// A          start stop step -> ; checks ints, stores them in locals A, A+1, A+2
    case rangePrepare
    /// A B        if locals[A] has not passed locals[A+1]: push it and advance by locals[A+2], else jump to B
    case forRange
    /// A B C      like FOR_RANGE, but stores the counter straight into locals[C] instead of pushing it
    case forRangeStore
    /// A B C      the bottom of a range loop: if locals[A] has not passed locals[A+1], store it into
    ///            locals[C], advance, poll the interrupt flag and jump back to B; else fall through
    case rangeNext
    /// A B C      FOR_RANGE_STORE into globals[C] (`for i in range(n)` at module level)
    case forRangeStoreGlobal
    /// A B C      RANGE_NEXT into globals[C]
    case rangeNextGlobal
    ///            seq -> iterator
    case getIterator
    /// A          iterator -> iterator next, or pop the iterator and jump to A when done
    case forIterator
    /// A          callee arg1..argA -> result
    case call
    /// A B        callee arg1..argA -> result; the last names(constants[B]) args are keywords
    case callKeywords
    ///            value -> (return value to the caller)
    case returnValue
    /// A B        default1..defaultB -> closure of function constants[A]
    case makeFunction
    /// A          item1..itemA -> tuple
    case buildTuple
    /// A          item1..itemA -> array (numbers/bools/same-shape arrays) or list
    case buildList
    /// A          key1 value1 .. keyA valueA -> record
    case buildRecord
    ///            start stop step -> slice
    case buildSlice
    /// A          part1..partA -> the concatenated string (f-strings)
    case buildString
    /// A B        value [spec] -> string; A=1 when a spec string is on the stack; B: 0 format, 1 repr, 2 str
    case formatValue
    /// A          seq -> itemA..item1 (A values, first item on top)
    case unpack
    /// A          x -> x.name, name = constants[A]
    case getAttribute
    /// A          value x -> (x.name = value), name = constants[A]
    case setAttribute
    /// A          x index1..indexA -> x[index1, .., indexA]
    case getIndex
    /// A B        value index1..indexA -> ; locals[B][indices] = value (copy-on-write)
    case setIndexLocal
    /// A B        value index1..indexA -> ; globals[B][indices] = value
    case setIndexGlobal
    /// A B        value index1..indexA -> ; (cell in locals[B])[indices] = value
    case setIndexCell
    /// A B        value index1..indexA -> ; captured cell B [indices] = value
    case setIndexFree
    /// A          x index1..indexA -> ; del x[indices] (lists and records)
    case deleteIndex
    ///            value -> ; prints repr(value) unless None (stdin and -c echo, REPL)
    case printExpression
    // Superinstructions: an operator (`sub`) whose operands
    // come from locals (L), constants (K) or the stack (S) without separate loads.
    /// A B sub    -> locals[A] (sub) constants[B]
    case binaryLocalConst
    /// A B sub    -> locals[A] (sub) locals[B]
    case binaryLocalLocal
    /// B sub      x -> x (sub) constants[B]
    case binaryStackConst
    /// B sub      x -> x (sub) locals[B]
    case binaryStackLocal
    /// A sub      x -> locals[A] (sub) x
    case binaryLocalStack
    /// A          raise a name error with message constants[A] (`np.nosuch`, found at compile time)
    case fail
    /// A B        run the command named constants[A] with argument line constants[B] (`grad f`, `:help`)
    case runCommand
    /// A          x -> ; stop a compiled gradient (retrace) unless truth(x) == A (a recorded branch)
    case guardTruth
    ///            x expected -> ; stop a compiled gradient (retrace) unless x equals expected
    case guardEqual
    // Fused instructions, made from the sequences after them by Peephole.fuse when a
    // function is sealed (never emitted directly). Each replaces the first instruction of
    // its sequence and leaves the rest in place: the scalar fast path does the whole
    // sequence and skips the rest; otherwise it acts as the replaced BINARY_LK/LL (or
    // LOAD_LOCAL) and execution goes on into the original instructions.
    /// A B C sub sub2   locals[C] = locals[C] (sub2) (locals[A] (sub) constants[B]), for
    ///                  BINARY_LK A B sub; BINARY_LS C sub2; STORE_LOCAL C
    case updateLocalConst
    /// A B C sub sub2   locals[C] = locals[C] (sub2) (locals[A] (sub) locals[B]), for
    ///                  BINARY_LL A B sub; BINARY_LS C sub2; STORE_LOCAL C
    case updateLocalLocal
    /// A B C sub  jump to C unless locals[A] (sub) constants[B], for BINARY_LK A B sub; JUMP_IF_FALSE C
    case branchLocalConst
    /// A B C sub  jump to C unless locals[A] (sub) locals[B], for BINARY_LL A B sub; JUMP_IF_FALSE C
    case branchLocalLocal
    /// A          return locals[A], for LOAD_LOCAL A; RETURN
    case returnLocal
    /// A B C sub  call globals[A] with one argument, locals[B] (sub) constants[C], for
    ///            LOAD_GLOBAL A; BINARY_LK B C sub; CALL 1 (`f(n - 1)`)
    case callGlobalLocalConst
    /// sub        a b -> ; return a (sub) b, for BINARY sub; RETURN (+ - * / and comparisons)
    case binaryReturn
    /// A B sub    push globals[A] (sub) constants[B], for LOAD_GLOBAL A; BINARY_SK B sub
    case binaryGlobalConst
    /// A sub      a b -> ; globals[A] = a (sub) b, for BINARY sub; STORE_GLOBAL A
    case binaryStoreGlobal
    /// A B        run fused elementwise program chunk.fusedKernels[A] (inputs read from locals,
    ///            globals, constants): push its result and jump to B; when it does not apply
    ///            (other types or shapes, traced values) fall through to the unfused code
    case fusedChain
    /// A          push locals[A] and unbind it: its last use in compiled gradient code, so an
    ///            array there reaches the operation that consumes it uniquely referenced
    ///            (and that operation reuses its buffer instead of allocating)
    case loadLocalMove
    /// A          CALL A (= 3) of index_add in compiled gradient code: adds in place when the
    ///            array is a float array only the stack holds, the index one element and the
    ///            value a number (VM+IndexAdd.swift); otherwise exactly the CALL
    case indexAdd
}

extension OpCode {
    /// The disassembler's name for this opcode.
    public var mnemonic: String {
        switch self {
        case .guardTruth: return "GUARD_TRUTH"
        case .guardEqual: return "GUARD_EQUAL"
        case .loadConst: return "LOAD_CONST"
        case .loadLocal: return "LOAD_LOCAL"
        case .storeLocal: return "STORE_LOCAL"
        case .deleteLocal: return "DELETE_LOCAL"
        case .loadCell: return "LOAD_CELL"
        case .storeCell: return "STORE_CELL"
        case .makeCell: return "MAKE_CELL"
        case .loadFree: return "LOAD_FREE"
        case .storeFree: return "STORE_FREE"
        case .loadGlobal: return "LOAD_GLOBAL"
        case .storeGlobal: return "STORE_GLOBAL"
        case .deleteGlobal: return "DELETE_GLOBAL"
        case .loadBuiltin: return "LOAD_BUILTIN"
        case .pop: return "POP"
        case .dup: return "DUP"
        case .swap: return "SWAP"
        case .add: return "ADD"
        case .sub: return "SUB"
        case .mul: return "MUL"
        case .div: return "DIV"
        case .floorDiv: return "FLOOR_DIV"
        case .mod: return "MOD"
        case .pow: return "POW"
        case .matmul: return "MATMUL"
        case .bitAnd: return "AND"
        case .bitOr: return "OR"
        case .bitXor: return "XOR"
        case .less: return "LT"
        case .lessEqual: return "LE"
        case .greater: return "GT"
        case .greaterEqual: return "GE"
        case .equal: return "EQ"
        case .notEqual: return "NE"
        case .isSame: return "IS"
        case .isNotSame: return "IS_NOT"
        case .negate: return "NEG"
        case .plus: return "POS"
        case .invert: return "INVERT"
        case .not: return "NOT"
        case .jump: return "JUMP"
        case .loop: return "LOOP"
        case .jumpIfFalse: return "JUMP_IF_FALSE"
        case .jumpIfFalseOrPop: return "JUMP_IF_FALSE_OR_POP"
        case .jumpIfTrueOrPop: return "JUMP_IF_TRUE_OR_POP"
        case .rangePrepare: return "RANGE_PREPARE"
        case .forRange: return "FOR_RANGE"
        case .forRangeStore: return "FOR_RANGE_STORE"
        case .binaryLocalConst: return "BINARY_LK"
        case .binaryLocalLocal: return "BINARY_LL"
        case .binaryStackConst: return "BINARY_SK"
        case .binaryStackLocal: return "BINARY_SL"
        case .binaryLocalStack: return "BINARY_LS"
        case .rangeNext: return "RANGE_NEXT"
        case .forRangeStoreGlobal: return "FOR_RANGE_STORE_GLOBAL"
        case .rangeNextGlobal: return "RANGE_NEXT_GLOBAL"
        case .getIterator: return "GET_ITER"
        case .forIterator: return "FOR_ITER"
        case .call: return "CALL"
        case .callKeywords: return "CALL_KW"
        case .returnValue: return "RETURN"
        case .makeFunction: return "MAKE_FUNCTION"
        case .buildTuple: return "BUILD_TUPLE"
        case .buildList: return "BUILD_LIST"
        case .buildRecord: return "BUILD_RECORD"
        case .buildSlice: return "BUILD_SLICE"
        case .buildString: return "BUILD_STRING"
        case .formatValue: return "FORMAT_VALUE"
        case .unpack: return "UNPACK"
        case .getAttribute: return "GET_ATTR"
        case .setAttribute: return "SET_ATTR"
        case .getIndex: return "GET_INDEX"
        case .setIndexLocal: return "SET_INDEX_LOCAL"
        case .setIndexGlobal: return "SET_INDEX_GLOBAL"
        case .setIndexCell: return "SET_INDEX_CELL"
        case .setIndexFree: return "SET_INDEX_FREE"
        case .deleteIndex: return "DELETE_INDEX"
        case .printExpression: return "PRINT_EXPR"
        case .fail: return "FAIL"
        case .runCommand: return "RUN_COMMAND"
        case .updateLocalConst: return "UPDATE_LK"
        case .updateLocalLocal: return "UPDATE_LL"
        case .branchLocalConst: return "BRANCH_LK"
        case .branchLocalLocal: return "BRANCH_LL"
        case .returnLocal: return "RETURN_LOCAL"
        case .callGlobalLocalConst: return "CALL_GLOBAL_LK"
        case .binaryReturn: return "BINARY_RETURN"
        case .binaryGlobalConst: return "BINARY_GK"
        case .binaryStoreGlobal: return "BINARY_STORE_GLOBAL"
        case .fusedChain: return "FUSED_CHAIN"
        case .loadLocalMove: return "LOAD_LOCAL_MOVE"
        case .indexAdd: return "INDEX_ADD"
        }
    }
}

/// One instruction: an opcode and up to three operands. Trivially copyable (16 bytes).
public struct Instruction: Sendable {
    public var op: OpCode
    /// The operator of a superinstruction (BINARY_LK ...); `.pop` otherwise.
    public var sub: OpCode
    /// The second operator of a fused instruction (UPDATE_LK ...); `.pop` otherwise.
    public var sub2: OpCode
    public var a: Int32
    public var b: Int32
    public var c: Int32

    public init(_ op: OpCode, _ a: Int32 = 0, _ b: Int32 = 0, _ c: Int32 = 0, sub: OpCode = .pop) {
        self.op = op
        self.sub = sub
        self.sub2 = .pop
        self.a = a
        self.b = b
        self.c = c
    }
}
