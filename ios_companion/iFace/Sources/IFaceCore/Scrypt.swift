import CommonCrypto
import Foundation

/// scrypt (RFC 7914): PBKDF2-HMAC-SHA256 (CommonCrypto) around ROMix with Salsa20/8 BlockMix.
/// CryptoKit has no scrypt; this is the whole algorithm, checked against RFC 7914's vectors.
public enum Scrypt {
    public static func derive(password: Data, salt: Data, n: Int, r: Int, p: Int, length: Int) throws -> Data {
        guard n > 1, n & (n - 1) == 0, r > 0, p > 0 else { throw IFaceError.badInput("bad scrypt parameters") }
        let blockWords = 32 * r
        var b = try pbkdf2(password: password, salt: salt, length: p * 128 * r)
        var words = [UInt32](repeating: 0, count: p * blockWords)
        b.withUnsafeBytes { raw in
            for i in 0..<words.count { words[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        }
        var v = [UInt32](repeating: 0, count: n * blockWords)
        var scratch = [UInt32](repeating: 0, count: blockWords)
        for block in 0..<p {
            var x = Array(words[block * blockWords..<(block + 1) * blockWords])
            roMix(&x, n: n, r: r, v: &v, scratch: &scratch)
            words.replaceSubrange(block * blockWords..<(block + 1) * blockWords, with: x)
        }
        b = Data(count: words.count * 4)
        b.withUnsafeMutableBytes { raw in
            for (i, w) in words.enumerated() { raw.storeBytes(of: w.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return try pbkdf2(password: password, salt: b, length: length)
    }

    static func pbkdf2(password: Data, salt: Data, length: Int) throws -> Data {
        var out = Data(count: length)
        let status = out.withUnsafeMutableBytes { outRaw in
            salt.withUnsafeBytes { saltRaw in
                password.withUnsafeBytes { pwRaw in
                    CCKeyDerivationPBKDF(
                        CCPBKDFAlgorithm(kCCPBKDF2), pwRaw.baseAddress?.assumingMemoryBound(to: CChar.self), password.count,
                        saltRaw.baseAddress?.assumingMemoryBound(to: UInt8.self), salt.count,
                        CCPseudoRandomAlgorithm(kCCPRFHmacAlgSHA256), 1,
                        outRaw.baseAddress?.assumingMemoryBound(to: UInt8.self), length)
                }
            }
        }
        guard status == kCCSuccess else { throw IFaceError.badInput("PBKDF2 failed (\(status))") }
        return out
    }

    static func roMix(_ x: inout [UInt32], n: Int, r: Int, v: inout [UInt32], scratch: inout [UInt32]) {
        let len = 32 * r
        for i in 0..<n {
            v.replaceSubrange(i * len..<(i + 1) * len, with: x)
            blockMix(&x, r: r, scratch: &scratch)
        }
        for _ in 0..<n {
            let j = Int(x[(2 * r - 1) * 16] & UInt32(n - 1))
            for k in 0..<len { x[k] ^= v[j * len + k] }
            blockMix(&x, r: r, scratch: &scratch)
        }
    }

    static func blockMix(_ b: inout [UInt32], r: Int, scratch y: inout [UInt32]) {
        var x = Array(b[(2 * r - 1) * 16..<(2 * r) * 16])
        for i in 0..<(2 * r) {
            for k in 0..<16 { x[k] ^= b[i * 16 + k] }
            salsa20_8(&x)
            // even blocks go to the first half, odd blocks to the second
            let dest = (i % 2 == 0 ? i / 2 : r + i / 2) * 16
            y.replaceSubrange(dest..<dest + 16, with: x)
        }
        b = y
    }

    static func salsa20_8(_ block: inout [UInt32]) {
        var x = block
        func rotl(_ a: UInt32, _ n: UInt32) -> UInt32 { (a << n) | (a >> (32 - n)) }
        for _ in 0..<4 {
            x[4] ^= rotl(x[0] &+ x[12], 7); x[8] ^= rotl(x[4] &+ x[0], 9)
            x[12] ^= rotl(x[8] &+ x[4], 13); x[0] ^= rotl(x[12] &+ x[8], 18)
            x[9] ^= rotl(x[5] &+ x[1], 7); x[13] ^= rotl(x[9] &+ x[5], 9)
            x[1] ^= rotl(x[13] &+ x[9], 13); x[5] ^= rotl(x[1] &+ x[13], 18)
            x[14] ^= rotl(x[10] &+ x[6], 7); x[2] ^= rotl(x[14] &+ x[10], 9)
            x[6] ^= rotl(x[2] &+ x[14], 13); x[10] ^= rotl(x[6] &+ x[2], 18)
            x[3] ^= rotl(x[15] &+ x[11], 7); x[7] ^= rotl(x[3] &+ x[15], 9)
            x[11] ^= rotl(x[7] &+ x[3], 13); x[15] ^= rotl(x[11] &+ x[7], 18)
            x[1] ^= rotl(x[0] &+ x[3], 7); x[2] ^= rotl(x[1] &+ x[0], 9)
            x[3] ^= rotl(x[2] &+ x[1], 13); x[0] ^= rotl(x[3] &+ x[2], 18)
            x[6] ^= rotl(x[5] &+ x[4], 7); x[7] ^= rotl(x[6] &+ x[5], 9)
            x[4] ^= rotl(x[7] &+ x[6], 13); x[5] ^= rotl(x[4] &+ x[7], 18)
            x[11] ^= rotl(x[10] &+ x[9], 7); x[8] ^= rotl(x[11] &+ x[10], 9)
            x[9] ^= rotl(x[8] &+ x[11], 13); x[10] ^= rotl(x[9] &+ x[8], 18)
            x[12] ^= rotl(x[15] &+ x[14], 7); x[13] ^= rotl(x[12] &+ x[15], 9)
            x[14] ^= rotl(x[13] &+ x[12], 13); x[15] ^= rotl(x[14] &+ x[13], 18)
        }
        for i in 0..<16 { block[i] = block[i] &+ x[i] }
    }
}
