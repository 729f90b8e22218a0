// The OpenBLAS functions ADL calls, looked up in libopenblas.so.0 the first
// time a matrix product, dot or solve needs them (see Sources/COpenBLAS/shim.h
// for why it is not linked): a program without linear algebra never pays for
// loading it and starting its threads.
//
// OpenBLAS is a required runtime library (like libc): when it cannot be opened
// the process stops with the loader's message, as it did at startup when the
// library was linked. That is not something a program can cause.

import COpenBLAS
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

enum BLAS {
    struct Functions: @unchecked Sendable {
        let ddot: adl_cblas_ddot_t
        let dswap: adl_cblas_dswap_t
        let dgemv: adl_cblas_dgemv_t
        let dgemm: adl_cblas_dgemm_t
        let dtrsm: adl_cblas_dtrsm_t
        let getNumThreads: adl_openblas_get_num_threads_t
        let setNumThreads: adl_openblas_set_num_threads_t
    }

    /// The functions, loaded once (thread-safely) on first use. LAPACKE touches this
    /// before opening its own library, so LAPACK resolves BLAS symbols as when linked.
    static let functions: Functions = load()

    private static func load() -> Functions {
        // Global: later libraries (LAPACKE's chain) see these symbols first, as when linked.
        let library: SharedLibrary
        switch SharedLibrary.open(["libopenblas.so.0"], global: true) {
        case .success(let opened): library = opened
        case .failure(let failure): stop(failure.message)
        }
        func symbol<T>(_ name: String, _ type: T.Type) -> T {
            guard let f = library.function(name, type) else { stop("\(name) is missing from the library") }
            return f
        }
        return Functions(ddot: symbol("cblas_ddot", adl_cblas_ddot_t.self),
                         dswap: symbol("cblas_dswap", adl_cblas_dswap_t.self),
                         dgemv: symbol("cblas_dgemv", adl_cblas_dgemv_t.self),
                         dgemm: symbol("cblas_dgemm", adl_cblas_dgemm_t.self),
                         dtrsm: symbol("cblas_dtrsm", adl_cblas_dtrsm_t.self),
                         getNumThreads: symbol("openblas_get_num_threads", adl_openblas_get_num_threads_t.self),
                         setNumThreads: symbol("openblas_set_num_threads", adl_openblas_set_num_threads_t.self))
    }

    private static func stop(_ why: String) -> Never {
        let message = "adl: error while loading shared libraries: libopenblas.so.0 (Debian package libopenblas0): \(why)\n"
        System.writeStandardError(message)
        exit(127)
    }
}
