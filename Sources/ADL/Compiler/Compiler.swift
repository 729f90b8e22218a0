// The bytecode compiler: walks the AST of a program and emits one `Chunk`
// per function. Names are resolved here, once: locals to slots, captured
// variables to cells, everything else to global slots; `np.NAME` to the
// builtin table. Every instruction records the location of the node that
// produced it.

/// Compiles programs of one session (globals and module aliases persist across calls).
public final class Compiler {
    let globals: Globals
    let builtins: BuiltinTable
    let file: SourceFile
    /// Emit PRINT_EXPR for top-level expression statements (stdin, -c, REPL).
    let echo: Bool
    private var functions: [FunctionState] = []
    /// Above 0 while compiling the unfused code after a FUSED_CHAIN (Compiler+Fusion.swift).
    var fusionSuppressed = 0

    /// Compile-time state of the function being compiled.
    final class FunctionState {
        let proto: FunctionProto
        let info: ScopeInfo
        let isModule: Bool
        var slotOf: [String: Int] = [:]
        var loops: [LoopState] = []
        var temporaryCount = 0
        var depth = 0
        /// Index of each constant already in the chunk (numbers by bit pattern).
        var constantSlots: [ConstantKey: Int] = [:]

        init(proto: FunctionProto, info: ScopeInfo, isModule: Bool) {
            self.proto = proto
            self.info = info
            self.isModule = isModule
        }

        var chunk: Chunk { proto.chunk }
    }

    struct LoopState {
        /// Where `continue` goes; nil when that place comes after the body (patched then).
        var continueTarget: Int?
        var continueJumps: [Int] = []
        var breakJumps: [Int] = []
        /// Generic `for` loops keep their iterator on the stack; `break` must pop it.
        var popsIterator: Bool
    }

    public init(globals: Globals, builtins: BuiltinTable, file: SourceFile, echo: Bool) {
        self.globals = globals
        self.builtins = builtins
        self.file = file
        self.echo = echo
    }

    /// Compiles a whole program into the code of its top level.
    public func compile(_ program: Program) throws -> FunctionProto {
        let proto = FunctionProto(name: "<module>", parameters: [], chunk: Chunk(file: file),
                                  location: SourceLocation(line: 1, column: 1), isLambda: false)
        let state = FunctionState(proto: proto, info: ScopeInfo(), isModule: true)
        functions.append(state)
        defer { functions.removeLast() }
        for stmt in program.statements {
            try statement(stmt)
        }
        emitConstant(.none, at: lastLocation(program.statements))
        emit(.returnValue, at: lastLocation(program.statements))
        proto.seal()
        return proto
    }

    private func lastLocation(_ stmts: [Stmt]) -> SourceLocation {
        stmts.last?.loc ?? SourceLocation(line: 1, column: 1)
    }

    // MARK: - Emission helpers

    var current: FunctionState {
        // `functions` is never empty while compiling: `compile` pushes the module first.
        functions[functions.count - 1]
    }

    @discardableResult
    func emit(_ op: OpCode, _ a: Int = 0, _ b: Int = 0, _ c: Int = 0, sub: OpCode = .pop,
                      at loc: SourceLocation) -> Int {
        let state = current
        // Track an upper bound of the operand stack depth, so calls can check room once.
        state.depth = max(0, state.depth + Compiler.stackEffect(op, a, b))
        state.proto.maxStack = max(state.proto.maxStack, state.depth + 1)
        let ins = Instruction(op, Int32(truncatingIfNeeded: a), Int32(truncatingIfNeeded: b), Int32(truncatingIfNeeded: c), sub: sub)
        return state.chunk.emit(ins, at: loc)
    }

    /// The net change in stack depth of one instruction (an upper bound at jumps).
    static func stackEffect(_ op: OpCode, _ a: Int, _ b: Int) -> Int {
        switch op {
        case .loadConst, .loadLocal, .loadLocalMove, .loadCell, .loadFree, .loadGlobal, .loadBuiltin, .dup: return 1
        case .storeLocal, .storeCell, .storeFree, .storeGlobal, .pop, .jumpIfFalse, .printExpression: return -1
        case .deleteLocal, .deleteGlobal, .makeCell, .swap, .jump, .loop, .negate, .plus, .invert, .not,
             .getIterator, .returnValue, .getAttribute, .formatValue:
            return op == .formatValue ? -a : 0
        case .add, .sub, .mul, .div, .floorDiv, .mod, .pow, .matmul, .bitAnd, .bitOr, .bitXor,
             .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual, .isSame, .isNotSame:
            return -1
        case .jumpIfFalseOrPop, .jumpIfTrueOrPop: return 0
        case .rangePrepare: return -3
        case .forRange, .forIterator: return 1
        case .forRangeStore, .rangeNext, .forRangeStoreGlobal, .rangeNextGlobal: return 0
        case .binaryLocalStack: return 0
        case .binaryLocalConst, .binaryLocalLocal: return 1
        case .binaryStackConst, .binaryStackLocal: return 0
        // Fused forms push at most what the BINARY_LK/LL they replace pushes.
        case .updateLocalConst, .updateLocalLocal, .branchLocalConst, .branchLocalLocal, .returnLocal,
             .callGlobalLocalConst: return 1
        case .binaryReturn, .binaryStoreGlobal: return -1
        case .binaryGlobalConst: return 1
        case .call, .callKeywords, .indexAdd: return -a
        case .makeFunction: return 1 - b
        case .buildTuple, .buildList, .buildString: return 1 - a
        case .buildRecord: return 1 - 2 * a
        case .buildSlice: return -2
        case .unpack: return a - 1
        case .setAttribute: return -2
        case .getIndex: return -a
        case .setIndexLocal, .setIndexGlobal, .setIndexCell, .setIndexFree: return -a - 1
        case .deleteIndex: return -a - 1
        case .fail: return 1
        case .runCommand: return 0
        case .guardTruth: return -1
        case .guardEqual: return -2
        // Pushes its result only when it jumps over the unfused code (which pushes the same).
        case .fusedChain: return 0
        }
    }

    private func emitConstant(_ value: Value, at loc: SourceLocation) {
        emit(.loadConst, constantIndex(value), at: loc)
    }

    /// What makes two constants the same one (so each is stored once per chunk).
    enum ConstantKey: Hashable {
        case int(Int), float(UInt64), bool(Bool), none, string(String)
    }

    private func constantIndex(_ value: Value) -> Int {
        let state = current
        let key: ConstantKey?
        switch value {
        case .int(let x): key = .int(x)
        case .float(let x): key = .float(x.bitPattern)
        case .bool(let x): key = .bool(x)
        case .none: key = ConstantKey.none
        case .string(let s): key = .string(s.value)
        default: key = nil
        }
        if let key, let index = state.constantSlots[key] { return index }
        state.chunk.constants.append(value)
        let index = state.chunk.constants.count - 1
        if let key { state.constantSlots[key] = index }
        return index
    }

    private var here: Int { current.chunk.code.count }

    private func patch(_ index: Int, to target: Int) {
        current.chunk.code[index].a = Int32(truncatingIfNeeded: target)
    }

    /// A fresh hidden local slot (temporaries of compound assignments and loops).
    private func temporary() -> Int {
        let state = current
        state.temporaryCount += 1
        state.proto.localNames.append("$t\(state.temporaryCount)")
        return state.proto.localNames.count - 1
    }

    private func error(_ message: String, _ loc: SourceLocation) -> ADLError {
        ADLError(.syntax, message, at: loc, in: file)
    }

    // MARK: - Statements

    private func block(_ stmts: [Stmt]) throws {
        for s in stmts { try statement(s) }
    }

    private func statement(_ stmt: Stmt) throws {
        let loc = stmt.loc
        switch stmt.kind {
        case .expr(let e):
            try expression(e)
            if current.isModule && echo {
                emit(.printExpression, at: loc)
            } else {
                emit(.pop, at: loc)
            }
        case .assign(let targets, let value):
            try expression(value)
            for (i, t) in targets.enumerated() {
                if i < targets.count - 1 { emit(.dup, at: t.loc) }
                try store(t)
            }
        case .augAssign(let target, let op, let value):
            try augmentedAssign(target, op, value, at: loc)
        case .ifStmt(let branches, let orElse):
            var endJumps: [Int] = []
            for branch in branches {
                try expression(branch.cond)
                let skip = emit(.jumpIfFalse, at: branch.cond.loc)
                try block(branch.body)
                endJumps.append(emit(.jump, at: loc))
                patch(skip, to: here)
            }
            if let orElse { try block(orElse) }
            for j in endJumps { patch(j, to: here) }
        case .whileStmt(let cond, let body):
            let top = here
            try expression(cond)
            let exit = emit(.jumpIfFalse, at: cond.loc)
            current.loops.append(LoopState(continueTarget: top, popsIterator: false))
            try block(body)
            emit(.loop, top, at: loc)
            patch(exit, to: here)
            finishLoop()
        case .forStmt(let target, let iterable, let body):
            try forLoop(target, iterable, body, at: loc)
        case .breakStmt:
            guard !current.loops.isEmpty else { throw error("'break' outside loop", loc) }
            let loop = current.loops[current.loops.count - 1]
            if loop.popsIterator { emit(.pop, at: loc) }
            let j = emit(.jump, at: loc)
            current.loops[current.loops.count - 1].breakJumps.append(j)
        case .continueStmt:
            guard let loop = current.loops.last else { throw error("'continue' not properly in loop", loc) }
            if let target = loop.continueTarget {
                emit(.loop, target, at: loc)
            } else {
                let j = emit(.jump, at: loc)
                current.loops[current.loops.count - 1].continueJumps.append(j)
            }
        case .pass:
            break
        case .command(let name, let argument):
            emit(.runCommand, constantIndex(.string(name)), constantIndex(.string(argument)), at: loc)
        case .returnStmt(let value):
            guard !current.isModule else { throw error("'return' outside function", loc) }
            if let value { try expression(value) } else { emitConstant(.none, at: loc) }
            emit(.returnValue, at: loc)
        case .del(let targets):
            for t in targets { try delete(t) }
        case .def(let name, let params, let body):
            try function(name: name, params: params, body: body, isLambda: false, at: loc)
            try storeName(name, at: loc)
        case .importModule(let module, let alias):
            guard let prefix = Compiler.modulePrefix(module) else {
                throw error("no module named '\(module)'", loc)
            }
            if let alias {
                globals.moduleAliases[alias] = prefix
            } else if let root = module.split(separator: ".").first {
                // `import numpy.linalg` makes `numpy` usable, as in Python.
                globals.moduleAliases[String(root)] = Compiler.modulePrefix(String(root)) ?? ""
            }
        case .importFrom(let module, let names):
            guard let prefix = Compiler.modulePrefix(module) else {
                throw error("no module named '\(module)'", loc)
            }
            for n in names where n.name != "*" {
                if let sub = Compiler.modulePrefix(module + "." + n.name), sub != prefix {
                    globals.moduleAliases[n.alias ?? n.name] = sub
                    continue
                }
                guard let index = builtins.index(of: prefix + n.name) ?? builtins.index(of: n.name) else {
                    throw error("cannot import name '\(n.name)' from '\(module)'", loc)
                }
                emit(.loadBuiltin, index, at: loc)
                try storeName(n.alias ?? n.name, at: loc)
            }
        }
    }

    /// The builtin-name prefix a module stands for, nil for modules ADL does not provide.
    /// NumPy, and the autograd/JAX/SciPy names whose functions ADL has as builtins.
    static func modulePrefix(_ module: String) -> String? {
        switch module {
        case "numpy", "autograd", "autograd.numpy", "jax", "jax.numpy", "jax.nn", "scipy",
             "scipy.optimize", "scipy.special", "math":
            return ""
        case "numpy.linalg", "autograd.numpy.linalg", "jax.numpy.linalg", "scipy.linalg":
            return "linalg."
        case "numpy.random", "autograd.numpy.random":
            return "random."
        default:
            return nil
        }
    }

    private func finishLoop() {
        guard let loop = current.loops.popLast() else { return }
        for j in loop.breakJumps { patch(j, to: here) }
    }

    private func forLoop(_ target: Expr, _ iterable: Expr, _ body: [Stmt], at loc: SourceLocation) throws {
        // `for i in range(...)`: counted loop on unboxed ints, no iterator object.
        if case .call(let callee, let args) = iterable.kind, case .name("range") = callee.kind,
           isBuiltinReference("range"), (1...3).contains(args.count), args.allSatisfy({ $0.name == nil }) {
            let base = temporary()
            _ = temporary()
            _ = temporary()
            if args.count == 1 {
                emitConstant(.int(0), at: iterable.loc)
                try expression(args[0].value)
            } else {
                try expression(args[0].value)
                try expression(args[1].value)
            }
            if args.count == 3 { try expression(args[2].value) } else { emitConstant(.int(1), at: iterable.loc) }
            emit(.rangePrepare, base, at: iterable.loc)
            var counted: (store: OpCode, next: OpCode, slot: Int)?
            if case .name(let n) = target.kind {
                switch resolve(n) {
                case .local(let slot): counted = (.forRangeStore, .rangeNext, slot)
                case .global(let slot): counted = (.forRangeStoreGlobal, .rangeNextGlobal, slot)
                default: break
                }
            }
            if let (storeOp, nextOp, slot) = counted {
                // Into a plain local or global: test at the top once, then RANGE_NEXT at the bottom
                // advances, stores and jumps back (one dispatch per iteration for the loop).
                let entry = emit(storeOp, base, 0, slot, at: loc)
                let bodyStart = here
                current.loops.append(LoopState(continueTarget: nil, popsIterator: false))
                try block(body)
                let next = here
                if let loop = current.loops.last { for j in loop.continueJumps { patch(j, to: next) } }
                emit(nextOp, base, bodyStart, slot, at: loc)
                current.chunk.code[entry].b = Int32(truncatingIfNeeded: here)
                finishLoop()
                return
            }
            let top = emit(.forRange, base, 0, at: loc)
            current.loops.append(LoopState(continueTarget: top, popsIterator: false))
            try store(target)
            try block(body)
            emit(.loop, top, at: loc)
            current.chunk.code[top].b = Int32(truncatingIfNeeded: here)
            finishLoop()
            return
        }
        try expression(iterable)
        emit(.getIterator, at: iterable.loc)
        let top = emit(.forIterator, at: loc)
        current.loops.append(LoopState(continueTarget: top, popsIterator: true))
        try store(target)
        try block(body)
        emit(.loop, top, at: loc)
        patch(top, to: here)
        finishLoop()
    }

    /// True when `name` here means the builtin (not shadowed by a local or an assigned global).
    private func isBuiltinReference(_ name: String) -> Bool {
        for f in functions where f.info.localSet.contains(name) { return false }
        if let v = globals.value(of: name), case .builtin = v { return true }
        return globals.value(of: name) == nil
    }

    // MARK: - Assignment targets

    private func store(_ target: Expr) throws {
        switch target.kind {
        case .name(let n):
            try storeName(n, at: target.loc)
        case .tuple(let items), .list(let items):
            emit(.unpack, items.count, at: target.loc)
            for item in items { try store(item) }
        case .subscriptAccess(let base, let subs):
            // Stack: value. Push the indices, then write into the variable in place.
            if case .name(let n) = base.kind {
                for s in subs { try subscriptComponent(s, at: target.loc) }
                try emitSetIndex(name: n, count: subs.count, at: target.loc)
            } else {
                // `a[i][j] = v`: t = a[i]; t[j] = v; a[i] = t (value semantics).
                let t = temporary()
                try expression(base)
                emit(.storeLocal, t, at: base.loc)
                for s in subs { try subscriptComponent(s, at: target.loc) }
                emit(.setIndexLocal, subs.count, t, at: target.loc)
                emit(.loadLocal, t, at: base.loc)
                try store(base)
            }
        case .attribute(let base, let name):
            try expression(base)
            emit(.setAttribute, constantIndex(.string(name)), at: target.loc)
        default:
            throw error("cannot assign to expression", target.loc)
        }
    }

    private func emitSetIndex(name: String, count: Int, at loc: SourceLocation) throws {
        switch resolve(name) {
        case .local(let slot): emit(.setIndexLocal, count, slot, at: loc)
        case .cell(let slot): emit(.setIndexCell, count, slot, at: loc)
        case .free(let index): emit(.setIndexFree, count, index, at: loc)
        case .global(let slot): emit(.setIndexGlobal, count, slot, at: loc)
        }
    }

    private func augmentedAssign(_ target: Expr, _ op: BinaryOp, _ value: Expr, at loc: SourceLocation) throws {
        switch target.kind {
        case .name:
            try expression(target)
            try expression(value)
            emit(Compiler.opcode(for: op), at: loc)
            try store(target)
        case .subscriptAccess(let base, let subs):
            // Evaluate each index once: t_i = index_i; base[t...] = base[t...] op value.
            var temps: [Int] = []
            for s in subs {
                try subscriptComponent(s, at: target.loc)
                let t = temporary()
                emit(.storeLocal, t, at: target.loc)
                temps.append(t)
            }
            try expression(base)
            for t in temps { emit(.loadLocal, t, at: target.loc) }
            emit(.getIndex, subs.count, at: target.loc)
            try expression(value)
            emit(Compiler.opcode(for: op), at: loc)
            if case .name(let n) = base.kind {
                for t in temps { emit(.loadLocal, t, at: target.loc) }
                try emitSetIndex(name: n, count: subs.count, at: target.loc)
            } else {
                let holder = temporary()
                try expression(base)
                emit(.storeLocal, holder, at: base.loc)
                for t in temps { emit(.loadLocal, t, at: target.loc) }
                emit(.setIndexLocal, subs.count, holder, at: target.loc)
                emit(.loadLocal, holder, at: base.loc)
                try store(base)
            }
        case .attribute(let base, let name):
            let holder = temporary()
            try expression(base)
            emit(.storeLocal, holder, at: base.loc)
            emit(.loadLocal, holder, at: base.loc)
            emit(.getAttribute, constantIndex(.string(name)), at: target.loc)
            try expression(value)
            emit(Compiler.opcode(for: op), at: loc)
            emit(.loadLocal, holder, at: base.loc)
            emit(.setAttribute, constantIndex(.string(name)), at: target.loc)
        default:
            throw error("illegal expression for augmented assignment", target.loc)
        }
    }

    private func delete(_ target: Expr) throws {
        switch target.kind {
        case .name(let n):
            switch resolve(n) {
            case .local(let slot), .cell(let slot): emit(.deleteLocal, slot, at: target.loc)
            case .free: throw error("cannot delete variable '\(n)' of an enclosing function", target.loc)
            case .global(let slot): emit(.deleteGlobal, slot, at: target.loc)
            }
        case .subscriptAccess(let base, let subs):
            try expression(base)
            for s in subs { try subscriptComponent(s, at: target.loc) }
            emit(.deleteIndex, subs.count, at: target.loc)
        case .tuple(let items), .list(let items):
            for i in items { try delete(i) }
        default:
            throw error("cannot delete expression", target.loc)
        }
    }

    // MARK: - Names

    enum Resolution {
        case local(Int)
        case cell(Int)
        case free(Int)
        case global(Int)
    }

    /// Where `name` lives, seen from the function being compiled.
    func resolve(_ name: String) -> Resolution {
        let depth = functions.count - 1
        return resolve(name, depth: depth)
    }

    private func resolve(_ name: String, depth: Int) -> Resolution {
        let state = functions[depth]
        if state.isModule { return .global(globals.slot(for: name)) }
        if let slot = state.slotOf[name] {
            return state.info.cells.contains(name) ? .cell(slot) : .local(slot)
        }
        if let free = freeIndex(name, depth: depth) { return .free(free) }
        return .global(globals.slot(for: name))
    }

    /// The captured-cell index of `name` in function `depth`, adding the capture
    /// (and captures in intermediate functions) when first seen; nil if global.
    private func freeIndex(_ name: String, depth: Int) -> Int? {
        let state = functions[depth]
        if let i = state.proto.freeNames.firstIndex(of: name) { return i }
        guard depth > 0 else { return nil }
        let outer = functions[depth - 1]
        if outer.isModule { return nil }
        let source: (isLocal: Bool, index: Int)
        if let slot = outer.slotOf[name] {
            source = (true, slot)
        } else if let i = freeIndex(name, depth: depth - 1) {
            source = (false, i)
        } else {
            return nil
        }
        state.proto.freeNames.append(name)
        state.proto.captures.append(source)
        return state.proto.freeNames.count - 1
    }

    private func storeName(_ name: String, at loc: SourceLocation) throws {
        switch resolve(name) {
        case .local(let slot): emit(.storeLocal, slot, at: loc)
        case .cell(let slot): emit(.storeCell, slot, at: loc)
        case .free(let index): emit(.storeFree, index, at: loc)
        case .global(let slot): emit(.storeGlobal, slot, at: loc)
        }
    }

    private func loadName(_ name: String, at loc: SourceLocation) {
        switch resolve(name) {
        case .local(let slot): emit(.loadLocal, slot, at: loc)
        case .cell(let slot): emit(.loadCell, slot, at: loc)
        case .free(let index): emit(.loadFree, index, at: loc)
        case .global(let slot): emit(.loadGlobal, slot, at: loc)
        }
    }

    // MARK: - Functions

    private func function(name: String, params: [Param], body: [Stmt], isLambda: Bool, at loc: SourceLocation) throws {
        // Defaults are evaluated where the function is defined, in the enclosing scope.
        for p in params {
            if let d = p.defaultValue { try expression(d) }
        }
        let defaultCount = params.filter { $0.defaultValue != nil }.count
        let info = ScopeAnalysis.analyze(params: params.map(\.name), body: body,
                                         moduleAliases: Set(globals.moduleAliases.keys))
        let proto = FunctionProto(name: name, parameters: params.map(\.name), chunk: Chunk(file: file),
                                  location: loc, isLambda: isLambda)
        proto.localNames = info.locals
        let state = FunctionState(proto: proto, info: info, isModule: false)
        for (i, n) in info.locals.enumerated() { state.slotOf[n] = i }
        proto.cellSlots = info.locals.indices.filter { info.cells.contains(info.locals[$0]) }
        functions.append(state)
        do {
            for slot in proto.cellSlots { emit(.makeCell, slot, at: loc) }
            try block(body)
            let endLoc = body.last?.loc ?? loc
            emitConstant(.none, at: endLoc)
            emit(.returnValue, at: endLoc)
        } catch {
            functions.removeLast()
            throw error
        }
        functions.removeLast()
        proto.seal()
        // Resolve captures that the inner function discovered (they may add captures here too).
        current.chunk.functions.append(proto)
        emit(.makeFunction, current.chunk.functions.count - 1, defaultCount, at: loc)
    }

    // MARK: - Expressions

    func expression(_ e: Expr) throws {
        let loc = e.loc
        // An elementwise array chain as one fused instruction (Compiler+Fusion.swift).
        if fusionSuppressed == 0, try fusedChain(e) { return }
        switch e.kind {
        case .int(let v): emitConstant(.int(v), at: loc)
        case .float(let v): emitConstant(.float(v), at: loc)
        case .string(let s): emitConstant(.string(s), at: loc)
        case .bool(let b): emitConstant(.bool(b), at: loc)
        case .none: emitConstant(.none, at: loc)
        case .fstring(let parts):
            for part in parts {
                switch part {
                case .literal(let s):
                    emitConstant(.string(s), at: loc)
                case .expr(let x, let conversion, let spec):
                    try expression(x)
                    if let spec { emitConstant(.string(spec), at: x.loc) }
                    let conversionCode = conversion == "r" ? 1 : conversion == "s" ? 2 : 0
                    emit(.formatValue, spec == nil ? 0 : 1, conversionCode, at: x.loc)
                }
            }
            emit(.buildString, parts.count, at: loc)
        case .name(let n):
            loadName(n, at: loc)
        case .tuple(let items):
            for i in items { try expression(i) }
            emit(.buildTuple, items.count, at: loc)
        case .list(let items):
            for i in items { try expression(i) }
            emit(.buildList, items.count, at: loc)
        case .record(let pairs):
            for p in pairs {
                try expression(p.key)
                try expression(p.value)
            }
            emit(.buildRecord, pairs.count, at: loc)
        case .unary(let op, let x):
            // Fold negative literals so `-1` is a constant (and `-9223372036854775808` works).
            if op == .neg, case .int(let v) = x.kind { emitConstant(.int(0 &- v), at: loc); return }
            if op == .neg, case .float(let v) = x.kind { emitConstant(.float(-v), at: loc); return }
            try expression(x)
            switch op {
            case .neg: emit(.negate, at: loc)
            case .pos: emit(.plus, at: loc)
            case .invert: emit(.invert, at: loc)
            }
        case .not(let x):
            try expression(x)
            emit(.not, at: loc)
        case .binary(let op, let l, let r):
            try binaryOperation(Compiler.opcode(for: op), l, r, at: loc)
        case .compare(let first, let rest):
            if rest.count == 1, let only = rest.first, only.op != .is, only.op != .isNot {
                try binaryOperation(Compiler.opcode(for: only.op), first, only.rhs, at: loc)
                return
            }
            try expression(first)
            if rest.count == 1, let only = rest.first {
                try expression(only.rhs)
                emit(Compiler.opcode(for: only.op), at: loc)
                return
            }
            // a < b < c: evaluate b once, stop at the first false comparison.
            let t = temporary()
            var endJumps: [Int] = []
            for (i, pair) in rest.enumerated() {
                try expression(pair.rhs)
                let last = i == rest.count - 1
                if !last {
                    emit(.dup, at: pair.rhs.loc)
                    emit(.storeLocal, t, at: pair.rhs.loc)
                }
                emit(Compiler.opcode(for: pair.op), at: loc)
                if !last {
                    endJumps.append(emit(.jumpIfFalseOrPop, at: loc))
                    emit(.loadLocal, t, at: pair.rhs.loc)
                }
            }
            for j in endJumps { patch(j, to: here) }
        case .and(let l, let r):
            try expression(l)
            let j = emit(.jumpIfFalseOrPop, at: loc)
            try expression(r)
            patch(j, to: here)
        case .or(let l, let r):
            try expression(l)
            let j = emit(.jumpIfTrueOrPop, at: loc)
            try expression(r)
            patch(j, to: here)
        case .ifExpr(let cond, let then, let orElse):
            try expression(cond)
            let toElse = emit(.jumpIfFalse, at: loc)
            try expression(then)
            let toEnd = emit(.jump, at: loc)
            patch(toElse, to: here)
            try expression(orElse)
            patch(toEnd, to: here)
        case .lambda(let params, let body):
            try function(name: "<lambda>", params: params, body: [Stmt(.returnStmt(body), body.loc)],
                         isLambda: true, at: loc)
        case .call(let callee, let args):
            if case .name(let n) = callee.kind, case .global(let slot) = resolve(n) {
                // B = 1: this value is the callee of the CALL below (a function is then pushed
                // borrowed from its global, without reference counting; see OpCode.loadGlobal).
                emit(.loadGlobal, slot, 1, at: callee.loc)
            } else {
                try expression(callee)
            }
            var names: [String] = []
            for a in args {
                if let n = a.name {
                    if names.contains(n) { throw error("keyword argument repeated: \(n)", a.loc) }
                    names.append(n)
                } else if !names.isEmpty {
                    throw error("positional argument follows keyword argument", a.loc)
                }
                try expression(a.value)
            }
            if names.isEmpty {
                emit(.call, args.count, at: loc)
            } else {
                let k = constantIndex(.tuple(names.map { Value.string($0) }))
                emit(.callKeywords, args.count, k, at: loc)
            }
        case .subscriptAccess(let base, let subs):
            try expression(base)
            for s in subs { try subscriptComponent(s, at: loc) }
            emit(.getIndex, subs.count, at: loc)
        case .attribute(let base, let name):
            switch moduleAttribute(e) {
            case .builtin(let index):
                emit(.loadBuiltin, index, at: loc)
                return
            case .constant(let value):
                emitConstant(value, at: loc)
                return
            case .missing(let message):
                // Raised when reached, as Python raises AttributeError at run time.
                emit(.fail, constantIndex(.string(message)), at: loc)
                return
            case .notModule:
                break
            }
            try expression(base)
            emit(.getAttribute, constantIndex(.string(name)), at: loc)
        }
    }

    enum ModuleAttribute {
        case builtin(Int)
        case constant(Value)
        case missing(String)
        case notModule
    }

    /// `np.sum`, `np.linalg.inv`, `random.seed`: the builtin it names, `.missing` for an
    /// unknown name under a module, `.notModule` for an ordinary attribute.
    func moduleAttribute(_ e: Expr) -> ModuleAttribute {
        var parts: [String] = []
        var node = e
        while case .attribute(let base, let name) = node.kind {
            parts.insert(name, at: 0)
            node = base
        }
        guard case .name(let root) = node.kind else { return .notModule }
        // A variable of that name shadows the module.
        for f in functions where !f.isModule && f.info.localSet.contains(root) { return .notModule }
        let prefix: String
        if let p = globals.moduleAliases[root], globals.value(of: root) == nil {
            prefix = p
        } else if (root == "random" || root == "linalg"), globals.value(of: root) == nil {
            prefix = root + "."
        } else {
            return .notModule
        }
        let dotted = prefix + parts.joined(separator: ".")
        if let i = builtins.index(of: dotted) { return .builtin(i) }
        // `scipy.optimize.minimize`, `jax.numpy.sum`: a submodule whose names are top-level builtins.
        if prefix.isEmpty, parts.count >= 2, ["optimize", "special", "numpy", "nn"].contains(parts[0]),
           let i = builtins.index(of: parts.dropFirst().joined(separator: ".")) {
            return .builtin(i)
        }
        if prefix.isEmpty, parts.count == 1, let constant = builtins.constants.first(where: { $0.0 == parts[0] }) {
            return .constant(constant.1)
        }
        return .missing("module '\(root)' has no attribute '\(parts.joined(separator: "."))'")
    }

    /// `l op r`, using a superinstruction when an operand is a plain local or a number literal.
    private func binaryOperation(_ op: OpCode, _ l: Expr, _ r: Expr, at loc: SourceLocation) throws {
        if case .name(let n) = l.kind, case .local(let slot) = resolve(n) {
            if let k = literalConstant(r) {
                emit(.binaryLocalConst, slot, constantIndex(k), sub: op, at: loc)
                return
            }
            if case .name(let m) = r.kind, case .local(let other) = resolve(m) {
                emit(.binaryLocalLocal, slot, other, sub: op, at: loc)
                return
            }
            // Nothing in `r` can rebind a plain local, so reading it after `r` is the same.
            try expression(r)
            emit(.binaryLocalStack, slot, sub: op, at: loc)
            return
        }
        try expression(l)
        try binaryOperand(op, r, at: loc)
    }

    /// With the left operand on the stack: `op r`.
    private func binaryOperand(_ op: OpCode, _ r: Expr, at loc: SourceLocation) throws {
        if let k = literalConstant(r) {
            emit(.binaryStackConst, 0, constantIndex(k), sub: op, at: loc)
        } else if case .name(let m) = r.kind, case .local(let slot) = resolve(m) {
            emit(.binaryStackLocal, 0, slot, sub: op, at: loc)
        } else {
            try expression(r)
            emit(op, at: loc)
        }
    }

    /// The value of an int or float literal (a negated one too).
    func literalConstant(_ e: Expr) -> Value? {
        switch e.kind {
        case .int(let v): return .int(v)
        case .float(let v): return .float(v)
        case .unary(.neg, let x):
            if case .int(let v) = x.kind { return .int(0 &- v) }
            if case .float(let v) = x.kind { return .float(-v) }
            return nil
        default: return nil
        }
    }

    private func subscriptComponent(_ s: Subscript, at loc: SourceLocation) throws {
        switch s {
        case .index(let x):
            try expression(x)
        case .slice(let lower, let upper, let step):
            for part in [lower, upper, step] {
                if let part { try expression(part) } else { emitConstant(.none, at: loc) }
            }
            emit(.buildSlice, at: loc)
        }
    }

    static func opcode(for op: BinaryOp) -> OpCode {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .floorDiv: return .floorDiv
        case .mod: return .mod
        case .pow: return .pow
        case .matmul: return .matmul
        case .bitAnd: return .bitAnd
        case .bitOr: return .bitOr
        case .bitXor: return .bitXor
        }
    }

    static func opcode(for op: CompareOp) -> OpCode {
        switch op {
        case .lt: return .less
        case .le: return .lessEqual
        case .gt: return .greater
        case .ge: return .greaterEqual
        case .eq: return .equal
        case .ne: return .notEqual
        case .is: return .isSame
        case .isNot: return .isNotSame
        }
    }
}
