// Scope analysis: which names a function binds (its locals), which of those
// inner functions capture (they become cells), and which names a function
// needs from outside (its free uses). Python's rules: a name assigned
// anywhere in a function body is local to it; `np`-style module attributes
// are not variable uses.

/// The result of analysing one function body.
struct ScopeInfo {
    /// Parameters first, then other assigned names in order of appearance.
    var locals: [String] = []
    var localSet: Set<String> = []
    /// Locals captured by an inner function.
    var cells: Set<String> = []
    /// Names used here or in inner functions that are not local here.
    var freeUses: Set<String> = []
}

enum ScopeAnalysis {
    /// Analyses a function with `params` and `body`. `moduleAliases` are names
    /// treated as module prefixes (`np`) when not bound locally.
    static func analyze(params: [String], body: [Stmt], moduleAliases: Set<String>) -> ScopeInfo {
        var info = ScopeInfo()
        for p in params where !info.localSet.contains(p) {
            info.locals.append(p)
            info.localSet.insert(p)
        }
        var bound: [String] = []
        for stmt in body { collectBindings(stmt, into: &bound) }
        for name in bound where !info.localSet.contains(name) {
            info.locals.append(name)
            info.localSet.insert(name)
        }
        var uses = Set<String>()
        var childFree = Set<String>()
        for stmt in body { collectUses(stmt, uses: &uses, childFree: &childFree, aliases: moduleAliases) }
        info.cells = info.localSet.intersection(childFree)
        info.freeUses = uses.union(childFree).subtracting(info.localSet)
        return info
    }

    // MARK: - Bindings

    static func collectBindings(_ stmt: Stmt, into bound: inout [String]) {
        switch stmt.kind {
        case .assign(let targets, _):
            for t in targets { bindTarget(t, into: &bound) }
        case .augAssign(let target, _, _):
            bindTarget(target, into: &bound)
        case .ifStmt(let branches, let orElse):
            for b in branches { for s in b.body { collectBindings(s, into: &bound) } }
            for s in orElse ?? [] { collectBindings(s, into: &bound) }
        case .whileStmt(_, let body):
            for s in body { collectBindings(s, into: &bound) }
        case .forStmt(let target, _, let body):
            bindTarget(target, into: &bound)
            for s in body { collectBindings(s, into: &bound) }
        case .del(let targets):
            for t in targets { if case .name(let n) = t.kind { bound.append(n) } }
        case .def(let name, _, _):
            bound.append(name)
        case .importModule(let module, let alias):
            bound.append(alias ?? String(module.split(separator: ".").first ?? Substring(module)))
        case .importFrom(_, let names):
            for n in names where n.name != "*" { bound.append(n.alias ?? n.name) }
        case .expr, .breakStmt, .continueStmt, .pass, .returnStmt, .command:
            break
        }
    }

    static func bindTarget(_ target: Expr, into bound: inout [String]) {
        switch target.kind {
        case .name(let n): bound.append(n)
        case .tuple(let items), .list(let items): for i in items { bindTarget(i, into: &bound) }
        default: break  // subscripts and attributes bind nothing
        }
    }

    // MARK: - Uses

    static func collectUses(_ stmt: Stmt, uses: inout Set<String>, childFree: inout Set<String>, aliases: Set<String>) {
        func expr(_ e: Expr) { collectUses(e, uses: &uses, childFree: &childFree, aliases: aliases) }
        func block(_ b: [Stmt]) { for s in b { collectUses(s, uses: &uses, childFree: &childFree, aliases: aliases) } }
        switch stmt.kind {
        case .expr(let e): expr(e)
        case .assign(let targets, let value):
            expr(value)
            for t in targets { expr(t) }
        case .augAssign(let target, _, let value):
            expr(target)
            expr(value)
        case .ifStmt(let branches, let orElse):
            for b in branches { expr(b.cond); block(b.body) }
            block(orElse ?? [])
        case .whileStmt(let cond, let body):
            expr(cond); block(body)
        case .forStmt(let target, let iterable, let body):
            expr(target); expr(iterable); block(body)
        case .returnStmt(let e):
            if let e { expr(e) }
        case .del(let targets):
            for t in targets { expr(t) }
        case .def(_, let params, let body):
            for p in params { if let d = p.defaultValue { expr(d) } }
            let inner = analyze(params: params.map(\.name), body: body, moduleAliases: aliases)
            childFree.formUnion(inner.freeUses)
        case .breakStmt, .continueStmt, .pass, .importModule, .importFrom, .command:
            break
        }
    }

    static func collectUses(_ e: Expr, uses: inout Set<String>, childFree: inout Set<String>, aliases: Set<String>) {
        func expr(_ e: Expr) { collectUses(e, uses: &uses, childFree: &childFree, aliases: aliases) }
        switch e.kind {
        case .int, .float, .string, .bool, .none: break
        case .fstring(let parts):
            for p in parts { if case .expr(let x, _, _) = p { expr(x) } }
        case .name(let n): uses.insert(n)
        case .tuple(let items), .list(let items): for i in items { expr(i) }
        case .record(let pairs): for p in pairs { expr(p.key); expr(p.value) }
        case .unary(_, let x), .not(let x): expr(x)
        case .binary(_, let l, let r), .and(let l, let r), .or(let l, let r): expr(l); expr(r)
        case .compare(let first, let rest): expr(first); for r in rest { expr(r.rhs) }
        case .ifExpr(let c, let t, let f): expr(c); expr(t); expr(f)
        case .lambda(let params, let body):
            for p in params { if let d = p.defaultValue { expr(d) } }
            let inner = analyze(params: params.map(\.name),
                                body: [Stmt(.returnStmt(body), body.loc)], moduleAliases: aliases)
            childFree.formUnion(inner.freeUses)
        case .call(let callee, let args): expr(callee); for a in args { expr(a.value) }
        case .subscriptAccess(let base, let subs):
            expr(base)
            for s in subs {
                switch s {
                case .index(let x): expr(x)
                case .slice(let a, let b, let c):
                    if let a { expr(a) }
                    if let b { expr(b) }
                    if let c { expr(c) }
                }
            }
        case .attribute(let base, _):
            // `np.sum` is a module attribute, not a use of a variable `np`.
            if let root = attributeRoot(e), aliases.contains(root) || root == "random" || root == "linalg" {
                uses.insert(root)  // harmless: resolves to the alias unless bound
                return
            }
            expr(base)
        }
    }

    /// The name at the root of an attribute chain `a.b.c`, if it is a plain name.
    static func attributeRoot(_ e: Expr) -> String? {
        switch e.kind {
        case .name(let n): return n
        case .attribute(let base, _): return attributeRoot(base)
        default: return nil
        }
    }
}
