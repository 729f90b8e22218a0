// The LAPACKE functions ADL calls, looked up in liblapacke.so.3 the first time
// linear algebra needs them (see Sources/CLAPACKE/shim.h for why it is not
// linked). A machine without the library gets an ADL error naming the
// package, not a crash.

import CLAPACKE
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

enum LAPACKE {
    struct Functions: @unchecked Sendable {
        let dgetrf: adl_dgetrf_work_t
        let dgetrs: adl_dgetrs_work_t
        let dpotrf: adl_dpotrf_work_t
        let dgesdd: adl_dgesdd_work_t
    }

    /// The functions, or why they could not be loaded (loaded once, thread-safely).
    private static let loaded: Result<Functions, ADLError> = load()

    static func functions() throws -> Functions {
        try loaded.get()
    }

    private static func load() -> Result<Functions, ADLError> {
        func failure(_ why: String) -> Result<Functions, ADLError> {
            .failure(ADLError(.io, "linear algebra needs LAPACKE (liblapacke.so.3, Debian package liblapacke): \(why)"))
        }
        // OpenBLAS first, as when it was linked: LAPACK's BLAS calls resolve to it.
        _ = BLAS.functions
        let library: SharedLibrary
        switch SharedLibrary.open(["liblapacke.so.3"], global: true) {
        case .success(let opened): library = opened
        case .failure(let opening): return failure(opening.message)
        }
        guard let getrf = library.function("LAPACKE_dgetrf_work", adl_dgetrf_work_t.self),
              let getrs = library.function("LAPACKE_dgetrs_work", adl_dgetrs_work_t.self),
              let potrf = library.function("LAPACKE_dpotrf_work", adl_dpotrf_work_t.self),
              let gesdd = library.function("LAPACKE_dgesdd_work", adl_dgesdd_work_t.self) else {
            return failure("a function is missing from the library")
        }
        return .success(Functions(dgetrf: getrf, dgetrs: getrs, dpotrf: potrf, dgesdd: gesdd))
    }
}
