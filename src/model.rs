//! Domain types: one struct per content format of `docs/content-format.md`.
//!
//! Field names are the contract with curators, so they mirror the spec exactly. Every struct
//! denies unknown fields so that a typo is an error instead of silently missing data. Values
//! that the spec constrains (slugs, dates, enums) are validated while deserializing, which gives
//! the parser's line and column for free.

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// Scalars

/// An id that is also a URL path segment: `^[a-z0-9][a-z0-9-]{1,63}$`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, String> {
        if is_slug(s) {
            Ok(Slug(s.to_string()))
        } else {
            Err(format!("`{s}` is not a valid id"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn is_slug(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=64).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Slug::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An ISO 8601 calendar date (`2026-05-14`). Stored as text; text order is date order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Date(String);

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let err = || format!("`{s}` is not a valid date");
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(err());
        };
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(err()),
        };
        if d == 0 || d > days {
            return Err(err());
        }
        Ok(Date(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "14 May 2026": how dates read on the pages.
    pub fn display(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let m: usize = self.0[5..7].parse().unwrap_or(1);
        let d: u32 = self.0[8..10].parse().unwrap_or(1);
        format!("{d} {} {}", MONTHS[(m - 1).min(11)], &self.0[0..4])
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A free scalar that curators may write as text or as a number (`size: 41 GB`, `size: 12`,
/// `experience_years: ">10"`). Always rendered as text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text(pub String);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text or a number")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                Ok(Text(if v { "yes" } else { "no" }.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Slug {
    fn schema_name() -> Cow<'static, str> {
        "Slug".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]{1,63}$",
            "description": "An id that is also a URL path segment: lower-case letters, digits and '-'."
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "An ISO 8601 calendar date, e.g. 2026-05-14."
        })
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "number", "boolean"],
            "description": "Text; a number is read as text."
        })
    }
}

/// Declares a closed vocabulary from the spec: serde names, and the readable label shown on
/// pages. `ALL` keeps the spec's order, which is also the order of facet listings.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $value:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $value)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as written in content files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// A readable label for pages.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(Status {
    Proposed = "proposed": "Proposed",
    UnderReview = "under_review": "Under review",
    ReviseAndResubmit = "revise_and_resubmit": "Revise and resubmit",
    Selected = "selected": "Selected",
    Rejected = "rejected": "Rejected",
    Released = "released": "Released",
    Retired = "retired": "Retired",
});

impl Status {
    /// The publication rule: only these statuses may reach any output file.
    pub fn is_published(self) -> bool {
        matches!(self, Status::Selected | Status::Released | Status::Retired)
    }

    /// Data and leaderboard open (or were, for retired tasks).
    pub fn has_leaderboard(self) -> bool {
        matches!(self, Status::Released | Status::Retired)
    }
}

vocabulary!(ContributorRole {
    ClinicalLead = "clinical_lead": "Clinical lead",
    DataProvider = "data_provider": "Data provider",
    Annotator = "annotator": "Annotator",
    Methodologist = "methodologist": "Methodologist",
    Organizer = "organizer": "Organizer",
});

vocabulary!(Specialty {
    Radiology = "radiology": "Radiology",
    Pathology = "pathology": "Pathology",
    Surgery = "surgery": "Surgery",
    Oncology = "oncology": "Oncology",
    Cardiology = "cardiology": "Cardiology",
    Neurology = "neurology": "Neurology",
    Ophthalmology = "ophthalmology": "Ophthalmology",
    Dermatology = "dermatology": "Dermatology",
    Gastroenterology = "gastroenterology": "Gastroenterology",
    ObstetricsGynecology = "obstetrics_gynecology": "Obstetrics and gynaecology",
    Pediatrics = "pediatrics": "Paediatrics",
    EmergencyMedicine = "emergency_medicine": "Emergency medicine",
    Other = "other": "Other specialty",
});

vocabulary!(FieldOfApplication {
    Screening = "screening": "Screening",
    Diagnosis = "diagnosis": "Diagnosis",
    Prognosis = "prognosis": "Prognosis",
    TreatmentPlanning = "treatment_planning": "Treatment planning",
    InterventionAssistance = "intervention_assistance": "Intervention assistance",
    FollowUp = "follow_up": "Follow-up",
    Monitoring = "monitoring": "Monitoring",
    Other = "other": "Other",
});

vocabulary!(
    /// DICOM modality codes named by the spec.
    Modality {
        Ct = "CT": "Computed tomography (CT)",
        Mr = "MR": "Magnetic resonance imaging (MR)",
        Us = "US": "Ultrasound (US)",
        Dx = "DX": "Digital radiography (DX)",
        Cr = "CR": "Computed radiography (CR)",
        Mg = "MG": "Mammography (MG)",
        Pt = "PT": "Positron emission tomography (PT)",
        Nm = "NM": "Nuclear medicine (NM)",
        Xa = "XA": "X-ray angiography (XA)",
        Sm = "SM": "Whole-slide pathology (SM)",
        Es = "ES": "Endoscopy and surgical video (ES)",
        Xc = "XC": "Photography and dermoscopy (XC)",
        Op = "OP": "Ophthalmic photography (OP)",
        Opt = "OPT": "Optical coherence tomography (OPT)",
        Ot = "OT": "Other modality (OT)",
    }
);

vocabulary!(OtherInput {
    ClinicalText = "clinical_text": "Clinical text",
    LabValues = "lab_values": "Laboratory values",
    Genomics = "genomics": "Genomics",
    PriorImaging = "prior_imaging": "Prior imaging",
    Video = "video": "Video",
    Other = "other": "Other inputs",
});

vocabulary!(Category {
    ImageClassification = "image_classification": "Image classification",
    SemanticSegmentation = "semantic_segmentation": "Semantic segmentation",
    ObjectDetection = "object_detection": "Object detection",
    InstanceSegmentation = "instance_segmentation": "Instance segmentation",
    Regression = "regression": "Regression",
    ReportGeneration = "report_generation": "Report generation",
    VisualQuestionAnswering = "visual_question_answering": "Visual question answering",
    Tracking = "tracking": "Tracking",
    Registration = "registration": "Registration",
    Other = "other": "Other task type",
});

vocabulary!(ErrorPenalty {
    Balanced = "balanced": "False negatives and false positives weigh the same",
    FnWorse = "fn_worse": "A missed finding is worse than a false alarm",
    FpWorse = "fp_worse": "A false alarm is worse than a missed finding",
});

vocabulary!(ClassImbalance {
    None = "none": "None",
    Moderate = "moderate": "Moderate",
    High = "high": "High",
});

vocabulary!(Direction {
    HigherIsBetter = "higher_is_better": "Higher is better",
    LowerIsBetter = "lower_is_better": "Lower is better",
});

vocabulary!(MetricLevel {
    Case = "case": "Per case",
    Dataset = "dataset": "Whole test set",
});

vocabulary!(RankingMethod {
    AggregateThenRank = "aggregate_then_rank": "Aggregate, then rank",
    RankThenAggregate = "rank_then_aggregate": "Rank per case, then aggregate",
    TestThenRank = "test_then_rank": "Test, then rank",
});

vocabulary!(Aggregation {
    Mean = "mean": "Mean",
    Median = "median": "Median",
});

vocabulary!(MissingCasePolicy {
    WorstValue = "worst_value": "A missing result counts as the metric's worst value",
    ExcludeCase = "exclude_case": "A case with a missing result is left out for every system",
});

vocabulary!(Ties {
    Min = "min": "Tied systems share the best of their ranks",
    Average = "average": "Tied systems share the average of their ranks",
});

vocabulary!(Access {
    Open = "open": "Open access",
    Registered = "registered": "Registered access",
    Controlled = "controlled": "Controlled access",
});

vocabulary!(Decision {
    Selected = "selected": "Selected",
    Rejected = "rejected": "Rejected",
    ReviseAndResubmit = "revise_and_resubmit": "Revise and resubmit",
    Deferred = "deferred": "Deferred",
});

vocabulary!(PanelRole {
    Clinician = "clinician": "Clinician",
    DataScientist = "data_scientist": "Data scientist",
    PatientRepresentative = "patient_representative": "Patient representative",
    AiResearcher = "ai_researcher": "AI researcher",
    Statistician = "statistician": "Statistician",
    Ethicist = "ethicist": "Ethicist",
    Other = "other": "Other",
});

vocabulary!(Coi {
    None = "none": "No conflict of interest",
    Declared = "declared": "Conflict of interest declared",
});

vocabulary!(AwardStatus {
    Committed = "committed": "Committed",
    Paid = "paid": "Paid",
});

vocabulary!(SystemKind {
    TaskSpecific = "task_specific": "Task-specific model",
    FoundationModel = "foundation_model": "Foundation model",
    VisionLanguageModel = "vision_language_model": "Vision-language model",
    Llm = "llm": "Large language model",
    CommercialProduct = "commercial_product": "Commercial product",
    Baseline = "baseline": "Baseline",
    HumanReader = "human_reader": "Human readers",
});

vocabulary!(SystemAccess {
    Open = "open": "Open",
    Limited = "limited": "Limited",
    Closed = "closed": "Closed",
});

vocabulary!(TestOverlap {
    None = "none": "No overlap with the test data",
    Possible = "possible": "Overlap with the test data possible",
    Unknown = "unknown": "Overlap with the test data unknown",
});

vocabulary!(EvaluationKind {
    OrganizerRun = "organizer_run": "Run by the organizers",
    OrganizerVerified = "organizer_verified": "Verified by the organizers",
    SelfReported = "self_reported": "Self-reported",
});

vocabulary!(TrainingRegime {
    ZeroShot = "zero_shot": "Zero-shot",
    FewShot = "few_shot": "Few-shot",
    FineTunedOnTaskTrain = "fine_tuned_on_task_train": "Fine-tuned on the task's training data",
    TrainedOnTaskTrain = "trained_on_task_train": "Trained on the task's training data",
    NotApplicable = "not_applicable": "Not applicable",
});

/// The criteria the spec names; panels may add their own slugs.
pub fn criterion_label(id: &str) -> String {
    match id {
        "clinical_importance" => "Clinical importance".into(),
        "unmet_need" => "Unmet need".into(),
        "patient_relevance" => "Relevance to patients".into(),
        "reference_standard_quality" => "Quality of the reference standard".into(),
        "representativeness" => "Representativeness of the data".into(),
        "evaluation_validity" => "Validity of the evaluation".into(),
        "feasibility_legal_ethics" => "Feasibility, legal and ethical aspects".into(),
        other => {
            let s = other.replace(['_', '-'], " ");
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// task.yaml

/// A semantic version (semver.org's own expression), for the schemas' `version` pattern.
pub const SEMVER_PATTERN: &str = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$";

/// The schema of a task's `version`: a string with [`SEMVER_PATTERN`] (a YAML number such as
/// `1.0` is never a semantic version, so editors flag it too).
fn semver_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": SEMVER_PATTERN,
        "description": "Semantic version of the task definition (MAJOR.MINOR.PATCH), e.g. \"1.0.0\"."
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Format version: "0.1".
    pub schema_version: String,
    /// Stable id and URL segment; equals the task folder name.
    pub id: Slug,
    /// The task title, at most 150 characters.
    #[schemars(length(max = 150))]
    pub title: String,
    /// A short name shown where the title is too long.
    #[serde(default)]
    pub acronym: Option<String>,
    /// Lifecycle status. Only selected, released and retired tasks are published; the
    /// others are confidential.
    pub status: Status,
    /// Date the proposal came in.
    pub submitted: Date,
    /// Status changes, oldest first; the last one equals `status`.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Plain-language summary for the public: plain text, 50 to 1000 characters.
    #[schemars(length(min = 50, max = 1000))]
    pub summary: String,
    /// The full task description (Markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// At least 3 keywords.
    #[schemars(length(min = 3))]
    pub keywords: Vec<String>,
    /// Who proposed the task and how they contributed (credit).
    pub contributors: Vec<Contributor>,
    /// The clinical question and why it matters.
    pub clinical: Clinical,
    /// The images (and other inputs) a system receives.
    pub imaging: Imaging,
    /// What one case is, what goes in and what comes out.
    pub task_definition: TaskDefinition,
    /// Metrics and ranking; required from status selected on.
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
    /// Ethics approval, licence and data access.
    pub governance: Governance,
    /// Publications about the task or its data.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Semantic version of the task definition (MAJOR.MINOR.PATCH), e.g. "1.0.0".
    #[schemars(schema_with = "semver_schema")]
    pub version: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// Date of the status change.
    pub date: Date,
    /// The status the task changed to.
    pub status: Status,
    /// Why, in a sentence.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contributor {
    /// Full name.
    pub name: String,
    /// ORCID iD as a URL (https://orcid.org/…).
    #[serde(default)]
    pub orcid: Option<String>,
    /// Institution.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// ROR id of the institution as a URL (https://ror.org/…).
    #[serde(default)]
    pub ror: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: Option<String>,
    /// clinical_lead, data_provider, annotator, methodologist, organizer.
    pub roles: Vec<ContributorRole>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clinical {
    /// Clinical specialties the task belongs to.
    pub specialty: Vec<Specialty>,
    /// Where in care the result is used.
    pub field_of_application: Vec<FieldOfApplication>,
    /// The question the AI must answer.
    pub clinical_question: String,
    /// Why it matters to patients.
    pub why_it_matters: String,
    /// Who the result should serve.
    pub target_cohort: String,
    /// Who is in the data.
    pub challenge_cohort: String,
    /// How well clinicians do today.
    #[serde(default)]
    pub human_baseline: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Imaging {
    /// DICOM modality codes of the images.
    pub modalities: Vec<Modality>,
    /// Body regions shown (e.g. abdomen, brain, chest).
    pub body_region: Vec<String>,
    /// Centres the data come from.
    #[serde(default)]
    pub centers: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the countries the data come from.
    #[serde(default)]
    pub countries: Vec<String>,
    /// When the images were acquired.
    #[serde(default)]
    pub timeframe: Option<Period>,
    /// Non-image inputs (the multimodal context).
    #[serde(default)]
    pub other_inputs: Vec<OtherInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinition {
    /// The kind of task.
    pub category: Category,
    /// What one case is.
    pub case_definition: String,
    /// What a system receives per case.
    pub input: String,
    /// What a system must return per case.
    pub output: String,
    /// The classes, for classification and segmentation tasks.
    #[serde(default)]
    pub classes: Vec<TaskClass>,
    /// The Metrics Reloaded problem fingerprint: why these metrics.
    #[serde(default)]
    pub fingerprint: Option<Fingerprint>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskClass {
    pub id: Text,
    pub name: String,
    #[serde(default)]
    pub code: Option<Text>,
}

/// The Metrics Reloaded problem fingerprint: why these metrics.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    #[serde(default)]
    pub boundary_importance: Option<bool>,
    #[serde(default)]
    pub volume_importance: Option<bool>,
    #[serde(default)]
    pub error_penalty: Option<ErrorPenalty>,
    #[serde(default)]
    pub calibration_requested: Option<bool>,
    #[serde(default)]
    pub class_imbalance: Option<ClassImbalance>,
    #[serde(default)]
    pub small_structures: Option<bool>,
    #[serde(default)]
    pub empty_reference_possible: Option<bool>,
    #[serde(default)]
    pub reference_quality: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The metrics; exactly one is primary.
    pub metrics: Vec<Metric>,
    /// How the leaderboard is ranked.
    #[serde(default)]
    pub ranking: Option<Ranking>,
}

impl Evaluation {
    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id.as_str() == id)
    }

    pub fn primary(&self) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.primary)
    }

    /// The metric the ranking uses: `ranking.metric`, else the primary metric.
    pub fn ranking_metric(&self) -> Option<&Metric> {
        match self.ranking.as_ref().and_then(|r| r.metric.as_ref()) {
            Some(id) => self.metric(id.as_str()),
            None => self.primary(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// Metric id (a slug), used as the key in leaderboards.
    pub id: Slug,
    /// Display name.
    pub name: String,
    /// Whether higher or lower values are better.
    pub direction: Direction,
    /// case: one value per case (aggregated by the ranking); dataset: one value for the
    /// whole test set.
    pub level: MetricLevel,
    /// [min, max] of possible values.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// The primary metric (exactly one); the default ranking metric.
    #[serde(default)]
    pub primary: bool,
    /// The value a missing case takes under missing_case_policy worst_value (default: the
    /// worst end of `range`).
    #[serde(default)]
    pub worst_value: Option<f64>,
    /// Why this metric.
    #[serde(default)]
    pub justification: Option<String>,
}

impl Metric {
    /// The value a missing result takes under `worst_value`: the metric's `worst_value`, else
    /// the worst end of its range.
    pub fn worst(&self) -> Option<f64> {
        self.worst_value.or_else(|| {
            self.range.map(|[lo, hi]| match self.direction {
                Direction::HigherIsBetter => lo.min(hi),
                Direction::LowerIsBetter => lo.max(hi),
            })
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ranking {
    /// challengeR's scheme: aggregate_then_rank, rank_then_aggregate or test_then_rank.
    pub method: RankingMethod,
    /// Metric id to rank by; default the primary metric.
    #[serde(default)]
    pub metric: Option<Slug>,
    /// How values (or per-case ranks) are summarised over cases: mean (default) or median.
    #[serde(default = "default_aggregation")]
    pub aggregation: Aggregation,
    /// worst_value (default): a missing case counts as the worst value; exclude_case: cases
    /// missing for any ranked entry are left out.
    #[serde(default = "default_missing")]
    pub missing_case_policy: MissingCasePolicy,
    /// As R's rank(ties.method =): min (default) or average.
    #[serde(default = "default_ties")]
    pub ties: Ties,
    /// Resampling of cases for the ranking uncertainty.
    #[serde(default)]
    pub bootstrap: Bootstrap,
    /// Significance level for test_then_rank and the significance map (default 0.05).
    #[serde(default = "default_alpha")]
    pub alpha: f64,
}

fn default_aggregation() -> Aggregation {
    Aggregation::Mean
}
fn default_missing() -> MissingCasePolicy {
    MissingCasePolicy::WorstValue
}
fn default_ties() -> Ties {
    Ties::Min
}
fn default_alpha() -> f64 {
    0.05
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bootstrap {
    /// Number of resamples (default 1000; 0 turns the bootstrap off).
    #[serde(default = "default_bootstrap_n")]
    pub n: u32,
    /// Level of the intervals (default 0.95).
    #[serde(default = "default_ci")]
    pub ci: f64,
    /// Seed of the resampling (default 1): the same seed gives the same numbers.
    #[serde(default = "default_seed")]
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            n: default_bootstrap_n(),
            ci: default_ci(),
            seed: default_seed(),
        }
    }
}

fn default_bootstrap_n() -> u32 {
    1000
}
fn default_ci() -> f64 {
    0.95
}
fn default_seed() -> u64 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Whether ethics approval is required, and by whom it was given.
    pub ethics_approval: EthicsApproval,
    /// SPDX licence id of the data.
    pub license: String,
    /// How the data can be had: open, registered or controlled.
    pub access: Access,
    /// Declared conflicts of interest.
    #[serde(default)]
    pub conflicts_of_interest: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EthicsApproval {
    /// Whether approval is required.
    pub required: bool,
    /// The approving body.
    #[serde(default)]
    pub body: Option<String>,
    /// The approval number.
    #[serde(default)]
    pub number: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Title of the publication.
    pub title: String,
    /// DOI (10.…).
    #[serde(default)]
    pub doi: Option<String>,
    /// URL of the publication.
    #[serde(default)]
    pub url: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// datacard.yaml

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataCard {
    /// Format version: "0.1".
    pub schema_version: String,
    /// Name, version, identifiers and publisher of the dataset.
    pub dataset: Dataset,
    /// Files of the dataset (Croissant FileObject).
    #[serde(default)]
    pub files: Vec<FileObject>,
    /// Sets of files by glob (Croissant FileSet).
    #[serde(default)]
    pub filesets: Vec<FileSet>,
    /// What the dataset contains: instances, counts, splits, classes, demographics.
    pub composition: Composition,
    /// How the data were collected.
    pub collection: Collection,
    /// How the reference standard was made.
    pub annotation: Annotation,
    /// Processing and de-identification.
    #[serde(default)]
    pub preprocessing: Option<Preprocessing>,
    /// Intended and out-of-scope uses.
    pub uses: Uses,
    /// Biases, limitations and sensitive information.
    pub risks: Risks,
    /// Who maintains the dataset and how.
    #[serde(default)]
    pub maintenance: Option<Maintenance>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub name: String,
    pub version: Text,
    #[serde(default)]
    pub doi: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    pub date_published: Date,
    #[serde(default)]
    pub citation_bibtex: Option<String>,
    #[serde(default)]
    pub publisher: Option<Organization>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub name: String,
    #[serde(default)]
    pub ror: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileObject {
    /// Croissant `@id`s: the spec's example uses `cases_table`, so not a slug.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub contained_in: Option<String>,
    pub format: String,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub size: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSet {
    pub id: String,
    pub contained_in: String,
    pub includes: String,
    pub format: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    pub instance: String,
    pub counts: IndexMap<String, u64>,
    pub splits: IndexMap<String, Split>,
    /// Free text, or a map of class name to share or count.
    #[serde(default)]
    pub class_distribution: Option<serde_json::Value>,
    #[serde(default)]
    pub demographics: Option<Demographics>,
    #[serde(default)]
    pub missing_data: Option<String>,
    #[serde(default)]
    pub fields: Vec<RecordField>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub cases: u64,
    #[serde(default)]
    pub labels_public: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demographics {
    #[serde(default)]
    pub sex: Option<SexShares>,
    #[serde(default)]
    pub age: Option<Age>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SexShares {
    #[serde(default)]
    pub female: Option<f64>,
    #[serde(default)]
    pub male: Option<f64>,
    #[serde(default)]
    pub other: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Age {
    #[serde(default)]
    pub median: Option<f64>,
    #[serde(default)]
    pub iqr: Option<[f64; 2]>,
    /// Age band → share of cases.
    #[serde(default)]
    pub bands: Option<IndexMap<String, f64>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordField {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    pub design: String,
    #[serde(default)]
    pub collection_types: Vec<String>,
    #[serde(default)]
    pub inclusion_criteria: Option<String>,
    #[serde(default)]
    pub exclusion_criteria: Option<String>,
    #[serde(default)]
    pub timeframe: Option<Period>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    pub reference_standard: String,
    #[serde(default)]
    pub annotators: Vec<Annotator>,
    #[serde(default)]
    pub annotations_per_item: Option<Text>,
    #[serde(default)]
    pub merging: Option<String>,
    #[serde(default)]
    pub inter_rater: Option<InterRater>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub protocol_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Annotator {
    pub role: String,
    #[serde(default)]
    pub count: Option<Text>,
    #[serde(default)]
    pub experience_years: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterRater {
    pub metric: String,
    pub value: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Preprocessing {
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub deidentification: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uses {
    pub intended: Vec<String>,
    #[serde(default)]
    pub out_of_scope: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risks {
    pub biases: Vec<String>,
    pub limitations: Vec<String>,
    #[serde(default)]
    pub personal_sensitive_information: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    #[serde(default)]
    pub maintainer: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub update_policy: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// rationale.md front matter

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RationaleMeta {
    /// Task id; the task must exist.
    pub task: Slug,
    /// Selection round, e.g. 2026-r1.
    pub round: String,
    /// Date of the panel meeting.
    pub meeting_date: Date,
    /// The panel's decision; must agree with the task's status.
    pub decision: Decision,
    /// At least 3 pseudonymous members (no names).
    pub panel: Vec<PanelMember>,
    /// The scoring scale, e.g. 1 to 5.
    pub scale: Scale,
    /// The criteria with the panel's aggregate score.
    pub criteria: Vec<Criterion>,
    /// The vote, if one was held.
    #[serde(default)]
    pub vote: Option<Vote>,
    /// Dissenting opinions.
    #[serde(default)]
    pub dissent: Vec<Dissent>,
    /// Conditions attached to the decision.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// The prize for the task's contributors.
    #[serde(default)]
    pub award: Option<Award>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelMember {
    pub id: String,
    pub role: PanelRole,
    #[serde(default)]
    pub specialty: Option<String>,
    pub coi: Coi,
    #[serde(default)]
    pub recused: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub score: f64,
    #[serde(default)]
    pub scores: IndexMap<String, f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    #[serde(rename = "for")]
    pub in_favour: u32,
    pub against: u32,
    pub abstain: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dissent {
    pub member: String,
    pub role: PanelRole,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Award {
    pub amount_eur: f64,
    pub status: AwardStatus,
    #[serde(default)]
    pub date: Option<Date>,
}

// ---------------------------------------------------------------------------------------------
// reports, news and pages (Markdown with front matter)

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportMeta {
    pub title: String,
    pub period: Period,
    pub published: Date,
    #[serde(default)]
    pub audience: Option<String>,
    /// Generator extension: left out unless `medal build --drafts`.
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsMeta {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Generator extension: left out unless `medal build --drafts`.
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    #[serde(default)]
    pub menu: Option<u32>,
    #[serde(default)]
    pub summary: Option<String>,
    /// What the page is for, when every page's header links to it: easy_language,
    /// sign_language or accessibility (at most one page per role and language).
    #[serde(default)]
    pub role: Option<PageRole>,
    /// The sign-language video of a page with `role: sign_language` (only there).
    #[serde(default)]
    pub video: Option<Video>,
    /// Generator extension: left out unless `medal build --drafts`.
    #[serde(default)]
    pub draft: bool,
}

vocabulary!(
    /// The pages linked from every page's header.
    PageRole {
        EasyLanguage = "easy_language": "Easy Read",
        SignLanguage = "sign_language": "Sign language",
        Accessibility = "accessibility": "Accessibility statement",
    }
);

/// A self-hosted video of a sign-language page. Paths are files of the built site, written
/// relative to its root (`static/video/welcome.webm`: a file of the portal's `static/` folder
/// or of the theme's).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Video {
    /// The video file (WebM or MP4), e.g. `static/video/welcome.webm`.
    pub src: String,
    /// A still image shown before the video plays (PNG, JPEG, WebP or SVG).
    #[serde(default)]
    pub poster: Option<String>,
    /// Captions as a WebVTT file (`.vtt`).
    #[serde(default)]
    pub captions: Option<String>,
    /// Playing time, `M:SS` or `H:MM:SS` (e.g. "0:08").
    pub duration: Text,
    /// File size as shown beside the download link (e.g. "120 kB").
    pub size: Text,
}

/// A Markdown document: its front matter, its body and where it came from.
#[derive(Debug, Clone)]
pub struct Doc<M> {
    pub id: Slug,
    pub meta: M,
    pub body: String,
    /// Translations (`<id>.<code>.md`), by language code.
    pub translations: BTreeMap<String, Doc<M>>,
    /// Set on a page of another language that shows this text untranslated: the language the
    /// text is in (so the page marks it with `lang` and says it is not translated).
    pub fallback_lang: Option<String>,
}

/// The front matter keys of reports, news and pages that a translation must keep as they are.
pub const NON_TEXT_FRONT_MATTER: &[&str] = &[
    "date",
    "published",
    "period",
    "menu",
    "role",
    "draft",
    "video",
];

// ---------------------------------------------------------------------------------------------
// data/systems.yaml

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemsFile {
    /// Format version: "0.1".
    pub schema_version: String,
    /// Every system that appears on a leaderboard.
    pub systems: Vec<System>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// System id (a slug), used by leaderboard entries.
    pub id: Slug,
    /// Display name.
    pub name: String,
    /// What kind of system it is.
    pub kind: SystemKind,
    /// How the system can be had: open, limited or closed.
    pub access: SystemAccess,
    /// Who built it.
    #[serde(default)]
    pub organization: Option<Organization>,
    /// Version of the system as released.
    #[serde(default)]
    pub version: Option<Text>,
    /// Licence (SPDX id where there is one).
    #[serde(default)]
    pub license: Option<String>,
    /// Release date.
    #[serde(default)]
    pub release_date: Option<Date>,
    /// Number of parameters, as declared.
    #[serde(default)]
    pub num_parameters: Option<Text>,
    /// Source code URL.
    #[serde(default)]
    pub code_url: Option<String>,
    /// URL or DOI of the paper.
    #[serde(default)]
    pub paper: Option<String>,
    /// Model card URL.
    #[serde(default)]
    pub model_card_url: Option<String>,
    /// DICOM modality codes it handles.
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// What it was trained on.
    #[serde(default)]
    pub training_data: Option<String>,
    /// Could it have seen test data: none, possible or unknown.
    #[serde(default)]
    pub test_overlap: Option<TestOverlap>,
    /// Intended use.
    #[serde(default)]
    pub intended_use: Option<String>,
    /// Known limitations.
    #[serde(default)]
    pub caveats: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// data/accessibility.yaml

vocabulary!(
    /// How far the site meets its accessibility standard.
    ComplianceStatus {
        Full = "full": "fully compliant",
        Partial = "partial": "partially compliant",
        None = "none": "not compliant",
    }
);

vocabulary!(
    /// Why content is not accessible (the three groups of the EU model statement).
    NonAccessibleReason {
        NonCompliance = "non_compliance": "Non-compliance with the accessibility requirements",
        DisproportionateBurden = "disproportionate_burden": "Disproportionate burden",
        OutOfScope = "out_of_scope": "Content outside the scope of the accessibility requirements",
    }
);

vocabulary!(
    /// How the statement was prepared.
    AssessmentMethod {
        SelfAssessment = "self_assessment": "a self-assessment",
        ThirdParty = "third_party": "an assessment by a third party",
    }
);

/// The facts of the accessibility statement (EU model statement, Implementing Decision (EU)
/// 2018/1523; BITV 2.0 § 7 in Germany). The page with `role: accessibility` shows them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityStatement {
    /// Format version: "0.2".
    pub schema_version: String,
    /// The standard the site is measured against, e.g. "WCAG 2.1 AA / EN 301 549 V3.2.1".
    pub standard: String,
    /// Compliance with the standard: full, partial or none.
    pub status: ComplianceStatus,
    /// Content that is not accessible, with the reason and an accessible alternative.
    #[serde(default)]
    pub non_accessible: Vec<NonAccessible>,
    /// When the statement was prepared.
    pub prepared: Date,
    /// When the statement was last reviewed (not before `prepared`).
    pub reviewed: Date,
    /// How the compliance was assessed: self_assessment or third_party.
    pub method: AssessmentMethod,
    /// Where readers report barriers and ask for content in an accessible form.
    pub feedback: Feedback,
    /// The enforcement procedure (in Germany the Schlichtungsstelle nach dem BGG).
    pub enforcement: Enforcement,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NonAccessible {
    /// What is not accessible.
    pub what: String,
    /// Why: non_compliance, disproportionate_burden or out_of_scope.
    pub why: NonAccessibleReason,
    /// An accessible alternative, if there is one.
    #[serde(default)]
    pub alternative: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// E-mail address for reports of barriers.
    pub email: String,
    /// A contact form or page, if there is one.
    #[serde(default)]
    pub url: Option<String>,
    /// Days within which a report is answered (1 to 30; BGG § 12b / BITV 2.0 expect an answer
    /// within a month).
    #[serde(default = "default_response_days")]
    pub response_days: u32,
}

fn default_response_days() -> u32 {
    30
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enforcement {
    /// Name of the enforcement or conciliation body.
    pub name: String,
    /// Its web address (absolute http or https URL).
    pub url: String,
}

// ---------------------------------------------------------------------------------------------
// data/leaderboards/<task-id>.json

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Leaderboard {
    /// Format version: "0.1".
    pub schema_version: String,
    /// Task id; equals the file name.
    pub task: Slug,
    /// Version of the task definition the results are for.
    pub task_version: String,
    /// Data split the results are on (e.g. test).
    pub split: String,
    /// Date of the latest results.
    pub updated: Date,
    /// Case ids; every per_case array is aligned with this list.
    pub cases: Vec<String>,
    /// One entry per system version.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Entry id (a slug), unique within the leaderboard.
    pub id: Slug,
    /// System id from data/systems.yaml.
    pub system: Slug,
    /// Version of the system evaluated; one entry per system version.
    #[serde(default)]
    pub system_version: Option<Text>,
    /// Date the results were submitted.
    #[serde(default)]
    pub submitted: Option<Date>,
    /// Date they were evaluated.
    #[serde(default)]
    pub evaluated: Option<Date>,
    /// Who ran the evaluation: organizer_run, organizer_verified or self_reported.
    pub evaluation: EvaluationKind,
    /// How the system was trained for the task.
    pub training_regime: TrainingRegime,
    /// Absent for human readers in the spec's example: unknown or not applicable.
    #[serde(default)]
    pub external_data: Option<bool>,
    /// Human readers and baselines: shown for comparison, not ranked.
    #[serde(default)]
    pub reference_only: bool,
    /// Metric id → aggregate score; needed for the ranking metric when there are no
    /// per-case values (then no uncertainty can be shown).
    #[serde(default)]
    pub scores: IndexMap<String, f64>,
    /// Metric id → one value per case, aligned with `cases` (null: missing). Preferred:
    /// allows the uncertainty analysis.
    #[serde(default)]
    pub per_case: IndexMap<String, Vec<Option<f64>>>,
}

// ---------------------------------------------------------------------------------------------
// data/releases/<version>/

/// A release's calendar version `YYYY.N` (`2026.1`, `2026.10`), ordered numerically.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ReleaseVersion(String);

impl ReleaseVersion {
    pub fn parse(s: &str) -> Result<ReleaseVersion, String> {
        match Self::parts(s) {
            Some(_) => Ok(ReleaseVersion(s.to_string())),
            None => Err(format!(
                "`{s}` is not a release version: write YYYY.N, e.g. 2026.1"
            )),
        }
    }

    fn parts(s: &str) -> Option<(u32, u32)> {
        let (y, n) = s.split_once('.')?;
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !digits(y) || !digits(n) || n.starts_with('0') || n.len() > 4 {
            return None;
        }
        Some((y.parse().ok()?, n.parse().ok()?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn key(&self) -> (u32, u32) {
        Self::parts(&self.0).unwrap_or((0, 0))
    }
}

impl Ord for ReleaseVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for ReleaseVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ReleaseVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ReleaseVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ReleaseVersion::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ReleaseVersion {
    fn schema_name() -> Cow<'static, str> {
        "ReleaseVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}\\.[1-9][0-9]{0,3}$",
            "description": "Calendar version YYYY.N, e.g. \"2026.1\"."
        })
    }
}

/// `release.yaml`: written by `medal release`; notes, DOI and errata are edited by hand.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseMeta {
    /// Format version: "0.2".
    pub schema_version: String,
    /// Equals the folder name.
    pub version: ReleaseVersion,
    /// The release date (= the manifest's).
    pub date: Date,
    /// The state frozen (= the manifest's).
    pub as_of: Date,
    /// True when made after the fact for a past `as_of`.
    #[serde(default)]
    pub reconstructed: bool,
    /// e.g. "Second selection round".
    #[serde(default)]
    pub title: Option<String>,
    /// Markdown: what is new, for readers.
    #[serde(default)]
    pub notes: Option<String>,
    /// The DOI of this release's archive (e.g. on Zenodo), once deposited.
    #[serde(default)]
    pub doi: Option<String>,
    /// Corrections found after the release; the frozen numbers themselves never change.
    #[serde(default)]
    pub errata: Vec<Erratum>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    /// When the correction was recorded; not before the release.
    pub date: Date,
    /// The correction (Markdown).
    pub text: String,
}

/// `manifest.json`: what a release froze, with checksums. Written once.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The release's calendar version.
    pub version: ReleaseVersion,
    /// The release date.
    pub date: Date,
    /// The date whose state the release froze.
    pub as_of: Date,
    /// `medal <version>` that wrote the release.
    pub generator: String,
    /// Every other file of the folder (release.yaml aside), sorted by path.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Relative to the release folder, with `/`.
    pub path: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub bytes: u64,
}

/// `tasks/<task-id>.yaml` of a release: what the frozen pages need of the task as it was.
/// Read loosely (no unknown-field check): frozen files are checked by checksum, and a later
/// generator must still read what an earlier one wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrozenTaskMeta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub acronym: Option<String>,
    pub version: String,
    /// `released` or `retired` on the release's `as_of`.
    #[serde(default)]
    pub status: Option<String>,
    /// The task's evaluation block as it stood.
    #[serde(default)]
    pub evaluation: Option<serde_json::Value>,
}

impl FrozenTaskMeta {
    /// Metric id → (name, direction) from the frozen evaluation block.
    pub fn metrics(&self) -> Vec<(String, String, String)> {
        let list = self
            .evaluation
            .as_ref()
            .and_then(|e| e.get("metrics"))
            .and_then(|m| m.as_array());
        list.map(|ms| {
            ms.iter()
                .filter_map(|m| {
                    let s = |k: &str| m.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                    let id = s("id");
                    (!id.is_empty()).then(|| (id, s("name"), s("direction")))
                })
                .collect()
        })
        .unwrap_or_default()
    }

    pub fn short_name(&self) -> &str {
        self.acronym.as_deref().unwrap_or(&self.title)
    }
}

/// One frozen task: its metadata and its leaderboard document of that day.
#[derive(Debug, Clone)]
pub struct FrozenTask {
    pub meta: FrozenTaskMeta,
    /// The `/tasks/<id>/leaderboard.json` document as frozen; `None` for a task released
    /// without results yet.
    pub leaderboard: Option<serde_json::Value>,
}

/// A system as `systems.json` of a release has it (read loosely, like [`FrozenTaskMeta`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrozenSystem {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
}

/// A release as loaded: its metadata, its manifest, the frozen documents and the bytes of
/// every file (served as they are).
#[derive(Debug, Clone)]
pub struct Release {
    pub meta: ReleaseMeta,
    /// release.yaml as written (it is served as is).
    pub yaml: Vec<u8>,
    pub manifest: Manifest,
    /// The `/api/rankings.json` document as frozen.
    pub rankings: serde_json::Value,
    /// Sorted by id.
    pub tasks: Vec<FrozenTask>,
    pub systems: Vec<FrozenSystem>,
    /// Every file of the folder but release.yaml, by relative path: the bytes and their SHA-256.
    pub files: std::collections::BTreeMap<String, (Vec<u8>, String)>,
}

impl Release {
    pub fn version(&self) -> &ReleaseVersion {
        &self.meta.version
    }

    pub fn task(&self, id: &str) -> Option<&FrozenTask> {
        self.tasks.iter().find(|t| t.meta.id == id)
    }

    pub fn system_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.systems
            .iter()
            .find(|s| s.id == id)
            .map_or(id, |s| s.name.as_str())
    }

    /// Ranked (not reference-only) entries over all frozen tasks.
    pub fn entry_count(&self) -> usize {
        self.tasks
            .iter()
            .map(|t| {
                t.leaderboard
                    .as_ref()
                    .and_then(|l| l.get("entries"))
                    .and_then(|e| e.as_array())
                    .map_or(0, |e| e.len())
            })
            .sum()
    }
}

// ---------------------------------------------------------------------------------------------
// The whole portal as loaded

/// One task folder: the task and whatever else the folder holds.
#[derive(Debug, Clone)]
pub struct TaskBundle {
    pub task: Task,
    pub datacard: Option<DataCard>,
    pub rationale: Option<Doc<RationaleMeta>>,
    /// `task.<code>.yaml` and `rationale.<code>.md`, by language code. They share the task's
    /// confidentiality: they live in its bundle.
    pub translations: BTreeMap<String, TaskTranslations>,
    /// On a page of another language: the text fields shown untranslated (`summary`,
    /// `clinical.why_it_matters`, `rationale`, ...), and the language they are in.
    pub fallback: Option<(String, Vec<String>)>,
}

/// One language's translations of a task folder.
#[derive(Debug, Clone, Default)]
pub struct TaskTranslations {
    pub task: Option<TaskTranslation>,
    /// The translated Markdown body of rationale.md.
    pub rationale: Option<String>,
}

/// `task.<code>.yaml`: the text fields of task.yaml, translated. Any other field is an error.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskTranslation {
    /// The task title.
    #[serde(default)]
    pub title: Option<String>,
    /// A short name.
    #[serde(default)]
    pub acronym: Option<String>,
    /// The plain-language summary (plain text).
    #[serde(default)]
    pub summary: Option<String>,
    /// The full description (Markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// The keywords.
    #[serde(default)]
    pub keywords: Option<Vec<String>>,
    /// The clinical texts.
    #[serde(default)]
    pub clinical: Option<ClinicalTranslation>,
    /// The task definition's texts.
    #[serde(default)]
    pub task_definition: Option<TaskDefinitionTranslation>,
}

/// The translated texts of `clinical`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicalTranslation {
    /// The clinical question.
    #[serde(default)]
    pub clinical_question: Option<String>,
    /// Why it matters for patients.
    #[serde(default)]
    pub why_it_matters: Option<String>,
    /// The target cohort.
    #[serde(default)]
    pub target_cohort: Option<String>,
    /// The challenge cohort.
    #[serde(default)]
    pub challenge_cohort: Option<String>,
    /// The human baseline.
    #[serde(default)]
    pub human_baseline: Option<String>,
}

/// The translated texts of `task_definition`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinitionTranslation {
    /// What one case is.
    #[serde(default)]
    pub case_definition: Option<String>,
    /// What the system receives.
    #[serde(default)]
    pub input: Option<String>,
    /// What the system returns.
    #[serde(default)]
    pub output: Option<String>,
}

/// The front matter of `rationale.<code>.md`: the task alone (the rest is the original's).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RationaleTranslationMeta {
    /// The task id; equals the folder name.
    pub task: Slug,
}

/// Everything read from a portal root, before any computation.
#[derive(Debug, Clone, Default)]
pub struct Portal {
    /// Every task, confidential ones included (they count in aggregate figures), sorted by id.
    pub tasks: Vec<std::sync::Arc<TaskBundle>>,
    pub systems: Vec<System>,
    /// `schema_version` of data/systems.yaml, when the file exists.
    pub systems_schema_version: Option<String>,
    /// Sorted by task id. Shared: `medal serve` keeps them between rebuilds, and copying
    /// every score of every leaderboard made a one-file reload slow.
    pub leaderboards: Vec<std::sync::Arc<Leaderboard>>,
    pub reports: Vec<Doc<ReportMeta>>,
    pub news: Vec<Doc<NewsMeta>>,
    pub pages: Vec<Doc<PageMeta>>,
    /// data/accessibility.yaml, when the file exists and loaded.
    pub accessibility: Option<AccessibilityStatement>,
    /// Releases in version order (oldest first); only those whose release.yaml loaded.
    pub releases: Vec<Release>,
    /// What failed to load (only when loading for diagnostics; see `load::load_partial`).
    pub unreadable: Unreadable,
}

/// Files that failed to load. Rules that depend on them stay quiet, since the file's own
/// error already says what is wrong (a broken task.yaml must not also make its leaderboard
/// "a leaderboard of no task").
#[derive(Debug, Clone, Default)]
pub struct Unreadable {
    /// Task folders whose task.yaml did not load.
    pub tasks: std::collections::BTreeSet<String>,
    /// Task folders whose datacard.yaml did not load.
    pub datacards: std::collections::BTreeSet<String>,
    /// Task folders whose rationale.md did not load.
    pub rationales: std::collections::BTreeSet<String>,
    pub systems: bool,
    /// data/accessibility.yaml exists but did not load.
    pub accessibility: bool,
    /// Leaderboard file names (without `.json`) that did not load.
    pub leaderboards: std::collections::BTreeSet<String>,
}

impl Unreadable {
    /// Everything loaded: whole-portal rules (such as "never evaluated") can be trusted.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
            && self.datacards.is_empty()
            && self.rationales.is_empty()
            && !self.systems
            && self.leaderboards.is_empty()
    }
}

impl Portal {
    /// The leaderboard of task `id`, by binary search: the loader sorts `leaderboards` by task
    /// id. Pages look leaderboards up per task and system, so a scan made large portals
    /// quadratic.
    pub fn leaderboard(&self, id: &str) -> Option<&Leaderboard> {
        debug_assert!(self.leaderboards.is_sorted_by(|a, b| a.task <= b.task));
        let i = self
            .leaderboards
            .binary_search_by(|lb| lb.task.as_str().cmp(id))
            .ok()?;
        self.leaderboards.get(i).map(|lb| &**lb)
    }

    /// The task with this id (any status), by binary search: `tasks` is sorted by id.
    pub fn task(&self, id: &str) -> Option<&TaskBundle> {
        debug_assert!(self.tasks.is_sorted_by(|a, b| a.task.id <= b.task.id));
        let i = self
            .tasks
            .binary_search_by(|b| b.task.id.as_str().cmp(id))
            .ok()?;
        self.tasks.get(i).map(|b| &**b)
    }

    pub fn published_tasks(&self) -> impl Iterator<Item = &TaskBundle> {
        self.tasks
            .iter()
            .map(|b| &**b)
            .filter(|t| t.task.status.is_published())
    }

    pub fn system(&self, id: &str) -> Option<&System> {
        self.systems.iter().find(|s| s.id.as_str() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("hepatic-metastases-ct"));
        assert!(is_slug("e0001"));
        assert!(!is_slug("a"));
        assert!(!is_slug("Upper"));
        assert!(!is_slug("-lead"));
        assert!(!is_slug("under_score"));
        assert!(!is_slug(&"a".repeat(65)));
    }

    #[test]
    fn dates() {
        assert!(Date::parse("2026-05-14").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("14.05.2026").is_err());
        assert_eq!(Date::parse("2026-05-04").unwrap().display(), "4 May 2026");
    }

    #[test]
    fn worst_value_falls_back_to_range() {
        let m = Metric {
            id: Slug::parse("fp").unwrap(),
            name: "FP".into(),
            direction: Direction::LowerIsBetter,
            level: MetricLevel::Case,
            range: Some([0.0, 50.0]),
            primary: false,
            worst_value: None,
            justification: None,
        };
        assert_eq!(m.worst(), Some(50.0));
    }
}
