import Foundation

/// What the liveness tracker has concluded about a track (kiosk/core/liveness.py LivenessState).
public enum LivenessState: String, Sendable, Equatable {
    case pending, live, suspicious
}

/// Evidence that a face is a live head (kiosk/core/liveness.py Cue); sorted by name as there.
public enum Cue: String, Sendable, Equatable, CaseIterable {
    case parallax       // texture and mesh agree the nose slid across the face
    case texture        // the nose texture slid far, whatever the mesh says
    case deformation    // the mesh changed shape outside the eyes
    case blink          // the mesh's eyes closed and opened (reported, never enough to pass)
}

/// The rule: the texture and the mesh agree that this is a live head; a blink never takes part.
public func livenessPasses(_ cues: Set<Cue>) -> Bool {
    cues.contains(.parallax) || (cues.contains(.texture) && cues.contains(.deformation))
}

public struct LivenessResult: Sendable, Equatable {
    public let state: LivenessState
    public let reason: String           // the cues when it went live ("parallax"), "rigid" or ""
    public let cues: [Cue]              // the cues within the current window, sorted by name
    public let blinks: Int
    public let maxParallax: Double      // largest agreed nose shift (texture, IOD) since the reset
    public let maxTexture: Double       // largest nose texture shift (IOD)
    public let maxDeformation: Double   // largest mesh deformation (IOD)
    public let framesSeen: Int
    public var live: Bool { state == .live }
    public static let pending = LivenessResult(state: .pending, reason: "", cues: [], blinks: 0, maxParallax: 0,
                                               maxTexture: 0, maxDeformation: 0, framesSeen: 0)
}

/// A port of kiosk/core/liveness.py LivenessTracker with the same structure and the PC's settings
/// (from the bundle's rules): a track goes live only when the skin texture (optical-flow points,
/// TexturePoints) and the face mesh agree, by PARALLAX (the nose texture slid across the face and
/// the mesh's nose moved the same way) or by a large TEXTURE shift with mesh DEFORMATION; a blink
/// is reported but never counts. Geometry in FaceMotion.swift. Keep it in step with the Python
/// files; LivenessVectorTests replay the PC's verdicts frame by frame.
public struct LivenessTracker: Sendable {
    public let settings: LivenessSettings

    struct Moment: Sendable {
        let timestampMs: Double
        let pose: MeshPose
        let steady: Bool            // roll and size were steady inside its smoothing window
        let texture: TexturePoints?
    }

    struct Reference: Sendable {
        let moment: Moment
        let base: Baseline
    }

    private var startMs = 0.0
    private var lastMs: Double? = nil
    private var recent: [(t: Double, pose: MeshPose)] = []
    private var refs: [Reference] = []
    private var parallaxHits: HitWindow
    private var textureHits: HitWindow
    private var deformationHits: HitWindow
    private var blinks: BlinkCounter
    private var maxParallax = 0.0, maxTexture = 0.0, maxDeformation = 0.0
    private var frames = 0
    private var result = LivenessResult.pending

    public init(settings: LivenessSettings) {
        self.settings = settings
        parallaxHits = HitWindow(spacingMs: settings.hitSpacingMs)
        textureHits = HitWindow(spacingMs: settings.hitSpacingMs)
        deformationHits = HitWindow(spacingMs: settings.hitSpacingMs)
        blinks = BlinkCounter(windowMs: settings.windowMs, drop: settings.blinkDrop, reopen: settings.blinkReopen,
                              maxMs: settings.blinkMaxMs, minFrames: settings.minBlinkFrames)
    }

    private mutating func reset(_ timestampMs: Double) {
        self = LivenessTracker(settings: settings)
        startMs = timestampMs
    }

    /// Add one frame: the track's mesh (468 points, frame pixels, with depth; nil when not
    /// computed or untrusted leaves the verdict as it was) and its texture points in this frame
    /// (without them no texture cue can pass, so the track cannot go live).
    public mutating func update(_ timestampMs: Double, mesh: [Point3]?, texture: TexturePoints?) -> LivenessResult {
        guard let mesh, mesh.count == 468 else { return result }
        var points = texture
        if let t = texture, t.xy.count != 468 || t.ok.count != 468 { points = nil }
        guard timestampMs.isFinite else {       // a broken clock: forget everything, use nothing
            reset(0)
            return result
        }
        if lastMs == nil || timestampMs <= lastMs! || timestampMs - lastMs! > settings.maxGapMs {
            reset(timestampMs)
        }
        lastMs = timestampMs
        let pose = FaceMotion.meshPose(mesh)
        guard pose.iodPx.isFinite, pose.iodPx > 0 else { return result }
        frames += 1
        blinks.update(timestampMs, pose)
        updateMotion(moment(timestampMs, pose, points))
        result = decide(timestampMs)
        return result
    }

    /// This frame, with the mesh averaged over the last `smoothMs`.
    private mutating func moment(_ t: Double, _ pose: MeshPose, _ texture: TexturePoints?) -> Moment {
        recent.append((t: t, pose: pose))
        while let first = recent.first, t - first.t > settings.smoothMs { recent.removeFirst() }
        let poses = recent.map { $0.pose }
        let rolls = poses.map { FaceMotion.rollDifference($0.rollDeg, pose.rollDeg) }  // around this one
        let sizes = poses.map { $0.iodPx }
        let steady = rolls.max()! - rolls.min()! <= settings.maxRollDeg
            && log(sizes.max()! / sizes.min()!) <= settings.maxScaleChange
        return Moment(timestampMs: t, pose: FaceMotion.meanPose(poses), steady: steady, texture: texture)
    }

    private mutating func updateMotion(_ now: Moment) {
        let s = settings
        while let first = refs.first, now.timestampMs - first.moment.timestampMs > s.windowMs { refs.removeFirst() }
        for ref in compared(now.timestampMs) {
            compareTexture(ref, now)
            if Self.samePose(ref.moment, now, s.maxRollDeg, s.maxScaleChange) {
                let changed = FaceMotion.deformation(ref.base, now.pose)
                hit(.deformation, now.timestampMs, changed, s.deformationToPass)
            }
        }
        if refs.isEmpty || now.timestampMs - refs[refs.count - 1].moment.timestampMs >= s.refIntervalMs {
            refs.append(Reference(moment: now, base: FaceMotion.baseline(now.pose, now.texture)))
        }
    }

    /// At most `maxCompared` references old enough, spread evenly over the window (numpy's
    /// linspace, rounded half to even as numpy rounds).
    func compared(_ t: Double) -> [Reference] {
        let old = refs.filter { t - $0.moment.timestampMs >= settings.minPairMs }
        let n = settings.maxCompared
        if old.count <= n { return old }
        let last = Double(old.count - 1)
        var picks = Set<Int>()
        for i in 0..<n {
            var value = 0.0
            if n > 1 { value = i == n - 1 ? last : Double(i) * (last / Double(n - 1)) }
            picks.insert(Int(value.rounded(.toNearestOrEven)))
        }
        return picks.sorted().map { old[$0] }
    }

    private mutating func compareTexture(_ ref: Reference, _ now: Moment) {
        let s = settings
        guard let before = ref.moment.texture, let after = now.texture else { return }
        let (rollA, sizeA) = FaceMotion.texturePose(before)
        let (rollB, sizeB) = FaceMotion.texturePose(after)
        if abs(FaceMotion.rollDifference(rollA, rollB)) > s.textureMaxRollDeg { return }
        if min(sizeA, sizeB) <= 0 || abs(log(sizeA / sizeB)) > s.textureMaxScaleChange { return }
        guard let shift = FaceMotion.noseShift(ref.base, now.pose, after) else { return }
        let texture = FaceMotion.length(shift.texture)
        hit(.texture, now.timestampMs, texture, s.textureToPass)
        let agreed = shift.agreement() >= s.minAgreement && FaceMotion.length(shift.mesh) >= s.meshConfirmToPass
        hit(.parallax, now.timestampMs, agreed ? texture : 0, s.parallaxToPass)
    }

    private mutating func hit(_ cue: Cue, _ t: Double, _ value: Double, _ needed: Double) {
        switch cue {
        case .parallax:
            maxParallax = max(maxParallax, value)
            if value >= needed { parallaxHits.add(t) }
        case .texture:
            maxTexture = max(maxTexture, value)
            if value >= needed { textureHits.add(t) }
        case .deformation:
            maxDeformation = max(maxDeformation, value)
            if value >= needed { deformationHits.add(t) }
        case .blink:
            break
        }
    }

    private mutating func decide(_ t: Double) -> LivenessResult {
        let s = settings
        var seen = Set<Cue>()
        if parallaxHits.count(t, windowMs: s.windowMs) >= s.hitsToPass { seen.insert(.parallax) }
        if textureHits.count(t, windowMs: s.windowMs) >= s.hitsToPass { seen.insert(.texture) }
        if deformationHits.count(t, windowMs: s.windowMs) >= s.hitsToPass { seen.insert(.deformation) }
        if blinks.hits.count(t, windowMs: s.windowMs) >= 1 { seen.insert(.blink) }
        let cues = seen.sorted { $0.rawValue < $1.rawValue }
        var state = LivenessState.pending, reason = ""
        if result.live {
            state = .live; reason = result.reason
        } else if livenessPasses(seen) {
            state = .live; reason = cues.map { $0.rawValue }.joined(separator: "+")
        } else if t - startMs >= s.suspiciousAfterMs {
            state = .suspicious; reason = "rigid"
        }
        return LivenessResult(state: state, reason: reason, cues: cues, blinks: blinks.total, maxParallax: maxParallax,
                              maxTexture: maxTexture, maxDeformation: maxDeformation, framesSeen: frames)
    }

    /// Both moments steady, and about the same roll and size of the mesh.
    static func samePose(_ a: Moment, _ b: Moment, _ maxRollDeg: Double, _ maxScaleChange: Double) -> Bool {
        a.steady && b.steady && abs(FaceMotion.rollDifference(a.pose.rollDeg, b.pose.rollDeg)) <= maxRollDeg
            && abs(log(a.pose.iodPx / b.pose.iodPx)) <= maxScaleChange
    }
}
