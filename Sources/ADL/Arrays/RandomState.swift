// The random number generator of `random.*`: NumPy's legacy `RandomState`,
// bit for bit. MT19937 (Matsumoto & Nishimura 1998) seeded as NumPy's
// `_legacy_seeding` does (an int through `init_genrand`, a sequence of ints
// through `init_by_array`), doubles made from two 32-bit outputs as NumPy's
// `mt19937_next_double`, and normal deviates by the Marsaglia polar method
// that keeps the second deviate of each pair for the next call
// (`legacy_gauss`), so `random.seed(0); random.rand(3)` gives NumPy's numbers.
//
// Invariants:
// - `key` always holds 624 words and 0 <= `position` <= 624; 624 means the
//   next draw regenerates the whole block first.
// - Seeding clears the cached gaussian, as `RandomState.seed` does.

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The MT19937 bit generator: 624 words of state and a read position, in a
/// buffer of its own so that drawing costs no copy-on-write or bounds checks.
public final class MersenneTwister {
    static let stateLength = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_B0DF
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7FFF_FFFF

    private let key = UnsafeMutablePointer<UInt32>.allocate(capacity: stateLength)
    private var position = stateLength

    /// The state `init_genrand(seed)` makes (NumPy's `mt19937_seed`).
    public init(seed: UInt32) {
        initialize(seed: seed)
    }

    /// The state `init_by_array(words)` makes (NumPy's `mt19937_init_by_array`);
    /// `words` must not be empty.
    public init(words: [UInt32]) {
        initialize(seed: 19_650_218)
        let n = Self.stateLength
        var i = 1, j = 0
        for _ in 0..<Swift.max(n, words.count) {
            let previous = key[i - 1] ^ (key[i - 1] >> 30)
            key[i] = (key[i] ^ (previous &* 1_664_525)) &+ words[j] &+ UInt32(truncatingIfNeeded: j)
            i += 1
            j += 1
            if i >= n {
                key[0] = key[n - 1]
                i = 1
            }
            if j >= words.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            let previous = key[i - 1] ^ (key[i - 1] >> 30)
            key[i] = (key[i] ^ (previous &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n {
                key[0] = key[n - 1]
                i = 1
            }
        }
        key[0] = 0x8000_0000  // a nonzero state whatever the key
    }

    deinit {
        key.deallocate()
    }

    private func initialize(seed: UInt32) {
        var s = seed
        for i in 0..<Self.stateLength {
            key[i] = s
            s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
        }
        position = Self.stateLength
    }

    /// Regenerates the 624 words of the block.
    private func generate() {
        let n = Self.stateLength, m = Self.shift
        let mt = key
        @inline(__always) func twist(_ i: Int, _ next: Int, _ far: Int) {
            let y = (mt[i] & Self.upperMask) | (mt[next] & Self.lowerMask)
            mt[i] = mt[far] ^ (y >> 1) ^ ((0 &- (y & 1)) & Self.matrixA)
        }
        for i in 0..<(n - m) { twist(i, i + 1, i + m) }
        for i in (n - m)..<(n - 1) { twist(i, i + 1, i + m - n) }
        twist(n - 1, 0, m - 1)
        position = 0
    }

    /// The next tempered 32-bit output.
    @inline(__always)
    public func next32() -> UInt32 {
        if position == Self.stateLength { generate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A double in [0, 1) with 53 random bits: ((a >> 5) * 2^26 + (b >> 6)) / 2^53.
    @inline(__always)
    public func nextDouble() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }
}

/// NumPy's legacy `RandomState`: the bit generator plus the cached second
/// deviate of the polar method. One per interpreter (its builtin table owns it).
public final class RandomState {
    private var twister = MersenneTwister(seed: 0)
    /// False until the first seeding; the first draw of an unseeded state seeds it from the clock.
    private var isSeeded = false
    private var cachedGauss: Double?

    /// A state that seeds itself from the clock at its first draw, unless seeded before.
    public init() {}

    /// `seed(int)`: init_genrand.
    public func seed(_ value: UInt32) {
        twister = MersenneTwister(seed: value)
        isSeeded = true
        cachedGauss = nil
    }

    /// `seed(sequence)`: init_by_array (`words` is not empty).
    public func seed(words: [UInt32]) {
        twister = MersenneTwister(words: words)
        isSeeded = true
        cachedGauss = nil
    }

    /// `seed(None)`: a fresh state from the wall clock, the monotonic clock and the process id.
    public func seedFromClock() {
        var wall = timespec(), mono = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        let words: [UInt64] = [UInt64(truncatingIfNeeded: wall.tv_sec), UInt64(truncatingIfNeeded: wall.tv_nsec),
                               UInt64(truncatingIfNeeded: mono.tv_nsec), UInt64(truncatingIfNeeded: getpid())]
        seed(words: words.flatMap { [UInt32(truncatingIfNeeded: $0), UInt32(truncatingIfNeeded: $0 >> 32)] })
    }

    /// A uniform double in [0, 1) (NumPy's `random_sample`).
    public func nextDouble() -> Double {
        if !isSeeded { seedFromClock() }
        return twister.nextDouble()
    }

    /// `count` uniform doubles into `out`, as `count` calls of `nextDouble`.
    public func fillUniform(_ out: UnsafeMutablePointer<Double>, count: Int) {
        if !isSeeded { seedFromClock() }
        let t = twister
        for i in 0..<count { out[i] = t.nextDouble() }
    }

    /// `count` normal deviates into `out`, as `count` calls of `nextGauss`
    /// (the cached deviate first, the last pair's second deviate cached).
    public func fillGauss(_ out: UnsafeMutablePointer<Double>, count: Int) {
        guard count > 0 else { return }
        if !isSeeded { seedFromClock() }
        var i = 0
        if let cached = cachedGauss {
            out[0] = cached
            cachedGauss = nil
            i = 1
        }
        let t = twister
        while i < count {
            let (first, second) = Self.polarPair(t)
            out[i] = first
            i += 1
            if i < count {
                out[i] = second
                i += 1
            } else {
                cachedGauss = second
            }
        }
    }

    /// One pair of the polar method: the deviate returned first and the one kept for later.
    @inline(__always)
    private static func polarPair(_ t: MersenneTwister) -> (Double, Double) {
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2.0 * t.nextDouble() - 1.0
            x2 = 2.0 * t.nextDouble() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = (-2.0 * log(r2) / r2).squareRoot()
        return (f * x2, f * x1)
    }

    /// A standard normal deviate (NumPy's `legacy_gauss`): the polar method,
    /// returning the second deviate of a pair at the next call.
    public func nextGauss() -> Double {
        if let cached = cachedGauss {
            cachedGauss = nil
            return cached
        }
        if !isSeeded { seedFromClock() }
        let (first, second) = Self.polarPair(twister)
        cachedGauss = second
        return first
    }
}
