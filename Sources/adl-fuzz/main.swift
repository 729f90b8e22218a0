// adl-fuzz: the long fuzz run (`make fuzz`). Feeds the lexer, parser, compiler and VM
// random and mutated programs, each in a fresh VM with a time limit, and fails on the
// first error that is not an ADL error. A crash (a Swift trap) kills the process; the
// program that caused it is in /tmp/adl-fuzz-current.adl (its seed and index beside it,
// in .info), and `adl-fuzz --seed S --index I` prints it again.
//
//   adl-fuzz [--count N] [--seed S] [--start I] [--corpus DIR] [--time-limit MS]
//            [--minutes M] [--depth-scale X] [--size-scale X] [--keep-going] [--slow S]
//            [--hang S] [--memory G]
//   adl-fuzz --seed S --index I     print program I of seed S, run it, say how it ended

import ADL
import ADLFuzz
import Foundation

let usage = """
usage: adl-fuzz [--count N] [--seed S] [--start I] [--corpus DIR] [--time-limit MS]
                [--minutes M] [--depth-scale X] [--size-scale X] [--keep-going] [--slow S]
                [--hang S] [--memory G]
       adl-fuzz [--seed S] [--corpus DIR] --index I
  --count N        programs to run (default 1000000)
  --seed S         campaign seed (default 1)
  --start I        index of the first program (default 0)
  --corpus DIR     folder of .adl programs to mutate (default Tests/golden)
  --time-limit MS  per-program time limit in milliseconds (default 200)
  --minutes M      stop after M minutes even if N programs have not run
  --depth-scale X  scale the depth of nestings (50-400) by X (default 1)
  --size-scale X   scale the length of chains, argument lists and literals by X (default 1)
  --keep-going     count non-ADL errors instead of stopping at the first
  --slow S         report programs that take longer than S seconds (default 2)
  --hang S         a program still running after S seconds is a hang: report it, exit 3 (default 60)
  --memory G       limit the address space to G GiB, so that a runaway allocation traps
                   instead of waking the OOM killer (default 8; 0: no limit)
  --index I        print program I of the seed's stream, run it and print the outcome

"""

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("adl-fuzz: \(message)\n\(usage)".utf8))
    exit(2)
}

struct Options {
    var count = 1_000_000
    var seed: UInt64 = 1
    var start = 0
    var corpusDirectory = "Tests/golden"
    var timeLimit = Fuzzer.defaultTimeLimitMilliseconds
    var minutes: Double?
    var depthScale = 1.0
    var sizeScale = 1.0
    var keepGoing = false
    var slowSeconds = 2.0
    var hangSeconds = 60.0
    var memoryGigabytes = 8.0
    var showIndex: Int?

    static func parse(_ list: [String]) -> Options {
        var o = Options()
        var arguments = list[...]
        func value(_ flag: String) -> String {
            guard let v = arguments.popFirst() else { fail("\(flag) needs a value") }
            return v
        }
        while let flag = arguments.popFirst() {
            switch flag {
            case "--count": guard let n = Int(value(flag)), n >= 0 else { fail("bad --count") }; o.count = n
            case "--seed": guard let s = UInt64(value(flag)) else { fail("bad --seed") }; o.seed = s
            case "--start": guard let s = Int(value(flag)), s >= 0 else { fail("bad --start") }; o.start = s
            case "--corpus": o.corpusDirectory = value(flag)
            case "--time-limit": guard let t = Int(value(flag)), t > 0 else { fail("bad --time-limit") }; o.timeLimit = t
            case "--minutes": guard let m = Double(value(flag)), m > 0 else { fail("bad --minutes") }; o.minutes = m
            case "--depth-scale": guard let x = Double(value(flag)), x > 0 else { fail("bad --depth-scale") }; o.depthScale = x
            case "--size-scale": guard let x = Double(value(flag)), x > 0 else { fail("bad --size-scale") }; o.sizeScale = x
            case "--keep-going": o.keepGoing = true
            case "--slow": guard let x = Double(value(flag)), x > 0 else { fail("bad --slow") }; o.slowSeconds = x
            case "--hang": guard let x = Double(value(flag)), x > 0 else { fail("bad --hang") }; o.hangSeconds = x
            case "--memory": guard let x = Double(value(flag)), x >= 0 else { fail("bad --memory") }; o.memoryGigabytes = x
            case "--index": guard let i = Int(value(flag)), i >= 0 else { fail("bad --index") }; o.showIndex = i
            case "-h", "--help": print(usage, terminator: ""); exit(0)
            default: fail("unknown option \(flag)")
            }
        }
        return o
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let seed = options.seed
let timeLimit = options.timeLimit
let count = options.count
let start = options.start
let corpusDirectory = options.corpusDirectory
let minutes = options.minutes
let keepGoing = options.keepGoing
let showIndex = options.showIndex

// The corpus is read before moving into the sandbox folder.
let corpusPath = URL(fileURLWithPath: corpusDirectory).standardizedFileURL.path
let corpus = Fuzzer.loadCorpus(directory: corpusPath)
if corpus.isEmpty {
    FileHandle.standardError.write(Data("adl-fuzz: no .adl programs under \(corpusPath); generating programs only\n".utf8))
}

if let showIndex {
    var fuzzer = Fuzzer(seed: seed, corpus: corpus)
    fuzzer.depthScale = options.depthScale
    fuzzer.sizeScale = options.sizeScale
    let (program, strategy) = fuzzer.programAndStrategy(at: showIndex)
    print(program)
    let clock = ContinuousClock()
    let t0 = clock.now
    let outcome = Fuzzer.runOne(program, timeLimitMilliseconds: timeLimit)
    print("--- \(strategy.rawValue) program, \(outcome), \(clock.now - t0)")
    exit(0)
}

// A runaway allocation should trap here (with a backtrace and the program on disk),
// not take the machine's memory.
if options.memoryGigabytes > 0 {
    let bytes = rlim_t(options.memoryGigabytes * 1024 * 1024 * 1024)
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    if setrlimit(Int32(RLIMIT_AS.rawValue), &limit) != 0 {
        FileHandle.standardError.write(Data("adl-fuzz: could not limit memory to \(options.memoryGigabytes) GiB\n".utf8))
    }
}

// Mutated programs may write files (`save`, `savetxt`): run them in a scratch folder.
let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("adl-fuzz-\(getpid())")
try? FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
_ = FileManager.default.changeCurrentDirectoryPath(sandbox.path)
defer { try? FileManager.default.removeItem(at: sandbox) }

/// Prints a line at once (stdout may be a pipe; a crash must not lose what came before).
func say(_ line: String) {
    print(line)
    fflush(nil)
}

say("adl-fuzz: seed \(seed), \(count) programs from index \(start), corpus \(corpus.count) programs (\(corpusPath)), time limit \(timeLimit) ms")

var campaign = Campaign(seed: seed, count: count)
campaign.start = start
campaign.timeLimitMilliseconds = timeLimit
campaign.depthScale = options.depthScale
campaign.sizeScale = options.sizeScale
campaign.maxSeconds = minutes.map { $0 * 60 }
campaign.slowThreshold = options.slowSeconds
campaign.hangSeconds = options.hangSeconds
campaign.onHang = { index, seconds in
    let message = "adl-fuzz: program \(index) (seed \(seed)) still running after \(Int(seconds)) s: a hang in a builtin; "
        + "it is in /tmp/adl-fuzz-current.adl (reproduce: adl-fuzz --seed \(seed) --index \(index))\n"
    FileHandle.standardError.write(Data(message.utf8))
    _exit(3)
}

let stats = campaign.run(corpus: corpus, progress: { next, stats in
    guard stats.programs > 0 else { return }
    let rate = Double(stats.programs) / max(stats.elapsedSeconds, 1e-9)
    say(stats.summary + String(format: " (%.0f s, %.0f/s, %d timeouts; next index %d, seed %llu)",
                               stats.elapsedSeconds, rate, stats.timeouts, next, seed))
}, slow: { index, program, seconds in
    let start = String(program.prefix(60).map { $0.isNewline ? "|" : $0 })
    say(String(format: "adl-fuzz: program %d took %.3f s (reproduce: adl-fuzz --seed %llu --index %d): ", index, seconds, seed, index) + start)
}, failure: { index, program, outcome in
    say("adl-fuzz: program \(index) (seed \(seed)) ended with a \(outcome)")
    say("----- program -----")
    say(program)
    say("-------------------")
    return keepGoing
})

say("adl errors by kind: \(stats.kindBreakdown)")
say("programs by strategy: \(stats.strategyBreakdown)")
say(String(format: "elapsed %.0f s, slowest program %d (%.2f s)", stats.elapsedSeconds, stats.slowestIndex, stats.slowestSeconds))
say(stats.summary)
if stats.failures > 0 {
    try? FileManager.default.removeItem(at: sandbox)
    exit(1)
}
