// The call stack of frames: a fixed buffer sized by the recursion limit, so
// pushing and popping a frame is a store and an increment (a Swift array
// would check uniqueness and capacity on every call).

/// Frames of active calls, innermost last.
struct FrameStack {
    private var buffer: UnsafeMutablePointer<Frame>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        buffer = UnsafeMutablePointer<Frame>.allocate(capacity: self.capacity)
    }

    /// Frees the buffer; the frames hold no references.
    func deallocate() {
        buffer.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    // Accessors are forced inline: the dispatch loop uses them on every call and return.
    @inline(__always) subscript(index: Int) -> Frame {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }

    /// The innermost frame (there is one).
    @inline(__always) var top: Frame { buffer[count &- 1] }

    /// The innermost frame's instruction pointer.
    @inline(__always) var topIP: Int {
        get { buffer[count &- 1].ip }
        nonmutating set { buffer[count &- 1].ip = newValue }
    }

    /// Pushes `frame`; the caller has checked `count < capacity`.
    @inline(__always) mutating func append(_ frame: Frame) {
        (buffer + count).initialize(to: frame)
        count &+= 1
    }

    /// Saves the innermost frame's instruction pointer and pushes `frame` above it (one
    /// read of the buffer and count for both); the caller has checked `count < capacity`.
    @inline(__always) mutating func push(_ frame: Frame, callerIP: Int) {
        let top = buffer + count
        (top - 1).pointee.ip = callerIP
        top.initialize(to: frame)
        count &+= 1
    }

    @inline(__always) mutating func removeLast(_ n: Int = 1) {
        count &-= n
    }

    /// The frames themselves, for the call loop (VM+CallLoop.swift), which keeps the
    /// count in a register while it runs and stores it back with `setCount`.
    @inline(__always) var frameBuffer: UnsafeMutablePointer<Frame> { buffer }

    /// Sets the count after the call loop pushed or popped frames in `frameBuffer`
    /// (never above `capacity`).
    @inline(__always) mutating func setCount(_ n: Int) {
        count = n
    }

    /// Makes room for `capacity` frames (a raised recursion limit).
    mutating func reserve(_ newCapacity: Int) {
        guard newCapacity > capacity else { return }
        let bigger = UnsafeMutablePointer<Frame>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = bigger
        capacity = newCapacity
    }
}
