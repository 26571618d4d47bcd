//! Rankings of one task's leaderboard, following the task's `evaluation.ranking`.
//!
//! Aggregation, missing-value policy, tie rule and the three challengeR schemes live here; the
//! uncertainty analysis (bootstrap, significance maps) builds on the same per-case matrix.

use crate::model::*;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The per-case values of one metric after the missing-case policy: one row per entry, one
/// column per case kept. `None` remains only for reference rows under `exclude_case`.
#[derive(Debug, Clone)]
pub struct CaseMatrix {
    pub cases: Vec<usize>,
    pub values: Vec<Option<Vec<Option<f64>>>>,
}

/// The computed leaderboard of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRanking {
    pub task: Slug,
    pub method: RankingMethod,
    pub metric: Slug,
    pub direction: Direction,
    pub aggregation: Aggregation,
    pub ties: Ties,
    pub missing_case_policy: MissingCasePolicy,
    /// Whether every ranked entry has per-case values for the ranking metric. Without them the
    /// ranking is aggregate-then-rank on the given scores and no uncertainty can be shown.
    pub has_per_case: bool,
    /// Cases that entered the ranking metric's aggregate (after `exclude_case`).
    pub n_cases_used: usize,
    /// One per leaderboard entry, in leaderboard order.
    pub entries: Vec<EntryResult>,
    /// Indices into `entries`: ranked entries by rank (ties in leaderboard order), then
    /// unranked entries, then reference-only entries.
    pub order: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryResult {
    /// 1-based rank; `None` for reference-only entries and for entries without a value.
    pub rank: Option<f64>,
    /// Aggregate value of every task metric (computed from per-case values, else as given).
    pub aggregates: IndexMap<String, Option<f64>>,
    /// Missing per-case results of the ranking metric.
    pub n_missing: usize,
    /// The value the scheme ranked by: aggregate, mean rank, or share of systems beaten.
    pub ranking_score: Option<f64>,
}

impl TaskRanking {
    /// Number of entries that received a rank.
    pub fn n_ranked(&self) -> usize {
        self.entries.iter().filter(|e| e.rank.is_some()).count()
    }
}

/// Computes the ranking of `lb` under the task's evaluation settings. `None` when the task
/// defines no evaluation or its ranking metric does not exist (validation reports that).
pub fn rank_task(task: &Task, lb: &Leaderboard) -> Option<TaskRanking> {
    let eval = task.evaluation.as_ref()?;
    let metric = eval.ranking_metric()?;
    let ranking = eval.ranking.clone().unwrap_or(Ranking {
        method: RankingMethod::AggregateThenRank,
        metric: None,
        aggregation: Aggregation::Mean,
        missing_case_policy: MissingCasePolicy::WorstValue,
        ties: Ties::Min,
        bootstrap: Bootstrap::default(),
        alpha: 0.05,
    });

    let ranked: Vec<bool> = lb.entries.iter().map(|e| !e.reference_only).collect();
    let mut entries: Vec<EntryResult> = lb
        .entries
        .iter()
        .map(|_| EntryResult {
            rank: None,
            aggregates: IndexMap::new(),
            n_missing: 0,
            ranking_score: None,
        })
        .collect();

    for m in &eval.metrics {
        let matrix = case_matrix(lb, m, ranking.missing_case_policy, &ranked);
        for (i, e) in lb.entries.iter().enumerate() {
            let value = match &matrix.values[i] {
                Some(row) => aggregate(row.iter().flatten().copied(), ranking.aggregation),
                None => e.scores.get(m.id.as_str()).copied(),
            };
            entries[i].aggregates.insert(m.id.to_string(), value);
        }
    }
    for (i, e) in lb.entries.iter().enumerate() {
        entries[i].n_missing = e
            .per_case
            .get(metric.id.as_str())
            .map(|v| v.iter().filter(|x| x.is_none()).count())
            .unwrap_or(0);
    }

    let matrix = case_matrix(lb, metric, ranking.missing_case_policy, &ranked);
    let has_per_case = lb
        .entries
        .iter()
        .enumerate()
        .filter(|(i, _)| ranked[*i])
        .all(|(i, _)| matrix.values[i].is_some());
    let method = if has_per_case {
        ranking.method
    } else {
        RankingMethod::AggregateThenRank
    };

    let candidates: Vec<usize> = (0..lb.entries.len())
        .filter(|&i| ranked[i] && entries[i].aggregates[metric.id.as_str()].is_some())
        .collect();
    let scores: Vec<f64> = match method {
        RankingMethod::AggregateThenRank => candidates
            .iter()
            .map(|&i| entries[i].aggregates[metric.id.as_str()].unwrap_or(f64::NAN))
            .collect(),
        RankingMethod::RankThenAggregate => {
            mean_case_ranks(&matrix, &candidates, metric.direction, &ranking)
        }
        RankingMethod::TestThenRank => {
            share_beaten(&matrix, &candidates, metric.direction, ranking.alpha)
        }
    };
    // Lower mean rank is better; a larger share of systems beaten is better.
    let score_direction = match method {
        RankingMethod::AggregateThenRank => metric.direction,
        RankingMethod::RankThenAggregate => Direction::LowerIsBetter,
        RankingMethod::TestThenRank => Direction::HigherIsBetter,
    };
    let ranks = rank_values(&scores, score_direction, ranking.ties);
    for (k, &i) in candidates.iter().enumerate() {
        entries[i].rank = Some(ranks[k]);
        entries[i].ranking_score = Some(scores[k]);
    }

    let mut order: Vec<usize> = candidates.clone();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (
            entries[a].rank.unwrap_or(f64::MAX),
            entries[b].rank.unwrap_or(f64::MAX),
        );
        ra.total_cmp(&rb).then(a.cmp(&b))
    });
    order.extend((0..lb.entries.len()).filter(|&i| ranked[i] && !candidates.contains(&i)));
    order.extend((0..lb.entries.len()).filter(|&i| !ranked[i]));

    Some(TaskRanking {
        task: task.id.clone(),
        method,
        metric: metric.id.clone(),
        direction: metric.direction,
        aggregation: ranking.aggregation,
        ties: ranking.ties,
        missing_case_policy: ranking.missing_case_policy,
        has_per_case,
        n_cases_used: matrix.cases.len(),
        entries,
        order,
    })
}

/// Applies the missing-case policy to one metric's per-case values. `exclude_case` drops a
/// case for every entry when any ranked entry lacks it; `worst_value` fills gaps with the
/// metric's worst value.
pub fn case_matrix(
    lb: &Leaderboard,
    metric: &Metric,
    policy: MissingCasePolicy,
    ranked: &[bool],
) -> CaseMatrix {
    let rows: Vec<Option<&Vec<Option<f64>>>> = lb
        .entries
        .iter()
        .map(|e| e.per_case.get(metric.id.as_str()))
        .collect();
    let n = lb.cases.len();
    let cases: Vec<usize> = match policy {
        MissingCasePolicy::WorstValue => (0..n).collect(),
        MissingCasePolicy::ExcludeCase => (0..n)
            .filter(|&c| {
                rows.iter().enumerate().all(|(i, row)| {
                    !ranked[i] || row.is_none_or(|r| r.get(c).copied().flatten().is_some())
                })
            })
            .collect(),
    };
    let worst = metric.worst();
    let values = rows
        .iter()
        .map(|row| {
            row.map(|r| {
                cases
                    .iter()
                    .map(|&c| {
                        let v = r.get(c).copied().flatten();
                        match policy {
                            MissingCasePolicy::WorstValue => v.or(worst),
                            MissingCasePolicy::ExcludeCase => v,
                        }
                    })
                    .collect()
            })
        })
        .collect();
    CaseMatrix { cases, values }
}

/// Mean or median; `None` for no values.
pub fn aggregate(values: impl Iterator<Item = f64>, how: Aggregation) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    match how {
        // Exactly rounded, so equal multisets of values give equal means in any order.
        Aggregation::Mean => Some(super::exact::sum(&v) / v.len() as f64),
        Aggregation::Median => {
            v.sort_by(f64::total_cmp);
            let m = v.len() / 2;
            Some(if v.len().is_multiple_of(2) {
                (v[m - 1] + v[m]) / 2.0
            } else {
                v[m]
            })
        }
    }
}

/// Ranks as R's `rank(ties.method = "min" | "average")`, with 1 for the best value. A NaN
/// (no value) ranks behind every value, all NaNs tied.
pub fn rank_values(values: &[f64], direction: Direction, ties: Ties) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    rank_into(values, direction, ties, &mut out);
    out
}

/// [`rank_values`] into a caller's buffer (`out.len() == values.len()`), without allocating:
/// the bootstrap calls it once per sample.
pub fn rank_into(values: &[f64], direction: Direction, ties: Ties, out: &mut [f64]) {
    let better = |a: f64, b: f64| {
        if a.is_nan() {
            return false;
        }
        if b.is_nan() {
            return true;
        }
        match direction {
            Direction::HigherIsBetter => a > b,
            Direction::LowerIsBetter => a < b,
        }
    };
    let equal = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    for (slot, &v) in out.iter_mut().zip(values) {
        let mut n_better = 0usize;
        let mut n_equal = 0usize;
        for &w in values {
            if better(w, v) {
                n_better += 1;
            } else if equal(w, v) {
                n_equal += 1;
            }
        }
        *slot = match ties {
            Ties::Min => 1.0 + n_better as f64,
            Ties::Average => 1.0 + n_better as f64 + (n_equal as f64 - 1.0) / 2.0,
        };
    }
}

/// rank_then_aggregate: rank the candidates within each case, then aggregate their ranks.
fn mean_case_ranks(
    m: &CaseMatrix,
    candidates: &[usize],
    direction: Direction,
    ranking: &Ranking,
) -> Vec<f64> {
    let mut per_entry: Vec<Vec<f64>> = vec![Vec::new(); candidates.len()];
    for c in 0..m.cases.len() {
        let vals: Vec<f64> = candidates
            .iter()
            .map(|&i| m.values[i].as_ref().and_then(|r| r[c]).unwrap_or(f64::NAN))
            .collect();
        if vals.iter().any(|v| v.is_nan()) {
            continue;
        }
        for (k, r) in rank_values(&vals, direction, ranking.ties)
            .into_iter()
            .enumerate()
        {
            per_entry[k].push(r);
        }
    }
    per_entry
        .into_iter()
        .map(|r| aggregate(r.into_iter(), ranking.aggregation).unwrap_or(f64::NAN))
        .collect()
}

/// test_then_rank: the share of other candidates each one beats in a one-sided paired
/// Wilcoxon signed-rank test at `alpha` (unadjusted, as in challengeR).
pub(crate) fn share_beaten(
    m: &CaseMatrix,
    candidates: &[usize],
    direction: Direction,
    alpha: f64,
) -> Vec<f64> {
    let n = m.cases.len();
    let mut rows: Vec<f64> = Vec::with_capacity(candidates.len() * n);
    for &i in candidates {
        match &m.values[i] {
            Some(r) => rows.extend(r.iter().map(|v| v.unwrap_or(f64::NAN))),
            None => rows.extend(std::iter::repeat_n(f64::NAN, n)),
        }
    }
    let mut out = vec![0.0; candidates.len()];
    share_beaten_rows(
        &rows,
        n,
        direction,
        alpha,
        &mut WilcoxonBuf::default(),
        &mut out,
    );
    out
}

/// test_then_rank on a dense row-major matrix (one row of `n` cases per candidate): writes each
/// candidate's share of the others it beats at `alpha` into `out`.
pub fn share_beaten_rows(
    rows: &[f64],
    n: usize,
    direction: Direction,
    alpha: f64,
    buf: &mut WilcoxonBuf,
    out: &mut [f64],
) {
    let k = out.len();
    if k < 2 || n == 0 {
        out.fill(0.0);
        return;
    }
    // Wins are counted in `out` first; each unordered pair is tested once, both ways.
    out.fill(0.0);
    for a in 0..k {
        let x = &rows[a * n..(a + 1) * n];
        for b in a + 1..k {
            let y = &rows[b * n..(b + 1) * n];
            let (ab, ba) = wilcoxon_both_buf(x, y, direction, buf);
            if ab <= alpha {
                out[a] += 1.0;
            }
            if ba <= alpha {
                out[b] += 1.0;
            }
        }
    }
    for o in out.iter_mut() {
        *o /= (k - 1) as f64;
    }
}

/// Every pair's differences over the full data, sorted by |d| once, so that a bootstrap sample
/// (cases drawn with replacement, given as a count per case) is tested in one pass over each
/// pair instead of a gather and a sort. It gives what [`share_beaten_rows`] gives over the
/// drawn rows, bit for bit: ranks are half-integers and their sums are exact in `f64`, so
/// summing a tie group as `rank × count` changes nothing.
#[derive(Debug)]
pub struct PairedDifferences {
    k: usize,
    /// Per unordered pair (a, b), a < b, in row-major order.
    pairs: Vec<Pair>,
}

/// One pair's differences by ascending |d|, with zero differences and missing values left
/// out, one `u32` each for the loop that runs once per pair per bootstrap sample: the case in
/// the low bits, [`POS`] when the difference is positive, [`END`] on the last difference of a
/// tie group in |d| (on every difference when there are no ties, the usual case).
#[derive(Debug)]
struct Pair {
    packed: Vec<u32>,
    /// Whether some tie group holds more than one difference.
    ties: bool,
}

const POS: u32 = 1 << 31;
const END: u32 = 1 << 30;
const CASE: u32 = END - 1;
/// The most cases [`PairedDifferences`] can index.
pub const MAX_PAIRED_CASES: usize = CASE as usize + 1;

/// Above this many drawn cases the integer sums of [`weighted_statistic`] could leave the
/// range where `f64` is exact (its tie term grows as the cube), so the `f64` loop runs.
const EXACT_CASES: u64 = 100_000;

impl Pair {
    fn new(d: &[(u32, f64)]) -> Self {
        let mut packed = Vec::with_capacity(d.len());
        let mut ties = false;
        for (i, &(case, diff)) in d.iter().enumerate() {
            let last = d.get(i + 1).is_none_or(|next| next.1.abs() != diff.abs());
            ties |= !last;
            packed.push(case | if diff > 0.0 { POS } else { 0 } | if last { END } else { 0 });
        }
        Pair { packed, ties }
    }
}

/// Decides `p <= alpha` for a statistic's one-sided p-value without evaluating `erfc` unless
/// `z` is within a hair of the critical value: `p` is a decreasing function of `z`, so far
/// from the boundary the answer follows from `z` alone. Near it (and for unusual `alpha`)
/// `p` is computed as [`WilcoxonStatistic::p_greater`] does, so every decision is the same.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    alpha: f64,
    /// `z < lo`: not significant; `z >= hi`: significant; between: compute `p`.
    lo: f64,
    hi: f64,
}

impl Decision {
    pub fn new(alpha: f64) -> Self {
        // NaN bounds: neither comparison holds, so `at` always computes p.
        let always_compute = Decision {
            alpha,
            lo: f64::NAN,
            hi: f64::NAN,
        };
        // For 0 < alpha < 0.5 the critical z is positive, where the slope of p is at least
        // the size of p itself: a margin of 1e-6 in z is then far wider than the last-bit
        // wobble of `erfc`, so outside the margin the computed p is on the same side of alpha.
        if !(1e-300..0.5).contains(&alpha) {
            return always_compute;
        }
        let (mut below, mut above) = (0.0f64, 40.0f64);
        for _ in 0..200 {
            let mid = (below + above) / 2.0;
            if p_of_z(mid) <= alpha {
                above = mid;
            } else {
                below = mid;
            }
        }
        let (lo, hi) = (above - 1e-6, above + 1e-6);
        if p_of_z(lo) > alpha && p_of_z(hi) <= alpha {
            Decision { alpha, lo, hi }
        } else {
            always_compute
        }
    }

    /// Whether the p-value at `z` is at most alpha.
    #[inline]
    fn at(&self, z: f64) -> bool {
        if z >= self.hi {
            true
        } else if z < self.lo {
            false
        } else {
            p_of_z(z) <= self.alpha
        }
    }
}

/// Scratch space of [`PairedDifferences::share_beaten_weights`]: per case, its weight `w`
/// and `w³ - w`, reused across samples.
#[derive(Debug, Default)]
pub struct PairScratch {
    w: Vec<u64>,
    cube: Vec<u64>,
}

impl PairedDifferences {
    /// `rows`: `k` systems × `n` cases, row-major, `n <= MAX_PAIRED_CASES` (the packed
    /// case indices have 30 bits; [`super::uncertainty::analyse`] tests larger leaderboards
    /// on the gathered sample instead).
    pub fn new(rows: &[f64], n: usize, k: usize, direction: Direction) -> Self {
        let mut pairs = Vec::with_capacity(k * k.saturating_sub(1) / 2);
        let mut d: Vec<(u32, f64)> = Vec::with_capacity(n);
        for a in 0..k {
            let x = &rows[a * n..(a + 1) * n];
            for b in a + 1..k {
                let y = &rows[b * n..(b + 1) * n];
                d.clear();
                d.extend(
                    x.iter()
                        .zip(y)
                        .enumerate()
                        .filter(|(_, (a, b))| a.is_finite() && b.is_finite())
                        .map(|(c, (a, b))| {
                            let d = match direction {
                                Direction::HigherIsBetter => a - b,
                                Direction::LowerIsBetter => b - a,
                            };
                            (c as u32, d)
                        })
                        .filter(|(_, d)| *d != 0.0),
                );
                d.sort_unstable_by(|p, q| p.1.abs().total_cmp(&q.1.abs()));
                pairs.push(Pair::new(&d));
            }
        }
        PairedDifferences { k, pairs }
    }

    /// [`share_beaten_rows`] over the sample that draws case `c` `counts[c]` times.
    pub fn share_beaten(&self, counts: &[f64], alpha: f64, out: &mut [f64]) {
        let decision = Decision::new(alpha);
        // Bootstrap counts are whole numbers: summed as integers they give the same values
        // as the f64 sums (which are exact in this range) without their latency.
        let whole: Option<Vec<u32>> = counts
            .iter()
            .map(|&c| (c >= 0.0 && c.fract() == 0.0 && c <= u32::MAX as f64).then_some(c as u32))
            .collect();
        if let Some(w) = whole {
            self.share_beaten_weights(&w, &decision, &mut PairScratch::default(), out);
            return;
        }
        self.tally(out, |pair| {
            decide(weighted_statistic_f64(pair, counts), &decision)
        });
    }

    /// [`share_beaten_rows`] over the sample that draws case `c` `weights[c]` times (as the
    /// bootstrap draws), with `decision` prepared once for the task's alpha.
    pub fn share_beaten_weights(
        &self,
        weights: &[u32],
        decision: &Decision,
        scratch: &mut PairScratch,
        out: &mut [f64],
    ) {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total > EXACT_CASES {
            let counts: Vec<f64> = weights.iter().map(|&w| f64::from(w)).collect();
            self.tally(out, |pair| {
                decide(weighted_statistic_f64(pair, &counts), decision)
            });
            return;
        }
        let PairScratch { w, cube } = scratch;
        w.clear();
        w.extend(weights.iter().map(|&x| u64::from(x)));
        cube.clear();
        cube.extend(w.iter().map(|&x| x * x * x - x));
        self.tally(out, |pair| {
            decide(weighted_statistic(pair, w, cube), decision)
        });
    }

    /// Counts each system's wins (`test(pair)`: a beats b, b beats a) and divides by `k - 1`.
    fn tally(&self, out: &mut [f64], mut test: impl FnMut(&Pair) -> (bool, bool)) {
        let k = self.k;
        out.fill(0.0);
        if k < 2 {
            return;
        }
        let mut pair = self.pairs.iter();
        for a in 0..k {
            for b in a + 1..k {
                let Some(d) = pair.next() else { return };
                let (ab, ba) = test(d);
                out[a] += f64::from(u8::from(ab));
                out[b] += f64::from(u8::from(ba));
            }
        }
        for o in out.iter_mut() {
            *o /= (k - 1) as f64;
        }
    }
}

/// The signed-rank statistic of a pair's differences, each taken `w[case]` times, in integers
/// (`cube[c]` is `w[c]³ - w[c]`; the weights sum to at most [`EXACT_CASES`]). Twice the rank
/// sum, the count and the tie term are whole numbers under 2^53, so converted to `f64` they
/// equal the `f64` sums of [`weighted_statistic_f64`] (every partial sum there is a whole or
/// half number under 2^53, hence exact).
fn weighted_statistic(pair: &Pair, w: &[u64], cube: &[u64]) -> Option<WilcoxonStatistic> {
    let (mut off, mut v2, mut tie) = (0u64, 0u64, 0u64);
    if !pair.ties {
        // A group is one difference: its ranks are off+1 ..= off+w, twice their sum
        // (2·off + w + 1)·w. Masks instead of branches on the sign.
        for &p in &pair.packed {
            let c = (p & CASE) as usize;
            let (wc, tc) = (w[c], cube[c]);
            let positive = 0u64.wrapping_sub(u64::from(p >> 31));
            v2 += ((2 * off + wc + 1) * wc) & positive;
            tie += tc;
            off += wc;
        }
    } else {
        let (mut weight, mut positive) = (0u64, 0u64);
        for &p in &pair.packed {
            let wc = w[(p & CASE) as usize];
            weight += wc;
            positive += wc & 0u64.wrapping_sub(u64::from(p >> 31));
            if p & END != 0 {
                // The group holds ranks off+1 ..= off+weight: all get their average.
                v2 += (2 * off + weight + 1) * positive;
                tie += weight * weight * weight - weight;
                off += weight;
                weight = 0;
                positive = 0;
            }
        }
    }
    statistic(off as f64, v2 as f64 / 2.0, tie as f64)
}

/// [`weighted_statistic`] for any counts, in `f64`.
fn weighted_statistic_f64(pair: &Pair, counts: &[f64]) -> Option<WilcoxonStatistic> {
    let (mut offset, mut v, mut tie_term) = (0.0, 0.0, 0.0);
    let (mut weight, mut positive) = (0.0, 0.0);
    for &p in &pair.packed {
        let w = counts[(p & CASE) as usize];
        if !pair.ties {
            v += (offset + (w + 1.0) / 2.0) * (w * f64::from(p >> 31));
            tie_term += w * w * w - w;
            offset += w;
            continue;
        }
        weight += w;
        positive += w * f64::from(p >> 31);
        if p & END != 0 {
            if weight > 0.0 {
                // The group holds ranks offset+1 ..= offset+weight: all get their average.
                v += (offset + (weight + 1.0) / 2.0) * positive;
                tie_term += weight * weight * weight - weight;
                offset += weight;
            }
            weight = 0.0;
            positive = 0.0;
        }
    }
    statistic(offset, v, tie_term)
}

/// The statistic of `nf` differences with rank sum `v` and tie term `tie_term`; `None` when
/// there are none or all are tied.
fn statistic(nf: f64, v: f64, tie_term: f64) -> Option<WilcoxonStatistic> {
    if nf == 0.0 {
        return None;
    }
    let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0).sqrt();
    (sigma != 0.0).then_some(WilcoxonStatistic { v, n: nf, sigma })
}

/// Scratch space of [`wilcoxon_greater_buf`], reused across tests.
#[derive(Debug, Default)]
pub struct WilcoxonBuf {
    d: Vec<f64>,
    ranks: Vec<f64>,
}

/// One-sided paired Wilcoxon signed-rank test that `x` is better than `y`: the p-value of R's
/// `wilcox.test(x, y, paired = TRUE, alternative = "greater", exact = FALSE, correct = TRUE)`
/// (for lower-is-better metrics the differences are negated). Zero differences are dropped;
/// ties in |d| get average ranks and the variance its tie correction. Pairs with a missing
/// value are skipped.
pub fn wilcoxon_greater(x: &[f64], y: &[f64], direction: Direction) -> f64 {
    wilcoxon_greater_buf(x, y, direction, &mut WilcoxonBuf::default())
}

/// [`wilcoxon_greater`] with caller-owned scratch space (no allocation once it has grown).
pub fn wilcoxon_greater_buf(
    x: &[f64],
    y: &[f64],
    direction: Direction,
    buf: &mut WilcoxonBuf,
) -> f64 {
    wilcoxon_statistic(x, y, direction, buf).map_or(1.0, |s| s.p_greater())
}

/// [`wilcoxon_greater_buf`] for both `x` over `y` and `y` over `x`, from one sort: the second
/// test has the same |d| ranks and the statistic `n(n+1)/2 - V` (exact in `f64`, since ranks
/// are multiples of 0.5), so it gives the same bits as testing the reversed pair.
pub fn wilcoxon_both_buf(
    x: &[f64],
    y: &[f64],
    direction: Direction,
    buf: &mut WilcoxonBuf,
) -> (f64, f64) {
    wilcoxon_statistic(x, y, direction, buf)
        .map_or((1.0, 1.0), |s| (s.p_greater(), s.reversed().p_greater()))
}

/// The signed-rank statistic `V` (sum of the ranks of positive differences), the number of
/// non-zero differences and the tie-corrected standard deviation.
#[derive(Debug, Clone, Copy)]
struct WilcoxonStatistic {
    v: f64,
    n: f64,
    sigma: f64,
}

impl WilcoxonStatistic {
    /// Upper tail of the standard normal distribution, with continuity correction.
    fn p_greater(&self) -> f64 {
        p_of_z(self.z())
    }

    /// The continuity-corrected normal score of `v`.
    fn z(&self) -> f64 {
        (self.v - self.n * (self.n + 1.0) / 4.0 - 0.5) / self.sigma
    }

    /// The statistic of the reversed pair: the same ranks, `V' = n(n+1)/2 - V` (exact in
    /// `f64`, since ranks are multiples of 0.5).
    fn reversed(&self) -> Self {
        WilcoxonStatistic {
            v: self.n * (self.n + 1.0) / 2.0 - self.v,
            ..*self
        }
    }
}

/// The one-sided p-value at normal score `z`.
fn p_of_z(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Both directions' decisions (`p <= alpha`) for a pair's statistic; without one, p = 1.
fn decide(s: Option<WilcoxonStatistic>, decision: &Decision) -> (bool, bool) {
    match s {
        Some(s) => (decision.at(s.z()), decision.at(s.reversed().z())),
        None => (1.0 <= decision.alpha, 1.0 <= decision.alpha),
    }
}

/// `None` when no difference is non-zero or all are tied (p = 1 either way).
fn wilcoxon_statistic(
    x: &[f64],
    y: &[f64],
    direction: Direction,
    buf: &mut WilcoxonBuf,
) -> Option<WilcoxonStatistic> {
    let WilcoxonBuf { d, ranks } = buf;
    d.clear();
    d.extend(
        x.iter()
            .zip(y)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(a, b)| match direction {
                Direction::HigherIsBetter => a - b,
                Direction::LowerIsBetter => b - a,
            })
            .filter(|d| *d != 0.0),
    );
    let n = d.len();
    if n == 0 {
        return None;
    }
    // Equal |d| share one average rank, so their order does not matter: unstable is enough.
    d.sort_unstable_by(|a, b| a.abs().total_cmp(&b.abs()));
    // Average ranks of |d|, and the tie groups for the variance correction.
    ranks.clear();
    ranks.resize(n, 0.0);
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && d[j + 1].abs() == d[i].abs() {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for r in ranks.iter_mut().take(j + 1).skip(i) {
            *r = avg;
        }
        let t = (j - i + 1) as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let v: f64 = d
        .iter()
        .zip(ranks.iter())
        .filter(|(d, _)| **d > 0.0)
        .map(|(_, r)| r)
        .sum();
    let nf = n as f64;
    let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0).sqrt();
    (sigma != 0.0).then_some(WilcoxonStatistic { v, n: nf, sigma })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_pairs_match_the_gathered_sample_bit_for_bit() {
        let mut rng = crate::compute::uncertainty::SplitMix64::new(11);
        let mut buf = WilcoxonBuf::default();
        for (k, n) in [(2usize, 3usize), (3, 1), (5, 40), (8, 120), (4, 0)] {
            for round in 0..15 {
                // Coarse values tie often (the grouped loop); fine ones almost never (the
                // branch-free loop).
                let mut rows: Vec<f64> = (0..k * n)
                    .map(|_| match round % 3 {
                        2 => rng.below(1 << 40) as f64 / (1u64 << 40) as f64,
                        _ => (rng.below(9) as f64 - 4.0) * 0.125,
                    })
                    .collect();
                if round % 5 == 1 && !rows.is_empty() {
                    rows[0] = f64::NAN;
                }
                let dir = if round % 2 == 0 {
                    Direction::HigherIsBetter
                } else {
                    Direction::LowerIsBetter
                };
                let paired = PairedDifferences::new(&rows, n, k, dir);
                let idx: Vec<usize> = (0..n).map(|_| rng.below(n as u64) as usize).collect();
                let mut counts = vec![0.0; n];
                for &c in &idx {
                    counts[c] += 1.0;
                }
                let mut gathered = Vec::new();
                for a in 0..k {
                    gathered.extend(idx.iter().map(|&c| rows[a * n + c]));
                }
                for alpha in [0.05, 0.5] {
                    let mut want = vec![0.0; k];
                    share_beaten_rows(&gathered, n, dir, alpha, &mut buf, &mut want);
                    let mut got = vec![0.0; k];
                    paired.share_beaten(&counts, alpha, &mut got);
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&got), bits(&want), "k {k} n {n} round {round}");
                }
            }
        }
    }

    #[test]
    fn decisions_from_z_match_the_p_value() {
        let mut rng = crate::compute::uncertainty::SplitMix64::new(17);
        for alpha in [
            0.05, 0.01, 0.001, 1e-10, 0.25, 0.4999, 0.5, 0.7, 1.0, 0.0, -1.0,
        ] {
            let d = Decision::new(alpha);
            // Around the critical value, in ulp-sized and larger steps, and anywhere.
            let mut zs = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0];
            let mut centre = 0.0f64;
            if d.hi.is_finite() {
                centre = (d.lo + d.hi) / 2.0;
            }
            for i in -2000i64..=2000 {
                zs.push(centre + i as f64 * 1e-9);
                zs.push(f64::from_bits(centre.to_bits().wrapping_add_signed(i)));
            }
            for _ in 0..20000 {
                zs.push((rng.below(1 << 40) as f64 / (1u64 << 40) as f64 - 0.5) * 20.0);
            }
            for z in zs {
                assert_eq!(d.at(z), p_of_z(z) <= alpha, "alpha {alpha} z {z}");
            }
        }
    }

    #[test]
    fn both_directions_from_one_sort_match_two_tests_bit_for_bit() {
        let mut rng = crate::compute::uncertainty::SplitMix64::new(3);
        let mut buf = WilcoxonBuf::default();
        for n in [0usize, 1, 2, 5, 40, 333] {
            for round in 0..20 {
                // Coarse values, so ties in |d| and zero differences are common.
                let mut draw = || (rng.below(7) as f64 - 3.0) * 0.25;
                let x: Vec<f64> = (0..n).map(|_| draw()).collect();
                let mut y: Vec<f64> = (0..n).map(|_| draw()).collect();
                if round == 0 {
                    y = x.clone();
                }
                for dir in [Direction::HigherIsBetter, Direction::LowerIsBetter] {
                    let (ab, ba) = wilcoxon_both_buf(&x, &y, dir, &mut buf);
                    assert_eq!(ab.to_bits(), wilcoxon_greater(&x, &y, dir).to_bits());
                    assert_eq!(ba.to_bits(), wilcoxon_greater(&y, &x, dir).to_bits());
                }
            }
        }
    }

    #[test]
    fn ties_min_and_average_match_r() {
        // R: rank(-c(0.9, 0.8, 0.8, 0.7), ties.method = "min") = 1 2 2 4
        let v = [0.9, 0.8, 0.8, 0.7];
        assert_eq!(
            rank_values(&v, Direction::HigherIsBetter, Ties::Min),
            [1.0, 2.0, 2.0, 4.0]
        );
        assert_eq!(
            rank_values(&v, Direction::HigherIsBetter, Ties::Average),
            [1.0, 2.5, 2.5, 4.0]
        );
        assert_eq!(
            rank_values(&v, Direction::LowerIsBetter, Ties::Min),
            [4.0, 2.0, 2.0, 1.0]
        );
    }

    #[test]
    fn median_of_even_count() {
        let m = aggregate([4.0, 1.0, 3.0, 2.0].into_iter(), Aggregation::Median);
        assert_eq!(m, Some(2.5));
        assert_eq!(aggregate(std::iter::empty(), Aggregation::Mean), None);
    }

    #[test]
    #[allow(clippy::approx_constant)] // 3.14 is data, not pi
    fn wilcoxon_matches_r() {
        // R: wilcox.test(x, y, paired=TRUE, alternative="greater", exact=FALSE)$p.value
        // x <- c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30)
        // y <- c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29)  -> 0.02201
        // (cross-checked with scipy.stats.wilcoxon(method="approx", correction=True))
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        let p = wilcoxon_greater(&x, &y, Direction::HigherIsBetter);
        assert!((p - 0.022005).abs() < 1e-5, "{p}");
        // Swapping direction tests the other tail.
        let q = wilcoxon_greater(&x, &y, Direction::LowerIsBetter);
        assert!(q > 0.9, "{q}");
    }

    #[test]
    fn wilcoxon_with_ties_and_zeros() {
        // R: wilcox.test(c(1,2,3,4,5,6), c(0,1,2,4,4,4), paired=TRUE, alternative="greater",
        //    exact=FALSE)$p.value = 0.02386 (d = 1,1,1,0,1,2: one zero dropped, ties in |d|)
        let p = wilcoxon_greater(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            &[0.0, 1.0, 2.0, 4.0, 4.0, 4.0],
            Direction::HigherIsBetter,
        );
        assert!((p - 0.023857).abs() < 1e-5, "{p}");
        assert_eq!(
            wilcoxon_greater(&[1.0], &[1.0], Direction::HigherIsBetter),
            1.0
        );
    }
}
