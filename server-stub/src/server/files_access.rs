//! Who is asking for a file, and whether they may: from the `Authorization` header, the
//! core (live sessions) and the store (ended ones). Every answer here comes from headers
//! and state alone, so an upload is judged before any of its body is read.

use super::AppState;
use super::core::{CoreMsg, now_ms};
use super::http::http_error;
use crate::auth::hash_secret;
use crate::router::{FileSender, may_read_files};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use switchboard_protocol::{ErrorBody, ErrorCode, RepId, SessionId};
use tokio::sync::oneshot;

/// Who is asking, from the `Authorization` header.
pub enum Caller {
    Rep(RepId),
    /// A customer's token, not yet checked against any session.
    Customer(String),
}

impl Caller {
    pub fn into_sender(self) -> FileSender {
        match self {
            Caller::Rep(rep) => FileSender::Rep(rep),
            Caller::Customer(token) => FileSender::Customer { token },
        }
    }
}

pub fn unauthorized() -> Response {
    http_error(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "Send `Authorization: Bearer TOKEN` (a rep) or `Authorization: Customer TOKEN`.",
        None,
    )
}

/// The caller named by the headers: a rep's token is checked here; a customer's is
/// checked against the session it is used for.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(token) = value.strip_prefix("Bearer ") {
        return match state
            .store
            .token_rep(hash_secret(token.trim()), now_ms())
            .await
        {
            Ok(Some(rep)) => Ok(Caller::Rep(RepId::new(rep))),
            Ok(None) => Err(unauthorized()),
            Err(error) => {
                tracing::error!(%error, "could not check a token");
                Err(http_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "The server could not check your login.",
                    None,
                ))
            }
        };
    }
    if let Some(token) = value.strip_prefix("Customer ") {
        let token = token.trim();
        if !token.is_empty() {
            return Ok(Caller::Customer(token.to_owned()));
        }
    }
    Err(unauthorized())
}

fn shutting_down() -> ErrorBody {
    ErrorBody::new(ErrorCode::Internal, "The server is shutting down.")
}

/// Whether `sender` may share a file in `session_id` now (the router's rule).
pub async fn may_share(
    state: &AppState,
    sender: FileSender,
    session_id: SessionId,
) -> Result<(), ErrorBody> {
    let (answer, reply) = oneshot::channel();
    let asked = state
        .core
        .send(CoreMsg::MayShareFile {
            sender,
            session_id,
            answer,
        })
        .await;
    if !asked {
        return Err(shutting_down());
    }
    reply.await.unwrap_or_else(|_| Err(shutting_down()))
}

/// Whether `caller` may download the files of `session_id`: a customer their own
/// session's; a rep those of sessions they are or were in, and a team lead their teams'.
/// Live sessions are asked of the core, ended ones read from the store.
pub async fn may_read(state: &AppState, caller: &Caller, session_id: SessionId) -> bool {
    let live = match caller {
        Caller::Customer(token) => {
            let (answer, reply) = oneshot::channel();
            let msg = CoreMsg::CustomerTokenMatches {
                session_id,
                token: token.clone(),
                answer,
            };
            (state.core.send(msg).await, reply.await)
        }
        Caller::Rep(rep) => {
            let (answer, reply) = oneshot::channel();
            let msg = CoreMsg::RepMayReadFiles {
                rep: rep.clone(),
                session_id,
                answer,
            };
            (state.core.send(msg).await, reply.await)
        }
    };
    match live {
        (true, Ok(Some(answer))) => answer,
        (true, Ok(None)) => match state.store.ended_session(session_id.0).await {
            Ok(Some(session)) => match caller {
                Caller::Customer(token) => session.customer_token_hash == hash_secret(token),
                Caller::Rep(rep) => may_read_files(&state.config, &session, rep),
            },
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(%error, "could not read an ended session for a download");
                false
            }
        },
        _ => false,
    }
}
