import Foundation

/// On TrueDepth iPads ARKit measures 52 blendshapes with the same names as MediaPipe's Face
/// Landmarker (the app maps ARFaceAnchor.BlendShapeLocation to these names). This turns the few
/// that carry expression into evidence over the emotion model's seven labels and mixes it with the
/// model's probabilities before smoothing; the iPad screen shows only the valence of the result.
/// The mapping is DESIGN.md's list, not calibrated: smile -> happy; frown -> sad; brow lowerer,
/// inner brow raise and lip press -> disgust and fear; wide eyes with an open jaw -> surprise.
/// The PC's shopper-facing "confused" is a different, validated rule over the same blendshapes
/// (kiosk/core/expression.py); the iPad shows no expression and does not port it.
public enum BlendshapeEmotion {
    public static let names = [
        "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight", "browDownLeft", "browDownRight",
        "browInnerUp", "mouthPressLeft", "mouthPressRight", "eyeWideLeft", "eyeWideRight", "jawOpen",
    ]

    /// A distribution over `labels` from blendshape scores in [0, 1] (missing names count as 0).
    public static func evidence(_ shapes: [String: Double], labels: [String]) -> [Double] {
        func s(_ name: String) -> Double { min(1, max(0, shapes[name] ?? 0)) }
        let smile = (s("mouthSmileLeft") + s("mouthSmileRight")) / 2
        let frown = (s("mouthFrownLeft") + s("mouthFrownRight")) / 2
        let puzzled = ((s("browDownLeft") + s("browDownRight")) / 2 + s("browInnerUp")
                       + (s("mouthPressLeft") + s("mouthPressRight")) / 2) / 3
        let surprise = min((s("eyeWideLeft") + s("eyeWideRight")) / 2, s("jawOpen"))
        let raw: [String: Double] = [
            "happy": smile, "sad": frown * (1 - smile), "disgust": puzzled / 2, "fear": puzzled / 2,
            "surprise": surprise, "angry": 0,
        ]
        let used = raw.values.reduce(0, +)
        var out = labels.map { raw[$0] ?? 0 }
        if let neutral = labels.firstIndex(of: "neutral") { out[neutral] = max(0, 1 - used) }
        let total = out.reduce(0, +)
        return total > 0 ? out.map { $0 / total } : out
    }

    /// (1 - weight) * model + weight * evidence, renormalised.
    public static func mix(model: [Double], shapes: [String: Double], labels: [String], weight: Double = 0.4) -> [Double] {
        guard model.count == labels.count, !shapes.isEmpty else { return model }
        let mixed = zip(model, evidence(shapes, labels: labels)).map { (1 - weight) * $0 + weight * $1 }
        let total = mixed.reduce(0, +)
        return total > 0 ? mixed.map { $0 / total } : model
    }
}
