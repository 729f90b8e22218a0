// The native tier of fused chains (Arrays/Fusion/FusedJIT.swift): random
// fused programs give bit for bit the block interpreter's results when
// compiled (the interpreter's own results are checked against NumPy and
// autograd by the other fusion tests), the tier only starts on hot, large
// chains, and every way it can fail (ADL_JIT=0, a missing compiler, no
// writable cache) keeps the same output; a second process loads the cached
// object instead of compiling. Skipped only when no C compiler is installed.

import Foundation
import XCTest
@testable import ADL

final class FusedJITTests: XCTestCase {
    /// A C compiler on PATH (the tier's default `cc`), or nil.
    static func compilerFound() -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { dir in
            FileManager.default.isExecutableFile(atPath: "\(dir)/cc")
        }
    }

    func requireCompiler() throws {
        if !Self.compilerFound() { throw XCTSkip("no C compiler (cc) on PATH") }
    }

    /// A scratch directory removed after the test.
    func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("adl-jit-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Points this process's JIT at a private cache for the test.
    func useCache(_ dir: URL) {
        var config = FusedJIT.environmentConfig() ?? FusedJIT.Config(
            command: [], directories: [], verbose: false, machine: "")
        if config.command.isEmpty {
            // ADL_JIT=0 in the test's environment: the tests still exercise the compiler.
            let saved = getenv("ADL_JIT").map { String(cString: $0) }
            unsetenv("ADL_JIT")
            config = FusedJIT.environmentConfig() ?? config
            if let saved { setenv("ADL_JIT", saved, 1) }
        }
        config.directories = [dir.path]
        FusedJIT.config = config
        addTeardownBlock { FusedJIT.config = FusedJIT.environmentConfig() }
    }

    // MARK: - Random programs

    /// A fixed-seed generator (SplitMix64), so a failure reproduces.
    struct Generator {
        var bits: SplitMix64
        init(state: UInt64) { bits = SplitMix64(state: state) }
        mutating func next() -> UInt64 { bits.next() }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1e6 < p }
        /// Mostly ordinary numbers, sometimes the special ones.
        mutating func value() -> Double {
            switch int(0...40) {
            case 0: return 0
            case 1: return -0.0
            case 2: return .nan
            case 3: return .infinity
            case 4: return -.infinity
            case 5: return 1e-310
            case 6: return -1e300
            case 7: return Double(int(-3...3))
            default: return Double(Int64(bitPattern: next() >> 11)) / Double(1 << 50) - 2.0
            }
        }
    }

    /// A random program and the values of its inputs.
    struct Program {
        var kernel: FusedKernel
        var values: [Value]
        var description: String
    }

    static func array(_ count: Int, _ g: inout Generator) -> Value {
        let a = NDArray(validShape: [count], count: count, isBool: false)
        for i in 0..<count { a.data[i] = g.value() }
        return .array(a)
    }

    /// Steps over `vectors` (registers holding arrays) and `scalars` (numbers), ending on a vector.
    static func randomSteps(_ g: inout Generator, steps: inout [FusedStep], vectors: inout [Int],
                            scalars: inout [Int], n: Int, padAdds: Bool) {
        let exponents: [Double] = [2, 0.5, 1, 0, -1, 2, 2, 3]
        let binaries: [ElementwiseBinary] = [.add, .sub, .mul, .div, .add, .mul, .maximum, .minimum, .pow]
        let unaries: [ElementwiseUnary] = [.neg, .pos, .abs, .square, .sqrt, .floor, .ceil, .sign]
        for _ in 0..<g.int(2...20) {
            let r = steps.count
            let a = vectors[g.int(0...(vectors.count - 1))]
            switch g.int(0...9) {
            case 0, 1:
                steps.append(.unary(unaries[g.int(0...(unaries.count - 1))], a))
            case 2 where padAdds:
                let b = vectors[g.int(0...(vectors.count - 1))]
                let base = g.chance(0.2) && !scalars.isEmpty ? scalars[0] : a
                let lo = g.int(-3...(n + 3)), hi = g.int(-3...(n + 3))
                steps.append(.padAdd(base: base, value: b, lo: lo, hi: hi))
            default:
                let op = binaries[g.int(0...(binaries.count - 1))]
                if op == .pow {
                    // The exponent: a constant, or a scalar input (specialised on its value).
                    if !scalars.isEmpty, g.chance(0.2) {
                        steps.append(.binary(.pow, a, scalars[g.int(0...(scalars.count - 1))]))
                    } else {
                        steps.append(.constant(exponents[g.int(0...(exponents.count - 1))]))
                        scalars.append(r)
                        steps.append(.binary(.pow, a, r))
                    }
                } else {
                    let pool = g.chance(0.3) && !scalars.isEmpty ? scalars : vectors
                    let b = pool[g.int(0...(pool.count - 1))]
                    steps.append(g.chance(0.5) ? .binary(op, a, b) : .binary(op, b, a))
                }
            }
            vectors.append(steps.count - 1)
        }
    }

    /// A program as the source compiler makes them: whole arrays and same-length slices of one length.
    static func forwardProgram(_ g: inout Generator, n: Int) -> Program {
        var inputs: [FusedInput] = []
        var values: [Value] = []
        var steps: [FusedStep] = []
        var vectors: [Int] = [], scalars: [Int] = []
        for k in 0..<g.int(1...3) {
            if g.chance(0.5) {
                inputs.append(FusedInput(source: .local(k)))
                values.append(array(n, &g))
            } else {
                // x[a:a+n] of a longer array, with a negative or omitted stop sometimes.
                let extra = g.int(0...3), a = g.int(0...extra)
                let length = n + extra
                let stop: Int? = a + n == length ? (g.chance(0.5) ? nil : length) : (g.chance(0.5) ? a + n - length : a + n)
                inputs.append(FusedInput(source: .local(k), isSlice: true, start: a == 0 && g.chance(0.5) ? nil : a,
                                         stop: stop))
                values.append(array(length, &g))
            }
            steps.append(.load(k, shift: 0))
            vectors.append(steps.count - 1)
        }
        for _ in 0..<g.int(0...2) {
            let k = inputs.count
            inputs.append(FusedInput(source: .local(k)))
            values.append(g.chance(0.5) ? .float(g.value()) : .int(g.int(-2...3)))
            steps.append(.load(k, shift: 0))
            scalars.append(steps.count - 1)
        }
        for _ in 0..<g.int(0...2) {
            steps.append(.constant(g.value()))
            scalars.append(steps.count - 1)
        }
        randomSteps(&g, steps: &steps, vectors: &vectors, scalars: &scalars, n: n, padAdds: false)
        let sums = g.chance(0.5)
        return Program(kernel: FusedKernel(inputs: inputs, steps: steps, sums: sums, shape: nil),
                       values: values, description: "forward n=\(n) sums=\(sums) \(steps)")
    }

    /// A program as the gradient lowering makes them: a fixed shape, shifted loads of
    /// inputs of other lengths (0 outside them), padAdds over arbitrary ranges.
    static func gradientProgram(_ g: inout Generator, n: Int) -> Program {
        var inputs: [FusedInput] = []
        var values: [Value] = []
        var steps: [FusedStep] = []
        var vectors: [Int] = [], scalars: [Int] = []
        for k in 0..<g.int(1...2) {
            let count = Swift.max(0, n + g.int(-2...2))
            inputs.append(FusedInput(source: .local(k), expectedCount: count))
            values.append(array(count, &g))
            for _ in 0..<g.int(1...3) {
                steps.append(.load(k, shift: g.int(-2...2)))
                vectors.append(steps.count - 1)
            }
        }
        steps.append(.constant(g.value()))
        scalars.append(steps.count - 1)
        randomSteps(&g, steps: &steps, vectors: &vectors, scalars: &scalars, n: n, padAdds: true)
        let sums = g.chance(0.3)
        return Program(kernel: FusedKernel(inputs: inputs, steps: steps, sums: sums, shape: [n]),
                       values: values, description: "gradient n=\(n) sums=\(sums) \(steps)")
    }

    /// Same bits, or both nan (a nan's sign may depend on which operand the
    /// compiler put first; nothing prints or compares it).
    static func same(_ a: Double, _ b: Double) -> Bool {
        a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    func assertSame(_ interpreted: Value?, _ native: Value?, _ what: String) {
        switch (interpreted, native) {
        case (.float(let a)?, .float(let b)?):
            XCTAssertTrue(Self.same(a, b), "\(a) vs \(b): \(what)")
        case (.array(let a)?, .array(let b)?):
            XCTAssertEqual(a.shape, b.shape, what)
            guard a.shape == b.shape else { return }
            for i in 0..<a.count where !Self.same(a.data[i], b.data[i]) {
                XCTFail("element \(i): \(a.data[i]) vs \(b.data[i]): \(what)")
                return
            }
        default:
            XCTFail("results differ in kind: \(String(describing: interpreted)) vs \(String(describing: native)): \(what)")
        }
    }

    func testRandomProgramsCompiledGiveTheInterpretersBits() throws {
        try requireCompiler()
        useCache(try scratchDirectory())
        var g = Generator(state: 20_261_127)
        let sizes = [1, 7, 130, 511, 512, 513, 2047, 2049, 5000]
        let nativeBefore = FusedKernel.nativeRunCount
        var nativePrograms = 0
        for index in 0..<36 {
            let n = sizes[g.int(0...(sizes.count - 1))]
            let program = index % 2 == 0 ? Self.forwardProgram(&g, n: n) : Self.gradientProgram(&g, n: n)
            let values = program.values
            let read: (FusedSource) -> Value = { source in
                guard case .local(let k) = source else { return .none }
                return values[k]
            }
            let interpreted = program.kernel.run(read, jit: .never)
            let before = FusedKernel.nativeRunCount
            let native = program.kernel.run(read, jit: .always)
            if FusedKernel.nativeRunCount > before { nativePrograms += 1 }
            assertSame(interpreted, native, "program \(index): \(program.description)")
        }
        // Most programs compile (those with `** 3` or a number-only step stay interpreted).
        XCTAssertGreaterThan(nativePrograms, 18)
        XCTAssertEqual(FusedKernel.nativeRunCount - nativeBefore, nativePrograms)
    }

    func testOneCompiledForwardProgramServesEveryLengthAndScalar() throws {
        try requireCompiler()
        useCache(try scratchDirectory())
        // sum(a * x[1:] - x[:-1] ** 2 / a) for several lengths and values of the scalar a.
        let kernel = FusedKernel(
            inputs: [FusedInput(source: .local(0), isSlice: true, start: 1, stop: nil),
                     FusedInput(source: .local(0), isSlice: true, start: nil, stop: -1),
                     FusedInput(source: .local(1))],
            steps: [.load(0, shift: 0), .load(1, shift: 0), .load(2, shift: 0), .binary(.mul, 2, 0),
                    .constant(2), .binary(.pow, 1, 4), .binary(.div, 5, 2), .binary(.sub, 3, 6)],
            sums: true, shape: nil)
        var g = Generator(state: 7)
        let compilesBefore = FusedJIT.compiles + FusedJIT.cacheLoads
        for n in [2, 3, 129, 1000, 4097, 70_000] {
            for a in [Value.float(0.5), .int(3), .float(-0.0)] {
                let x = Self.array(n, &g)
                let values = [x, a]
                let read: (FusedSource) -> Value = { s in
                    guard case .local(let k) = s else { return .none }
                    return values[k]
                }
                assertSame(kernel.run(read, jit: .never), kernel.run(read, jit: .always), "n=\(n) a=\(a)")
            }
        }
        XCTAssertEqual(FusedJIT.compiles + FusedJIT.cacheLoads - compilesBefore, 1)
        XCTAssertTrue(kernel.summary.hasSuffix(", native"), kernel.summary)
    }

    func testTieringCompilesOnlyHotLargeChains() throws {
        try requireCompiler()
        useCache(try scratchDirectory())
        let before = FusedKernel.nativeRunCount
        // Small arrays never compile, however often the chain runs.
        _ = try TestPrograms.run("""
        x = linspace(-2.0, 2.0, 1000)
        def f(x):
            return sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        for i in range(5):
            f(x)
        """)
        XCTAssertEqual(FusedKernel.nativeRunCount, before)
        // A large chain runs interpreted once, then natively; values are NumPy's.
        let out = try TestPrograms.run("""
        x = linspace(-2.0, 2.0, 100000)
        def f(x):
            return sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        g = grad(f)
        for i in range(3):
            print(repr(f(x)), g(x)[:3], g(x)[-2:])
        """)
        let line = "45566748.35736003 [-4805.96799968 -6005.70392216 -6005.4078536 ] [1201.89592152 -399.968     ]\n"
        XCTAssertEqual(out, line + line + line)
        // f: runs 2 and 3 native; the gradient (two calls per line, the first of
        // which traces f and runs no chain): runs 2 to 5 of its chain.
        XCTAssertEqual(FusedKernel.nativeRunCount - before, 2 + 4)
    }

    // MARK: - The tier in a process: fallbacks and the disk cache

    /// A script whose chains compile: Rosenbrock's f and gradient (sliced, summed, padAdd)
    /// and an unsliced sum, each run three times over 100000 elements.
    static let script = """
    x = linspace(-2.0, 2.0, 100000)
    y = x * 0.5
    def f(x):
        return sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    g = grad(f)
    for i in range(3):
        print(repr(f(x)), repr(sum(x * y + 1.0)), g(x)[:3], g(x)[-2:])
    """

    /// NumPy's values for `script` (each of its three lines).
    static let expected = "45566748.35736003 166668.00001333345 [-4805.96799968 -6005.70392216 -6005.4078536 ] "
        + "[1201.89592152 -399.968     ]\n"

    func runScript(_ environment: [String: String]) throws -> GoldenTests.RunResult {
        let binary = try XCTUnwrap(GoldenTests.adlBinary(), "the adl binary was not found")
        let dir = try scratchDirectory()
        let file = dir.appendingPathComponent("jit.adl")
        try Data(Self.script.utf8).write(to: file)
        var arguments = ["-u", "ADL_JIT", "-u", "ADL_CC"]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { arguments.append("\(k)=\(v)") }
        arguments += [binary.path, file.path]
        let result = try GoldenTests.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: arguments, in: dir,
                                         timeout: 120)
        XCTAssertFalse(result.timedOut)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, Self.expected + Self.expected + Self.expected)
        return result
    }

    func testSecondProcessLoadsTheCachedObject() throws {
        try requireCompiler()
        let cache = try scratchDirectory().path
        let first = try runScript(["XDG_CACHE_HOME": cache, "ADL_JIT_VERBOSE": "1"])
        let compiled = first.stderr.components(separatedBy: "adl jit: compiled").count - 1
        XCTAssertEqual(compiled, 3, first.stderr)
        XCTAssertFalse(first.stderr.contains("from the cache"), first.stderr)
        let second = try runScript(["XDG_CACHE_HOME": cache, "ADL_JIT_VERBOSE": "1"])
        XCTAssertFalse(second.stderr.contains("compiled"), second.stderr)
        XCTAssertEqual(second.stderr.components(separatedBy: "from the cache").count - 1, 3, second.stderr)
        // Objects only: no temporary file is left behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: cache + "/adl/jit")
        XCTAssertEqual(files.filter { $0.hasSuffix(".so") }.count, 3, "\(files)")
        XCTAssertEqual(files.count, 3, "\(files)")
    }

    func testDisabledTierPrintsTheSame() throws {
        let cache = try scratchDirectory().path
        let result = try runScript(["XDG_CACHE_HOME": cache, "ADL_JIT": "0", "ADL_JIT_VERBOSE": "1"])
        XCTAssertEqual(result.stderr, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache + "/adl"))
    }

    func testMissingCompilerKeepsTheInterpreter() throws {
        let cache = try scratchDirectory().path
        let result = try runScript(["XDG_CACHE_HOME": cache, "ADL_CC": "/nonexistent/adl-cc",
                                    "ADL_JIT_VERBOSE": "1"])
        XCTAssertTrue(result.stderr.contains("keeping the interpreter"), result.stderr)
        // Quiet without ADL_JIT_VERBOSE.
        let quiet = try runScript(["XDG_CACHE_HOME": cache, "ADL_CC": "/nonexistent/adl-cc"])
        XCTAssertEqual(quiet.stderr, "")
    }

    func testFailingCompilerKeepsTheInterpreter() throws {
        // A "compiler" that exits with an error (false ignores its arguments).
        let cache = try scratchDirectory().path
        let result = try runScript(["XDG_CACHE_HOME": cache, "ADL_CC": "false", "ADL_JIT_VERBOSE": "1"])
        XCTAssertTrue(result.stderr.contains("keeping the interpreter"), result.stderr)
    }

    func testUnwritableCacheFallsBackOrKeepsTheInterpreter() throws {
        try requireCompiler()
        // No writable directory at all: the interpreter.
        let none = try runScript(["XDG_CACHE_HOME": "/proc/adl-no-cache", "TMPDIR": "/proc/adl-no-tmp",
                                  "ADL_JIT_VERBOSE": "1"])
        XCTAssertTrue(none.stderr.contains("is not usable"), none.stderr)
        XCTAssertFalse(none.stderr.contains("compiled"), none.stderr)
        // An unwritable cache with a writable TMPDIR: compiled there.
        let tmp = try scratchDirectory().path
        let fallback = try runScript(["XDG_CACHE_HOME": "/proc/adl-no-cache", "TMPDIR": tmp,
                                      "ADL_JIT_VERBOSE": "1"])
        XCTAssertTrue(fallback.stderr.contains("adl jit: compiled"), fallback.stderr)
        let uid = getuid()
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(tmp)/adl-jit-\(uid)"))
        // A cache writable by others is not used either (anyone could plant an object there).
        let open = try scratchDirectory()
        let shared = open.appendingPathComponent("adl/jit").path
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(shared, 0o777), 0)
        let refused = try runScript(["XDG_CACHE_HOME": open.path, "TMPDIR": "/proc/adl-no-tmp",
                                     "ADL_JIT_VERBOSE": "1"])
        XCTAssertTrue(refused.stderr.contains("is not usable"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: shared), [])
    }
}
