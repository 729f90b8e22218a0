// The abstract syntax tree produced by `Parser` and consumed by `Compiler`.
// Every node carries the `SourceLocation` of its first token (for binary
// operators: the operator token, so carets point at the `+` that failed).

/// An expression node.
public struct Expr: Sendable {
    public var kind: ExprKind
    public var loc: SourceLocation

    public init(_ kind: ExprKind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
    }
}

/// Binary operators, arithmetic and bitwise/logical (`& | ^` are not short-circuit).
public enum BinaryOp: String, Sendable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"
    case matmul = "@"
    case bitAnd = "&", bitOr = "|", bitXor = "^"
}

/// Unary operators. `not` is its own node (it yields a Python bool, never an array).
public enum UnaryOp: String, Sendable {
    case neg = "-", pos = "+", invert = "~"
}

/// Comparison operators, chained as in Python (`a < b < c`).
public enum CompareOp: String, Sendable {
    case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "==", ne = "!=", `is` = "is", isNot = "is not"
}

/// One piece of an f-string: literal text, or `{expr!conv:spec}`.
public enum FStringPart: Sendable {
    case literal(String)
    /// `conversion` is "r", "s" or nil; `spec` is the text after `:` (may be empty).
    case expr(Expr, conversion: String?, spec: String?)
}

/// A call argument: positional (`name == nil`) or keyword.
public struct Argument: Sendable {
    public var name: String?
    public var value: Expr
    public var loc: SourceLocation

    public init(name: String?, value: Expr, loc: SourceLocation) {
        self.name = name
        self.value = value
        self.loc = loc
    }
}

/// A function parameter with an optional default value.
public struct Param: Sendable {
    public var name: String
    public var defaultValue: Expr?
    public var loc: SourceLocation

    public init(name: String, defaultValue: Expr?, loc: SourceLocation) {
        self.name = name
        self.defaultValue = defaultValue
        self.loc = loc
    }
}

/// One component of a subscript `x[a, b:c, ::d]`.
public enum Subscript: Sendable {
    case index(Expr)
    case slice(lower: Expr?, upper: Expr?, step: Expr?)
}

public indirect enum ExprKind: Sendable {
    case int(Int)
    case float(Double)
    case string(String)
    case fstring([FStringPart])
    case bool(Bool)
    case none
    case name(String)
    /// `(a, b)`, `a, b` and `()`.
    case tuple([Expr])
    /// `[a, b]`: an array when elements are numbers/bools/arrays of one shape, else a list.
    case list([Expr])
    /// `{"k": v, ...}`: a record.
    case record([(key: Expr, value: Expr)])
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    /// `first op1 e1 op2 e2 ...`, evaluated as Python chains (each operand once).
    case compare(Expr, [(op: CompareOp, rhs: Expr)])
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    /// `then if cond else orElse`.
    case ifExpr(cond: Expr, then: Expr, orElse: Expr)
    case lambda(params: [Param], body: Expr)
    case call(callee: Expr, args: [Argument])
    case subscriptAccess(base: Expr, subscripts: [Subscript])
    case attribute(base: Expr, name: String)
}

/// A statement node.
public struct Stmt: Sendable {
    public var kind: StmtKind
    public var loc: SourceLocation

    public init(_ kind: StmtKind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
    }
}

public indirect enum StmtKind: Sendable {
    case expr(Expr)
    /// `t1 = t2 = value`; each target is a name, a tuple/list of targets, a subscript or an attribute.
    case assign(targets: [Expr], value: Expr)
    /// `target op= value` where target is a name, subscript or attribute.
    case augAssign(target: Expr, op: BinaryOp, value: Expr)
    /// `if c1: b1 elif c2: b2 ... else: orElse`.
    case ifStmt(branches: [(cond: Expr, body: [Stmt])], orElse: [Stmt]?)
    case whileStmt(cond: Expr, body: [Stmt])
    case forStmt(target: Expr, iterable: Expr, body: [Stmt])
    case breakStmt
    case continueStmt
    case pass
    case returnStmt(Expr?)
    /// `del a, b[i]`.
    case del([Expr])
    case def(name: String, params: [Param], body: [Stmt])
    /// `import numpy` / `import numpy as np` / `import numpy.linalg as la`.
    case importModule(module: String, alias: String?)
    /// `from numpy import *` (names == ["*"]) or `from numpy import sum, mean as m`.
    case importFrom(module: String, names: [(name: String, alias: String?)])
    /// A command line (`grad f wrt x`, `:help sum`): run by the handler the VM has for `name`.
    case command(name: String, argument: String)
}

/// A parsed program: the statements and the file they came from.
public struct Program: Sendable {
    public var statements: [Stmt]
    public var file: SourceFile

    public init(statements: [Stmt], file: SourceFile) {
        self.statements = statements
        self.file = file
    }
}
