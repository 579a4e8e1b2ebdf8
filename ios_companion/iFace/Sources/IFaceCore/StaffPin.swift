import Crypto
import Foundation

/// The iPad's staff PIN: the PC's format (kiosk/core/pin.py) `scrypt$N$r$p$<salt hex>$<hash hex>`,
/// at least six digits, never stored in clear, and a lock-out that persists (PinGuard is Codable:
/// the app keeps it in the Keychain beside the hash, so restarting the app does not reset it).
public enum StaffPin {
    public static let minDigits = 6
    public static let maxDigits = 12
    static let n = 1 << 17, r = 8, p = 1   // kiosk/core/pin.py: ~0.5 s and 128 MiB per check

    /// Why `pin` cannot be a staff PIN, or nil (kiosk/core/pin.py pin_problem).
    public static func problem(_ pin: String) -> String? {
        let digits = pin.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == pin.count else { return "A staff PIN is made of digits only." }
        guard (minDigits...maxDigits).contains(digits.count) else {
            return "A staff PIN has \(minDigits) to \(maxDigits) digits."
        }
        guard Set(digits).count > 1 else { return "A staff PIN must not repeat one digit." }
        let steps = Set(zip(digits, digits.dropFirst()).map { $1 - $0 })
        guard steps != [1], steps != [-1] else { return "A staff PIN must not be a run of digits like 123456." }
        return nil
    }

    public static func hash(_ pin: String, salt: Data) throws -> String {
        if let problem = problem(pin) { throw IFaceError.badInput(problem) }
        let key = try BundleKey.scrypt(password: Data(pin.utf8), salt: salt, n: n, r: r, p: p, length: 32)
        let digest = key.withUnsafeBytes { Data($0) }
        return "scrypt$\(n)$\(r)$\(p)$\(hex(salt))$\(hex(digest))"
    }

    /// True when `pin` matches `stored` (constant-time comparison of the digests).
    public static func verify(_ pin: String, stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]),
              let p = Int(parts[3]), (2...(1 << 20)) ~= n, (1...64).contains(r * p),
              let salt = unhex(parts[4]), let want = unhex(parts[5]), !pin.isEmpty,
              let key = try? BundleKey.scrypt(password: Data(pin.utf8), salt: salt, n: n, r: r, p: p, length: want.count)
        else { return false }
        let got = key.withUnsafeBytes { Data($0) }
        return got.count == want.count && zip(got, want).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func unhex(_ text: String) -> Data? {
        let b = Array(text.utf8)
        guard b.count % 2 == 0, !b.isEmpty else { return nil }
        var out = Data(capacity: b.count / 2)
        var i = 0
        while i < b.count {
            guard let byte = UInt8(String(decoding: b[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            i += 2
        }
        return out
    }
}

/// kiosk/core/pin.py PinGuard: after `maxFailures` wrong PINs in a row, entry is refused for
/// `baseLockS`, doubling with each further failure up to `maxLockS`. Time is injected (seconds).
public struct PinGuard: Codable, Sendable, Equatable {
    public var maxFailures = 5
    public var baseLockS = 30.0
    public var maxLockS = 3600.0
    public private(set) var failures = 0
    public private(set) var lockedUntil = 0.0

    public init() {}

    public struct Attempt: Sendable, Equatable { public let accepted: Bool; public let lockedForS: Double; public let failures: Int }

    public func lockedFor(now: Double) -> Double { max(0, lockedUntil - now) }

    public mutating func attempt(_ pin: String, stored: String, now: Double) -> Attempt {
        let wait = lockedFor(now: now)
        if wait > 0 { return Attempt(accepted: false, lockedForS: wait, failures: failures) }
        if StaffPin.verify(pin, stored: stored) {
            failures = 0
            return Attempt(accepted: true, lockedForS: 0, failures: 0)
        }
        failures += 1
        guard failures >= maxFailures else { return Attempt(accepted: false, lockedForS: 0, failures: failures) }
        let lock = min(maxLockS, baseLockS * pow(2, Double(failures - maxFailures)))
        lockedUntil = now + lock
        return Attempt(accepted: false, lockedForS: lock, failures: failures)
    }
}
