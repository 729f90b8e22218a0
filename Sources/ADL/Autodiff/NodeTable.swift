// The trace's lookup tables (traced array → node, pure node → node for CSE).
// Swift's Dictionary hashes every key with SipHash, which was a third of the
// time of tracing a long scalar loop; these keys are pointers and small ints,
// so a multiplicative hash and linear probing do. Entries are never removed
// (a trace only grows).
//
// The probed table is compact (8 bytes a slot: the entry's index and 32 bits
// of its hash), so a lookup that misses — most of them: a new node is rarely a
// common subexpression — reads only it, even when a long loop's table is far
// bigger than the caches; the keys and values are in one dense array of
// entries in insertion order, written once per insertion.

struct NodeTable<Key: Equatable> {
    /// 0 when free; otherwise the low 32 bits of the hash above the entry's index + 1.
    private var slots: [UInt64]
    private var entries: [(key: Key, value: Int)] = []

    init() { slots = [UInt64](repeating: 0, count: 64) }

    var count: Int { entries.count }

    /// The value stored for `key` (whose hash is `hash`), if any.
    func find(_ key: Key, hash: Int) -> Int? {
        let tag = UInt64(UInt32(truncatingIfNeeded: hash))
        return slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = hash & mask
            while true {
                let slot = s[i]
                if slot == 0 { return nil }
                if slot >> 32 == tag {
                    let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                    if entries[e].key == key { return entries[e].value }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Stores `value` for `key`, replacing what was there.
    mutating func set(_ key: Key, hash: Int, _ value: Int) {
        if (entries.count + 1) * 2 > slots.count { grow(to: slots.count * 2) }
        let tag = UInt64(UInt32(truncatingIfNeeded: hash))
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot >> 32 == tag {
                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if entries[e].key == key { entries[e].value = value; return }
            }
            i = (i + 1) & mask
        }
        entries.append((key, value))
        slots[i] = tag << 32 | UInt64(entries.count)
    }

    /// The value stored for `key`, or nil after storing `value` for it: `find`
    /// and `set` in one probe sequence (recording a node looks for its twin first).
    mutating func find(_ key: Key, hash: Int, orInsert value: Int) -> Int? {
        if (entries.count + 1) * 2 > slots.count { grow(to: slots.count * 2) }
        let tag = UInt64(UInt32(truncatingIfNeeded: hash))
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot >> 32 == tag {
                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if entries[e].key == key { return entries[e].value }
            }
            i = (i + 1) & mask
        }
        entries.append((key, value))
        slots[i] = tag << 32 | UInt64(entries.count)
        return nil
    }

    /// Room for `count` more entries without growing.
    mutating func reserveCapacity(_ more: Int) {
        var size = slots.count
        while (entries.count + more) * 2 > size { size *= 2 }
        if size > slots.count { grow(to: size) }
        entries.reserveCapacity(entries.count + more)
    }

    private mutating func grow(to size: Int) {
        // Positions come from the low bits of the hash, which the tag keeps (tables stay
        // far below 2^32 slots).
        let old = slots
        slots = [UInt64](repeating: 0, count: size)
        slots.withUnsafeMutableBufferPointer { s in
            let mask = size - 1
            for slot in old where slot != 0 {
                var i = Int(truncatingIfNeeded: slot >> 32) & mask
                while s[i] != 0 { i = (i + 1) & mask }
                s[i] = slot
            }
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
