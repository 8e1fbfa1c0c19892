//! Files over HTTP, beside the WebSocket: uploading one into a session
//! (`POST /api/sessions/{id}/files`) and saving a shared one to disk (`GET /api/files/{id}`).
//!
//! Both use the token of the current login, which the actor publishes in [`SharedAuth`]
//! whenever it logs in (and withdraws when it logs out), and run as tasks on the actor's
//! runtime, so the UI thread never waits for a transfer.

use std::path::Path;
use std::sync::{Arc, Mutex};
use switchboard_protocol::{ChatMessage, HttpError, SessionId};

/// Where to reach the server and with which token, while logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Auth {
    pub(crate) http_base: String,
    pub(crate) token: String,
}

/// The current login, shared between the actor (which writes it) and transfers (which read it).
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedAuth(Arc<Mutex<Option<Auth>>>);

impl SharedAuth {
    pub(crate) fn set(&self, http_base: &str, token: &str) {
        if let Ok(mut auth) = self.0.lock() {
            *auth = Some(Auth {
                http_base: http_base.to_owned(),
                token: token.to_owned(),
            });
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut auth) = self.0.lock() {
            *auth = None;
        }
    }

    /// The server's HTTP base while logged in (the media socket sits beside it).
    pub(crate) fn http_base(&self) -> Option<String> {
        self.0.lock().ok()?.as_ref().map(|a| a.http_base.clone())
    }

    pub(crate) fn get(&self) -> Result<Auth, String> {
        self.0
            .lock()
            .ok()
            .and_then(|auth| auth.clone())
            .ok_or_else(|| "Not logged in to the server right now.".to_owned())
    }
}

/// The server's own words for a refused transfer, or the status if it gave none.
pub(crate) async fn refusal(response: reqwest::Response) -> String {
    let status = response.status();
    match response.json::<HttpError>().await {
        Ok(error) => error.message,
        Err(_) => format!("The server answered {status}."),
    }
}

pub(crate) fn unreachable(error: &reqwest::Error) -> String {
    format!("The server could not be reached: {error}")
}

/// Uploads the file at `path` into the session; the chat message it became.
pub(crate) async fn upload(
    client: &reqwest::Client,
    auth: &SharedAuth,
    session_id: SessionId,
    path: &Path,
) -> Result<ChatMessage, String> {
    let auth = auth.get()?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} has no usable file name.", path.display()))?
        .to_owned();
    let data = tokio::fs::read(path)
        .await
        .map_err(|e| format!("Could not read {}: {e}", path.display()))?;
    let url = format!(
        "{}/api/sessions/{session_id}/files?name={}",
        auth.http_base,
        switchboard_protocol::links::encode_component(&name)
    );
    let response = client
        .post(url)
        .bearer_auth(&auth.token)
        .body(data)
        .send()
        .await
        .map_err(|e| unreachable(&e))?;
    if !response.status().is_success() {
        return Err(refusal(response).await);
    }
    response
        .json::<ChatMessage>()
        .await
        .map_err(|e| format!("The server's answer could not be read: {e}"))
}

/// `GET` of a server `path` with the current login's token: the response if it succeeded,
/// else the server's refusal (or why it could not be reached) as a sentence for the rep.
pub(crate) async fn authed_get(
    client: &reqwest::Client,
    auth: &SharedAuth,
    path: &str,
) -> Result<reqwest::Response, String> {
    let auth = auth.get()?;
    let response = client
        .get(format!("{}{path}", auth.http_base))
        .bearer_auth(&auth.token)
        .send()
        .await
        .map_err(|e| unreachable(&e))?;
    if !response.status().is_success() {
        return Err(refusal(response).await);
    }
    Ok(response)
}

/// Downloads a shared file and writes it to `dest` (through a temporary file, so a failed
/// download never leaves half a file under the chosen name).
pub(crate) async fn download(
    client: &reqwest::Client,
    auth: &SharedAuth,
    file_id: &str,
    dest: &Path,
) -> Result<(), String> {
    let path = format!(
        "/api/files/{}",
        switchboard_protocol::links::encode_component(file_id)
    );
    let response = authed_get(client, auth, &path).await?;
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("The download broke off: {e}"))?;
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".part");
    let partial = std::path::PathBuf::from(partial);
    tokio::fs::write(&partial, &bytes)
        .await
        .map_err(|e| format!("Could not write {}: {e}", partial.display()))?;
    tokio::fs::rename(&partial, dest)
        .await
        .map_err(|e| format!("Could not save {}: {e}", dest.display()))
}
