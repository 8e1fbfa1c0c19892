//! A session's shell transcript over HTTP (`GET /api/sessions/{id}/shell`) with the current
//! login's token, on the network runtime; read into lines ([`TranscriptView`]) on a blocking
//! thread, since a long transcript's output goes through a terminal model.

use super::files::{SharedAuth, authed_get};
use crate::terminal::transcript::TranscriptView;
use switchboard_protocol::{SessionId, ShellTranscript};

/// Fetches the transcript of `session_id` and reads it into lines; the server's refusal (or
/// why it could not be reached) as a sentence for the rep.
pub(crate) async fn fetch(
    client: &reqwest::Client,
    auth: &SharedAuth,
    session_id: SessionId,
) -> Result<TranscriptView, String> {
    let path = format!("/api/sessions/{session_id}/shell");
    let response = authed_get(client, auth, &path).await?;
    let transcript = response
        .json::<ShellTranscript>()
        .await
        .map_err(|e| format!("The server's answer could not be read: {e}"))?;
    tokio::task::spawn_blocking(move || TranscriptView::build(&transcript))
        .await
        .map_err(|e| format!("The transcript could not be read: {e}"))
}
