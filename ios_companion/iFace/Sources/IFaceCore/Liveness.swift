import Foundation

/// What the liveness tracker has concluded about a track (kiosk/core/liveness.py LivenessState).
public enum LivenessState: String, Sendable, Equatable {
    case pending, live, suspicious
}

public struct LivenessResult: Sendable, Equatable {
    public let state: LivenessState
    public let reason: String          // "motion", "blink", "rigid" or ""
    public let blinks: Int
    public let maxResidual: Double
    public let framesSeen: Int
    public var live: Bool { state == .live }
    public static let pending = LivenessResult(state: .pending, reason: "", blinks: 0, maxResidual: 0, framesSeen: 0)
}

/// A port of kiosk/core/liveness.py LivenessTracker with the same structure and the PC's settings
/// (from the bundle's rules): non-rigid motion (median residual of the best 2-D affine map from
/// each earlier smoothed mesh, over the inter-ocular distance) and blinks (eye aspect ratio dips
/// against the track's own median). Keep it in step with the Python file; LivenessVectorTests
/// replay the PC's verdicts frame by frame.
public struct LivenessTracker: Sendable {
    public let settings: LivenessSettings

    static let rightEAR = [33, 160, 158, 133, 153, 144]
    static let leftEAR = [362, 385, 387, 263, 373, 380]
    static let rightCorners = [33, 133]
    static let leftCorners = [362, 263]

    /// A reference mesh with its least-squares affine solver: pinv(design) = (DᵀD)⁻¹Dᵀ for the
    /// (468, 3) design [x, y, 1], stored as three rows of 468.
    struct Reference: Sendable {
        let timestampMs: Double
        let design: [Point]
        let pinv: [[Double]]
    }

    private var startMs = 0.0
    private var lastMs: Double?
    private var recent: [[Point]] = []
    private var refs: [Reference] = []
    private var hitsMs: [Double] = []
    private var ears: [(t: Double, right: Double, left: Double)] = []
    private var closedMs: Double?
    private var blinkMs: [Double] = []
    private var blinks = 0
    private var maxResidual = 0.0
    private var frames = 0
    private var result = LivenessResult.pending

    public init(settings: LivenessSettings) { self.settings = settings }

    private mutating func reset(_ timestampMs: Double) {
        self = LivenessTracker(settings: settings)
        startMs = timestampMs
    }

    /// Add one frame's mesh (468 points, frame pixels; nil when untrusted leaves the verdict).
    public mutating func update(_ timestampMs: Double, mesh: [Point]?) -> LivenessResult {
        guard let mesh, mesh.count == 468 else { return result }
        if let last = lastMs, timestampMs > last, timestampMs - last <= settings.maxGapMs {
            // continuing
        } else {
            reset(timestampMs)
        }
        lastMs = timestampMs
        frames += 1
        updateMotion(timestampMs, mesh)
        updateBlinks(timestampMs, mesh)
        result = decide(timestampMs)
        return result
    }

    private mutating func updateMotion(_ t: Double, _ points: [Point]) {
        recent.append(points)
        if recent.count > settings.smoothFrames { recent.removeFirst(recent.count - settings.smoothFrames) }
        guard recent.count >= settings.smoothFrames else { return }
        var smoothed = [Point](repeating: Point(0, 0), count: points.count)
        for i in 0..<points.count {
            var x = 0.0, y = 0.0
            for mesh in recent { x += mesh[i].x; y += mesh[i].y }
            smoothed[i] = Point(x / Double(recent.count), y / Double(recent.count))
        }
        refs.removeAll { t - $0.timestampMs > settings.windowMs }
        hitsMs.removeAll { t - $0 > settings.windowMs }
        let residual = Self.affineResiduals(refs, smoothed).max() ?? 0
        maxResidual = max(maxResidual, residual)
        if residual >= settings.residualToPass { hitsMs.append(t) }
        if refs.isEmpty || t - refs[refs.count - 1].timestampMs >= settings.refIntervalMs,
           let ref = Self.reference(t, smoothed) {
            refs.append(ref)
        }
    }

    private mutating func updateBlinks(_ t: Double, _ points: [Point]) {
        ears.removeAll { t - $0.t > settings.windowMs }
        blinkMs.removeAll { t - $0 > settings.windowMs }
        let (right, left) = Self.eyeAspectRatios(points)
        if ears.count >= settings.minFrames {
            let baseRight = Self.median(ears.map { $0.right }), baseLeft = Self.median(ears.map { $0.left })
            let ratioRight = right / max(baseRight, 1e-9), ratioLeft = left / max(baseLeft, 1e-9)
            let closedBelow = 1 - settings.blinkDrop, openAbove = 1 - settings.blinkReopen * settings.blinkDrop
            if closedMs == nil, ratioRight < closedBelow, ratioLeft < closedBelow {
                closedMs = t
            } else if let closed = closedMs, ratioRight > openAbove, ratioLeft > openAbove {
                if t - closed <= settings.blinkMaxMs {
                    blinks += 1
                    blinkMs.append(t)
                }
                closedMs = nil
            }
        }
        ears.append((t, right, left))
    }

    private func decide(_ t: Double) -> LivenessResult {
        var state = LivenessState.pending, reason = ""
        if result.live {
            state = .live; reason = result.reason
        } else if refs.count >= settings.minFrames, hitsMs.count >= settings.motionHits {
            state = .live; reason = "motion"
        } else if settings.blinksToPass > 0, blinkMs.count >= settings.blinksToPass {
            state = .live; reason = "blink"
        } else if t - startMs >= settings.suspiciousAfterMs {
            state = .suspicious; reason = "rigid"
        }
        return LivenessResult(state: state, reason: reason, blinks: blinks, maxResidual: maxResidual, framesSeen: frames)
    }

    /// (right, left) eye aspect ratios: lid gaps over eye width.
    public static func eyeAspectRatios(_ p: [Point]) -> (Double, Double) {
        func ratio(_ idx: [Int]) -> Double {
            let width = distance(p[idx[0]], p[idx[3]])
            let gaps = distance(p[idx[1]], p[idx[5]]) + distance(p[idx[2]], p[idx[4]])
            return width > 0 ? gaps / (2 * width) : 0
        }
        return (ratio(rightEAR), ratio(leftEAR))
    }

    static func distance(_ a: Point, _ b: Point) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }

    /// numpy's median: the mean of the two middle values for an even count.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted(), n = sorted.count
        guard n > 0 else { return 0 }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    static func interOcular(_ p: [Point]) -> Double {
        let right = Point((p[33].x + p[133].x) / 2, (p[33].y + p[133].y) / 2)
        let left = Point((p[362].x + p[263].x) / 2, (p[362].y + p[263].y) / 2)
        return distance(left, right)
    }

    static func reference(_ t: Double, _ points: [Point]) -> Reference? {
        // DᵀD for D = [x, y, 1]
        var sxx = 0.0, sxy = 0.0, syy = 0.0, sx = 0.0, sy = 0.0
        for p in points { sxx += p.x * p.x; sxy += p.x * p.y; syy += p.y * p.y; sx += p.x; sy += p.y }
        let n = Double(points.count)
        let m = [[sxx, sxy, sx], [sxy, syy, sy], [sx, sy, n]]
        guard let inv = invert3(m) else { return nil }
        let pinv = (0..<3).map { r in points.map { inv[r][0] * $0.x + inv[r][1] * $0.y + inv[r][2] } }
        return Reference(timestampMs: t, design: points, pinv: pinv)
    }

    /// Per reference: the median distance of `points` from the best affine image of the reference
    /// (the element at index count/2 of the sorted squared distances, as numpy's partition), over
    /// the inter-ocular distance of `points`.
    static func affineResiduals(_ refs: [Reference], _ points: [Point]) -> [Double] {
        let iod = max(interOcular(points), 1e-9)
        return refs.map { ref in
            // coefficients A (3x2) = pinv (3xN) @ points (Nx2)
            var a = [[Double]](repeating: [0, 0], count: 3)
            for r in 0..<3 {
                for (i, p) in points.enumerated() { a[r][0] += ref.pinv[r][i] * p.x; a[r][1] += ref.pinv[r][i] * p.y }
            }
            let squared = zip(ref.design, points).map { d, p -> Double in
                let ex = d.x * a[0][0] + d.y * a[1][0] + a[2][0] - p.x
                let ey = d.x * a[0][1] + d.y * a[1][1] + a[2][1] - p.y
                return ex * ex + ey * ey
            }.sorted()
            return squared[squared.count / 2].squareRoot() / iod
        }
    }

    static func invert3(_ m: [[Double]]) -> [[Double]]? {
        let c00 = m[1][1] * m[2][2] - m[1][2] * m[2][1], c01 = m[1][2] * m[2][0] - m[1][0] * m[2][2]
        let c02 = m[1][0] * m[2][1] - m[1][1] * m[2][0]
        let det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02
        guard det.isFinite, abs(det) > 1e-12 else { return nil }
        return [
            [c00 / det, (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det, (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det],
            [c01 / det, (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det, (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det],
            [c02 / det, (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det, (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det],
        ]
    }
}
