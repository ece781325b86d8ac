extension ColumnarPopulation {
    /// `SyntheticPopulation.generate(members:seed:asOf:)` straight into columns, a chunk of
    /// records at a time; `chunk` (when given) also sees each chunk, e.g. to write it to a store.
    public static func synthetic(members: Int, seed: UInt64, asOf: Day,
                                 parameters: SyntheticPopulation.Parameters = .init(),
                                 chunkSize: Int = 50_000,
                                 chunk: ((Population) throws -> Void)? = nil) throws -> ColumnarPopulation {
        var out = ColumnarPopulation()
        out.reserve(members: members, orders: Int(Double(members) * parameters.meanOrdersPerMember * 0.95))
        try SyntheticPopulation.generate(members: members, seed: seed, asOf: asOf, parameters: parameters,
                                         chunk: chunkSize) { part in
            try out.append(part)
            try chunk?(part)
        }
        return out
    }
}
