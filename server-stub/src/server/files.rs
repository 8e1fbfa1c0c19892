//! Files shared in a session, over HTTP: `POST /api/sessions/{id}/files?name=NAME` (the
//! body is the file) and `GET /api/files/{file_id}`. Reps authenticate with
//! `Authorization: Bearer TOKEN`, customers with `Authorization: Customer TOKEN` (their
//! reconnect token).
//!
//! An upload is judged before any of its body is read: the caller and their place in the
//! session (`files_access`), the name and type (`files_check`), the declared length, and a
//! free upload slot (`files_permits`). Only then is the body read, its limits enforced as
//! it arrives (`files_body`); its content is checked, the bytes are stored in the files
//! database (apart from the chat's, see `store::files`), and the chat entry is made.
//!
//! Memory: an accepted upload is held whole until stored (at most `max_file_bytes`, for at
//! most `concurrent_uploads` uploads at once): SQLite takes a blob in one piece and the
//! content check reads it. A refused upload holds none of it.

use super::AppState;
use super::core::{CoreMsg, now_ms};
use super::files_access::{caller, may_read, may_share};
use super::files_body::{BodyError, BodyLimits, read_body};
use super::files_check::{Refusal, check_content, check_name};
use super::files_permits::Busy;
use super::http::{error_status, http_error};
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_protocol::{Attachment, ErrorBody, ErrorCode, OkResult, SessionId};
use tokio::sync::oneshot;

/// What a client is told to wait before trying again when every upload slot is taken.
const BUSY_RETRY_SECS: u64 = 5;

impl Refusal {
    fn into_response(self) -> Response {
        http_error(self.status, self.code, self.message, None)
    }
}

fn refused(error: ErrorBody) -> Response {
    http_error(error_status(error.code), error.code, error.message, None)
}

/// A refusal given before the body was read: the connection is closed after it (hyper
/// does not read an unread body to keep it), and the header says so.
fn before_body(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    name: String,
}

/// `POST /api/sessions/{id}/files?name=NAME`: share a file in a session.
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Result<Path<u64>, PathRejection>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let settings = &state.config.settings;
    let limits = &state.config.limits;
    // Everything the headers can tell, before a byte of the body is read.
    let caller = match caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return before_body(response),
    };
    let Ok(Path(session_id)) = session else {
        return before_body(http_error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "The session id must be a number.",
            None,
        ));
    };
    let session_id = SessionId(session_id);
    let Ok(Query(query)) = query else {
        return before_body(http_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "The file needs a name (`?name=report.pdf`).",
            None,
        ));
    };
    let sender = caller.into_sender();
    if let Err(error) = may_share(&state, sender.clone(), session_id).await {
        return before_body(refused(error));
    }
    let name = match check_name(&query.name, &settings.file_types) {
        Ok(name) => name,
        Err(refusal) => return before_body(refusal.into_response()),
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > settings.max_file_bytes) {
        return before_body(Refusal::too_large(settings.max_file_bytes).into_response());
    }
    let _permit = match state.uploads.try_take(peer.ip()) {
        Ok(permit) => permit,
        Err(busy) => {
            let message = match busy {
                Busy::Address => {
                    "Too many uploads from your address at once. Try again when one has finished."
                }
                Busy::Everyone => {
                    "The server is receiving as many files as it can. Try again in a moment."
                }
            };
            return before_body(http_error(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                message,
                Some(BUSY_RETRY_SECS),
            ));
        }
    };

    let body_limits = BodyLimits {
        max_bytes: settings.max_file_bytes,
        pause: Duration::from_secs(limits.body_timeout_secs),
        total: Duration::from_secs(limits.upload_timeout_secs),
    };
    let data = match read_body(body, declared, body_limits).await {
        Ok(data) => data,
        Err(BodyError::TooLarge) => {
            return before_body(Refusal::too_large(settings.max_file_bytes).into_response());
        }
        Err(BodyError::TimedOut) => {
            return before_body(http_error(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::BadRequest,
                format!(
                    "The file did not arrive in time: a pause over {} s, or over {} s in all.",
                    limits.body_timeout_secs, limits.upload_timeout_secs
                ),
                None,
            ));
        }
        Err(BodyError::Broken(error)) => {
            return http_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                format!("The file could not be read: {error}"),
                None,
            );
        }
    };
    if let Err(refusal) = check_content(&name, &data) {
        return refusal.into_response();
    }
    let attachment = Attachment {
        file_id: hex::encode(rand::random::<[u8; 16]>()),
        name: name.name,
        size: data.len() as u64,
        content_type: name.content_type.to_owned(),
    };
    share(&state, sender, session_id, attachment, data).await
}

/// Stores the bytes, then makes the chat entry; a file the chat refused is deleted.
async fn share(
    state: &AppState,
    sender: crate::router::FileSender,
    session_id: SessionId,
    attachment: Attachment,
    data: Vec<u8>,
) -> Response {
    if let Err(error) = state
        .store
        .put_file(session_id, attachment.clone(), data, now_ms())
        .await
    {
        tracing::error!(%error, "could not store a file");
        return http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "The server could not store the file.",
            None,
        );
    }
    let (answer, reply) = oneshot::channel();
    let file_id = attachment.file_id.clone();
    let sent = state
        .core
        .send(CoreMsg::ShareFile {
            sender,
            session_id,
            attachment,
            answer,
        })
        .await;
    let reply = match (sent, reply.await) {
        (true, Ok(reply)) => reply,
        _ => Err(ErrorBody::new(
            ErrorCode::Internal,
            "The server is shutting down.",
        )),
    };
    match reply {
        Ok(Some(OkResult::Chat { message })) => {
            (StatusCode::CREATED, Json(message)).into_response()
        }
        Ok(_) => http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "The file was stored but not shared.",
            None,
        ),
        Err(error) => {
            // The session ended (or the sender left) while the file arrived: nobody will
            // ever see it, so it is not kept, and its space is given back.
            if let Err(e) = state.store.delete_file(file_id).await {
                tracing::warn!(error = %e, "could not remove a refused file");
            }
            refused(error)
        }
    }
}

/// `GET /api/files/{file_id}`: download a shared file.
pub async fn download(
    State(state): State<AppState>,
    file_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let caller = match caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let not_found = || {
        http_error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "There is no such file.",
            None,
        )
    };
    let Ok(Path(file_id)) = file_id else {
        return not_found();
    };
    if file_id.len() != 32 || !file_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return not_found();
    }
    let cannot_read = |error: crate::store::StoreError| {
        tracing::error!(%error, "could not read a file");
        http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "The server could not read the file.",
            None,
        )
    };
    let info = match state.store.file_info(file_id.clone()).await {
        Ok(Some(info)) => info,
        Ok(None) => return not_found(),
        Err(error) => return cannot_read(error),
    };
    // An unknown file and one the caller may not read look the same.
    if !may_read(&state, &caller, info.session_id).await {
        return not_found();
    }
    let data = match state.store.file_data(file_id).await {
        Ok(Some(data)) => data,
        Ok(None) => return not_found(),
        Err(error) => return cannot_read(error),
    };
    let attachment = info.attachment;
    let headers = [
        (header::CONTENT_TYPE, attachment.content_type.clone()),
        (
            header::CONTENT_DISPOSITION,
            content_disposition(&attachment.name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        // Never run as a page, whatever a browser thinks the file is.
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
    ];
    (headers, data).into_response()
}

/// `attachment` with an ASCII fallback name and the exact name in RFC 5987 form.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        switchboard_protocol::links::encode_component(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The download name keeps the exact name for browsers that read `filename*` and a
    /// safe ASCII one for the others.
    #[test]
    fn the_download_name_is_safe_and_exact() {
        assert_eq!(
            content_disposition("Zoë \"q\".pdf"),
            "attachment; filename=\"Zo_ _q_.pdf\"; filename*=UTF-8''Zo%C3%AB%20%22q%22.pdf"
        );
    }
}
