// The compiler on its own: name resolution (locals, cells, free variables,
// globals, `np.` builtins), superinstruction selection, the stack bound, and
// the location table that error carets rely on.

import XCTest
@testable import ADL

final class CompilerTests: XCTestCase {
    func compile(_ source: String) throws -> FunctionProto {
        let builtins = Library.makeStandard()
        let globals = Globals(builtins: builtins)
        let file = SourceFile(name: "<test>", text: source)
        return try Compiler(globals: globals, builtins: builtins, file: file, echo: false)
            .compile(try Parser.parse(file))
    }

    func ops(_ proto: FunctionProto) -> [OpCode] { proto.chunk.code.map(\.op) }

    func testModuleNamesAreGlobalsAndFunctionNamesAreLocals() throws {
        let module = try compile("a = 1\ndef f(x):\n    y = x + a\n    return y\n")
        XCTAssertTrue(ops(module).contains(.storeGlobal))
        let f = try XCTUnwrap(module.chunk.functions.first)
        XCTAssertEqual(f.localNames, ["x", "y"])
        XCTAssertTrue(ops(f).contains(.loadGlobal), "a is read as a global")
        XCTAssertFalse(ops(f).contains(.storeGlobal))
    }

    func testCapturedVariablesBecomeCells() throws {
        let module = try compile("def outer():\n    n = 1\n    def inner():\n        return n\n    n = 2\n    return inner\n")
        let outer = try XCTUnwrap(module.chunk.functions.first)
        XCTAssertEqual(outer.cellSlots, [outer.localNames.firstIndex(of: "n")!])
        XCTAssertTrue(ops(outer).contains(.storeCell))
        let inner = try XCTUnwrap(outer.chunk.functions.first)
        XCTAssertEqual(inner.freeNames, ["n"])
        XCTAssertEqual(inner.captures.first?.isLocal, true)
        XCTAssertTrue(ops(inner).contains(.loadFree))
    }

    func testCapturesPassThroughIntermediateFunctions() throws {
        let module = try compile("def a():\n    x = 1\n    def b():\n        def c():\n            return x\n        return c\n    return b\n")
        let a = try XCTUnwrap(module.chunk.functions.first)
        let b = try XCTUnwrap(a.chunk.functions.first)
        let c = try XCTUnwrap(b.chunk.functions.first)
        XCTAssertEqual(b.freeNames, ["x"])
        XCTAssertEqual(c.freeNames, ["x"])
        XCTAssertEqual(c.captures.first?.isLocal, false, "c takes x from b's captured cells")
    }

    func testNumpyPrefixesLoadBuiltinsDirectly() throws {
        let module = try compile("import numpy as np\ny = np.sum\nz = numpy.linalg\n")
        XCTAssertTrue(ops(module).contains(.loadBuiltin))
        XCTAssertTrue(ops(module).contains(.fail), "numpy.linalg alone is not a builtin: an error when reached")
    }

    func testOperatorsOnLocalsAndLiteralsAreFused() throws {
        let module = try compile("def f(a, b):\n    return a * b + 1 - a / 2.0\n")
        let f = try XCTUnwrap(module.chunk.functions.first)
        XCTAssertEqual(ops(f).prefix(3), [.binaryLocalLocal, .binaryStackConst, .binaryLocalConst])
        XCTAssertEqual(f.chunk.code[0].sub, .mul)
    }

    func testRangeLoopsUseCountedInstructions() throws {
        let module = try compile("def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n")
        let f = try XCTUnwrap(module.chunk.functions.first)
        XCTAssertTrue(ops(f).contains(.rangePrepare))
        XCTAssertTrue(ops(f).contains(.forRangeStore))
        XCTAssertFalse(ops(f).contains(.getIterator))
    }

    func testEveryInstructionHasALocation() throws {
        let module = try compile("x = 1\nif x > 0:\n    print(x + 1)\nelse:\n    print(-x)\n")
        XCTAssertEqual(module.chunk.code.count, module.chunk.locations.count)
        let printLine = module.chunk.locations.filter { $0.line == 3 }
        XCTAssertFalse(printLine.isEmpty)
    }

    func testStackBoundCoversLongDisplays() throws {
        let items = (0..<500).map(String.init).joined(separator: ", ")
        let module = try compile("x = (\(items))\n")
        XCTAssertGreaterThanOrEqual(module.maxStack, 500)
    }

    func testCompileErrorsAreLocated() {
        XCTAssertThrowsError(try compile("x = 1\nbreak\n")) { error in
            let e = error as? ADLError
            XCTAssertEqual(e?.message, "'break' outside loop")
            XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 1))
        }
        XCTAssertThrowsError(try compile("f(a=1, a=2)\n")) { error in
            XCTAssertEqual((error as? ADLError)?.message, "keyword argument repeated: a")
        }
        XCTAssertThrowsError(try compile("import pandas\n")) { error in
            XCTAssertEqual((error as? ADLError)?.message, "no module named 'pandas'")
        }
    }
}
