//! The configurations tests start servers with: the end-to-end tests' own (short timers,
//! lifted rate limits, a rep of every kind), the bundled demo (the UI tests), and a small
//! push-queue setup for offers. Each is parsed (its passwords hashed) once per test binary.

use std::sync::{Arc, OnceLock};
use switchboard_server::config::Config;

/// A configuration with short timers so timer rules can be observed quickly.
pub const TEST_CONFIG: &str = r#"
[server]
grace_secs = 1
session_key_ttl_secs = 600
offer_answer_secs = 1
require_disposition = true
dispositions = ["Resolved", "Escalated"]
external_url = "https://crm.example/find?session={session_id}&name={customer}"
max_file_bytes = 1048576

# Every test client comes from 127.0.0.1, and tests start sessions and send messages faster
# than people do: the per-address and rate limits are lifted here. The abuse tests
# (e2e_abuse*.rs) start servers with the real defaults, or tighter ones.
[limits]
sessions_per_minute_per_address = 100000
session_burst_per_address = 10000
chat_per_second = 10000
chat_burst = 10000

# Jump sessions grant without asking unless a test picks another policy
# (`test_config_with_jump_policy`).
[jump]
policy = "no_prompt"

[[teams]]
id = "billing"
name = "Billing"

[[teams]]
id = "tech"
name = "Tech"

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = 1
offer_url = "https://sales.example/lead?s={session_id}&n={customer}"

[[teams]]
id = "slow"
name = "Overflow"

[[reps]]
id = "alice"
name = "Alice"
password = "alice-pw"
teams = ["billing", "tech"]
general_queue = true
share_outside_teams = true
transfer = true
max_sessions = 3
screen = "control"
shell = true
support_button = true
jump_client = true
elevate = true

[[reps]]
id = "bob"
name = "Bob"
password = "bob-pw"
teams = ["billing"]
general_queue = true
transfer = true
screen = "control"
shell = true
support_button = true
jump_client = true
elevate = true

[[reps]]
id = "carol"
name = "Carol"
password = "carol-pw"
teams = ["tech"]
general_queue = false
transfer = true
lead = true
screen = "view"

[[reps]]
id = "dave"
name = "Dave"
password = "dave-pw"
email = "dave@example.com"
teams = ["billing"]
extended_availability = true

[[reps]]
id = "sam"
name = "Sam"
password = "sam-pw"
teams = ["sales"]

[[reps]]
id = "sue"
name = "Sue"
password = "sue-pw"
teams = ["sales"]

[[issues]]
id = "invoice"
name = "Invoice question"
team = "billing"
request_help = true

[[issues]]
id = "crash"
name = "App crashes"
team = "tech"

[[buttons]]
token = "btn-billing"
team = "billing"

[[buttons]]
token = "btn-bob"
rep = "bob"

[[templates]]
name = "Greeting"
text = "Hello {customer}, I'm {rep}."

[[templates]]
name = "Refunds"
team = "billing"
text = "Refunds take 5 days."

[[templates]]
name = "Restart"
team = "tech"
text = "Please restart the app."

[[waiting_rules]]
queue = "team:slow"
after_secs = 1
move_to = "general"
"#;

/// The test configuration, parsed (and its passwords hashed) once per test binary.
pub fn test_config() -> Arc<Config> {
    static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(Config::from_toml(TEST_CONFIG).expect("test config")))
        .clone()
}

/// The test configuration with its `[limits]` section replaced by `limits` (TOML lines
/// such as `chat_burst = 3`; unnamed limits take the server's defaults). Parsed each call.
pub fn test_config_with_limits(limits: &str) -> Arc<Config> {
    let start = TEST_CONFIG
        .find("[limits]")
        .expect("the kit has a [limits] section");
    let end = TEST_CONFIG[start..]
        .find("\n\n")
        .map_or(TEST_CONFIG.len(), |i| start + i);
    let text = format!(
        "{}[limits]\n{limits}{}",
        &TEST_CONFIG[..start],
        &TEST_CONFIG[end..]
    );
    Arc::new(Config::from_toml(&text).expect("test config with limits"))
}

/// The test configuration with customers answering remote support requests within
/// `secs` (`remote_prompt_secs`; the kit's own config keeps the default 30). Parsed each call.
pub fn test_config_with_prompt_secs(secs: u64) -> Arc<Config> {
    let text = TEST_CONFIG.replacen(
        "[server]\n",
        &format!("[server]\nremote_prompt_secs = {secs}\n"),
        1,
    );
    Arc::new(Config::from_toml(&text).expect("test config with a prompt time"))
}

/// The test configuration with `[jump] policy` set to `policy` (`"no_prompt"`, `"notify"`
/// or `"ask"`; the kit's own config says `no_prompt`). Parsed each call.
pub fn test_config_with_jump_policy(policy: &str) -> Arc<Config> {
    let text = TEST_CONFIG.replacen(
        "[jump]\npolicy = \"no_prompt\"\n",
        &format!("[jump]\npolicy = \"{policy}\"\n"),
        1,
    );
    Arc::new(Config::from_toml(&text).expect("test config with a jump policy"))
}

/// The demo configuration, hashed once per test binary.
pub fn demo_config() -> Arc<Config> {
    static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(Config::demo().unwrap()))
        .clone()
}

/// A small configuration for push offers: the push team Sales (reps `sam` and `sue`,
/// passwords `<name>-demo`) answering within `offer_secs`, and a pull team Billing (`bob`).
pub fn offers_config(offer_secs: u64) -> Arc<Config> {
    let toml = format!(
        r#"
[server]
offer_answer_secs = {offer_secs}
require_disposition = true
dispositions = ["Resolved", "Escalated"]

[[teams]]
id = "sales"
name = "Sales"
mode = "push"
offer_answer_secs = {offer_secs}

[[teams]]
id = "billing"
name = "Billing"

[[reps]]
id = "sam"
name = "Sam Seller"
password = "sam-demo"
teams = ["sales"]

[[reps]]
id = "sue"
name = "Sue Seller"
password = "sue-demo"
teams = ["sales"]

[[reps]]
id = "bob"
name = "Bob Biller"
password = "bob-demo"
teams = ["billing"]
"#
    );
    Arc::new(Config::from_toml(&toml).unwrap())
}
