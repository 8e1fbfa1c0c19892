//! The public customer portal: the start page (`GET /`), help links (`/help?team=|rep=`),
//! support-button pages (`/button/TOKEN`) and their script and style sheet. The files live
//! in `assets/portal/` and are embedded in the binary: no build step, no CDN. A link that
//! leads nowhere gets a page saying so, never a bare error.

use super::AppState;
use crate::config::ButtonTarget;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_protocol::{RepId, Route, TeamId};

const INDEX_HTML: &str = include_str!("../../../assets/portal/index.html");
const NOTICE_HTML: &str = include_str!("../../../assets/portal/notice.html");
const PORTAL_JS: &str = include_str!("../../../assets/portal/portal.js");
const PORTAL_CSS: &str = include_str!("../../../assets/portal/portal.css");

/// Only this server's own script, style and WebSocket; nothing inline, nothing framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

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
    match (query.team, query.rep) {
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
        _ => incomplete(),
    }
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
