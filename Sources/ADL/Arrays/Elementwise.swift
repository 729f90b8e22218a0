// The scalar meaning of every elementwise operation, with NumPy's float64
// semantics (the C loops of numpy/_core/src/umath): floor division and
// remainder as `npy_floor_divide` / `npy_remainder`, nan-propagating
// maximum/minimum, comparisons and logical operations giving 1 or 0.
// The array kernels in NDArray+Elementwise.swift switch over these enums once
// per call and run a loop specialised for the case.

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A binary elementwise operation (a NumPy ufunc with two inputs).
public enum ElementwiseBinary: CaseIterable, Sendable {
    case add, sub, mul, div, floorDiv, mod, pow, maximum, minimum, arctan2, hypot, logaddexp
    case lt, le, gt, ge, eq, ne, logicalAnd, logicalOr, logicalXor

    /// The operation on two float64 values; bool results are 1 or 0.
    @inline(__always)
    public func apply(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .floorDiv: return numpyFloorDivide(a, b)
        case .mod: return numpyRemainder(a, b)
        case .pow: return Glibc.pow(a, b)
        case .maximum: return numpyMaximum(a, b)
        case .minimum: return numpyMinimum(a, b)
        case .arctan2: return atan2(a, b)
        case .hypot: return Glibc.hypot(a, b)
        case .logaddexp: return numpyLogAddExp(a, b)
        case .lt: return a < b ? 1 : 0
        case .le: return a <= b ? 1 : 0
        case .gt: return a > b ? 1 : 0
        case .ge: return a >= b ? 1 : 0
        case .eq: return a == b ? 1 : 0
        case .ne: return a != b ? 1 : 0
        case .logicalAnd: return (a != 0) && (b != 0) ? 1 : 0
        case .logicalOr: return (a != 0) || (b != 0) ? 1 : 0
        case .logicalXor: return (a != 0) != (b != 0) ? 1 : 0
        }
    }

    /// True when the result is a bool array (comparisons and logical operations).
    public var yieldsBool: Bool {
        switch self {
        case .lt, .le, .gt, .ge, .eq, .ne, .logicalAnd, .logicalOr, .logicalXor: return true
        case .add, .sub, .mul, .div, .floorDiv, .mod, .pow, .maximum, .minimum, .arctan2,
             .hypot, .logaddexp: return false
        }
    }

    /// NumPy's ufunc name.
    public var name: String {
        switch self {
        case .add: return "add"
        case .sub: return "subtract"
        case .mul: return "multiply"
        case .div: return "divide"
        case .floorDiv: return "floor_divide"
        case .mod: return "remainder"
        case .pow: return "power"
        case .maximum: return "maximum"
        case .minimum: return "minimum"
        case .arctan2: return "arctan2"
        case .hypot: return "hypot"
        case .logaddexp: return "logaddexp"
        case .lt: return "less"
        case .le: return "less_equal"
        case .gt: return "greater"
        case .ge: return "greater_equal"
        case .eq: return "equal"
        case .ne: return "not_equal"
        case .logicalAnd: return "logical_and"
        case .logicalOr: return "logical_or"
        case .logicalXor: return "logical_xor"
        }
    }
}

/// A unary elementwise operation (a NumPy ufunc with one input, plus `round`).
public enum ElementwiseUnary: CaseIterable, Sendable {
    case neg, pos, abs, sign, sqrt, square, exp, exp2, expm1, log, log2, log10, log1p
    case sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh
    case floor, ceil, round, isnan, isinf, isfinite, logicalNot

    /// The operation on one float64 value; domain errors give nan silently.
    @inline(__always)
    public func apply(_ x: Double) -> Double {
        switch self {
        case .neg: return -x
        case .pos: return x
        case .abs: return Swift.abs(x)
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : (x == 0 ? 0 : x))
        case .sqrt: return x.squareRoot()
        case .square: return x * x
        case .exp: return Glibc.exp(x)
        case .exp2: return Glibc.exp2(x)
        case .expm1: return Glibc.expm1(x)
        case .log: return Glibc.log(x)
        case .log2: return Glibc.log2(x)
        case .log10: return Glibc.log10(x)
        case .log1p: return Glibc.log1p(x)
        case .sin: return Glibc.sin(x)
        case .cos: return Glibc.cos(x)
        case .tan: return Glibc.tan(x)
        case .arcsin: return Glibc.asin(x)
        case .arccos: return Glibc.acos(x)
        case .arctan: return Glibc.atan(x)
        case .sinh: return Glibc.sinh(x)
        case .cosh: return Glibc.cosh(x)
        case .tanh: return Glibc.tanh(x)
        case .arcsinh: return Glibc.asinh(x)
        case .arccosh: return Glibc.acosh(x)
        case .arctanh: return Glibc.atanh(x)
        case .floor: return x.rounded(.down)
        case .ceil: return x.rounded(.up)
        case .round: return x.rounded(.toNearestOrEven)
        case .isnan: return x.isNaN ? 1 : 0
        case .isinf: return x.isInfinite ? 1 : 0
        case .isfinite: return x.isFinite ? 1 : 0
        case .logicalNot: return x == 0 ? 1 : 0
        }
    }

    /// True for the predicates (`isnan isinf isfinite logical_not`).
    public var yieldsBool: Bool {
        switch self {
        case .isnan, .isinf, .isfinite, .logicalNot: return true
        case .neg, .pos, .abs, .sign, .sqrt, .square, .exp, .exp2, .expm1, .log, .log2,
             .log10, .log1p, .sin, .cos, .tan, .arcsin, .arccos, .arctan, .sinh, .cosh,
             .tanh, .arcsinh, .arccosh, .arctanh, .floor, .ceil, .round: return false
        }
    }

    /// NumPy's ufunc name (`round` for np.round, which is not a ufunc).
    public var name: String {
        switch self {
        case .neg: return "negative"
        case .pos: return "positive"
        case .abs: return "absolute"
        case .sign: return "sign"
        case .sqrt: return "sqrt"
        case .square: return "square"
        case .exp: return "exp"
        case .exp2: return "exp2"
        case .expm1: return "expm1"
        case .log: return "log"
        case .log2: return "log2"
        case .log10: return "log10"
        case .log1p: return "log1p"
        case .sin: return "sin"
        case .cos: return "cos"
        case .tan: return "tan"
        case .arcsin: return "arcsin"
        case .arccos: return "arccos"
        case .arctan: return "arctan"
        case .sinh: return "sinh"
        case .cosh: return "cosh"
        case .tanh: return "tanh"
        case .arcsinh: return "arcsinh"
        case .arccosh: return "arccosh"
        case .arctanh: return "arctanh"
        case .floor: return "floor"
        case .ceil: return "ceil"
        case .round: return "round"
        case .isnan: return "isnan"
        case .isinf: return "isinf"
        case .isfinite: return "isfinite"
        case .logicalNot: return "logical_not"
        }
    }
}

// MARK: - NumPy's scalar loops

/// `npy_divmod`: the quotient and Python-convention remainder of a / b, b != 0.
@inline(__always)
func numpyDivmod(_ a: Double, _ b: Double) -> (quotient: Double, remainder: Double) {
    var mod = fmod(a, b)
    var div = (a - mod) / b
    if mod != 0 {
        if (b < 0) != (mod < 0) {
            mod += b
            div -= 1.0
        }
    } else {
        mod = copysign(0, b)
    }
    var floordiv: Double
    if div != 0 {
        floordiv = div.rounded(.down)
        if div - floordiv > 0.5 { floordiv += 1.0 }
    } else {
        floordiv = copysign(0, a / b)
    }
    return (floordiv, mod)
}

/// `np.floor_divide` on float64: `7.0 // 0 == inf`, `0.0 // 0` is nan.
@inline(__always)
public func numpyFloorDivide(_ a: Double, _ b: Double) -> Double {
    if b == 0 { return a / b }
    return numpyDivmod(a, b).quotient
}

/// `np.remainder` on float64: the sign follows the divisor, `x % 0` is nan.
@inline(__always)
public func numpyRemainder(_ a: Double, _ b: Double) -> Double {
    if b == 0 { return fmod(a, b) }
    return numpyDivmod(a, b).remainder
}

/// `np.maximum`: nan if either operand is nan; `b` on ties (so
/// maximum(0.0, -0.0) is -0.0, as NumPy's vector loop gives).
@inline(__always)
func numpyMaximum(_ a: Double, _ b: Double) -> Double {
    (a > b || a.isNaN) ? a : b
}

/// `np.minimum`: nan if either operand is nan; `b` on ties.
@inline(__always)
func numpyMinimum(_ a: Double, _ b: Double) -> Double {
    (a < b || a.isNaN) ? a : b
}

/// `np.logaddexp`: log(exp(a) + exp(b)) without overflow.
@inline(__always)
func numpyLogAddExp(_ x: Double, _ y: Double) -> Double {
    if x == y { return x + 0.693147180559945309417232121458176568 }
    let tmp = x - y
    if tmp > 0 { return x + log1p(Glibc.exp(-tmp)) }
    if tmp <= 0 { return y + log1p(Glibc.exp(tmp)) }
    return tmp
}

/// NumPy's float64 power loop when the exponent is one value for the whole
/// loop (a scalar or a broadcast operand): these exponents skip pow. They differ
/// from pow only at -0.0 and -inf for 0.5 (sqrt gives -0.0 and nan, pow 0.0 and
/// inf) and in the last bit for -1.
enum NumPyPowerFastPath {
    case reciprocal, one, sqrt, identity, square

    init?(exponent: Double) {
        switch exponent {
        case -1: self = .reciprocal
        case 0: self = .one
        case 0.5: self = .sqrt
        case 1: self = .identity
        case 2: self = .square
        default: return nil
        }
    }

    @inline(__always)
    func apply(_ x: Double) -> Double {
        switch self {
        case .reciprocal: return 1 / x
        case .one: return 1
        case .sqrt: return x.squareRoot()
        case .identity: return x
        case .square: return x * x
        }
    }
}

/// `np.power(x, e)` on two scalars (NumPy's loop sees a broadcast exponent).
/// The `**` operator on two numbers follows Python instead: plain pow.
public func numpyPower(_ x: Double, _ e: Double) -> Double {
    NumPyPowerFastPath(exponent: e)?.apply(x) ?? Glibc.pow(x, e)
}

/// `np.clip(x, lo, hi)` with constant bounds, as NumPy's clip loop: nan if any
/// operand is nan; `hi` when lo > hi; on a tie the element itself (its zero sign).
@inline(__always)
public func numpyClip(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
    if lo.isNaN { return lo }
    if hi.isNaN { return hi }
    let t = x < lo ? lo : x
    return t > hi ? hi : t
}
