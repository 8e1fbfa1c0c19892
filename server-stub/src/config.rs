//! The server configuration: reps, teams, issues, buttons, waiting-session rules and
//! settings, read from TOML and validated before anything starts.

use argon2::password_hash::{PasswordHasher, SaltString};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use switchboard_protocol::{
    IssueId, Permissions, QueueMode, QueueRef, RepId, ServiceLevel, TeamId, Template,
};

pub use crate::config_jump::JumpSettings;
use crate::config_jump::RawJump;
use crate::limits::Limits;
use crate::mail::config::RawMail;
pub use crate::mail::config::{MailConfig, MailCredentials, MailTls, Password};
pub use crate::store::Durability;

/// The bundled demo configuration, used when no `--config` is given.
pub const DEMO_CONFIG: &str = include_str!("../demo.toml");

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the configuration is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("configuration error: {0}")]
    Invalid(String),
    #[error("could not hash the password of rep `{rep}`: {message}")]
    Hash { rep: String, message: String },
}

fn invalid(message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(message.into())
}

/// The longest database URL taken (a real one is well under 200 bytes).
pub const MAX_DATABASE_URL_BYTES: usize = 2048;

/// A PostgreSQL URL for `database` / `--database`: `postgres://` or `postgresql://` (in any
/// case, as `store::Database::parse` reads it), at most
/// [`MAX_DATABASE_URL_BYTES`], no control characters. What the URL says beyond its scheme
/// (host, user, options) is checked by the PostgreSQL client when it connects.
pub fn check_database_url(url: String) -> Result<String, String> {
    if url.len() > MAX_DATABASE_URL_BYTES {
        return Err(format!(
            "database: the URL is longer than {MAX_DATABASE_URL_BYTES} bytes"
        ));
    }
    if url.chars().any(char::is_control) {
        return Err("database: the URL contains a control character".into());
    }
    // The same scheme test that picks the engine.
    if !matches!(
        crate::store::Database::parse(&url),
        crate::store::Database::Postgres(_)
    ) {
        return Err(
            "database: only PostgreSQL is supported: a postgres:// or postgresql:// URL \
             (without it, the store is the SQLite file of --db)"
                .into(),
        );
    }
    Ok(url)
}

/// Global settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How long a rep whose connection dropped keeps their sessions.
    pub grace_secs: u64,
    pub session_key_ttl_secs: u64,
    /// Default answer time for push offers (a team may set its own).
    pub offer_answer_secs: u64,
    pub token_ttl_secs: u64,
    /// Ending a session needs a disposition.
    pub require_disposition: bool,
    pub dispositions: Vec<String>,
    /// "Open external URL" in a session: a link template (`{session_id}`, `{customer}`).
    pub external_url: Option<String>,
    /// Largest file a rep or customer may share, in bytes.
    pub max_file_bytes: u64,
    /// What a commit survives (`durability = "normal" | "full"`; `--durability`).
    pub durability: Durability,
    /// File name extensions that may be shared (lower case, no dot).
    pub file_types: Vec<String>,
    /// How long a customer has to answer a remote support request (`remote_prompt_secs`,
    /// 30 by default); unanswered, it counts as denied (`timed_out`).
    pub remote_prompt_secs: u64,
    /// How long a deployed Support Button works, in days (`button_days`, 365 by default).
    pub button_days: u64,
    /// The customer client program this server hands out at `GET /download/switchboard-customer`
    /// when a rep offers it (`client_download`; none: the portal says to ask the rep).
    pub client_download: Option<std::path::PathBuf>,
    /// The service level of every personal queue (`personal_target_wait_secs`,
    /// `personal_breach_wait_secs`; 60 and 180 by default).
    pub personal_service_level: ServiceLevel,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`trusted_proxies`:
    /// addresses or CIDR networks; none by default, so the TCP peer is the client).
    pub trusted_proxies: crate::server::proxy::TrustedProxies,
    /// PostgreSQL as the store (`database = "postgres://user@host/db"`; `--database` wins):
    /// one active server and any number of standbys on it (`server/lease.rs`). None: SQLite.
    pub database: Option<String>,
}

/// The `[supervision]` section: how team leads supervising a session show.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupervisionSettings {
    /// Whether the reps in a session see the leads monitoring it (`SessionInfo.monitors`)
    /// and the "started monitoring" notes; true by default. False: only the monitoring
    /// leads see them (the notes stay in the session's history as whispers to the lead).
    pub announce_monitoring: bool,
}

impl Default for SupervisionSettings {
    fn default() -> Self {
        SupervisionSettings {
            announce_monitoring: true,
        }
    }
}

/// A team and its queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamConfig {
    pub id: TeamId,
    pub name: String,
    pub mode: QueueMode,
    pub offer_answer_secs: u64,
    /// A page about the customer, linked from this queue's push offers (`{session_id}`,
    /// `{customer}` are filled in).
    pub offer_url: Option<String>,
    /// `target_wait_secs` / `breach_wait_secs` (60 and 180 by default).
    pub service_level: ServiceLevel,
    /// Derived from the reps' `teams` lists, sorted.
    pub members: Vec<RepId>,
}

/// A representative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepConfig {
    pub id: RepId,
    pub name: String,
    pub email: Option<String>,
    /// A PHC-format argon2id hash.
    pub password_hash: String,
    pub teams: Vec<TeamId>,
    pub permissions: Permissions,
    pub extended_availability: bool,
}

/// A support issue on the issue submission form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueConfig {
    pub id: IssueId,
    pub name: String,
    pub team: TeamId,
    pub request_help: bool,
}

/// What a support button is tied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonTarget {
    Rep(RepId),
    Team(TeamId),
}

/// Which queues a waiting-session rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleQueue {
    AnyPersonal,
    AnyTeam,
    Team(TeamId),
    General,
}

/// Where a waiting-session rule moves a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleTarget {
    /// The first team of the rep whose personal queue it waits in (general if none).
    RepTeam,
    Team(TeamId),
    General,
}

/// After `after_secs` in a matching queue, move the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingRule {
    pub queue: RuleQueue,
    pub after_secs: u64,
    pub move_to: RuleTarget,
}

impl WaitingRule {
    /// Whether this rule applies to a session waiting in `queue`.
    pub fn matches(&self, queue: &QueueRef) -> bool {
        match (&self.queue, queue) {
            (RuleQueue::AnyPersonal, QueueRef::Personal { .. }) => true,
            (RuleQueue::AnyTeam, QueueRef::Team { .. }) => true,
            (RuleQueue::Team(t), QueueRef::Team { team }) => t == team,
            (RuleQueue::General, QueueRef::General) => true,
            _ => false,
        }
    }
}

/// Simulated customers, for testers and the demo.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateConfig {
    pub rate_per_min: f64,
    pub seed: u64,
}

/// The whole, validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub settings: Settings,
    /// Team leads supervising sessions (the `[supervision]` section).
    pub supervision: SupervisionSettings,
    pub general_mode: QueueMode,
    pub general_offer_answer_secs: u64,
    /// The general queue's `target_wait_secs` / `breach_wait_secs` (`[general]`).
    pub general_service_level: ServiceLevel,
    pub teams: BTreeMap<TeamId, TeamConfig>,
    pub reps: BTreeMap<RepId, RepConfig>,
    pub issues: BTreeMap<IssueId, IssueConfig>,
    pub buttons: HashMap<String, ButtonTarget>,
    pub waiting_rules: Vec<WaitingRule>,
    pub simulate: Option<SimulateConfig>,
    /// Canned replies, in configuration order.
    pub templates: Vec<Template>,
    /// The SMTP server for extended-availability emails; `None`: they stay in the outbox.
    pub mail: Option<MailConfig>,
    /// Every limit on outside input (the `[limits]` section).
    pub limits: Limits,
    /// Jump Clients: what the machine's person sees when a rep jumps, and when an offline
    /// one counts as lost (the `[jump]` section).
    pub jump: JumpSettings,
    /// The bearer token `GET /metrics` wants (`[metrics] token`); none: no such endpoint.
    pub metrics_token: Option<String>,
}

impl Config {
    /// Parses and validates a TOML configuration, hashing plain demo passwords.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text)?;
        raw.validate()
    }

    /// The bundled demo configuration.
    pub fn demo() -> Result<Config, ConfigError> {
        Config::from_toml(DEMO_CONFIG)
    }

    /// The queue mode and answer time of a queue (personal queues always pull).
    pub fn queue_mode(&self, queue: &QueueRef) -> (QueueMode, u64) {
        match queue {
            QueueRef::Personal { .. } => (QueueMode::Pull, self.settings.offer_answer_secs),
            QueueRef::Team { team } => self
                .teams
                .get(team)
                .map(|t| (t.mode, t.offer_answer_secs))
                .unwrap_or((QueueMode::Pull, self.settings.offer_answer_secs)),
            QueueRef::General => (self.general_mode, self.general_offer_answer_secs),
        }
    }

    /// The service level of a queue (its `target_wait_secs` and `breach_wait_secs`).
    pub fn service_level(&self, queue: &QueueRef) -> ServiceLevel {
        match queue {
            QueueRef::Personal { .. } => self.settings.personal_service_level,
            QueueRef::Team { team } => self
                .teams
                .get(team)
                .map_or(self.general_service_level, |t| t.service_level),
            QueueRef::General => self.general_service_level,
        }
    }

    /// Whether `rep` may see (and take from) `queue`.
    pub fn can_see(&self, rep: &RepId, queue: &QueueRef) -> bool {
        let Some(config) = self.reps.get(rep) else {
            return false;
        };
        match queue {
            QueueRef::Personal { rep: owner } => owner == rep,
            QueueRef::Team { team } => config.teams.contains(team),
            QueueRef::General => config.permissions.general_queue,
        }
    }

    /// Every rep who may see `queue`, sorted.
    pub fn viewers(&self, queue: &QueueRef) -> Vec<RepId> {
        match queue {
            QueueRef::Personal { rep } => vec![rep.clone()],
            QueueRef::Team { team } => self
                .teams
                .get(team)
                .map(|t| t.members.clone())
                .unwrap_or_default(),
            QueueRef::General => self
                .reps
                .values()
                .filter(|r| r.permissions.general_queue)
                .map(|r| r.id.clone())
                .collect(),
        }
    }

    /// The queues `rep` may see: personal, their teams', general if permitted.
    pub fn visible_queues(&self, rep: &RepId) -> Vec<QueueRef> {
        let Some(config) = self.reps.get(rep) else {
            return Vec::new();
        };
        let mut queues = vec![QueueRef::Personal { rep: rep.clone() }];
        queues.extend(
            config
                .teams
                .iter()
                .map(|t| QueueRef::Team { team: t.clone() }),
        );
        if config.permissions.general_queue {
            queues.push(QueueRef::General);
        }
        queues
    }

    /// Whether two reps share at least one team.
    pub fn share_a_team(&self, a: &RepId, b: &RepId) -> bool {
        match (self.reps.get(a), self.reps.get(b)) {
            (Some(a), Some(b)) => a.teams.iter().any(|t| b.teams.contains(t)),
            _ => false,
        }
    }

    /// The display name of a rep (their id if unknown).
    pub fn rep_name(&self, rep: &RepId) -> String {
        self.reps
            .get(rep)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| rep.to_string())
    }

    /// The rep and everyone sharing a team with them, sorted by id: from the teams'
    /// member lists, so its cost is the size of the rep's teams, not of the whole staff.
    pub fn colleagues(&self, rep: &RepId) -> Vec<RepId> {
        let mut colleagues: Vec<RepId> = vec![rep.clone()];
        if let Some(config) = self.reps.get(rep) {
            for team in &config.teams {
                if let Some(team) = self.teams.get(team) {
                    colleagues.extend(team.members.iter().cloned());
                }
            }
        }
        colleagues.sort_unstable();
        colleagues.dedup();
        colleagues
    }

    /// The display name of a team (its id if unknown).
    pub fn team_name(&self, team: &TeamId) -> String {
        self.teams
            .get(team)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| team.to_string())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: RawSettings,
    #[serde(default)]
    supervision: SupervisionSettings,
    #[serde(default)]
    general: RawGeneral,
    #[serde(default)]
    teams: Vec<RawTeam>,
    #[serde(default)]
    reps: Vec<RawRep>,
    #[serde(default)]
    issues: Vec<RawIssue>,
    #[serde(default)]
    buttons: Vec<RawButton>,
    #[serde(default)]
    waiting_rules: Vec<RawRule>,
    simulate: Option<RawSimulate>,
    #[serde(default)]
    templates: Vec<RawTemplate>,
    mail: Option<RawMail>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    jump: RawJump,
    metrics: Option<RawMetrics>,
}

/// `[metrics]`: who may scrape `GET /metrics`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    token: String,
}

/// A metrics token is a secret: long enough not to be guessed, short enough to compare.
const METRICS_TOKEN_CHARS: std::ops::RangeInclusive<usize> = 16..=256;

/// Seconds to milliseconds for a service level; the breach must come after the target.
fn service_level(
    what: &str,
    target_secs: Option<u64>,
    breach_secs: Option<u64>,
) -> Result<ServiceLevel, ConfigError> {
    let default = ServiceLevel::default();
    let target_secs = target_secs.unwrap_or(default.target_ms / 1000);
    let breach_secs = breach_secs.unwrap_or(default.breach_ms / 1000);
    // A day bounds both, so the milliseconds never overflow and a typo shows.
    if target_secs == 0 || breach_secs > 86_400 || breach_secs <= target_secs {
        return Err(invalid(format!(
            "{what}: target wait ({target_secs} s) must be positive and less than the breach wait ({breach_secs} s, at most 86400)"
        )));
    }
    Ok(ServiceLevel {
        target_ms: target_secs * 1000,
        breach_ms: breach_secs * 1000,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: String,
    text: String,
    team: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSettings {
    grace_secs: u64,
    session_key_ttl_secs: u64,
    offer_answer_secs: u64,
    token_ttl_secs: u64,
    require_disposition: bool,
    dispositions: Vec<String>,
    external_url: Option<String>,
    max_file_bytes: u64,
    file_types: Vec<String>,
    durability: Durability,
    remote_prompt_secs: u64,
    button_days: u64,
    client_download: Option<std::path::PathBuf>,
    personal_target_wait_secs: Option<u64>,
    personal_breach_wait_secs: Option<u64>,
    trusted_proxies: Vec<String>,
    database: Option<String>,
}

/// What may be shared unless the configuration says otherwise: pictures, documents, logs.
const DEFAULT_FILE_TYPES: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "zip", "docx", "xlsx",
];

impl Default for RawSettings {
    fn default() -> Self {
        Self {
            grace_secs: 60,
            session_key_ttl_secs: 600,
            offer_answer_secs: 30,
            token_ttl_secs: 12 * 3600,
            require_disposition: false,
            dispositions: vec!["Resolved".into(), "Not resolved".into()],
            external_url: None,
            max_file_bytes: 10 * 1024 * 1024,
            file_types: DEFAULT_FILE_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            durability: Durability::Normal,
            remote_prompt_secs: 30,
            button_days: 365,
            client_download: None,
            personal_target_wait_secs: None,
            personal_breach_wait_secs: None,
            trusted_proxies: Vec::new(),
            database: None,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGeneral {
    #[serde(default)]
    mode: QueueMode,
    offer_answer_secs: Option<u64>,
    target_wait_secs: Option<u64>,
    breach_wait_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    id: String,
    name: String,
    #[serde(default)]
    mode: QueueMode,
    offer_answer_secs: Option<u64>,
    offer_url: Option<String>,
    target_wait_secs: Option<u64>,
    breach_wait_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRep {
    id: String,
    name: String,
    email: Option<String>,
    password: Option<String>,
    password_hash: Option<String>,
    #[serde(default)]
    teams: Vec<String>,
    #[serde(default)]
    general_queue: bool,
    #[serde(default)]
    share_outside_teams: bool,
    #[serde(default)]
    transfer: bool,
    #[serde(default = "default_max_sessions")]
    max_sessions: u32,
    #[serde(default)]
    extended_availability: bool,
    /// A team lead of every team in `teams`.
    #[serde(default)]
    lead: bool,
    /// Remote support: `none` (the default), `view`, or `control` (view and control).
    #[serde(default)]
    screen: switchboard_protocol::ScreenPermission,
    /// Remote support: may ask for a command shell on the customer's machine (the customer
    /// is still asked every time). Off by default.
    #[serde(default)]
    shell: bool,
    /// May deploy Support Buttons on customers' machines (and remove them). Off by default.
    #[serde(default)]
    support_button: bool,
    /// May pin Jump Clients, jump to the ones they can see, and unpin them. Off by default.
    #[serde(default)]
    jump_client: bool,
    /// May ask for an administrator's command shell (needs `shell` too). Off by default.
    #[serde(default)]
    elevate: bool,
    /// A lead may monitor their teams' sessions; defaults to `lead`.
    monitor: Option<bool>,
    /// A lead may whisper to the reps of their teams' sessions; defaults to `lead`.
    whisper: Option<bool>,
    /// A lead may take their teams' sessions over; defaults to `lead`.
    take_over: Option<bool>,
}

fn default_max_sessions() -> u32 {
    4
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssue {
    id: String,
    name: String,
    team: String,
    #[serde(default)]
    request_help: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawButton {
    token: String,
    rep: Option<String>,
    team: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    queue: String,
    after_secs: u64,
    move_to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSimulate {
    rate_per_min: f64,
    #[serde(default)]
    seed: u64,
}

/// A link template must be an absolute http(s) URL.
fn check_url(url: String) -> Result<String, ConfigError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        Err(invalid(format!(
            "`{url}` must be an http:// or https:// address"
        )))
    }
}

fn check_id(kind: &str, id: &str) -> Result<(), ConfigError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "{kind} id `{id}` must be 1-64 characters of letters, digits, '-', '_' or '.'"
        )))
    }
}

impl RawConfig {
    fn validate(self) -> Result<Config, ConfigError> {
        let s = self.server;
        if s.session_key_ttl_secs == 0 || s.offer_answer_secs == 0 || s.token_ttl_secs == 0 {
            return Err(invalid(
                "session_key_ttl_secs, offer_answer_secs and token_ttl_secs must be positive",
            ));
        }
        if !(1..=600).contains(&s.remote_prompt_secs) {
            return Err(invalid("remote_prompt_secs must be 1 to 600"));
        }
        if !(1..=3650).contains(&s.button_days) {
            return Err(invalid("button_days must be 1 to 3650"));
        }
        if s.require_disposition && s.dispositions.is_empty() {
            return Err(invalid(
                "require_disposition is set but the dispositions list is empty",
            ));
        }
        let settings = Settings {
            grace_secs: s.grace_secs,
            session_key_ttl_secs: s.session_key_ttl_secs,
            offer_answer_secs: s.offer_answer_secs,
            token_ttl_secs: s.token_ttl_secs,
            require_disposition: s.require_disposition,
            dispositions: s.dispositions,
            external_url: s.external_url.map(check_url).transpose()?,
            max_file_bytes: s.max_file_bytes,
            file_types: s
                .file_types
                .iter()
                .map(|t| t.trim().trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            durability: s.durability,
            remote_prompt_secs: s.remote_prompt_secs,
            button_days: s.button_days,
            client_download: s.client_download.filter(|p| !p.as_os_str().is_empty()),
            personal_service_level: service_level(
                "personal queues",
                s.personal_target_wait_secs,
                s.personal_breach_wait_secs,
            )?,
            trusted_proxies: crate::server::proxy::TrustedProxies::parse(&s.trusted_proxies)
                .map_err(invalid)?,
            database: s
                .database
                .filter(|url| !url.is_empty())
                .map(check_database_url)
                .transpose()
                .map_err(invalid)?,
        };
        if settings.max_file_bytes == 0 || settings.max_file_bytes > 100 * 1024 * 1024 {
            return Err(invalid("max_file_bytes must be between 1 and 104857600"));
        }

        let mut teams = BTreeMap::new();
        for t in self.teams {
            check_id("team", &t.id)?;
            let id = TeamId::new(t.id.clone());
            let team = TeamConfig {
                id: id.clone(),
                name: t.name,
                mode: t.mode,
                offer_answer_secs: t.offer_answer_secs.unwrap_or(settings.offer_answer_secs),
                offer_url: t.offer_url.map(check_url).transpose()?,
                service_level: service_level(
                    &format!("team `{}`", t.id),
                    t.target_wait_secs,
                    t.breach_wait_secs,
                )?,
                members: Vec::new(),
            };
            if teams.insert(id, team).is_some() {
                return Err(invalid(format!("team `{}` is defined twice", t.id)));
            }
        }

        let mut reps = BTreeMap::new();
        for r in self.reps {
            check_id("rep", &r.id)?;
            let id = RepId::new(r.id.clone());
            let password_hash = match (r.password, r.password_hash) {
                (Some(_), Some(_)) => {
                    return Err(invalid(format!(
                        "rep `{}` has both password and password_hash; keep one",
                        r.id
                    )));
                }
                (None, None) => {
                    return Err(invalid(format!(
                        "rep `{}` has neither password nor password_hash",
                        r.id
                    )));
                }
                (Some(plain), None) => {
                    hash_password(&plain).map_err(|message| ConfigError::Hash {
                        rep: r.id.clone(),
                        message,
                    })?
                }
                (None, Some(hash)) => {
                    argon2::PasswordHash::new(&hash).map_err(|e| {
                        invalid(format!(
                            "rep `{}` password_hash is not a PHC hash: {e}",
                            r.id
                        ))
                    })?;
                    hash
                }
            };
            let mut rep_teams = Vec::new();
            for t in r.teams {
                let team_id = TeamId::new(t.clone());
                let Some(team) = teams.get_mut(&team_id) else {
                    return Err(invalid(format!("rep `{}` is in unknown team `{t}`", r.id)));
                };
                if !rep_teams.contains(&team_id) {
                    team.members.push(id.clone());
                    rep_teams.push(team_id);
                }
            }
            if r.max_sessions == 0 {
                return Err(invalid(format!("rep `{}` has max_sessions = 0", r.id)));
            }
            if r.elevate && !r.shell {
                // An administrator's shell is a shell: `elevate` alone would grant nothing.
                return Err(invalid(format!(
                    "rep `{}` has elevate = true without shell = true (an administrator's shell needs both)",
                    r.id
                )));
            }
            let supervising = [
                ("monitor", r.monitor),
                ("whisper", r.whisper),
                ("take_over", r.take_over),
            ];
            if let Some((what, _)) = supervising
                .iter()
                .find(|(_, set)| *set == Some(true) && !r.lead)
            {
                // Supervision is of the teams one leads: without `lead` it would grant nothing.
                return Err(invalid(format!(
                    "rep `{}` has {what} = true without lead = true (supervising is for team leads)",
                    r.id
                )));
            }
            let rep = RepConfig {
                id: id.clone(),
                name: r.name,
                email: r.email,
                password_hash,
                teams: rep_teams,
                permissions: Permissions {
                    general_queue: r.general_queue,
                    share_outside_teams: r.share_outside_teams,
                    transfer: r.transfer,
                    max_sessions: r.max_sessions,
                    lead: r.lead,
                    screen: r.screen,
                    shell: r.shell,
                    support_button: r.support_button,
                    jump_client: r.jump_client,
                    elevate: r.elevate,
                    monitor: r.monitor.unwrap_or(r.lead),
                    whisper: r.whisper.unwrap_or(r.lead),
                    take_over: r.take_over.unwrap_or(r.lead),
                },
                extended_availability: r.extended_availability,
            };
            if reps.insert(id, rep).is_some() {
                return Err(invalid(format!("rep `{}` is defined twice", r.id)));
            }
        }
        for team in teams.values_mut() {
            team.members.sort();
        }

        let mut issues = BTreeMap::new();
        for i in self.issues {
            check_id("issue", &i.id)?;
            let team = TeamId::new(i.team.clone());
            if !teams.contains_key(&team) {
                return Err(invalid(format!(
                    "issue `{}` belongs to unknown team `{}`",
                    i.id, i.team
                )));
            }
            let id = IssueId::new(i.id.clone());
            let issue = IssueConfig {
                id: id.clone(),
                name: i.name,
                team,
                request_help: i.request_help,
            };
            if issues.insert(id, issue).is_some() {
                return Err(invalid(format!("issue `{}` is defined twice", i.id)));
            }
        }

        let mut buttons = HashMap::new();
        for b in self.buttons {
            if b.token.len() < 4 || b.token.len() > 128 {
                return Err(invalid(format!(
                    "button token `{}` must be 4-128 characters",
                    b.token
                )));
            }
            let target = match (b.rep, b.team) {
                (Some(rep), None) if reps.contains_key(&RepId::new(rep.clone())) => {
                    ButtonTarget::Rep(RepId::new(rep))
                }
                (None, Some(team)) if teams.contains_key(&TeamId::new(team.clone())) => {
                    ButtonTarget::Team(TeamId::new(team))
                }
                _ => {
                    return Err(invalid(format!(
                        "button `{}` must name exactly one known rep or team",
                        b.token
                    )));
                }
            };
            if buttons.insert(b.token.clone(), target).is_some() {
                return Err(invalid(format!("button `{}` is defined twice", b.token)));
            }
        }

        let mut waiting_rules = Vec::new();
        let known_team = |name: &str| -> Result<TeamId, ConfigError> {
            let id = TeamId::new(name);
            if teams.contains_key(&id) {
                Ok(id)
            } else {
                Err(invalid(format!("waiting rule names unknown team `{name}`")))
            }
        };
        for rule in self.waiting_rules {
            let queue = match rule.queue.as_str() {
                "personal" => RuleQueue::AnyPersonal,
                "team" => RuleQueue::AnyTeam,
                "general" => RuleQueue::General,
                other => match other.strip_prefix("team:") {
                    Some(name) => RuleQueue::Team(known_team(name)?),
                    None => {
                        return Err(invalid(format!(
                            "waiting rule queue `{other}`: use personal, team, team:NAME or general"
                        )));
                    }
                },
            };
            let move_to = match rule.move_to.as_str() {
                "rep_team" => RuleTarget::RepTeam,
                "general" => RuleTarget::General,
                other => match other.strip_prefix("team:") {
                    Some(name) => RuleTarget::Team(known_team(name)?),
                    None => {
                        return Err(invalid(format!(
                            "waiting rule move_to `{other}`: use rep_team, team:NAME or general"
                        )));
                    }
                },
            };
            if rule.after_secs == 0 {
                return Err(invalid("waiting rule after_secs must be positive"));
            }
            waiting_rules.push(WaitingRule {
                queue,
                after_secs: rule.after_secs,
                move_to,
            });
        }

        let simulate = match self.simulate {
            Some(sim) if !(sim.rate_per_min.is_finite() && sim.rate_per_min >= 0.0) => {
                return Err(invalid(
                    "simulate.rate_per_min must be a non-negative number",
                ));
            }
            Some(sim) => Some(SimulateConfig {
                rate_per_min: sim.rate_per_min,
                seed: sim.seed,
            }),
            None => None,
        };

        let names: BTreeSet<&str> = settings.dispositions.iter().map(String::as_str).collect();
        if names.len() != settings.dispositions.len() {
            return Err(invalid("dispositions must be unique"));
        }

        let mut templates = Vec::new();
        for t in self.templates {
            let team = match t.team {
                Some(team) => {
                    let team = TeamId::new(team);
                    if !teams.contains_key(&team) {
                        return Err(invalid(format!(
                            "template `{}` names an unknown team `{team}`",
                            t.name
                        )));
                    }
                    Some(team)
                }
                None => None,
            };
            if t.name.trim().is_empty() || t.text.trim().is_empty() {
                return Err(invalid("a template needs a name and a text"));
            }
            templates.push(Template {
                name: t.name,
                text: t.text,
                team,
            });
        }

        let mail = self.mail.map(|mail| mail.validate(&reps)).transpose()?;
        self.limits.validate().map_err(invalid)?;
        let jump = self.jump.validate().map_err(invalid)?;

        let general_service_level = service_level(
            "the general queue",
            self.general.target_wait_secs,
            self.general.breach_wait_secs,
        )?;
        let metrics_token = match self.metrics {
            Some(m) if !METRICS_TOKEN_CHARS.contains(&m.token.len()) => {
                return Err(invalid("metrics token must be 16-256 characters"));
            }
            Some(m) => Some(m.token),
            None => None,
        };

        Ok(Config {
            supervision: self.supervision,
            templates,
            mail,
            limits: self.limits,
            jump,
            general_offer_answer_secs: self
                .general
                .offer_answer_secs
                .unwrap_or(settings.offer_answer_secs),
            settings,
            general_mode: self.general.mode,
            general_service_level,
            metrics_token,
            teams,
            reps,
            issues,
            buttons,
            waiting_rules,
            simulate,
        })
    }
}

/// Hashes a password with argon2id and a random salt, in PHC string format.
pub fn hash_password(plain: &str) -> Result<String, String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(plain.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled demo config loads and meets the documented minimums.
    #[test]
    fn demo_config_is_valid_and_big_enough() {
        let config = Config::demo().unwrap();
        assert!(config.teams.len() >= 3);
        assert!(config.reps.len() >= 8);
        assert!(config.issues.len() >= 6);
        assert!(config.reps.values().any(|r| r.teams.len() >= 2));
        assert!(
            config
                .reps
                .values()
                .all(|r| r.password_hash.starts_with("$argon2id$"))
        );
    }

    #[test]
    fn database_takes_a_postgres_url_or_nothing() {
        let read = |text: &str| Config::from_toml(text).map(|c| c.settings.database);
        assert_eq!(read("").unwrap(), None);
        assert_eq!(read("[server]\ndatabase = ''").unwrap(), None);
        for url in [
            "postgres://switchboard@db/switchboard",
            "postgresql://u:p@h:5433/d",
        ] {
            assert_eq!(
                read(&format!("[server]\ndatabase = '{url}'"))
                    .unwrap()
                    .as_deref(),
                Some(url)
            );
        }
        for (bad, why) in [
            ("mysql://db/x", "only PostgreSQL"),
            ("/var/lib/switchboard.db", "only PostgreSQL"),
            ("postgres://db/x\\u0000", "control character"),
        ] {
            let error = read(&format!("[server]\ndatabase = \"{bad}\"")).unwrap_err();
            assert!(error.to_string().contains(why), "{bad}: {error}");
        }
        let long = format!("postgres://db/{}", "x".repeat(MAX_DATABASE_URL_BYTES));
        let error = read(&format!("[server]\ndatabase = '{long}'")).unwrap_err();
        assert!(error.to_string().contains("longer than"), "{error}");
    }

    /// `client_download` is optional; an empty path counts as none.
    #[test]
    fn client_download_is_optional() {
        let read = |text: &str| Config::from_toml(text).unwrap().settings.client_download;
        assert_eq!(read(""), None);
        assert_eq!(read("[server]\nclient_download = ''"), None);
        assert_eq!(
            read("[server]\nclient_download = '/opt/switchboard-customer'"),
            Some(std::path::PathBuf::from("/opt/switchboard-customer"))
        );
    }

    /// Bad configurations are refused with a message naming the problem.
    #[test]
    fn invalid_configs_are_refused() {
        let cases = [
            (
                "[[reps]]\nid='a'\nname='A'\npassword='x'\nteams=['nope']",
                "unknown team",
            ),
            ("[[issues]]\nid='i'\nname='I'\nteam='nope'", "unknown team"),
            ("[[reps]]\nid='a b'\nname='A'\npassword='x'", "must be 1-64"),
            ("[[reps]]\nid='a'\nname='A'", "neither password"),
            ("[server]\nbogus = 1", "unknown field"),
            (
                "[[waiting_rules]]\nqueue='elsewhere'\nafter_secs=5\nmove_to='general'",
                "use personal",
            ),
            (
                "[[buttons]]\ntoken='tok1'\nrep='ghost'",
                "exactly one known",
            ),
            ("[jump]\npolicy = 'sometimes'", "unknown variant"),
            ("[jump]\nlost_days = 0", "lost_days"),
            (
                "[[reps]]\nid='a'\nname='A'\npassword='x'\nelevate=true",
                "without shell",
            ),
            (
                "[[reps]]\nid='a'\nname='A'\npassword='x'\ntake_over=true",
                "take_over = true without lead",
            ),
            ("[supervision]\nannounce = false", "unknown field"),
        ];
        for (text, expected) in cases {
            let err = Config::from_toml(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?} gave {err:?}");
        }
    }
}
