import Foundation
import IFaceCore
import Security

/// Small secrets in the Keychain (this device only, readable while unlocked): the staff PIN hash,
/// the PIN lock-out, the pinned shop key and the newest export number imported. Nothing here is
/// in UserDefaults, so deleting preferences cannot reset the lock-out or the pairing.
struct Keychain: Sendable {
    let service = "iface.kiosk"

    func data(_ account: String) -> Data? {
        let query: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service,
                                    kSecAttrAccount as String: account, kSecReturnData as String: true,
                                    kSecMatchLimit as String: kSecMatchLimitOne]
        var item: CFTypeRef?
        return SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess ? item as? Data : nil
    }

    func set(_ value: Data?, _ account: String) throws {
        let match: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service,
                                    kSecAttrAccount as String: account]
        SecItemDelete(match as CFDictionary)
        guard let value else { return }
        var add = match
        add[kSecValueData as String] = value
        add[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else { throw IFaceError.badInput("Keychain write failed (\(status))") }
    }

    func string(_ account: String) -> String? { data(account).flatMap { String(data: $0, encoding: .utf8) } }
}

/// The imported gallery, catalog and rules on disk, complete file protection (encrypted by iPadOS
/// whenever the device is locked), replaced atomically; the passphrase is never stored.
struct SnapshotStore: Sendable {
    struct Snapshot: Codable, Sendable {
        struct Entry: Codable, Sendable { let person: Person; let templates: [[Float]] }
        let dim: Int
        let maxDistance: Double
        let people: [Entry]
        let rules: KioskRules
        let expiresAt: Date
        let counter: Int
    }

    var directory: URL {
        FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("gallery", isDirectory: true)
    }

    func save(_ bundle: ImportedBundle) throws {
        let gallery = bundle.gallery
        let snapshot = Snapshot(dim: gallery.dim, maxDistance: gallery.maxDistance,
                                people: gallery.people.enumerated().map { Snapshot.Entry(person: $1, templates: gallery.templates(of: $0)) },
                                rules: bundle.rules, expiresAt: bundle.expiresAt, counter: bundle.counter)
        let files = FileManager.default
        let fresh = directory.deletingLastPathComponent().appendingPathComponent("gallery.new", isDirectory: true)
        try? files.removeItem(at: fresh)
        try files.createDirectory(at: fresh, withIntermediateDirectories: true,
                                  attributes: [.protectionKey: FileProtectionType.complete])
        try JSONEncoder().encode(snapshot).write(to: fresh.appendingPathComponent("gallery.json"),
                                                 options: [.atomic, .completeFileProtection])
        try bundle.catalogJSON.write(to: fresh.appendingPathComponent("catalog.json"), options: [.atomic, .completeFileProtection])
        for (name, bytes) in bundle.images {   // names were checked: images/<sha256>.<jpg|png>
            try bytes.write(to: fresh.appendingPathComponent(String(name.dropFirst("images/".count))),
                            options: [.atomic, .completeFileProtection])
        }
        if files.fileExists(atPath: directory.path) {
            _ = try files.replaceItemAt(directory, withItemAt: fresh)
        } else {
            try files.moveItem(at: fresh, to: directory)
        }
    }

    func load() throws -> (gallery: Gallery, catalog: Catalog, snapshot: Snapshot)? {
        let url = directory.appendingPathComponent("gallery.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let snapshot = try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: url))
        let rows = snapshot.people.enumerated().flatMap { index, entry in entry.templates.map { ($0, index) } }
        let gallery = try Gallery(dim: snapshot.dim, maxDistance: snapshot.maxDistance,
                                  people: snapshot.people.map { $0.person },
                                  templates: rows.map { $0.0 }, owners: rows.map { $0.1 })
        let catalogJSON = (try? Data(contentsOf: directory.appendingPathComponent("catalog.json"))) ?? Data()
        let images = Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.map { "images/" + $0 }
        let catalog = (try? Catalog.decode(catalogJSON, images: Set(images))) ?? .empty
        return (gallery, catalog, snapshot)
    }

    func imageURL(_ name: String) -> URL { directory.appendingPathComponent(String(name.dropFirst("images/".count))) }

    /// Delete everything imported (staff wipe, or an expired gallery).
    func wipe() { try? FileManager.default.removeItem(at: directory) }
}
