import Foundation
import XCTest
@testable import IFaceCore

/// The iPad's mask answer replays the PC's (vectors/mask.json, from kiosk.vision.mask_cue and
/// kiosk.core.mask): Lab against OpenCV's 8-bit tables, cues on synthetic faces, fused answers.
final class MaskVectorTests: XCTestCase {
    func testLabIsOpenCVsWithinOneStep() throws {
        for row in try Vectors.json("mask.json").list("lab") {
            let v = try XCTUnwrap(row as? [NSNumber]).map(\.intValue)
            let lab = LowerFaceCues.lab(UInt8(v[0]), UInt8(v[1]), UInt8(v[2]))
            XCTAssertLessThanOrEqual(abs(lab.l - v[3]), 1, "L of \(v[0...2])")
            XCTAssertLessThanOrEqual(abs(lab.a - v[4]), 3, "a of \(v[0...2])")
            XCTAssertLessThanOrEqual(abs(lab.b - v[5]), 1, "b of \(v[0...2])")
        }
    }

    func testCuesMatchThePC() throws {
        let faces = try Vectors.json("mask.json").objects("faces")
        XCTAssertEqual(faces.count, 6)
        for face in faces {
            let size = doubles(face["size"]).map { Int($0) }
            let bytes = try XCTUnwrap(Data(base64Encoded: face.string("rgb")))
            let image = RGBImage(width: size[0], height: size[1], pixels: [UInt8](bytes))
            var mesh = [Point](repeating: Point(0, 0), count: 468)
            for (key, value) in face["points"] as? [String: [NSNumber]] ?? [:] {
                let index = try XCTUnwrap(Int(key))
                mesh[index] = Point(value[0].doubleValue, value[1].doubleValue)
            }
            let b = doubles(face["box"])
            let cues = LowerFaceCues.cues(image, box: Box(b[0], b[1], b[2], b[3]), mesh: mesh)
            if let want = face["cues"] as? [NSNumber] {
                let got = try XCTUnwrap(cues, face.string("name"))
                XCTAssertEqual(got.colourContrast, want[0].doubleValue, accuracy: 0.5, face.string("name"))
                XCTAssertEqual(got.skinFraction, want[1].doubleValue, accuracy: 0.02, face.string("name"))
            } else {
                XCTAssertNil(cues, face.string("name"))
            }
        }
    }

    func testFusionMatchesThePC() throws {
        let vector = try Vectors.json("mask.json")
        let thresholds = (vector["thresholds"] as? [String: NSNumber] ?? [:]).mapValues(\.doubleValue)
        XCTAssertEqual(thresholds.count, 5)
        let within = try XCTUnwrap(thresholds["mirror_within"])
        let fusion = MaskFusion(thresholds)
        for c in vector.objects("fused") {
            let pair = doubles(c["cues"])
            let cues = pair.count == 2 ? MaskCues(colourContrast: pair[0], skinFraction: pair[1]) : nil
            XCTAssertEqual(fusion.withMaskLogit(classifier: c.double("p"), cues: cues), c.double("logit"), accuracy: 1e-8)
            XCTAssertEqual(fusion.withMaskProbability(classifier: c.double("p"), cues: cues), c.double("prob"), accuracy: 1e-8)
            XCTAssertEqual(fusion.isUnsure(classifier: c.double("p"), cues: cues, within: within), c["unsure"] as? Bool)
        }
    }

    func testMirroredRowsAreTheRowsReversedPixelByPixel() {
        let rgb: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]   // two rows of two RGB pixels
        XCTAssertEqual(PixelRows.mirrored(rgb, width: 2, channels: 3), [4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9])
        XCTAssertEqual(PixelRows.mirrored([1, 2, 3], width: 3, channels: 1), [3, 2, 1])
    }

    func testTheHullFillKeepsToTheFrame() {
        let square: [LowerFaceCues.Pixel] = [(x: -5, y: -5), (x: 4, y: -5), (x: 4, y: 4), (x: -5, y: 4), (x: 0, y: 0)]
        let hull = LowerFaceCues.convexHull(square)
        XCTAssertEqual(hull.count, 4)
        XCTAssertEqual(LowerFaceCues.filled(hull, width: 3, height: 3).sorted(), Array(0..<9))
        XCTAssertEqual(LowerFaceCues.filled([(x: 1, y: 1)], width: 3, height: 3), [4])
        XCTAssertEqual(LowerFaceCues.filled([(x: 9, y: 9)], width: 3, height: 3), [])
    }
}
