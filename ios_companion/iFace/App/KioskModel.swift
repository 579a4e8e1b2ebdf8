@preconcurrency import AVFoundation
import Foundation
import IFaceCore
import Observation
import UIKit

/// App state on the main actor. The camera (CaptureService) and the analysis (FrameAnalyzer)
/// are actors; frames cross as Sendable values, late frames are dropped at the camera, and the
/// screen is recomputed from each analysed frame's tracks (so a greeting lasts as long as its
/// track, needs liveness, and ends with it).
@MainActor
@Observable
final class KioskModel {
    enum Phase: Equatable { case setup, starting, running, problem(String) }

    private(set) var phase = Phase.starting
    private(set) var screen = ShopperScreen.empty
    private(set) var gallery = Gallery.empty
    private(set) var catalog = Catalog.empty
    private(set) var expiresAt: Date?
    private(set) var counter = 0
    private(set) var cameraNote: String?
    private(set) var guidedAccess = UIAccessibility.isGuidedAccessEnabled
    var importMessage: String?

    @ObservationIgnored let capture = CaptureService()
    @ObservationIgnored private(set) var trueDepth: TrueDepthSource?
    @ObservationIgnored private var analyzer: FrameAnalyzer?
    @ObservationIgnored private var rules: KioskRules?
    @ObservationIgnored private let keychain = Keychain()
    @ObservationIgnored private let snapshots = SnapshotStore()
    @ObservationIgnored private var observers: [NSObjectProtocol] = []
    @ObservationIgnored private var expiryCheck: Task<Void, Never>?

    var pinned: Data? { Self.buildTimeKey ?? keychain.data("shop-key") }
    var pinIsSet: Bool { keychain.string("pin-hash") != nil }

    /// A shop key set at build time (project.yml SHOP_PUBLIC_KEY -> Info.plist IFaceShopPublicKey).
    static var buildTimeKey: Data? {
        (Bundle.main.object(forInfoDictionaryKey: "IFaceShopPublicKey") as? String)
            .flatMap { $0.isEmpty ? nil : Data(base64Encoded: $0) }
            .flatMap { $0.count == 32 ? $0 : nil }
    }

    // MARK: start-up

    func start() async {
        guard pinIsSet else { phase = .setup; return }
        watch()
        do {
            let analyzer = try await Task.detached(priority: .userInitiated) { try FrameAnalyzer() }.value
            self.analyzer = analyzer
            try loadSnapshot()
            await analyzer.use(gallery, rules: rules)
            guard await CaptureService.authorize() else {
                phase = .problem("Camera access is off: Settings > Privacy & Security > Camera > iFace.")
                return
            }
            let handler: @Sendable (CameraFrame) async -> Void = { [weak self] frame in
                let outcome = await analyzer.analyse(frame)
                await self?.show(outcome)
            }
            if TrueDepthSource.isSupported {   // ARKit owns the front camera and adds blendshapes
                let source = TrueDepthSource(handler: handler)
                trueDepth = source
                source.start()
            } else {
                try await capture.start(handler: handler)
            }
            phase = .running
        } catch {
            phase = .problem(error.localizedDescription)
        }
    }

    private func show(_ outcome: FrameOutcome) {
        screen = ShopperScreen.decide(outcome.tracks, gallery: gallery, catalog: catalog)
    }

    private func loadSnapshot() throws {
        guard let saved = try snapshots.load() else { return }
        guard saved.snapshot.expiresAt > Date() else {
            expire()
            return
        }
        gallery = saved.gallery
        catalog = saved.catalog
        rules = saved.snapshot.rules
        expiresAt = saved.snapshot.expiresAt
        counter = saved.snapshot.counter
    }

    /// An expired gallery is deleted: forget-me reaches the iPad at the latest at the expiry.
    private func expire() {
        snapshots.wipe()
        gallery = .empty
        expiresAt = nil
        importMessage = "The gallery expired and was deleted: import a new bundle from the PC."
    }

    private func watch() {
        guard observers.isEmpty else { return }
        let center = NotificationCenter.default, service = self.capture, session = self.capture.session
        // Observers on the main queue; each extracts Sendable values, then runs on the main actor.
        observers.append(center.addObserver(forName: UIAccessibility.guidedAccessStatusDidChangeNotification,
                                            object: nil, queue: .main) { [weak self] _ in
            MainActor.assumeIsolated { self?.guidedAccess = UIAccessibility.isGuidedAccessEnabled }
        })
        observers.append(center.addObserver(forName: AVCaptureSession.wasInterruptedNotification,
                                            object: session, queue: .main) { [weak self] note in
            let raw = (note.userInfo?[AVCaptureSessionInterruptionReasonKey] as? NSNumber)?.intValue
            let text = KioskModel.interruption(raw.flatMap(AVCaptureSession.InterruptionReason.init(rawValue:)))
            MainActor.assumeIsolated { self?.cameraNote = text }
        })
        observers.append(center.addObserver(forName: AVCaptureSession.interruptionEndedNotification,
                                            object: session, queue: .main) { [weak self] _ in
            MainActor.assumeIsolated { self?.cameraNote = nil }
        })
        observers.append(center.addObserver(forName: AVCaptureSession.runtimeErrorNotification,
                                            object: session, queue: .main) { [weak self] _ in
            MainActor.assumeIsolated { self?.cameraNote = "The camera stopped with an error; restarting." }
            Task { await service.resume() }
        })
        expiryCheck = Task { [weak self] in   // once a minute: an expired gallery is deleted
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                guard let self else { return }
                if let expiresAt = self.expiresAt, expiresAt <= Date() {
                    self.expire()
                    await self.analyzer?.use(.empty, rules: nil)
                }
            }
        }
    }

    nonisolated static func interruption(_ reason: AVCaptureSession.InterruptionReason?) -> String {
        switch reason {
        case .videoDeviceNotAvailableWithMultipleForegroundApps:
            return "The camera is paused while another app is on screen (Split View or Slide Over)."
        case .videoDeviceInUseByAnotherClient: return "Another app is using the camera."
        case .videoDeviceNotAvailableDueToSystemPressure: return "The camera is paused: the iPad is too hot."
        default: return "The camera is paused."
        }
    }

    func scene(active: Bool) async {
        guard phase == .running else { return }
        if let trueDepth {
            if active { trueDepth.start() } else { trueDepth.stop() }
        } else if active {
            await capture.resume()
        } else {
            await capture.stop()
        }
    }

    // MARK: staff PIN (set at first launch, before the camera ever starts)

    func setPin(_ pin: String, again: String) async -> String? {
        guard pin == again else { return "The two PINs differ." }
        if let problem = StaffPin.problem(pin) { return problem }
        do {
            let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
            let hash = try await Task.detached { try StaffPin.hash(pin, salt: salt) }.value
            try keychain.set(Data(hash.utf8), "pin-hash")
            try keychain.set(nil, "pin-guard")
        } catch {
            return error.localizedDescription
        }
        phase = .starting
        await start()
        return nil
    }

    /// A staff sign-in attempt; the lock-out state is kept in the Keychain across restarts.
    func unlock(_ pin: String) async -> PinGuard.Attempt {
        guard let stored = keychain.string("pin-hash") else { return .init(accepted: false, lockedForS: 0, failures: 0) }
        var guard_ = keychain.data("pin-guard").flatMap { try? JSONDecoder().decode(PinGuard.self, from: $0) } ?? PinGuard()
        let now = Date().timeIntervalSince1970
        let result = await Task.detached { [guard_] () -> (PinGuard, PinGuard.Attempt) in
            var copy = guard_
            let attempt = copy.attempt(pin, stored: stored, now: now)
            return (copy, attempt)
        }.value
        guard_ = result.0
        try? keychain.set(try? JSONEncoder().encode(guard_), "pin-guard")
        return result.1
    }

    // MARK: bundles

    /// Read and check a bundle without its passphrase (signature, pinned key, model, expiry, counter).
    func inspect(_ url: URL) async throws -> InspectedBundle {
        guard let analyzer else { throw IFaceError.badInput("The models are not loaded.") }
        let access = url.startAccessingSecurityScopedResource()
        defer { if access { url.stopAccessingSecurityScopedResource() } }
        let size = try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
        guard size <= BundleReader.maxArchiveBytes else { throw IFaceError.zip("\(size) bytes is too large for a bundle") }
        let data = try Data(contentsOf: url, options: .mappedIfSafe)
        let expect = BundleExpectation(embeddingSha256: analyzer.embedderSha256, dim: 128, pinnedKey: pinned,
                                       newestCounter: Int(keychain.string("newest-counter") ?? "") ?? 0, now: Date())
        return try await Task.detached(priority: .userInitiated) { try BundleReader.inspect(data, expecting: expect) }.value
    }

    /// Decrypt and check everything, then replace the gallery and catalog (and pin the shop key on
    /// the first import, after staff confirmed its fingerprint).
    func install(_ inspected: InspectedBundle, passphrase: String) async -> Bool {
        do {
            let imported = try await Task.detached(priority: .userInitiated) {
                try BundleReader.open(inspected, passphrase: passphrase)
            }.value
            try snapshots.save(imported)
            if pinned == nil { try keychain.set(imported.signerKey, "shop-key") }
            try keychain.set(Data(String(imported.counter).utf8), "newest-counter")
            gallery = imported.gallery.removing(Set(imported.forgotten))
            catalog = imported.catalog
            rules = imported.rules
            expiresAt = imported.expiresAt
            counter = imported.counter
            await analyzer?.use(gallery, rules: imported.rules)
            importMessage = "Imported \(gallery.people.count) people and \(catalog.products.count) products (export #\(counter))."
            return true
        } catch {
            try? await Task.sleep(for: .seconds(1))   // slow down passphrase guessing
            importMessage = error.localizedDescription
            return false
        }
    }

    /// Staff wipe: the gallery, catalog, pairing and counter go; the staff PIN stays.
    func wipe() async {
        snapshots.wipe()
        try? keychain.set(nil, "shop-key")
        try? keychain.set(nil, "newest-counter")
        gallery = .empty
        catalog = .empty
        expiresAt = nil
        counter = 0
        await analyzer?.use(.empty, rules: nil)
        importMessage = "Wiped: no gallery, no catalog, no paired PC."
    }

    func imageURL(_ name: String) -> URL { snapshots.imageURL(name) }
}

extension FrameAnalyzer {
    /// Load the models (off the main actor).
    init() throws { self.init(models: try ModelRunner()) }
}
