import Foundation
@testable import IFaceCore

/// The synthetic head of ios_companion/vectors_logic.py (`synthetic_mesh`), step for step: an
/// ellipsoid of 468 points with the eye points placed explicitly, rotated (yaw about y, pitch
/// about x, roll about z), scaled, sheared, translated, with splitmix64 noise. Keep in step.
enum SyntheticMesh {
    static let goldenAngle = 2.399963229728653
    static let eyes: [Int: (Double, Double)] = [
        33: (-45, -20), 133: (-15, -20), 160: (-35, -26), 158: (-25, -26), 153: (-25, -14), 144: (-35, -14),
        362: (15, -20), 263: (45, -20), 385: (25, -26), 387: (35, -26), 373: (35, -14), 380: (25, -14),
    ]
    static let upperLids: Set<Int> = [160, 158, 385, 387]
    static let lowerLids: Set<Int> = [153, 144, 373, 380]

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

    static func basePoint(_ i: Int, closure: Double) -> (Double, Double, Double) {
        if let eye = eyes[i] {
            let (x, y) = eye
            let shift = upperLids.contains(i) ? 6 * closure : lowerLids.contains(i) ? -6 * closure : 0
            return (x, y + shift, 30)
        }
        let z = 1 - 2 * (Double(i) + 0.5) / 468
        let radius = max(0, 1 - z * z).squareRoot()
        let theta = Double(i) * goldenAngle
        return (radius * cos(theta) * 60, radius * sin(theta) * 80, z * 40)
    }

    /// `frame`: yaw, pitch, roll (degrees), scale, shear, tx, ty, closure.
    static func mesh(_ p: [String: Double], frame: Int, noise: Double, seed: Int) -> [Point] {
        let rad = Double.pi / 180
        let (cy, sy) = (cos(p["yaw"]! * rad), sin(p["yaw"]! * rad))
        let (cp, sp) = (cos(p["pitch"]! * rad), sin(p["pitch"]! * rad))
        let (cr, sr) = (cos(p["roll"]! * rad), sin(p["roll"]! * rad))
        return (0..<468).map { i in
            var (x, y, z) = basePoint(i, closure: p["closure"]!)
            (x, z) = (cy * x + sy * z, -sy * x + cy * z)
            (y, z) = (cp * y - sp * z, sp * y + cp * z)
            (x, y) = (cr * x - sr * y, sr * x + cr * y)
            (x, y) = (p["scale"]! * x, p["scale"]! * y)
            x += p["shear"]! * y
            return Point(x + p["tx"]! + noise * unitNoise(seed: seed, frame: frame, index: 2 * i),
                         y + p["ty"]! + noise * unitNoise(seed: seed, frame: frame, index: 2 * i + 1))
        }
    }
}
