// Callers that open the SQLite store see the store interface and its value types too.
@_exported import CrescentPersistence
