import Foundation
import XCTest
@testable import IFaceCore

/// The iPad's own optical flow (TextureFollower, LucasKanade) on a synthetic textured picture
/// moved by a known shift. This checks the Swift code against itself, not against the PC's
/// OpenCV flow (see README: its numbers may differ and need checking on a device).
final class TextureFlowTests: XCTestCase {
    func picture(shiftX: Double, shiftY: Double) -> GreyImage {
        let w = 640, h = 480
        var px = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let u = Double(x) - shiftX, v = Double(y) - shiftY
                let value = 128 + 60 * sin(u / 3.1) * cos(v / 4.7) + 40 * sin((u + v) / 5.3)
                px[y * w + x] = Float(value.rounded())
            }
        }
        return GreyImage(width: w, height: h, pixels: px)
    }

    func testPointsFollowAShiftedPicture() throws {
        let mesh = SyntheticMesh.mesh(SyntheticMesh.params([:]), frame: 0, noise: 0, seed: 7)
        var follower = TextureFollower()
        XCTAssertNil(follower.update(picture(shiftX: 0, shiftY: 0), mesh: nil))   // nothing before a mesh
        let seeded = try XCTUnwrap(follower.update(picture(shiftX: 0, shiftY: 0), mesh: mesh))
        XCTAssertEqual(seeded.seed, 1)
        XCTAssertEqual(seeded.ok.filter { $0 }.count, TextureFollower.followed.count)
        let moved = try XCTUnwrap(follower.update(picture(shiftX: 2.5, shiftY: 1.0), mesh: nil))
        XCTAssertEqual(moved.seed, 1)                         // followed, not reseeded
        var dx: [Double] = [], dy: [Double] = []
        for i in 0..<468 where moved.ok[i] {
            dx.append(moved.xy[i].x - seeded.xy[i].x)
            dy.append(moved.xy[i].y - seeded.xy[i].y)
        }
        XCTAssertGreaterThan(Double(dx.count), 0.6 * Double(TextureFollower.followed.count))
        XCTAssertEqual(FaceMotion.median(dx), 2.5, accuracy: 0.2)
        XCTAssertEqual(FaceMotion.median(dy), 1.0, accuracy: 0.2)
    }

    func testTheFollowerReseedsWhenThePointsLeaveTheMesh() throws {
        let still = SyntheticMesh.params([:])
        var follower = TextureFollower()
        _ = follower.update(picture(shiftX: 0, shiftY: 0), mesh: SyntheticMesh.mesh(still, frame: 0, noise: 0, seed: 7))
        let away = SyntheticMesh.params(["tx": 420])      // the mesh says the face is 100 px away
        let points = try XCTUnwrap(follower.update(picture(shiftX: 0, shiftY: 0),
                                                   mesh: SyntheticMesh.mesh(away, frame: 1, noise: 0, seed: 7)))
        XCTAssertEqual(points.seed, 2)
    }
}
