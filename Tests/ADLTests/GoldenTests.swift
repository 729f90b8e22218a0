// Golden tests: every `Tests/golden/**/*.adl` runs through the built `adl` binary, and what
// it prints must match the recorded files beside it exactly.
//
//   swift test --filter GoldenTests                  check every script
//   ADL_RECORD=1 swift test --filter GoldenTests     re-record (`make golden-record`)
//
// Invariants:
// - A script runs with `Tests/golden` as its working directory and its path relative to
//   that folder as its only argument, so messages read `errors/undefined_name.adl:2:7`.
// - `NAME.out` holds the expected stdout. When `NAME.err` exists it holds the expected
//   stderr and the exit status must be 1; otherwise the status must be 0 and stderr empty.
// - Recording writes `.out` always and `.err` only when stderr is nonempty (removing a
//   stale one), so a script that stops failing loses its `.err`.
// - Every script runs and every failure is reported, each with a unified diff.
// - A script whose first line is `# mode: stdin` is piped to `adl` on standard input
//   instead (stdin mode: expression statements echo their repr, errors name `<stdin>`).

import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class GoldenTests: XCTestCase {
    /// Seconds one script may run before it is killed and reported.
    static let timeout: TimeInterval = 20

    /// Lines of a diff shown in one failure message; the rest are counted.
    static let maxDiffLines = 60

    /// The package root: three levels above this file (`Tests/ADLTests/GoldenTests.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder of golden scripts.
    static let goldenDirectory = packageRoot.appendingPathComponent("Tests/golden")

    func testGoldenScripts() throws {
        let scripts = Self.scripts()
        XCTAssertFalse(scripts.isEmpty, "no golden scripts under \(Self.goldenDirectory.path)")
        guard let adl = Self.adlBinary() else {
            XCTFail("the adl binary was not found next to the test bundle nor in .build/debug; build it first")
            return
        }
        let record = ProcessInfo.processInfo.environment["ADL_RECORD"] == "1"
        var failed = 0
        for script in scripts {
            let path = Self.goldenDirectory.appendingPathComponent(script)
            let piped = (Self.read(path) ?? "").hasPrefix("# mode: stdin")
            let result = try Self.run(adl, arguments: piped ? [] : [script], in: Self.goldenDirectory,
                                      timeout: Self.timeout, stdin: piped ? path : nil)
            let problems = record ? try Self.record(script, result) : try Self.compare(script, result)
            if !problems.isEmpty {
                failed += 1
                XCTFail("\(script):\n" + problems.joined(separator: "\n"))
            }
        }
        let verb = record ? "recorded" : "checked"
        print("golden: \(verb) \(scripts.count) scripts with \(adl.path), \(failed) failed")
    }

    // MARK: - Checking and recording

    /// What is wrong with `result` as the output of `script` (empty when it matches).
    static func compare(_ script: String, _ result: RunResult) throws -> [String] {
        if result.timedOut {
            return ["timed out after \(Int(timeout)) s"]
        }
        var problems: [String] = []
        let base = goldenDirectory.appendingPathComponent(script).deletingPathExtension()
        let outFile = base.appendingPathExtension("out")
        let errFile = base.appendingPathExtension("err")
        if let expected = read(outFile) {
            if expected != result.stdout {
                problems.append("stdout differs from \(outFile.lastPathComponent):\n" + (try diff(expected, result.stdout)))
            }
        } else {
            problems.append("\(outFile.lastPathComponent) is missing (record it with `make golden-record`)")
        }
        if let expectedErr = read(errFile) {
            if result.status != 1 {
                problems.append("exit status \(result.status), expected 1 (the script has a .err file)")
            }
            if expectedErr != result.stderr {
                problems.append("stderr differs from \(errFile.lastPathComponent):\n" + (try diff(expectedErr, result.stderr)))
            }
        } else {
            if result.status != 0 {
                problems.append("exit status \(result.status), expected 0")
            }
            if !result.stderr.isEmpty {
                problems.append("unexpected stderr (add a .err file if the error is intended):\n\(result.stderr)")
            }
        }
        return problems
    }

    /// Writes `result` as the expected output of `script`; reports only a timeout.
    static func record(_ script: String, _ result: RunResult) throws -> [String] {
        if result.timedOut {
            return ["timed out after \(Int(timeout)) s; nothing recorded"]
        }
        let base = goldenDirectory.appendingPathComponent(script).deletingPathExtension()
        try Data(result.stdout.utf8).write(to: base.appendingPathExtension("out"))
        let errFile = base.appendingPathExtension("err")
        if result.stderr.isEmpty {
            if FileManager.default.fileExists(atPath: errFile.path) {
                try FileManager.default.removeItem(at: errFile)
            }
        } else {
            try Data(result.stderr.utf8).write(to: errFile)
        }
        return []
    }

    // MARK: - Finding things

    /// Every `.adl` file under the golden folder, relative to it, sorted.
    static func scripts() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: goldenDirectory.path) else { return [] }
        var found: [String] = []
        while let path = walker.nextObject() as? String {
            if path.hasSuffix(".adl") {
                found.append(path)
            }
        }
        return found.sorted()
    }

    /// The `adl` executable built alongside this test bundle.
    static func adlBinary() -> URL? {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["ADL_BINARY"], !explicit.isEmpty {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        // On Linux the tests run inside `<products>/adlPackageTests.xctest`, an executable.
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("adl"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("adl"))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("adl"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/adl"))
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: url.path)
        }
    }

    // MARK: - Running processes

    /// What one run of a process produced.
    struct RunResult {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    /// Runs `executable` with no stdin, capturing stdout and stderr through temporary files
    /// (no pipe can fill up), and kills it after `timeout` seconds.
    static func run(_ executable: URL, arguments: [String], in directory: URL, timeout: TimeInterval,
                    stdin: URL? = nil) throws -> RunResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("adl-golden-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus,
            stdout: read(outURL) ?? "",
            stderr: read(errURL) ?? "",
            timedOut: timedOut
        )
    }

    /// `diff -u` of two texts, as the failure message shows it (at most `maxDiffLines` lines).
    static func diff(_ expected: String, _ actual: String) throws -> String {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("adl-golden-diff-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let expectedURL = scratch.appendingPathComponent("expected")
        let actualURL = scratch.appendingPathComponent("actual")
        try Data(expected.utf8).write(to: expectedURL)
        try Data(actual.utf8).write(to: actualURL)
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/diff"),
            arguments: ["-u", "--label", "expected", "--label", "actual", expectedURL.path, actualURL.path],
            in: scratch, timeout: 10)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > maxDiffLines else { return result.stdout }
        return lines.prefix(maxDiffLines).joined(separator: "\n") + "\n... (\(lines.count - maxDiffLines) more lines)\n"
    }

    /// The contents of `url` as UTF-8 text, or nil when it cannot be read.
    static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
