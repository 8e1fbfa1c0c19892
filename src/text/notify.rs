//! How the console's alerts read (desktop notifications, or toasts where the desktop has
//! none): one place for the words, so the notifier, its tests and the UI tests agree.

/// A whisper's alert title: "Whisper from Grace Lin", as the whisper reads in the chat.
pub fn whisper_title(from: &str) -> String {
    super::supervision::whisper_from(from)
}

/// A whisper's alert body: what was whispered (already cut to length), then whose session
/// it is about, since a lead may whisper in several.
pub fn whisper_body(quoted: &str, customer: &str) -> String {
    format!("{quoted}\nSession with {customer}")
}
