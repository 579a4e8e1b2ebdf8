import Foundation

public struct Point3: Sendable, Equatable {
    public var x, y, z: Double
    public init(_ x: Double, _ y: Double, _ z: Double) { self.x = x; self.y = y; self.z = z }
}

/// kiosk/core/quality.py: head pose from the mesh, sharpness of the grey face, the vote weight.
public enum FaceQuality {
    /// (yaw, pitch, roll) in degrees from the 3-D mesh (468 points).
    public static func headPose(_ p: [Point3]) -> (yaw: Double, pitch: Double, roll: Double) {
        guard p.count == 468 else { return (0, 0, 0) }
        func mean(_ a: Point3, _ b: Point3) -> Point3 { Point3((a.x + b.x) / 2, (a.y + b.y) / 2, (a.z + b.z) / 2) }
        let right = mean(p[33], p[133]), left = mean(p[362], p[263])
        let across = Point3(left.x - right.x, left.y - right.y, left.z - right.z)
        let down = Point3(p[152].x - p[10].x, p[152].y - p[10].y, p[152].z - p[10].z)
        let degrees = 180 / Double.pi
        return (atan2(across.z, hypot(across.x, across.y)) * degrees,
                atan2(-down.z, hypot(down.x, down.y)) * degrees,
                atan2(across.y, across.x) * degrees)
    }

    /// Variance of the 4-neighbour Laplacian of a grey image (row-major, `width` wide).
    public static func sharpness(_ grey: [UInt8], width: Int) -> Double {
        guard width >= 3, grey.count % width == 0, grey.count / width >= 3 else { return 0 }
        let height = grey.count / width
        var values: [Double] = []
        values.reserveCapacity((width - 2) * (height - 2))
        for y in 1..<(height - 1) {
            for x in 1..<(width - 1) {
                let c = Double(grey[y * width + x])
                let sum = Double(grey[y * width + x - 1]) + Double(grey[y * width + x + 1])
                    + Double(grey[(y - 1) * width + x]) + Double(grey[(y + 1) * width + x])
                values.append(sum - 4 * c)
            }
        }
        let mean = values.reduce(0, +) / Double(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    }

    /// A vote weight in (0, 1]: small, blurred or turned faces count for less.
    public static func recognitionWeight(sizePx: Double, yawDegrees: Double, sharpness: Double,
                                         minSizePx: Double = 40) -> Double {
        let size = min(1, sizePx / (2 * minSizePx))
        let frontal = max(0.05, cos(min(abs(yawDegrees), 80) * Double.pi / 180))
        let sharp = min(1, 0.25 + sharpness / 200)
        return max(1e-3, size * frontal * sharp)
    }
}
