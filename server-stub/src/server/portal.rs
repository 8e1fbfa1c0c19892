//! The public customer portal: the start page (`GET /`), help links (`/help?team=|rep=`),
//! support-button pages (`/button/TOKEN`) and their script and style sheet. The files live
//! in `assets/portal/` and are embedded in the binary: no build step, no CDN. A link that
//! leads nowhere gets a page saying so, never a bare error. A help-link page may be framed
//! by the sites in `[limits] allowed_origins` (docs/EMBEDDING.md); no other page may.

use super::AppState;
use crate::config::ButtonTarget;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_protocol::{RepId, Route, TeamId};

const INDEX_HTML: &str = include_str!("../../../assets/portal/index.html");
const NOTICE_HTML: &str = include_str!("../../../assets/portal/notice.html");
const PORTAL_JS: &str = include_str!("../../../assets/portal/portal.js");
const PORTAL_CSS: &str = include_str!("../../../assets/portal/portal.css");
const MEDIA_JS: &str = include_str!("../../../assets/portal/media.js");
const SHARE_JS: &str = include_str!("../../../assets/portal/share.js");
const REMOTE_JS: &str = include_str!("../../../assets/portal/remote.js");
const OFFER_JS: &str = include_str!("../../../assets/portal/offer.js");
const MASK_CSS: &str = include_str!("../../../assets/portal/mask.css");
const EMBED_JS: &str = include_str!("../../../assets/portal/embed.js");

/// Only this server's own script, style and WebSocket; nothing inline, nothing framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

/// The policy for a help-link page: as every page's, except that the server's own pages and
/// the configured origins may frame it. An origin that is not plain `scheme://host[:port]`
/// is left out rather than let into the header.
fn help_link_policy(allowed_origins: &[String]) -> Option<HeaderValue> {
    let plain = |origin: &&str| {
        origin.split_once("://").is_some_and(|(scheme, host)| {
            (scheme == "http" || scheme == "https")
                && !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
    };
    let framers: Vec<&str> = allowed_origins
        .iter()
        .map(|o| o.trim_end_matches('/'))
        .filter(plain)
        .collect();
    let ancestors = std::iter::once("'self'")
        .chain(framers)
        .collect::<Vec<_>>()
        .join(" ");
    let policy = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'",
        &format!("frame-ancestors {ancestors}"),
    );
    HeaderValue::from_str(&policy).ok()
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills `{{NAME}}` fields; every value is escaped here, so no caller can forget to.
fn fill(template: &str, fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .fold(template.to_owned(), |page, (name, value)| {
            page.replace(&format!("{{{{{name}}}}}"), &escape_html(value))
        })
}

fn html(status: StatusCode, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    (status, headers, body).into_response()
}

/// The start page, for any way in. `route` set means the link already decided the queue.
fn start_page(heading: &str, intro: &str, route: Option<&Route>) -> Response {
    let route = route
        .and_then(|r| serde_json::to_string(r).ok())
        .unwrap_or_default();
    let body = fill(
        INDEX_HTML,
        &[
            ("TITLE", &format!("{heading} · Switchboard Support")),
            ("HEADING", heading),
            ("INTRO", intro),
            ("ROUTE", &route),
        ],
    );
    html(StatusCode::OK, body)
}

/// A page for a link that does not lead anywhere: says what is wrong and where to go.
pub fn notice_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let body = fill(
        NOTICE_HTML,
        &[
            ("TITLE", &format!("{heading} · Switchboard Support")),
            ("HEADING", heading),
            ("MESSAGE", message),
        ],
    );
    html(status, body)
}

/// `GET /`: choose a representative, an issue or enter a session key.
pub async fn index() -> Response {
    start_page(
        "Chat with support",
        "Tell us who you are, then choose how to reach us. A representative will chat with you here.",
        None,
    )
}

#[derive(Debug, Deserialize)]
pub struct HelpLinkQuery {
    team: Option<String>,
    rep: Option<String>,
}

/// `GET /help?team=NAME` or `?rep=NAME`: a browser-sharing session for that queue.
pub async fn help_link(
    State(state): State<AppState>,
    query: Result<Query<HelpLinkQuery>, QueryRejection>,
) -> Response {
    let incomplete = || {
        notice_page(
            StatusCode::BAD_REQUEST,
            "This help link is not complete",
            "A help link names either a team (?team=NAME) or a representative (?rep=NAME). Please check the link you followed.",
        )
    };
    let Ok(Query(query)) = query else {
        return incomplete();
    };
    let intro = "A representative will chat with you here about the page you came from.";
    let mut page = match (query.team, query.rep) {
        (Some(team), None) => {
            let team = TeamId::new(team.trim());
            match state.config.teams.get(&team) {
                Some(config) => start_page(
                    &format!("Get help from {}", config.name),
                    intro,
                    Some(&Route::HelpLink {
                        rep: None,
                        team: Some(team),
                    }),
                ),
                None => unknown_team(&team),
            }
        }
        (None, Some(rep)) => {
            let rep = RepId::new(rep.trim());
            match state.config.reps.get(&rep) {
                Some(config) => start_page(
                    &format!("Get help from {}", config.name),
                    intro,
                    Some(&Route::HelpLink {
                        rep: Some(rep),
                        team: None,
                    }),
                ),
                None => unknown_rep(&rep),
            }
        }
        _ => return incomplete(),
    };
    if page.status() == StatusCode::OK {
        match help_link_policy(&state.config.limits.allowed_origins) {
            Some(policy) => {
                page.headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            None => tracing::warn!(
                "allowed_origins make no valid frame-ancestors; help link unframeable"
            ),
        }
    }
    page
}

fn unknown_team(team: &TeamId) -> Response {
    notice_page(
        StatusCode::NOT_FOUND,
        "This help link leads nowhere",
        &format!(
            "There is no support team called \u{201c}{team}\u{201d}. The link may be out of date."
        ),
    )
}

fn unknown_rep(rep: &RepId) -> Response {
    notice_page(
        StatusCode::NOT_FOUND,
        "This help link leads nowhere",
        &format!(
            "There is no representative called \u{201c}{rep}\u{201d}. The link may be out of date."
        ),
    )
}

/// `GET /button/TOKEN`: a support button tied to a representative or a team.
pub async fn button(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
) -> Response {
    let token = token.map(|Path(t)| t).unwrap_or_default();
    let unknown = || {
        notice_page(
            StatusCode::NOT_FOUND,
            "This support button is not known",
            "The button you clicked is not (or no longer) set up. You can still reach us from the support page.",
        )
    };
    let route = Route::Button {
        token: token.clone(),
    };
    let intro = "Tell us who you are and a representative will chat with you here.";
    match state.config.buttons.get(&token) {
        Some(ButtonTarget::Rep(rep)) => match state.config.reps.get(rep) {
            Some(config) => start_page(&format!("Chat with {}", config.name), intro, Some(&route)),
            None => unknown(),
        },
        Some(ButtonTarget::Team(team)) => match state.config.teams.get(team) {
            Some(config) => start_page(&format!("Chat with {}", config.name), intro, Some(&route)),
            None => unknown(),
        },
        None => unknown(),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        // Embedded in the binary: revalidate, so an upgraded server is picked up at once.
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, body).into_response()
}

/// `GET /assets/portal.js`.
pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", PORTAL_JS)
}

/// `GET /assets/portal.css`.
pub async fn style() -> Response {
    asset("text/css; charset=utf-8", PORTAL_CSS)
}

/// The page's other files, by name under `/assets/`: the remote support scripts, the mask
/// style sheet, and `embed.js` for sites that frame the help link.
const NAMED_ASSETS: [(&str, &str, &str); 6] = [
    ("media.js", "text/javascript; charset=utf-8", MEDIA_JS),
    ("share.js", "text/javascript; charset=utf-8", SHARE_JS),
    ("remote.js", "text/javascript; charset=utf-8", REMOTE_JS),
    ("offer.js", "text/javascript; charset=utf-8", OFFER_JS),
    ("mask.css", "text/css; charset=utf-8", MASK_CSS),
    ("embed.js", "text/javascript; charset=utf-8", EMBED_JS),
];

/// `GET /assets/{name}`: one of [`NAMED_ASSETS`]; any other name is not found.
pub async fn named_asset(name: Result<Path<String>, PathRejection>) -> Response {
    let name = name.map(|Path(n)| n).unwrap_or_default();
    match NAMED_ASSETS.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => asset(content_type, body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_both_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn help_links_may_be_framed_only_by_allowed_plain_origins() {
        let policy = |origins: &[&str]| {
            let origins: Vec<String> = origins.iter().map(|o| o.to_string()).collect();
            help_link_policy(&origins)
                .expect("a header value")
                .to_str()
                .expect("ASCII")
                .to_owned()
        };
        assert!(policy(&[]).ends_with("; frame-ancestors 'self'"));
        let allowed = policy(&["https://shop.example.com/", "http://[::1]:8080"]);
        assert!(
            allowed
                .ends_with("; frame-ancestors 'self' https://shop.example.com http://[::1]:8080"),
            "{allowed}"
        );
        let hostile = policy(&["https://a.example; script-src *", "https://b.example"]);
        assert!(
            hostile.ends_with("; frame-ancestors 'self' https://b.example"),
            "{hostile}"
        );
        assert!(!hostile.contains("script-src *"), "{hostile}");
    }

    #[test]
    fn every_template_field_is_filled_and_escaped() {
        let page = fill(
            INDEX_HTML,
            &[
                ("TITLE", "t"),
                ("HEADING", "<script>"),
                ("INTRO", "i"),
                ("ROUTE", r#"{"via":"general"}"#),
            ],
        );
        assert!(!page.contains("{{"), "a field was left unfilled");
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains(r#"data-route="{&quot;via&quot;:&quot;general&quot;}""#));
    }
}
