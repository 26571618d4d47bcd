//! Template contexts: the domain types plus what pages need (URLs, sanitized HTML, labels,
//! formatted numbers). `docs/templates.md` documents every name for theme authors.
//!
//! Only published tasks ever enter a context; confidential proposals reach pages as counts.

use super::{charts, format};
use crate::compute::{Computed, TaskRanking, Uncertainty, stats};
use crate::config::Config;
use crate::markdown::{self, Placement};
use crate::model::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

type Obj = Map<String, Value>;

fn to_obj<T: serde::Serialize>(v: &T) -> Obj {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Obj::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// URLs: relative to the site's base, always ending in '/'.

pub fn task_url(id: &str) -> String {
    format!("tasks/{id}/")
}
pub fn datacard_url(id: &str) -> String {
    format!("tasks/{id}/datacard/")
}
/// The Croissant file of a task's data card.
pub fn croissant_url(id: &str) -> String {
    format!("tasks/{id}/croissant.json")
}
/// The full record of a published task in the open-data API (`/api/tasks/<id>.json`).
pub fn task_json_url(id: &str) -> String {
    format!("api/tasks/{id}.json")
}
pub fn system_url(id: &str) -> String {
    format!("systems/{id}/")
}

/// The facets a reader browses tasks by; each value gets a static listing page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    Modality,
    Specialty,
    Status,
    Category,
}

impl FacetKind {
    pub const ALL: [FacetKind; 4] = [
        FacetKind::Modality,
        FacetKind::Specialty,
        FacetKind::Status,
        FacetKind::Category,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FacetKind::Modality => "modality",
            FacetKind::Specialty => "specialty",
            FacetKind::Status => "status",
            FacetKind::Category => "category",
        }
    }

    /// An English `label` of this facet in the page language (found by its English text).
    fn localized(self, label: &str) -> String {
        self.vocabulary()
            .into_iter()
            .find(|(_, l)| *l == label)
            .map_or_else(
                || label.to_string(),
                |(v, l)| format::label(self.key(), v, l),
            )
    }

    /// (value as in content, label) of every value a task has for this facet.
    pub fn values(self, t: &Task) -> Vec<(&'static str, &'static str)> {
        match self {
            FacetKind::Modality => t
                .imaging
                .modalities
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            FacetKind::Specialty => t
                .clinical
                .specialty
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            FacetKind::Status => vec![(t.status.as_str(), t.status.label())],
            FacetKind::Category => {
                let c = t.task_definition.category;
                vec![(c.as_str(), c.label())]
            }
        }
    }

    /// Every possible value in the spec's order, for stable listings.
    pub fn vocabulary(self) -> Vec<(&'static str, &'static str)> {
        match self {
            FacetKind::Modality => Modality::ALL
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            FacetKind::Specialty => Specialty::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            FacetKind::Status => Status::ALL
                .iter()
                .filter(|s| s.is_published())
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            FacetKind::Category => Category::ALL
                .iter()
                .map(|c| (c.as_str(), c.label()))
                .collect(),
        }
    }

    pub fn url(self, value: &str) -> String {
        format!(
            "tasks/{}/{}/",
            self.key(),
            value.to_ascii_lowercase().replace('_', "-")
        )
    }

    /// The title of the listing page for one value.
    pub fn listing_title(self, label: &str) -> String {
        let label = &self.localized(label);
        match self {
            FacetKind::Modality | FacetKind::Specialty => {
                format::tr_with("listing_in", &[("label", label)])
            }
            FacetKind::Status | FacetKind::Category => {
                format::tr_with("listing_status", &[("label", label)])
            }
        }
    }
}

pub fn facet_link(kind: FacetKind, value: &str, label: &str, count: usize) -> Value {
    json!({
        "kind": kind.key(),
        "value": value,
        "label": format::label(kind.key(), value, label),
        "url": kind.url(value),
        "count": count,
    })
}

/// Facet values with their counts over the published tasks, in vocabulary order, empty ones
/// left out.
pub fn facets(tasks: &[&TaskBundle], kind: FacetKind) -> Vec<Value> {
    kind.vocabulary()
        .into_iter()
        .filter_map(|(value, label)| {
            let n = tasks
                .iter()
                .filter(|b| kind.values(&b.task).iter().any(|(v, _)| *v == value))
                .count();
            (n > 0).then(|| facet_link(kind, value, label, n))
        })
        .collect()
}

pub fn all_facets(tasks: &[&TaskBundle]) -> Value {
    let mut m = Obj::new();
    for kind in FacetKind::ALL {
        m.insert(kind.key().into(), Value::Array(facets(tasks, kind)));
    }
    Value::Object(m)
}

// ---------------------------------------------------------------------------------------------
// Site-wide

pub fn labels() -> Value {
    fn map<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Value {
        Value::Object(
            all.iter()
                .map(|&v| {
                    let (k, l) = f(v);
                    (k.to_string(), Value::String(l.to_string()))
                })
                .collect(),
        )
    }
    let criteria: Obj = [
        "clinical_importance",
        "unmet_need",
        "patient_relevance",
        "reference_standard_quality",
        "representativeness",
        "evaluation_validity",
        "feasibility_legal_ethics",
    ]
    .iter()
    .map(|c| (c.to_string(), Value::String(criterion_label(c))))
    .collect();
    json!({
        "status": map(Status::ALL, |v| (v.as_str(), v.label())),
        "modality": map(Modality::ALL, |v| (v.as_str(), v.label())),
        "specialty": map(Specialty::ALL, |v| (v.as_str(), v.label())),
        "field_of_application": map(FieldOfApplication::ALL, |v| (v.as_str(), v.label())),
        "category": map(Category::ALL, |v| (v.as_str(), v.label())),
        "access": map(Access::ALL, |v| (v.as_str(), v.label())),
        "role": map(ContributorRole::ALL, |v| (v.as_str(), v.label())),
        "criterion": criteria,
        "decision": map(Decision::ALL, |v| (v.as_str(), v.label())),
        "panel_role": map(PanelRole::ALL, |v| (v.as_str(), v.label())),
        "coi": map(Coi::ALL, |v| (v.as_str(), v.label())),
        "direction": map(Direction::ALL, |v| (v.as_str(), v.label())),
        "level": map(MetricLevel::ALL, |v| (v.as_str(), v.label())),
        "evaluation": map(EvaluationKind::ALL, |v| (v.as_str(), v.label())),
        "training_regime": map(TrainingRegime::ALL, |v| (v.as_str(), v.label())),
        "system_kind": map(SystemKind::ALL, |v| (v.as_str(), v.label())),
        "system_access": map(SystemAccess::ALL, |v| (v.as_str(), v.label())),
        "method": map(RankingMethod::ALL, |v| (v.as_str(), v.label())),
        "aggregation": map(Aggregation::ALL, |v| (v.as_str(), v.label())),
        "ties": map(Ties::ALL, |v| (v.as_str(), v.label())),
        "missing_case_policy": map(MissingCasePolicy::ALL, |v| (v.as_str(), v.label())),
        "other_input": map(OtherInput::ALL, |v| (v.as_str(), v.label())),
        "test_overlap": map(TestOverlap::ALL, |v| (v.as_str(), v.label())),
        "error_penalty": map(ErrorPenalty::ALL, |v| (v.as_str(), v.label())),
        "class_imbalance": map(ClassImbalance::ALL, |v| (v.as_str(), v.label())),
        "award_status": map(AwardStatus::ALL, |v| (v.as_str(), v.label())),
    })
}

/// `site`: settings plus the navigation (configured sections, then pages with `menu`).
pub fn site(config: &Config, pages: &[&Doc<PageMeta>]) -> Value {
    // The default menu's "About" needs content/pages/about.md; without it the entry would be a
    // broken link (a menu the curator wrote is kept as written, and link-checked).
    let default = crate::config::default_nav();
    let is_default = config
        .nav
        .iter()
        .map(|n| (&n.name, &n.url))
        .eq(default.iter().map(|n| (&n.name, &n.url)));
    let mut nav: Vec<Value> = config
        .nav
        .iter()
        .filter(|n| {
            !is_default || n.url != "about/" || pages.iter().any(|p| p.id.as_str() == "about")
        })
        .map(|n| {
            // The default menu speaks the page's language; a menu the curator wrote stays as written.
            let name = if is_default {
                format::tr(&format!("nav_{}", n.url.trim_end_matches('/')))
            } else {
                n.name.clone()
            };
            json!({"name": name, "url": n.url})
        })
        .collect();
    let mut menu: Vec<&&Doc<PageMeta>> = pages.iter().filter(|p| p.meta.menu.is_some()).collect();
    menu.sort_by_key(|p| (p.meta.menu, p.id.as_str().to_string()));
    for p in menu {
        let url = format!("{}/", p.id);
        if !nav.iter().any(|n| n["url"] == Value::String(url.clone())) {
            nav.push(json!({"name": p.meta.title, "url": url}));
        }
    }
    let footer: Vec<Value> = pages
        .iter()
        .filter(|p| p.meta.menu.is_none())
        .map(|p| json!({"name": p.meta.title, "url": format!("{}/", p.id)}))
        .collect();
    // The pages every header links to (Easy Read, sign language, the accessibility
    // statement): role → URL.
    let mut roles = serde_json::Map::new();
    for role in PageRole::ALL {
        if let Some(p) = pages.iter().find(|p| p.meta.role == Some(*role)) {
            roles.insert(role.as_str().into(), json!(format!("{}/", p.id)));
        }
    }
    json!({
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "base": config.base_path(),
        "language": config.language,
        "demo_notice": config.demo_notice,
        "funder": config.funder,
        "contact": config.contact,
        "nav": nav,
        "footer_links": footer,
        "roles": roles,
        "feed_url": "news/atom.xml",
    })
}

pub fn page(url: &str, title: &str, description: &str, kind: &str) -> Value {
    json!({"url": url, "title": title, "description": description, "kind": kind})
}

// ---------------------------------------------------------------------------------------------
// Tasks

/// Cards in lists: what a reader scans to pick a task.
pub fn task_card(b: &TaskBundle, r: Option<&TaskRanking>, portal: &Portal) -> Value {
    let t = &b.task;
    let leader = r.and_then(|r| leader(r, t, portal));
    json!({
        "id": t.id,
        "url": task_url(t.id.as_str()),
        "title": t.title,
        "acronym": t.acronym,
        "status": t.status,
        "summary": t.summary,
        "modalities": t.imaging.modalities,
        "specialties": t.clinical.specialty,
        "category": t.task_definition.category,
        "body_regions": t.imaging.body_region,
        "access": t.governance.access,
        "has_leaderboard": r.is_some(),
        "n_entries": r.map(|r| r.entries.len()).unwrap_or(0),
        "leader": leader,
        // Title or summary shown untranslated: their language.
        "fallback_lang": b.fallback.as_ref().filter(|(_, f)| f.iter().any(|f| f == "title" || f == "summary")).map(|(l, _)| l),
    })
}

fn leader(r: &TaskRanking, t: &Task, portal: &Portal) -> Option<Value> {
    let lb = portal.leaderboard(t.id.as_str())?;
    let first = *r.order.first()?;
    r.entries[first].rank?;
    let e = &lb.entries[first];
    let metric = t.evaluation.as_ref()?.metric(r.metric.as_str())?;
    let value = r.entries[first]
        .aggregates
        .get(r.metric.as_str())
        .copied()
        .flatten()?;
    Some(json!({
        "system_name": portal.system(e.system.as_str()).map(|s| s.name.as_str()).unwrap_or(e.system.as_str()),
        "system_url": system_url(e.system.as_str()),
        "score_display": format::score(value),
        "metric_name": metric.name,
    }))
}

/// A task's newest dated event (its submission or latest status change).
pub fn updated(t: &Task) -> &Date {
    t.history
        .iter()
        .map(|h| &h.date)
        .fold(&t.submitted, |a, d| a.max(d))
}

/// The full task object for the task and data card pages.
pub fn task_full(b: &TaskBundle) -> Value {
    let t = &b.task;
    let mut o = to_obj(t);
    o.insert("url".into(), json!(task_url(t.id.as_str())));
    o.insert(
        "description_html".into(),
        json!(t.description.as_deref().map(|d| markdown::render(
            d,
            Placement {
                heading_offset: 1,
                id_prefix: "desc-"
            }
        ))),
    );
    o.insert(
        "datacard_url".into(),
        json!(b.datacard.as_ref().map(|_| datacard_url(t.id.as_str()))),
    );
    o.insert(
        "croissant_url".into(),
        json!(b.datacard.as_ref().map(|_| croissant_url(t.id.as_str()))),
    );
    o.insert(
        "submitted_display".into(),
        json!(format::date(&t.submitted)),
    );
    let history: Vec<Value> = t
        .history
        .iter()
        .map(|h| json!({"date": h.date, "date_display": format::date(&h.date), "status": h.status, "note": h.note}))
        .collect();
    o.insert("history".into(), json!(history));
    // The newest dated event: the search page's "newest first" sort key.
    o.insert("updated".into(), json!(updated(t)));
    o.insert(
        "datacard_highlights".into(),
        json!(b.datacard.as_ref().map(datacard_highlights)),
    );
    o.insert(
        "fallback".into(),
        json!(
            b.fallback
                .as_ref()
                .map(|(lang, fields)| json!({"lang": lang, "fields": fields}))
        ),
    );
    Value::Object(o)
}

/// What a task page says about its data card: enough to judge the dataset (and to find the
/// task by it in search) without opening the card.
fn datacard_highlights(d: &DataCard) -> Value {
    json!({
        "name": d.dataset.name,
        "instance": d.composition.instance,
        "total_cases": d.composition.splits.values().map(|s| s.cases).sum::<u64>(),
        "total_cases_display": format::thousands(d.composition.splits.values().map(|s| s.cases).sum::<u64>()),
        "inclusion_criteria": d.collection.inclusion_criteria,
        "reference_standard": d.annotation.reference_standard,
        "intended_uses": d.uses.intended,
    })
}

pub fn facet_links(t: &Task) -> Value {
    let links = |kind: FacetKind| -> Vec<Value> {
        kind.values(t)
            .into_iter()
            .map(|(v, l)| facet_link(kind, v, l, 0))
            .collect()
    };
    json!({
        "modality": links(FacetKind::Modality),
        "specialty": links(FacetKind::Specialty),
        "status": links(FacetKind::Status).into_iter().next(),
        "category": links(FacetKind::Category).into_iter().next(),
    })
}

pub fn rationale(doc: &Doc<RationaleMeta>) -> Value {
    let m = &doc.meta;
    let recused: Vec<&str> = m
        .panel
        .iter()
        .filter(|p| p.recused)
        .map(|p| p.id.as_str())
        .collect();
    let span = (m.scale.max - m.scale.min).max(f64::EPSILON);
    let criteria: Vec<Value> = m
        .criteria
        .iter()
        .map(|c| {
            let members: Vec<Value> = c
                .scores
                .iter()
                .filter(|(id, _)| !recused.contains(&id.as_str()))
                .map(|(id, s)| json!({"member": id, "score": s, "score_display": format::rank(*s)}))
                .collect();
            json!({
                "id": c.id,
                "label": criterion_label(&c.id),
                "score": c.score,
                "score_display": format::rank((c.score * 10.0).round() / 10.0),
                "pct": (((c.score - m.scale.min) / span) * 100.0).clamp(0.0, 100.0).round(),
                "member_scores": members,
            })
        })
        .collect();
    let mut o = to_obj(m);
    o.insert(
        "meeting_date_display".into(),
        json!(format::date(&m.meeting_date)),
    );
    o.insert(
        "body_html".into(),
        json!(markdown::render(
            &doc.body,
            Placement {
                heading_offset: 1,
                id_prefix: "panel-"
            }
        )),
    );
    o.insert(
        "panel_counted".into(),
        json!(m.panel.iter().filter(|p| !p.recused).collect::<Vec<_>>()),
    );
    o.insert("n_recused".into(), json!(recused.len()));
    o.insert(
        "scale_display".into(),
        json!({"min": format::rank(m.scale.min), "max": format::rank(m.scale.max)}),
    );
    o.insert("criteria".into(), json!(criteria));
    o.insert("chart_svg".into(), json!(criteria_chart(m)));
    if let Some(a) = &m.award {
        o.insert(
            "award".into(),
            json!({
                "amount_eur": a.amount_eur,
                "amount_display": format::eur(a.amount_eur),
                "status": a.status,
                "date": a.date,
                "date_display": a.date.as_ref().map(format::date),
            }),
        );
    }
    Value::Object(o)
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// A horizontal bar chart of the panel's criterion scores, each label above its bar so the
/// chart stays legible on a phone. The same numbers are in a table beside it; the SVG carries
/// a title and description for screen readers.
pub fn criteria_chart(m: &RationaleMeta) -> String {
    let row_h = 50.0;
    let bar_w = 340.0;
    let width = bar_w + 60.0;
    let height = row_h * m.criteria.len() as f64;
    let span = (m.scale.max - m.scale.min).max(f64::EPSILON);
    let desc = m
        .criteria
        .iter()
        .map(|c| format!("{}: {}", criterion_label(&c.id), format::rank(c.score)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut s = format!(
        "<svg class=\"chart chart-criteria\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"crit-title crit-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"crit-title\">Panel scores per criterion, on a scale from {} to {}</title>\
         <desc id=\"crit-desc\">{}</desc>",
        format::rank(m.scale.min),
        format::rank(m.scale.max),
        esc(&desc)
    );
    for (i, c) in m.criteria.iter().enumerate() {
        let y = i as f64 * row_h;
        let w = (((c.score - m.scale.min) / span).clamp(0.0, 1.0) * bar_w).max(2.0);
        s.push_str(&format!(
            "<text class=\"chart-label\" x=\"0\" y=\"{ty}\">{label}</text>\
             <rect class=\"chart-track\" x=\"0\" y=\"{by}\" width=\"{bar_w}\" height=\"18\" rx=\"3\"/>\
             <rect class=\"chart-bar\" x=\"0\" y=\"{by}\" width=\"{w:.1}\" height=\"18\" rx=\"3\"/>\
             <text class=\"chart-value\" x=\"{vx}\" y=\"{vy}\">{value}</text>",
            ty = y + 15.0,
            by = y + 22.0,
            vx = bar_w + 8.0,
            vy = y + 36.0,
            label = esc(&criterion_label(&c.id)),
            value = format::rank(c.score),
        ));
    }
    s.push_str("</svg>");
    s
}

pub fn datacard(d: &DataCard) -> Value {
    let mut o = to_obj(d);
    o.insert(
        "date_published_display".into(),
        json!(format::date(&d.dataset.date_published)),
    );
    let total: u64 = d.composition.splits.values().map(|s| s.cases).sum();
    o.insert("total_cases".into(), json!(total));
    // Counts as the page's language writes them (750,000 · 750.000).
    let shown = |n: u64| json!(format::thousands(n));
    o.insert(
        "counts_display".into(),
        Value::Object(
            d.composition
                .counts
                .iter()
                .map(|(k, n)| (k.clone(), shown(*n)))
                .collect(),
        ),
    );
    o.insert(
        "cases_display".into(),
        Value::Object(
            d.composition
                .splits
                .iter()
                .map(|(k, s)| (k.clone(), shown(s.cases)))
                .collect(),
        ),
    );
    o.insert(
        "timeframe_display".into(),
        json!(d.collection.timeframe.as_ref().map(|p| json!({
            "start": format::date(&p.start),
            "end": format::date(&p.end),
        }))),
    );
    if let Some(sex) = d
        .composition
        .demographics
        .as_ref()
        .and_then(|x| x.sex.as_ref())
    {
        let shares: Vec<Value> = [
            ("Female", sex.female),
            ("Male", sex.male),
            ("Other", sex.other),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.map(|v| json!({"label": k, "share": v, "display": format::percent(v)}))
        })
        .collect();
        o.insert("sex_shares".into(), json!(shares));
    } else {
        o.insert("sex_shares".into(), json!([]));
    }
    Value::Object(o)
}

// ---------------------------------------------------------------------------------------------
// Leaderboards

/// "1–3": a rank interval, or one rank when both ends agree.
/// Kendall's tau with its interval: "0.92 (interval 0.85 to 0.97)".
pub(crate) fn kendall(m: f64, lo: f64, hi: f64) -> String {
    let f = |x: f64| format::decimal_str(format!("{x:.2}"));
    format::tr_with(
        "kendall_display",
        &[("median", &f(m)), ("low", &f(lo)), ("high", &f(hi))],
    )
}

pub(crate) fn rank_span((lo, hi): (f64, f64)) -> String {
    if lo == hi {
        format::rank(lo)
    } else {
        format!("{}–{}", format::rank(lo), format::rank(hi))
    }
}

pub(crate) fn score_span((lo, hi): (f64, f64)) -> String {
    format!("{}–{}", format::score(lo), format::score(hi))
}

/// The bootstrap ran: rank intervals, tie groups and score intervals exist.
pub fn has_bootstrap(u: Option<&Uncertainty>) -> bool {
    u.is_some_and(|u| u.samples > 0)
}

pub fn analysis_url(id: &str) -> String {
    format!("tasks/{id}/ranking/")
}

/// How many rows are in tie group 1, the leader's (see `compute::uncertainty`).
pub(crate) fn top_group_size(groups: impl Iterator<Item = Option<usize>>) -> usize {
    groups.filter(|g| *g == Some(1)).count()
}

/// The words for a row's tie group, the same on every page: a tie with the top only where
/// the leader's group has two or more members; a leader alone in it leads clearly.
/// `top`: the size of group 1.
pub fn tie_label(group: Option<usize>, top: usize) -> Option<String> {
    match group? {
        1 if top >= 2 => Some(format::tr("tie_top")),
        1 => Some(format::tr("tie_clear_leader")),
        g => Some(format::tr_with("tie_group", &[("g", &g.to_string())])),
    }
}

pub fn leaderboard(
    t: &Task,
    lb: &Leaderboard,
    r: &TaskRanking,
    u: Option<&Uncertainty>,
    portal: &Portal,
) -> Value {
    let boot = u.filter(|u| u.samples > 0);
    let eval = t.evaluation.as_ref();
    let metrics: Vec<&Metric> = eval.map(|e| e.metrics.iter().collect()).unwrap_or_default();
    let ranked_metric = eval.and_then(|e| e.metric(r.metric.as_str()));
    let top = top_group_size(
        boot.map(|u| u.entries.iter().map(|x| x.tie_group))
            .into_iter()
            .flatten(),
    );
    let rows: Vec<Value> = r
        .order
        .iter()
        .map(|&i| {
            let e = &lb.entries[i];
            let res = &r.entries[i];
            let unc = boot.and_then(|u| u.entries.get(i));
            let sys = portal.system(e.system.as_str());
            let scores: Vec<Value> = metrics
                .iter()
                .map(|m| {
                    let v = res.aggregates.get(m.id.as_str()).copied().flatten();
                    let ci = unc.and_then(|x| x.score_ci.get(m.id.as_str()).copied());
                    json!({
                        "metric_id": m.id,
                        "value": v,
                        "display": v.map(format::score).unwrap_or_else(|| "–".into()),
                        "ci_display": ci.map(score_span),
                    })
                })
                .collect();
            let primary = res.aggregates.get(r.metric.as_str()).copied().flatten();
            let rank_ci = unc.and_then(|x| x.rank_ci);
            json!({
                "rank": res.rank,
                "rank_display": res.rank.map(format::rank),
                "reference_only": e.reference_only,
                "entry_id": e.id,
                "system": {
                    "id": e.system,
                    "name": sys.map(|s| s.name.as_str()).unwrap_or(e.system.as_str()),
                    "url": system_url(e.system.as_str()),
                    "kind": sys.map(|s| s.kind),
                },
                "system_version": e.system_version,
                "scores": scores,
                "primary_display": primary.map(format::score).unwrap_or_else(|| "–".into()),
                "primary_ci_display": unc
                    .and_then(|x| x.score_ci.get(r.metric.as_str()).copied())
                    .map(score_span),
                "rank_ci": rank_ci.map(|(a, b)| [a, b]),
                "rank_ci_display": rank_ci.map(rank_span),
                "median_rank_display": unc.and_then(|x| x.median_rank).map(format::rank),
                "tie_group": unc.and_then(|x| x.tie_group),
                "tie_label": tie_label(unc.and_then(|x| x.tie_group), top),
                "ranking_score_display": res.ranking_score.map(format::score),
                "evaluation": e.evaluation,
                "training_regime": e.training_regime,
                "external_data": e.external_data,
                "submitted": e.submitted,
                "evaluated": e.evaluated,
                "evaluated_display": e.evaluated.as_ref().map(format::date),
                "n_missing": res.n_missing,
            })
        })
        .collect();
    // Entries without per-case values of the ranking metric: one ranked entry among others
    // that have them is what turns the uncertainty analysis off, so name them.
    let without_per_case: Vec<String> = r
        .order
        .iter()
        .map(|&i| &lb.entries[i])
        .filter(|e| !e.per_case.contains_key(r.metric.as_str()))
        .map(|e| {
            let name = portal
                .system(e.system.as_str())
                .map_or(e.system.as_str(), |s| s.name.as_str());
            match &e.system_version {
                Some(v) => format!("{name} {}", v.0),
                None => name.to_string(),
            }
        })
        .collect();
    let ranked_with = r
        .entries
        .iter()
        .zip(&lb.entries)
        .filter(|(x, e)| x.rank.is_some() && e.per_case.contains_key(r.metric.as_str()))
        .count();
    let note = if !r.has_per_case && ranked_with > 0 {
        Some(format::tr_with(
            "lb_note_some_without_per_case",
            &[("list", &without_per_case.join(", "))],
        ))
    } else if !r.has_per_case {
        Some(format::tr("lb_note_without_per_case"))
    } else {
        None
    };
    let mut view = json!({
        "updated": lb.updated,
        "updated_display": format::date(&lb.updated),
        "split": lb.split,
        "task_version": lb.task_version,
        "n_cases": lb.cases.len(),
        "n_cases_used": r.n_cases_used,
        "n_ranked": r.n_ranked(),
        "method": r.method,
        "method_label": r.method.label(),
        "metric": ranked_metric.map(|m| json!({"id": m.id, "name": m.name, "direction": m.direction})),
        "aggregation": r.aggregation,
        "ties": r.ties,
        "missing_case_policy": r.missing_case_policy,
        "has_per_case": r.has_per_case,
        "without_per_case": without_per_case,
        "has_uncertainty": boot.is_some(),
        "samples": boot.map(|u| u.samples),
        "ci_percent": boot.map(|u| format!("{:.0}%", u.ci * 100.0)),
        "kendall_tau_display": boot.and_then(|u| u.kendall_tau).map(|(m, lo, hi)| {
            kendall(m, lo, hi)
        }),
        "analysis_url": boot.map(|_| analysis_url(t.id.as_str())),
        "download_json_url": format!("tasks/{}/leaderboard.json", t.id),
        "download_csv_url": format!("tasks/{}/leaderboard.csv", t.id),
        "note": note,
        "metrics": metrics.iter().map(|m| json!({"id": m.id, "name": m.name, "direction": m.direction, "level": m.level})).collect::<Vec<_>>(),
    });
    // Moved in, not through `json!`, which would copy every row (it serializes a reference).
    view["rows"] = Value::Array(rows);
    view
}

/// Every published task with a ranked leaderboard: the task, its ranking, its leaderboard and
/// the ranking's metric (as the task defines it, when it does).
fn ranked_leaderboards<'a>(
    portal: &'a Portal,
    computed: &'a Computed,
) -> impl Iterator<
    Item = (
        &'a Task,
        &'a TaskRanking,
        &'a Leaderboard,
        Option<&'a Metric>,
    ),
> {
    portal.published_tasks().filter_map(|b| {
        let t = &b.task;
        let r = computed.rankings.get(t.id.as_str())?;
        let lb = portal.leaderboard(t.id.as_str())?;
        let metric = t
            .evaluation
            .as_ref()
            .and_then(|e| e.metric(r.metric.as_str()));
        Some((t, r, lb, metric))
    })
}

/// Every system's results on every published leaderboard, by system id, in the order of the
/// leaderboards: one pass over them for all system pages.
pub fn system_results(portal: &Portal, computed: &Computed) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for (t, r, lb, metric) in ranked_leaderboards(portal, computed) {
        for (e, res) in lb.entries.iter().zip(&r.entries) {
            let v = res.aggregates.get(r.metric.as_str()).copied().flatten();
            out.entry(e.system.to_string()).or_default().push(json!({
                "task_id": t.id,
                "task_title": t.title,
                "task_url": task_url(t.id.as_str()),
                "task_status": t.status,
                "entry_id": e.id,
                "system_version": e.system_version,
                "rank": res.rank,
                "rank_display": res.rank.map(format::rank),
                "reference_only": e.reference_only,
                "n_ranked": r.n_ranked(),
                "metric_name": metric.map(|m| m.name.as_str()),
                "direction": metric.map(|m| m.direction),
                "score_display": v.map(format::score).unwrap_or_else(|| "–".into()),
                "evaluated": e.evaluated,
                "evaluated_display": e.evaluated.as_ref().map(format::date),
                "evaluation": e.evaluation,
                "training_regime": e.training_regime,
            }));
        }
    }
    out
}

pub fn system(sys: &System) -> Value {
    let mut o = to_obj(sys);
    o.insert("url".into(), json!(system_url(sys.id.as_str())));
    o.insert(
        "release_date_display".into(),
        json!(sys.release_date.as_ref().map(format::date)),
    );
    Value::Object(o)
}

/// Up to this many released tasks, the overall ranking shows a column per task; beyond, a
/// table that wide helps no reader (each system's page lists its ranks per task).
pub const MAX_TASK_COLUMNS: usize = 24;

pub fn consensus(computed: &Computed, portal: &Portal) -> Value {
    let c = &computed.consensus;
    let top = top_group_size(c.rows.iter().map(|r| r.tie_group));
    let tasks: Vec<Value> = c
        .tasks
        .iter()
        .map(|id| {
            let t = portal.task(id);
            json!({
                "id": id,
                "title": t.map(|b| b.task.title.as_str()),
                "acronym": t.and_then(|b| b.task.acronym.as_deref()),
                "url": task_url(id),
                "n_ranked": computed.rankings.get(id).map(|r| r.n_ranked()),
            })
        })
        .collect();
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|row| {
            let sys = portal.system(&row.system);
            json!({
                "rank": row.rank,
                "rank_display": format::rank(row.rank),
                "system": {
                    "id": row.system,
                    "name": sys.map(|s| s.name.as_str()).unwrap_or(&row.system),
                    "url": system_url(&row.system),
                    "kind": sys.map(|s| s.kind),
                },
                "mean_rank": row.mean_rank,
                "mean_rank_display": format!("{:.2}", row.mean_rank),
                "rank_ci": row.rank_ci.map(|(a, b)| [a, b]),
                "rank_ci_display": row.rank_ci.map(rank_span),
                "tie_group": row.tie_group,
                "tie_label": tie_label(row.tie_group, top),
                "n_tasks": row.n_tasks,
                "ranks": c.tasks.iter().zip(&row.ranks).map(|(id, r)| json!({
                    "task_id": id,
                    "rank": r,
                    "rank_display": r.map(format::rank),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let names: Vec<String> = c
        .rows
        .iter()
        .map(|row| {
            portal
                .system(&row.system)
                .map_or(row.system.clone(), |s| s.name.clone())
        })
        .collect();
    let intervals: Vec<charts::Interval> = c
        .rows
        .iter()
        .zip(&names)
        .map(|(row, name)| charts::Interval {
            name,
            value: row.rank,
            ci: row.rank_ci,
            reference: false,
        })
        .collect();
    let has_intervals = c.rows.iter().any(|r| r.rank_ci.is_some());
    let chart_svg = has_intervals.then(|| {
        charts::dot_interval(
            "consensus",
            &format::tr("chart_consensus_title"),
            &intervals,
            (1.0, c.rows.len() as f64),
            charts::Axis::Rank,
        )
    });
    let leader_group: Vec<&String> = c
        .rows
        .iter()
        .zip(&names)
        .filter(|(r, _)| r.tie_group == Some(1))
        .map(|(_, n)| n)
        .collect();
    json!({
        "task_columns": tasks.len() <= MAX_TASK_COLUMNS,
        "tasks": tasks,
        "rows": rows,
        "chart_svg": chart_svg,
        "leader_group": leader_group,
        "samples": c.samples,
        "ci_percent": format!("{:.0}%", c.ci * 100.0),
    })
}

// ---------------------------------------------------------------------------------------------
// Home, reports, news, pages

pub fn figures(computed: &Computed) -> Value {
    let f = &computed.figures;
    json!({
        "proposals": f.proposals,
        "selected": f.selected,
        "released": f.released,
        "prize_committed_eur": f.prize_committed_eur,
        "prize_committed_display": format::eur(f.prize_committed_eur),
        "prize_paid_display": format::eur(f.prize_paid_eur),
        "systems_ranked": f.systems_ranked,
    })
}

pub fn doc_url<M>(section: &str, d: &Doc<M>) -> String {
    if section.is_empty() {
        format!("{}/", d.id)
    } else {
        format!("{section}/{}/", d.id)
    }
}

pub fn report_summary(d: &Doc<ReportMeta>) -> Value {
    let m = &d.meta;
    json!({
        "id": d.id,
        "url": doc_url("reports", d),
        "title": m.title,
        "period": m.period,
        "period_display": format!("{} – {}", format::date(&m.period.start), format::date(&m.period.end)),
        "published": m.published,
        "published_display": format::date(&m.published),
        "audience": m.audience,
        "draft": m.draft,
        "fallback_lang": d.fallback_lang,
    })
}

pub fn report(d: &Doc<ReportMeta>, body_html: String) -> Value {
    let mut o = match report_summary(d) {
        Value::Object(o) => o,
        _ => Obj::new(),
    };
    o.insert("body_html".into(), json!(body_html));
    Value::Object(o)
}

pub fn report_figures(
    portal: &Portal,
    d: &Doc<ReportMeta>,
    previous: Option<&Doc<ReportMeta>>,
) -> Value {
    let f = stats::period_figures(portal, &d.meta.period);
    let prev = previous.map(|p| (p, stats::period_figures(portal, &p.meta.period)));
    json!({
        "period_start": d.meta.period.start,
        "period_end": d.meta.period.end,
        "period_display": format!("{} – {}", format::date(&d.meta.period.start), format::date(&d.meta.period.end)),
        "proposals_in_period": f.proposals_in_period,
        "proposals_total": f.proposals_total,
        "selected_in_period": f.selected_in_period,
        "selected_total": f.selected_total,
        "released_in_period": f.released_in_period,
        "released_total": f.released_total,
        "prize_committed_display": format::eur(f.prize_committed_eur),
        "prize_paid_display": format::eur(f.prize_paid_eur),
        "entries_in_period": f.entries_in_period,
        "previous": prev.as_ref().map(|(p, pf)| json!({
            "title": p.meta.title,
            "url": doc_url("reports", p),
            "proposals_total": pf.proposals_total,
        })),
        "proposals_since_previous": prev.as_ref().map(|(_, pf)| f.proposals_total as i64 - pf.proposals_total as i64),
    })
}

pub fn post_summary(d: &Doc<NewsMeta>) -> Value {
    let m = &d.meta;
    json!({
        "id": d.id,
        "url": doc_url("news", d),
        "title": m.title,
        "date": m.date,
        "date_display": format::date(&m.date),
        "summary": m.summary,
        "tags": m.tags,
        "draft": m.draft,
        "fallback_lang": d.fallback_lang,
    })
}

pub fn with_body(summary: Value, body_html: String) -> Value {
    let mut o = match summary {
        Value::Object(o) => o,
        _ => Obj::new(),
    };
    o.insert("body_html".into(), json!(body_html));
    Value::Object(o)
}

pub fn content_page(d: &Doc<PageMeta>, body_html: String) -> Value {
    json!({
        "id": d.id,
        "url": doc_url("", d),
        "title": d.meta.title,
        "summary": d.meta.summary,
        "menu": d.meta.menu,
        "draft": d.meta.draft,
        "role": d.meta.role,
        "video": d.meta.video.as_ref().map(video),
        "body_html": body_html,
        "fallback_lang": d.fallback_lang,
    })
}

/// The sign-language video: paths as written (relative to the site's root), with the MIME type,
/// the format's name for the download link and the language of the captions.
fn video(v: &Video) -> Value {
    let ext = v
        .src
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (mime, format) = match ext.as_str() {
        "mp4" => ("video/mp4", "MP4"),
        _ => ("video/webm", "WebM"),
    };
    // Captions are in the site's default language unless their name says otherwise
    // (`welcome.de.vtt`, the naming of translated content).
    let captions_lang = v.captions.as_deref().and_then(|c| {
        let stem = c.strip_suffix(".vtt")?;
        let (_, code) = stem.rsplit_once('.')?;
        (code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())).then_some(code)
    });
    json!({
        "src": v.src,
        "poster": v.poster,
        "captions": v.captions,
        "captions_lang": captions_lang,
        "duration": v.duration.0.trim(),
        "size": v.size.0.trim(),
        "mime": mime,
        "format": format,
    })
}

/// The facts of the accessibility statement, in the order of the EU model statement; the
/// template words them. Non-accessible content is grouped by reason, in the model's order.
pub fn accessibility_statement(s: &AccessibilityStatement) -> Value {
    let groups: Vec<Value> = NonAccessibleReason::ALL
        .iter()
        .filter_map(|why| {
            let items: Vec<Value> = s
                .non_accessible
                .iter()
                .filter(|n| n.why == *why)
                .map(|n| json!({"what": n.what, "alternative": n.alternative}))
                .collect();
            (!items.is_empty()).then(|| json!({"why": why, "items": items}))
        })
        .collect();
    json!({
        "standard": s.standard,
        "status": s.status,
        "groups": groups,
        "prepared": s.prepared,
        "prepared_display": format::date(&s.prepared),
        "reviewed": s.reviewed,
        "reviewed_display": format::date(&s.reviewed),
        "method": s.method,
        "feedback": {
            "email": s.feedback.email,
            "url": s.feedback.url,
            "response_days": s.feedback.response_days,
        },
        "enforcement": {"name": s.enforcement.name, "url": s.enforcement.url},
    })
}

/// Published tasks in reading order: released first, then selected, then retired; by title.
pub fn task_order(tasks: &mut [&TaskBundle]) {
    let weight = |s: Status| match s {
        Status::Released => 0,
        Status::Selected => 1,
        _ => 2,
    };
    tasks.sort_by(|a, b| {
        weight(a.task.status)
            .cmp(&weight(b.task.status))
            .then(a.task.title.cmp(&b.task.title))
            .then(a.task.id.cmp(&b.task.id))
    });
}

/// The full analysis page of one task's ranking: how sure we can be, in charts and tables.
pub fn analysis(
    t: &Task,
    lb: &Leaderboard,
    r: &TaskRanking,
    u: &Uncertainty,
    portal: &Portal,
) -> Value {
    let name = |i: usize| -> String {
        let e = &lb.entries[i];
        let base = portal
            .system(e.system.as_str())
            .map(|s| s.name.as_str())
            .unwrap_or(e.system.as_str());
        // Two versions of one system are two rows: keep them apart.
        let versions = lb.entries.iter().filter(|x| x.system == e.system).count();
        match (&e.system_version, versions > 1) {
            (Some(v), true) => format!("{base} {}", v.0),
            _ => base.to_string(),
        }
    };
    let ranked: Vec<usize> = r
        .order
        .iter()
        .copied()
        .filter(|&i| r.entries[i].rank.is_some())
        .collect();
    let names: Vec<String> = ranked.iter().map(|&i| name(i)).collect();

    let blobs: Vec<charts::BlobSystem> = ranked
        .iter()
        .zip(&names)
        .filter_map(|(&i, n)| {
            let x = u.entries.get(i)?;
            Some(charts::BlobSystem {
                name: n,
                rank_counts: &x.rank_counts,
                rank: r.entries[i].rank?,
                median_rank: x.median_rank?,
                rank_ci: x.rank_ci?,
            })
        })
        .collect();
    let significant: Vec<Vec<bool>> = ranked
        .iter()
        .map(|&a| {
            ranked
                .iter()
                .map(|&b| u.significant_pairs.contains(&(a, b)))
                .collect()
        })
        .collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();

    let metric = t
        .evaluation
        .as_ref()
        .and_then(|e| e.metric(r.metric.as_str()));
    let all_names: Vec<(usize, String)> = r.order.iter().map(|&i| (i, name(i))).collect();
    let intervals: Vec<charts::Interval> = all_names
        .iter()
        .filter_map(|(i, n)| {
            let value = r.entries[*i]
                .aggregates
                .get(r.metric.as_str())
                .copied()
                .flatten()?;
            Some(charts::Interval {
                name: n,
                value,
                ci: u
                    .entries
                    .get(*i)
                    .and_then(|x| x.score_ci.get(r.metric.as_str()).copied()),
                reference: lb.entries[*i].reference_only,
            })
        })
        .collect();
    let range = charts::value_range(
        &intervals,
        metric.and_then(|m| m.range).map(|[a, b]| (a, b)),
    );
    let metric_name = metric.map(|m| m.name.as_str()).unwrap_or(r.metric.as_str());
    let ci_pct = format!("{:.0}%", u.ci * 100.0);
    let top = top_group_size(
        ranked
            .iter()
            .map(|&i| u.entries.get(i).and_then(|x| x.tie_group)),
    );

    let rows: Vec<Value> = ranked
        .iter()
        .zip(&names)
        .map(|(&i, n)| {
            let x = u.entries.get(i);
            let top_share = x
                .and_then(|x| x.rank_counts.first())
                .map(|&c| f64::from(c) / u.samples.max(1) as f64);
            json!({
                "system": n,
                "url": system_url(lb.entries[i].system.as_str()),
                "rank_display": r.entries[i].rank.map(format::rank),
                "median_rank_display": x.and_then(|x| x.median_rank).map(format::rank),
                "rank_ci_display": x.and_then(|x| x.rank_ci).map(rank_span),
                "tie_group": x.and_then(|x| x.tie_group),
                "tie_label": tie_label(x.and_then(|x| x.tie_group), top),
                "top_share_display": top_share.map(format::percent),
                "score_display": r.entries[i].aggregates.get(r.metric.as_str()).copied().flatten().map(format::score),
                "score_ci_display": x.and_then(|x| x.score_ci.get(r.metric.as_str()).copied()).map(score_span),
                "beats": ranked.iter().zip(&names).filter(|(b, _)| u.significant_pairs.contains(&(i, **b))).map(|(_, m)| m.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let [blob_svg, significance_svg, intervals_svg] = charts::analysis_svgs(
        &blobs,
        &name_refs,
        &significant,
        &intervals,
        range,
        metric_name,
        &ci_pct,
    );
    let leader_group: Vec<&str> = ranked
        .iter()
        .zip(&names)
        .filter(|(i, _)| u.entries.get(**i).and_then(|x| x.tie_group) == Some(1))
        .map(|(_, n)| n.as_str())
        .collect();
    json!({
        "samples": u.samples,
        "ci_percent": ci_pct,
        "alpha": u.alpha,
        "metric_name": metric_name,
        "kendall_tau": u.kendall_tau.map(|(m, lo, hi)| json!({
            "median": format!("{m:.2}"), "low": format!("{lo:.2}"), "high": format!("{hi:.2}"),
        })),
        "leader_group": leader_group,
        "n_significant": u.significant_pairs.len(),
        "n_pairs": ranked.len() * ranked.len().saturating_sub(1),
        "blob_svg": blob_svg,
        "significance_svg": significance_svg,
        "intervals_svg": intervals_svg,
        "rows": rows,
    })
}

/// Every result on a published leaderboard as a feed entry, newest first.
pub fn leaderboard_updates(portal: &Portal, computed: &Computed) -> Vec<Value> {
    let mut out: Vec<(String, String, Value)> = Vec::new();
    for (t, r, lb, metric) in ranked_leaderboards(portal, computed) {
        let metric_name = metric.map_or(r.metric.as_str(), |m| m.name.as_str());
        let short = t.acronym.as_deref().unwrap_or(&t.title);
        for (e, res) in lb.entries.iter().zip(&r.entries) {
            let date = stats::entry_date(lb, e);
            let name = portal
                .system(e.system.as_str())
                .map_or(e.system.as_str(), |s| s.name.as_str());
            let score = res
                .aggregates
                .get(r.metric.as_str())
                .copied()
                .flatten()
                .map(format::score)
                .unwrap_or_else(|| "–".into());
            let standing = match res.rank {
                Some(rank) => format!("rank {} of {}", format::rank(rank), r.n_ranked()),
                None => "reference, not ranked".into(),
            };
            let title = format!("{name} on {short}: {metric_name} {score} ({standing})");
            let summary = format!(
                "{name}{} was evaluated on the task “{}” on {}: {metric_name} {score}, {standing}.",
                e.system_version
                    .as_ref()
                    .map(|v| format!(" {}", v.0))
                    .unwrap_or_default(),
                t.title,
                format::date(date),
            );
            out.push((
                date.to_string(),
                format!("{}/{}", t.id, e.id),
                json!({
                    "title": title,
                    "summary": summary,
                    "date": date,
                    "url": task_url(t.id.as_str()),
                    "id": format!("{}#entry-{}", task_url(t.id.as_str()), e.id),
                    "task_title": t.title,
                }),
            ));
        }
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // A feed carries the latest news, not the archive (which is the leaderboards): readers
    // poll it, and thousands of entries made it megabytes.
    out.into_iter()
        .take(UPDATES_IN_FEED)
        .map(|(_, _, v)| v)
        .collect()
}

/// Entries of the leaderboard-updates feed, newest first.
pub const UPDATES_IN_FEED: usize = 100;
