// Native fused chains over several threads (Sources/CSupport/parallel.c and
// jitrun.c): the pool runs every task exactly once with any thread limit, and
// chains split over threads give bit for bit the single-threaded results
// (which FusedJITTests checks against the block interpreter, and the values
// here against NumPy and autograd), for result arrays and pairwise sums, at
// sizes around the threshold and the parts' boundaries.

import CSupport
import Foundation
import XCTest
@testable import ADL

final class ParallelChainTests: XCTestCase {
    /// Runs `body` with the thread limit `n`, then restores the default.
    func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        let previous = adl_set_threads(Int32(n))
        defer { adl_set_threads(previous) }
        return try body()
    }

    func requireCompiler() throws {
        if !FusedJITTests.compilerFound() { throw XCTSkip("no C compiler (cc) on PATH") }
    }

    /// Points this process's JIT at a private cache, removed after the test.
    func usePrivateCache() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("adl-parallel-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        var config = FusedJIT.environmentConfig()
        if config == nil {
            // ADL_JIT=0 in the test's environment: these tests still need the compiler.
            let saved = getenv("ADL_JIT").map { String(cString: $0) }
            unsetenv("ADL_JIT")
            config = FusedJIT.environmentConfig()
            if let saved { setenv("ADL_JIT", saved, 1) }
        }
        config?.directories = [url.path]
        FusedJIT.config = config
        addTeardownBlock {
            FusedJIT.config = FusedJIT.environmentConfig()
            try? FileManager.default.removeItem(at: url)
        }
    }

    func assertSame(_ a: Value?, _ b: Value?, _ what: String) {
        switch (a, b) {
        case (.float(let x)?, .float(let y)?):
            XCTAssertTrue(FusedJITTests.same(x, y), "\(x) vs \(y): \(what)")
        case (.array(let x)?, .array(let y)?):
            XCTAssertEqual(x.shape, y.shape, what)
            guard x.shape == y.shape else { return }
            for i in 0..<x.count where !FusedJITTests.same(x.data[i], y.data[i]) {
                XCTFail("element \(i): \(x.data[i]) vs \(y.data[i]): \(what)")
                return
            }
        default:
            XCTFail("results differ in kind: \(String(describing: a)) vs \(String(describing: b)): \(what)")
        }
    }

    // MARK: - The pool

    func testEveryTaskRunsOnceWithAnyThreadLimit() {
        for threads in [1, 2, 3, 4, 2, 1] {
            for count in [0, 1, 2, 3, 17, 1000] {
                var runs = [Int32](repeating: 0, count: Swift.max(count, 1))
                withThreads(threads) {
                    runs.withUnsafeMutableBufferPointer { buffer in
                        adl_parallel_for(count, { context, index in
                            let runs = context!.assumingMemoryBound(to: Int32.self)
                            runs[index] += 1  // each index is one task's alone
                        }, buffer.baseAddress)
                    }
                }
                XCTAssertEqual(Array(runs.prefix(count)), [Int32](repeating: 1, count: count),
                               "threads \(threads), count \(count)")
            }
        }
    }

    func testWorkersTakeTasks() {
        // Tasks that sleep leave the caller's core free, so a worker joins even on
        // a busy machine; each task still runs once.
        let before = adl_parallel_worker_tasks()
        var runs = [Int32](repeating: 0, count: 40)
        withThreads(2) {
            runs.withUnsafeMutableBufferPointer { buffer in
                adl_parallel_for(40, { context, index in
                    var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
                    nanosleep(&pause, nil)
                    context!.assumingMemoryBound(to: Int32.self)[index] += 1
                }, buffer.baseAddress)
            }
        }
        XCTAssertEqual(runs, [Int32](repeating: 1, count: 40))
        XCTAssertGreaterThan(adl_parallel_worker_tasks(), before)
    }

    func testThreadLimitFromTheEnvironment() throws {
        // ADL_THREADS caps the pool; 0 or junk means the default (the CPUs we may use).
        let saved = getenv("ADL_THREADS").map { String(cString: $0) }
        defer {
            if let saved { setenv("ADL_THREADS", saved, 1) } else { unsetenv("ADL_THREADS") }
            adl_set_threads(0)
        }
        unsetenv("ADL_THREADS")
        adl_set_threads(0)
        let cpus = adl_threads()
        XCTAssertGreaterThanOrEqual(cpus, 1)
        setenv("ADL_THREADS", "3", 1)
        adl_set_threads(0)
        XCTAssertEqual(adl_threads(), 3)
        setenv("ADL_THREADS", "1000", 1)
        adl_set_threads(0)
        XCTAssertEqual(adl_threads(), 64)
        for junk in ["0", "-2", "two", "2x"] {
            setenv("ADL_THREADS", junk, 1)
            adl_set_threads(0)
            XCTAssertEqual(adl_threads(), Int32(cpus), junk)
        }
    }

    // MARK: - Chains

    /// Random forward and gradient programs (FusedJITTests' generator), compiled,
    /// at sizes around the threshold (131072) and the tasks' size (16384):
    /// 2, 3 and 4 threads give the single thread's bits, which are the block
    /// interpreter's.
    func testThreadedChainsGiveTheSingleThreadsBits() throws {
        try requireCompiler()
        try usePrivateCache()
        XCTAssertEqual(adl_jit_parallel_min(), 131_072)
        var g = FusedJITTests.Generator(state: 2_026_112_704)
        let sizes = [131_071, 131_072, 131_073, 147_456, 163_845, 262_151]
        let jobsBefore = adl_parallel_jobs()
        var sums = 0, arrays = 0
        for index in 0..<16 {
            let n = sizes[index % sizes.count]
            let program = index % 2 == 0 ? FusedJITTests.forwardProgram(&g, n: n)
                : FusedJITTests.gradientProgram(&g, n: n)
            let values = program.values
            let read: (FusedSource) -> Value = { source in
                guard case .local(let k) = source else { return .none }
                return values[k]
            }
            let serial = withThreads(1) { program.kernel.run(read, jit: .always) }
            guard program.kernel.summary.hasSuffix(", native") else { continue }
            if program.kernel.sums { sums += 1 } else { arrays += 1 }
            for threads in [2, 3, 4] {
                let threaded = withThreads(threads) { program.kernel.run(read, jit: .always) }
                assertSame(serial, threaded, "\(threads) threads, program \(index): \(program.description)")
            }
            if index < 4 {
                assertSame(program.kernel.run(read, jit: .never), serial, "interpreted, program \(index)")
            }
        }
        XCTAssertGreaterThan(sums, 1)
        XCTAssertGreaterThan(arrays, 1)
        XCTAssertGreaterThan(adl_parallel_jobs(), jobsBefore)
    }

    /// sum(x * y + 1) over many lengths around the parts' boundaries: each split
    /// of NumPy's pairwise recursion is where the parallel sum cuts.
    func testThreadedSumsAroundThePartsBoundaries() throws {
        try requireCompiler()
        try usePrivateCache()
        // sum((((x * y + 1) * x - y) / 3 + x * y) * y): 7 operations, threaded.
        let kernel = FusedKernel(
            inputs: [FusedInput(source: .local(0)), FusedInput(source: .local(1))],
            steps: [.load(0, shift: 0), .load(1, shift: 0), .binary(.mul, 0, 1), .constant(1),
                    .binary(.add, 2, 3), .binary(.mul, 4, 0), .binary(.sub, 5, 1), .constant(3),
                    .binary(.div, 6, 7), .binary(.add, 8, 2), .binary(.mul, 9, 1)],
            sums: true, shape: nil)
        XCTAssertTrue(kernel.threaded)
        let jobsBefore = adl_parallel_jobs()
        var g = FusedJITTests.Generator(state: 99)
        // Finite values of mixed magnitudes, so every rounding of the sum shows
        // (one nan or inf would make every order give the same result).
        func finite(_ n: Int) -> Value {
            let a = NDArray(validShape: [n], count: n, isBool: false)
            for i in 0..<n {
                let unit = Double(g.next() >> 11) / Double(1 << 53) - 0.5
                a.data[i] = unit * Double(1 << g.int(0...40))
            }
            return .array(a)
        }
        for n in [131_072, 131_073, 131_079, 131_080, 196_608, 196_615, 262_144, 262_145, 327_687, 1_000_003] {
            let x = finite(n), y = finite(n)
            let read: (FusedSource) -> Value = { source in
                guard case .local(let k) = source else { return .none }
                return k == 0 ? x : y
            }
            let serial = withThreads(1) { kernel.run(read, jit: .always) }
            let threaded = withThreads(2) { kernel.run(read, jit: .always) }
            assertSame(serial, threaded, "n=\(n)")
            assertSame(kernel.run(read, jit: .never), threaded, "n=\(n), interpreted")
        }
        XCTAssertTrue(kernel.summary.hasSuffix(", native"), kernel.summary)
        XCTAssertGreaterThan(adl_parallel_jobs(), jobsBefore)
    }

    /// A short chain (sum(x * y + 1.0), bound by memory) stays on one thread
    /// however large; its sum is still NumPy's.
    func testShortChainsStayOnOneThread() throws {
        try requireCompiler()
        try usePrivateCache()
        let kernel = FusedKernel(
            inputs: [FusedInput(source: .local(0)), FusedInput(source: .local(1))],
            steps: [.load(0, shift: 0), .load(1, shift: 0), .binary(.mul, 0, 1), .constant(1),
                    .binary(.add, 2, 3)],
            sums: true, shape: nil)
        XCTAssertFalse(kernel.threaded)
        let out = try withThreads(2) {
            let jobsBefore = adl_parallel_jobs()
            let text = try TestPrograms.run("""
            x = linspace(-2.0, 2.0, 1000003)
            y = x * 0.5
            for i in range(3):
                print(repr(sum(x * y + 1.0)))
            """)
            XCTAssertEqual(adl_parallel_jobs(), jobsBefore)
            return text
        }
        // np.sum(x * y + 1.0) of the same arrays.
        XCTAssertEqual(out, String(repeating: "1666673.0000013332\n", count: 3))
    }

    /// Rosenbrock at n = 1000003 (B5's chains, threaded): NumPy's and autograd's values.
    func testRosenbrockOverThreadsIsNumPys() throws {
        try requireCompiler()
        try usePrivateCache()
        let script = """
        x = linspace(-2.0, 2.0, 1000003)
        y = x * 0.5
        def f(x):
            return sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        g = grad(f)
        for i in range(3):
            r = g(x)
            print(repr(f(x)), repr(sum(r)), r[:3], r[-2:], repr(r[500001]), repr(sum(x * y + 1.0)))
        """
        // np.sum and autograd.grad of the same expressions.
        let line = "455668115.33573604 -802004407.9983999 [-4805.99680001 -6005.97039211 -6005.94078431] "
            + "[1201.98959205 -399.99680001] -2.0000000031999874 1666673.0000013332\n"
        for threads in [1, 2, 3] {
            let nativeBefore = FusedKernel.nativeRunCount
            let out = try withThreads(threads) { try TestPrograms.run(script) }
            XCTAssertEqual(out, line + line + line, "\(threads) threads")
            XCTAssertGreaterThan(FusedKernel.nativeRunCount, nativeBefore)
        }
    }
}
