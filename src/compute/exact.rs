//! Exact sums, so that equal aggregates compare equal whatever the order of the values: the
//! mean of a permutation of a system's per-case values is the same `f64`, bit for bit, and so
//! is the mean of any bootstrap sample that draws the same multiset of values.
//!
//! A plain `f64` sum depends on the order of its terms (the last bit differs), which ranked one
//! of two equal systems strictly below the other. Values come from JSON as decimals, so they
//! are summed as the decimals they were written as: each `f64` is read back as its shortest
//! decimal (`0.1`, not 0.1000000000000000055…), the sum is exact in `i128`, and the decimal
//! sum is rounded to `f64` once. Two systems whose written values have the same decimal sum
//! (a permutation, or coarse scores such as 0.3 + 0.4 and 0.2 + 0.5) therefore tie, as in
//! the scipy reference. A row whose decimals would not fit (values spanning dozens of orders
//! of magnitude) is summed exactly in binary instead (Shewchuk's expansion, Python's
//! `math.fsum`), which is also independent of order.

/// `x` as its shortest round-trip decimal `m · 10^e` (`m` without trailing zeros), finite `x`.
fn decimal(x: f64) -> Option<(i64, i32)> {
    if x == 0.0 {
        return Some((0, 0));
    }
    // `{:e}` is the shortest representation that parses back to `x`: "-3.25e-1".
    let text = format!("{x:e}");
    let (mantissa, exp) = text.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: i64 = format!("{int}{frac}").parse().ok()?;
    let mut e = exp - frac.len() as i32;
    let mut m = digits;
    while m != 0 && m % 10 == 0 {
        m /= 10;
        e += 1;
    }
    Some((m, e))
}

/// A row of values prepared for exact (weighted) sums over many weightings, as the bootstrap
/// needs: the decimals are read once.
#[derive(Debug, Clone)]
pub struct Row {
    /// The shortest decimal `(m, e)` of each value (`(0, 0)` for non-finite ones), unless one
    /// could not be read.
    decimals: Option<Vec<(i64, i32)>>,
    /// The same as whole multiples of `10^scale` (the row's smallest exponent) when they fit,
    /// with the largest magnitude: one multiply-add per case and sample. It is the same exact
    /// sum as over the drawn decimals alone, rounded once, so the same result.
    fixed: Option<(Vec<i128>, i32, i128)>,
    /// The values, finite or not (non-finite ones are left out of every sum).
    values: Vec<f64>,
}

impl Row {
    pub fn new(values: &[f64]) -> Self {
        let decimals: Option<Vec<(i64, i32)>> = values
            .iter()
            .map(|&v| {
                if v.is_finite() {
                    decimal(v)
                } else {
                    Some((0, 0))
                }
            })
            .collect();
        let fixed = decimals.as_deref().and_then(|d| {
            let scale = d
                .iter()
                .filter(|p| p.0 != 0)
                .map(|p| p.1)
                .min()
                .unwrap_or(0);
            let mut max = 0i128;
            let mut out = Vec::with_capacity(d.len());
            for &(m, e) in d {
                let v = match m {
                    0 => 0,
                    _ => POW10
                        .get(usize::try_from(e - scale).ok()?)?
                        .checked_mul(i128::from(m))?,
                };
                max = max.max(v.abs());
                out.push(v);
            }
            Some((out, scale, max))
        });
        Row {
            decimals,
            fixed,
            values: values.to_vec(),
        }
    }

    /// `(Σ w[c]·x[c], Σ w[c])` over the finite values `x[c]`: the first is [`sum`] of the
    /// drawn values (each `x[c]` taken `w[c]` times), so it depends on nothing else.
    pub fn weighted_sum(&self, weights: &[u32]) -> (f64, u64) {
        let count: u64 = self
            .values
            .iter()
            .zip(weights)
            .filter(|(v, _)| v.is_finite())
            .map(|(_, &w)| u64::from(w))
            .sum();
        if let Some((mantissas, scale, max)) = &self.fixed
            && max.checked_mul(i128::from(count)).is_some()
        {
            let mut acc = 0i128;
            for (&m, &w) in mantissas.iter().zip(weights) {
                acc += m * i128::from(w);
            }
            if let Some(s) = to_f64(acc, *scale) {
                return (s, count);
            }
        }
        // Too wide for the whole row: the drawn values alone may still fit.
        if let Some(d) = &self.decimals
            && let Some(s) = decimal_sum(d.iter().zip(weights).map(|(&(m, e), &w)| (m, e, w)))
        {
            return (s, count);
        }
        let mut e = Expansion::default();
        for (&v, &w) in self.values.iter().zip(weights) {
            if v.is_finite() && w > 0 {
                e.add_product(v, f64::from(w));
            }
        }
        (e.value(), count)
    }
}

/// Many rows of the same length prepared for exact means over one draw at once, as the
/// bootstrap needs them: every row's mantissas at one common scale, case-major (the values of
/// all rows for one case are adjacent), as `f64`. Each is a whole number of at most 2^53, and
/// so is every partial sum while `max · draws <= 2^53`, so the sums are exact in `f64` and
/// the loop is plain additions the compiler vectorises. The exact sum rounded once
/// ([`to_f64`]) does not depend on the scale it is written at, so the means are those of
/// [`Row::weighted_sum`], bit for bit.
#[derive(Debug, Clone)]
pub struct Columns {
    rows: usize,
    /// `cols[c * rows + r]`: row `r`'s mantissa at case `c` (0 for non-finite values).
    cols: Vec<f64>,
    scale: i32,
    /// Case-major like `cols`: 1 for a finite value, else 0; `None` when all are finite.
    finite: Option<Vec<f64>>,
    /// The largest |mantissa|.
    max: f64,
}

/// Whole numbers up to this are exact in `f64`.
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

impl Columns {
    /// `None` when a row could not be written in fixed point (then each row sums alone).
    pub fn new(rows: &[Row]) -> Option<Self> {
        let n = rows.first()?.values.len();
        let mut fixed = Vec::with_capacity(rows.len());
        for r in rows {
            let (m, scale, _) = r.fixed.as_ref()?;
            if m.len() != n {
                return None;
            }
            fixed.push((m, *scale));
        }
        let scale = fixed.iter().map(|f| f.1).min()?;
        let mut cols = vec![0.0; rows.len() * n];
        let mut max = 0.0f64;
        for (r, (m, s)) in fixed.iter().enumerate() {
            let p = *POW10.get(usize::try_from(s - scale).ok()?)?;
            for (c, &x) in m.iter().enumerate() {
                let v = x.checked_mul(p)?;
                if v.unsigned_abs() > EXACT_F64 as u128 {
                    return None;
                }
                cols[c * rows.len() + r] = v as f64;
                max = max.max((v as f64).abs());
            }
        }
        let finite = rows
            .iter()
            .any(|r| r.values.iter().any(|v| !v.is_finite()))
            .then(|| {
                let mut f = vec![0.0; rows.len() * n];
                for (r, row) in rows.iter().enumerate() {
                    for (c, v) in row.values.iter().enumerate() {
                        f[c * rows.len() + r] = f64::from(u8::from(v.is_finite()));
                    }
                }
                f
            });
        Some(Columns {
            rows: rows.len(),
            cols,
            scale,
            finite,
            max,
        })
    }

    /// The mean of each row over the drawn cases `idx` (case `c` drawn `weights[c]` times;
    /// non-finite values left out; NaN when none is left), into `out[r]`. `rows` are the rows
    /// this was made from, for the rare sum that needs [`Row::weighted_sum`]; `acc` is scratch.
    pub fn means(
        &self,
        idx: &[usize],
        weights: &[u32],
        rows: &[Row],
        acc: &mut Vec<f64>,
        out: &mut [f64],
    ) {
        let k = self.rows;
        if self.max * idx.len() as f64 > EXACT_F64 {
            for (o, r) in out.iter_mut().zip(rows) {
                *o = mean(r.weighted_sum(weights));
            }
            return;
        }
        acc.clear();
        acc.resize(2 * k, 0.0);
        let (sums, counts) = acc.split_at_mut(k);
        for &c in idx {
            for (a, &v) in sums.iter_mut().zip(&self.cols[c * k..(c + 1) * k]) {
                *a += v;
            }
        }
        match &self.finite {
            None => counts.fill(idx.len() as f64),
            Some(f) => {
                for &c in idx {
                    for (a, &v) in counts.iter_mut().zip(&f[c * k..(c + 1) * k]) {
                        *a += v;
                    }
                }
            }
        }
        for (r, o) in out.iter_mut().enumerate().take(k) {
            let count = counts[r] as u64;
            *o = match to_f64(sums[r] as i128, self.scale) {
                Some(s) => mean((s, count)),
                None => rows
                    .get(r)
                    .map_or(f64::NAN, |row| mean(row.weighted_sum(weights))),
            };
        }
    }
}

/// `sum / count`, NaN for no values (as the bootstrap's means).
fn mean((sum, count): (f64, u64)) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Powers of ten that fit in `i128`.
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `Σ w·m·10^e` over the terms with `w > 0` and `m != 0`, exact in `i128` at the smallest
/// exponent among them, rounded once; `None` when it would not fit.
fn decimal_sum(terms: impl Iterator<Item = (i64, i32, u32)> + Clone) -> Option<f64> {
    let used = terms.filter(|&(m, _, w)| m != 0 && w > 0);
    let Some(scale) = used.clone().map(|t| t.1).min() else {
        return Some(0.0);
    };
    let mut acc = 0i128;
    for (m, e, w) in used {
        let p = *POW10.get(usize::try_from(e - scale).ok()?)?;
        let term = p.checked_mul(i128::from(m))?.checked_mul(i128::from(w))?;
        acc = acc.checked_add(term)?;
    }
    to_f64(acc, scale)
}

/// `acc · 10^scale` rounded once to the nearest `f64` (the standard parser rounds correctly).
fn to_f64(acc: i128, scale: i32) -> Option<f64> {
    if acc == 0 {
        return Some(0.0);
    }
    // Clinger's fast path: both factors exact in f64, so one operation rounds once.
    const P: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if acc.unsigned_abs() < 1 << 53
        && let Some(&p) = P.get(scale.unsigned_abs() as usize)
    {
        let a = acc as f64;
        return Some(if scale >= 0 { a * p } else { a / p });
    }
    format!("{acc}e{scale}")
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite())
}

/// The exact sum of the finite `values` (non-finite ones left out), rounded once: the sum of
/// their shortest decimals, else (values too far apart for that) their binary sum.
pub fn sum(values: &[f64]) -> f64 {
    let decimals: Option<Vec<(i64, i32)>> = values
        .iter()
        .map(|&v| {
            if v.is_finite() {
                decimal(v)
            } else {
                Some((0, 0))
            }
        })
        .collect();
    if let Some(d) = decimals
        && let Some(s) = decimal_sum(d.iter().map(|&(m, e)| (m, e, 1)))
    {
        return s;
    }
    let mut e = Expansion::default();
    for &v in values.iter().filter(|v| v.is_finite()) {
        e.add(v);
    }
    e.value()
}

/// Shewchuk's non-overlapping expansion: the exact sum as a few `f64` partials (Python's
/// `math.fsum`).
#[derive(Debug, Default)]
struct Expansion {
    partials: Vec<f64>,
}

impl Expansion {
    fn add(&mut self, mut x: f64) {
        let mut i = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        self.partials.truncate(i);
        self.partials.push(x);
    }

    /// Adds `a · b` exactly: the rounded product and its error (a fused multiply-add gives
    /// the error exactly).
    fn add_product(&mut self, a: f64, b: f64) {
        let p = a * b;
        let err = a.mul_add(b, -p);
        self.add(p);
        if err != 0.0 {
            self.add(err);
        }
    }

    /// The partials' sum rounded once (half to even), as `math.fsum` finishes.
    fn value(&self) -> f64 {
        let p = &self.partials;
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::uncertainty::SplitMix64;

    fn expansion_sum(v: &[f64]) -> f64 {
        let mut e = Expansion::default();
        v.iter().for_each(|&x| e.add(x));
        e.value()
    }

    #[test]
    fn sums_are_exact_in_the_written_decimals() {
        // Summed in order, these give 0.6000000000000001 and 0.0.
        assert_eq!(sum(&[0.1, 0.2, 0.3]), 0.6);
        assert_eq!(sum(&[0.3, 0.2, 0.1]), 0.6);
        assert_eq!(sum(&[1e100, 1.0, -1e100]), 1.0);
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(sum(&[f64::NAN, 2.5]), 2.5);
        // Coarse scores with the same decimal sum (the scipy reference's "coarse ties").
        assert_eq!(sum(&[0.3, 0.4, 0.1]), sum(&[0.2, 0.5, 0.1]));
        assert_eq!(decimal(0.1), Some((1, -1)));
        // The fast and the parsing conversion agree.
        for (acc, scale) in [
            (7i128, -1),
            (-36666666, -8),
            (123456789, 5),
            (3, -22),
            (1, -23),
        ] {
            let want: f64 = format!("{acc}e{scale}").parse().unwrap();
            assert_eq!(to_f64(acc, scale), Some(want));
        }
        assert_eq!(decimal(-2500.0), Some((-25, 2)));
        assert_eq!(decimal(0.36666666666666664), Some((36666666666666664, -17)));
    }

    #[test]
    fn the_binary_expansion_is_exactly_rounded() {
        // Ties to even at the last bit: 1 + 2^-53 is halfway between 1 and its successor.
        assert_eq!(expansion_sum(&[1.0, 2f64.powi(-53)]), 1.0);
        assert_eq!(
            expansion_sum(&[1.0, 2f64.powi(-53), 2f64.powi(-100)]),
            1.0 + f64::EPSILON
        );
        assert_eq!(expansion_sum(&[1e308, 1e-308, -1e308]), 1e-308);
        // Values too far apart for the decimal path still sum exactly.
        assert_eq!(sum(&[1e300, 1e-300, -1e300]), 1e-300);
    }

    #[test]
    fn sums_ignore_order() {
        let mut rng = SplitMix64::new(5);
        for round in 0..300 {
            let n = 1 + rng.below(60) as usize;
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    let x = rng.below(1 << 53) as f64 / (1u64 << 53) as f64;
                    match round % 4 {
                        0 => x,
                        1 => (x - 0.5) * 100.0,
                        2 => (x * 20.0).round() / 20.0,
                        // A span too wide for the decimal path.
                        _ => x * 2f64.powi(rng.below(400) as i32 - 200),
                    }
                })
                .collect();
            let (s, e) = (sum(&v), expansion_sum(&v));
            v.reverse();
            v.rotate_left(n / 3);
            assert_eq!(s.to_bits(), sum(&v).to_bits(), "round {round}");
            assert_eq!(e.to_bits(), expansion_sum(&v).to_bits(), "round {round}");
        }
    }

    #[test]
    fn weighted_sums_equal_the_sum_of_the_drawn_values() {
        let mut rng = SplitMix64::new(9);
        for round in 0..200 {
            let n = 1 + rng.below(40) as usize;
            let mut v: Vec<f64> = (0..n)
                .map(|_| rng.below(1 << 40) as f64 / (1u64 << 40) as f64 * 0.9 + 0.05)
                .collect();
            if round % 2 == 1 {
                v[0] *= 1e-200; // the binary expansion
            }
            if round % 5 == 0 {
                v[n - 1] = f64::NAN;
            }
            let w: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            let drawn: Vec<f64> = v
                .iter()
                .zip(&w)
                .flat_map(|(&x, &k)| std::iter::repeat_n(x, k as usize))
                .collect();
            let (s, count) = Row::new(&v).weighted_sum(&w);
            assert_eq!(s.to_bits(), sum(&drawn).to_bits(), "round {round}");
            let finite = drawn.iter().filter(|x| x.is_finite()).count();
            assert_eq!(count, finite as u64);
        }
    }
}
