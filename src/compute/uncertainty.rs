//! How sure a task's ranking is: a paired bootstrap over cases, Kendall's tau against the full
//! ranking, the Holm-adjusted significance map and the groups tied with the top.
//!
//! Definitions (the site's data page and the downloads rely on them):
//!
//! - **Bootstrap.** The cases are those kept by the ranking metric's [`CaseMatrix`] (after the
//!   missing-case policy). Sample `b` (0-based) draws that many case indices with replacement
//!   from a SplitMix64 generator seeded from `(bootstrap.seed, b)`; every system and every metric
//!   sees the same drawn cases (a paired bootstrap). The task's ranking scheme and tie rule are
//!   then applied to the sample. Samples are independent, so they run in parallel and the result
//!   does not depend on the number of threads or the machine.
//! - **Quantiles** are R's default (`quantile(type = 7)`): for sorted `x[0..m]` and probability
//!   `p`, `h = (m - 1) p`, `x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋])`. The interval at `ci` runs
//!   from the `(1 - ci)/2` to the `(1 + ci)/2` quantile; the median is the 0.5 quantile.
//! - **Rank distribution**: how many samples gave each rank `1..=k` (`k` ranked entries); an
//!   average-tie rank such as 2.5 counts under its integer part.
//! - **Kendall's tau** is tau-b (ties in either ranking corrected) between the full ranking and
//!   each sample's ranking; samples where it is undefined (a ranking with every entry tied) are
//!   left out of its median and interval.
//! - **Significance map**: the one-sided paired Wilcoxon test ([`wilcoxon_greater`]) for every
//!   ordered pair of ranked entries `(a, b)`, `a != b`, on all kept cases; the `k(k-1)` p-values
//!   are Holm-adjusted together (R's `p.adjust(method = "holm")`, as challengeR's
//!   `decision.challenge`); `a` is significantly better than `b` when the adjusted p <= `alpha`.
//! - **Tie groups**: the best-ranked entry and every entry whose rank interval overlaps its
//!   interval form group 1 ("statistically tied with the top"); among the entries left, the
//!   best-ranked one and those overlapping its interval form group 2, and so on. Intervals are
//!   closed: `[1, 2]` and `[2, 4]` overlap.

use super::exact;
use super::ranking::{
    CaseMatrix, Decision, MAX_PAIRED_CASES, PairScratch, PairedDifferences, TaskRanking,
    WilcoxonBuf, case_matrix, rank_into, share_beaten_rows, wilcoxon_both_buf,
};
use crate::model::*;
use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The uncertainty analysis of one task's ranking.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Uncertainty {
    /// Bootstrap samples drawn (0: no bootstrap; only the significance map is available).
    pub samples: usize,
    pub ci: f64,
    pub alpha: f64,
    /// Indices into [`TaskRanking::entries`] of the ranked entries, in leaderboard order. The
    /// matrices below are indexed by position in this list.
    pub ranked: Vec<usize>,
    /// Kendall's tau-b between the full and the bootstrap rankings: (median, low, high).
    pub kendall_tau: Option<(f64, f64, f64)>,
    /// Aligned with [`TaskRanking::entries`].
    pub entries: Vec<EntryUncertainty>,
    /// `(better, worse)` as indices into [`TaskRanking::entries`]: Holm-adjusted p <= alpha.
    /// Sorted by the better entry's rank, then the worse entry's rank.
    pub significant_pairs: Vec<(usize, usize)>,
    /// `p_values[a][b]`: unadjusted one-sided p that ranked entry `a` beats `b` (`NaN` on the
    /// diagonal).
    pub p_values: Vec<Vec<f64>>,
    /// The same, Holm-adjusted over all `k(k-1)` ordered pairs.
    pub adjusted_p: Vec<Vec<f64>>,
    /// `sample_ranks.get(b)[a]`: the rank of ranked entry `a` in bootstrap sample `b`.
    pub sample_ranks: SampleRanks,
}

/// The rank of every ranked entry in every bootstrap sample, kept for the consensus ranking
/// across tasks: one flat array of `f32`, sample by sample. Ranks are whole or half numbers
/// (ties share the mean of their places) up to a few hundred, which `f32` holds exactly; at
/// 10,000 tasks a vector of `f64` per sample took about a gigabyte.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleRanks {
    /// Ranked entries per sample.
    k: usize,
    ranks: Vec<f32>,
}

impl SampleRanks {
    fn new(k: usize, ranks: &[f64]) -> SampleRanks {
        SampleRanks {
            k,
            ranks: ranks.iter().map(|&r| r as f32).collect(),
        }
    }

    /// Bootstrap samples.
    pub fn len(&self) -> usize {
        self.ranks.len().checked_div(self.k).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ranks in sample `b`, by ranked entry.
    pub fn get(&self, b: usize) -> Option<&[f32]> {
        self.ranks.get(b * self.k..(b + 1) * self.k)
    }

    /// Every sample's ranks, in sample order.
    pub fn iter(&self) -> impl Iterator<Item = &[f32]> {
        self.ranks.chunks(self.k.max(1))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryUncertainty {
    /// Samples per rank `1..=k` (empty without bootstrap or for unranked entries).
    pub rank_counts: Vec<u32>,
    pub median_rank: Option<f64>,
    pub rank_ci: Option<(f64, f64)>,
    /// 1 = statistically tied with the top.
    pub tie_group: Option<usize>,
    /// Metric id → bootstrap interval of the entry's aggregate, for every metric with per-case
    /// values for this entry.
    pub score_ci: IndexMap<String, (f64, f64)>,
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The generator of bootstrap sample `b` under `seed`.
    pub fn for_sample(seed: u64, b: u64) -> Self {
        let mut g = SplitMix64(seed);
        let s = g.next_u64();
        SplitMix64(s ^ b.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), unbiased (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

/// R's `quantile(x, p, type = 7)` of sorted, non-empty `x`.
pub fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    let h = (x.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// Median and interval at `ci` of the finite values (sorted in place); `None` if none.
pub fn summarise(values: &mut Vec<f64>, ci: f64) -> Option<(f64, f64, f64)> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - ci) / 2.0;
    Some((
        quantile_sorted(values, 0.5),
        quantile_sorted(values, tail),
        quantile_sorted(values, 1.0 - tail),
    ))
}

/// Kendall's tau-b of two equally long rankings (`NaN` when undefined).
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut tie_x, mut tie_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i] - x[j];
            let dy = y[i] - y[j];
            if dx == 0.0 && dy == 0.0 {
                tie_x += 1;
                tie_y += 1;
            } else if dx == 0.0 {
                tie_x += 1;
            } else if dy == 0.0 {
                tie_y += 1;
            } else if (dx > 0.0) == (dy > 0.0) {
                concordant += 1;
            } else {
                discordant += 1;
            }
        }
    }
    let n0 = (n * n.saturating_sub(1) / 2) as i64;
    let denom = (((n0 - tie_x) as f64) * ((n0 - tie_y) as f64)).sqrt();
    if denom == 0.0 {
        return f64::NAN;
    }
    (concordant - discordant) as f64 / denom
}

/// R's `p.adjust(p, method = "holm")`.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (i, &o) in order.iter().enumerate() {
        running = running.max(((m - i) as f64 * p[o]).min(1.0));
        out[o] = running;
    }
    out
}

/// The drawn cases of one sample: their indices, and how often each case was drawn.
struct Draw<'a> {
    idx: &'a [usize],
    weights: &'a [u32],
}

/// Mean or median of the finite `row[c]` over the drawn cases; NaN if none. The mean weights
/// each case by its multiplicity and is exactly rounded (`exact` is `row` prepared once), so
/// two systems whose drawn values are the same multiset get the same mean and tie.
fn aggregate_sample(
    row: &[f64],
    exact: &exact::Row,
    draw: &Draw,
    how: Aggregation,
    buf: &mut Vec<f64>,
) -> f64 {
    match how {
        Aggregation::Mean => {
            let (sum, count) = exact.weighted_sum(draw.weights);
            if count == 0 {
                f64::NAN
            } else {
                sum / count as f64
            }
        }
        Aggregation::Median => aggregate_drawn(row, draw.idx, how, buf),
    }
}

/// Mean or median of the finite `row[c]` over the drawn columns `idx`; NaN if none.
fn aggregate_drawn(row: &[f64], idx: &[usize], how: Aggregation, buf: &mut Vec<f64>) -> f64 {
    match how {
        Aggregation::Mean => {
            buf.clear();
            buf.extend(idx.iter().map(|&c| row[c]).filter(|v| v.is_finite()));
            if buf.is_empty() {
                f64::NAN
            } else {
                exact::sum(buf) / buf.len() as f64
            }
        }
        Aggregation::Median => {
            buf.clear();
            buf.extend(idx.iter().map(|&c| row[c]).filter(|v| v.is_finite()));
            let n = buf.len();
            if n == 0 {
                return f64::NAN;
            }
            let m = n / 2;
            let (left, upper, _) = buf.select_nth_unstable_by(m, f64::total_cmp);
            let upper = *upper;
            if n % 2 == 1 {
                upper
            } else {
                let lower = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (lower + upper) / 2.0
            }
        }
    }
}

/// Dense row-major copy of the matrix rows `rows` (NaN for missing values).
fn dense(m: &CaseMatrix, rows: &[usize]) -> Vec<f64> {
    let n = m.cases.len();
    let mut out = Vec::with_capacity(rows.len() * n);
    for &i in rows {
        match m.values.get(i).and_then(|r| r.as_ref()) {
            Some(r) => out.extend(r.iter().map(|v| v.unwrap_or(f64::NAN))),
            None => out.extend(std::iter::repeat_n(f64::NAN, n)),
        }
    }
    out
}

/// Each row of `n` values of a row-major matrix, prepared for exact sums.
fn exact_rows(rows: &[f64], n: usize) -> Vec<exact::Row> {
    if n == 0 {
        return Vec::new();
    }
    rows.chunks(n).map(exact::Row::new).collect()
}

/// One metric's values over the ranking metric's cases, for the score intervals.
struct MetricRows {
    id: String,
    /// Entries (indices into the leaderboard) with per-case values.
    entries: Vec<usize>,
    /// Row-major, one row of `n` (ranking-metric cases) per entry; NaN where this metric has
    /// no value for that case.
    rows: Vec<f64>,
    /// The rows prepared for exact means.
    exact: Vec<exact::Row>,
    /// The same, all rows at once (for means).
    columns: Option<exact::Columns>,
}

/// Rows prepared for the bootstrap's aggregates: each alone, and all at once when they can
/// be summed together (means only; medians need the values).
fn prepare(rows: &[f64], n: usize, how: Aggregation) -> (Vec<exact::Row>, Option<exact::Columns>) {
    let exact = exact_rows(rows, n);
    let columns = match how {
        Aggregation::Mean => exact::Columns::new(&exact),
        Aggregation::Median => None,
    };
    (exact, columns)
}

/// The aggregate of each row of `rows` (`n` cases each) over the sample `draw`, into `out`.
#[allow(clippy::too_many_arguments)]
fn sample_aggregates(
    rows: &[f64],
    n: usize,
    exact: &[exact::Row],
    columns: Option<&exact::Columns>,
    draw: &Draw,
    how: Aggregation,
    s: &mut Scratch,
    out: &mut [f64],
) {
    match columns {
        Some(cols) if how == Aggregation::Mean => {
            cols.means(draw.idx, draw.weights, exact, &mut s.acc, out)
        }
        _ => {
            for (e, o) in out.iter_mut().enumerate() {
                *o = aggregate_sample(&rows[e * n..(e + 1) * n], &exact[e], draw, how, &mut s.agg);
            }
        }
    }
}

/// Scratch space of one worker, reused across its samples.
#[derive(Default)]
struct Scratch {
    idx: Vec<usize>,
    weights: Vec<u32>,
    agg: Vec<f64>,
    acc: Vec<f64>,
    scores: Vec<f64>,
    pairs: PairScratch,
    wilcoxon: WilcoxonBuf,
}

/// The uncertainty analysis of `tr` (the ranking of `lb` under `task`). `None` when the task
/// has no evaluation, the ranking lacks per-case values, or nothing is ranked.
pub fn analyse(task: &Task, lb: &Leaderboard, tr: &TaskRanking) -> Option<Uncertainty> {
    let eval = task.evaluation.as_ref()?;
    let metric = eval.ranking_metric()?;
    if !tr.has_per_case {
        return None;
    }
    let settings = eval.ranking.as_ref();
    let bootstrap = settings.map(|r| r.bootstrap.clone()).unwrap_or_default();
    let alpha = settings.map(|r| r.alpha).unwrap_or(0.05);
    let ranked: Vec<usize> = (0..tr.entries.len())
        .filter(|&i| tr.entries[i].rank.is_some())
        .collect();
    if ranked.is_empty() {
        return None;
    }
    let is_ranked: Vec<bool> = lb.entries.iter().map(|e| !e.reference_only).collect();
    let matrix = case_matrix(lb, metric, tr.missing_case_policy, &is_ranked);
    let n = matrix.cases.len();
    let k = ranked.len();
    let rows = dense(&matrix, &ranked);

    let (p_values, adjusted_p, significant_pairs) = significance(&rows, n, k, tr, &ranked, alpha);

    let samples = if n == 0 { 0 } else { bootstrap.n as usize };
    let mut entries: Vec<EntryUncertainty> = vec![EntryUncertainty::default(); tr.entries.len()];
    let mut out = Uncertainty {
        samples,
        ci: bootstrap.ci,
        alpha,
        ranked: ranked.clone(),
        kendall_tau: None,
        entries: Vec::new(),
        significant_pairs,
        p_values,
        adjusted_p,
        sample_ranks: SampleRanks::default(),
    };
    if samples == 0 {
        out.entries = entries;
        return Some(out);
    }

    // Score intervals: every metric with per-case values, over the ranking metric's cases.
    let metrics: Vec<MetricRows> = eval
        .metrics
        .iter()
        .filter_map(|m| {
            let mm = case_matrix(lb, m, tr.missing_case_policy, &is_ranked);
            let col: std::collections::HashMap<usize, usize> =
                mm.cases.iter().enumerate().map(|(j, &c)| (c, j)).collect();
            let with: Vec<usize> = (0..lb.entries.len())
                .filter(|&i| mm.values[i].is_some())
                .collect();
            if with.is_empty() {
                return None;
            }
            let mut rows = Vec::with_capacity(with.len() * n);
            for &i in &with {
                let r = mm.values[i].as_deref().unwrap_or(&[]);
                rows.extend(matrix.cases.iter().map(|c| {
                    col.get(c)
                        .and_then(|&j| r.get(j).copied().flatten())
                        .unwrap_or(f64::NAN)
                }));
            }
            let (exact, columns) = prepare(&rows, n, tr.aggregation);
            Some(MetricRows {
                id: m.id.to_string(),
                exact,
                columns,
                entries: with,
                rows,
            })
        })
        .collect();
    // Under aggregate_then_rank the ranking metric's sample aggregates are the ranking scores.
    let reuse = (tr.method == RankingMethod::AggregateThenRank)
        .then(|| metrics.iter().position(|m| m.id == metric.id.as_str()))
        .flatten()
        .map(|mi| {
            let pos: Vec<Option<usize>> = ranked
                .iter()
                .map(|i| metrics[mi].entries.iter().position(|e| e == i))
                .collect();
            (mi, pos)
        })
        .filter(|(_, pos)| pos.iter().all(Option::is_some));

    // rank_then_aggregate: the within-case ranks do not depend on the draw.
    let case_ranks: Vec<f64> = if tr.method == RankingMethod::RankThenAggregate {
        let mut ranks = vec![f64::NAN; k * n];
        let mut col = vec![0.0; k];
        let mut r = vec![0.0; k];
        for c in 0..n {
            for a in 0..k {
                col[a] = rows[a * n + c];
            }
            if col.iter().any(|v| v.is_nan()) {
                continue;
            }
            rank_into(&col, tr.direction, tr.ties, &mut r);
            for a in 0..k {
                ranks[a * n + c] = r[a];
            }
        }
        ranks
    } else {
        Vec::new()
    };
    let full_ranks: Vec<f64> = ranked
        .iter()
        .map(|&i| tr.entries[i].rank.unwrap_or(f64::NAN))
        .collect();
    let score_direction = match tr.method {
        RankingMethod::AggregateThenRank => tr.direction,
        RankingMethod::RankThenAggregate => Direction::LowerIsBetter,
        RankingMethod::TestThenRank => Direction::HigherIsBetter,
    };

    // Rows prepared for exact means, once (only where the loop below aggregates them).
    let (rows_exact, rows_columns) =
        if reuse.is_none() && tr.method == RankingMethod::AggregateThenRank {
            prepare(&rows, n, tr.aggregation)
        } else {
            (Vec::new(), None)
        };
    let (case_ranks_exact, case_ranks_columns) = prepare(&case_ranks, n, tr.aggregation);
    // test_then_rank: each pair's differences sorted once, not once per sample.
    let paired =
        (reuse.is_none() && tr.method == RankingMethod::TestThenRank && n <= MAX_PAIRED_CASES)
            .then(|| PairedDifferences::new(&rows, n, k, tr.direction));
    let decision = Decision::new(alpha);
    // Every sample's results in flat buffers written in place: sample `b` owns
    // `ranks[b*k..]`, `scores[b*width..]` (each metric's entries at its offset) and `taus[b]`.
    let offsets: Vec<usize> = metrics
        .iter()
        .scan(0, |o, m| {
            let at = *o;
            *o += m.entries.len();
            Some(at)
        })
        .collect();
    let width = metrics
        .iter()
        .map(|m| m.entries.len())
        .sum::<usize>()
        .max(1);
    let mut sample_ranks = vec![0.0; samples * k];
    let mut sample_scores = vec![f64::NAN; samples * width];
    let mut taus = vec![f64::NAN; samples];
    sample_ranks
        .par_chunks_mut(k)
        .zip(sample_scores.par_chunks_mut(width))
        .zip(taus.par_iter_mut())
        .enumerate()
        .for_each_init(Scratch::default, |s, (b, ((ranks, scores), tau))| {
            let mut rng = SplitMix64::for_sample(bootstrap.seed, b as u64);
            let mut idx = std::mem::take(&mut s.idx);
            let mut weights = std::mem::take(&mut s.weights);
            idx.clear();
            idx.extend((0..n).map(|_| rng.below(n as u64) as usize));
            weights.clear();
            weights.resize(n, 0);
            for &c in &idx {
                weights[c] += 1;
            }
            let draw = Draw {
                idx: &idx,
                weights: &weights,
            };
            for (m, &at) in metrics.iter().zip(&offsets) {
                sample_aggregates(
                    &m.rows,
                    n,
                    &m.exact,
                    m.columns.as_ref(),
                    &draw,
                    tr.aggregation,
                    s,
                    &mut scores[at..at + m.entries.len()],
                );
            }
            let mut system_scores = std::mem::take(&mut s.scores);
            system_scores.clear();
            system_scores.resize(k, 0.0);
            match (&reuse, tr.method) {
                (Some((mi, pos)), _) => {
                    for (o, p) in system_scores.iter_mut().zip(pos) {
                        *o = p.map_or(f64::NAN, |p| scores[offsets[*mi] + p]);
                    }
                }
                (None, RankingMethod::AggregateThenRank) => sample_aggregates(
                    &rows,
                    n,
                    &rows_exact,
                    rows_columns.as_ref(),
                    &draw,
                    tr.aggregation,
                    s,
                    &mut system_scores,
                ),
                (None, RankingMethod::RankThenAggregate) => sample_aggregates(
                    &case_ranks,
                    n,
                    &case_ranks_exact,
                    case_ranks_columns.as_ref(),
                    &draw,
                    tr.aggregation,
                    s,
                    &mut system_scores,
                ),
                (None, RankingMethod::TestThenRank) => match &paired {
                    Some(p) => p.share_beaten_weights(
                        &weights,
                        &decision,
                        &mut s.pairs,
                        &mut system_scores,
                    ),
                    // Too many cases to index: test the gathered sample.
                    None => {
                        s.agg.clear();
                        for a in 0..k {
                            s.agg.extend(idx.iter().map(|&c| rows[a * n + c]));
                        }
                        share_beaten_rows(
                            &s.agg,
                            n,
                            tr.direction,
                            alpha,
                            &mut s.wilcoxon,
                            &mut system_scores,
                        );
                    }
                },
            }
            rank_into(&system_scores, score_direction, tr.ties, ranks);
            *tau = kendall_tau_b(&full_ranks, ranks);
            s.idx = idx;
            s.weights = weights;
            s.scores = system_scores;
        });

    out.kendall_tau = summarise(&mut taus, bootstrap.ci);
    let mut column = Vec::with_capacity(samples);
    for (a, &i) in ranked.iter().enumerate() {
        let e = &mut entries[i];
        e.rank_counts = vec![0; k];
        column.clear();
        for ranks in sample_ranks.chunks(k) {
            let r = ranks[a];
            column.push(r);
            let slot = (r.floor() as usize).clamp(1, k) - 1;
            e.rank_counts[slot] += 1;
        }
        if let Some((median, lo, hi)) = summarise(&mut column, bootstrap.ci) {
            e.median_rank = Some(median);
            e.rank_ci = Some((lo, hi));
        }
    }
    for (mi, m) in metrics.iter().enumerate() {
        for (p, &i) in m.entries.iter().enumerate() {
            column.clear();
            column.extend(sample_scores.chunks(width).map(|s| s[offsets[mi] + p]));
            if let Some((_, lo, hi)) = summarise(&mut column, bootstrap.ci) {
                entries[i].score_ci.insert(m.id.clone(), (lo, hi));
            }
        }
    }
    let ci: Vec<Option<(f64, f64)>> = entries.iter().map(|e| e.rank_ci).collect();
    for (e, g) in entries.iter_mut().zip(tie_groups(&tr.order, &ci)) {
        e.tie_group = g;
    }
    out.entries = entries;
    out.sample_ranks = SampleRanks::new(k, &sample_ranks);
    Some(out)
}

type Significance = (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<(usize, usize)>);

/// Every ordered pair's one-sided test on all kept cases, Holm-adjusted together.
fn significance(
    rows: &[f64],
    n: usize,
    k: usize,
    tr: &TaskRanking,
    ranked: &[usize],
    alpha: f64,
) -> Significance {
    // Each unordered pair once: one sort gives both directions. Pairs run in parallel.
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .collect();
    let both: Vec<(f64, f64)> = pairs
        .par_iter()
        .map_init(WilcoxonBuf::default, |buf, &(a, b)| {
            wilcoxon_both_buf(
                &rows[a * n..(a + 1) * n],
                &rows[b * n..(b + 1) * n],
                tr.direction,
                buf,
            )
        })
        .collect();
    let mut p = vec![vec![f64::NAN; k]; k];
    for (&(a, b), &(ab, ba)) in pairs.iter().zip(&both) {
        p[a][b] = ab;
        p[b][a] = ba;
    }
    let flat: Vec<f64> = (0..k)
        .flat_map(|a| (0..k).filter(move |&b| b != a).map(move |b| (a, b)))
        .map(|(a, b)| p[a][b])
        .collect();
    let adj_flat = holm(&flat);
    let mut adj = vec![vec![f64::NAN; k]; k];
    let mut it = adj_flat.into_iter();
    for (a, row) in adj.iter_mut().enumerate() {
        for (b, slot) in row.iter_mut().enumerate() {
            if a != b {
                *slot = it.next().unwrap_or(f64::NAN);
            }
        }
    }
    let rank = |a: usize| tr.entries[ranked[a]].rank.unwrap_or(f64::MAX);
    let mut pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (0..k).map(move |b| (a, b)))
        .filter(|&(a, b)| a != b && adj[a][b] <= alpha)
        .collect();
    pairs.sort_by(|&(a1, b1), &(a2, b2)| {
        rank(a1)
            .total_cmp(&rank(a2))
            .then(a1.cmp(&a2))
            .then(rank(b1).total_cmp(&rank(b2)))
            .then(b1.cmp(&b2))
    });
    let pairs = pairs
        .into_iter()
        .map(|(a, b)| (ranked[a], ranked[b]))
        .collect();
    (p, adj, pairs)
}

/// Groups of entries whose rank intervals overlap their group leader's (see the module docs).
/// Tie groups (see the module docs) over intervals indexed like `ci`, visiting `order` (best
/// rank first); entries without an interval get no group.
pub fn tie_groups(order: &[usize], ci: &[Option<(f64, f64)>]) -> Vec<Option<usize>> {
    let mut groups = vec![None; ci.len()];
    let mut left: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| ci.get(i).is_some_and(Option::is_some))
        .collect();
    let mut group = 0;
    while let Some(&head) = left.first() {
        group += 1;
        let Some((lo, hi)) = ci[head] else {
            break;
        };
        left.retain(|&i| {
            let overlaps = ci[i].is_some_and(|(l, h)| l <= hi && lo <= h);
            if overlaps {
                groups[i] = Some(group);
            }
            !overlaps
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_the_reference_sequence() {
        // First outputs of SplitMix64 seeded with 1234567 (Vigna's reference C code).
        let mut g = SplitMix64::new(1234567);
        assert_eq!(g.next_u64(), 6457827717110365317);
        assert_eq!(g.next_u64(), 3203168211198807973);
        let mut g = SplitMix64::new(7);
        assert!((0..1000).all(|_| g.below(3) < 3));
    }

    #[test]
    fn quantile_type_7_matches_r() {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.025, 0.5, 0.975)) = 1.1 3.0 9.4
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile_sorted(&x, 0.025) - 1.1).abs() < 1e-12);
        assert_eq!(quantile_sorted(&x, 0.5), 3.0);
        assert!((quantile_sorted(&x, 0.975) - 9.4).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[5.0], 0.3), 5.0);
    }

    #[test]
    fn holm_matches_r() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.5), "holm") = 0.04 0.09 0.09 0.50
        let a = holm(&[0.01, 0.04, 0.03, 0.5]);
        for (x, y) in a.iter().zip([0.04, 0.09, 0.09, 0.5]) {
            assert!((x - y).abs() < 1e-12, "{a:?}");
        }
    }

    #[test]
    fn kendall_tau_b_with_ties() {
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 1.0);
        assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), -1.0);
        assert!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
        // scipy.stats.kendalltau([1,2,2,4], [1,3,2,4]) = 0.912870929175...
        let t = kendall_tau_b(&[1.0, 2.0, 2.0, 4.0], &[1.0, 3.0, 2.0, 4.0]);
        assert!((t - 0.912_870_929_175_276_8).abs() < 1e-12, "{t}");
    }

    #[test]
    fn median_of_drawn_columns() {
        let mut buf = Vec::new();
        let row = [5.0, 1.0, f64::NAN, 3.0];
        assert_eq!(
            aggregate_drawn(&row, &[0, 1, 3, 3], Aggregation::Median, &mut buf),
            3.0
        );
        assert_eq!(
            aggregate_drawn(&row, &[0, 1, 2], Aggregation::Median, &mut buf),
            3.0
        );
        assert_eq!(
            aggregate_drawn(&row, &[0, 1, 2], Aggregation::Mean, &mut buf),
            3.0
        );
        assert!(aggregate_drawn(&row, &[2], Aggregation::Mean, &mut buf).is_nan());
    }
}
