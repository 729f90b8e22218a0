// The fuzzer's pseudo-random numbers: SplitMix64, fully determined by its seed
// (no system or Foundation randomness), so that a program is reproducible from
// the campaign seed and its index alone.

/// SplitMix64 (Steele, Lea, Flood 2014): 64 bits of state, passes BigCrush, and
/// every seed (including 0) is a good one.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (n > 0); the modulo bias is far below anything a fuzzer notices.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// A number in lo...hi.
    public mutating func int(_ lo: Int, _ hi: Int) -> Int {
        lo + below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool {
        below(100) < percent
    }

    public mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// A random element, or nil for an empty array.
    public mutating func element<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[below(items.count)]
    }

    /// An index chosen with the given relative weights.
    public mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var r = below(total)
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// A size that is usually small: 0...small most of the time, now and then up to `large`.
    public mutating func size(small: Int, large: Int) -> Int {
        chance(90) ? int(0, small) : int(0, large)
    }
}
