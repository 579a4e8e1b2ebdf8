import Foundation

/// Small dense least squares for the liveness fits (kiosk/core/face_motion.py `_solve`, which
/// calls numpy's lstsq): a design of a few hundred rows and at most ten columns, two targets (x
/// and y). Householder QR with column pivoting; columns that add nothing (rank deficiency, e.g. a
/// mesh without depth) get coefficient 0. numpy returns the minimum-norm solution instead, but
/// the fitted values of the rows used (the residuals) are the same for every least-squares
/// solution, and the residuals are all the liveness code reads.
enum LeastSquares {
    /// Coefficients `c` (one Point per design column: x target, y target) minimising
    /// |design @ c - target|. `design` holds one row per point, all rows the same length.
    static func solve(_ design: [[Double]], _ target: [Point]) -> [Point] {
        let m = design.count
        guard m > 0, target.count == m else { return [] }
        let k = design[0].count
        var a = design
        var bx = target.map { $0.x }
        var by = target.map { $0.y }
        var perm = Array(0..<k)
        var rank = 0
        var tolerance = 0.0
        let steps = min(m, k)
        var j = 0
        while j < steps {
            // Pivot: the remaining column with the largest norm below row j.
            var best = j
            var bestNorm = -1.0
            for c in j..<k {
                var s = 0.0
                for i in j..<m { s += a[i][c] * a[i][c] }
                if s > bestNorm { bestNorm = s; best = c }
            }
            if best != j {
                for i in 0..<m { a[i].swapAt(j, best) }
                perm.swapAt(j, best)
            }
            let norm = bestNorm.squareRoot()
            if j == 0 { tolerance = Double(max(m, k)) * Double.ulpOfOne * norm }
            if !(norm > tolerance) { break }
            // Householder reflection taking column j (rows j..<m) to alpha * e_j.
            let alpha = a[j][j] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: m - j)
            for i in j..<m { v[i - j] = a[i][j] }
            v[0] -= alpha
            var vv = 0.0
            for x in v { vv += x * x }
            if vv > 0 {
                for c in (j + 1)..<max(k, j + 1) {
                    var dot = 0.0
                    for i in j..<m { dot += v[i - j] * a[i][c] }
                    let f = 2 * dot / vv
                    for i in j..<m { a[i][c] -= f * v[i - j] }
                }
                var dx = 0.0, dy = 0.0
                for i in j..<m { dx += v[i - j] * bx[i]; dy += v[i - j] * by[i] }
                let fx = 2 * dx / vv, fy = 2 * dy / vv
                for i in j..<m { bx[i] -= fx * v[i - j]; by[i] -= fy * v[i - j] }
            }
            a[j][j] = alpha
            for i in (j + 1)..<max(m, j + 1) { a[i][j] = 0 }
            rank = j + 1
            j += 1
        }
        // Back substitution on the leading rank x rank triangle; the rest stay 0.
        var cx = [Double](repeating: 0, count: k)
        var cy = [Double](repeating: 0, count: k)
        var r = rank - 1
        while r >= 0 {
            var sx = bx[r], sy = by[r]
            for c in (r + 1)..<max(rank, r + 1) { sx -= a[r][c] * cx[c]; sy -= a[r][c] * cy[c] }
            cx[r] = sx / a[r][r]
            cy[r] = sy / a[r][r]
            r -= 1
        }
        var out = [Point](repeating: Point(0, 0), count: k)
        for c in 0..<k { out[perm[c]] = Point(cx[c], cy[c]) }
        return out
    }

    /// design row @ coefficients.
    static func predict(_ row: [Double], _ coef: [Point]) -> Point {
        var x = 0.0, y = 0.0
        for c in 0..<min(row.count, coef.count) { x += row[c] * coef[c].x; y += row[c] * coef[c].y }
        return Point(x, y)
    }
}
