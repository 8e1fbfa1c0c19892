//! The HTTP API: login and logout, health, the lists the public site needs, and the
//! WebSocket upgrades. Bodies are read as bytes and validated here, so every refusal is
//! the same JSON shape.

use super::AppState;
use super::core::{CoreMsg, now_ms};
use super::login_guard::Wait;
use super::socket::{json_socket_config, media_socket_config};
use super::ws_upgrade::WebSocketUpgrade;
use crate::auth::hash_secret;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use switchboard_protocol::codec::decode_body;
use switchboard_protocol::{
    ErrorCode, HttpError, LoginRequest, LoginResponse, PROTOCOL_VERSION, RepId,
};
use tokio::sync::oneshot;

/// The HTTP status that goes with a refusal's code.
pub fn error_status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden | ErrorCode::NotOwner | ErrorCode::NotInSession => {
            StatusCode::FORBIDDEN
        }
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::SessionEnded => StatusCode::GONE,
        ErrorCode::FrameTooLarge | ErrorCode::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::FileTypeRefused => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

pub fn http_error(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
    retry_after_secs: Option<u64>,
) -> Response {
    let body = HttpError {
        code,
        message: message.into(),
        retry_after_secs,
    };
    let mut response = (status, Json(body)).into_response();
    if let Some(secs) = retry_after_secs
        && let Ok(value) = secs.to_string().parse()
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return http_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadRequest,
            "Send the login as `Content-Type: application/json`.",
            None,
        );
    }
    let request: LoginRequest = match decode_body(&body) {
        Ok(request) => request,
        Err(e) => {
            return http_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                format!("The body must be a JSON object {{\"username\", \"password\"}}: {e}"),
                None,
            );
        }
    };
    if request.username.len() > 200 || request.password.len() > 1024 {
        return http_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "Username or password is too long.",
            None,
        );
    }
    let now = now_ms();
    let username = request.username.trim().to_owned();
    // Counted before the password is checked: a burst cannot outrun its own failures.
    if let Err(Wait(wait)) = state.logins.guard().begin(&username, peer.ip(), now) {
        return http_error(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("Too many failed logins. Try again in {wait} seconds."),
            Some(wait),
        );
    }
    // At most `password_checks` hashes at once, a short line behind them, and the rest
    // refused at once: argon2 is slow and large by design.
    let Some(_permit) = state.logins.password_check().await else {
        return http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::RateLimited,
            "The server is busy checking other logins. Try again in a moment.",
            Some(1),
        );
    };
    let rep_id = RepId::new(username.clone());
    let rep = state.config.reps.get(&rep_id);
    // Unknown users are checked against a real hash too, so timing does not reveal who exists.
    let hash = rep
        .map(|r| r.password_hash.clone())
        .or_else(|| {
            state
                .config
                .reps
                .values()
                .next()
                .map(|r| r.password_hash.clone())
        })
        .unwrap_or_default();
    let password = request.password;
    let verified = tokio::task::spawn_blocking(move || {
        use argon2::PasswordVerifier;
        argon2::PasswordHash::new(&hash)
            .map(|parsed| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    let Some(rep) = rep.filter(|_| verified) else {
        // `?`: the name is the client's, and may hold a newline or an escape sequence.
        tracing::info!(user = ?username, peer = %peer.ip(), "failed login");
        return http_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "Wrong username or password.",
            None,
        );
    };
    state.logins.guard().succeeded(&username, peer.ip(), now);
    let token = crate::auth::new_token();
    let expires_at = now + state.config.settings.token_ttl_secs * 1000;
    if let Err(error) = state
        .store
        .put_token(hash_secret(&token), rep.id.to_string(), expires_at, now)
        .await
    {
        tracing::error!(%error, "could not store a login token");
        return http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "The server could not complete the login.",
            None,
        );
    }
    tracing::info!(rep = %rep.id, "logged in");
    Json(LoginResponse {
        token,
        rep: rep.id.clone(),
        display_name: rep.name.clone(),
        expires_at,
        protocol_version: PROTOCOL_VERSION,
    })
    .into_response()
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(token) = token else {
        return http_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "Send the token as `Authorization: Bearer TOKEN`.",
            None,
        );
    };
    let hash = hash_secret(token.trim());
    match state.store.delete_token(hash.clone(), now_ms()).await {
        Ok(true) => {
            // The token's open console goes too, not just future logins.
            state
                .core
                .send(CoreMsg::RevokeToken { token_hash: hash })
                .await;
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(false) => http_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "This token is unknown or expired.",
            None,
        ),
        Err(error) => {
            tracing::error!(%error, "could not delete a token");
            http_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "The server could not log you out.",
                None,
            )
        }
    }
}

/// `GET /api/reps/available`: reps a customer can pick now.
pub async fn available_reps(State(state): State<AppState>) -> Response {
    let (tx, rx) = oneshot::channel();
    if !state.core.send(CoreMsg::AvailableReps(tx)).await {
        return http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            "The server is shutting down.",
            None,
        );
    }
    let reps = rx.await.unwrap_or_default();
    let list: Vec<serde_json::Value> = reps
        .into_iter()
        .map(|(rep, name)| serde_json::json!({ "rep": rep, "display_name": name }))
        .collect();
    Json(list).into_response()
}

/// `GET /api/issues`: the issue submission form's choices.
pub async fn issues(State(state): State<AppState>) -> Response {
    let list: Vec<serde_json::Value> = state
        .config
        .issues
        .values()
        .map(|i| serde_json::json!({ "issue": i.id, "display_name": i.name, "team": i.team }))
        .collect();
    Json(list).into_response()
}

/// Whether a WebSocket request's `Origin` may open a socket: none (a native client: the
/// console, the terminal customer), the server's own (its portal page), or one the
/// configuration allows. Any other site's page is refused, so a page elsewhere cannot
/// drive a customer's or rep's socket from their browser.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    let own = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| {
            origin.split_once("://").is_some_and(|(scheme, rest)| {
                (scheme == "http" || scheme == "https") && rest == host
            })
        });
    own || allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

fn origin_refused() -> Response {
    http_error(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "WebSockets from this page's origin are not allowed here.",
        None,
    )
}

pub async fn rep_socket(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &state.config.limits.allowed_origins) {
        return origin_refused();
    }
    upgrade
        .config(json_socket_config())
        .on_upgrade(move |socket| super::rep_ws::serve(socket, state))
}

pub async fn customer_socket(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &state.config.limits.allowed_origins) {
        return origin_refused();
    }
    let platform = platform_of(&headers, query.as_deref());
    upgrade
        .config(json_socket_config())
        .on_upgrade(move |socket| super::customer_ws::serve(socket, state, peer.ip(), platform))
}

/// `GET /ws/jump`: a Jump Client agent (a program, not a page: no origin to check; its
/// token is checked in the hello).
pub async fn jump_socket(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    upgrade
        .config(json_socket_config())
        .on_upgrade(move |socket| super::jump_ws::serve(socket, state))
}

/// What a customer's socket comes from: `ios` when the portal says so (`?platform=ios`: it
/// also knows an iPad that presents itself as a Mac) or the `User-Agent` names an iPhone,
/// iPad or iPod. Only decides whether the rep is offered iOS's broadcast steps.
pub fn platform_of(headers: &HeaderMap, query: Option<&str>) -> switchboard_protocol::Platform {
    let said_ios = query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair == "platform=ios");
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let ios_agent = ["iPhone", "iPad", "iPod"]
        .iter()
        .any(|device| agent.contains(device));
    if said_ios || ios_agent {
        switchboard_protocol::Platform::Ios
    } else {
        switchboard_protocol::Platform::Other
    }
}

/// `GET /ws/media` (PROTOCOL.md §11): a publisher's or viewer's binary media socket. Its
/// messages may be as large as a media frame (`MAX_FRAME_BYTES`), nothing larger (`1009`);
/// the read buffer is larger than the JSON sockets' so a 150 KB picture is not read in
/// 1 KiB pieces.
pub async fn media_socket(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &state.config.limits.allowed_origins) {
        return origin_refused();
    }
    // Taken before the upgrade, so a flood of sockets that never authenticate is refused
    // before any of them can declare a large frame.
    let Some(slot) = state.media.unauthenticated_slot() else {
        return http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::RateLimited,
            "Too many media connections are waiting to authenticate. Try again in a moment.",
            Some(1),
        );
    };
    upgrade
        .config(media_socket_config())
        .on_upgrade(move |socket| {
            let idle = std::time::Duration::from_secs(state.config.limits.idle_timeout_secs);
            super::media::serve(socket, state.media, idle, slot)
        })
}

/// Every HTTP error leaves as an `HttpError` JSON body (PROTOCOL.md §3), including the
/// refusals axum words itself in plain text: a body over the limit, a wrong method, a
/// malformed path or query, a WebSocket request without the upgrade. The portal's HTML
/// pages for browsers are the one exception, and they are `text/html`.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_upload = request.uri().path().starts_with("/api/sessions/");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let media = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if media.starts_with("application/json") || media.starts_with("text/html") {
        return response;
    }
    let (parts, body) = response.into_parts();
    // The framework's own words (small), kept as the message's detail.
    let detail = axum::body::to_bytes(body, 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE if is_upload => (
            ErrorCode::FileTooLarge,
            "The file is too large to be shared here.".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::FrameTooLarge,
            format!(
                "The request body is over the {} byte limit.",
                switchboard_protocol::MAX_FRAME_BYTES
            ),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::BadRequest,
            "This address does not take that method.".to_owned(),
        ),
        StatusCode::UNAUTHORIZED => (ErrorCode::Unauthorized, detail),
        StatusCode::NOT_FOUND => (
            ErrorCode::NotFound,
            "There is nothing at this address.".to_owned(),
        ),
        StatusCode::TOO_MANY_REQUESTS => (ErrorCode::RateLimited, detail),
        s if s.is_server_error() => (
            ErrorCode::Internal,
            "The server could not answer.".to_owned(),
        ),
        _ if detail.is_empty() => (
            ErrorCode::BadRequest,
            "The request is not valid here.".to_owned(),
        ),
        _ => (ErrorCode::BadRequest, detail),
    };
    let mut answer = http_error(status, code, message, None);
    // Keep what the framework said besides the body (`Allow` for a wrong method, say).
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

/// Every request must be read and answered within a deadline: `body_timeout_secs` (a login
/// body trickled a byte a second is cut off), `upload_timeout_secs` for a file upload. A
/// WebSocket upgrade answers at once, so the deadline does not reach the socket after it.
pub async fn request_deadline(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limits = &state.config.limits;
    let secs = if request.uri().path().starts_with("/api/sessions/") {
        limits.upload_timeout_secs
    } else {
        limits.body_timeout_secs
    };
    match tokio::time::timeout(std::time::Duration::from_secs(secs), next.run(request)).await {
        Ok(response) => response,
        Err(_) => http_error(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::BadRequest,
            format!("The request took longer than {secs} seconds to arrive."),
            None,
        ),
    }
}

/// Anything else: a page for a browser, a JSON 404 for a program; never an empty body.
pub async fn not_found(headers: HeaderMap) -> Response {
    let wants_page = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        return super::portal::notice_page(
            StatusCode::NOT_FOUND,
            "This page does not exist",
            "There is nothing at this address. The support page can take you to a representative.",
        );
    }
    http_error(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "There is nothing at this address.",
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        headers
    }

    #[test]
    fn origins() {
        let allowed = vec!["https://support.example.com".to_owned()];
        assert!(origin_allowed(&headers(None, "a:1"), &[]), "native client");
        assert!(
            origin_allowed(&headers(Some("http://a:1"), "a:1"), &[]),
            "own page"
        );
        assert!(!origin_allowed(
            &headers(Some("https://evil.example"), "a:1"),
            &[]
        ));
        assert!(origin_allowed(
            &headers(Some("https://support.example.com"), "a:1"),
            &allowed
        ));
        assert!(!origin_allowed(&headers(Some("null"), "a:1"), &allowed));
    }
}
