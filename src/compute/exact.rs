//! Exactly rounded sums, so that equal aggregates compare equal whatever the order of the
//! values: the mean of a permutation of a system's per-case values is the same `f64`, bit for
//! bit, and so is the mean of any bootstrap sample that draws the same multiset of values.
//!
//! A plain `f64` sum depends on the order of its terms (the last bit differs), which ranked one
//! of two equal systems strictly below the other; R's `mean` (challengeR) ties them. An exactly
//! rounded sum is the exact real sum rounded once to nearest, ties to even, so it is a function
//! of the multiset of terms alone.
//!
//! Two ways to the same result: when a row's values span at most [`MAX_SPAN`] bits (the usual
//! case: scores of similar magnitude), each value is a whole multiple of the row's smallest
//! unit and the sum is an `i128` integer sum, rounded once when converted back; otherwise
//! Shewchuk's exact expansion (Python's `math.fsum`) with error-free products.

/// Widest span, in bits, between a row's largest value and its smallest unit for the integer
/// path: the sum of up to 2^32 weighted terms then stays below 2^127.
const MAX_SPAN: i32 = 94;

/// `x = m · 2^e` with `m` odd (or `x` = 0: `(0, 0)`), for finite `x`.
fn decompose(x: f64) -> (i64, i32) {
    if x == 0.0 {
        return (0, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1i64 << 52), exp - 1075)
    };
    let tz = m.trailing_zeros() as i32;
    let m = m >> tz;
    (if x < 0.0 { -m } else { m }, e + tz)
}

/// A row of values prepared for exact (weighted) sums over many weightings, as the bootstrap
/// needs: the integer form is computed once.
#[derive(Debug, Clone)]
pub struct Row {
    /// `values[c] = mantissas[c] · 2^scale` for finite values, 0 for the others.
    fixed: Option<(Vec<i128>, i32)>,
    /// The values, finite or not (non-finite ones are left out of every sum).
    values: Vec<f64>,
}

impl Row {
    pub fn new(values: &[f64]) -> Self {
        Row {
            fixed: fixed(values),
            values: values.to_vec(),
        }
    }

    /// `(Σ w[c]·x[c], Σ w[c])` over the finite values `x[c]`, the first exactly rounded.
    pub fn weighted_sum(&self, weights: &[u32]) -> (f64, u64) {
        let count: u64 = self
            .values
            .iter()
            .zip(weights)
            .filter(|(v, _)| v.is_finite())
            .map(|(_, &w)| u64::from(w))
            .sum();
        if let Some((mantissas, scale)) = &self.fixed {
            let acc: i128 = mantissas
                .iter()
                .zip(weights)
                .map(|(&m, &w)| m * i128::from(w))
                .sum();
            if let Some(s) = to_f64(acc, *scale) {
                return (s, count);
            }
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

/// The integer form of the finite `values`, when their span allows it.
fn fixed(values: &[f64]) -> Option<(Vec<i128>, i32)> {
    let parts: Vec<(i64, i32)> = values
        .iter()
        .map(|&v| if v.is_finite() { decompose(v) } else { (0, 0) })
        .collect();
    let nonzero = || parts.iter().filter(|p| p.0 != 0);
    let Some(scale) = nonzero().map(|p| p.1).min() else {
        return Some((vec![0; values.len()], 0));
    };
    let top = nonzero()
        .map(|&(m, e)| e + (64 - m.unsigned_abs().leading_zeros() as i32))
        .max()
        .unwrap_or(scale);
    if top - scale > MAX_SPAN {
        return None;
    }
    Some((
        parts
            .iter()
            .map(|&(m, e)| {
                if m == 0 {
                    0
                } else {
                    i128::from(m) << (e - scale)
                }
            })
            .collect(),
        scale,
    ))
}

/// `acc · 2^scale` rounded once to the nearest `f64`, or `None` where scaling could round a
/// second time (a subnormal or overflowing result, a scale below the normal range).
fn to_f64(acc: i128, scale: i32) -> Option<f64> {
    if acc == 0 {
        return Some(0.0);
    }
    // Int-to-float casts round to nearest, ties to even: the one rounding.
    let rounded = acc as f64;
    if !(-1022..=1023).contains(&scale) {
        return None;
    }
    let s = rounded * f64::from_bits(((scale + 1023) as u64) << 52);
    (s.is_finite() && s.abs() >= f64::MIN_POSITIVE).then_some(s)
}

/// The exactly rounded sum of the finite `values` (non-finite ones are left out).
pub fn sum(values: &[f64]) -> f64 {
    if let Some((mantissas, scale)) = fixed(values)
        && let Some(s) = to_f64(mantissas.iter().sum(), scale)
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
    fn sums_are_exactly_rounded() {
        // Naive summation gives 0.6000000000000001 and 0.0 here.
        assert_eq!(sum(&[0.1, 0.2, 0.3]), 0.6);
        assert_eq!(sum(&[1e100, 1.0, -1e100]), 1.0);
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(sum(&[f64::NAN, 2.5]), 2.5);
        // Ties to even at the last bit: 1 + 2^-53 is halfway between 1 and its successor.
        assert_eq!(sum(&[1.0, 2f64.powi(-53)]), 1.0);
        assert_eq!(
            sum(&[1.0, 2f64.powi(-53), 2f64.powi(-100)]),
            1.0 + f64::EPSILON
        );
        assert_eq!(sum(&[5e-324, 5e-324]), 1e-323);
    }

    #[test]
    fn both_paths_agree_and_ignore_order() {
        let mut rng = SplitMix64::new(5);
        for round in 0..300 {
            let n = 1 + rng.below(60) as usize;
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    let x = rng.below(1 << 53) as f64 / (1u64 << 53) as f64;
                    match round % 3 {
                        0 => x,
                        1 => (x - 0.5) * 100.0,
                        // A span too wide for the integer path.
                        _ => x * 2f64.powi(rng.below(200) as i32 - 100),
                    }
                })
                .collect();
            let s = sum(&v);
            assert_eq!(s.to_bits(), expansion_sum(&v).to_bits(), "round {round}");
            v.reverse();
            v.rotate_left(n / 3);
            assert_eq!(s.to_bits(), sum(&v).to_bits(), "round {round}");
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
                v[0] *= 1e-60; // the expansion path
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
