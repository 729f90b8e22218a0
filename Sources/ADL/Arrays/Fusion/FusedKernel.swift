// Fused elementwise chains (the numexpr idea): a small register program over
// input arrays, scalars and constants, run block by block through cache-sized
// buffers, so that `100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2` reads
// `x` once and writes its result once instead of making eight 8 MB
// temporaries. A final `sum` is accumulated per block, in NumPy's pairwise
// order.
//
// Exactness: every step calls the same row kernels as the unfused operators
// (`dispatchBinary`, `dispatchUnary`), whose results do not depend on where a
// row starts (the libmvec kernels pad the last partial vector), so each
// element is bit-for-bit what the unfused code computes. The sum walks NumPy's
// pairwise recursion over the whole length and sums each leaf run (at most
// 128 elements) with `adl_sum`, exactly as `adl_sum` over the materialised
// array would.
//
// This block interpreter is the first tier: a chain that runs hot over large
// arrays is compiled to native code (FusedJIT.swift) that gives the same bits,
// and `run` calls that instead when it exists.
//
// A kernel never fails: when its inputs are not what it handles (a bool
// array, shapes that differ, a slice of a 2-d array, an operation between two
// scalars ...) `run` returns nil and the caller runs the unfused code.

import CSupport

/// Where a fused program reads one of its inputs from.
enum FusedSource: Sendable {
    /// The frame's local slot.
    case local(Int)
    /// A global slot.
    case global(Int)
    /// The chunk's constant.
    case constant(Int)
}

/// One input of a fused program.
struct FusedInput: Sendable {
    var source: FusedSource
    /// `value[start:stop]` of a 1-d array (Python's bounds, nil for omitted)
    /// instead of the whole value; used by forward chains (`x[1:]`).
    var isSlice = false
    var start: Int? = nil
    var stop: Int? = nil
    /// The element count the program was built for (gradient programs,
    /// whose shapes are fixed); nil when any count goes.
    var expectedCount: Int? = nil
}

/// One step of a fused program; each step defines the register of its own index.
enum FusedStep: Sendable {
    /// Element i + shift of input k (a vector), 0 outside it; or input k itself when a scalar.
    case load(Int, shift: Int)
    /// A number.
    case constant(Double)
    /// Registers a op b.
    case binary(ElementwiseBinary, Int, Int)
    /// op(register a).
    case unary(ElementwiseUnary, Int)
    /// base[i] + value[i] for lo <= i < hi, base[i] elsewhere (index_add of a contiguous slice).
    case padAdd(base: Int, value: Int, lo: Int, hi: Int)
}

/// A fused elementwise program: its inputs, its steps (the last is the result)
/// and whether the result is summed.
final class FusedKernel: @unchecked Sendable {
    let inputs: [FusedInput]
    let steps: [FusedStep]
    let sums: Bool
    /// The result's shape when the program fixes it (gradient programs); nil:
    /// the shape of the vector inputs.
    let shape: [Int]?
    /// For `sum(chain)` compiled from source: where the name `sum` is read, which
    /// must still hold the builtin `sum` (a user may rebind it).
    let sumSource: FusedSource?
    /// How many times the fused path ran (tests check it is taken).
    nonisolated(unsafe) static var runCount = 0
    /// How many times native code ran a chain (tests check it is taken).
    nonisolated(unsafe) static var nativeRunCount = 0

    // The native tier (FusedJIT.swift): runs over at least FusedJIT.minElements so
    // far, the compiled kernel and the specialisation it was compiled for, and
    // whether this chain can never compile.
    private var hotRuns = 0
    private var native: adl_jit_kernel?
    private var nativeKey: [UInt8] = []
    private var nativeFailed = false

    /// Whether a large native run may use several threads: only chains with at
    /// least `FusedJIT.threadedMinOperations` operations per element, which are
    /// bound by the arithmetic; shorter ones are bound by memory.
    let threaded: Bool

    init(inputs: [FusedInput], steps: [FusedStep], sums: Bool, shape: [Int]?, sumSource: FusedSource? = nil) {
        self.inputs = inputs
        self.steps = steps
        threaded = steps.count(where: { step in
            switch step {
            case .binary, .unary, .padAdd: return true
            case .load, .constant: return false
            }
        }) >= FusedJIT.threadedMinOperations
        self.sums = sums
        self.shape = shape
        self.sumSource = sumSource
    }

    /// Elements per block: the live registers of a block stay in L1/L2.
    static let blockSize = 512

    /// The disassembler's summary: `sum(...)` or `chain(...)` of the step count.
    var summary: String {
        "\(sums ? "sum of " : "")\(steps.count) steps over \(inputs.count) input\(inputs.count == 1 ? "" : "s")"
            + (native != nil ? ", native" : "")
    }

    /// The compiled form of this chain for registers `isVector` and scalars
    /// `numbers`, or nil to interpret (see FusedJIT.swift for when it compiles).
    private func nativeKernel(isVector: [Bool], numbers: [Double], n: Int, mode: FusedJIT.Mode) -> adl_jit_kernel? {
        switch mode {
        case .never: return nil
        case .auto: if n < FusedJIT.minElements || nativeFailed { return nil }
        case .always: if nativeFailed { return nil }
        }
        guard let key = FusedJIT.specialisation(steps, isVector: isVector, numbers: numbers) else { return nil }
        if let k = native, key == nativeKey { return k }
        if mode == .auto {
            hotRuns += 1
            if hotRuns < FusedJIT.hotRuns { return nil }
        }
        guard let k = FusedJIT.kernel(steps, key: key, count: shape.map { $0.reduce(1, *) }) else {
            nativeFailed = true
            return nil
        }
        native = k
        nativeKey = key
        return k
    }

    /// A Python slice bound normalised for a step of 1 (clamped to 0...count).
    static func bound(_ b: Int?, count: Int, default d: Int) -> Int {
        guard var v = b else { return d }
        if v < 0 { v += count }
        return Swift.min(Swift.max(v, 0), count)
    }

    /// Runs the program over the input values; nil when the inputs are not
    /// handled (the caller runs the unfused code). `value(k)` gives input k.
    func run(_ value: (FusedSource) -> Value, jit: FusedJIT.Mode = .auto) -> Value? {
        if let s = sumSource {
            guard case .builtin(let b) = value(s), b.name == "sum" else { return nil }
        }
        let nInputs = inputs.count
        var arrays: [NDArray?] = []
        arrays.reserveCapacity(nInputs)
        var pointers = [UnsafePointer<Double>?](repeating: nil, count: nInputs)
        var counts = [Int](repeating: 0, count: nInputs)
        var scalars = [Double](repeating: 0, count: nInputs)
        var vectorShape: [Int]? = shape
        for (k, input) in inputs.enumerated() {
            let v = value(input.source)
            switch v {
            case .float(let d):
                scalars[k] = d
                arrays.append(nil)
            case .int(let i):
                scalars[k] = Double(i)
                arrays.append(nil)
            case .array(let a):
                if a.isBool { return nil }
                if a.ndim == 0, !input.isSlice, input.expectedCount == nil {
                    // A 0-d array takes part as a number (as the operators broadcast it).
                    scalars[k] = a.data[0]
                    arrays.append(nil)
                    continue
                }
                if input.isSlice {
                    guard a.ndim == 1 else { return nil }
                    let lo = FusedKernel.bound(input.start, count: a.count, default: 0)
                    let hi = FusedKernel.bound(input.stop, count: a.count, default: a.count)
                    let n = Swift.max(0, hi - lo)
                    if shape == nil {
                        if let s = vectorShape, s != [n] { return nil }
                        vectorShape = [n]
                    }
                    pointers[k] = UnsafePointer(a.data + lo)
                    counts[k] = n
                } else {
                    if let expected = input.expectedCount {
                        if a.count != expected { return nil }
                    } else {
                        if let s = vectorShape, s != a.shape { return nil }
                        vectorShape = a.shape
                    }
                    pointers[k] = UnsafePointer(a.data)
                    counts[k] = a.count
                }
                arrays.append(a)
            default:
                return nil
            }
        }
        guard let resultShape = vectorShape else { return nil }
        let n = resultShape.reduce(1, *)
        // Every step's kind (vector or number) and the numbers' values.
        let nSteps = steps.count
        var isVector = [Bool](repeating: false, count: nSteps)
        var numbers = [Double](repeating: 0, count: nSteps)
        for (r, step) in steps.enumerated() {
            switch step {
            case .load(let k, _):
                isVector[r] = pointers[k] != nil
                numbers[r] = scalars[k]
            case .constant(let c):
                numbers[r] = c
            case .binary(_, let a, let b):
                if !isVector[a] && !isVector[b] { return nil }
                isVector[r] = true
            case .unary(_, let a):
                if !isVector[a] { return nil }
                isVector[r] = true
            case .padAdd(_, let value, _, _):
                if !isVector[value] { return nil }
                isVector[r] = true
            }
        }
        guard nSteps > 0, isVector[nSteps - 1] else { return nil }
        FusedKernel.runCount &+= 1
        if let k = nativeKernel(isVector: isVector, numbers: numbers, n: n, mode: jit) {
            FusedKernel.nativeRunCount &+= 1
            return withExtendedLifetime(arrays) {
                runNative(k, n: n, shape: resultShape, pointers: pointers, counts: counts, numbers: numbers)
            }
        }
        let result: Value = withExtendedLifetime(arrays) {
            let machine = FusedMachine(kernel: self, n: n, pointers: pointers, counts: counts,
                                       isVector: isVector, numbers: numbers)
            defer { machine.deallocate() }
            if sums {
                return .float(machine.sum())
            }
            let out = NDArray(validShape: resultShape, count: n, isBool: false)
            machine.fill(out.data)
            return .array(out)
        }
        return result
    }
}

extension FusedKernel {
    /// The chain through native code `k`: the whole result, or its sum in NumPy's
    /// pairwise order exactly as `FusedMachine.sum`; both split over threads when
    /// the chain is large (Sources/CSupport/jitrun.c, the same bits either way).
    fileprivate func runNative(_ k: adl_jit_kernel, n: Int, shape: [Int], pointers: [UnsafePointer<Double>?],
                               counts: [Int], numbers: [Double]) -> Value {
        pointers.withUnsafeBufferPointer { p in
            counts.withUnsafeBufferPointer { c in
                numbers.withUnsafeBufferPointer { num in
                    let cnt = c.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CLong.self) }
                    let threaded: Int32 = threaded ? 1 : 0
                    if !sums {
                        let out = NDArray(validShape: shape, count: n, isBool: false)
                        adl_jit_fill(k, p.baseAddress, cnt, num.baseAddress, out.data, n, threaded)
                        return .array(out)
                    }
                    return .float(adl_jit_sum(k, p.baseAddress, cnt, num.baseAddress, n, threaded))
                }
            }
        }
    }
}

/// The state of one run: register pointers and the block buffers.
private struct FusedMachine {
    let steps: UnsafeMutableBufferPointer<FusedStep>
    let n: Int
    let inputs: UnsafeMutablePointer<UnsafePointer<Double>?>
    let counts: UnsafeMutablePointer<Int>
    let isVector: UnsafeMutablePointer<Bool>
    let numbers: UnsafeMutablePointer<Double>
    /// Each register's current block (into an input or into `scratch`).
    let registers: UnsafeMutablePointer<UnsafePointer<Double>>
    let scratch: UnsafeMutablePointer<Double>
    /// Each step's block buffer in `scratch` (shared by steps whose lives do not overlap).
    let buffer: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    /// The adl_fused_arith operation of each step that has one.
    let arithmetic: UnsafeMutablePointer<Int32?>
    let block = FusedKernel.blockSize

    init(kernel: FusedKernel, n: Int, pointers: [UnsafePointer<Double>?], counts: [Int],
         isVector: [Bool], numbers: [Double]) {
        let s = kernel.steps.count
        steps = .allocate(capacity: s)
        _ = steps.initialize(from: kernel.steps)
        self.n = n
        inputs = .allocate(capacity: Swift.max(1, pointers.count))
        inputs.initialize(from: pointers, count: pointers.count)
        self.counts = .allocate(capacity: Swift.max(1, counts.count))
        self.counts.initialize(from: counts, count: counts.count)
        self.isVector = .allocate(capacity: s)
        self.isVector.initialize(from: isVector, count: s)
        self.numbers = .allocate(capacity: s)
        self.numbers.initialize(from: numbers, count: s)
        registers = .allocate(capacity: s)
        // Block buffers by liveness: a step's buffer is free again after the last step
        // that reads it, so a long program touches a few buffers that stay in L1.
        var lastUse = Array(0..<s)
        for (r, step) in kernel.steps.enumerated() {
            switch step {
            case .binary(_, let a, let b): lastUse[a] = r; lastUse[b] = r
            case .unary(_, let a): lastUse[a] = r
            case .padAdd(let base, let value, _, _): lastUse[base] = r; lastUse[value] = r
            case .load, .constant: break
            }
        }
        var free: [Int] = []
        var buffers = 0
        var bufferOf = [Int](repeating: 0, count: s)
        var dying = [[Int]](repeating: [], count: s)
        for r in 0..<s {
            if let b = free.popLast() { bufferOf[r] = b } else { bufferOf[r] = buffers; buffers += 1 }
            // Released after the target is taken: a step never writes over its own operands.
            dying[lastUse[r]].append(bufferOf[r])
            free.append(contentsOf: dying[r])
        }
        scratch = .allocate(capacity: Swift.max(1, buffers) * FusedKernel.blockSize)
        buffer = .allocate(capacity: s)
        for r in 0..<s { buffer[r] = scratch + bufferOf[r] * FusedKernel.blockSize }
        registers.initialize(repeating: UnsafePointer(scratch), count: s)
        // The steps the C kernels run: + - * / and ** 2 of a vector (NumPy's square).
        arithmetic = .allocate(capacity: s)
        for (r, step) in kernel.steps.enumerated() {
            var code: adl_fused_op?
            if case .binary(let op, let a, let b) = step {
                switch op {
                case .add: code = ADL_FUSED_ADD
                case .sub: code = ADL_FUSED_SUB
                case .mul: code = ADL_FUSED_MUL
                case .div: code = ADL_FUSED_DIV
                case .pow where isVector[a] && !isVector[b] && numbers[b] == 2: code = ADL_FUSED_SQUARE
                default: code = nil
                }
            }
            arithmetic[r] = code.map { Int32($0.rawValue) }
        }
    }

    func deallocate() {
        steps.deallocate()
        inputs.deallocate()
        counts.deallocate()
        isVector.deallocate()
        numbers.deallocate()
        registers.deallocate()
        scratch.deallocate()
        buffer.deallocate()
        arithmetic.deallocate()
    }

    /// Computes elements b0 ..< b0 + m of every register; the last one goes to `last` when given.
    func evaluate(_ b0: Int, _ m: Int, last: UnsafeMutablePointer<Double>?) {
        let final = steps.count - 1
        for r in 0...final {
            let target = (r == final ? last : nil) ?? buffer[r]
            switch steps[r] {
            case .load(let k, let shift):
                guard let base = inputs[k] else { continue }
                // The elements i with 0 <= i + shift < count exist; the others read as 0.
                let lo = Swift.max(b0, -shift), hi = Swift.min(b0 + m, counts[k] - shift)
                if lo == b0 && hi == b0 + m && r != final {
                    registers[r] = base + (b0 + shift)
                } else {
                    target.update(repeating: 0, count: m)
                    if hi > lo { (target + (lo - b0)).update(from: base + (lo + shift), count: hi - lo) }
                    registers[r] = UnsafePointer(target)
                }
            case .constant:
                continue
            case .binary(let op, let a, let b):
                if let code = arithmetic[r] {
                    adl_fused_arith(code, isVector[a] ? registers[a] : nil, numbers[a],
                                    isVector[b] ? registers[b] : nil, numbers[b], target, m)
                    registers[r] = UnsafePointer(target)
                    continue
                }
                switch (isVector[a], isVector[b]) {
                case (true, true): dispatchBinary(op, .same(registers[a], registers[b], m), target)
                case (true, false): dispatchBinary(op, .scalarRight(registers[a], numbers[b], m), target)
                default: dispatchBinary(op, .scalarLeft(numbers[a], registers[b], m), target)
                }
                registers[r] = UnsafePointer(target)
            case .unary(let op, let a):
                if op == .neg {
                    adl_fused_arith(Int32(ADL_FUSED_NEG.rawValue), registers[a], 0, nil, 0, target, m)
                } else {
                    dispatchUnary(op, registers[a], m, target)
                }
                registers[r] = UnsafePointer(target)
            case .padAdd(let base, let value, let lo, let hi):
                // Inside lo..<hi: base + value (as index_add's +=); outside: base as it is.
                let from = Swift.min(Swift.max(lo, b0), b0 + m) - b0
                let to = Swift.max(Swift.min(hi, b0 + m) - b0, from)
                let baseVector = isVector[base]
                for (s, e) in [(0, from), (to, m)] where e > s {
                    if baseVector {
                        (target + s).update(from: registers[base] + s, count: e - s)
                    } else {
                        (target + s).update(repeating: numbers[base], count: e - s)
                    }
                }
                if to > from {
                    adl_fused_arith(Int32(ADL_FUSED_ADD.rawValue), baseVector ? registers[base] + from : nil,
                                    numbers[base], registers[value] + from, 0, target + from, to - from)
                }
                registers[r] = UnsafePointer(target)
            }
        }
    }

    /// Writes the result into `out` (n elements), block by block.
    func fill(_ out: UnsafeMutablePointer<Double>) {
        var b0 = 0
        while b0 < n {
            let m = Swift.min(block, n - b0)
            evaluate(b0, m, last: out + b0)
            b0 += m
        }
    }

    /// The sum of the result, added in NumPy's pairwise order (as `reduce(.sum)` adds
    /// `adl_sum` of the whole run to the initial 0).
    func sum() -> Double {
        if n == 0 { return 0 }
        var blockStart = 0, blockEnd = 0
        let final = steps.count - 1
        // NumPy's pairwise_sum: halves (multiples of 8) above 128 elements; each leaf
        // run of at most 128 is summed by adl_sum exactly as the recursion would.
        func pairwise(_ lo: Int, _ m: Int) -> Double {
            if m <= 128 {
                if lo + m > blockEnd {
                    blockStart = lo
                    blockEnd = Swift.min(n, lo + Swift.max(block, m))
                    evaluate(blockStart, blockEnd - blockStart, last: nil)
                }
                return adl_sum(registers[final] + (lo - blockStart), m)
            }
            var half = m / 2
            half -= half % 8
            return pairwise(lo, half) + pairwise(lo + half, m - half)
        }
        return 0 + pairwise(0, n)
    }
}
