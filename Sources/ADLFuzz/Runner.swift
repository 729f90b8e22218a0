// Runs one program the way the fuzzer needs it run: in a fresh VM, output discarded,
// arrays capped at 2^20 elements, calls capped at 200 frames, and a watchdog that
// interrupts the VM (through the same flag as Ctrl-C) when the time limit passes.
// Any error that is not an `ADLError` is a failure of the interpreter.
//
// The watchdog: each run takes a new generation number under a lock and schedules a
// timer that raises `interruptRequested` only if that generation is still running.
// Ending a run bumps the generation and clears the flag under the same lock, so a late
// timer can never interrupt the next program.

import ADL
import Dispatch
import Foundation
import Synchronization

/// The generation of the run the watchdog may interrupt.
private let watchdogGeneration = Mutex<UInt64>(0)

/// The index of the campaign program running now (-1 between programs), for the hang watchdog.
private let runningIndex = Atomic<Int>(-1)

extension Fuzzer {
    /// How one program ended.
    public enum Outcome: Sendable, Equatable, CustomStringConvertible {
        case ok
        /// An ADL error (a syntax, name, shape... error, or `.interrupt` at the time limit).
        case adlError(ErrorKind)
        /// Any other Swift error: a failure of the interpreter.
        case other(String)

        public var isFailure: Bool {
            if case .other = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case .ok: return "ok"
            case .adlError(let kind): return "ADL \(kind.rawValue) error"
            case .other(let message): return "non-ADL error: \(message)"
            }
        }
    }

    /// The default time limit of one program.
    public static let defaultTimeLimitMilliseconds = 200

    /// Runs `source` with the default time limit.
    public static func runOne(_ source: String) -> Outcome {
        runOne(source, timeLimitMilliseconds: defaultTimeLimitMilliseconds)
    }

    /// Runs `source` in a fresh VM (echoing expression statements into nothing, as stdin
    /// mode would) and says how it ended.
    public static func runOne(_ source: String, timeLimitMilliseconds: Int, echo: Bool = true) -> Outcome {
        let savedMaxElements = NDArray.maxElements
        NDArray.maxElements = 1 << 20
        defer { NDArray.maxElements = savedMaxElements }

        let vm = VM()
        vm.write = { _ in }
        vm.recursionLimit = 200

        let generation = watchdogGeneration.withLock { g -> UInt64 in
            g &+= 1
            interruptRequested.store(false, ordering: .relaxed)
            return g
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(timeLimitMilliseconds)) {
            watchdogGeneration.withLock { g in
                if g == generation { interruptRequested.store(true, ordering: .relaxed) }
            }
        }
        defer {
            watchdogGeneration.withLock { g in
                g &+= 1
                interruptRequested.store(false, ordering: .relaxed)
            }
        }

        do {
            try vm.run(source: SourceFile(name: "<fuzz>", text: source), echo: echo)
            return .ok
        } catch let error as ADLError {
            return .adlError(error.kind)
        } catch {
            return .other("\(type(of: error)): \(error)")
        }
    }

    /// The text of every `.adl` file under `directory` (recursively), in path order.
    public static func loadCorpus(directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let path = walker.nextObject() as? String {
            if path.hasSuffix(".adl") { paths.append(path) }
        }
        return paths.sorted().compactMap { path in
            FileManager.default.contents(atPath: directory + "/" + path).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

/// Counts of a fuzzing campaign.
public struct FuzzStats: Sendable {
    public var programs = 0
    public var ok = 0
    public var adlErrors = 0
    /// Non-ADL errors (a crash kills the process before it can be counted).
    public var failures = 0
    public var errorKinds: [ErrorKind: Int] = [:]
    /// The slowest program: its index and how long it took.
    public var slowestIndex = -1
    public var slowestSeconds = 0.0
    public var elapsedSeconds = 0.0
    /// Programs and seconds spent, by how the programs were made.
    public var strategyCounts: [Fuzzer.Strategy: Int] = [:]
    public var strategySeconds: [Fuzzer.Strategy: Double] = [:]

    public init() {}

    /// Programs and mean milliseconds per strategy.
    public var strategyBreakdown: String {
        Fuzzer.Strategy.allCases.compactMap { s in
            guard let n = strategyCounts[s], n > 0 else { return nil }
            let ms = (strategySeconds[s] ?? 0) / Double(n) * 1000
            return "\(s.rawValue) \(n) (\(Int(ms.rounded())) ms avg)"
        }.joined(separator: ", ")
    }

    /// Programs stopped by the time limit.
    public var timeouts: Int { errorKinds[.interrupt] ?? 0 }

    /// The line `make fuzz` ends with.
    public var summary: String {
        "fuzz: \(programs) programs, \(ok) ok, \(adlErrors) adl errors, \(failures) crashes"
    }

    /// ADL errors by kind, most frequent first.
    public var kindBreakdown: String {
        errorKinds.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    }
}

/// A run of many programs from one seed.
public struct Campaign {
    public var seed: UInt64
    public var count: Int
    /// Index of the first program (to resume or reproduce a stretch of a run).
    public var start = 0
    public var timeLimitMilliseconds = Fuzzer.defaultTimeLimitMilliseconds
    /// See `Fuzzer.depthScale` and `Fuzzer.sizeScale`.
    public var depthScale = 1.0
    public var sizeScale = 1.0
    /// Stop after this many seconds even if `count` programs have not run.
    public var maxSeconds: Double?
    /// Each program is written here before it runs, so that a crash leaves it behind.
    public var currentProgramPath: String? = "/tmp/adl-fuzz-current.adl"
    /// `progress` is called before every `progressEvery`-th program.
    public var progressEvery = 10_000
    /// Programs slower than this (seconds) are passed to `slow`.
    public var slowThreshold = 2.0
    /// A program still running after this many seconds (stuck in a builtin, which the
    /// interrupt cannot stop) is passed to `onHang`, on another thread, while it runs.
    public var hangSeconds: Double?
    public var onHang: (@Sendable (_ index: Int, _ seconds: Double) -> Void)?

    public init(seed: UInt64, count: Int) {
        self.seed = seed
        self.count = count
    }

    /// Runs the campaign. `failure` gets each non-ADL error (index, program, outcome) and
    /// says whether to go on; `progress` gets the next index and the counts so far.
    public func run(corpus: [String],
                    progress: (Int, FuzzStats) -> Void = { _, _ in },
                    slow: (Int, String, Double) -> Void = { _, _, _ in },
                    failure: (Int, String, Fuzzer.Outcome) -> Bool) -> FuzzStats {
        var fuzzer = Fuzzer(seed: seed, corpus: corpus)
        fuzzer.depthScale = depthScale
        fuzzer.sizeScale = sizeScale
        var stats = FuzzStats()
        let clock = ContinuousClock()
        let began = clock.now
        let currentProgram = currentProgramPath.flatMap { CurrentFile($0) }
        let currentInfo = currentProgramPath.flatMap { CurrentFile($0 + ".info") }
        for index in start..<(start + count) {
            if (index - start) % progressEvery == 0 {
                stats.elapsedSeconds = seconds(clock.now - began)
                progress(index, stats)
                if let maxSeconds, stats.elapsedSeconds >= maxSeconds { break }
            }
            let (program, strategy) = fuzzer.programAndStrategy(at: index)
            currentProgram?.write(program)
            currentInfo?.write("seed \(seed) index \(index)\n")
            let t0 = clock.now
            runningIndex.store(index, ordering: .relaxed)
            if let hangSeconds, let onHang {
                DispatchQueue.global().asyncAfter(deadline: .now() + hangSeconds) {
                    if runningIndex.load(ordering: .relaxed) == index { onHang(index, hangSeconds) }
                }
            }
            let outcome = Fuzzer.runOne(program, timeLimitMilliseconds: timeLimitMilliseconds)
            runningIndex.store(-1, ordering: .relaxed)
            let took = seconds(clock.now - t0)
            stats.programs += 1
            stats.strategyCounts[strategy, default: 0] += 1
            stats.strategySeconds[strategy, default: 0] += took
            if took > stats.slowestSeconds {
                stats.slowestSeconds = took
                stats.slowestIndex = index
            }
            if took > slowThreshold { slow(index, program, took) }
            switch outcome {
            case .ok:
                stats.ok += 1
            case .adlError(let kind):
                stats.adlErrors += 1
                stats.errorKinds[kind, default: 0] += 1
            case .other:
                stats.failures += 1
                if !failure(index, program, outcome) {
                    stats.elapsedSeconds = seconds(clock.now - began)
                    return stats
                }
            }
        }
        stats.elapsedSeconds = seconds(clock.now - began)
        return stats
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Keeps `path` holding the latest text written, cheaply: one descriptor for the whole
    /// campaign, each text written in place and the file cut to its length. (Truncating to
    /// zero and rewriting would make ext4 flush the file at every close.)
    private final class CurrentFile {
        let fd: Int32

        init?(_ path: String) {
            fd = open(path, O_WRONLY | O_CREAT, 0o644)
            if fd < 0 { return nil }
        }

        deinit { close(fd) }

        func write(_ text: String) {
            var text = text
            text.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = pwrite(fd, buffer.baseAddress! + offset, buffer.count - offset, off_t(offset))
                    if n <= 0 { break }
                    offset += n
                }
                _ = ftruncate(fd, off_t(buffer.count))
            }
        }
    }
}
