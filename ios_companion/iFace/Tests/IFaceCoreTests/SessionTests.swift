import Foundation
import XCTest
@testable import IFaceCore

/// Handwritten checks of the per-track book and the shopper screen (the greeting stays while the
/// track lives, needs liveness, and never passes to the next shopper), suggestions and the rest.
final class TrackBookTests: XCTestCase {
    let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

    func rules() throws -> KioskRules { try decoded(KioskRules.self, try Vectors.json("rules.json")) }

    func gallery() throws -> Gallery {
        try Gallery(dim: 2, maxDistance: 0.6,
                    people: [Person(id: String(repeating: "a", count: 32), displayName: "Ada", preferredCategories: ["tea"])],
                    templates: [[0, 0]], owners: [0])
    }

    /// A live-looking head (turning), or a still one, centred at x, with its texture points.
    func candidate(_ x: Double, frame: Int, turning: Bool) -> (FaceCandidate, TexturePoints?) {
        let yaw = turning ? 20 * sin(2 * Double.pi * Double(frame) / 45) : 0
        let p = SyntheticMesh.params(["yaw": yaw, "tx": x])
        let mesh = SyntheticMesh.mesh(p, frame: frame, noise: 0.3, seed: 7)
        let texture = SyntheticMesh.texture(p, frame: frame, noise: 0.05, seed: 7)
        return (FaceCandidate(box: Box(x - 120, 100, x + 120, 380), score: 0.9, presence: 0.99, mesh: mesh), texture)
    }

    func run(_ book: inout TrackBook, _ faces: [(FaceCandidate, TexturePoints?)], t: Double, descriptor: [Float],
             gallery: Gallery) -> [TrackSummary] {
        let candidates = faces.map { $0.0 }
        let plans = book.plan(candidates, nowMs: t)
        let readings = plans.map { plan in
            TrackReading(descriptor: plan.embed ? descriptor : nil, weight: 1,
                         emotion: plan.emotion ? [0, 0, 0, 0.9, 0, 0, 0.1] : nil, withMask: plan.mask ? 0.1 : nil,
                         texture: faces[plan.candidate].1)
        }
        return book.record(plans, readings, candidates: candidates, gallery: gallery, nowMs: t)
    }

    func testTheGreetingWaitsForLivenessStaysAndEndsWithTheTrack() throws {
        let gallery = try gallery()
        var book = TrackBook(rules: try rules(), mesh: MeshThresholds(), labels: labels,
                             valence: ValenceRule(weights: ["happy": 1, "sad": -1], threshold: 0.25))
        var screens: [ShopperScreen] = []
        for frame in 0..<90 {
            let tracks = run(&book, [candidate(320, frame: frame, turning: true)], t: Double(frame) * 33.3,
                             descriptor: [0.05, 0], gallery: gallery)
            screens.append(ShopperScreen.decide(tracks, gallery: gallery, catalog: .empty))
        }
        XCTAssertNil(screens[0].greeting)                     // recognised needs two votes and liveness
        XCTAssertTrue(screens.contains { $0.checking && $0.greeting == nil })
        let firstGreeting = try XCTUnwrap(screens.firstIndex { $0.greeting == "Ada" })
        XCTAssertTrue(screens[firstGreeting...].allSatisfy { $0.greeting == "Ada" })   // every frame, not one
        XCTAssertEqual(screens.last?.valence, .positive)
        // The shopper leaves; a stranger steps in after the track gap: no name carried over.
        let later = run(&book, [candidate(320, frame: 200, turning: true)], t: 90 * 33.3 + 1000,
                        descriptor: [3, 3], gallery: gallery)
        XCTAssertNil(ShopperScreen.decide(later, gallery: gallery, catalog: .empty).greeting)
    }

    func testAPhotoIsNeverGreeted() throws {
        let gallery = try gallery()
        var book = TrackBook(rules: try rules(), mesh: MeshThresholds(), labels: labels,
                             valence: ValenceRule(weights: [:], threshold: 0.25))
        for frame in 0..<240 {
            let tracks = run(&book, [candidate(320, frame: frame, turning: false)], t: Double(frame) * 33.3,
                             descriptor: [0.05, 0], gallery: gallery)
            XCTAssertNil(ShopperScreen.decide(tracks, gallery: gallery, catalog: .empty).greeting, "frame \(frame)")
        }
    }

    func testScheduleAndGates() throws {
        var book = TrackBook(rules: try rules(), mesh: MeshThresholds(), labels: labels,
                             valence: ValenceRule(weights: [:], threshold: 0.25))
        let face = candidate(320, frame: 0, turning: false).0
        let first = book.plan([face], nowMs: 0)
        XCTAssertEqual(first.map(\.embed), [true])             // a new track embeds at once
        XCTAssertEqual(first.map(\.emotion), [true])
        _ = book.record(first, [TrackReading(descriptor: [0, 0], emotion: Array(repeating: 1.0 / 7, count: 7), withMask: 0)],
                        candidates: [face], gallery: try gallery(), nowMs: 0)
        let next = book.plan([face], nowMs: 50)
        XCTAssertEqual(next.map(\.emotion), [false])           // ~10 Hz
        XCTAssertEqual(next.map(\.mask), [false])              // ~1 Hz
        XCTAssertEqual(book.plan([face], nowMs: 160).map(\.embed), [true])   // burst until min_votes
        let tiny = FaceCandidate(box: Box(0, 0, 20, 20), score: 0.9, presence: 0.99, mesh: face.mesh)
        XCTAssertEqual(book.plan([tiny], nowMs: 5000).map(\.embed), [false])  // below min_face_px
        let doubtful = FaceCandidate(box: face.box, score: 0.6, presence: 0.05, mesh: face.mesh)
        XCTAssertTrue(book.plan([doubtful], nowMs: 6000).isEmpty)            // the mesh says no face
    }
}

final class SuggestionTests: XCTestCase {
    func catalog() throws -> Catalog {
        let json = #"""
        {"currency": "EUR", "rules": {"cheer_up": ["books", "snacks"], "treats": ["beauty"]},
         "products": [
          {"id": "1", "name": "Green tea", "category": "tea", "price_minor": 650},
          {"id": "2", "name": "Novel", "category": "books", "price_minor": 1299},
          {"id": "3", "name": "Cookies", "category": "snacks", "price_minor": 250},
          {"id": "4", "name": "Lip balm", "category": "beauty", "price_minor": 499}]}
        """#
        return try Catalog.decode(Data(json.utf8), images: [])
    }

    func testRulesPolicyOrder() throws {
        let c = try catalog()
        XCTAssertEqual(suggest(c, preferred: [], valence: nil).map(\.id), ["1", "2", "3"])
        XCTAssertEqual(suggest(c, preferred: [], valence: .negative).map(\.id), ["2", "3", "1"])
        XCTAssertEqual(suggest(c, preferred: [], valence: .positive).map(\.id), ["4", "1", "2"])
        XCTAssertEqual(suggest(c, preferred: ["tea"], valence: .negative).map(\.id), ["1", "2", "3"])
        XCTAssertEqual(Catalog.price(650), "6.50")
    }

    func testBadCatalogsAreRefused() {
        for json in [#"{"products": [{"id": "1", "name": "x", "category": "c", "price_minor": -1}]}"#,
                     #"{"products": [{"id": "1", "name": "\u202ex", "category": "c", "price_minor": 1}]}"#,
                     #"{"products": [{"id": "1", "name": "x", "category": "c", "price_minor": 1, "image": "images/none.png"}]}"#] {
            XCTAssertThrowsError(try Catalog.decode(Data(json.utf8), images: []), json)
        }
    }
}

final class GalleryTests: XCTestCase {
    func testNearestWithinThresholdElseUnknownWithAnAccuracy() throws {
        let ada = Person(id: "a", displayName: "Ada", preferredCategories: ["tea"])
        let gallery = try Gallery(dim: 2, maxDistance: 0.6, people: [ada], templates: [[0, 0], [1, 0]], owners: [0, 0])
        let match = try XCTUnwrap(gallery.nearest([0.9, 0.1]))
        XCTAssertEqual(match.personId, "a")
        XCTAssertEqual(match.distance, (0.01 + 0.01 as Double).squareRoot(), accuracy: 1e-6)   // Float inputs
        XCTAssertNil(Gallery.empty.nearest([Float](repeating: 0, count: 128)))
        XCTAssertNil(gallery.nearest([1, 2, 3]))                                                   // wrong dim
        XCTAssertEqual(gallery.removing(["a"]).people, [])
    }

    func testBlendshapesMoveTheReadingOnlyAsDocumented() {
        let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        let neutralModel = [0, 0, 0, 0, 0, 0, 1.0]
        let smiling = BlendshapeEmotion.mix(model: neutralModel, shapes: ["mouthSmileLeft": 0.9, "mouthSmileRight": 0.9], labels: labels)
        XCTAssertGreaterThan(smiling[3], 0.3)
        XCTAssertEqual(smiling.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertEqual(BlendshapeEmotion.mix(model: neutralModel, shapes: [:], labels: labels), neutralModel)
    }
}

final class ModelsManifestTests: XCTestCase {
    /// The shape build_coreml.py writes (abridged to the face_mesh entry).
    func testModelsJsonDecodes() throws {
        let json = #"""
        {"format": 1, "embedding_model": "face_embedder", "models": [{"key": "face_mesh", "task": "landmarks",
         "file": "face_mesh.mlpackage", "version": "face_mesh_468_mp0.10.21",
         "input": {"name": "input_1", "shape": [1, 3, 192, 192], "colour": "RGB", "scale": 0.00392156862745098,
                   "bias": [0, 0, 0], "normalisation": "x", "crop_margin": 0.25, "crop_square": true},
         "outputs": [{"name": "conv2d_21", "type": "multiArrayType", "shape": []},
                     {"name": "conv2d_31", "type": "multiArrayType", "shape": []}],
         "labels": [], "thresholds": {"min_presence": 0.5, "face_presence": 0.1, "sure_score": 0.8},
         "source_onnx": {"file": "face_landmark/face_mesh_468_mp0.10.21.onnx", "sha256": "cc67"},
         "licence": "Apache-2.0", "source": "mediapipe"}]}
        """#
        let manifest = try ModelsManifest.decode(Data(json.utf8))
        let mesh = try manifest.entry("face_mesh")
        XCTAssertEqual(mesh.compiledName, "face_mesh")
        XCTAssertEqual(mesh.outputs.map(\.name), ["conv2d_21", "conv2d_31"])
        XCTAssertEqual(MeshThresholds(mesh.thresholds), MeshThresholds())
        XCTAssertEqual(mesh.input.width, 192)
        XCTAssertThrowsError(try manifest.entry("mask"))
    }
}
