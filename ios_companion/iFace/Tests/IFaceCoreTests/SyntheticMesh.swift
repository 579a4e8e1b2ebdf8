import Foundation
@testable import IFaceCore

/// The synthetic head of ios_companion/vectors_logic.py (`base_point`, `_project`,
/// `synthetic_mesh`, `synthetic_texture`), step for step: eye contours on ellipses, the nose tip
/// 35 in front of the cheeks, the lips on an ellipse that opens with `mouth`, the rest on a
/// sunflower spiral over the front of an ellipsoid; posed (yaw about y, pitch about x, roll about
/// z), scaled, sheared, translated, with splitmix64 noise. The mesh has its nose drawn
/// (nose_x, nose_y) off and goes through Float as the PC's FaceMesh does; the texture points have
/// their nose slipped (slip_x, slip_y). Keep in step with the Python.
enum SyntheticMesh {
    static let goldenAngle = 2.399963229728653
    static let textureIndex = 1000
    static let frameFields = ["yaw", "pitch", "roll", "scale", "shear", "tx", "ty", "closure", "mouth",
                              "nose_x", "nose_y", "slip_x", "slip_y", "texture_seed", "lost_corner"]

    /// A still head at (320, 240), scale 2, texture seed 1, with `overrides`.
    static func params(_ overrides: [String: Double]) -> [String: Double] {
        var p: [String: Double] = [:]
        for key in frameFields { p[key] = 0 }
        p["scale"] = 2; p["tx"] = 320; p["ty"] = 240; p["texture_seed"] = 1
        for (key, value) in overrides { p[key] = value }
        return p
    }

    static func splitmix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func unitNoise(seed: Int, frame: Int, index: Int) -> Double {
        let x = UInt64(seed) &* 1_000_003 &+ UInt64(frame) &* 4096 &+ UInt64(index)
        return Double(splitmix64(x) >> 11) * 0x1p-53 * 2 - 1
    }

    static func basePoint(_ i: Int, closure: Double, mouth: Double) -> (Double, Double, Double) {
        if let k = FaceMotion.rightEye.firstIndex(of: i) { return eyePoint(-30, k, closure) }
        if let k = FaceMotion.leftEye.firstIndex(of: i) { return eyePoint(30, k, closure) }
        if let k = FaceMotion.noseTip.firstIndex(of: i) {
            let a = 2.0 * Double.pi * Double(k) / 7.0
            return (4.0 * cos(a), 10.0 + 4.0 * sin(a), 75.0)
        }
        if let k = FaceMotion.lips.firstIndex(of: i) {
            let a = 2.0 * Double.pi * Double(k) / 40.0
            return (16.0 * cos(a), 35.0 + 6.0 * sin(a) * (1.0 + 2.0 * mouth), 30.0)
        }
        let rr = ((Double(i) + 0.5) / 468.0).squareRoot()
        let theta = Double(i) * goldenAngle
        let z = 40.0 * max(0.0, 1.0 - rr * rr).squareRoot()
        return (rr * cos(theta) * 60.0, rr * sin(theta) * 80.0, z)
    }

    static func eyePoint(_ cx: Double, _ k: Int, _ closure: Double) -> (Double, Double, Double) {
        let a = Double.pi * Double(k) / 8.0
        return (cx - 15.0 * cos(a), -20.0 + 6.0 * sin(a) * (1.0 - closure), 30.0)
    }

    /// The posed head, nose tip moved by `shift` (face units), x and y noised (amplitude `noise`,
    /// noise indices index + 2i and index + 2i + 1); z rotated and scaled, no noise.
    static func project(_ p: [String: Double], shift: (Double, Double), noise: Double, seed: Int, frame: Int,
                        index: Int) -> [Point3] {
        let rad = Double.pi / 180
        let (cy, sy) = (cos(p["yaw"]! * rad), sin(p["yaw"]! * rad))
        let (cp, sp) = (cos(p["pitch"]! * rad), sin(p["pitch"]! * rad))
        let (cr, sr) = (cos(p["roll"]! * rad), sin(p["roll"]! * rad))
        let scale = p["scale"]!, shear = p["shear"]!, tx = p["tx"]!, ty = p["ty"]!
        var out: [Point3] = []
        for i in 0..<468 {
            var (x, y, z) = basePoint(i, closure: p["closure"]!, mouth: p["mouth"]!)
            if FaceMotion.noseTip.contains(i) { x = x + shift.0; y = y + shift.1 }
            (x, z) = (cy * x + sy * z, -sy * x + cy * z)
            (y, z) = (cp * y - sp * z, sp * y + cp * z)
            (x, y) = (cr * x - sr * y, sr * x + cr * y)
            (x, y, z) = (scale * x, scale * y, scale * z)
            x += shear * y
            let nx = noise * unitNoise(seed: seed, frame: frame, index: index + 2 * i)
            let ny = noise * unitNoise(seed: seed, frame: frame, index: index + 2 * i + 1)
            out.append(Point3(x + tx + nx, y + ty + ny, z))
        }
        return out
    }

    /// The mesh as the PC's tracker sees it (FaceMesh stores float32).
    static func mesh(_ p: [String: Double], frame: Int, noise: Double, seed: Int) -> [Point3] {
        project(p, shift: (p["nose_x"]!, p["nose_y"]!), noise: noise, seed: seed, frame: frame, index: 0)
            .map { Point3(Double(Float($0.x)), Double(Float($0.y)), Double(Float($0.z))) }
    }

    /// The texture points (nil when texture_seed is 0), followed where the PC's TextureTracker
    /// follows: every other landmark, the nose tip and the eye corners, but not the right eye's
    /// outer corner (33) when lost_corner is 1.
    static func texture(_ p: [String: Double], frame: Int, noise: Double, seed: Int) -> TexturePoints? {
        let textureSeed = Int(p["texture_seed"]!)
        if textureSeed == 0 { return nil }
        let points = project(p, shift: (p["slip_x"]!, p["slip_y"]!), noise: noise, seed: seed, frame: frame,
                             index: textureIndex)
        let corners: Set<Int> = [33, 133, 362, 263]
        let lostCorner = (p["lost_corner"] ?? 0) == 1
        let ok = (0..<468).map { i in
            (i % 2 == 0 || FaceMotion.noseTip.contains(i) || corners.contains(i)) && !(lostCorner && i == 33)
        }
        return TexturePoints(seed: textureSeed, xy: points.map { Point($0.x, $0.y) }, ok: ok)
    }
}
