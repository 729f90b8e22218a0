// The builtin documentation checked against the behaviour: every example in
// the registry (Docs.swift) is run and must print exactly what it shows, and
// every builtin has an entry.

import XCTest
@testable import ADL

final class DocTests: XCTestCase {
    /// An example split into the source it runs and the output it shows.
    static func split(_ example: String) -> (source: String, expected: String) {
        var source = "", expected = ""
        for line in example.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(">>> ") || line.hasPrefix("... ") {
                source += line.dropFirst(4) + "\n"
            } else if line == ">>>" || line == "..." {
                source += "\n"
            } else {
                expected += line + "\n"
            }
        }
        return (source, expected)
    }

    func testEveryExamplePrintsWhatItShows() {
        for doc in Docs.all {
            let (source, expected) = Self.split(doc.example)
            XCTAssertFalse(source.isEmpty, "\(doc.name): the example runs nothing")
            let vm = VM()
            var out = ""
            vm.write = { out += $0 }
            do {
                try vm.run(source: SourceFile(name: "<help \(doc.name)>", text: source), echo: true)
                XCTAssertEqual(out, expected, "help(\(doc.name)): the example's output differs")
            } catch {
                XCTFail("help(\(doc.name)): the example raised \(error)")
            }
        }
    }

    func testEveryBuiltinIsDocumented() {
        let table = Library.makeStandard()
        let missing = table.names.filter { Docs.entry($0) == nil }
        XCTAssertEqual(missing, [], "builtins without a help entry")
        let unknown = Docs.all.map(\.name).filter { table.function(named: $0) == nil }
        XCTAssertEqual(unknown, [], "help entries for names that are not builtins")
    }

    func testEntriesAreWellFormed() {
        var seen = Set<String>()
        for doc in Docs.all {
            XCTAssertTrue(seen.insert(doc.name).inserted, "\(doc.name) is documented twice")
            XCTAssertTrue(doc.signature.hasPrefix(doc.name), "\(doc.name): the signature names another function")
            XCTAssertFalse(doc.summary.isEmpty, "\(doc.name): no summary")
        }
    }
}
