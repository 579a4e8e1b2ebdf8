import Foundation
import XCTest

/// ios_companion/vectors/, written by ../make_vectors.py from the kiosk's own Python code. Found
/// through this file's path so `swift test` needs no resources and runs on Linux and macOS.
enum Vectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // IFaceCoreTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // iFace
        .deletingLastPathComponent()   // ios_companion
        .appendingPathComponent("vectors")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// A vector file as plain JSON objects (the tests read only what they check).
    static func json(_ name: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: data(name))
        return try XCTUnwrap(object as? [String: Any], "\(name) is not a JSON object")
    }
}

extension Dictionary where Key == String, Value == Any {
    func double(_ key: String) -> Double { (self[key] as? NSNumber)?.doubleValue ?? .nan }
    func int(_ key: String) -> Int { (self[key] as? NSNumber)?.intValue ?? -1 }
    func string(_ key: String) -> String { self[key] as? String ?? "" }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func list(_ key: String) -> [Any] { self[key] as? [Any] ?? [] }
}

func doubles(_ value: Any?) -> [Double] { (value as? [NSNumber] ?? []).map(\.doubleValue) }

func decoded<T: Decodable>(_ type: T.Type, _ object: Any) throws -> T {
    try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: object))
}
