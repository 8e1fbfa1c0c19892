//! Keeps `docs/PROTOCOL.md` from drifting away from the wire types.
//!
//! Every fenced block in the document whose info string starts with `json` must carry a tag
//! naming the Rust type it shows (`json rep-request`, `json model-snapshot`, ...). Each such
//! block must parse as that type, survive a serialize/parse round trip unchanged, and show no
//! field the type would silently ignore. Together the examples must show every request, event,
//! server message and nested enum variant, and the error code table must list every code.
//! Each request's `Errors` line must name exactly the codes `errors_table` gives it.
//!
//! The variant lists are taken from the types themselves (serde's "unknown variant, expected
//! one of ..." message), so adding a variant without documenting it fails here.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use switchboard_protocol::codec::{decode_customer_frame, decode_rep_frame, encode_with_id};
use switchboard_protocol::errors_table::{
    CUSTOMER_HELLO_ERRORS, CUSTOMER_REQUEST_ERRORS, ErrorLists, JUMP_HELLO_ERRORS,
    REP_HELLO_ERRORS, REP_REQUEST_ERRORS,
};
use switchboard_protocol::*;

const DOC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/PROTOCOL.md");

/// `type` names of [`RepEvent`], in declaration order.
const REP_EVENT_TYPES: &[&str] = &[
    "entry_upserted",
    "entry_removed",
    "session_joined",
    "session_updated",
    "chat",
    "session_left",
    "offer_made",
    "offer_ended",
    "presence_changed",
    "team_chat",
    "assistance_requested",
    "assistance_cleared",
    "jump_client_updated",
    "dashboard_changed",
];

/// `type` names of [`RepServerMessage`], in declaration order.
const REP_SERVER_TYPES: &[&str] = &["welcome", "snapshot", "event", "ok", "error"];

/// `type` names of [`CustomerServerMessage`], in declaration order.
const CUSTOMER_SERVER_TYPES: &[&str] = &[
    "session_started",
    "queue_status",
    "chat",
    "rep_joined",
    "rep_left",
    "disconnected",
    "session_ended",
    "uninstall",
    "card",
    "install_button",
    "remove_button",
    "install_jump_client",
    "elevation_credentials",
    "remote_updated",
    "ok",
    "error",
];

/// `type` names of [`PortalMessage`] (frames only the portal page gets), in declaration order.
const PORTAL_TYPES: &[&str] = &["client_offered"];

/// `type` names of the first frames, in declaration order.
const REP_HELLO_TYPES: &[&str] = &["hello"];
const CUSTOMER_HELLO_TYPES: &[&str] = &["start", "resume", "join"];

/// `type` names of the `/ws/jump` messages, in declaration order.
const JUMP_HELLO_TYPES: &[&str] = &["hello"];
const JUMP_AGENT_TYPES: &[&str] = &["ping"];
const JUMP_SERVER_TYPES: &[&str] = &["welcome", "jump", "pong", "uninstall", "error"];

// ---------------------------------------------------------------------------------------------
// Reading the document
// ---------------------------------------------------------------------------------------------

/// A fenced block of the document.
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    info: String,
    body: String,
}

fn read_doc() -> String {
    std::fs::read_to_string(DOC_PATH).unwrap_or_else(|e| panic!("cannot read {DOC_PATH}: {e}"))
}

/// Every fenced block (``` or ~~~) of a CommonMark document, in order.
fn fenced_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Block)> = None;
    for (index, line) in doc.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                let fence_char = match trimmed.chars().next() {
                    Some(c @ ('`' | '~')) => c,
                    _ => continue,
                };
                let fence_len = trimmed.chars().take_while(|&c| c == fence_char).count();
                if fence_len < 3 {
                    continue;
                }
                let fence: String = std::iter::repeat_n(fence_char, fence_len).collect();
                let info = trimmed[fence_len..].trim().to_owned();
                open = Some((
                    fence,
                    Block {
                        line: index + 1,
                        info,
                        body: String::new(),
                    },
                ));
            }
            Some((fence, block)) => {
                let fence_char = fence.chars().next().unwrap_or('`');
                let closes = trimmed.starts_with(fence.as_str())
                    && trimmed.trim_start_matches(fence_char).trim().is_empty();
                if closes {
                    if let Some((_, block)) = open.take() {
                        blocks.push(block);
                    }
                } else {
                    block.body.push_str(line);
                    block.body.push('\n');
                }
            }
        }
    }
    if let Some((_, block)) = open {
        panic!(
            "PROTOCOL.md line {}: the fenced block is never closed",
            block.line
        );
    }
    blocks
}

/// The Rust type a `json <tag>` block must parse as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    RepHello,
    RepRequest,
    RepServer,
    RepEvent,
    CustomerHello,
    CustomerRequest,
    CustomerServer,
    CustomerPortal,
    LoginRequest,
    LoginResponse,
    HttpError,
    ModelQueueEntry,
    ModelSnapshot,
    ModelSessionView,
    ShellTranscript,
    JumpHello,
    JumpAgent,
    JumpServer,
}

const TAGS: &[(&str, Tag)] = &[
    ("rep-hello", Tag::RepHello),
    ("rep-request", Tag::RepRequest),
    ("rep-server", Tag::RepServer),
    ("rep-event", Tag::RepEvent),
    ("customer-hello", Tag::CustomerHello),
    ("customer-request", Tag::CustomerRequest),
    ("customer-server", Tag::CustomerServer),
    ("customer-portal", Tag::CustomerPortal),
    ("login-request", Tag::LoginRequest),
    ("login-response", Tag::LoginResponse),
    ("http-error", Tag::HttpError),
    ("model-queue-entry", Tag::ModelQueueEntry),
    ("model-snapshot", Tag::ModelSnapshot),
    ("model-session-view", Tag::ModelSessionView),
    ("shell-transcript", Tag::ShellTranscript),
    ("jump-hello", Tag::JumpHello),
    ("jump-agent", Tag::JumpAgent),
    ("jump-server", Tag::JumpServer),
];

/// A JSON example: where it is, what it must be, and its text.
struct Example {
    line: usize,
    tag: Tag,
    body: String,
}

/// The JSON examples of the document; fences that would let JSON escape the checks are errors.
fn examples(doc: &str) -> (Vec<Example>, Vec<String>) {
    let mut examples = Vec::new();
    let mut errors = Vec::new();
    for block in fenced_blocks(doc) {
        let mut words = block.info.split_whitespace();
        let language = words.next().unwrap_or("");
        if language.is_empty() {
            errors.push(format!(
                "line {}: a fenced block without a language; JSON examples need `json <tag>`, \
                 anything else a language such as `text` or `http`",
                block.line
            ));
            continue;
        }
        if !language.to_ascii_lowercase().starts_with("json") {
            continue;
        }
        let tag_word = words.next();
        let extra = words.next();
        match (language, tag_word, extra) {
            ("json", Some(word), None) => match TAGS.iter().find(|(name, _)| *name == word) {
                Some((_, tag)) => examples.push(Example {
                    line: block.line,
                    tag: *tag,
                    body: block.body,
                }),
                None => errors.push(format!(
                    "line {}: unknown tag `{word}` (known: {})",
                    block.line,
                    TAGS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                )),
            },
            _ => errors.push(format!(
                "line {}: info string `{}` must be exactly `json <tag>`",
                block.line, block.info
            )),
        }
    }
    (examples, errors)
}

// ---------------------------------------------------------------------------------------------
// Parsing the examples
// ---------------------------------------------------------------------------------------------

/// An example parsed as its type.
#[derive(Debug)]
enum Parsed {
    RepHello(RepHello),
    RepRequest(RepFrame),
    RepServer(RepServerMessage),
    RepEvent(RepEvent),
    CustomerHello(CustomerHello),
    CustomerRequest(CustomerFrame),
    CustomerServer(CustomerServerMessage),
    CustomerPortal(PortalMessage),
    /// A `LoginRequest` has no enums or versions to look at further.
    LoginRequest,
    LoginResponse(LoginResponse),
    HttpError(HttpError),
    QueueEntry(QueueEntry),
    Snapshot(Box<RepSnapshot>),
    SessionView(SessionView),
    ShellTranscript(ShellTranscript),
    JumpHello(JumpHello),
    JumpAgent(JumpAgentMessage),
    JumpServer(JumpServerMessage),
}

/// The parsed value and its re-serialized JSON.
struct Checked {
    parsed: Parsed,
    reserialized: Value,
}

/// Parses with serde, serializes again and parses that: both values must be equal.
fn round_trip<T>(body: &str) -> Result<(T, Value), String>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let value: T = serde_json::from_str(body).map_err(|e| format!("does not parse: {e}"))?;
    let text = serde_json::to_string(&value).map_err(|e| format!("does not serialize: {e}"))?;
    let again: T =
        serde_json::from_str(&text).map_err(|e| format!("re-serialized form fails: {e}"))?;
    if again != value {
        return Err(format!(
            "round trip changed the value:\n  {value:?}\n  {again:?}"
        ));
    }
    let json = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok((value, json))
}

/// Request frames go through the real codec, with the `id` envelope.
fn round_trip_rep_frame(body: &str) -> Result<(RepFrame, Value), String> {
    let frame = decode_rep_frame(body).map_err(|e| format!("decode_rep_frame: {e}"))?;
    let text = encode_with_id(frame.id, &frame.request);
    let again = decode_rep_frame(&text).map_err(|e| format!("re-encoded form fails: {e}"))?;
    if again != frame {
        return Err(format!(
            "round trip changed the frame:\n  {frame:?}\n  {again:?}"
        ));
    }
    let json = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok((frame, json))
}

fn round_trip_customer_frame(body: &str) -> Result<(CustomerFrame, Value), String> {
    let frame = decode_customer_frame(body).map_err(|e| format!("decode_customer_frame: {e}"))?;
    let text = encode_with_id(frame.id, &frame.request);
    let again = decode_customer_frame(&text).map_err(|e| format!("re-encoded form fails: {e}"))?;
    if again != frame {
        return Err(format!(
            "round trip changed the frame:\n  {frame:?}\n  {again:?}"
        ));
    }
    let json = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok((frame, json))
}

fn check(example: &Example) -> Result<Checked, String> {
    let body = example.body.as_str();
    let (parsed, reserialized) = match example.tag {
        Tag::RepHello => round_trip(body).map(|(v, j)| (Parsed::RepHello(v), j))?,
        Tag::RepRequest => round_trip_rep_frame(body).map(|(v, j)| (Parsed::RepRequest(v), j))?,
        Tag::RepServer => round_trip(body).map(|(v, j)| (Parsed::RepServer(v), j))?,
        Tag::RepEvent => round_trip(body).map(|(v, j)| (Parsed::RepEvent(v), j))?,
        Tag::CustomerHello => round_trip(body).map(|(v, j)| (Parsed::CustomerHello(v), j))?,
        Tag::CustomerRequest => {
            round_trip_customer_frame(body).map(|(v, j)| (Parsed::CustomerRequest(v), j))?
        }
        Tag::CustomerServer => round_trip(body).map(|(v, j)| (Parsed::CustomerServer(v), j))?,
        Tag::CustomerPortal => round_trip(body).map(|(v, j)| (Parsed::CustomerPortal(v), j))?,
        Tag::LoginRequest => {
            round_trip::<LoginRequest>(body).map(|(_, j)| (Parsed::LoginRequest, j))?
        }
        Tag::LoginResponse => round_trip(body).map(|(v, j)| (Parsed::LoginResponse(v), j))?,
        Tag::HttpError => round_trip(body).map(|(v, j)| (Parsed::HttpError(v), j))?,
        Tag::ModelQueueEntry => round_trip(body).map(|(v, j)| (Parsed::QueueEntry(v), j))?,
        Tag::ModelSnapshot => round_trip(body).map(|(v, j)| (Parsed::Snapshot(Box::new(v)), j))?,
        Tag::ModelSessionView => round_trip(body).map(|(v, j)| (Parsed::SessionView(v), j))?,
        Tag::ShellTranscript => round_trip(body).map(|(v, j)| (Parsed::ShellTranscript(v), j))?,
        Tag::JumpHello => round_trip(body).map(|(v, j)| (Parsed::JumpHello(v), j))?,
        Tag::JumpAgent => round_trip(body).map(|(v, j)| (Parsed::JumpAgent(v), j))?,
        Tag::JumpServer => round_trip(body).map(|(v, j)| (Parsed::JumpServer(v), j))?,
    };
    Ok(Checked {
        parsed,
        reserialized,
    })
}

/// Checks that everything the example shows survives re-serialization: a field the type does
/// not have (a typo, a removed field) would be dropped silently by serde and show up here.
/// Fields the example leaves out (defaults) may appear in `actual`.
fn shown_fields_kept(shown: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (shown, actual) {
        (Value::Object(shown), Value::Object(actual)) => {
            for (key, value) in shown {
                let here = format!("{path}.{key}");
                match actual.get(key) {
                    Some(kept) => shown_fields_kept(value, kept, &here)?,
                    None => {
                        return Err(format!(
                            "`{here}` is not a field of the type (serde ignored it)"
                        ));
                    }
                }
            }
            Ok(())
        }
        (Value::Array(shown), Value::Array(actual)) if shown.len() == actual.len() => shown
            .iter()
            .zip(actual)
            .enumerate()
            .try_for_each(|(i, (s, a))| shown_fields_kept(s, a, &format!("{path}[{i}]"))),
        _ if shown == actual => Ok(()),
        _ => Err(format!(
            "`{path}` is {shown} in the example but {actual} after parsing"
        )),
    }
}

/// Parses every example; panics with every failure at once.
fn parse_all() -> Vec<(usize, Checked, Value)> {
    let doc = read_doc();
    let (examples, mut errors) = examples(&doc);
    let mut parsed = Vec::new();
    for example in &examples {
        match check(example) {
            Ok(checked) => {
                let shown: Value = serde_json::from_str(&example.body).unwrap_or(Value::Null);
                parsed.push((example.line, checked, shown));
            }
            Err(e) => errors.push(format!("line {} ({:?}): {e}", example.line, example.tag)),
        }
    }
    assert!(
        errors.is_empty(),
        "docs/PROTOCOL.md has {} bad example(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(!parsed.is_empty(), "docs/PROTOCOL.md has no JSON examples");
    parsed
}

// ---------------------------------------------------------------------------------------------
// Which variants the examples show
// ---------------------------------------------------------------------------------------------

/// The wire name of an enum value: the string itself, or the value of its tag field.
fn wire_name<T: Serialize>(value: &T, tag: &str) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        Ok(Value::Object(map)) => match map.get(tag) {
            Some(Value::String(name)) => name.clone(),
            _ => panic!("no `{tag}` in {map:?}"),
        },
        other => panic!("not an enum value: {other:?}"),
    }
}

/// The variant names serde accepts for a type, read from its "unknown variant" error, so the
/// list always matches the code.
fn serde_variants<T: DeserializeOwned + Debug>(tag: Option<&str>) -> Vec<String> {
    const PROBE: &str = "no-such-variant-in-this-enum";
    let probe = match tag {
        Some(tag) => serde_json::json!({ tag: PROBE }),
        None => Value::String(PROBE.into()),
    };
    let message = match serde_json::from_value::<T>(probe) {
        Ok(value) => panic!("probe parsed as {value:?}"),
        Err(e) => e.to_string(),
    };
    let expected = message
        .split_once(", expected ")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("unexpected serde message: {message}"));
    let names: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "no variants in: {message}");
    names
}

/// Variant names seen in the examples, by enum.
#[derive(Default)]
struct Seen(BTreeMap<&'static str, BTreeSet<String>>);

impl Seen {
    fn add<T: Serialize>(&mut self, enum_name: &'static str, value: &T, tag: &str) {
        self.0
            .entry(enum_name)
            .or_default()
            .insert(wire_name(value, tag));
    }

    fn get(&self, enum_name: &str) -> BTreeSet<String> {
        self.0.get(enum_name).cloned().unwrap_or_default()
    }

    fn queue(&mut self, queue: &QueueRef) {
        self.add("QueueRef", queue, "kind");
    }

    fn hop(&mut self, hop: &QueueHop) {
        self.queue(&hop.queue);
        self.add("QueueReason", &hop.reason, "");
    }

    fn invitation(&mut self, invitation: &InvitationInfo) {
        self.add("InviteTarget", &invitation.target, "kind");
    }

    fn entry(&mut self, entry: &QueueEntry) {
        self.queue(&entry.queue);
        self.add("SessionKind", &entry.kind, "");
        self.add("EntryPath", &entry.entry_path, "");
        entry.history.iter().for_each(|h| self.hop(h));
        if let Some(invitation) = &entry.invitation {
            self.invitation(invitation);
        }
    }

    fn session(&mut self, session: &SessionInfo) {
        self.add("SessionKind", &session.kind, "");
        self.add("EntryPath", &session.entry_path, "");
        if let Some(queue) = &session.waiting_in {
            self.queue(queue);
        }
        session.history.iter().for_each(|h| self.hop(h));
        session.invitations.iter().for_each(|i| self.invitation(i));
        self.add("ScreenSource", &session.remote.source, "");
        session.remote.grants.iter().for_each(|g| self.grant(g));
        if let Some(policy) = &session.remote.jump {
            self.add("JumpPolicy", policy, "");
        }
    }

    fn grant(&mut self, grant: &GrantInfo) {
        self.add("Capability", &grant.capability, "");
        self.add("GrantState", &grant.state, "");
        if let Some(ended) = &grant.ended {
            self.add("GrantEnd", ended, "");
        }
    }

    fn chat(&mut self, message: &ChatMessage) {
        self.add("Author", &message.author, "kind");
        self.add("Visibility", &message.visibility, "");
    }

    fn view(&mut self, view: &SessionView) {
        self.session(&view.session);
        view.chat.iter().for_each(|m| self.chat(m));
    }

    fn rep(&mut self, rep: &RepInfo) {
        self.add("Presence", &rep.presence, "");
    }

    fn jump_client(&mut self, jump_client: &JumpClientInfo) {
        self.add("JumpClientState", &jump_client.state, "");
        self.queue(&jump_client.owner);
    }

    fn offer(&mut self, offer: &Offer) {
        self.entry(&offer.entry);
    }

    fn snapshot(&mut self, snapshot: &RepSnapshot) {
        self.rep(&snapshot.me);
        snapshot.reps.iter().for_each(|r| self.rep(r));
        for team in &snapshot.teams {
            self.add("QueueMode", &team.mode, "");
        }
        for queue in &snapshot.queues {
            self.queue(&queue.queue);
            self.add("QueueMode", &queue.mode, "");
            queue.entries.iter().for_each(|e| self.entry(e));
        }
        snapshot.sessions.iter().for_each(|v| self.view(v));
        if let Some(offer) = &snapshot.offer {
            self.offer(offer);
        }
    }

    // The matches below have no `_` arm on purpose: a new variant stops this test from
    // compiling until someone decides what its example must show.

    fn rep_request(&mut self, request: &RepRequest) {
        self.add("RepRequest", request, "type");
        match request {
            RepRequest::SetPresence { presence } => self.add("Presence", presence, ""),
            RepRequest::SendChat { visibility, .. } => self.add("Visibility", visibility, ""),
            RepRequest::Invite { target, .. } => self.add("InviteTarget", target, "kind"),
            RepRequest::Transfer { target, .. } => self.add("TransferTarget", target, "kind"),
            RepRequest::Close { mode, .. } => self.add("CloseMode", mode, ""),
            RepRequest::RequestRemote { capability, .. } => self.add("Capability", capability, ""),
            RepRequest::ElevateShell { elevation, .. } => {
                self.add("ElevationRequest", elevation, "method")
            }
            RepRequest::OpenMedia { channel, .. } => self.add("MediaChannel", channel, ""),
            RepRequest::Ping
            | RepRequest::GenerateSessionKey
            | RepRequest::Accept { .. }
            | RepRequest::RejectOffer { .. }
            | RepRequest::AcceptInvitation { .. }
            | RepRequest::DeclineInvitation { .. }
            | RepRequest::CancelInvitation { .. }
            | RepRequest::ListInvitees { .. }
            | RepRequest::RemoveRep { .. }
            | RepRequest::DisconnectCustomer { .. }
            | RepRequest::Leave { .. }
            | RepRequest::SetImportant { .. }
            | RepRequest::SetDisposition { .. }
            | RepRequest::TeamChat { .. }
            | RepRequest::SetAssistance { .. }
            | RepRequest::JoinSession { .. }
            | RepRequest::LoadHistory { .. }
            | RepRequest::LoadChat { .. }
            | RepRequest::StopRemote { .. }
            | RepRequest::DeployButton { .. }
            | RepRequest::ListButtons { .. }
            | RepRequest::RemoveButton { .. }
            | RepRequest::PinJumpClient { .. }
            | RepRequest::ListJumpClients
            | RepRequest::Jump { .. }
            | RepRequest::UnpinJumpClient { .. }
            | RepRequest::OfferClient { .. }
            | RepRequest::MonitorSession { .. }
            | RepRequest::StopMonitoring { .. }
            | RepRequest::Whisper { .. }
            | RepRequest::TakeNext => {}
            RepRequest::TakeOver { previous_owner, .. } => {
                self.add("PreviousOwner", previous_owner, "")
            }
            RepRequest::SpecialAction { action, .. } => self.add("SpecialAction", action, ""),
        }
    }

    fn ok_result(&mut self, result: &OkResult) {
        self.add("OkResult", result, "kind");
        match result {
            OkResult::Invitees { teams, .. } => {
                for invitee in teams.iter().flat_map(|t| &t.reps) {
                    self.add("Presence", &invitee.presence, "");
                }
            }
            OkResult::Chat { message } => self.chat(message),
            OkResult::History { chats, .. } => {
                chats
                    .iter()
                    .flat_map(|c| &c.chat)
                    .for_each(|m| self.chat(m));
            }
            OkResult::ChatPage { messages, .. } => messages.iter().for_each(|m| self.chat(m)),
            OkResult::SessionKey { .. }
            | OkResult::Invitation { .. }
            | OkResult::TeamChat { .. }
            | OkResult::Grant { .. }
            | OkResult::Media { .. }
            | OkResult::Button { .. }
            | OkResult::JumpClient { .. }
            | OkResult::JumpSession { .. }
            | OkResult::ClientOffer { .. }
            | OkResult::Taken { .. } => {}
            OkResult::JumpClients { jump_clients } => {
                jump_clients.iter().for_each(|j| self.jump_client(j));
            }
            OkResult::Buttons { buttons } => {
                for button in buttons {
                    self.add("ButtonState", &button.state, "");
                    self.queue(&button.target);
                }
            }
        }
    }

    fn rep_event(&mut self, event: &RepEvent) {
        self.add("RepEvent", event, "type");
        match event {
            RepEvent::EntryUpserted { entry } => self.entry(entry),
            RepEvent::EntryRemoved { queue, .. } => self.queue(queue),
            RepEvent::SessionJoined { view } => self.view(view),
            RepEvent::SessionUpdated { session } => self.session(session),
            RepEvent::Chat { message } => self.chat(message),
            RepEvent::SessionLeft { reason, .. } => self.add("LeftReason", reason, ""),
            RepEvent::OfferMade { offer } => self.offer(offer),
            RepEvent::OfferEnded { reason, .. } => self.add("OfferEndReason", reason, ""),
            RepEvent::PresenceChanged { rep } => self.rep(rep),
            RepEvent::AssistanceRequested { request } => self.session(&request.session),
            RepEvent::JumpClientUpdated { jump_client } => self.jump_client(jump_client),
            RepEvent::DashboardChanged { delta } => {
                delta
                    .reps
                    .iter()
                    .for_each(|r| self.add("Presence", &r.presence, ""));
            }
            RepEvent::TeamChat { .. } | RepEvent::AssistanceCleared { .. } => {}
        }
    }

    fn rep_server(&mut self, message: &RepServerMessage) {
        self.add("RepServerMessage", message, "type");
        match message {
            RepServerMessage::Snapshot { state, .. } => self.snapshot(state),
            RepServerMessage::Event { event, .. } => self.rep_event(event),
            RepServerMessage::Ok { result, .. } => {
                if let Some(result) = result {
                    self.ok_result(result);
                }
            }
            RepServerMessage::Error { code, .. } => self.add("ErrorCode", code, ""),
            RepServerMessage::Welcome { .. } => {}
        }
    }

    fn customer_hello(&mut self, hello: &CustomerHello) {
        self.add("CustomerHello", hello, "type");
        match hello {
            CustomerHello::Start { route, .. } => self.add("Route", route, "via"),
            CustomerHello::Resume { .. } | CustomerHello::Join { .. } => {}
        }
    }

    fn customer_server(&mut self, message: &CustomerServerMessage) {
        self.add("CustomerServerMessage", message, "type");
        match message {
            CustomerServerMessage::SessionStarted { chat, grants, .. } => {
                chat.iter().for_each(|m| self.chat(m));
                grants.iter().for_each(|g| self.grant(g));
            }
            CustomerServerMessage::RemoteUpdated { grants } => {
                grants.iter().for_each(|g| self.grant(g));
            }
            CustomerServerMessage::Chat { message } => self.chat(message),
            CustomerServerMessage::Ok { message, .. } => {
                if let Some(message) = message {
                    self.chat(message);
                }
            }
            CustomerServerMessage::Error { code, .. } => self.add("ErrorCode", code, ""),
            CustomerServerMessage::QueueStatus { .. }
            | CustomerServerMessage::RepJoined { .. }
            | CustomerServerMessage::RepLeft { .. }
            | CustomerServerMessage::Disconnected { .. }
            | CustomerServerMessage::SessionEnded { .. }
            | CustomerServerMessage::Uninstall
            | CustomerServerMessage::Card { .. }
            | CustomerServerMessage::InstallButton { .. }
            | CustomerServerMessage::RemoveButton { .. }
            | CustomerServerMessage::InstallJumpClient { .. }
            | CustomerServerMessage::ElevationCredentials { .. } => {}
        }
    }

    fn parsed(&mut self, parsed: &Parsed) {
        match parsed {
            Parsed::RepHello(hello) => self.add("RepHello", hello, "type"),
            Parsed::RepRequest(frame) => self.rep_request(&frame.request),
            Parsed::RepServer(message) => self.rep_server(message),
            Parsed::RepEvent(event) => self.rep_event(event),
            Parsed::CustomerHello(hello) => self.customer_hello(hello),
            Parsed::CustomerRequest(frame) => self.add("CustomerRequest", &frame.request, "type"),
            Parsed::CustomerServer(message) => self.customer_server(message),
            Parsed::CustomerPortal(message) => self.add("PortalMessage", message, "type"),
            Parsed::HttpError(error) => self.add("ErrorCode", &error.code, ""),
            Parsed::QueueEntry(entry) => self.entry(entry),
            Parsed::Snapshot(snapshot) => self.snapshot(snapshot),
            Parsed::SessionView(view) => self.view(view),
            Parsed::ShellTranscript(transcript) => {
                for entry in &transcript.entries {
                    self.add("TranscriptEntry", entry, "kind");
                }
            }
            Parsed::JumpHello(hello) => self.add("JumpHello", hello, "type"),
            Parsed::JumpAgent(message) => self.add("JumpAgentMessage", message, "type"),
            Parsed::JumpServer(message) => {
                self.add("JumpServerMessage", message, "type");
                match message {
                    JumpServerMessage::Jump { policy, .. } => self.add("JumpPolicy", policy, ""),
                    JumpServerMessage::Error { code, .. } => self.add("ErrorCode", code, ""),
                    JumpServerMessage::Welcome { .. }
                    | JumpServerMessage::Pong
                    | JumpServerMessage::Uninstall => {}
                }
            }
            Parsed::LoginRequest | Parsed::LoginResponse(_) => {}
        }
    }
}

fn seen_in_doc() -> Seen {
    let mut seen = Seen::default();
    for (_, checked, _) in parse_all() {
        seen.parsed(&checked.parsed);
    }
    seen
}

/// Fails unless every name in `expected` was seen for `enum_name`.
fn missing(seen: &Seen, enum_name: &str, expected: &[String]) -> Vec<String> {
    let shown = seen.get(enum_name);
    expected
        .iter()
        .filter(|name| !shown.contains(*name))
        .map(|name| format!("{enum_name}: no example shows `{name}`"))
        .collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// Proves every JSON example parses as the type its fence names, and no fence escapes the check.
#[test]
fn every_json_example_parses_as_its_type() {
    let parsed = parse_all();
    let tags: BTreeSet<String> = parsed
        .iter()
        .map(|(_, checked, _)| format!("{:?}", std::mem::discriminant(&checked.parsed)))
        .collect();
    assert_eq!(
        tags.len(),
        TAGS.len(),
        "every tag should have at least one example"
    );
}

/// Proves re-serializing and re-parsing each example gives an equal value, and that no field an
/// example shows is one the type silently ignores.
#[test]
fn examples_round_trip_without_ignored_fields() {
    let mut errors = Vec::new();
    for (line, checked, shown) in parse_all() {
        if let Err(e) = shown_fields_kept(&shown, &checked.reserialized, "") {
            errors.push(format!("line {line}: {e}"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Proves the request type lists are complete and every request type has an example.
#[test]
fn every_request_type_has_an_example() {
    assert_eq!(
        serde_variants::<RepRequest>(Some("type")),
        strings(RepRequest::TYPES),
        "RepRequest::TYPES must list every variant (else the codec calls it unknown_type)"
    );
    assert_eq!(
        serde_variants::<CustomerRequest>(Some("type")),
        strings(CustomerRequest::TYPES),
        "CustomerRequest::TYPES must list every variant"
    );
    let seen = seen_in_doc();
    let mut errors = missing(&seen, "RepRequest", &strings(RepRequest::TYPES));
    errors.extend(missing(
        &seen,
        "CustomerRequest",
        &strings(CustomerRequest::TYPES),
    ));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Proves every event, server message and hello variant has an example, and the hard-coded
/// name lists here still match the types (so a new variant is noticed).
#[test]
fn every_event_and_server_message_has_an_example() {
    let lists: [(&str, Vec<String>, &[&str]); 9] = [
        (
            "RepEvent",
            serde_variants::<RepEvent>(Some("type")),
            REP_EVENT_TYPES,
        ),
        (
            "RepServerMessage",
            serde_variants::<RepServerMessage>(Some("type")),
            REP_SERVER_TYPES,
        ),
        (
            "CustomerServerMessage",
            serde_variants::<CustomerServerMessage>(Some("type")),
            CUSTOMER_SERVER_TYPES,
        ),
        (
            "PortalMessage",
            serde_variants::<PortalMessage>(Some("type")),
            PORTAL_TYPES,
        ),
        (
            "RepHello",
            serde_variants::<RepHello>(Some("type")),
            REP_HELLO_TYPES,
        ),
        (
            "CustomerHello",
            serde_variants::<CustomerHello>(Some("type")),
            CUSTOMER_HELLO_TYPES,
        ),
        (
            "JumpHello",
            serde_variants::<JumpHello>(Some("type")),
            JUMP_HELLO_TYPES,
        ),
        (
            "JumpAgentMessage",
            serde_variants::<JumpAgentMessage>(Some("type")),
            JUMP_AGENT_TYPES,
        ),
        (
            "JumpServerMessage",
            serde_variants::<JumpServerMessage>(Some("type")),
            JUMP_SERVER_TYPES,
        ),
    ];
    let seen = seen_in_doc();
    let mut errors = Vec::new();
    for (name, from_type, hard_coded) in &lists {
        assert_eq!(
            from_type.len(),
            hard_coded.len(),
            "{name} has {} variants but this test lists {}: update the list and the doc",
            from_type.len(),
            hard_coded.len()
        );
        assert_eq!(from_type, &strings(hard_coded), "{name} variant names");
        errors.extend(missing(&seen, name, from_type));
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Proves every variant of the nested enums (results, routes, queues, targets, authors,
/// reasons, presence, ...) appears in at least one example.
#[test]
fn every_nested_variant_has_an_example() {
    let lists = [
        ("OkResult", serde_variants::<OkResult>(Some("kind"))),
        ("Route", serde_variants::<Route>(Some("via"))),
        ("QueueRef", serde_variants::<QueueRef>(Some("kind"))),
        ("InviteTarget", serde_variants::<InviteTarget>(Some("kind"))),
        (
            "TransferTarget",
            serde_variants::<TransferTarget>(Some("kind")),
        ),
        ("Author", serde_variants::<Author>(Some("kind"))),
        ("Visibility", serde_variants::<Visibility>(None)),
        ("Presence", serde_variants::<Presence>(None)),
        ("SessionKind", serde_variants::<SessionKind>(None)),
        ("QueueMode", serde_variants::<QueueMode>(None)),
        ("EntryPath", serde_variants::<EntryPath>(None)),
        ("QueueReason", serde_variants::<QueueReason>(None)),
        ("LeftReason", serde_variants::<LeftReason>(None)),
        ("OfferEndReason", serde_variants::<OfferEndReason>(None)),
        ("CloseMode", serde_variants::<CloseMode>(None)),
        ("Capability", serde_variants::<Capability>(None)),
        ("GrantState", serde_variants::<GrantState>(None)),
        ("GrantEnd", serde_variants::<GrantEnd>(None)),
        ("ScreenSource", serde_variants::<ScreenSource>(None)),
        ("MediaChannel", serde_variants::<MediaChannel>(None)),
        ("SpecialAction", serde_variants::<SpecialAction>(None)),
        ("ButtonState", serde_variants::<ButtonState>(None)),
        ("JumpPolicy", serde_variants::<JumpPolicy>(None)),
        ("JumpClientState", serde_variants::<JumpClientState>(None)),
        (
            "TranscriptEntry",
            serde_variants::<TranscriptEntry>(Some("kind")),
        ),
    ];
    let seen = seen_in_doc();
    let errors: Vec<String> = lists
        .iter()
        .flat_map(|(name, variants)| missing(&seen, name, variants))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Proves the error code table lists every `ErrorCode`, and `ErrorCode::as_str` agrees with serde.
#[test]
fn every_error_code_is_in_the_table() {
    let doc = read_doc();
    let mut errors = Vec::new();
    for name in serde_variants::<ErrorCode>(None) {
        let code: ErrorCode =
            serde_json::from_value(Value::String(name.clone())).expect("serde's own name");
        if code.as_str() != name {
            errors.push(format!(
                "ErrorCode::as_str gives `{}` for `{name}`",
                code.as_str()
            ));
        }
        let row = format!("| `{name}` |");
        if !doc.lines().any(|line| line.trim_start().starts_with(&row)) {
            errors.push(format!("no error table row starting with {row}"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Proves the examples speak the current protocol version and the doc states the real limits.
#[test]
fn examples_use_the_current_version_and_limits() {
    let doc = read_doc();
    for row in [
        format!("| `PROTOCOL_VERSION` | `{PROTOCOL_VERSION}` |"),
        format!("| `MAX_FRAME_BYTES` | `{MAX_FRAME_BYTES}` |"),
    ] {
        assert!(
            doc.contains(&row),
            "the constants table needs the row {row}"
        );
    }
    let mut errors = Vec::new();
    for (line, checked, _) in parse_all() {
        let version = match &checked.parsed {
            Parsed::RepHello(RepHello::Hello {
                protocol_version, ..
            })
            | Parsed::RepServer(RepServerMessage::Welcome {
                protocol_version, ..
            })
            | Parsed::CustomerHello(
                CustomerHello::Start {
                    protocol_version, ..
                }
                | CustomerHello::Resume {
                    protocol_version, ..
                }
                | CustomerHello::Join {
                    protocol_version, ..
                },
            )
            | Parsed::CustomerServer(CustomerServerMessage::SessionStarted {
                protocol_version,
                ..
            })
            | Parsed::LoginResponse(LoginResponse {
                protocol_version, ..
            })
            | Parsed::JumpHello(JumpHello::Hello {
                protocol_version, ..
            })
            | Parsed::JumpServer(JumpServerMessage::Welcome {
                protocol_version, ..
            }) => *protocol_version,
            _ => continue,
        };
        // One example deliberately shows a client with the wrong version.
        let wrong_version_example =
            version == PROTOCOL_VERSION + 1 && matches!(checked.parsed, Parsed::RepHello(_));
        if version != PROTOCOL_VERSION && !wrong_version_example {
            errors.push(format!(
                "line {line}: protocol_version {version}, the code says {PROTOCOL_VERSION}"
            ));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Proves each queue entry's `entry_id` is `session:<session_id>`, or `invitation:<id>` when
/// the entry is an invitation, as the doc promises.
#[test]
fn queue_entry_ids_match_their_entries() {
    fn entries_of(parsed: &Parsed) -> Vec<&QueueEntry> {
        match parsed {
            Parsed::QueueEntry(entry) => vec![entry],
            Parsed::RepEvent(RepEvent::EntryUpserted { entry })
            | Parsed::RepServer(RepServerMessage::Event {
                event: RepEvent::EntryUpserted { entry },
                ..
            }) => vec![entry],
            Parsed::RepEvent(RepEvent::OfferMade { offer })
            | Parsed::RepServer(RepServerMessage::Event {
                event: RepEvent::OfferMade { offer },
                ..
            }) => vec![&offer.entry],
            Parsed::Snapshot(snapshot) => snapshot_entries(snapshot),
            Parsed::RepServer(RepServerMessage::Snapshot { state, .. }) => snapshot_entries(state),
            _ => Vec::new(),
        }
    }
    fn snapshot_entries(snapshot: &RepSnapshot) -> Vec<&QueueEntry> {
        let mut entries: Vec<&QueueEntry> =
            snapshot.queues.iter().flat_map(|q| &q.entries).collect();
        entries.extend(snapshot.offer.as_ref().map(|o| &o.entry));
        entries
    }
    let mut errors = Vec::new();
    for (line, checked, _) in parse_all() {
        for entry in entries_of(&checked.parsed) {
            let expected = match &entry.invitation {
                Some(invitation) => format!("invitation:{}", invitation.invitation_id),
                None => format!("session:{}", entry.session_id),
            };
            if entry.entry_id != expected {
                errors.push(format!(
                    "line {line}: entry_id `{}` should be `{expected}`",
                    entry.entry_id
                ));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Error lists: each request's `Errors:` line against `errors_table`
// ---------------------------------------------------------------------------------------------

/// The lines of section `## {number}` of the document, without its heading.
fn doc_section<'a>(doc: &'a str, number: &str) -> Vec<&'a str> {
    let heading = format!("## {number} ");
    doc.lines()
        .skip_while(|line| !line.starts_with(&heading))
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .collect()
}

/// The first backticked word of `text`.
fn first_backticked(text: &str) -> Option<&str> {
    text.split('`').nth(1)
}

/// The codes an `Errors` paragraph names: the backticked words outside parentheses (words in
/// parentheses are reasons). "none" stands for no code.
fn codes_in(list: &str) -> Result<BTreeSet<String>, String> {
    let mut outside = String::new();
    let mut depth = 0usize;
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = outside.split('`').skip(1).step_by(2).collect();
    if words.is_empty() {
        return if list.trim_start().starts_with("none") {
            Ok(BTreeSet::new())
        } else {
            Err(format!("names no code and does not say `none`: {list}"))
        };
    }
    let mut codes = BTreeSet::new();
    for word in words {
        if serde_json::from_value::<ErrorCode>(Value::String(word.to_owned())).is_err() {
            return Err(format!(
                "`{word}` is not an error code (reasons go in parentheses)"
            ));
        }
        if !codes.insert(word.to_owned()) {
            return Err(format!("`{word}` is listed twice"));
        }
    }
    Ok(codes)
}

/// The `Errors` paragraphs of a section, by the request they belong to: `Errors: ...` under a
/// ``### `name` `` heading, or `Errors of `name`: ...` anywhere.
fn errors_lines(lines: &[&str]) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    let mut heading: Option<&str> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        index += 1;
        if let Some(title) = line.strip_prefix("### ") {
            heading = title
                .strip_prefix('`')
                .and_then(|rest| rest.strip_suffix('`'));
            continue;
        }
        let (name, list) = if let Some(list) = line.strip_prefix("Errors: ") {
            (heading, list)
        } else if let Some(rest) = line.strip_prefix("Errors of ") {
            match rest.split_once(": ") {
                Some((name, list)) => (first_backticked(name), list),
                None => (None, rest),
            }
        } else {
            continue;
        };
        let Some(name) = name else {
            problems.push(format!(
                "`{line}`: not under a request heading nor naming one"
            ));
            continue;
        };
        let mut paragraph = list.to_owned();
        while index < lines.len() && !lines[index].trim().is_empty() {
            paragraph.push(' ');
            paragraph.push_str(lines[index].trim());
            index += 1;
        }
        match codes_in(&paragraph) {
            Ok(codes) => {
                if found.insert(name.to_owned(), codes).is_some() {
                    problems.push(format!("`{name}` has two `Errors` lines"));
                }
            }
            Err(e) => problems.push(format!("`{name}`: {e}")),
        }
    }
    (found, problems)
}

/// Differences between the document's lists and the table's, in words.
fn compare_lists(
    part: &str,
    documented: &BTreeMap<String, BTreeSet<String>>,
    table: &ErrorLists,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, codes) in table {
        let expected: BTreeSet<String> = codes.iter().map(|c| c.as_str().to_owned()).collect();
        let Some(shown) = documented.get(*name) else {
            problems.push(format!("{part}: `{name}` has no `Errors` line"));
            continue;
        };
        for code in expected.difference(shown) {
            problems.push(format!(
                "{part}: `{name}` may get `{code}` (errors_table) but its `Errors` line omits it"
            ));
        }
        for code in shown.difference(&expected) {
            problems.push(format!(
                "{part}: `{name}`'s `Errors` line lists `{code}`, which errors_table does not"
            ));
        }
    }
    for name in documented.keys() {
        if !table.iter().any(|(known, _)| known == name) {
            problems.push(format!(
                "{part}: `{name}` has an `Errors` line but is no request here"
            ));
        }
    }
    problems
}

/// Proves every rep request (§5), the rep `hello` (§4), and every customer hello and request
/// (§9) has one `Errors` line naming exactly the codes `errors_table` gives it, so a code
/// cannot be added to either without the other.
#[test]
fn every_request_lists_exactly_its_error_codes() {
    let doc = read_doc();
    let customer_table: Vec<(&str, &[ErrorCode])> = CUSTOMER_HELLO_ERRORS
        .iter()
        .chain(CUSTOMER_REQUEST_ERRORS)
        .copied()
        .collect();
    let parts: [(&str, &ErrorLists); 4] = [
        ("4.", REP_HELLO_ERRORS),
        ("5.", REP_REQUEST_ERRORS),
        ("9.", &customer_table),
        ("12.", JUMP_HELLO_ERRORS),
    ];
    let mut problems = Vec::new();
    for (number, table) in parts {
        let lines = doc_section(&doc, number);
        assert!(!lines.is_empty(), "PROTOCOL.md has no section {number}");
        let part = format!("§{}", number.trim_end_matches('.'));
        let (documented, found_problems) = errors_lines(&lines);
        problems.extend(found_problems.into_iter().map(|p| format!("{part}: {p}")));
        problems.extend(compare_lists(&part, &documented, table));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Proves the error code table (§10) names no request as a source of a code that
/// `errors_table` does not give that request.
#[test]
fn error_code_sources_agree_with_the_lists() {
    let tables = [
        REP_REQUEST_ERRORS,
        REP_HELLO_ERRORS,
        JUMP_HELLO_ERRORS,
        CUSTOMER_HELLO_ERRORS,
        CUSTOMER_REQUEST_ERRORS,
    ];
    let doc = read_doc();
    let mut problems = Vec::new();
    for line in doc_section(&doc, "10.") {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| code | meaning | sources |` splits into 5 cells, the outer two empty.
        let [_, code, _, sources, _] = cells[..] else {
            continue;
        };
        let Some(code) = first_backticked(code) else {
            continue;
        };
        for word in sources.split('`').skip(1).step_by(2) {
            let rows: Vec<&[ErrorCode]> = tables
                .iter()
                .flat_map(|t| t.iter())
                .filter(|(name, _)| *name == word)
                .map(|(_, codes)| *codes)
                .collect();
            if !rows.is_empty()
                && !rows
                    .iter()
                    .any(|codes| codes.iter().any(|c| c.as_str() == code))
            {
                problems.push(format!(
                    "§10: `{code}` names `{word}` as a source, but errors_table does not give it `{code}`"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
