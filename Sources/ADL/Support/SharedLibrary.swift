// A native library opened at run time with dlopen (OpenBLAS, LAPACKE, L-BFGS-B,
// readline): none of them is linked, so a start of `adl` loads only what the
// program uses. One place for opening and symbol lookup; each user decides what
// a missing library means (an ADL error, the loader's exit, a plain REPL).

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

public struct SharedLibrary: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Opens the first of `names` that loads; on failure, the loader's message.
    /// `global` makes its symbols visible to libraries opened later (LAPACK's BLAS calls).
    public static func open(_ names: [String], global: Bool) -> Result<SharedLibrary, OpenFailure> {
        let mode = RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)
        for name in names {
            if let handle = dlopen(name, mode) { return .success(SharedLibrary(handle: handle)) }
        }
        return .failure(OpenFailure(message: dlerror().map { String(cString: $0) } ?? "it could not be opened"))
    }

    public struct OpenFailure: Error {
        public let message: String
    }

    /// The function `name` as the C function-pointer type `T`, or nil when it is missing.
    public func function<T>(_ name: String, _: T.Type) -> T? {
        dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
    }

    /// A pointer to the C variable `name`, or nil when it is missing.
    public func variable<T>(_ name: String, _: T.Type) -> UnsafeMutablePointer<T>? {
        dlsym(handle, name).map { $0.assumingMemoryBound(to: T.self) }
    }
}
