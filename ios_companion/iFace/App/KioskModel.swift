import CoreGraphics
import Foundation
import IFaceCore

/// App state: camera -> analysis (one background queue, newest frame only) -> published readings.
/// The gallery and catalog are immutable snapshots swapped in after an import.
@MainActor
final class KioskModel: ObservableObject {
    @Published private(set) var faces: [FaceReading] = []
    @Published private(set) var greeting: String?
    @Published private(set) var suggestions: [Catalog.Product] = []
    @Published private(set) var status = "Starting…"
    @Published private(set) var gallery = Gallery.empty
    @Published private(set) var catalog = Catalog(products: [])
    @Published var importError: String?

    let camera = CameraController()
    private var analyzer: FaceAnalyzer?
    private let analysisQueue = DispatchQueue(label: "iface.analysis", qos: .userInitiated)
    private var busy = false
    private var vote = IdentityVote()
    private var valence: ValenceTracker?
    private var lastEmbed = Date.distantPast
    private let store = GalleryStore()

    func start() {
        do {
            let analyzer = try FaceAnalyzer()
            self.analyzer = analyzer
            let emotion = analyzer.emotionEntry
            valence = ValenceTracker(weights: emotion.valence ?? [:], threshold: emotion.thresholds["valence"] ?? 0.25)
            if let saved = try store.load() { gallery = saved.gallery; catalog = saved.catalog }
            camera.onFrame = { [weak self] frame in Task { @MainActor in self?.submit(frame) } }
            try camera.start()
            status = gallery.people.isEmpty ? "No gallery imported" : "\(gallery.people.count) people"
        } catch {
            status = error.localizedDescription
        }
    }

    private func submit(_ frame: CGImage) {
        guard !busy, let analyzer else { return }   // drop frames while busy
        busy = true
        let embed = Date().timeIntervalSince(lastEmbed) > 1.0 && !gallery.people.isEmpty  // re-check ~1 s
        if embed { lastEmbed = Date() }
        analysisQueue.async { [weak self] in
            let readings = (try? analyzer.analyse(frame, rgb: embed ? FaceAnalyzer.rgbImage(frame) : RGBImage.black(1, 1),
                                                  embed: embed)) ?? []
            Task { @MainActor in self?.update(readings) }
        }
    }

    private func update(_ readings: [FaceReading]) {
        busy = false
        faces = readings
        // the largest face is the shopper in front of the screen
        guard let face = readings.max(by: { $0.box.width < $1.box.width }) else {
            greeting = nil; suggestions = []; return
        }
        var person: Person?
        if let descriptor = face.descriptor, let id = vote.add(gallery.match(descriptor)) {
            person = gallery.people.first { $0.id == id }
        }
        let mood = valence?.add(probabilities: face.emotion) ?? .neutral
        greeting = person.map { "Welcome back, \($0.displayName)" }
        suggestions = suggest(catalog, person: person, valence: mood)
    }

    /// Staff import of a bundle file (BUNDLE_FORMAT.md); refuses a mismatched embedding model.
    func importBundle(at url: URL, passphrase: String) async {
        guard let analyzer else { return }
        do {
            let access = url.startAccessingSecurityScopedResource()
            defer { if access { url.stopAccessingSecurityScopedResource() } }
            let data = try Data(contentsOf: url)
            let importer = BundleImporter(appEmbeddingSha256: analyzer.embedderSha256)
            let maxDistance = analyzer.maxDistance
            let imported = try await Task.detached(priority: .userInitiated) {
                try importer.importBundle(data, passphrase: passphrase, defaultMaxDistance: maxDistance)
            }.value
            try store.save(imported)
            gallery = imported.gallery; catalog = imported.catalog; vote = IdentityVote()
            status = "\(gallery.people.count) people, \(catalog.products.count) products"
            importError = nil
        } catch {
            try? await Task.sleep(nanoseconds: 1_000_000_000)   // slow down passphrase guessing
            importError = error.localizedDescription
        }
    }
}

/// Keeps the last imported gallery in the app container, protected while the device is locked.
/// The decrypted snapshot is stored (FileProtectionType.complete); the passphrase never is.
struct GalleryStore {
    struct Saved { let gallery: Gallery; let catalog: Catalog }
    private var dir: URL {
        FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0].appendingPathComponent("gallery")
    }

    func save(_ imported: BundleImporter.Imported) throws {
        let tmp = dir.deletingLastPathComponent().appendingPathComponent("gallery.new")
        try? FileManager.default.removeItem(at: tmp)
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        try JSONEncoder().encode(Snapshot(imported.gallery)).write(to: tmp.appendingPathComponent("gallery.json"),
                                                                    options: [.atomic, .completeFileProtection])
        try imported.catalogJSON.write(to: tmp.appendingPathComponent("catalog.json"), options: .completeFileProtection)
        for (name, bytes) in imported.images {
            try bytes.write(to: tmp.appendingPathComponent(name.replacingOccurrences(of: "images/", with: "")))
        }
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.moveItem(at: tmp, to: dir)
    }

    func load() throws -> Saved? {
        let url = dir.appendingPathComponent("gallery.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let snapshot = try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: url))
        let catalogURL = dir.appendingPathComponent("catalog.json")
        let catalog = (try? JSONDecoder().decode(Catalog.self, from: Data(contentsOf: catalogURL))) ?? Catalog(products: [])
        return Saved(gallery: try snapshot.gallery(), catalog: catalog)
    }

    /// The gallery as stored on the device (templates as float arrays; fine at kiosk scale).
    struct Snapshot: Codable {
        struct P: Codable { let id: String; let name: String; let categories: [String]; let templates: [[Float]] }
        let dim: Int; let maxDistance: Float; let people: [P]

        init(_ g: Gallery) {
            dim = g.dim; maxDistance = g.maxDistance
            people = g.people.enumerated().map { i, p in
                P(id: p.id, name: p.displayName, categories: p.preferredCategories, templates: g.templates(of: i))
            }
        }

        func gallery() throws -> Gallery {
            let persons = people.map { Person(id: $0.id, displayName: $0.name, preferredCategories: $0.categories) }
            let rows = people.enumerated().flatMap { i, p in p.templates.map { ($0, i) } }
            return try Gallery(dim: dim, maxDistance: maxDistance, people: persons,
                               templates: rows.map(\.0), owners: rows.map(\.1))
        }
    }
}
