import Foundation

/// A face box in frame pixels, `xyxy`, origin top-left (kiosk/core/types.py FaceBox).
public struct Box: Sendable, Equatable {
    public var x1, y1, x2, y2: Double
    public init(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2
    }
    public var width: Double { x2 - x1 }
    public var height: Double { y2 - y1 }
    public var centre: Point { Point((x1 + x2) / 2, (y1 + y2) / 2) }
}

/// Intersection over union, in [0, 1] (kiosk/core/tracking.py iou).
public func iou(_ a: Box, _ b: Box) -> Double {
    let w = max(0, min(a.x2, b.x2) - max(a.x1, b.x1)), h = max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
    let inter = w * h
    let union = a.width * a.height + b.width * b.height - inter
    return union > 0 ? inter / union : 0
}

/// One detection assigned to a track in this frame.
public struct TrackedBox: Sendable, Equatable {
    public let trackId: Int
    public let box: Box
    public let isNew: Bool
    public let jumped: Bool
}

/// kiosk/core/tracking.py FaceTracker, rule for rule: greedy matching on IoU with a centre-shift
/// fallback for fast motion, tracks end after `maxGapMs` unseen, a low-IoU match is a jump.
public struct FaceTracker: Sendable {
    public let settings: TrackerSettings
    private var tracks: [Int: (box: Box, lastSeenMs: Double)] = [:]
    private var order: [Int] = []    // insertion order, as Python's dict
    private var nextId = 1

    public init(settings: TrackerSettings) { self.settings = settings }

    public var activeIds: Set<Int> { Set(tracks.keys) }

    public mutating func update(_ boxes: [Box], nowMs: Double) -> [TrackedBox] {
        expire(nowMs)
        var assigned: [Int: Int] = [:], used = Set<Int>()
        for pair in candidatePairs(boxes) where assigned[pair.box] == nil && !used.contains(pair.track) {
            assigned[pair.box] = pair.track
            used.insert(pair.track)
        }
        var results: [TrackedBox] = []
        for (index, box) in boxes.enumerated() {
            guard let id = assigned[index], let track = tracks[id] else {
                results.append(TrackedBox(trackId: start(box, nowMs), box: box, isNew: true, jumped: false))
                continue
            }
            let jumped = iou(track.box, box) < settings.jumpIoU
            tracks[id] = (box, nowMs)
            results.append(TrackedBox(trackId: id, box: box, isNew: false, jumped: jumped))
        }
        return results
    }

    /// End a track (its person turned out to be someone else); its box gets a new id.
    public mutating func restart(_ trackId: Int, nowMs: Double) -> Int {
        guard let track = tracks.removeValue(forKey: trackId) else { return trackId }
        order.removeAll { $0 == trackId }
        return start(track.box, nowMs)
    }

    private func candidatePairs(_ boxes: [Box]) -> [(cost: Double, box: Int, track: Int)] {
        var pairs: [(cost: Double, box: Int, track: Int)] = []
        for (index, box) in boxes.enumerated() {
            for id in order {
                guard let track = tracks[id] else { continue }
                let overlap = iou(track.box, box), shift = centreShift(track.box, box)
                if overlap >= settings.minIoU || shift <= settings.maxCentreShift {
                    pairs.append((1 - overlap + shift, index, id))
                }
            }
        }
        return pairs.sorted { ($0.cost, $0.box, $0.track) < ($1.cost, $1.box, $1.track) }
    }

    private func centreShift(_ track: Box, _ box: Box) -> Double {
        let a = track.centre, b = box.centre
        return ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() / max(track.width, 1)
    }

    private mutating func start(_ box: Box, _ nowMs: Double) -> Int {
        let id = nextId
        nextId += 1
        tracks[id] = (box, nowMs)
        order.append(id)
        return id
    }

    private mutating func expire(_ nowMs: Double) {
        for id in order where nowMs - (tracks[id]?.lastSeenMs ?? nowMs) > settings.maxGapMs {
            tracks[id] = nil
        }
        order.removeAll { tracks[$0] == nil }
    }
}
