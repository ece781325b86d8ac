/// Checks that need no member to reach the code: every offer constructor and every literal
/// `message` text in the source, wherever it sits (an `if` branch no member takes included).
/// The same checks run again on what members actually get; `ScriptSourceMap.locate` drops
/// the second report of a problem.
extension DeclarationParser {
    mutating func checkStatically(_ map: ScriptSourceMap) {
        for constructor in map.offers {
            let line = constructor.position.line
            if let fields = constructor.table.literalValue?.tableValue {
                var spec = fields
                spec["$offer"] = .string(constructor.kind)
                spec["$line"] = .int(Int64(line))
                _ = offer(id: 0, spec: spec)
                continue
            }
            // Some values are computed: check the names, and the types of the literal ones.
            guard let schema = Schemas.offerSchema(constructor.kind),
                  !constructor.table.fields.contains(where: { $0.key == .computed }) else { continue }
            var literal: [String: LuaValue] = [:], computed: Set<String> = []
            for f in constructor.table.fields {
                guard case .name(let k) = f.key else { continue }
                if let v = f.value.literalValue { literal[k] = v } else { computed.insert(k) }
            }
            for p in schema.problems(in: literal, runtimeFields: computed) { problem(line, constructor.kind, p) }
        }
        for text in map.messages {
            for message in MessageTemplate.unknownVariables(in: text.text) {
                problems.append(ScriptError(kind: .validation, file: chunkName, line: text.position.line,
                                            message: message, column: text.position.column))
            }
        }
    }
}
