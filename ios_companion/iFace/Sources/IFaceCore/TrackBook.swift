import Foundation

/// The face mesh's thresholds (models.json face_mesh "thresholds", from the PC manifest).
public struct MeshThresholds: Sendable, Equatable {
    public var minPresence: Double      // landmarks trusted for alignment, pose, embedding, liveness
    public var facePresence: Double     // below this (and below sureScore) a detection is not a face
    public var sureScore: Double        // detections this confident are kept without the mesh's word

    public init(minPresence: Double = 0.5, facePresence: Double = 0.1, sureScore: Double = 0.8) {
        self.minPresence = minPresence; self.facePresence = facePresence; self.sureScore = sureScore
    }

    public init(_ thresholds: [String: Double]) {
        self.init(minPresence: thresholds["min_presence"] ?? 0.5, facePresence: thresholds["face_presence"] ?? 0.1,
                  sureScore: thresholds["sure_score"] ?? 0.8)
    }
}

/// One detected face with its mesh (468 points in frame pixels) and the mesh's face presence.
public struct FaceCandidate: Sendable {
    public let box: Box
    public let score: Double
    public let presence: Double
    public let mesh: [Point3]?
    public init(box: Box, score: Double, presence: Double, mesh: [Point3]?) {
        self.box = box; self.score = score; self.presence = presence; self.mesh = mesh
    }
}

/// What to run for one tracked face in this frame (the PC pipeline's per-track schedule).
public struct TrackPlan: Sendable, Equatable {
    public let trackId: Int
    public let candidate: Int
    public let box: Box
    public let trusted: Bool
    public let embed: Bool
    public let emotion: Bool
    public let mask: Bool
}

/// The model outputs for one planned track (nil where the plan did not ask for it), and the
/// track's texture points in this frame (optical flow, for liveness; nil: none this frame).
public struct TrackReading: Sendable {
    public var descriptor: [Float]?
    public var weight: Double
    public var emotion: [Double]?
    public var withMask: Double?
    public var texture: TexturePoints?
    public init(descriptor: [Float]? = nil, weight: Double = 1, emotion: [Double]? = nil, withMask: Double? = nil,
                texture: TexturePoints? = nil) {
        self.descriptor = descriptor; self.weight = weight; self.emotion = emotion; self.withMask = withMask
        self.texture = texture
    }
}

/// Everything known about one tracked face after this frame.
public struct TrackSummary: Sendable, Equatable {
    public let trackId: Int
    public let box: Box
    public let identity: Identity
    public let liveness: LivenessResult
    public let valence: Valence?
    public let withMask: Double?
}

/// Per-track state across frames: the tracker, and for each track its vote, emotion smoother,
/// liveness tracker and timers, with the PC pipeline's rules (kiosk/vision/pipeline.py): embed on
/// a new or jumped track, in a burst until `minVotes`, then every `embedIntervalMs`, never below
/// `minFacePx`; emotion every `emotionIntervalMs` (~10 Hz); mask every `maskIntervalMs` (~1 Hz);
/// a far embedding splits the track; a gone track takes its vote with it.
public struct TrackBook: Sendable {
    struct State: Sendable {
        var vote: TrackVote
        var smoother: EmotionSmoother
        var liveness: LivenessTracker
        var lastEmbedMs = -1e18, lastEmotionMs = -1e18, lastMaskMs = -1e18
        var withMask: Double?
    }

    public let rules: KioskRules
    public let mesh: MeshThresholds
    public let labels: [String]
    public let valence: ValenceRule
    private var tracker: FaceTracker
    private var states: [Int: State] = [:]

    public init(rules: KioskRules, mesh: MeshThresholds, labels: [String], valence: ValenceRule) {
        self.rules = rules; self.mesh = mesh; self.labels = labels; self.valence = valence
        tracker = FaceTracker(settings: rules.tracking)
    }

    /// Every track identifies afresh (a new gallery was swapped in).
    public mutating func reset() {
        tracker = FaceTracker(settings: rules.tracking)
        states = [:]
    }

    private func newState() -> State {
        State(vote: TrackVote(settings: rules.vote), smoother: EmotionSmoother(halfLifeMs: rules.emotion.halfLifeMs),
              liveness: LivenessTracker(settings: rules.liveness))
    }

    /// Confirm detections by the mesh's presence, track them, and decide what to run for each.
    public mutating func plan(_ candidates: [FaceCandidate], nowMs: Double) -> [TrackPlan] {
        let confirmed = candidates.indices.filter {
            candidates[$0].presence >= mesh.facePresence || candidates[$0].score >= mesh.sureScore
        }
        let tracked = tracker.update(confirmed.map { candidates[$0].box }, nowMs: nowMs)
        let active = tracker.activeIds
        states = states.filter { active.contains($0.key) }
        return zip(confirmed, tracked).map { index, t in
            let state = states[t.trackId] ?? newState()
            states[t.trackId] = state
            let c = candidates[index]
            let trusted = c.presence >= mesh.minPresence && c.mesh?.count == 468
            return TrackPlan(trackId: t.trackId, candidate: index, box: t.box, trusted: trusted,
                             embed: trusted && embedDue(state, t, nowMs),
                             emotion: nowMs - state.lastEmotionMs >= rules.schedule.emotionIntervalMs,
                             mask: nowMs - state.lastMaskMs >= rules.schedule.maskIntervalMs)
        }
    }

    func embedDue(_ state: State, _ t: TrackedBox, _ nowMs: Double) -> Bool {
        guard t.box.width >= rules.schedule.minFacePx else { return false }
        if t.isNew || t.jumped { return true }
        let settled = state.vote.embeddings >= rules.vote.minVotes
        let interval = settled ? rules.schedule.embedIntervalMs : rules.schedule.embedBurstMs
        return nowMs - state.lastEmbedMs >= interval
    }

    /// Fold this frame's model outputs into the tracks (`readings[i]` belongs to `plans[i]`).
    public mutating func record(_ plans: [TrackPlan], _ readings: [TrackReading], candidates: [FaceCandidate],
                                gallery: Gallery, nowMs: Double) -> [TrackSummary] {
        zip(plans, readings).map { plan, reading in
            var id = plan.trackId
            var state = states[id] ?? newState()
            if plan.embed, let descriptor = reading.descriptor {
                if state.vote.isDifferentPerson(descriptor) {   // e.g. a cut between two people
                    states[id] = nil
                    id = tracker.restart(id, nowMs: nowMs)
                    state = newState()
                }
                state.vote.add(descriptor, nearest: gallery.nearest(descriptor), weight: reading.weight)
                state.lastEmbedMs = nowMs
            }
            if plan.emotion, let probs = reading.emotion, probs.count == labels.count {
                state.smoother.update(labels: labels, probs: probs, nowMs: nowMs)
                state.lastEmotionMs = nowMs
            }
            if plan.mask, let withMask = reading.withMask {
                state.withMask = withMask
                state.lastMaskMs = nowMs
            }
            let mesh = plan.trusted ? candidates[plan.candidate].mesh : nil
            let live = state.liveness.update(nowMs, mesh: mesh, texture: reading.texture)
            states[id] = state
            return TrackSummary(trackId: id, box: plan.box, identity: state.vote.decide(), liveness: live,
                                valence: state.smoother.probs.map { valence.classify(labels: labels, probs: $0) },
                                withMask: state.withMask)
        }
    }
}

/// What the shopper screen shows for the face in front of it (the largest tracked face): nothing
/// personal until the track is both identified and live (kiosk/ui/session.py's rule), a mask
/// note, and suggestions (the person's preferences only once live).
public struct ShopperScreen: Sendable, Equatable {
    public let greeting: String?
    public let checking: Bool
    public let masked: Bool
    public let valence: Valence?
    public let suggestions: [Catalog.Product]

    public static let empty = ShopperScreen(greeting: nil, checking: false, masked: false, valence: nil, suggestions: [])

    public static func decide(_ tracks: [TrackSummary], gallery: Gallery, catalog: Catalog,
                              maskThreshold: Double = 0.5) -> ShopperScreen {
        guard let face = tracks.max(by: { $0.box.width < $1.box.width }) else {
            return ShopperScreen(greeting: nil, checking: false, masked: false, valence: nil,
                                 suggestions: suggest(catalog, preferred: [], valence: nil))
        }
        let person = face.identity.personId.flatMap { id in gallery.people.first { $0.id == id } }
        let personal = person != nil && face.liveness.live
        return ShopperScreen(greeting: personal ? person?.displayName : nil,
                             checking: person != nil && !face.liveness.live,
                             masked: (face.withMask ?? 0) >= maskThreshold, valence: face.valence,
                             suggestions: suggest(catalog, preferred: personal ? Set(person?.preferredCategories ?? []) : [],
                                                  valence: face.valence))
    }
}
