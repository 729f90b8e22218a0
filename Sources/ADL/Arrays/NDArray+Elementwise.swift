// Elementwise kernels: broadcasting binary operations, array-with-scalar
// operations and unary operations.
//
// Each public entry point switches over the operation once and calls a loop
// generic over a `BinaryKernel` / `UnaryKernel` type; the optimiser
// specialises the loop per operation, so the inner loops hold no switch, no
// closure call and no index arithmetic beyond a pointer increment (and
// vectorise where the operation allows). Broadcasting coalesces axes first,
// then runs the innermost axis as a row in which each operand is walked or
// broadcast. The transcendental functions, sqrt, arctan2, hypot and power run
// through the SIMD kernels of CSupport (glibc's libmvec).

import CSupport

// MARK: - Kernel types

/// A compile-time binary operation: the loops below are specialised per kernel.
protocol BinaryKernel {
    static var op: ElementwiseBinary { get }

    /// out[i] = f(a[i * stepA], b[i * stepB]) for i < n; each step is 1 (the
    /// operand is walked) or 0 (its element 0 is broadcast).
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int)
}

extension BinaryKernel {
    @inline(__always) static func f(_ a: Double, _ b: Double) -> Double { op.apply(a, b) }

    /// The scalar loop, one specialised loop per combination of steps.
    @inline(__always)
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        switch (stepA, stepB) {
        case (1, 1):
            for i in 0..<n { out[i] = f(a[i], b[i]) }
        case (1, _):
            let s = b[0]
            for i in 0..<n { out[i] = f(a[i], s) }
        case (_, 1):
            let s = a[0]
            for i in 0..<n { out[i] = f(s, b[i]) }
        default:
            let v = f(a[0], b[0])
            for i in 0..<n { out[i] = v }
        }
    }
}

/// A compile-time unary operation.
protocol UnaryKernel {
    static var op: ElementwiseUnary { get }
}

extension UnaryKernel {
    @inline(__always) static func f(_ x: Double) -> Double { op.apply(x) }
}

/// The four arithmetic operators run their rows through CSupport's SIMD loop
/// (AVX2/AVX-512 where the CPU has them; the Swift loop above only gets SSE2):
/// the same one IEEE operation per element, so the same bits.
protocol ArithmeticKernel: BinaryKernel {
    static var code: Int32 { get }
}

extension ArithmeticKernel {
    @inline(__always)
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        adl_arith_row(code, a, stepA, b, stepB, out, n)
    }
}

enum AddK: ArithmeticKernel {
    static var op: ElementwiseBinary { .add }
    static var code: Int32 { Int32(ADL_FUSED_ADD.rawValue) }
}
enum SubK: ArithmeticKernel {
    static var op: ElementwiseBinary { .sub }
    static var code: Int32 { Int32(ADL_FUSED_SUB.rawValue) }
}
enum MulK: ArithmeticKernel {
    static var op: ElementwiseBinary { .mul }
    static var code: Int32 { Int32(ADL_FUSED_MUL.rawValue) }
}
enum DivK: ArithmeticKernel {
    static var op: ElementwiseBinary { .div }
    static var code: Int32 { Int32(ADL_FUSED_DIV.rawValue) }
}
enum FloorDivK: BinaryKernel { static var op: ElementwiseBinary { .floorDiv } }
enum ModK: BinaryKernel { static var op: ElementwiseBinary { .mod } }
/// np.power: with one exponent for the whole array (a number, or a one-element
/// array broadcast: a step of 0), NumPy's fast paths for the exponents -1, 0,
/// 0.5, 1 and 2 (so `power(-0.0, 0.5)` is sqrt's -0.0, not pow's 0.0);
/// otherwise pow. (A general broadcast runs `PowEveryK`: NumPy buffers such an
/// exponent into a walked array, so it never takes the fast paths.)
enum PowK: BinaryKernel {
    static var op: ElementwiseBinary { .pow }
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        if stepB == 0, let fast = NumPyPowerFastPath(exponent: b[0]) {
            if stepA == 0 {
                let v = fast.apply(a[0])
                for i in 0..<n { out[i] = v }
            } else {
                switch fast {
                case .sqrt: dispatchUnary(.sqrt, a, n, out)
                case .square: runUnary(SquareK.self, a, n, out)
                case .identity: runUnary(PosK.self, a, n, out)
                case .one: for i in 0..<n { out[i] = 1 }
                case .reciprocal: for i in 0..<n { out[i] = 1 / a[i] }
                }
            }
            return
        }
        _ = adl_vmath2(Int32(ADL_VMATH2_POW.rawValue), a, stepA, b, stepB, out, n)
    }
}
/// np.power through pow for every element, whatever the steps.
enum PowEveryK: BinaryKernel {
    static var op: ElementwiseBinary { .pow }
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        _ = adl_vmath2(Int32(ADL_VMATH2_POW.rawValue), a, stepA, b, stepB, out, n)
    }
}
enum MaximumK: BinaryKernel { static var op: ElementwiseBinary { .maximum } }
enum MinimumK: BinaryKernel { static var op: ElementwiseBinary { .minimum } }
enum Arctan2K: BinaryKernel {
    static var op: ElementwiseBinary { .arctan2 }
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        _ = adl_vmath2(Int32(ADL_VMATH2_ATAN2.rawValue), a, stepA, b, stepB, out, n)
    }
}
enum HypotK: BinaryKernel {
    static var op: ElementwiseBinary { .hypot }
    static func row(_ a: UnsafePointer<Double>, _ stepA: Int, _ b: UnsafePointer<Double>, _ stepB: Int,
                    _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        _ = adl_vmath2(Int32(ADL_VMATH2_HYPOT.rawValue), a, stepA, b, stepB, out, n)
    }
}
enum LogAddExpK: BinaryKernel { static var op: ElementwiseBinary { .logaddexp } }
enum LtK: BinaryKernel { static var op: ElementwiseBinary { .lt } }
enum LeK: BinaryKernel { static var op: ElementwiseBinary { .le } }
enum GtK: BinaryKernel { static var op: ElementwiseBinary { .gt } }
enum GeK: BinaryKernel { static var op: ElementwiseBinary { .ge } }
enum EqK: BinaryKernel { static var op: ElementwiseBinary { .eq } }
enum NeK: BinaryKernel { static var op: ElementwiseBinary { .ne } }
enum AndK: BinaryKernel { static var op: ElementwiseBinary { .logicalAnd } }
enum OrK: BinaryKernel { static var op: ElementwiseBinary { .logicalOr } }
enum XorK: BinaryKernel { static var op: ElementwiseBinary { .logicalXor } }

enum NegK: UnaryKernel { static var op: ElementwiseUnary { .neg } }
enum PosK: UnaryKernel { static var op: ElementwiseUnary { .pos } }
enum AbsK: UnaryKernel { static var op: ElementwiseUnary { .abs } }
enum SignK: UnaryKernel { static var op: ElementwiseUnary { .sign } }
enum SqrtK: UnaryKernel { static var op: ElementwiseUnary { .sqrt } }
enum SquareK: UnaryKernel { static var op: ElementwiseUnary { .square } }
enum ExpK: UnaryKernel { static var op: ElementwiseUnary { .exp } }
enum Exp2K: UnaryKernel { static var op: ElementwiseUnary { .exp2 } }
enum Expm1K: UnaryKernel { static var op: ElementwiseUnary { .expm1 } }
enum LogK: UnaryKernel { static var op: ElementwiseUnary { .log } }
enum Log2K: UnaryKernel { static var op: ElementwiseUnary { .log2 } }
enum Log10K: UnaryKernel { static var op: ElementwiseUnary { .log10 } }
enum Log1pK: UnaryKernel { static var op: ElementwiseUnary { .log1p } }
enum SinK: UnaryKernel { static var op: ElementwiseUnary { .sin } }
enum CosK: UnaryKernel { static var op: ElementwiseUnary { .cos } }
enum TanK: UnaryKernel { static var op: ElementwiseUnary { .tan } }
enum ArcsinK: UnaryKernel { static var op: ElementwiseUnary { .arcsin } }
enum ArccosK: UnaryKernel { static var op: ElementwiseUnary { .arccos } }
enum ArctanK: UnaryKernel { static var op: ElementwiseUnary { .arctan } }
enum SinhK: UnaryKernel { static var op: ElementwiseUnary { .sinh } }
enum CoshK: UnaryKernel { static var op: ElementwiseUnary { .cosh } }
enum TanhK: UnaryKernel { static var op: ElementwiseUnary { .tanh } }
enum ArcsinhK: UnaryKernel { static var op: ElementwiseUnary { .arcsinh } }
enum ArccoshK: UnaryKernel { static var op: ElementwiseUnary { .arccosh } }
enum ArctanhK: UnaryKernel { static var op: ElementwiseUnary { .arctanh } }
enum FloorK: UnaryKernel { static var op: ElementwiseUnary { .floor } }
enum CeilK: UnaryKernel { static var op: ElementwiseUnary { .ceil } }
enum RoundK: UnaryKernel { static var op: ElementwiseUnary { .round } }
enum IsnanK: UnaryKernel { static var op: ElementwiseUnary { .isnan } }
enum IsinfK: UnaryKernel { static var op: ElementwiseUnary { .isinf } }
enum IsfiniteK: UnaryKernel { static var op: ElementwiseUnary { .isfinite } }
enum NotK: UnaryKernel { static var op: ElementwiseUnary { .logicalNot } }

// MARK: - Loop shapes

/// How the operands of one binary kernel call are laid out.
enum BinaryLayout {
    /// out[i] = f(a[i], b[i]) for i in 0..<n.
    case same(UnsafePointer<Double>, UnsafePointer<Double>, Int)
    /// out[i] = f(a[i], s).
    case scalarRight(UnsafePointer<Double>, Double, Int)
    /// out[i] = f(s, b[i]).
    case scalarLeft(Double, UnsafePointer<Double>, Int)
    /// General broadcasting over coalesced axes.
    case strided(UnsafePointer<Double>, UnsafePointer<Double>, BroadcastPlan)
}

/// Coalesced iteration space of a broadcast: the result shape and each
/// operand's strides (0 along broadcast axes), with adjacent axes merged
/// where both operands are contiguous across them.
struct BroadcastPlan {
    var shape: [Int]
    var stridesA: [Int]
    var stridesB: [Int]

    init(resultShape: [Int], shapeA: [Int], shapeB: [Int]) {
        let n = resultShape.count
        func operandStrides(_ s: [Int]) -> [Int] {
            let own = NDArray.contiguousStrides(s)
            var strides = [Int](repeating: 0, count: n)
            let offset = n - s.count
            for axis in 0..<s.count where s[axis] != 1 {
                strides[axis + offset] = own[axis]
            }
            return strides
        }
        let sa = operandStrides(shapeA)
        let sb = operandStrides(shapeB)
        var shape: [Int] = []
        var stridesA: [Int] = []
        var stridesB: [Int] = []
        for axis in 0..<n where resultShape[axis] != 1 {
            if let last = shape.last,
               stridesA[stridesA.count - 1] == sa[axis] * resultShape[axis],
               stridesB[stridesB.count - 1] == sb[axis] * resultShape[axis] {
                shape[shape.count - 1] = last * resultShape[axis]
                stridesA[stridesA.count - 1] = sa[axis]
                stridesB[stridesB.count - 1] = sb[axis]
            } else {
                shape.append(resultShape[axis])
                stridesA.append(sa[axis])
                stridesB.append(sb[axis])
            }
        }
        if shape.isEmpty {
            shape = [1]
            stridesA = [0]
            stridesB = [0]
        }
        self.shape = shape
        self.stridesA = stridesA
        self.stridesB = stridesB
    }
}

@inline(__always)
func runBinary<K: BinaryKernel>(_ kernel: K.Type, _ layout: BinaryLayout,
                                _ out: UnsafeMutablePointer<Double>) {
    switch layout {
    case let .same(a, b, n):
        K.row(a, 1, b, 1, out, n)
    case let .scalarRight(a, s, n):
        withUnsafePointer(to: s) { K.row(a, 1, $0, 0, out, n) }
    case let .scalarLeft(s, b, n):
        withUnsafePointer(to: s) { K.row($0, 0, b, 1, out, n) }
    case let .strided(a, b, plan):
        runBroadcast(kernel, a, b, plan, out)
    }
}

/// The broadcast loop: odometer over the outer axes, one `row` per innermost
/// run. Every operand's innermost stride is 1 or 0 (a plan axis is a result
/// axis longer than 1, on which an operand is either contiguous or broadcast).
func runBroadcast<K: BinaryKernel>(_ kernel: K.Type, _ a: UnsafePointer<Double>,
                                   _ b: UnsafePointer<Double>, _ plan: BroadcastPlan,
                                   _ out: UnsafeMutablePointer<Double>) {
    let n = plan.shape.count
    let inner = plan.shape[n - 1]
    let ia = plan.stridesA[n - 1] == 0 ? 0 : 1
    let ib = plan.stridesB[n - 1] == 0 ? 0 : 1
    var index = [Int](repeating: 0, count: n)
    var offA = 0
    var offB = 0
    var o = out
    while true {
        K.row(a + offA, ia, b + offB, ib, o, inner)
        o += inner
        var axis = n - 2
        while axis >= 0 {
            index[axis] += 1
            offA += plan.stridesA[axis]
            offB += plan.stridesB[axis]
            if index[axis] < plan.shape[axis] { break }
            offA -= plan.stridesA[axis] * plan.shape[axis]
            offB -= plan.stridesB[axis] * plan.shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

/// Runs `op` over `layout` into `out`: the one switch over the operation.
func dispatchBinary(_ op: ElementwiseBinary, _ layout: BinaryLayout,
                    _ out: UnsafeMutablePointer<Double>) {
    switch op {
    case .add: runBinary(AddK.self, layout, out)
    case .sub: runBinary(SubK.self, layout, out)
    case .mul: runBinary(MulK.self, layout, out)
    case .div: runBinary(DivK.self, layout, out)
    case .floorDiv: runBinary(FloorDivK.self, layout, out)
    case .mod: runBinary(ModK.self, layout, out)
    case .pow:
        if case .strided = layout {
            runBinary(PowEveryK.self, layout, out)
        } else {
            runBinary(PowK.self, layout, out)
        }
    case .maximum: runBinary(MaximumK.self, layout, out)
    case .minimum: runBinary(MinimumK.self, layout, out)
    case .arctan2: runBinary(Arctan2K.self, layout, out)
    case .hypot: runBinary(HypotK.self, layout, out)
    case .logaddexp: runBinary(LogAddExpK.self, layout, out)
    case .lt: runBinary(LtK.self, layout, out)
    case .le: runBinary(LeK.self, layout, out)
    case .gt: runBinary(GtK.self, layout, out)
    case .ge: runBinary(GeK.self, layout, out)
    case .eq: runBinary(EqK.self, layout, out)
    case .ne: runBinary(NeK.self, layout, out)
    case .logicalAnd: runBinary(AndK.self, layout, out)
    case .logicalOr: runBinary(OrK.self, layout, out)
    case .logicalXor: runBinary(XorK.self, layout, out)
    }
}

@inline(__always)
func runUnary<K: UnaryKernel>(_ kernel: K.Type, _ x: UnsafePointer<Double>, _ n: Int,
                              _ out: UnsafeMutablePointer<Double>) {
    for i in 0..<n { out[i] = K.f(x[i]) }
}

/// The CSupport kernel of a unary operation, if it has one.
func vmathFunction(_ op: ElementwiseUnary) -> adl_vmath_function? {
    switch op {
    case .exp: return ADL_VMATH_EXP
    case .exp2: return ADL_VMATH_EXP2
    case .expm1: return ADL_VMATH_EXPM1
    case .log: return ADL_VMATH_LOG
    case .log2: return ADL_VMATH_LOG2
    case .log10: return ADL_VMATH_LOG10
    case .log1p: return ADL_VMATH_LOG1P
    case .sin: return ADL_VMATH_SIN
    case .cos: return ADL_VMATH_COS
    case .tan: return ADL_VMATH_TAN
    case .arcsin: return ADL_VMATH_ASIN
    case .arccos: return ADL_VMATH_ACOS
    case .arctan: return ADL_VMATH_ATAN
    case .sinh: return ADL_VMATH_SINH
    case .cosh: return ADL_VMATH_COSH
    case .tanh: return ADL_VMATH_TANH
    case .arcsinh: return ADL_VMATH_ASINH
    case .arccosh: return ADL_VMATH_ACOSH
    case .arctanh: return ADL_VMATH_ATANH
    case .sqrt: return ADL_VMATH_SQRT
    case .neg, .pos, .abs, .sign, .square, .floor, .ceil, .round, .isnan, .isinf, .isfinite,
         .logicalNot: return nil
    }
}

/// Runs `op` over n contiguous elements: the one switch over the operation.
func dispatchUnary(_ op: ElementwiseUnary, _ x: UnsafePointer<Double>, _ n: Int,
                   _ out: UnsafeMutablePointer<Double>) {
    if let which = vmathFunction(op), adl_vmath(Int32(which.rawValue), x, out, n) == 1 { return }
    switch op {
    case .neg: runUnary(NegK.self, x, n, out)
    case .pos: runUnary(PosK.self, x, n, out)
    case .abs: runUnary(AbsK.self, x, n, out)
    case .sign: runUnary(SignK.self, x, n, out)
    case .sqrt: runUnary(SqrtK.self, x, n, out)
    case .square: runUnary(SquareK.self, x, n, out)
    case .exp: runUnary(ExpK.self, x, n, out)
    case .exp2: runUnary(Exp2K.self, x, n, out)
    case .expm1: runUnary(Expm1K.self, x, n, out)
    case .log: runUnary(LogK.self, x, n, out)
    case .log2: runUnary(Log2K.self, x, n, out)
    case .log10: runUnary(Log10K.self, x, n, out)
    case .log1p: runUnary(Log1pK.self, x, n, out)
    case .sin: runUnary(SinK.self, x, n, out)
    case .cos: runUnary(CosK.self, x, n, out)
    case .tan: runUnary(TanK.self, x, n, out)
    case .arcsin: runUnary(ArcsinK.self, x, n, out)
    case .arccos: runUnary(ArccosK.self, x, n, out)
    case .arctan: runUnary(ArctanK.self, x, n, out)
    case .sinh: runUnary(SinhK.self, x, n, out)
    case .cosh: runUnary(CoshK.self, x, n, out)
    case .tanh: runUnary(TanhK.self, x, n, out)
    case .arcsinh: runUnary(ArcsinhK.self, x, n, out)
    case .arccosh: runUnary(ArccoshK.self, x, n, out)
    case .arctanh: runUnary(ArctanhK.self, x, n, out)
    case .floor: runUnary(FloorK.self, x, n, out)
    case .ceil: runUnary(CeilK.self, x, n, out)
    case .round: runUnary(RoundK.self, x, n, out)
    case .isnan: runUnary(IsnanK.self, x, n, out)
    case .isinf: runUnary(IsinfK.self, x, n, out)
    case .isfinite: runUnary(IsfiniteK.self, x, n, out)
    case .logicalNot: runUnary(NotK.self, x, n, out)
    }
}

// MARK: - Public entry points

extension NDArray {
    /// The broadcast result shape of two shapes (NumPy's rules), or NumPy's error.
    public static func broadcastShapes(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if a == b { return a }
        let n = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 {
                result[i] = da
            } else if da == 1 {
                result[i] = db
            } else {
                throw ADLError.shape(
                    "operands could not be broadcast together with shapes \(formatShape(a)) \(formatShape(b))")
            }
        }
        return result
    }

    /// The output array for a kernel: `reuse` when it fits, else a new one.
    @inline(__always)
    static func output(shape: [Int], count: Int, isBool: Bool, reuse: NDArray?) -> NDArray {
        if let r = reuse, !isBool, !r.isBool, r.shape == shape {
            return r
        }
        return NDArray(validShape: shape, count: count, isBool: isBool)
    }

    /// `a op b` with broadcasting. `reuse` (uniquely owned by the caller, may be
    /// `a` or `b`) receives the result when its shape is the result's and the
    /// result is not bool.
    public static func binary(_ op: ElementwiseBinary, _ a: NDArray, _ b: NDArray,
                              reuse: NDArray? = nil) throws -> NDArray {
        if a.shape == b.shape {
            let out = output(shape: a.shape, count: a.count, isBool: op.yieldsBool, reuse: reuse)
            dispatchBinary(op, .same(a.data, b.data, a.count), out.data)
            return out
        }
        let shape = try broadcastShapes(a.shape, b.shape)
        let count = try checkedCount(shape)
        let out = output(shape: shape, count: count, isBool: op.yieldsBool, reuse: reuse)
        if count == 0 { return out }
        if b.count == 1 && a.count == count {
            dispatchBinary(op, .scalarRight(a.data, b.data[0], count), out.data)
        } else if a.count == 1 && b.count == count {
            dispatchBinary(op, .scalarLeft(a.data[0], b.data, count), out.data)
        } else {
            let plan = BroadcastPlan(resultShape: shape, shapeA: a.shape, shapeB: b.shape)
            dispatchBinary(op, .strided(a.data, b.data, plan), out.data)
        }
        return out
    }

    /// `s op a` (scalarOnLeft) or `a op s`; a bool array takes part as 0/1.
    public static func binary(_ op: ElementwiseBinary, _ a: NDArray, scalar: Double,
                              scalarOnLeft: Bool, reuse: NDArray? = nil) -> NDArray {
        let out = output(shape: a.shape, count: a.count, isBool: op.yieldsBool, reuse: reuse)
        if scalarOnLeft {
            dispatchBinary(op, .scalarLeft(scalar, a.data, a.count), out.data)
        } else {
            dispatchBinary(op, .scalarRight(a.data, scalar, a.count), out.data)
        }
        return out
    }

    /// `op(self)` elementwise; `reuse` (may be `self`) receives the result
    /// when its shape matches and the result is not bool.
    public func unary(_ op: ElementwiseUnary, reuse: NDArray? = nil) -> NDArray {
        let out = NDArray.output(shape: shape, count: count, isBool: op.yieldsBool, reuse: reuse)
        dispatchUnary(op, data, count, out.data)
        return out
    }

    /// `clip(self, lo, hi)` with number bounds (`numpyClip` per element); a float array.
    public func clipped(_ lo: Double, _ hi: Double) -> NDArray {
        let out = NDArray(validShape: shape, count: count, isBool: false)
        let x = data, o = out.data
        if lo.isNaN || hi.isNaN {
            o.update(repeating: .nan, count: count)
        } else {
            for i in 0..<count {
                let t = x[i] < lo ? lo : x[i]
                o[i] = t > hi ? hi : t
            }
        }
        return out
    }

    /// A fresh array of `shape` holding this array broadcast to it, or NumPy's error.
    public func broadcast(to shape: [Int]) throws -> NDArray {
        let fits: Bool
        if shape.count < self.shape.count {
            fits = false
        } else {
            let offset = shape.count - self.shape.count
            fits = (0..<self.shape.count).allSatisfy {
                self.shape[$0] == 1 || self.shape[$0] == shape[$0 + offset]
            }
        }
        if !fits || shape.contains(where: { $0 < 0 }) {
            throw ADLError.shape(
                "operands could not be broadcast together with remapped shapes [original->remapped]: \(formatShape(self.shape))  and requested shape \(formatShape(shape))")
        }
        let result = try NDArray(uninitializedShape: shape, isBool: isBool)
        if result.count == 0 { return result }
        if count == result.count {
            result.data.update(from: data, count: count)
            return result
        }
        let own = NDArray.contiguousStrides(self.shape)
        let offset = shape.count - self.shape.count
        var strides = [Int](repeating: 0, count: shape.count)
        for axis in 0..<self.shape.count where self.shape[axis] != 1 {
            strides[axis + offset] = own[axis]
        }
        stridedCopy(from: data, shape: shape, strides: strides, to: result.data)
        return result
    }
}
