import CoreGraphics
import Foundation
import IFaceCore

/// What one analysed frame tells the screen (a Sendable value for the main actor).
struct FrameOutcome: Sendable {
    let width: Int
    let height: Int
    let tracks: [TrackSummary]
}

/// The kiosk's per-frame pipeline on the iPad, isolated in an actor (the models and the per-track
/// state never leave it):
///   Vision face rectangles -> face_mesh on each (presence confirms weak detections; trusted
///   landmarks drive alignment, pose and liveness) -> TrackBook.plan (tracker + the PC schedule)
///   -> face_embedder / emotion / mask only where planned -> TrackBook.record (vote with split,
///   smoothed emotion, mask (classifier fused with colour cues), liveness from the mesh and the texture points a TextureFollower per
///   track follows by optical flow) -> FrameOutcome.
/// Until a gallery is imported there is nobody to recognise: embeddings are skipped.
actor FrameAnalyzer {
    private let models: ModelRunner
    private var book: TrackBook?
    private var gallery = Gallery.empty
    /// Per track: the skin texture followed by optical flow for liveness (the PC's TextureTracker).
    private var followers: [Int: TextureFollower] = [:]
    /// The face_embedder's source ONNX sha256 a bundle must carry.
    nonisolated let embedderSha256: String

    init(models: ModelRunner) {
        self.models = models
        embedderSha256 = models.embedderSha256
    }

    /// Swap in a new gallery and its rules (every track identifies afresh, as on the PC).
    func use(_ gallery: Gallery, rules: KioskRules?) {
        self.gallery = gallery
        if let rules {
            book = TrackBook(rules: rules, mesh: models.meshThresholds, labels: models.emotionLabels,
                             valence: models.valenceRule)
        } else {
            book?.reset()
        }
        followers = [:]
    }

    func analyse(_ frame: CameraFrame) -> FrameOutcome {
        guard var book, let image = ModelRunner.frameImage(frame) else {
            return FrameOutcome(width: frame.width, height: frame.height, tracks: [])
        }
        let candidates = ((try? models.detect(image)) ?? []).map { box, score -> FaceCandidate in
            let mesh = try? models.landmarks(image, box: box)
            return FaceCandidate(box: box, score: score, presence: mesh?.presence ?? 0, mesh: mesh?.points)
        }
        let plans = book.plan(candidates, nowMs: frame.timestampMs)
        let needsChip = !gallery.people.isEmpty && plans.contains { $0.embed }
        let rgb = needsChip || plans.contains(where: { $0.mask }) ? ModelRunner.rgb(frame) : nil   // mask: ~1 Hz
        let largest = plans.max { $0.box.width < $1.box.width }?.trackId
        let grey = plans.isEmpty ? nil : GreyImage.fromBGRA(frame.bgra, width: frame.width, height: frame.height,
                                                             bytesPerRow: frame.bytesPerRow)
        followers = followers.filter { entry in plans.contains { $0.trackId == entry.key } }
        var textures: [Int: TexturePoints] = [:]
        for plan in plans {
            guard let grey else { break }
            var follower = followers[plan.trackId] ?? TextureFollower()
            let mesh = plan.trusted ? candidates[plan.candidate].mesh : nil   // as the PC: the liveness mesh
            textures[plan.trackId] = follower.update(grey, mesh: mesh)
            followers[plan.trackId] = follower
        }
        let readings = plans.map { plan -> TrackReading in
            var reading = TrackReading(texture: textures[plan.trackId])
            let candidate = candidates[plan.candidate]
            if plan.embed, needsChip, let rgb, let mesh = candidate.mesh {
                reading.descriptor = try? models.descriptor(rgb, mesh: mesh)
                let pose = FaceQuality.headPose(mesh)
                reading.weight = FaceQuality.recognitionWeight(sizePx: plan.box.width, yawDegrees: pose.yaw,
                                                               sharpness: models.sharpness(image, box: plan.box))
            }
            if plan.emotion, var probs = try? models.emotionProbabilities(image, box: plan.box) {
                if plan.trackId == largest, !frame.blendshapes.isEmpty {   // ARKit tracks one face: the largest
                    probs = BlendshapeEmotion.mix(model: probs, shapes: frame.blendshapes, labels: models.emotionLabels)
                }
                reading.emotion = probs
            }
            if plan.mask, var classifier = try? models.maskProbability(image, box: plan.box) {
                // As the PC (kiosk/vision/mask_cue.py read_masks): the classifier fused with the lower
                // face's colour cues, the mirrored crop averaged in when the answer is unsure.
                var cues: MaskCues?
                if let rgb, let mesh = candidate.mesh {
                    cues = LowerFaceCues.cues(rgb, box: plan.box, mesh: mesh.map { point in Point(point.x, point.y) })
                }
                if let within = models.maskMirrorWithin,
                   models.maskFusion.isUnsure(classifier: classifier, cues: cues, within: within),
                   let mirrored = try? models.maskProbability(image, box: plan.box, mirrored: true) {
                    classifier = (classifier + mirrored) / 2
                }
                reading.withMask = models.maskFusion.withMaskProbability(classifier: classifier, cues: cues)
            }
            return reading
        }
        let tracks = book.record(plans, readings, candidates: candidates, gallery: gallery, nowMs: frame.timestampMs)
        self.book = book
        return FrameOutcome(width: frame.width, height: frame.height, tracks: tracks)
    }
}
