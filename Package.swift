// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "adl",
    products: [
        .executable(name: "adl", targets: ["adl"]),
        .library(name: "ADL", targets: ["ADL"]),
        .library(name: "ADLTools", targets: ["ADLTools"]),
    ],
    targets: [
        // MARK: - System libraries
        // Header only: OpenBLAS is opened on first use (Sources/COpenBLAS/shim.h).
        .systemLibrary(name: "COpenBLAS"),
        .systemLibrary(name: "CLAPACKE"),
        // L-BFGS-B 3.0 (Debian's liblbfgsb): the declaration of setulb_, opened at run time.
        .systemLibrary(name: "CLBFGSB"),
        // C helpers: SIMD elementwise maths through glibc's libmvec (called from
        // mvec.S), reduction kernels, SSE2/AVX2/AVX-512 chosen at run time; the malloc policy.
        .target(
            name: "CSupport",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])],
            linkerSettings: [.linkedLibrary("mvec")]
        ),

        // GNU readline's header for the REPL; the library itself is opened with dlopen
        // when the REPL starts (ADLTools/ReadlineLibrary.swift), so scripts never load it.
        .systemLibrary(name: "CReadline"),

        // MARK: - The language library (lexer, parser, compiler, VM, arrays, builtins)
        .target(
            name: "ADL",
            dependencies: ["COpenBLAS", "CLAPACKE", "CLBFGSB", "CSupport"],
            // The VM's state lives in a final class; dynamic exclusivity checks
            // on its fields would cost a runtime call per instruction.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),

        // MARK: - The command-line driver (a library, so it is testable)
        .target(name: "ADLTools", dependencies: ["ADL", "CSupport", "CReadline"]),

        // MARK: - The executable: parses nothing itself, calls ADLTools
        .executableTarget(name: "adl", dependencies: ["ADLTools"]),

        // MARK: - The fuzzer: mutator and runner (a library, for the tests), and `make fuzz`
        .target(name: "ADLFuzz", dependencies: ["ADL"]),
        .executableTarget(name: "adl-fuzz", dependencies: ["ADLFuzz"]),

        // MARK: - Tests
        .testTarget(name: "ADLTests", dependencies: ["ADL", "ADLTools", "adl", "ADLFuzz"], exclude: ["Fixtures"]),
    ]
)
