//! Filling in the link templates of the configuration (`external_url`, a queue's
//! `offer_url`): `{session_id}` and `{customer}` become URL-encoded values.

use crate::ids::SessionId;

/// Percent-encodes everything except RFC 3986's unreserved characters.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The template with `{session_id}` and `{customer}` (the customer's name) filled in.
pub fn fill_link(template: &str, session_id: SessionId, customer: &str) -> String {
    template
        .replace("{session_id}", &session_id.to_string())
        .replace("{customer}", &encode_component(customer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_encoded() {
        assert_eq!(
            fill_link(
                "https://crm.example/find?s={session_id}&name={customer}",
                SessionId(42),
                "Zoë & Co/ltd?"
            ),
            "https://crm.example/find?s=42&name=Zo%C3%AB%20%26%20Co%2Fltd%3F"
        );
    }

    #[test]
    fn a_template_without_placeholders_is_unchanged() {
        assert_eq!(
            fill_link("https://example.com/", SessionId(1), "x"),
            "https://example.com/"
        );
    }
}
