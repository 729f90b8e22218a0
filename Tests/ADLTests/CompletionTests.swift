// Tab completion (ADLTools/Completion.swift) as a pure function: text before the
// cursor in, candidates out, against a session built by running real ADL code.

import XCTest
@testable import ADL
@testable import ADLTools

final class CompletionTests: XCTestCase {
    /// A session with a few definitions, and a fake folder for file names.
    func context(_ source: String = "", files: [String: [(String, Bool)]] = [:],
                 extraSignatures: [String: String] = [:]) throws -> CompletionContext {
        let vm = VM()
        vm.write = { _ in }
        SessionCommands.register(in: vm)
        if !source.isEmpty { try vm.run(source: SourceFile(name: "<test>", text: source), echo: false) }
        var context = CompletionContext.session(vm)
        context.listDirectory = { folder in files[folder].map { $0.map { (name: $0.0, isDirectory: $0.1) } } }
        let docs = context.signature
        context.signature = { extraSignatures[$0] ?? docs($0) }
        return context
    }

    func complete(_ line: String, _ context: CompletionContext, preceding: [String] = []) -> [String] {
        Completer.complete(line, precedingLines: preceding, in: context).candidates
    }

    func testBuiltinNames() throws {
        let c = try context()
        XCTAssertEqual(complete("linsp", c), ["linspace"])
        XCTAssertEqual(Completer.complete("y = linsp", in: c).replaced, "linsp")
        XCTAssertTrue(complete("su", c).contains("sum"))
        XCTAssertTrue(complete("x = ex", c).contains("exp"))
    }

    func testKeywordsAndGlobals() throws {
        let c = try context("learning_rate = 0.1\ndef loss(w):\n    return w\n")
        XCTAssertEqual(complete("lam", c), ["lambda"])
        XCTAssertEqual(complete("learn", c), ["learning_rate"])
        XCTAssertEqual(complete("print(los", c), ["loss"])
        XCTAssertEqual(complete("whi", c), ["while"])
    }

    func testNamesOfTheBlockBeingTyped() throws {
        let c = try context()
        XCTAssertEqual(complete("    return total_so", c, preceding: ["def f(total_sofar):"]), ["total_sofar"])
    }

    func testNumpyPrefix() throws {
        let c = try context()
        XCTAssertEqual(complete("np.linsp", c), ["np.linspace"])
        XCTAssertEqual(complete("np.lina", c), ["np.linalg"])
        XCTAssertTrue(complete("np.linalg.", c).contains("np.linalg.inv"))
        XCTAssertTrue(complete("np.random.se", c).contains("np.random.seed"))
        XCTAssertEqual(complete("numpy.ar", c).filter { !$0.hasPrefix("numpy.arc") && !$0.hasPrefix("numpy.arg") },
                       ["numpy.arange", "numpy.array"])
    }

    func testImportAlias() throws {
        let c = try context("import numpy.linalg as la\n")
        XCTAssertTrue(complete("la.in", c).contains("la.inv"))
    }

    func testArrayMethodsAndAttributes() throws {
        let c = try context("x = arange(6)\ny = 2.5\n")
        XCTAssertEqual(complete("x.resh", c), ["x.reshape"])
        XCTAssertEqual(complete("x.sha", c), ["x.shape"])
        XCTAssertTrue(complete("x.", c).contains("x.T"))
        XCTAssertTrue(complete("x.T.", c).contains("x.T.sum"))
        XCTAssertTrue(complete("y.", c).contains("y.shape"), "a number is a 0-d array")
    }

    func testRecordFields() throws {
        let c = try context("r = dict(maxiter=100, method='BFGS')\n")
        XCTAssertEqual(complete("r.max", c), ["r.maxiter"])
        XCTAssertEqual(complete("r.", c), ["r.maxiter", "r.method"])
    }

    func testUnknownReceiverOffersNothing() throws {
        let c = try context("s = 'text'\n")
        XCTAssertEqual(complete("s.", c), [])
        XCTAssertEqual(complete("nosuch.", c), [])
        XCTAssertEqual(complete("1.", c), [])
    }

    func testKeywordArgumentsOfBuiltins() throws {
        let c = try context()
        XCTAssertEqual(complete("sum(x, ax", c), ["axis="])
        XCTAssertEqual(complete("sum(x, axis=0, ", c), ["keepdims="], "given keywords are not offered again")
        XCTAssertEqual(complete("linspace(0, 1, ", c), ["num=", "endpoint="].filter { complete("linspace(0, 1, ", c).contains($0) })
        XCTAssertTrue(complete("zeros(", c).contains("shape="))
    }

    func testKeywordArgumentsFromSignatureOfMinimize() throws {
        // SciPy's signature; the optimiser's doc entry supplies it in the real session.
        let c = try context("def f(x):\n    return sum(x ** 2)\nx0 = ones(2)\n",
                            extraSignatures: ["minimize": "minimize(fun, x0, method='L-BFGS-B', bounds=None, tol=None, options=None)"])
        var withMinimize = c
        withMinimize.globals["minimize"] = .builtin(BuiltinFunction("minimize") { _, _ in .none })
        XCTAssertEqual(complete("minimize(f, x0, me", withMinimize), ["method="])
        XCTAssertEqual(complete("minimize(f, x0, ", withMinimize), ["method=", "bounds=", "tol=", "options="])
    }

    func testKeywordArgumentsOfUserFunctions() throws {
        let c = try context("def model(w, bias=0.0, scale=1.0):\n    return w\n")
        XCTAssertEqual(complete("model(1, sc", c), ["scale="], "bias and scale have defaults: w is the only one due")
        XCTAssertEqual(complete("model(1, ", c), ["bias=", "scale="])
        XCTAssertEqual(complete("model(1, bias=", c).contains("bias="), false, "after = comes a value")
    }

    func testMethodKeywordArguments() throws {
        let c = try context("x = ones((2, 2))\n")
        XCTAssertEqual(complete("x.sum(ax", c), ["axis="])
    }

    func testFileNamesInStrings() throws {
        let files: [String: [(String, Bool)]] = ["": [("data", true), ("model.adl", false), (".hidden", false)],
                                                 "data/": [("x.npy", false), ("y.npy", false)]]
        let c = try context(files: files)
        XCTAssertEqual(complete("load(\"da", c), ["data/"])
        XCTAssertEqual(Completer.complete("load(\"da", in: c).replaced, "da")
        XCTAssertEqual(complete("load('data/", c), ["data/x.npy", "data/y.npy"])
        XCTAssertEqual(complete("a = load(\"data/x", c), ["data/x.npy"])
        XCTAssertEqual(complete("s = \"", c), ["data/", "model.adl"], "hidden files only when asked")
        XCTAssertEqual(complete("s = \".h", c), [".hidden"])
        XCTAssertEqual(complete("load(\"nosuch/", c), [])
    }

    func testNothingInComments() throws {
        let c = try context()
        XCTAssertEqual(complete("x = 1  # su", c), [])
    }

    func testCommands() throws {
        let c = try context("def loss(w, b):\n    return w\nv = 3\n",
                            files: ["": [("run.adl", false)]])
        XCTAssertEqual(complete(":he", c), [":help"])
        XCTAssertEqual(complete(":", c), [":dis", ":help", ":load", ":quit", ":time", ":vars"])
        XCTAssertEqual(complete(":help linsp", c), ["linspace"])
        XCTAssertEqual(complete(":help :ti", c), [":time"])
        XCTAssertEqual(complete(":load r", c), ["run.adl"])
        XCTAssertEqual(complete(":load \"r", c), ["run.adl"])
        XCTAssertEqual(complete(":time linsp", c), ["linspace"])
        XCTAssertEqual(complete(":dis lo", c), ["loss"])
        XCTAssertEqual(complete("grad ", c), ["loss"], "grad offers the functions defined")
        XCTAssertEqual(complete("grad lo", c), ["loss"])
        XCTAssertEqual(complete("grad loss w", c), ["wrt"])
        XCTAssertEqual(complete("grad loss wrt ", c), ["w", "b"])
        XCTAssertEqual(complete("grad loss at v", c).contains("v"), true)
    }

    func testParameterNamesFromSignatures() {
        XCTAssertEqual(Completer.parameterNames("sum(a, axis=None, keepdims=False)"), ["a", "axis", "keepdims"])
        XCTAssertEqual(Completer.parameterNames("print(*values, sep=' ', end='\\n', flush=False)"), ["sep", "end", "flush"])
        XCTAssertEqual(Completer.parameterNames("range(stop) / range(start, stop, step=1)"), ["stop", "start", "step"])
        XCTAssertEqual(Completer.parameterNames("f(x, sep=', ', bounds=[(0, 1)], k=2)"), ["x", "sep", "bounds", "k"])
        XCTAssertEqual(Completer.parameterNames("no parentheses"), [])
    }

    func testSignatureShape() {
        let sum = Completer.parameters(inSignature: "sum(a, axis=None, keepdims=False)")
        XCTAssertEqual(sum, Completer.Parameters(names: ["a", "axis", "keepdims"], required: 1, variadic: false))
        XCTAssertTrue(Completer.parameters(inSignature: "print(*values, sep=' ')").variadic)
        XCTAssertEqual(Completer.parameters(inSignature: "range(stop) / range(start, stop, step=1)").required, 2)
    }

    func testKeywordsShareTheListWhilePositionalsAreDue() throws {
        let c = try context("def model(weights, data, scale=1.0):\n    return weights\nscore = 1\nsc_total = 2\n")
        // `data` is still due, so a name is as likely as a keyword.
        XCTAssertEqual(complete("model(w, sc", c), ["scale=", "sc_total", "score"])
        // Both positionals given: the keyword is what is meant.
        XCTAssertEqual(complete("model(w, d, sc", c), ["scale="])
        // print takes any number of values: names stay on offer.
        let printed = complete("print(sc_total, s", c)
        XCTAssertEqual(printed.first, "sep=")
        XCTAssertTrue(printed.contains("sc_total"))
    }

    func testCommonPrefix() {
        XCTAssertEqual(Completion.commonPrefix(["np.sum", "np.sub"]), "np.su")
        XCTAssertEqual(Completion.commonPrefix(["a"]), "a")
        XCTAssertEqual(Completion.commonPrefix([]), "")
    }
}
