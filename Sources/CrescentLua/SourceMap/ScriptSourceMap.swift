/// Where things are in a script's source: each declaration (`segment "x" { … }`, `playbook`,
/// `tier_ladder`, `points_rule`) with the position of every key inside it, every offer
/// constructor (`coupon { … }`, …) wherever it sits, and every literal `message` text.
///
/// Lua's table constructors keep no per-field lines, so validation problems are found on the
/// values Lua produced and placed on the source through this map (`locate`).
public struct ScriptSourceMap {
    struct Declaration {
        var kind: String
        var name: String
        var position: SourcePosition
        var table: LuaTableSyntax
    }

    struct OfferConstructor {
        var kind: String
        var position: SourcePosition
        var table: LuaTableSyntax
    }

    /// A literal string given as a `message` (or as one of a `message` table's texts).
    struct MessageText {
        var position: SourcePosition
        var text: String
    }

    static let declarationKinds: Set<String> = ["segment", "playbook", "tier_ladder", "points_rule"]
    static let offerKinds: Set<String> = ["coupon", "points", "red_packet", "call_task", "content"]
    /// Declared once per programme, so without a name: `economics { … }`.
    static let namelessDeclarationKinds: Set<String> = ["economics"]

    private(set) var declarations: [Declaration] = []
    private(set) var offers: [OfferConstructor] = []
    private(set) var messages: [MessageText] = []

    public init(source: String) {
        let tokens = LuaLexer.tokens(source)
        let reader = LuaTableReader(tokens: tokens)
        func symbol(_ i: Int, _ s: String) -> Bool { i < tokens.count && tokens[i].isSymbol(s) }
        for (i, t) in tokens.enumerated() where t.kind == .name {
            // `crm.points`, `m:coupon` are fields, not the API's globals.
            if i > 0, tokens[i - 1].isSymbol(".") || tokens[i - 1].isSymbol(":") { continue }
            if Self.declarationKinds.contains(t.text) {
                // kind "name" { … }, kind("name")({ … }), kind "name" ({ … })
                var j = i + 1
                if symbol(j, "(") { j += 1 }
                guard j < tokens.count, tokens[j].kind == .string else { continue }
                let name = tokens[j].text
                j += 1
                if symbol(j, ")") { j += 1 }
                if symbol(j, "(") { j += 1 }
                guard symbol(j, "{") else { continue }
                declarations.append(Declaration(kind: t.text, name: name, position: t.position, table: reader.table(at: j).0))
            } else if Self.namelessDeclarationKinds.contains(t.text) {
                let j = symbol(i + 1, "(") ? i + 2 : i + 1
                guard symbol(j, "{") else { continue }
                declarations.append(Declaration(kind: t.text, name: "", position: t.position, table: reader.table(at: j).0))
            } else if Self.offerKinds.contains(t.text) {
                let j = symbol(i + 1, "(") ? i + 2 : i + 1
                guard symbol(j, "{") else { continue }
                offers.append(OfferConstructor(kind: t.text, position: t.position, table: reader.table(at: j).0))
            } else if t.text == "message", symbol(i + 1, "="), i + 2 < tokens.count {
                if tokens[i + 2].kind == .string, i + 3 >= tokens.count || [",", ";", "}"].contains { tokens[i + 3].isSymbol($0) } {
                    messages.append(MessageText(position: t.position, text: tokens[i + 2].text))
                } else if tokens[i + 2].isSymbol("{") {
                    for f in reader.table(at: i + 2).0.fields {
                        if case .literal(.string(let text)) = f.value { messages.append(MessageText(position: f.position, text: text)) }
                    }
                }
            }
        }
    }

    /// A declaration's top-level fields as written, for comparing two versions of a script.
    public struct DeclaredFields: Sendable, Equatable {
        public var kind: String
        /// Empty for `economics { … }`.
        public var name: String
        /// Field name → its value's tokens (layout and comments dropped): `recency_days` → `"<= 90"`.
        public var fields: [String: String]
    }

    /// Every declaration in the source with its named fields, in source order.
    public var declaredFields: [DeclaredFields] {
        declarations.map { d in
            var fields: [String: String] = [:]
            for f in d.table.fields { if case .name(let key) = f.key { fields[key] = f.source } }
            return DeclaredFields(kind: d.kind, name: d.name, fields: fields)
        }
    }

    // MARK: - Finding a field

    /// The position of the key `site` names, or of the deepest enclosing key the source has
    /// (a missing field is reported where its table starts). Nil when the declaration or
    /// offer is not in the source as a literal constructor.
    /// - parameter line: the line Lua reported, to tell apart offers of the same kind.
    func position(of site: FieldSite, line: Int?) -> SourcePosition? {
        let root: LuaTableSyntax
        let rootPosition: SourcePosition
        if let name = site.name {
            guard let d = declarations.first(where: { $0.kind == site.kind && $0.name == name }) else { return nil }
            (root, rootPosition) = (d.table, d.position)
        } else if Self.namelessDeclarationKinds.contains(site.kind) {
            // The one on the line Lua reported: a second declaration is reported on its own line.
            guard let line, let d = declarations.first(where: { $0.kind == site.kind && $0.position.line == line }) else { return nil }
            (root, rootPosition) = (d.table, d.position)
        } else {
            guard let line, let o = offers.first(where: { $0.kind == site.kind && $0.position.line == line }) else { return nil }
            (root, rootPosition) = (o.table, o.position)
        }
        var table: LuaTableSyntax? = root
        var found: LuaTableSyntax.Field?
        for component in site.path.components {
            guard let field = table.flatMap({ Self.field(component, in: $0) }) else { break }
            found = field
            table = field.value.table
        }
        guard var field = found else { return rootPosition }
        // A message table with several texts: the one using the variable.
        if let variable = site.variable, let texts = field.value.table,
           let text = texts.fields.first(where: { $0.value.literalValue?.stringValue?.contains("{{\(variable)") == true }) {
            field = text
        }
        return field.position
    }

    private static func field(_ component: FieldPath.Component, in table: LuaTableSyntax) -> LuaTableSyntax.Field? {
        switch component {
        case .key(let k): table.field(.name(k))
        case .index(let n): table.field(.index(n))
        case .named(let name):
            // The first of that name: a later duplicate is reported on the list itself.
            table.fields.first { $0.value.table?.field(.name("name"))?.value.literalValue == .string(name) }
        }
    }

    // MARK: - Placing problems

    /// Moves each problem that names a field to the field's line and column, drops a
    /// problem found twice (by the static check and again when a member reached the code),
    /// and orders them by position.
    public func locate(_ problems: [ScriptError]) -> [ScriptError] {
        var placed: [ScriptError] = problems.map { p in
            guard let site = p.site, let at = position(of: site, line: p.line) else { return p }
            var moved = p
            moved.line = at.line
            moved.column = at.column
            return moved
        }
        placed = placed.enumerated().filter { i, p in
            !placed.enumerated().contains { j, q in
                q.file == p.file && q.line == p.line && q.message.hasSuffix(p.message)
                    && (q.message != p.message || j < i)
            }
        }.map(\.element)
        return placed.enumerated().sorted { a, b in
            let (la, lb) = (a.element.line ?? 0, b.element.line ?? 0)
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }
}
