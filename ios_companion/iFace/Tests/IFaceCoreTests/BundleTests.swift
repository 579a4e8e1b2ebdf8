import Crypto
import Foundation
import XCTest
@testable import IFaceCore

/// The bundles of vectors/bundle.json: the good one imports with exactly the PC's content, and
/// every tampered or malformed variant is refused for the reason the PC's reader gives.
final class BundleVectorTests: XCTestCase {
    struct Spec {
        let body: [String: Any]
        var expectation: BundleExpectation {
            BundleExpectation(embeddingSha256: body.string("app_embedding_sha256"), dim: 128,
                              pinnedKey: Data(base64Encoded: body.string("shop_public_key")),
                              newestCounter: body.int("last_counter_seen"),
                              now: RFC3339.parse(body.string("checked_at"))!)
        }
        var passphrase: String { body.string("passphrase") }
        var good: [String: Any] { body["good"] as? [String: Any] ?? [:] }
    }

    func spec() throws -> Spec { Spec(body: try Vectors.json("bundle.json")) }

    func testTheGoodBundleImportsWhatThePCExported() throws {
        let spec = try spec()
        let data = try Vectors.data(spec.good.string("file"))
        let inspected = try BundleReader.inspect(data, expecting: spec.expectation)
        XCTAssertEqual(inspected.fingerprint, spec.body.string("shop_fingerprint"))
        XCTAssertEqual(inspected.counter, spec.good.int("counter"))
        XCTAssertEqual(inspected.expiresAt, RFC3339.parse(spec.good.string("expires_at")))
        let imported = try BundleReader.open(inspected, passphrase: spec.passphrase)
        let people = spec.good.objects("people")
        XCTAssertEqual(imported.gallery.people.map(\.id), people.map { $0.string("id") })
        XCTAssertEqual(imported.gallery.people.map(\.displayName), people.map { $0.string("display_name") })
        XCTAssertEqual(imported.gallery.people.map(\.preferredCategories), people.map { $0["categories"] as? [String] ?? [] })
        for (index, person) in people.enumerated() {
            let rows = imported.gallery.templates(of: index)
            XCTAssertEqual(rows.count, person.int("template_count"))
            var bytes = Data()
            for value in rows.joined() { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            XCTAssertEqual(hex(SHA256.hash(data: bytes)), person.string("templates_sha256"))
        }
        XCTAssertEqual(imported.forgotten, spec.good["forgotten"] as? [String])
        XCTAssertEqual(imported.gallery.maxDistance, spec.good.double("max_distance"))
        let products = spec.good.list("products").compactMap { $0 as? [Any] }
        XCTAssertEqual(imported.catalog.products.map(\.id), products.map { $0[0] as? String ?? "" })
        XCTAssertEqual(imported.catalog.products.map(\.price_minor), products.map { ($0[1] as? NSNumber)?.intValue ?? -1 })
        XCTAssertEqual(imported.images.count, spec.good.int("images"))
        XCTAssertEqual(imported.rules, try decoded(KioskRules.self, try Vectors.json("rules.json")))
    }

    func testEveryVariantIsRefusedForItsReason() throws {
        let spec = try spec()
        for case_ in spec.body.objects("cases") {
            let data = try Vectors.data(case_.string("file"))
            XCTAssertThrowsError(try {
                let inspected = try BundleReader.inspect(data, expecting: spec.expectation)
                _ = try BundleReader.open(inspected, passphrase: spec.passphrase)
            }(), case_.string("file")) { error in
                XCTAssertEqual((error as? IFaceError)?.outcome, case_.string("outcome"), "\(case_.string("file")): \(error)")
            }
        }
    }

    func testAWrongPassphraseAndAFirstPairing() throws {
        let spec = try spec()
        let data = try Vectors.data(spec.good.string("file"))
        var first = spec.expectation
        first.pinnedKey = nil   // no key pinned yet: inspect works and shows the fingerprint to confirm
        let inspected = try BundleReader.inspect(data, expecting: first)
        XCTAssertEqual(inspected.fingerprint, spec.body.string("shop_fingerprint"))
        XCTAssertThrowsError(try BundleReader.open(inspected, passphrase: "not the passphrase at all")) {
            XCTAssertEqual($0 as? IFaceError, .wrongPassphraseOrDamaged)
        }
    }

    func testEntryNamesAreChecked() {
        XCTAssertNotNil(BundleReader.cap("images/" + String(repeating: "a", count: 64) + ".jpg"))
        for bad in ["images/../x.jpg", "/etc/passwd", "images/a/b.jpg", "images/x.exe", "images/", "../evil.sh",
                    "images/" + String(repeating: "A", count: 64) + ".jpg"] {
            XCTAssertNil(BundleReader.cap(bad), bad)
        }
    }
}

/// The ZIP reader on hostile input: never a crash, never an allocation the file does not back.
final class ZipReaderTests: XCTestCase {
    let limits = ZipReader.Limits(maxArchiveBytes: 1 << 20, maxEntries: 8, maxDirectoryBytes: 4096,
                                  cap: { $0.hasPrefix("ok") ? 1 << 16 : nil })

    func testEmptyAndTruncatedInputs() {
        for bytes in [Data(), Data([0x50, 0x4B, 0x05, 0x06]), Data(count: 21), Data(count: 100)] {
            XCTAssertThrowsError(try ZipReader.entries(bytes, limits: limits))
        }
        let zip = TestZip.stored(["ok.txt": Data("hello".utf8)])
        for cut in [10, 30, zip.count - 30, zip.count - 1] {
            XCTAssertThrowsError(try ZipReader.entries(zip.prefix(cut), limits: limits), "cut at \(cut)")
        }
    }

    func testAnEmptyEntryIsFine() throws {
        let entries = try ZipReader.entries(TestZip.stored(["ok-empty": Data()]), limits: limits)
        XCTAssertEqual(entries, [ZipReader.Entry(name: "ok-empty", data: Data())])
    }

    func testLyingSizesAndNamesAreRefusedWithoutAllocating() {
        var zip = TestZip.stored(["ok.txt": Data("hello".utf8)])
        let central = zip.count - 22 - (46 + 6)
        zip.replaceSubrange((central + 24)..<(central + 28), with: [0xFF, 0xFF, 0xFF, 0x7F])  // 2 GB uncompressed
        XCTAssertThrowsError(try ZipReader.entries(zip, limits: limits))
        var long = TestZip.stored(["ok.txt": Data("hello".utf8)])
        long.replaceSubrange((central + 28)..<(central + 30), with: [0xFF, 0xFF])  // name runs off the end
        XCTAssertThrowsError(try ZipReader.entries(long, limits: limits))
        XCTAssertThrowsError(try ZipReader.entries(TestZip.stored(["../x": Data()]), limits: limits))
        XCTAssertThrowsError(try ZipReader.entries(TestZip.stored(["ok": Data()], method: 8), limits: limits)) {
            XCTAssertEqual(($0 as? IFaceError)?.outcome, "zip")
        }
    }
}

/// Writes a minimal ZIP for tests (stored; `method` only changes the recorded method).
enum TestZip {
    static func stored(_ files: [String: Data], method: Int = 0) -> Data {
        var out = Data(), central = Data()
        func le(_ v: Int, _ n: Int) -> Data { Data((0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) }) }
        for (name, body) in files.sorted(by: { $0.key < $1.key }) {
            let offset = out.count, n = Data(name.utf8)
            out += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(method, 2) + le(0, 4) + le(0, 4)
            out += le(body.count, 4) + le(body.count, 4) + le(n.count, 2) + le(0, 2) + n + body
            central += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(method, 2) + le(0, 4) + le(0, 4)
            central += le(body.count, 4) + le(body.count, 4) + le(n.count, 2) + le(0, 2) + le(0, 2)
            central += le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + n
        }
        let directoryOffset = out.count
        out += central
        out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(files.count, 2) + le(files.count, 2)
        out += le(central.count, 4) + le(directoryOffset, 4) + le(0, 2)
        return out
    }
}

final class ScryptVectorTests: XCTestCase {
    func testKeysMatchHashlib() throws {
        for case_ in try Vectors.json("scrypt.json").objects("cases") {
            var password = case_.string("password")
            if case_.string("normalise") == "NFC" { password = password.precomposedStringWithCanonicalMapping }
            let key = try BundleKey.scrypt(password: Data(password.utf8), salt: Data(case_.string("salt").utf8),
                                           n: case_.int("N"), r: case_.int("r"), p: case_.int("p"),
                                           length: case_.int("length"))
            XCTAssertEqual(key.withUnsafeBytes { hex($0) }, case_.string("key"))
        }
    }

    func testStaffPinMatchesThePCFormat() throws {
        let vector = try Vectors.json("pin.json")
        XCTAssertTrue(StaffPin.verify(vector.string("pin"), stored: vector.string("hash")))
        XCTAssertFalse(StaffPin.verify("135790", stored: vector.string("hash")))
        XCTAssertEqual(try StaffPin.hash(vector.string("pin"), salt: Data((0..<16).map(UInt8.init))), vector.string("hash"))
        for bad in ["1234", "111111", "123456", "987654", "12345a", "1234567890123"] {
            XCTAssertNotNil(StaffPin.problem(bad), bad)
        }
        XCTAssertNil(StaffPin.problem("246813"))
    }

    func testThePinLockOutGrowsAndSurvivesEncoding() throws {
        let stored = try StaffPin.hash("246813", salt: Data(repeating: 1, count: 16))
        var guard_ = PinGuard()
        for attempt in 1...4 { XCTAssertEqual(guard_.attempt("000000", stored: stored, now: 0).failures, attempt) }
        XCTAssertEqual(guard_.attempt("000000", stored: stored, now: 0).lockedForS, 30)
        let restored = try JSONDecoder().decode(PinGuard.self, from: JSONEncoder().encode(guard_))
        var after = restored
        XCTAssertFalse(after.attempt("246813", stored: stored, now: 10).accepted)   // still locked
        XCTAssertTrue(after.attempt("246813", stored: stored, now: 31).accepted)
    }
}
