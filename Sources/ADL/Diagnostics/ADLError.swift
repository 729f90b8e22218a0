// The one error type of the language. Everything a user can cause (syntax,
// names, types, shapes, indices, limits, files, interrupts) becomes an
// `ADLError`; `DiagnosticRenderer` turns it into the SPEC §11 text.

/// What went wrong, for tests and for the exit status; the message says it to people.
public enum ErrorKind: String, Sendable {
    case syntax
    case name
    case type
    case value
    case shape
    case index
    case zeroDivision
    case overflow
    case recursion
    case memory
    case io
    case interrupt
    case argument
    case notImplemented
    /// A compiled gradient's guard failed (a branch went another way); the
    /// gradient function catches it and traces again. Never shown to users.
    case retrace
}

/// One frame of the call trace of a runtime error: the function that was
/// running and where it was called from.
public struct TraceEntry: Sendable, Equatable {
    public var function: String
    public var file: String
    public var line: Int
    /// Where this function was called from ("file:line"), nil for the outermost frame.
    public var calledFrom: String?

    public init(function: String, file: String, line: Int, calledFrom: String?) {
        self.function = function
        self.file = file
        self.line = line
        self.calledFrom = calledFrom
    }
}

/// An error a program caused, with the place it happened.
public struct ADLError: Error, Sendable, CustomStringConvertible {
    public var kind: ErrorKind
    public var message: String
    public var location: SourceLocation?
    public var file: SourceFile?
    /// Extra lines after the source excerpt ("did you mean 'x'?").
    public var notes: [String]
    /// Innermost first: the functions active when a runtime error happened.
    public var trace: [TraceEntry]

    public init(_ kind: ErrorKind, _ message: String, at location: SourceLocation? = nil,
                in file: SourceFile? = nil, notes: [String] = []) {
        self.kind = kind
        self.message = message
        self.location = location
        self.file = file
        self.notes = notes
        self.trace = []
    }

    public var description: String { DiagnosticRenderer.render(self) }

    /// The same error with a location filled in, unless it already has one.
    public func located(_ location: SourceLocation, in file: SourceFile?) -> ADLError {
        var copy = self
        if copy.location == nil || copy.location == .unknown {
            copy.location = location
            copy.file = file
        }
        return copy
    }
}

// MARK: - Convenience constructors used across the library

extension ADLError {
    public static func type(_ message: String) -> ADLError { ADLError(.type, message) }
    public static func value(_ message: String) -> ADLError { ADLError(.value, message) }
    public static func shape(_ message: String) -> ADLError { ADLError(.shape, message) }
    public static func index(_ message: String) -> ADLError { ADLError(.index, message) }
    public static func argument(_ message: String) -> ADLError { ADLError(.argument, message) }
    public static func memory(_ message: String) -> ADLError { ADLError(.memory, message) }
    public static func io(_ message: String) -> ADLError { ADLError(.io, message) }
}
