import Foundation

/// Timestamps of one cue's hits inside a sliding window, at least `spacingMs` apart
/// (kiosk/core/blinks.py HitWindow).
struct HitWindow: Sendable {
    let spacingMs: Double
    private(set) var times: [Double] = []

    init(spacingMs: Double) { self.spacingMs = spacingMs }

    /// Record a hit (ignored if the last one was less than `spacingMs` ago).
    mutating func add(_ timestampMs: Double) {
        if let last = times.last, !(timestampMs - last >= spacingMs) { return }
        times.append(timestampMs)
    }

    /// Hits within `windowMs` before `timestampMs` (older ones are forgotten).
    mutating func count(_ timestampMs: Double, windowMs: Double) -> Int {
        while let first = times.first, timestampMs - first > windowMs { times.removeFirst() }
        return times.count
    }
}

/// Blinks from the mesh's eye aspect ratio (kiosk/core/blinks.py BlinkCounter): both eyes dip
/// below `(1 - drop)` of the window's median EAR and recover above `(1 - reopen * drop)` of it
/// within `maxMs`; no blink counts before `minFrames` samples are in the window.
struct BlinkCounter: Sendable {
    let windowMs: Double
    let drop: Double
    let reopen: Double
    let maxMs: Double
    let minFrames: Int
    private var ears: [(t: Double, right: Double, left: Double)] = []
    private var closedMs: Double? = nil
    var hits = HitWindow(spacingMs: 0)
    private(set) var total = 0

    init(windowMs: Double, drop: Double, reopen: Double, maxMs: Double, minFrames: Int) {
        self.windowMs = windowMs; self.drop = drop; self.reopen = reopen; self.maxMs = maxMs
        self.minFrames = minFrames
    }

    /// Add one frame's mesh.
    mutating func update(_ timestampMs: Double, _ pose: MeshPose) {
        while let first = ears.first, timestampMs - first.t > windowMs { ears.removeFirst() }
        let (right, left) = FaceMotion.eyeAspectRatios(pose.xy)
        if ears.count >= minFrames {
            let baseRight = FaceMotion.median(ears.map { $0.right })
            let baseLeft = FaceMotion.median(ears.map { $0.left })
            let ratioRight = right / max(baseRight, 1e-9), ratioLeft = left / max(baseLeft, 1e-9)
            let closedBelow = 1.0 - drop, openAbove = 1.0 - reopen * drop
            if closedMs == nil && ratioRight < closedBelow && ratioLeft < closedBelow {
                closedMs = timestampMs
            } else if let closed = closedMs, ratioRight > openAbove, ratioLeft > openAbove {
                if timestampMs - closed <= maxMs {
                    total += 1
                    hits.add(timestampMs)
                }
                closedMs = nil
            }
        }
        ears.append((t: timestampMs, right: right, left: left))
    }
}
