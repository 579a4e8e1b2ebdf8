import Foundation

/// The smallest ZIP reader a bundle needs: stored (uncompressed) entries only, every offset and
/// length checked against the file before it is used, every size capped before anything is
/// copied. Nothing is ever decompressed, so no directory entry can make the reader allocate more
/// than the file itself holds (a deflate bomb is refused by its compression method alone).
public enum ZipReader {
    /// Limits checked against the directory before any entry is read.
    public struct Limits: Sendable {
        public var maxArchiveBytes: Int
        public var maxEntries: Int
        public var maxDirectoryBytes: Int
        /// The largest size allowed for an entry name, or nil for a name that is not allowed.
        public var cap: @Sendable (String) -> Int?

        public init(maxArchiveBytes: Int, maxEntries: Int, maxDirectoryBytes: Int,
                    cap: @escaping @Sendable (String) -> Int?) {
            self.maxArchiveBytes = maxArchiveBytes
            self.maxEntries = maxEntries
            self.maxDirectoryBytes = maxDirectoryBytes
            self.cap = cap
        }
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let data: Data
    }

    static let endRecord: UInt32 = 0x0605_4B50
    static let zip64Locator: UInt32 = 0x0706_4B50
    static let centralHeader: UInt32 = 0x0201_4B50
    static let localHeader: UInt32 = 0x0403_4B50

    /// The entries in directory order.
    ///
    /// - Throws: `IFaceError.zip` for anything that is not a small stored ZIP within `limits`.
    public static func entries(_ zip: Data, limits: Limits) throws -> [Entry] {
        guard zip.count <= limits.maxArchiveBytes else {
            throw IFaceError.zip("\(zip.count) bytes; a bundle is at most \(limits.maxArchiveBytes)")
        }
        let bytes = [UInt8](zip)
        let end = try findEndRecord(bytes)
        let count = try u16(bytes, end + 10)
        let directorySize = try u32(bytes, end + 12)
        let directoryStart = try u32(bytes, end + 16)
        guard count <= limits.maxEntries, directorySize <= limits.maxDirectoryBytes else {
            throw IFaceError.zip("the directory lists \(count) entries in \(directorySize) bytes")
        }
        guard directoryStart <= end, directorySize <= end - directoryStart else {
            throw IFaceError.zip("the directory lies outside the file")
        }
        var result: [Entry] = []
        var seen = Set<String>()
        var offset = directoryStart
        var total = 0
        for _ in 0..<count {
            let (entry, next) = try readEntry(bytes, at: offset, directoryStart: directoryStart,
                                              directoryEnd: directoryStart + directorySize, limits: limits)
            guard seen.insert(entry.name).inserted else { throw IFaceError.zip("entry \(entry.name) appears twice") }
            total += entry.data.count
            guard total <= limits.maxArchiveBytes else { throw IFaceError.zip("entries exceed the size cap") }
            result.append(entry)
            offset = next
        }
        return result
    }

    static func findEndRecord(_ bytes: [UInt8]) throws -> Int {
        guard bytes.count >= 22 else { throw IFaceError.zip("not a ZIP file (too short)") }
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while at >= lowest {
            if try u32(bytes, at) == Int(endRecord) {
                if at >= 20, try u32(bytes, at - 20) == Int(zip64Locator) {
                    throw IFaceError.zip("ZIP64 archives are not bundles")
                }
                return at
            }
            at -= 1
        }
        throw IFaceError.zip("not a ZIP file (no end record)")
    }

    static func readEntry(_ bytes: [UInt8], at o: Int, directoryStart: Int, directoryEnd: Int,
                          limits: Limits) throws -> (Entry, Int) {
        guard o + 46 <= directoryEnd, try u32(bytes, o) == Int(centralHeader) else {
            throw IFaceError.zip("damaged ZIP directory")
        }
        let flags = try u16(bytes, o + 8), method = try u16(bytes, o + 10)
        let packed = try u32(bytes, o + 20), size = try u32(bytes, o + 24)
        let nameLength = try u16(bytes, o + 28), extraLength = try u16(bytes, o + 30)
        let commentLength = try u16(bytes, o + 32), local = try u32(bytes, o + 42)
        let next = o + 46 + nameLength + extraLength + commentLength
        guard next <= directoryEnd else { throw IFaceError.zip("damaged ZIP directory") }
        let nameBytes = Array(bytes[(o + 46)..<(o + 46 + nameLength)])
        guard !nameBytes.isEmpty, nameBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw IFaceError.zip("an entry name is empty or not printable ASCII")
        }
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard let cap = limits.cap(name) else { throw IFaceError.zip("unexpected or unsafe entry \(name)") }
        guard flags & 1 == 0 else { throw IFaceError.zip("entry \(name) is encrypted at the ZIP level") }
        guard method == 0, packed == size else {
            throw IFaceError.zip("entry \(name) is compressed; bundle entries are stored as is (nothing is decompressed)")
        }
        guard size <= cap else { throw IFaceError.zip("entry \(name) has \(size) bytes, cap \(cap)") }
        guard local + 30 <= directoryStart, try u32(bytes, local) == Int(localHeader) else {
            throw IFaceError.zip("entry \(name) has no local header")
        }
        let localNameLength = try u16(bytes, local + 26), localExtraLength = try u16(bytes, local + 28)
        let start = local + 30 + localNameLength + localExtraLength
        guard localNameLength == nameLength, start <= directoryStart, size <= directoryStart - start,
              Array(bytes[(local + 30)..<(local + 30 + nameLength)]) == nameBytes else {
            throw IFaceError.zip("entry \(name) does not match its local header or overlaps the directory")
        }
        return (Entry(name: name, data: Data(bytes[start..<(start + size)])), next)
    }

    static func u16(_ bytes: [UInt8], _ o: Int) throws -> Int {
        guard o >= 0, o + 2 <= bytes.count else { throw IFaceError.zip("truncated ZIP file") }
        return Int(bytes[o]) | Int(bytes[o + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ o: Int) throws -> Int {
        guard o >= 0, o + 4 <= bytes.count else { throw IFaceError.zip("truncated ZIP file") }
        return Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24
    }
}
