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
        // RTLD_GLOBAL: later libraries (LAPACKE's chain) see these symbols first, as before.
        guard let handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_GLOBAL) else {
            stop(dlerror().map { String(cString: $0) } ?? "it could not be opened")
        }
        func symbol<T>(_ name: String, _: T.Type) -> T {
            guard let p = dlsym(handle, name) else { stop("\(name) is missing from the library") }
            return unsafeBitCast(p, to: T.self)
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
