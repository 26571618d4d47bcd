//! Views of a release, read from its frozen files only: the leaderboard table, the analysis
//! charts and the consensus ranking take the same shape as the live views (so the live
//! templates render them), but every number comes from `data/releases/<v>/`, never from the
//! current content or the current ranking code.

use super::views::{rank_span, score_span, system_url, task_url, tie_label, top_group_size};
use super::{charts, format};
use crate::model::*;
use serde_json::{Value, json};

/// A number of a frozen document.
fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A `[low, high]` pair.
fn pair(v: Option<&Value>) -> Option<(f64, f64)> {
    let a = v?.as_array()?;
    Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
}

fn entries(doc: &Value) -> &[Value] {
    doc.get("entries")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The URL of a release's page, and of a task's frozen leaderboard in it.
pub fn release_url(version: &str) -> String {
    format!("releases/{version}/")
}

pub fn frozen_task_url(version: &str, id: &str) -> String {
    format!("releases/{version}/tasks/{id}/")
}

/// A system as the release named it, linked to its live page while that exists.
pub fn system(release: &Release, portal: &Portal, id: &str) -> Value {
    let frozen = release.systems.iter().find(|s| s.id == id);
    let live = portal.system(id);
    json!({
        "id": id,
        "name": frozen.map(|s| s.name.as_str()).or(live.map(|s| s.name.as_str())).unwrap_or(id),
        "url": live.map(|_| system_url(id)),
        "kind": frozen.and_then(|s| s.kind.clone()),
    })
}

/// A frozen task's link: its live page while the task is still published.
pub fn task_link(portal: &Portal, id: &str) -> Option<String> {
    portal
        .task(id)
        .filter(|b| b.task.status.is_published())
        .map(|_| task_url(id))
}

/// The ranking metric's (id, name, direction) and the range of its values, from the frozen
/// evaluation block (the metric id alone when the block does not name it).
fn ranking_metric(meta: &FrozenTaskMeta, doc: &Value) -> (String, String, String) {
    let id = text(doc, "metric").to_string();
    meta.metrics()
        .into_iter()
        .find(|(m, _, _)| *m == id)
        .unwrap_or_else(|| (id.clone(), id, text(doc, "direction").to_string()))
}

fn metric_range(meta: &FrozenTaskMeta, id: &str) -> Option<(f64, f64)> {
    let ms = meta.evaluation.as_ref()?.get("metrics")?.as_array()?;
    let m = ms
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(id))?;
    let (a, b) = pair(m.get("range"))?;
    Some((a.min(b), a.max(b)))
}

fn label_of<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    s: &str,
) -> String {
    all.iter()
        .find(|x| as_str(**x) == s)
        .map_or_else(|| s.to_string(), |x| label(*x).to_string())
}

fn date_display(s: &str) -> String {
    Date::parse(s).map_or_else(|_| s.to_string(), |d| format::date(&d))
}

/// The frozen leaderboard in the shape of [`super::views::leaderboard`], for
/// `partials/leaderboard.html`.
pub fn leaderboard(release: &Release, task: &FrozenTask, doc: &Value, portal: &Portal) -> Value {
    let version = release.version().as_str();
    let id = task.meta.id.as_str();
    let metrics = task.meta.metrics();
    let (metric_id, metric_name, metric_dir) = ranking_metric(&task.meta, doc);
    let samples = num(doc, "bootstrap_samples").unwrap_or(0.0);
    let boot = samples > 0.0;
    let ci = num(doc, "ci").unwrap_or(0.95);
    let rows_in = entries(doc);
    let top = top_group_size(rows_in.iter().map(|e| {
        e.get("tie_group")
            .and_then(Value::as_u64)
            .map(|g| g as usize)
    }));
    let rows: Vec<Value> = rows_in
        .iter()
        .map(|e| {
            let rank = num(e, "rank");
            let reference = e.get("reference_only").and_then(Value::as_bool).unwrap_or(false);
            let score = |m: &str| e.get("scores").and_then(|s| s.get(m));
            let scores: Vec<Value> = metrics
                .iter()
                .map(|(m, _, _)| {
                    let v = score(m).and_then(|s| num(s, "value"));
                    json!({
                        "metric_id": m,
                        "value": v,
                        "display": v.map(format::score).unwrap_or_else(|| "–".into()),
                        "ci_display": pair(score(m).and_then(|s| s.get("ci"))).map(score_span),
                    })
                })
                .collect();
            let primary = score(&metric_id);
            let rank_ci = if boot { pair(e.get("rank_ci")) } else { None };
            let group = e.get("tie_group").and_then(Value::as_u64).map(|g| g as usize);
            let evaluated = e.get("evaluated").and_then(Value::as_str);
            json!({
                "rank": rank,
                "rank_display": rank.map(format::rank),
                "reference_only": reference,
                "entry_id": text(e, "entry"),
                "system": system(release, portal, text(e, "system")),
                "system_version": e.get("system_version"),
                "scores": scores,
                "primary_display": primary.and_then(|s| num(s, "value")).map(format::score).unwrap_or_else(|| "–".into()),
                "primary_ci_display": pair(primary.and_then(|s| s.get("ci"))).map(score_span),
                "rank_ci": rank_ci.map(|(a, b)| [a, b]),
                "rank_ci_display": rank_ci.map(rank_span),
                "median_rank_display": num(e, "median_rank").filter(|_| boot).map(format::rank),
                "tie_group": group,
                "tie_label": tie_label(group, top),
                "ranking_score_display": num(e, "ranking_score").map(format::score),
                "evaluation": e.get("evaluation"),
                "training_regime": e.get("training_regime"),
                "external_data": e.get("external_data"),
                "submitted": e.get("submitted"),
                "evaluated": evaluated,
                "evaluated_display": evaluated.map(date_display),
                "n_missing": num(e, "missing_cases").unwrap_or(0.0) as u64,
            })
        })
        .collect();
    let ranked = rows_in.iter().filter(|e| num(e, "rank").is_some());
    let without_per_case: Vec<String> = ranked
        .clone()
        .filter(|e| e.get("per_case").and_then(Value::as_bool) == Some(false))
        .map(|e| {
            let name = release.system_name(text(e, "system")).to_string();
            match e.get("system_version").and_then(Value::as_str) {
                Some(v) => format!("{name} {v}"),
                None => name,
            }
        })
        .collect();
    let n_ranked = ranked.count();
    let method = text(doc, "method");
    let updated = text(doc, "updated");
    json!({
        "updated": updated,
        "updated_display": date_display(updated),
        "split": doc.get("split"),
        "task_version": doc.get("task_version"),
        "n_cases": num(doc, "cases").or(num(doc, "cases_used")).unwrap_or(0.0) as u64,
        "n_cases_used": num(doc, "cases_used").unwrap_or(0.0) as u64,
        "n_ranked": n_ranked,
        "method": method,
        "method_label": label_of(RankingMethod::ALL, RankingMethod::as_str, RankingMethod::label, method),
        "metric": {"id": metric_id, "name": metric_name, "direction": metric_dir},
        "aggregation": doc.get("aggregation"),
        "ties": doc.get("ties"),
        "missing_case_policy": doc.get("missing_case_policy"),
        "has_per_case": boot,
        "without_per_case": without_per_case,
        "has_uncertainty": boot,
        "samples": boot.then_some(samples as u64),
        "ci_percent": boot.then(|| format!("{:.0}%", ci * 100.0)),
        "kendall_tau_display": doc.get("kendall_tau").filter(|_| boot).and_then(|k| {
            let m = num(k, "median")?;
            let (lo, hi) = pair(k.get("ci"))?;
            Some(super::views::kendall(m, lo, hi))
        }),
        "analysis_url": Value::Null,
        "download_json_url": format!("releases/{version}/tasks/{id}.json"),
        "download_csv_url": Value::Null,
        "note": (!boot).then(|| format::tr("frozen_note_no_uncertainty")),
        "metrics": metrics.iter().map(|(m, n, d)| json!({"id": m, "name": n, "direction": d})).collect::<Vec<_>>(),
        "rows": rows,
    })
}

/// The frozen analysis (blob plot, intervals, significance map) in the shape of
/// [`super::views::analysis`], for `partials/analysis_charts.html`; `None` without bootstrap.
pub fn analysis(
    release: &Release,
    task: &FrozenTask,
    doc: &Value,
    portal: &Portal,
) -> Option<Value> {
    let samples = num(doc, "bootstrap_samples").filter(|s| *s > 0.0)? as u64;
    let ci = num(doc, "ci").unwrap_or(0.95);
    let alpha = num(doc, "alpha").unwrap_or(0.05);
    let all = entries(doc);
    let name = |e: &Value| -> String {
        let sys = text(e, "system");
        let base = release.system_name(sys).to_string();
        let versions = all.iter().filter(|x| text(x, "system") == sys).count();
        match (
            e.get("system_version").and_then(Value::as_str),
            versions > 1,
        ) {
            (Some(v), true) => format!("{base} {v}"),
            _ => base,
        }
    };
    let ranked: Vec<&Value> = all.iter().filter(|e| num(e, "rank").is_some()).collect();
    let names: Vec<String> = ranked.iter().map(|e| name(e)).collect();
    let counts: Vec<Vec<u32>> = ranked
        .iter()
        .map(|e| {
            e.get("rank_distribution")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_u64().map(|c| c as u32))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let blobs: Vec<charts::BlobSystem> = ranked
        .iter()
        .zip(&names)
        .zip(&counts)
        .filter_map(|((e, n), c)| {
            Some(charts::BlobSystem {
                name: n,
                rank_counts: c,
                rank: num(e, "rank")?,
                median_rank: num(e, "median_rank")?,
                rank_ci: pair(e.get("rank_ci"))?,
            })
        })
        .collect();
    let pairs: Vec<(String, String)> = doc
        .get("significant_entry_pairs")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let p = p.as_array()?;
                    Some((
                        p.first()?.as_str()?.to_string(),
                        p.get(1)?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let beats = |a: &Value, b: &Value| {
        pairs
            .iter()
            .any(|(x, y)| x == text(a, "entry") && y == text(b, "entry"))
    };
    let significant: Vec<Vec<bool>> = ranked
        .iter()
        .map(|a| ranked.iter().map(|b| beats(a, b)).collect())
        .collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (metric_id, metric_name, _) = ranking_metric(&task.meta, doc);
    let all_names: Vec<String> = all.iter().map(name).collect();
    let intervals: Vec<charts::Interval> = all
        .iter()
        .zip(&all_names)
        .filter_map(|(e, n)| {
            let s = e.get("scores")?.get(&metric_id)?;
            Some(charts::Interval {
                name: n,
                value: num(s, "value")?,
                ci: pair(s.get("ci")),
                reference: e
                    .get("reference_only")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect();
    let range = charts::value_range(&intervals, metric_range(&task.meta, &metric_id));
    let ci_pct = format!("{:.0}%", ci * 100.0);
    let group = |e: &Value| {
        e.get("tie_group")
            .and_then(Value::as_u64)
            .map(|g| g as usize)
    };
    let top = top_group_size(ranked.iter().map(|e| group(e)));
    let rows: Vec<Value> = ranked
        .iter()
        .zip(&names)
        .zip(&counts)
        .map(|((e, n), c)| {
            let top_share = c.first().map(|&c| f64::from(c) / samples.max(1) as f64);
            let s = e.get("scores").and_then(|s| s.get(&metric_id));
            json!({
                "system": n,
                "url": system(release, portal, text(e, "system"))["url"],
                "rank_display": num(e, "rank").map(format::rank),
                "median_rank_display": num(e, "median_rank").map(format::rank),
                "rank_ci_display": pair(e.get("rank_ci")).map(rank_span),
                "tie_group": group(e),
                "tie_label": tie_label(group(e), top),
                "top_share_display": top_share.map(format::percent),
                "score_display": s.and_then(|s| num(s, "value")).map(format::score),
                "score_ci_display": pair(s.and_then(|s| s.get("ci"))).map(score_span),
                "beats": ranked.iter().zip(&names).filter(|(b, _)| beats(e, b)).map(|(_, m)| m.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let leader_group: Vec<&str> = ranked
        .iter()
        .zip(&names)
        .filter(|(e, _)| group(e) == Some(1))
        .map(|(_, n)| n.as_str())
        .collect();
    let n_significant = significant.iter().flatten().filter(|x| **x).count();
    let [blob_svg, significance_svg, intervals_svg] = charts::analysis_svgs(
        &blobs,
        &name_refs,
        &significant,
        &intervals,
        range,
        &metric_name,
        &ci_pct,
    );
    Some(json!({
        "samples": samples,
        "ci_percent": ci_pct,
        "alpha": alpha,
        "metric_name": metric_name,
        "kendall_tau": doc.get("kendall_tau").and_then(|k| Some(json!({
            "median": format!("{:.2}", num(k, "median")?),
            "low": format!("{:.2}", pair(k.get("ci"))?.0),
            "high": format!("{:.2}", pair(k.get("ci"))?.1),
        }))),
        "leader_group": leader_group,
        "n_significant": n_significant,
        "n_pairs": ranked.len() * ranked.len().saturating_sub(1),
        "blob_svg": blob_svg,
        "significance_svg": significance_svg,
        "intervals_svg": intervals_svg,
        "rows": rows,
    }))
}

/// The frozen consensus ranking (rankings.json) in the shape of [`super::views::consensus`].
pub fn consensus(release: &Release, portal: &Portal) -> Value {
    let doc = &release.rankings;
    let task_ids: Vec<&str> = doc
        .get("task_ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let version = release.version().as_str();
    let tasks: Vec<Value> = task_ids
        .iter()
        .map(|id| {
            let t = release.task(id);
            json!({
                "id": id,
                "title": t.map(|t| t.meta.title.as_str()),
                "acronym": t.and_then(|t| t.meta.acronym.as_deref()),
                "url": frozen_task_url(version, id),
                "n_ranked": t.and_then(|t| t.leaderboard.as_ref()).map(|l| entries(l).iter().filter(|e| num(e, "rank").is_some()).count()),
            })
        })
        .collect();
    let rows_in = entries(doc);
    let group = |e: &Value| {
        e.get("tie_group")
            .and_then(Value::as_u64)
            .map(|g| g as usize)
    };
    let top = top_group_size(rows_in.iter().map(group));
    let rows: Vec<Value> = rows_in
        .iter()
        .map(|row| {
            let rank = num(row, "rank").unwrap_or(0.0);
            let mean = num(row, "mean_rank").unwrap_or(0.0);
            let rank_ci = pair(row.get("rank_ci"));
            json!({
                "rank": rank,
                "rank_display": format::rank(rank),
                "system": system(release, portal, text(row, "system")),
                "mean_rank": mean,
                "mean_rank_display": format!("{mean:.2}"),
                "rank_ci": rank_ci.map(|(a, b)| [a, b]),
                "rank_ci_display": rank_ci.map(rank_span),
                "tie_group": group(row),
                "tie_label": tie_label(group(row), top),
                "n_tasks": num(row, "tasks").unwrap_or(0.0) as u64,
                "ranks": task_ids.iter().map(|id| {
                    let r = row.get("task_ranks").and_then(|t| t.get(*id)).and_then(Value::as_f64);
                    json!({"task_id": id, "rank": r, "rank_display": r.map(format::rank)})
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let names: Vec<String> = rows_in
        .iter()
        .map(|r| release.system_name(text(r, "system")).to_string())
        .collect();
    let intervals: Vec<charts::Interval> = rows_in
        .iter()
        .zip(&names)
        .map(|(row, name)| charts::Interval {
            name,
            value: num(row, "rank").unwrap_or(0.0),
            ci: pair(row.get("rank_ci")),
            reference: false,
        })
        .collect();
    let has_intervals = intervals.iter().any(|i| i.ci.is_some());
    let chart_svg = has_intervals.then(|| {
        charts::dot_interval(
            "consensus",
            &format::tr("chart_consensus_title"),
            &intervals,
            (1.0, rows_in.len() as f64),
            charts::Axis::Rank,
        )
    });
    let leader_group: Vec<&String> = rows_in
        .iter()
        .zip(&names)
        .filter(|(r, _)| group(r) == Some(1))
        .map(|(_, n)| n)
        .collect();
    json!({
        "task_columns": tasks.len() <= super::views::MAX_TASK_COLUMNS,
        "tasks": tasks,
        "rows": rows,
        "chart_svg": chart_svg,
        "leader_group": leader_group,
        "samples": num(doc, "bootstrap_samples").unwrap_or(0.0) as u64,
        "ci_percent": format!("{:.0}%", num(doc, "ci").unwrap_or(0.95) * 100.0),
    })
}

/// The leader of a frozen leaderboard: the best-ranked entry's system name, or `None`.
pub fn leader(release: &Release, doc: &Value) -> Option<String> {
    entries(doc)
        .iter()
        .filter(|e| num(e, "rank").is_some())
        .min_by(|a, b| {
            num(a, "rank")
                .partial_cmp(&num(b, "rank"))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|e| release.system_name(text(e, "system")).to_string())
}

/// Entries ranked in a frozen leaderboard, and in total.
pub fn counts(doc: &Value) -> (usize, usize) {
    let all = entries(doc);
    (
        all.iter().filter(|e| num(e, "rank").is_some()).count(),
        all.len(),
    )
}

/// A task's history across releases, for its live page: the releases that contain it with
/// the leader in each, and (from two releases on) every system's rank per release as a chart
/// with its table. `None` when no release contains the task.
pub fn task_history(portal: &Portal, id: &str) -> Option<Value> {
    let with: Vec<(&Release, &FrozenTask)> = portal
        .releases
        .iter()
        .filter_map(|r| Some((r, r.task(id)?)))
        .collect();
    if with.is_empty() {
        return None;
    }
    let releases: Vec<Value> = with
        .iter()
        .rev()
        .map(|(r, t)| {
            let v = r.version().as_str();
            let (ranked, total) = t.leaderboard.as_ref().map_or((0, 0), counts);
            json!({
                "version": v,
                "date": r.meta.date,
                "date_display": format::date(&r.meta.date),
                "url": t.leaderboard.as_ref().map_or_else(|| release_url(v), |_| frozen_task_url(v, id)),
                "task_version": t.meta.version,
                "leader": t.leaderboard.as_ref().and_then(|l| leader(r, l)),
                "ranked": ranked,
                "entries": total,
            })
        })
        .collect();
    let versions: Vec<&str> = with.iter().map(|(r, _)| r.version().as_str()).collect();
    let systems: std::collections::BTreeSet<&str> = with
        .iter()
        .filter_map(|(_, t)| t.leaderboard.as_ref())
        .flat_map(|l| {
            entries(l)
                .iter()
                .filter(|e| num(e, "rank").is_some())
                .map(|e| text(e, "system"))
        })
        .collect();
    let best = |t: &FrozenTask, sys: &str| -> Option<f64> {
        entries(t.leaderboard.as_ref()?)
            .iter()
            .filter(|e| text(e, "system") == sys)
            .filter_map(|e| num(e, "rank"))
            .reduce(f64::min)
    };
    let latest = with.last().map(|(r, _)| *r);
    let mut rows: Vec<(String, Vec<Option<f64>>)> = systems
        .iter()
        .map(|sys| {
            let name = latest.map_or(*sys, |r| r.system_name(sys)).to_string();
            (name, with.iter().map(|(_, t)| best(t, sys)).collect())
        })
        .collect();
    // Systems in the order of their latest rank, unranked last.
    rows.sort_by(|a, b| {
        let last = |r: &Vec<Option<f64>>| r.iter().rev().find_map(|x| *x).unwrap_or(f64::MAX);
        last(&a.1).total_cmp(&last(&b.1)).then(a.0.cmp(&b.0))
    });
    let chart = (with.len() >= 2 && !rows.is_empty()).then(|| {
        let lines: Vec<charts::RankLine> = rows
            .iter()
            .map(|(n, r)| charts::RankLine {
                name: n,
                ranks: r.clone(),
            })
            .collect();
        charts::rank_history(
            "rank-history",
            &format::tr("chart_rank_history_title"),
            &versions,
            &lines,
        )
    });
    Some(json!({
        "releases": releases,
        "versions": versions,
        "chart_svg": chart,
        "rows": rows.iter().map(|(n, r)| json!({
            "name": n,
            "ranks": r.iter().map(|x| x.map(format::rank)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    }))
}

/// A system's ranks in every release (newest first): overall and per task.
pub fn system_history(portal: &Portal, id: &str) -> Vec<Value> {
    portal
        .releases
        .iter()
        .rev()
        .filter_map(|r| {
            let v = r.version().as_str();
            let overall = entries(&r.rankings)
                .iter()
                .find(|e| text(e, "system") == id)
                .and_then(|e| num(e, "rank"));
            let tasks: Vec<Value> = r
                .tasks
                .iter()
                .filter_map(|t| {
                    let l = t.leaderboard.as_ref()?;
                    let rank = entries(l)
                        .iter()
                        .filter(|e| text(e, "system") == id)
                        .filter_map(|e| num(e, "rank"))
                        .reduce(f64::min)?;
                    let n = counts(l).0;
                    Some(json!({
                        "title": t.meta.title,
                        "short": t.meta.short_name(),
                        "url": frozen_task_url(v, &t.meta.id),
                        "rank_display": format::rank(rank),
                        "of": n,
                    }))
                })
                .collect();
            (overall.is_some() || !tasks.is_empty()).then(|| {
                json!({
                    "version": v,
                    "url": release_url(v),
                    "date": r.meta.date,
                    "date_display": format::date(&r.meta.date),
                    "overall_display": overall.map(format::rank),
                    "of": entries(&r.rankings).len(),
                    "tasks": tasks,
                })
            })
        })
        .collect()
}
