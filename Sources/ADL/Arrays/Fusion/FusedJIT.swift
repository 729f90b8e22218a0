// The second tier of fused chains: native code from the system C compiler.
//
// The block interpreter (FusedKernel.swift) runs each step as its own SIMD pass
// over a 512-element buffer, so a 24-step chain (B5's gradient) loads and
// stores every element 24 times through L1: about 0.22 cycles per element-step
// whatever the arithmetic. A compiled chain computes all its steps for one
// element in registers, in one loop, reading the inputs and writing the result
// once.
//
// How: `FusedJIT.source` writes a C function for the chain, specialised on
// which registers are vectors (an input may be a number in one call and an
// array in another) and on the kind of each `**` (the exponent's fast path
// decides the operation). Constants are written as their exact bits; scalar
// inputs are read from `numbers` at run time, so one object serves every value
// of a scalar. The object is built with `cc -O3 -march=native -ffp-contract=off
// -fno-fast-math -fno-math-errno -shared` (jit.c spawns it, renames the object
// into the cache and dlopens it) and cached in `$XDG_CACHE_HOME/adl/jit`
// (default ~/.cache/adl/jit; an unwritable cache falls back to
// $TMPDIR/adl-jit-<uid>) under a hash of the source, the command and the
// CPU's flags, so a second process, or a second chain with the same program,
// loads it without compiling.
//
// Exactness: the generated code does what the interpreter's kernels do, one
// IEEE operation per step and element: + - * / as written (no FMA contraction:
// -ffp-contract=off; vectorisation keeps every lane's operation), `**` only
// with the exponents of NumPy's fast paths (2 -> x*x, 0.5 -> sqrt, 1, 0, -1 ->
// 1/x), sqrt (correctly rounded in C as in the vmath kernel), fabs, floor,
// ceil, sign, negation and np.maximum/np.minimum's nan rules. A chain with
// any other step (exp, log, pow by another exponent ... whose libmvec kernels
// C's libm would not reproduce bit for bit) is never compiled. Loads are 0
// outside their input as in the interpreter; padAdd adds only inside lo..<hi.
// A sum keeps the interpreter's blocks and NumPy's pairwise order: the native
// code fills a block buffer and `adl_sum` adds the same leaf runs as before.
// Sources/CSupport/jitrun.c runs a compiled chain, over several threads when it
// is large (parts of the result, or whole subtrees of the pairwise sum).
//
// When: a chain is compiled the second time it runs over at least 65536
// elements (`minElements`, `hotRuns`), so scripts over small arrays and the
// golden tests never start a compiler; it compiles synchronously, once per
// process and specialisation. Any failure (no compiler, a compile error or a
// 20 s timeout, an unloadable object, no writable directory) keeps the
// interpreter for that chain for the rest of the process, silently; three
// failures turn the tier off. ADL_JIT=0 turns it off, ADL_CC names the
// compiler (default `cc` from PATH), ADL_JIT_VERBOSE=1 prints one line per
// compile, cache load or failure on stderr.

import CSupport

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

enum FusedJIT {
    /// Chains over fewer elements never compile (and never count towards `hotRuns`).
    static let minElements = 65536
    /// A chain compiles on its `hotRuns`-th run over at least `minElements` elements.
    static let hotRuns = 2
    /// A compiled chain uses several threads over at least 131072 elements
    /// (`adl_jit_parallel_min`) when it has this many operations per element. A
    /// shorter one is bound by memory, which a second core does not widen here:
    /// B3's sum(x * y + 1.0) over 10^7 elements (2 operations) took 7.0 ms on one
    /// thread and 7.1 on two; B5's f (7) and gradient (13) take about half the time.
    static let threadedMinOperations = 6
    /// How long the compiler may take.
    static let timeoutMilliseconds: Int32 = 20_000

    /// Where and how to compile; nil when the tier is off.
    struct Config {
        var command: [String]
        var directories: [String]
        var verbose: Bool
        /// Mixed into the cache key: the compiled code is for this CPU.
        var machine: String
    }

    /// How `FusedKernel.run` may use native code.
    enum Mode {
        /// Tiering: compile hot, large chains.
        case auto
        /// Compile on the first run, whatever the size (tests).
        case always
        /// The block interpreter only.
        case never
    }

    /// Counters for tests and `ADL_JIT_VERBOSE`: objects compiled, loaded from the disk cache, failures.
    nonisolated(unsafe) static var compiles = 0
    nonisolated(unsafe) static var cacheLoads = 0
    nonisolated(unsafe) static var failures = 0
    /// Seconds spent compiling (and loading) in this process.
    nonisolated(unsafe) static var compileSeconds = 0.0

    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) private static var configured = false
    nonisolated(unsafe) private static var currentConfig: Config?
    /// Kernels of this process by object name (nil: it failed, do not retry).
    nonisolated(unsafe) private static var loaded: [String: adl_jit_kernel?] = [:]

    /// The configuration from the environment (read once), or the one a test set.
    static var config: Config? {
        get {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            if !configured {
                currentConfig = environmentConfig()
                configured = true
            }
            return currentConfig
        }
        set {
            pthread_mutex_lock(lock)
            currentConfig = newValue
            configured = true
            loaded = [:]
            pthread_mutex_unlock(lock)
        }
    }

    private static func environment(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }

    static func environmentConfig() -> Config? {
        if let v = environment("ADL_JIT"), v == "0" || v == "off" || v == "false" { return nil }
        let cc = environment("ADL_CC") ?? "cc"
        var directories: [String] = []
        if let xdg = environment("XDG_CACHE_HOME") {
            directories.append(xdg + "/adl/jit")
        } else if let home = environment("HOME") {
            directories.append(home + "/.cache/adl/jit")
        }
        directories.append((environment("TMPDIR") ?? "/tmp") + "/adl-jit-\(getuid())")
        return Config(command: [cc, "-O3", "-march=native", "-ffp-contract=off", "-fno-fast-math",
                                "-fno-math-errno", "-fPIC", "-shared", "-o", "@OUT", "@SRC"],
                      directories: directories, verbose: environment("ADL_JIT_VERBOSE") == "1",
                      machine: cpuFlags())
    }

    /// The `flags` line of /proc/cpuinfo (the features -march=native may use), or "".
    private static func cpuFlags() -> String {
        guard let f = fopen("/proc/cpuinfo", "r") else { return "" }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, f) > 0, let l = line {
            let s = String(cString: l)
            if s.hasPrefix("flags") { return s }
        }
        return ""
    }

    // MARK: - Specialisation and source

    /// What a compiled chain depends on beyond its steps: per step, 0 (a number),
    /// 1 (a vector) or, for `**`, 2 + the exponent's fast path. nil when a `**`
    /// has no fast path (the interpreter's pow is libmvec's).
    static func specialisation(_ steps: [FusedStep], isVector: [Bool], numbers: [Double]) -> [UInt8]? {
        var key = [UInt8](repeating: 0, count: steps.count)
        for (r, step) in steps.enumerated() {
            key[r] = isVector[r] ? 1 : 0
            if case .binary(.pow, let a, let b) = step {
                guard isVector[a], !isVector[b], let fast = NumPyPowerFastPath(exponent: numbers[b]) else {
                    return nil
                }
                switch fast {
                case .square: key[r] = 2
                case .sqrt: key[r] = 3
                case .identity: key[r] = 4
                case .one: key[r] = 5
                case .reciprocal: key[r] = 6
                }
            }
        }
        return key
    }

    /// The C source of `steps` under `key`, or nil when a step has no exact C form.
    /// `count`: the result's element count when the program fixes it; a padAdd over
    /// at least half of it is unconditional in the main loop (whose range it then bounds).
    static func source(_ steps: [FusedStep], key: [UInt8], count: Int?, symbol: String) -> String? {
        var hoisted = ""
        var loads: Set<[Int]> = []
        var inputsUsed: Set<Int> = []
        var ranges: Set<[Int]> = []
        // The body of one element, with `L(p, c, j)` for loads (checked or not) and
        // `P(lo, hi)` for the condition of a padAdd the main loop knows to be true.
        var body = ""
        func reg(_ r: Int) -> String { "r\(r)" }
        for (r, step) in steps.enumerated() {
            let vector = key[r] != 0
            switch step {
            case .load(let k, let shift):
                if vector {
                    inputsUsed.insert(k)
                    loads.insert([k, shift])
                    let j = shift == 0 ? "i" : shift > 0 ? "i + \(shift)" : "i - \(-shift)"
                    body += "    const double r\(r) = L(p\(k), c\(k), \(j));\n"
                } else {
                    hoisted += "    const double r\(r) = num[\(r)];\n"
                }
            case .constant(let c):
                hoisted += "    const double r\(r) = adl_bits(0x\(String(c.bitPattern, radix: 16))ULL); /* \(c) */\n"
            case .binary(let op, let a, let b):
                guard vector else { return nil }
                let x = reg(a), y = reg(b)
                let e: String
                switch op {
                case .add: e = "\(x) + \(y)"
                case .sub: e = "\(x) - \(y)"
                case .mul: e = "\(x) * \(y)"
                case .div: e = "\(x) / \(y)"
                case .maximum: e = "(\(x) > \(y) || \(x) != \(x)) ? \(x) : \(y)"
                case .minimum: e = "(\(x) < \(y) || \(x) != \(x)) ? \(x) : \(y)"
                case .pow:
                    switch key[r] {
                    case 2: e = "\(x) * \(x)"
                    case 3: e = "sqrt(\(x))"
                    case 4: e = x
                    case 5: e = "1.0"
                    case 6: e = "1.0 / \(x)"
                    default: return nil
                    }
                default: return nil
                }
                body += "    const double r\(r) = \(e);\n"
            case .unary(let op, let a):
                guard vector else { return nil }
                let x = reg(a)
                let e: String
                switch op {
                case .neg: e = "-\(x)"
                case .pos: e = x
                case .abs: e = "fabs(\(x))"
                case .square: e = "\(x) * \(x)"
                case .sqrt: e = "sqrt(\(x))"
                case .floor: e = "floor(\(x))"
                case .ceil: e = "ceil(\(x))"
                case .sign: e = "\(x) > 0 ? 1.0 : (\(x) < 0 ? -1.0 : (\(x) == 0 ? 0.0 : \(x)))"
                default: return nil
                }
                body += "    const double r\(r) = \(e);\n"
            case .padAdd(let base, let value, let lo, let hi):
                guard vector else { return nil }
                let inMain = count.map { hi - lo >= ($0 + 1) / 2 && hi > lo } ?? false
                if inMain { ranges.insert([lo, hi]) }
                let condition = inMain ? "P(\(lo)L, \(hi)L)" : "(i >= \(lo)L && i < \(hi)L)"
                body += "    const double r\(r) = \(condition) ? r\(base) + r\(value) : r\(base);\n"
            }
        }
        guard let last = steps.indices.last, key[last] != 0 else { return nil }
        body += "    out[i - start] = r\(last);\n"
        var s = """
            /* A fused ADL chain of \(steps.count) steps, generated by FusedJIT.swift. */
            #include <math.h>
            #include <string.h>
            static inline double adl_bits(unsigned long long u) { double d; memcpy(&d, &u, sizeof d); return d; }
            #define CHECKED(p, c, j) (((j) >= 0 && (j) < (c)) ? (p)[j] : 0.0)
            #define UNCHECKED(p, c, j) ((p)[j])
            #define INSIDE(lo, hi) (i >= (lo) && i < (hi))
            #define ALWAYS(lo, hi) 1

            void \(symbol)(const double *const *in, const long *cnt, const double *num,
                        double *restrict out, long start, long n) {

            """
        for k in inputsUsed.sorted() {
            s += "    const double *restrict p\(k) = in[\(k)];\n    const long c\(k) = cnt[\(k)];\n"
        }
        s += hoisted
        // i in lo..<hi reads every vector input inside its bounds.
        s += "    const long end = start + n;\n    long lo = start, hi = end;\n"
        for l in loads.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let (k, shift) = (l[0], l[1])
            s += "    if (lo < \(-shift)L) lo = \(-shift)L;\n    if (hi > c\(k) - \(shift)L) hi = c\(k) - \(shift)L;\n"
        }
        // ... and inside the padAdd ranges the main loop takes for granted.
        for range in ranges.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            s += "    if (lo < \(range[0])L) lo = \(range[0])L;\n    if (hi > \(range[1])L) hi = \(range[1])L;\n"
        }
        s += "    if (lo > end) lo = end;\n    if (hi < lo) hi = lo;\n"
        s += "#define L CHECKED\n#define P INSIDE\n    for (long i = start; i < lo; i++) {\n\(body)    }\n"
        s += "    for (long i = hi; i < end; i++) {\n\(body)    }\n#undef L\n#undef P\n"
        s += "#define L UNCHECKED\n#define P ALWAYS\n    for (long i = lo; i < hi; i++) {\n\(body)    }\n"
        s += "#undef L\n#undef P\n}\n"
        return s
    }

    /// 128 bits of FNV-1a (two 64-bit lanes with different bases), as hex.
    static func hash(_ text: String) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325
        var h2: UInt64 = 0x6c62_272e_07bb_0142
        for b in text.utf8 {
            h1 = (h1 ^ UInt64(b)) &* 0x0000_0100_0000_01b3
            h2 = (h2 ^ UInt64(b)) &* 0x0000_0100_0000_01b3
            h2 = (h2 << 7) | (h2 >> 57)
        }
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(h1) + hex(h2)
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The native kernel of `steps` under `key`: from this process's table, the
    /// disk cache, or the compiler; nil on any failure.
    static func kernel(_ steps: [FusedStep], key: [UInt8], count: Int?) -> adl_jit_kernel? {
        guard let config else { return nil }
        let symbol = "adl_fused_chain"
        guard let source = source(steps, key: key, count: count, symbol: symbol) else { return nil }
        let name = "chain-" + hash(source + "\u{0}" + config.command.joined(separator: " ") + "\u{0}" + config.machine)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let known = loaded[name] { return known }
        if failures >= 3 { return nil }
        let t0 = now()
        var result: adl_jit_kernel?
        var compiled: Int32 = -1
        for directory in config.directories {
            result = withCStrings(config.command) { argv in
                adl_jit_load(directory, name, source, argv, symbol, timeoutMilliseconds,
                             config.verbose ? 1 : 0, &compiled)
            }
            // Only an unusable directory moves on to the next one.
            if result != nil || compiled != -2 { break }
        }
        let elapsed = now() - t0
        compileSeconds += elapsed
        if result == nil {
            failures += 1
            if config.verbose { fputs("adl jit: keeping the interpreter for \(name)\n", stderr) }
        } else if compiled == 1 {
            compiles += 1
            if config.verbose {
                fputs("adl jit: compiled \(name) (\(steps.count) steps) in \(Int(elapsed * 1000)) ms\n", stderr)
            }
        } else {
            cacheLoads += 1
            if config.verbose { fputs("adl jit: loaded \(name) from the cache\n", stderr) }
        }
        loaded[name] = .some(result)
        return result
    }

    /// Calls `body` with a NULL-terminated C array of `strings`.
    private static func withCStrings<R>(_ strings: [String],
                                        _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { for c in copies { free(c) } }
        var argv: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        argv.append(nil)
        return argv.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
