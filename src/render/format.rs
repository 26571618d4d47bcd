//! Number formatting for pages: pre-formatted strings keep templates free of arithmetic.

/// A score with as many decimals as its size needs: 0.812, 12.35, 143.2.
pub fn score(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A rank: "3", or "2.5" for an average tie.
pub fn rank(r: f64) -> String {
    // Quantiles of ranks interpolate: 2.9999999 reads as 3.
    let r = (r * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Thousands separated by commas: 1,250,000.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Euros, whole: "€ 245,000".
pub fn eur(v: f64) -> String {
    format!("€\u{a0}{}", thousands(v.round().max(0.0) as u64))
}

/// A share 0..1 as a percentage: "41%".
pub fn percent(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(score(0.81234), "0.812");
        assert_eq!(score(12.345), "12.35");
        assert_eq!(score(f64::NAN), "–");
        assert_eq!(rank(2.0), "2");
        assert_eq!(rank(2.5), "2.5");
        assert_eq!(rank(2.9999999), "3");
        assert_eq!(rank(3.25), "3.3");
        assert_eq!(thousands(1_250_000), "1,250,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(eur(245000.0), "€\u{a0}245,000");
        assert_eq!(percent(0.414), "41%");
    }
}
