// The trace's lookup tables (traced array → node, pure node → node for CSE).
// Swift's Dictionary hashes every key with SipHash, which was a third of the
// time of tracing a long scalar loop; these keys are pointers and small ints,
// so a multiplicative hash and linear probing do. Entries are never removed
// (a trace only grows).

struct NodeTable<Key: Equatable> {
    private var slots: [Int32]          // index into `keys`, or -1 when free
    private var keys: [Key] = []
    private var hashes: [Int] = []
    private var values: [Int] = []

    init() { slots = [Int32](repeating: -1, count: 64) }

    var count: Int { keys.count }

    /// The value stored for `key` (whose hash is `hash`), if any.
    func find(_ key: Key, hash: Int) -> Int? {
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { return nil }
            if hashes[e] == hash && keys[e] == key { return values[e] }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for `key`, replacing what was there.
    mutating func set(_ key: Key, hash: Int, _ value: Int) {
        if (keys.count + 1) * 2 > slots.count { grow(to: slots.count * 2) }
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { break }
            if hashes[e] == hash && keys[e] == key { values[e] = value; return }
            i = (i + 1) & mask
        }
        slots[i] = Int32(keys.count)
        keys.append(key)
        hashes.append(hash)
        values.append(value)
    }

    /// Room for `count` more entries without growing.
    mutating func reserveCapacity(_ more: Int) {
        var size = slots.count
        while (keys.count + more) * 2 > size { size *= 2 }
        if size > slots.count { grow(to: size) }
        keys.reserveCapacity(keys.count + more)
        hashes.reserveCapacity(hashes.count + more)
        values.reserveCapacity(values.count + more)
    }

    private mutating func grow(to size: Int) {
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (e, h) in hashes.enumerated() {
            var i = h & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(e)
        }
    }

    /// Mixes the bits of `x` (a pointer or a few small ints) over the whole word.
    @inline(__always)
    static func mix(_ x: UInt) -> Int {
        let h = x &* 0x9E37_79B9_7F4A_7C15
        return Int(bitPattern: h ^ (h >> 29))
    }
}

extension NodeTable where Key == ObjectIdentifier {
    @inline(__always)
    static func hash(_ id: ObjectIdentifier) -> Int { mix(UInt(bitPattern: id) >> 4) }

    subscript(_ id: ObjectIdentifier) -> Int? {
        get { find(id, hash: Self.hash(id)) }
        set { if let newValue { set(id, hash: Self.hash(id), newValue) } }
    }
}
