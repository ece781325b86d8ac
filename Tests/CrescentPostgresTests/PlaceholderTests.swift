import Testing
@testable import CrescentPostgres
