// The scalar fast paths of the dispatch loop (VM+Dispatch.swift and its fused
// instructions): int and float arithmetic and comparisons done entirely in
// slots, or nil when the operands or the result leave that case (arrays, traced
// values, int overflow), in which case the caller takes the general path.

extension VM {
    /// Scalar `l op r` entirely in slots: floats, ints (without overflow) and their mixes.
    @inline(__always)
    static func scalarFast(_ op: OpCode, _ l: Slot, _ r: Slot) -> Slot? {
        if l.tag == .int && r.tag == .int { return intOp(op, l.int, r.int) }
        guard let x = exactDouble(l), let y = exactDouble(r) else { return nil }
        return floatOp(op, x, y)
    }

    /// `scalarFast` with int - and + tested first by two compares, everything else out
    /// of line: for the fused call and return instructions (`f(n - 1)`, `return a + b`),
    /// which mostly see ints and one operator per site. A third case or an inlined
    /// general path would make the optimiser turn the compares into a jump table on the
    /// operator (an indirect jump and seven more instructions per call).
    // Transparent (inlined before optimisation): the dispatch loop is past the size where
    // the optimiser still honours @inline(__always) for a function this size.
    @_transparent
    static func intFirstFast(_ op: OpCode, _ l: Slot, _ r: Slot) -> Slot? {
        if l.tag == .int && r.tag == .int {
            if op == .sub {
                let (v, o) = l.int.subtractingReportingOverflow(r.int)
                return o ? nil : .int(v)
            }
            if op == .add {
                let (v, o) = l.int.addingReportingOverflow(r.int)
                return o ? nil : .int(v)
            }
        }
        return scalarFastOutOfLine(op, l, r)
    }

    /// `scalarFast`, not inlined (intFirstFast's other operators and kinds).
    @inline(never)
    static func scalarFastOutOfLine(_ op: OpCode, _ l: Slot, _ r: Slot) -> Slot? {
        scalarFast(op, l, r)
    }

    /// `scalarFast` for the four operators fused instructions use (+ - * /), with the
    /// all-float case first and the operator chosen by compares instead of a jump table.
    @inline(__always)
    static func arithmeticFast(_ op: OpCode, _ l: Slot, _ r: Slot) -> Slot? {
        let x: Double, y: Double
        if l.tag == .float && r.tag == .float {
            x = l.double
            y = r.double
        } else if l.tag == .int && r.tag == .int {
            let (v, o): (Int, Bool)
            if op == .add {
                (v, o) = l.int.addingReportingOverflow(r.int)
            } else if op == .sub {
                (v, o) = l.int.subtractingReportingOverflow(r.int)
            } else if op == .mul {
                (v, o) = l.int.multipliedReportingOverflow(by: r.int)
            } else {
                return nil  // int / int: the slow path (a float, or division by zero)
            }
            return o ? nil : .int(v)
        } else {
            guard let a = exactDouble(l), let b = exactDouble(r) else { return nil }
            x = a
            y = b
        }
        if op == .mul { return .float(x * y) }
        if op == .add { return .float(x + y) }
        if op == .sub { return .float(x - y) }
        return .float(x / y)
    }

    /// `scalarFast` for a comparison (BRANCH_LK/LL), as a Bool: ints exactly, floats
    /// and mixes through `exactDouble`; nil for anything else.
    @inline(__always)
    static func compareFast(_ op: OpCode, _ l: Slot, _ r: Slot) -> Bool? {
        if l.tag == .int && r.tag == .int { return compare(op, l.int, r.int) }
        guard let x = exactDouble(l), let y = exactDouble(r) else { return nil }
        return compare(op, x, y)
    }

    /// `x op y` for a comparison operator, chosen by compares (the fused branch
    /// handlers see one operator per site, so these predict well).
    @inline(__always)
    static func compare<T: Comparable>(_ op: OpCode, _ x: T, _ y: T) -> Bool {
        if op == .less { return x < y }
        if op == .lessEqual { return x <= y }
        if op == .greater { return x > y }
        if op == .greaterEqual { return x >= y }
        if op == .equal { return x == y }
        return x != y
    }

    /// A float or int slot as a Double; nil for other kinds and for ints beyond
    /// 2**53, which do not convert exactly (comparisons with them take the exact path).
    @inline(__always)
    static func exactDouble(_ s: Slot) -> Double? {
        switch s.tag {
        case .float: return s.double
        case .int: return s.int.magnitude > 1 << 53 ? nil : Double(s.int)
        default: return nil
        }
    }

    @inline(__always)
    static func floatOp(_ op: OpCode, _ x: Double, _ y: Double) -> Slot? {
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .div: return .float(x / y)
        default: return Operators.comparison(op, x, y).map(Slot.bool)
        }
    }

    @inline(__always)
    static func intOp(_ op: OpCode, _ x: Int, _ y: Int) -> Slot? {
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            return o ? nil : .int(r)
        case .sub:
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? nil : .int(r)
        case .mul:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? nil : .int(r)
        default: return Operators.comparison(op, x, y).map(Slot.bool)
        }
    }
}
