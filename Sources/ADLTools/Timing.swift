// `:time EXPR`, in the manner of IPython's %timeit: the code is compiled once
// into a function running it in a loop, as Python's timeit does, so the time
// per run is the code's own and not the cost of a call from Swift; the loop
// runs 1, 2, 5, 10, 20, ... times until one loop takes at least 0.2 s; then it
// is repeated (7 times when that fits in about 3 s, fewer for slow code, at
// least once) and the best and median time per run are printed with a unit.
// Ctrl-C stops it like any computation.

import ADL

extension SessionCommands {
    /// Seconds one loop of runs should take at least.
    static let loopTarget = 0.2
    /// Seconds all the loops together should take at most (when one loop is shorter).
    static let timeBudget = 3.0
    static let maxRepeats = 7

    static func time(_ vm: VM, _ command: Command) throws {
        guard !command.argument.isEmpty else { throw command.error(.argument, "usage: :time EXPR") }
        // The code runs in a function, its names are the session's globals (assignments
        // in it are local to the loop, as in timeit); `__n` and `__i` stay out of the session.
        let code = CommandCode(command, before: "def \(CommandCode.timerName)(__n):\n    for __i in range(__n):\n        ")
        let module = try code.compile(vm)
        guard let proto = module.chunk.functions.first(where: { $0.name == CommandCode.timerName }) else {
            throw command.error(.argument, "usage: :time EXPR")
        }
        let timed = Value.function(FunctionObject(proto: proto, defaults: [], captured: []))
        func loop(_ runs: Int) throws -> Double {
            let start = System.monotonicSeconds()
            try code.call(vm, timed, [.int(runs)])
            return System.monotonicSeconds() - start
        }
        // Calibrate: the smallest n in 1, 2, 5, 10, 20, 50, ... whose loop takes loopTarget.
        var runs = 1
        var step = 0
        var elapsed = try loop(runs)
        while elapsed < loopTarget && runs < 1_000_000_000 {
            step += 1
            runs = [1, 2, 5][step % 3] * Int(pow10(step / 3))
            elapsed = try loop(runs)
        }
        let repeats = max(1, min(maxRepeats, Int(timeBudget / max(elapsed, 1e-9))))
        var perRun = [elapsed / Double(runs)]
        for _ in 1..<max(repeats, 1) { perRun.append(try loop(runs) / Double(runs)) }
        vm.write(timingReport(perRun: perRun, runs: runs) + "\n")
    }

    /// `best 1.21 ms, median 1.25 ms per run (7 loops of 100 runs)`.
    static func timingReport(perRun: [Double], runs: Int) -> String {
        let sorted = perRun.sorted()
        let best = sorted.first ?? 0
        let median = sorted.isEmpty ? 0 : (sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                                          : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
        let loops = perRun.count == 1 ? "1 loop" : "\(perRun.count) loops"
        let runText = runs == 1 ? "1 run" : "\(runs) runs"
        return "best \(formatDuration(best)), median \(formatDuration(median)) per run (\(loops) of \(runText))"
    }

    /// A duration with three significant digits and a unit: `812 ns`, `1.25 ms`, `3.00 s`.
    static func formatDuration(_ seconds: Double) -> String {
        let (value, unit): (Double, String)
        switch seconds {
        case ..<1e-6: (value, unit) = (seconds * 1e9, "ns")
        case ..<1e-3: (value, unit) = (seconds * 1e6, "µs")
        case ..<1: (value, unit) = (seconds * 1e3, "ms")
        default: (value, unit) = (seconds, "s")
        }
        return threeDigits(value) + " " + unit
    }

    /// `value` (0 ≤ value < 1000) with three significant digits: 1.25, 12.5, 125.
    static func threeDigits(_ value: Double) -> String {
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
        let scale = pow10(decimals)
        var rounded = (value * scale).rounded() / scale
        if rounded >= 1000 { rounded = 999 }
        var text = String(Int(rounded))
        if decimals > 0 {
            let fraction = Int(((rounded - rounded.rounded(.towardZero)) * scale).rounded())
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }

    static func pow10(_ n: Int) -> Double {
        var x = 1.0
        for _ in 0..<n { x *= 10 }
        return x
    }
}
