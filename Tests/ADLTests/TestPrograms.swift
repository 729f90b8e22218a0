// Running a small ADL program in-process, the way most unit tests do: one
// place for it, so every suite captures output and errors the same way.

import Foundation
@testable import ADL

enum TestPrograms {
    /// Runs `source` in `vm` (echoing expression statements unless `echo` is false)
    /// and returns what it printed.
    static func run(_ source: String, vm: VM = VM(), name: String = "<test>", echo: Bool = true) throws -> String {
        var out = ""
        vm.write = { out += $0 }
        try vm.run(source: SourceFile(name: name, text: source), echo: echo)
        return out
    }

    /// The ADL error `source` raises, or nil when it runs through.
    static func failure(_ source: String, vm: VM = VM()) -> ADLError? {
        do {
            _ = try run(source, vm: vm)
            return nil
        } catch {
            return error as? ADLError
        }
    }

    /// The ADL error `source` raises when Ctrl-C comes `seconds` after it starts (a
    /// timer raises the flag as the SIGINT handler does; the flag is clear before and after).
    static func failure(_ source: String, vm: VM = VM(), ctrlCAfter seconds: Double) -> ADLError? {
        interruptRequested.store(false, ordering: .relaxed)
        let timer = Thread {
            Thread.sleep(forTimeInterval: seconds)
            interruptRequested.store(true, ordering: .relaxed)
        }
        timer.start()
        defer { interruptRequested.store(false, ordering: .relaxed) }
        return failure(source, vm: vm)
    }
}

/// A reproducible generator (SplitMix64) for the randomised tests, so a failure
/// can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
