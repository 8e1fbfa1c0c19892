//! Files shared in a session, over HTTP: `POST /api/sessions/{id}/files?name=NAME` (the
//! body is the file) and `GET /api/files/{file_id}`. Reps authenticate with
//! `Authorization: Bearer TOKEN`, customers with `Authorization: Customer TOKEN` (their
//! reconnect token). The server decides the type from the name and checks the content
//! against it; the bytes are stored in SQLite before the chat entry exists.

use super::AppState;
use super::core::{CoreMsg, now_ms};
use super::http::{error_status, http_error};
use crate::router::{FileSender, hash_secret};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_protocol::{Attachment, ErrorCode, OkResult, RepId, SessionId};
use tokio::sync::oneshot;

/// Longest file name, in characters.
const MAX_NAME_CHARS: usize = 200;

/// Who is asking, from the `Authorization` header.
enum Caller {
    Rep(RepId),
    Customer(String),
}

fn unauthorized() -> Response {
    http_error(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "Send `Authorization: Bearer TOKEN` (a rep) or `Authorization: Customer TOKEN`.",
        None,
    )
}

async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
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
        return Ok(Caller::Customer(token.trim().to_owned()));
    }
    Err(unauthorized())
}

/// Whether bytes look like what their name says.
type ContentCheck = fn(&[u8]) -> bool;

/// The media type for an allowed extension, and how to recognise such content.
fn media_type(extension: &str) -> Option<(&'static str, ContentCheck)> {
    fn text(data: &[u8]) -> bool {
        std::str::from_utf8(data).is_ok()
    }
    fn zip(data: &[u8]) -> bool {
        data.starts_with(b"PK\x03\x04")
    }
    Some(match extension {
        "png" => ("image/png", |d| d.starts_with(b"\x89PNG\r\n\x1a\n")),
        "jpg" | "jpeg" => ("image/jpeg", |d| d.starts_with(b"\xFF\xD8\xFF")),
        "gif" => ("image/gif", |d| {
            d.starts_with(b"GIF87a") || d.starts_with(b"GIF89a")
        }),
        "webp" => ("image/webp", |d| {
            d.len() >= 12 && d.starts_with(b"RIFF") && &d[8..12] == b"WEBP"
        }),
        "pdf" => ("application/pdf", |d| d.starts_with(b"%PDF-")),
        "txt" | "log" => ("text/plain; charset=utf-8", text),
        "csv" => ("text/csv; charset=utf-8", text),
        "json" => ("application/json", text),
        "zip" => ("application/zip", zip),
        "docx" => (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            zip,
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            zip,
        ),
        _ => return None,
    })
}

/// Checks a file's name and content; the attachment (without id) or the refusal.
fn check_file(
    name: &str,
    data: &[u8],
    allowed: &[String],
    max_bytes: u64,
) -> Result<(String, &'static str), (StatusCode, ErrorCode, String)> {
    let name = name.trim();
    let refuse_name = |message: &str| {
        Err((
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            message.to_owned(),
        ))
    };
    if name.is_empty() {
        return refuse_name("The file needs a name (`?name=report.pdf`).");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return refuse_name("The file name can be at most 200 characters.");
    }
    if name.starts_with('.')
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return refuse_name("The file name cannot contain folders or control characters.");
    }
    if data.is_empty() {
        return refuse_name("The file is empty.");
    }
    if data.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let refused_type = || {
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::FileTypeRefused,
            format!(
                "Files of this type cannot be shared. Allowed: {}.",
                allowed.join(", ")
            ),
        )
    };
    if !allowed.contains(&extension) {
        return Err(refused_type());
    }
    let (content_type, looks_right) = media_type(&extension).ok_or_else(refused_type)?;
    if !looks_right(data) {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::FileTypeRefused,
            format!("The content of {name} does not look like a .{extension} file."),
        ));
    }
    Ok((name.to_owned(), content_type))
}

fn too_large(max_bytes: u64) -> (StatusCode, ErrorCode, String) {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::FileTooLarge,
        format!(
            "The file is too large: at most {} MB can be shared.",
            max_bytes / (1024 * 1024)
        ),
    )
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    name: String,
}

/// `POST /api/sessions/{id}/files?name=NAME`: share a file in a session.
pub async fn upload(
    State(state): State<AppState>,
    session: Result<Path<u64>, PathRejection>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let caller = match caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Ok(Path(session_id)) = session else {
        return http_error(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "The session id must be a number.",
            None,
        );
    };
    let Ok(Query(query)) = query else {
        return http_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "The file needs a name (`?name=report.pdf`).",
            None,
        );
    };
    let settings = &state.config.settings;
    let data = match body {
        Ok(data) => data,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let (status, code, message) = too_large(settings.max_file_bytes);
            return http_error(status, code, message, None);
        }
        Err(rejection) => {
            return http_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                format!("The file could not be read: {rejection}"),
                None,
            );
        }
    };
    let (name, content_type) = match check_file(
        &query.name,
        &data,
        &settings.file_types,
        settings.max_file_bytes,
    ) {
        Ok(checked) => checked,
        Err((status, code, message)) => return http_error(status, code, message, None),
    };
    let session_id = SessionId(session_id);
    let attachment = Attachment {
        file_id: hex::encode(rand::random::<[u8; 16]>()),
        name,
        size: data.len() as u64,
        content_type: content_type.to_owned(),
    };
    let sender = match caller {
        Caller::Rep(rep) => FileSender::Rep(rep),
        Caller::Customer(token) => FileSender::Customer { token },
    };
    if let Err(error) = state
        .store
        .put_file(session_id, attachment.clone(), data.to_vec(), now_ms())
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
        _ => Err(switchboard_protocol::ErrorBody::new(
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
            // Nobody will ever see it: do not keep it.
            if let Err(e) = state.store.delete_file(file_id).await {
                tracing::warn!(error = %e, "could not remove a refused file");
            }
            http_error(error_status(error.code), error.code, error.message, None)
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
    let file = match state.store.file(file_id).await {
        Ok(Some(file)) => file,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "could not read a file");
            return http_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "The server could not read the file.",
                None,
            );
        }
    };
    // Reps may read any shared file (older chats show them too); a customer only their own
    // session's. Either way an unknown file and a forbidden one look the same.
    if let Caller::Customer(token) = caller
        && !customer_owns(&state, file.session_id, &token).await
    {
        return not_found();
    }
    let headers = [
        (header::CONTENT_TYPE, file.attachment.content_type.clone()),
        (
            header::CONTENT_DISPOSITION,
            content_disposition(&file.attachment.name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        // Never run as a page, whatever a browser thinks the file is.
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
    ];
    (headers, file.data).into_response()
}

/// Whether `token` is the customer token of the session, live or ended.
async fn customer_owns(state: &AppState, session_id: SessionId, token: &str) -> bool {
    let (answer, reply) = oneshot::channel();
    let asked = state
        .core
        .send(CoreMsg::CustomerTokenMatches {
            session_id,
            token: token.to_owned(),
            answer,
        })
        .await;
    match (asked, reply.await) {
        (true, Ok(Some(matches))) => matches,
        (true, Ok(None)) => match state.store.ended_session(session_id.0).await {
            Ok(Some(session)) => session.customer_token_hash == hash_secret(token),
            _ => false,
        },
        _ => false,
    }
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

    fn allowed() -> Vec<String> {
        ["png", "txt", "pdf"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn a_good_file_gets_its_type_from_the_name() {
        let (name, content_type) =
            check_file(" notes.TXT ", b"hello", &allowed(), 1024).expect("accepted");
        assert_eq!(name, "notes.TXT");
        assert_eq!(content_type, "text/plain; charset=utf-8");
    }

    #[test]
    fn bad_names_types_sizes_and_contents_are_refused() {
        let refused = |name: &str, data: &[u8]| {
            check_file(name, data, &allowed(), 16)
                .expect_err("refused")
                .1
        };
        assert_eq!(refused("", b"x"), ErrorCode::Invalid);
        assert_eq!(refused("../etc/passwd.txt", b"x"), ErrorCode::Invalid);
        assert_eq!(refused(".hidden.txt", b"x"), ErrorCode::Invalid);
        assert_eq!(refused("a.txt", b""), ErrorCode::Invalid);
        assert_eq!(refused("a.txt", &[b'x'; 17]), ErrorCode::FileTooLarge);
        assert_eq!(refused("a.exe", b"MZ"), ErrorCode::FileTypeRefused);
        assert_eq!(refused("noextension", b"x"), ErrorCode::FileTypeRefused);
        assert_eq!(
            refused("fake.png", b"not a png"),
            ErrorCode::FileTypeRefused
        );
        assert_eq!(refused("fake.pdf", b"<html>"), ErrorCode::FileTypeRefused);
        assert_eq!(
            refused("bin.txt", &[0xff, 0xfe, 0x00]),
            ErrorCode::FileTypeRefused
        );
    }

    #[test]
    fn the_download_name_is_safe_and_exact() {
        assert_eq!(
            content_disposition("Zoë \"q\".pdf"),
            "attachment; filename=\"Zo_ _q_.pdf\"; filename*=UTF-8''Zo%C3%AB%20%22q%22.pdf"
        );
    }
}
