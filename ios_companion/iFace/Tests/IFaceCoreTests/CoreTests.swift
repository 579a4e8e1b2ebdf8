import XCTest
@testable import IFaceCore

/// Expected values were computed by the kiosk's Python code (kiosk/vision/align.py, hashlib):
/// the Swift port must reproduce them exactly.
final class ScryptTests: XCTestCase {
    func testRFC7914Vectors() throws {
        let v2 = try Scrypt.derive(password: Data("password".utf8), salt: Data("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64)
        XCTAssertEqual(hex(v2), "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        let v3 = try Scrypt.derive(password: Data("pleaseletmein".utf8), salt: Data("SodiumChloride".utf8), n: 16384, r: 8, p: 1, length: 64)
        XCTAssertEqual(hex(v3), "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")
    }

    private func hex(_ d: Data) -> String { d.map { String(format: "%02x", $0) }.joined() }
}

final class AlignmentTests: XCTestCase {
    func pattern(_ w: Int, _ h: Int) -> RGBImage {
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            let o = (y * w + x) * 3
            px[o] = UInt8((x * 7 + y * 3) % 256); px[o + 1] = UInt8((x * 2 + y * 5 + 50) % 256)
            px[o + 2] = UInt8((x * 3 + y * 11 + 100) % 256)
        } }
        return RGBImage(width: w, height: h, pixels: px)
    }

    func testChipMatchesPython() throws {
        let pts = [Point(400, 200), Point(360, 198), Point(260, 205), Point(300, 203), Point(330, 280)]
        let chip = try Alignment.dlibChip(pattern(640, 480), points: pts)
        XCTAssertEqual(chip.pixels.reduce(0) { $0 + Int($1) }, 8_566_569)
        XCTAssertEqual(Array(chip.pixels[0..<3]), [117, 237, 149])
        let mid = (75 * 150 + 75) * 3
        XCTAssertEqual(Array(chip.pixels[mid..<mid + 3]), [33, 204, 74])
    }

    func testLargeFaceUsesThePyramidLikePython() throws {
        let pts = [Point(1400, 700), Point(1200, 690), Point(800, 720), Point(1000, 710), Point(1100, 1100)]
        var big = RGBImage.black(1920, 1440)
        let small = pattern(640, 480)
        for y in 0..<1440 { for x in 0..<1920 { for c in 0..<3 {
            big.pixels[(y * 1920 + x) * 3 + c] = small.pixels[((y % 480) * 640 + x % 640) * 3 + c]
        } } }
        let chip = try Alignment.dlibChip(big, points: pts)
        XCTAssertEqual(chip.pixels.reduce(0) { $0 + Int($1) }, 7_426_443)
        XCTAssertEqual(Array(chip.pixels[0..<3]), [161, 121, 127])
    }

    func testFivePointsFromMesh() throws {
        var mesh = (0..<468).map { _ in Point(0, 0) }
        mesh[33] = Point(150, 200); mesh[133] = Point(180, 202); mesh[362] = Point(220, 203)
        mesh[263] = Point(250, 201); mesh[2] = Point(200, 260)
        let five = try Alignment.fivePointsFromMesh(mesh)
        let want = [(247.4475, 201.7687), (221.2772, 202.7942), (152.5295, 200.8413), (178.7292, 201.7578), (199.7048, 262.0402)]
        for (got, (x, y)) in zip(five, want) {
            XCTAssertEqual(got.x, x, accuracy: 1e-4); XCTAssertEqual(got.y, y, accuracy: 1e-4)
        }
    }
}

final class GalleryTests: XCTestCase {
    func testNearestWithinThresholdElseUnknown() throws {
        let ada = Person(id: "a", displayName: "Ada", preferredCategories: ["tea"])
        let gallery = try Gallery(dim: 2, maxDistance: 0.6, people: [ada], templates: [[0, 0], [1, 0]], owners: [0, 0])
        XCTAssertEqual(gallery.match([0.9, 0.1]), .person(ada, distance: Float((0.01 + 0.01 as Double).squareRoot())))
        if case .person = gallery.match([3, 3]) { XCTFail("a stranger must be unknown") }
    }

    func testBundleEntryNamesAreChecked() {
        XCTAssertTrue(BundleImporter.allowed("images/ab12.jpg"))
        XCTAssertFalse(BundleImporter.allowed("images/../x"))
        XCTAssertFalse(BundleImporter.allowed("/etc/passwd"))
        XCTAssertFalse(BundleImporter.allowed("images/a/b.jpg"))
    }

    func testMismatchedEmbeddingModelIsRefusedBeforeThePassphrase() throws {
        // a stored ZIP with a manifest naming another model: refused by `inspect`
        let manifest = #"{"format":"iface-bundle","format_version":1,"created_at":"2026-11-28T00:00:00Z","embedding":{"model_key":"face_embedder","onnx_sha256":"other","dim":128},"counts":{"people":0,"templates":0},"files":{}}"#
        let zip = TestZip.stored(["manifest.json": Data(manifest.utf8), "gallery.enc": Data(count: 64)])
        let importer = BundleImporter(appEmbeddingSha256: "c9633c65445375dba6142fa1ba1947a514a982a56163e0a5118be662bc9283e3")
        XCTAssertThrowsError(try importer.inspect(zip)) { error in
            XCTAssertEqual(error as? IFaceError, .embeddingModelMismatch(bundle: "other", app: importer.appEmbeddingSha256))
        }
    }
}

/// Writes a minimal stored (uncompressed) ZIP for tests; CRCs are zero (the reader ignores them).
enum TestZip {
    static func stored(_ files: [String: Data]) -> Data {
        var out = Data(), central = Data()
        func le(_ v: Int, _ n: Int) -> Data { Data((0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) }) }
        for (name, body) in files.sorted(by: { $0.key < $1.key }) {
            let offset = out.count, n = Data(name.utf8)
            out += le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            out += le(body.count, 4) + le(body.count, 4) + le(n.count, 2) + le(0, 2) + n + body
            central += le(0x0201_4b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            central += le(body.count, 4) + le(body.count, 4) + le(n.count, 2) + le(0, 2) + le(0, 2)
            central += le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + n
        }
        let dirOffset = out.count
        out += central
        out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(files.count, 2) + le(files.count, 2)
        out += le(central.count, 4) + le(dirOffset, 4) + le(0, 2)
        return out
    }
}
