import Crypto
import Foundation
import XCTest
@testable import IFaceCore

/// The Swift ports replay what the kiosk's Python code computed (vectors/*.json).
final class AlignmentVectorTests: XCTestCase {
    func pattern(_ w: Int, _ h: Int) -> RGBImage {
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let o = (y * w + x) * 3, (tx, ty) = (x % 640, y % 480)
                px[o] = UInt8((tx * 7 + ty * 3) % 256)
                px[o + 1] = UInt8((tx * 2 + ty * 5 + 50) % 256)
                px[o + 2] = UInt8((tx * 3 + ty * 11 + 100) % 256)
            }
        }
        return RGBImage(width: w, height: h, pixels: px)
    }

    func testChipsAreDlibsToTheByte() throws {
        for chip in try Vectors.json("alignment.json").objects("chips") {
            let size = doubles(chip["pattern"]).map { Int($0) }
            let points = (chip["points"] as? [[NSNumber]] ?? []).map { Point($0[0].doubleValue, $0[1].doubleValue) }
            let out = try Alignment.dlibChip(pattern(size[0], size[1]), points: points)
            XCTAssertEqual(hex(SHA256.hash(data: Data(out.pixels))), chip.string("sha256"), "\(size)")
            XCTAssertEqual(out.pixels.reduce(0) { $0 + Int($1) }, chip.int("sum"))
            XCTAssertEqual(Array(out.pixels[0..<3]).map(Double.init), doubles(chip["first"]))
        }
    }

    func testFivePointsFromTheMesh() throws {
        let vector = try Vectors.json("alignment.json")
        var mesh = [Point](repeating: Point(0, 0), count: 468)
        for (key, value) in vector["mesh_points"] as? [String: [NSNumber]] ?? [:] {
            mesh[Int(key)!] = Point(value[0].doubleValue, value[1].doubleValue)
        }
        let five = try Alignment.fivePointsFromMesh(mesh)
        for (got, want) in zip(five, vector["five_points"] as? [[NSNumber]] ?? []) {
            XCTAssertEqual(got.x, want[0].doubleValue, accuracy: 1e-6)
            XCTAssertEqual(got.y, want[1].doubleValue, accuracy: 1e-6)
        }
    }
}

final class CropVectorTests: XCTestCase {
    func testCropsAndMappingsMatchThePC() throws {
        for c in try Vectors.json("crops.json").objects("cases") {
            let box = doubles(c["box"]), frame = doubles(c["frame"]), input = doubles(c["input"])
            let g = CropGeometry(box: Box(box[0], box[1], box[2], box[3]), margin: c.double("margin"),
                                 square: c["square"] as? Bool ?? false, frameWidth: Int(frame[0]),
                                 frameHeight: Int(frame[1]), inputWidth: Int(input[0]), inputHeight: Int(input[1]))
            let region = doubles(c["region"])
            for (got, want) in zip([g.region.x1, g.region.y1, g.region.x2, g.region.y2], region) {
                XCTAssertEqual(got, want, accuracy: 1e-7)
            }
            XCTAssertEqual([g.canvas.x1, g.canvas.y1, g.canvas.x2, g.canvas.y2].map(Double.init), doubles(c["canvas"]))
            XCTAssertEqual([g.inside.x1, g.inside.y1, g.inside.x2, g.inside.y2].map(Double.init), doubles(c["inside"]))
            for probe in c["map"] as? [[NSNumber]] ?? [] {
                let p = g.mapBack(probe[0].doubleValue, probe[1].doubleValue)
                XCTAssertEqual(p.x, probe[2].doubleValue, accuracy: 1e-7)
                XCTAssertEqual(p.y, probe[3].doubleValue, accuracy: 1e-7)
            }
        }
    }
}

final class TrackingVectorTests: XCTestCase {
    func testTracksMatchThePC() throws {
        let vector = try Vectors.json("tracking.json")
        var tracker = FaceTracker(settings: try decoded(TrackerSettings.self, vector["settings"]!))
        for step in vector.objects("steps") {
            let boxes = (step["boxes"] as? [[NSNumber]] ?? []).map { Box($0[0].doubleValue, $0[1].doubleValue, $0[2].doubleValue, $0[3].doubleValue) }
            let got = tracker.update(boxes, nowMs: step.double("t_ms"))
            let want = step["tracks"] as? [[Any]] ?? []
            XCTAssertEqual(got.map(\.trackId), want.map { ($0[0] as? NSNumber)?.intValue ?? -1 }, "t=\(step.double("t_ms"))")
            XCTAssertEqual(got.map(\.isNew), want.map { $0[1] as? Bool ?? false })
            XCTAssertEqual(got.map(\.jumped), want.map { $0[2] as? Bool ?? false })
        }
    }
}

final class VoteVectorTests: XCTestCase {
    func testTheVoteMatchesThePC() throws {
        let vector = try Vectors.json("vote.json")
        let settings = try decoded(VoteSettings.self, vector["settings"]!)
        var ids: [String] = [], rows: [[Float]] = [], owners: [Int] = []
        for row in vector.objects("gallery") {
            let id = row.string("person")
            if !ids.contains(id) { ids.append(id) }
            rows.append(doubles(row["template"]).map(Float.init))
            owners.append(ids.firstIndex(of: id)!)
        }
        let gallery = try Gallery(dim: 4, maxDistance: settings.maxDistance,
                                  people: ids.map { Person(id: $0, displayName: $0, preferredCategories: []) },
                                  templates: rows, owners: owners)
        var vote = TrackVote(settings: settings)
        for (index, step) in vector.objects("steps").enumerated() {
            let descriptor = doubles(step["descriptor"]).map(Float.init)
            let split = vote.isDifferentPerson(descriptor)
            XCTAssertEqual(split, step["split"] as? Bool, "step \(index)")
            if split { vote = TrackVote(settings: settings) }
            vote.add(descriptor, nearest: gallery.nearest(descriptor), weight: step.double("weight"))
            let identity = vote.decide()
            XCTAssertEqual(identity.personId, step["person"] as? String, "step \(index)")
            XCTAssertEqual(identity.votes, step.int("votes"))
            if let distance = step["distance"] as? NSNumber {
                XCTAssertEqual(identity.distance ?? .nan, distance.doubleValue, accuracy: 1e-5)
            } else {
                XCTAssertNil(identity.distance)
            }
        }
    }
}

final class ValenceVectorTests: XCTestCase {
    func testSmoothingAndValenceMatchThePC() throws {
        let vector = try Vectors.json("valence.json")
        let labels = vector["labels"] as? [String] ?? []
        let rule = ValenceRule(weights: (vector["weights"] as? [String: NSNumber] ?? [:]).mapValues(\.doubleValue),
                               threshold: vector.double("threshold"))
        var smoother = EmotionSmoother(halfLifeMs: vector.double("half_life_ms"))
        for step in vector.objects("steps") {
            let smoothed = smoother.update(labels: labels, probs: doubles(step["probs"]), nowMs: step.double("t_ms"))
            for (got, want) in zip(smoothed, doubles(step["smoothed"])) { XCTAssertEqual(got, want, accuracy: 1e-8) }
            XCTAssertEqual(rule.score(labels: labels, probs: smoothed), step.double("score"), accuracy: 1e-8)
            XCTAssertEqual(rule.classify(labels: labels, probs: smoothed).rawValue, step.string("valence"))
        }
    }
}

final class LivenessVectorTests: XCTestCase {
    /// Both sides build each frame's mesh and texture points from the row's parameters
    /// (SyntheticMesh, vectors_logic.py) and must reach the same verdict.
    func testVerdictsMatchThePCFrameByFrame() throws {
        let vector = try Vectors.json("liveness.json")
        let settings = try decoded(LivenessSettings.self, vector["settings"]!)
        XCTAssertEqual(settings, LivenessSettings())          // the Swift defaults are the PC's
        let fields = vector["step_fields"] as? [String] ?? []
        let column = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, $0) })
        XCTAssertEqual(vector.objects("sequences").count, 12)
        for sequence in vector.objects("sequences") {
            var tracker = LivenessTracker(settings: settings)
            let noise = sequence.double("noise"), textureNoise = sequence.double("texture_noise")
            let seed = sequence.int("seed")
            for (frame, row) in (sequence["steps"] as? [[Any]] ?? []).enumerated() {
                // null (a broken clock's t_ms, a broken mesh's tx) reads as NaN
                func number(_ name: String) -> Double { (row[column[name]!] as? NSNumber)?.doubleValue ?? .nan }
                func text(_ name: String) -> String? { row[column[name]!] as? String }
                let params = Dictionary(uniqueKeysWithValues: SyntheticMesh.frameFields.map { ($0, number($0)) })
                let mesh = SyntheticMesh.mesh(params, frame: frame, noise: noise, seed: seed)
                let texture = SyntheticMesh.texture(params, frame: frame, noise: textureNoise, seed: seed)
                let got = tracker.update(number("t_ms"), mesh: mesh, texture: texture)
                let at = "\(sequence.string("name")) frame \(frame)"
                XCTAssertEqual(got.state.rawValue, text("state"), at)
                XCTAssertEqual(got.reason, text("reason"), at)
                XCTAssertEqual(got.cues.map(\.rawValue).joined(separator: "+"), text("cues"), at)
                XCTAssertEqual(got.blinks, Int(number("blinks")), at)
                XCTAssertEqual(got.framesSeen, Int(number("frames_seen")), at)
                XCTAssertEqual(got.maxParallax, number("max_parallax"), accuracy: 1e-5, at)
                XCTAssertEqual(got.maxTexture, number("max_texture"), accuracy: 1e-5, at)
                XCTAssertEqual(got.maxDeformation, number("max_deformation"), accuracy: 1e-5, at)
            }
        }
    }

    func testTheRuleNeedsTextureAndMeshToAgree() {
        XCTAssertTrue(livenessPasses([.parallax]))
        XCTAssertTrue(livenessPasses([.texture, .deformation]))
        XCTAssertFalse(livenessPasses([.texture]))
        XCTAssertFalse(livenessPasses([.deformation, .blink]))
        XCTAssertFalse(livenessPasses([.texture, .blink]))
        XCTAssertFalse(livenessPasses(Set(Cue.allCases).subtracting([.parallax, .deformation])))
    }

    func testLeastSquaresFitsExactlyAndSurvivesAMissingColumn() {
        // y = 2 + 3x exactly, and a column of zeros (a mesh without depth): residuals are zero.
        let rows = (0..<10).map { i -> [Double] in [1, Double(i), 0] }
        let target = (0..<10).map { i in Point(2 + 3 * Double(i), -1 + 0.5 * Double(i)) }
        let coef = LeastSquares.solve(rows, target)
        XCTAssertEqual(coef.count, 3)
        for (row, want) in zip(rows, target) {
            let got = LeastSquares.predict(row, coef)
            XCTAssertEqual(got.x, want.x, accuracy: 1e-9)
            XCTAssertEqual(got.y, want.y, accuracy: 1e-9)
        }
        XCTAssertEqual(coef[2].x, 0)
    }
}

final class RulesTests: XCTestCase {
    /// A key the PC adds to its rules must be added here too (it would otherwise be ignored).
    func testTheRuleKeysAreExactlyTheOnesThisPortReads() throws {
        let rules = try Vectors.json("rules.json")
        func keys(_ section: String) -> Set<String> { Set((rules[section] as? [String: Any] ?? [:]).keys) }
        XCTAssertEqual(Set(rules.keys), ["vote", "tracking", "schedule", "emotion", "liveness"])
        XCTAssertEqual(keys("vote"), Set(VoteSettings.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertEqual(keys("tracking"), Set(TrackerSettings.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertEqual(keys("schedule"), Set(ScheduleSettings.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertEqual(keys("emotion"), Set(EmotionSettings.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertEqual(keys("liveness"), Set(LivenessSettings.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertEqual(keys("liveness"), Set((try Vectors.json("liveness.json")["settings"] as? [String: Any] ?? [:]).keys))
    }

    func testRfc3339() {
        XCTAssertEqual(RFC3339.parse("1970-01-02T00:00:01Z")?.timeIntervalSince1970, 86_401)
        XCTAssertEqual(RFC3339.parse("2026-01-15T00:00:00Z")?.timeIntervalSince1970, 1_768_435_200)
        for bad in ["2026-01-15 00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-15T00:00:00+01:00", ""] {
            XCTAssertNil(RFC3339.parse(bad), bad)
        }
    }
}
