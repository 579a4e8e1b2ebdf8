import Foundation

/// A (smoothed) mesh prepared for comparisons (kiosk/core/face_motion.py MeshPose).
public struct MeshPose: Sendable {
    public let xy: [Point]          // 468 landmarks, frame pixels
    public let z: [Double]          // relative depth, same scale as xy
    public let iodPx: Double        // distance between the eye centres
    public let rollDeg: Double      // angle of the line from the right to the left eye centre
}

/// Skin texture followed from frame to frame by optical flow, seeded at the mesh landmarks
/// (kiosk/core/face_motion.py TexturePoints). Points are comparable only within one `seed`.
public struct TexturePoints: Sendable, Equatable {
    public let seed: Int
    public let xy: [Point]          // 468 pixel positions, row i seeded at mesh landmark i
    public let ok: [Bool]           // followed reliably in every frame since the seed
    public init(seed: Int, xy: [Point], ok: [Bool]) { self.seed = seed; self.xy = xy; self.ok = ok }
}

/// An earlier moment prepared for comparisons (face_motion.py Baseline).
struct Baseline: Sendable {
    let centre: Point
    let scale: Double
    let frame: [Bool]               // outside eyes, nose and mouth: where the smooth warp is fitted
    let outsideEyes: [Bool]
    let meshCubic: [[Double]]       // 468 rows of 10 cubic monomials of the normalised mesh
    let rigid: [[Double]]           // 468 rows: 6 quadratic monomials and the depth
    let texture: TexturePoints?
    let textureCubic: [[Double]]?
}

/// The nose tip's shift across the face (face_motion.py NoseShift), in IOD of the earlier mesh.
struct NoseShift: Sendable {
    let texture: Point
    let mesh: Point

    /// Cosine of the angle between the two shifts (0 when either is zero).
    func agreement() -> Double {
        let norms = FaceMotion.length(texture) * FaceMotion.length(mesh)
        return norms > 0 ? (texture.x * mesh.x + texture.y * mesh.y) / norms : 0
    }
}

/// A port of kiosk/core/face_motion.py: how a face moved between two moments, split into what a
/// photo can and cannot do (nose shift against a smooth cubic warp, on the texture and on the
/// mesh; deformation outside the eyes beyond a rigid 3-D turn; roll and size). Read the Python
/// docstrings for the reasoning; keep this file in step with it line by line.
public enum FaceMotion {
    static let rightEye = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
    static let leftEye = [362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398]
    static let noseTip = [1, 2, 4, 5, 19, 94, 195]
    static let lips = [
        0, 13, 14, 17, 37, 39, 40, 61, 78, 80, 81, 82, 84, 87, 88, 91, 95, 146, 178, 181, 185, 191,
        267, 269, 270, 291, 308, 310, 311, 312, 314, 317, 318, 321, 324, 375, 402, 405, 409, 415,
    ]
    static let eyeRadius = 0.375, noseRadius = 0.45, mouthRadius = 0.6
    static let minFramePoints = 30, minTipPoints = 4
    static let outlierFactor = 3.0

    static func length(_ p: Point) -> Double { (p.x * p.x + p.y * p.y).squareRoot() }

    /// numpy's degrees: radians * (180 / pi).
    static func degrees(_ radians: Double) -> Double { radians * (180 / Double.pi) }

    static func mean(_ points: [Point], _ indices: [Int]) -> Point {
        var x = 0.0, y = 0.0
        for i in indices { x += points[i].x; y += points[i].y }
        return Point(x / Double(indices.count), y / Double(indices.count))
    }

    /// Prepare a 468-point mesh: split xy and z, measure IOD and roll.
    public static func meshPose(_ points: [Point3]) -> MeshPose {
        let xy = points.map { Point($0.x, $0.y) }
        let right = mean(xy, rightEye), left = mean(xy, leftEye)
        let dx = left.x - right.x, dy = left.y - right.y
        return MeshPose(xy: xy, z: points.map { $0.z }, iodPx: hypot(dx, dy), rollDeg: degrees(atan2(dy, dx)))
    }

    /// The landmark-wise mean of several meshes of one face.
    static func meanPose(_ poses: [MeshPose]) -> MeshPose {
        let n = poses[0].xy.count, count = Double(poses.count)
        var points = [Point3](repeating: Point3(0, 0, 0), count: n)
        for i in 0..<n {
            var x = 0.0, y = 0.0, z = 0.0
            for p in poses { x += p.xy[i].x; y += p.xy[i].y; z += p.z[i] }
            points[i] = Point3(x / count, y / count, z / count)
        }
        return meshPose(points)
    }

    /// (right, left) eye aspect ratio: lid gaps over eye width.
    public static func eyeAspectRatios(_ p: [Point]) -> (Double, Double) {
        func distance(_ a: Point, _ b: Point) -> Double { length(Point(a.x - b.x, a.y - b.y)) }
        func ratio(_ idx: [Int]) -> Double {
            let width = distance(p[idx[0]], p[idx[3]])
            let gaps = distance(p[idx[1]], p[idx[5]]) + distance(p[idx[2]], p[idx[4]])
            return width > 0 ? gaps / (2 * width) : 0
        }
        return (ratio([33, 160, 158, 133, 153, 144]), ratio([362, 385, 387, 263, 373, 380]))
    }

    static func normalised(_ points: [Point], _ centre: Point, _ scale: Double) -> [Point] {
        points.map { Point(($0.x - centre.x) / scale, ($0.y - centre.y) / scale) }
    }

    /// Prepare a moment (its mesh and texture points) to be compared with later ones.
    static func baseline(_ pose: MeshPose, _ texture: TexturePoints?) -> Baseline {
        let scale = max(pose.iodPx, 1e-9)
        let centre = mean(pose.xy, Array(0..<pose.xy.count))
        let src = normalised(pose.xy, centre, scale)
        let (eyes, nose, mouth) = regions(src)
        var zSum = 0.0
        for v in pose.z { zSum += v }
        let zMean = zSum / Double(pose.z.count)
        let quadratic = polynomial(src, degree: 2)
        var rigid: [[Double]] = []
        for i in 0..<src.count { rigid.append(quadratic[i] + [(pose.z[i] - zMean) / scale]) }
        var textureCubic: [[Double]]? = nil
        if let texture { textureCubic = polynomial(normalised(texture.xy, centre, scale), degree: 3) }
        var frame = [Bool](repeating: false, count: src.count)
        var outsideEyes = [Bool](repeating: false, count: src.count)
        for i in 0..<src.count {
            frame[i] = !(eyes[i] || nose[i] || mouth[i])
            outsideEyes[i] = !eyes[i]
        }
        return Baseline(centre: centre, scale: scale, frame: frame, outsideEyes: outsideEyes,
                        meshCubic: polynomial(src, degree: 3), rigid: rigid, texture: texture,
                        textureCubic: textureCubic)
    }

    /// RMS distance (IOD) of the mesh points outside the eyes from where a smooth 2-D warp of
    /// `before` plus the parallax of its own depth (a rigid 3-D turn) put them in `after`.
    static func deformation(_ before: Baseline, _ after: MeshPose) -> Double {
        let all = normalised(after.xy, before.centre, before.scale)
        var dst: [Point] = [], rigid: [[Double]] = []
        for i in 0..<all.count where before.outsideEyes[i] { dst.append(all[i]); rigid.append(before.rigid[i]) }
        guard !dst.isEmpty else { return 0 }
        let coef = LeastSquares.solve(rigid, dst)
        var sum = 0.0
        for i in 0..<dst.count {
            let fit = LeastSquares.predict(rigid[i], coef)
            let ex = dst[i].x - fit.x, ey = dst[i].y - fit.y
            sum += ex * ex + ey * ey
        }
        return (sum / Double(dst.count)).squareRoot()
    }

    /// The nose tip's shift against a smooth cubic warp of the rest of the face, on the texture
    /// and on the mesh; nil without texture points of the same seed in `before`, or when too
    /// few were followed to tell.
    static func noseShift(_ before: Baseline, _ after: MeshPose, _ texture: TexturePoints) -> NoseShift? {
        guard let old = before.texture, let oldCubic = before.textureCubic, old.seed == texture.seed else { return nil }
        var both = [Bool](repeating: false, count: old.ok.count)
        for i in 0..<both.count { both[i] = old.ok[i] && texture.ok[i] }
        let moved = shift(oldCubic, normalised(texture.xy, before.centre, before.scale), before.frame, both)
        let all = [Bool](repeating: true, count: after.xy.count)
        let drawn = shift(before.meshCubic, normalised(after.xy, before.centre, before.scale), before.frame, all)
        guard let moved, let drawn else { return nil }
        return NoseShift(texture: moved, mesh: drawn)
    }

    /// (roll in degrees, inter-ocular distance in pixels) of the texture points' eye corners
    /// (a corner the flow lost keeps the position it was lost at, as on the PC).
    public static func texturePose(_ points: TexturePoints) -> (rollDeg: Double, iodPx: Double) {
        let right = mean(points.xy, [33, 133]), left = mean(points.xy, [362, 263])
        let dx = left.x - right.x, dy = left.y - right.y
        return (degrees(atan2(dy, dx)), hypot(dx, dy))
    }

    /// `a - b` wrapped to [-180, 180) as Python's float `%` wraps it (fmod, then + 360 when
    /// negative): rolls of 179 and -179 degrees are 2 apart.
    public static func rollDifference(_ aDeg: Double, _ bDeg: Double) -> Double {
        var d = (aDeg - bDeg + 180).truncatingRemainder(dividingBy: 360)
        if d < 0 { d += 360 }
        return d - 180
    }

    /// Median residual of the nose-tip points from a cubic warp fitted to the frame points;
    /// frame points far off the first fit are left out of a refit.
    static func shift(_ cubic: [[Double]], _ dst: [Point], _ frame: [Bool], _ ok: [Bool]) -> Point? {
        var fit = [Bool](repeating: false, count: dst.count)
        var fitCount = 0
        for i in 0..<dst.count where frame[i] && ok[i] { fit[i] = true; fitCount += 1 }
        let tips = noseTip.filter { ok[$0] }
        guard fitCount >= minFramePoints, tips.count >= minTipPoints else { return nil }
        var coef = solve(cubic, dst, fit)
        var error = [Double](repeating: 0, count: dst.count)
        var fitErrors: [Double] = []
        for i in 0..<dst.count {
            let p = LeastSquares.predict(cubic[i], coef)
            error[i] = length(Point(dst[i].x - p.x, dst[i].y - p.y))
            if fit[i] { fitErrors.append(error[i]) }
        }
        let limit = max(outlierFactor * median(fitErrors), 1e-9)
        var inliers = [Bool](repeating: false, count: dst.count)
        var inlierCount = 0
        for i in 0..<dst.count where fit[i] && error[i] <= limit { inliers[i] = true; inlierCount += 1 }
        if inlierCount >= minFramePoints { coef = solve(cubic, dst, inliers) }
        var xs: [Double] = [], ys: [Double] = []
        for i in tips {
            let p = LeastSquares.predict(cubic[i], coef)
            xs.append(dst[i].x - p.x)
            ys.append(dst[i].y - p.y)
        }
        return Point(median(xs), median(ys))
    }

    /// Least squares on the rows where `use` is true.
    static func solve(_ design: [[Double]], _ target: [Point], _ use: [Bool]) -> [Point] {
        var rows: [[Double]] = [], values: [Point] = []
        for i in 0..<target.count where use[i] { rows.append(design[i]); values.append(target[i]) }
        return LeastSquares.solve(rows, values)
    }

    /// Eye, nose and mouth masks of a normalised mesh (IOD 1).
    static func regions(_ src: [Point]) -> (eyes: [Bool], nose: [Bool], mouth: [Bool]) {
        func near(_ centre: Point, _ radius: Double) -> [Bool] {
            src.map { hypot($0.x - centre.x, $0.y - centre.y) < radius }
        }
        let right = near(mean(src, rightEye), eyeRadius), left = near(mean(src, leftEye), eyeRadius)
        var eyes = [Bool](repeating: false, count: src.count)
        for i in 0..<src.count { eyes[i] = right[i] || left[i] }
        return (eyes, near(src[1], noseRadius), near(mean(src, lips), mouthRadius))
    }

    /// Rows of monomials x^i y^j with i + j <= degree, in numpy's order (d = 0...degree, then
    /// i = 0...d: x^i * y^(d - i)).
    static func polynomial(_ src: [Point], degree: Int) -> [[Double]] {
        src.map { p in
            var row: [Double] = []
            for d in 0...degree {
                for i in 0...d { row.append(power(p.x, i) * power(p.y, d - i)) }
            }
            return row
        }
    }

    /// numpy's integer powers: 1, x, x * x, then libm's pow.
    static func power(_ v: Double, _ n: Int) -> Double {
        switch n {
        case 0: return 1
        case 1: return v
        case 2: return v * v
        default: return pow(v, Double(n))
        }
    }

    /// numpy's median: the mean of the two middle values for an even count.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted(), n = sorted.count
        guard n > 0 else { return .nan }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
