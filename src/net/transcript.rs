//! A session's shell transcript over HTTP (`GET /api/sessions/{id}/shell`) with the current
//! login's token, on the network runtime; read into lines ([`TranscriptView`]) on a blocking
//! thread, since a long transcript's output goes through a terminal model.

use super::files::{SharedAuth, refusal, unreachable};
use crate::terminal::transcript::TranscriptView;
use switchboard_protocol::{SessionId, ShellTranscript};

/// Fetches the transcript of `session_id` and reads it into lines; the server's refusal (or
/// why it could not be reached) as a sentence for the rep.
pub(crate) async fn fetch(
    client: &reqwest::Client,
    auth: &SharedAuth,
    session_id: SessionId,
) -> Result<TranscriptView, String> {
    let auth = auth.get()?;
    let url = format!("{}/api/sessions/{session_id}/shell", auth.http_base);
    let response = client
        .get(url)
        .bearer_auth(&auth.token)
        .send()
        .await
        .map_err(|e| unreachable(&e))?;
    if !response.status().is_success() {
        return Err(refusal(response).await);
    }
    let transcript = response
        .json::<ShellTranscript>()
        .await
        .map_err(|e| format!("The server's answer could not be read: {e}"))?;
    tokio::task::spawn_blocking(move || TranscriptView::build(&transcript))
        .await
        .map_err(|e| format!("The transcript could not be read: {e}"))
}
