//! What a shared file may be: its name and type (checked from the request line, before any
//! of the body is read) and whether its content matches the type (checked once it arrived).
//! Pure functions, so they are unit-tested here and fuzzed (`fuzz/`, target `file_type`).

use axum::http::StatusCode;
use switchboard_protocol::ErrorCode;

/// Longest file name, in characters.
const MAX_NAME_CHARS: usize = 200;

/// Why a file is refused: the HTTP status, the error code and words for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl Refusal {
    fn invalid(message: &str) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::Invalid,
            message: message.to_owned(),
        }
    }

    fn type_refused(message: String) -> Refusal {
        Refusal {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: ErrorCode::FileTypeRefused,
            message,
        }
    }

    /// The file is over `max_bytes`.
    pub fn too_large(max_bytes: u64) -> Refusal {
        Refusal {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: ErrorCode::FileTooLarge,
            message: format!(
                "The file is too large: at most {} MB can be shared.",
                max_bytes / (1024 * 1024)
            ),
        }
    }
}

/// A file name that passed [`check_name`]: trimmed, with its lower-case extension and the
/// media type that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedName {
    pub name: String,
    pub extension: String,
    pub content_type: &'static str,
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

/// Checks a file's name and type (one of `allowed` extensions); needs none of its bytes.
pub fn check_name(name: &str, allowed: &[String]) -> Result<CheckedName, Refusal> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Refusal::invalid(
            "The file needs a name (`?name=report.pdf`).",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Refusal::invalid(
            "The file name can be at most 200 characters.",
        ));
    }
    if name.starts_with('.')
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(Refusal::invalid(
            "The file name cannot contain folders or control characters.",
        ));
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let refused = || {
        Refusal::type_refused(format!(
            "Files of this type cannot be shared. Allowed: {}.",
            allowed.join(", ")
        ))
    };
    if !allowed.contains(&extension) {
        return Err(refused());
    }
    let (content_type, _) = media_type(&extension).ok_or_else(refused)?;
    Ok(CheckedName {
        name: name.to_owned(),
        extension,
        content_type,
    })
}

/// Checks that `data` is a non-empty file of the type `name` says.
pub fn check_content(name: &CheckedName, data: &[u8]) -> Result<(), Refusal> {
    if data.is_empty() {
        return Err(Refusal::invalid("The file is empty."));
    }
    let looks_right = media_type(&name.extension).is_some_and(|(_, check)| check(data));
    if !looks_right {
        return Err(Refusal::type_refused(format!(
            "The content of {} does not look like a .{} file.",
            name.name, name.extension
        )));
    }
    Ok(())
}

/// Every check on a complete file, in the order the server makes them: name and type,
/// size, content. The attachment's name and media type, or the refusal.
pub fn check_file(
    name: &str,
    data: &[u8],
    allowed: &[String],
    max_bytes: u64,
) -> Result<CheckedName, Refusal> {
    let checked = check_name(name, allowed)?;
    if data.len() as u64 > max_bytes {
        return Err(Refusal::too_large(max_bytes));
    }
    check_content(&checked, data)?;
    Ok(checked)
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

    /// A good file gets its media type from its name, the name trimmed.
    #[test]
    fn a_good_file_gets_its_type_from_the_name() {
        let checked = check_file(" notes.TXT ", b"hello", &allowed(), 1024).expect("accepted");
        assert_eq!(checked.name, "notes.TXT");
        assert_eq!(checked.extension, "txt");
        assert_eq!(checked.content_type, "text/plain; charset=utf-8");
    }

    /// Bad names, types, sizes and contents are each refused with their code.
    #[test]
    fn bad_names_types_sizes_and_contents_are_refused() {
        let refused = |name: &str, data: &[u8]| {
            check_file(name, data, &allowed(), 16)
                .expect_err("refused")
                .code
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

    /// The name alone is enough to refuse a wrong type: no body needed.
    #[test]
    fn the_name_is_checked_without_the_content() {
        assert_eq!(
            check_name("tool.exe", &allowed()).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        // Allowed by the configuration but unknown to the server: refused, not guessed.
        let odd = vec!["exe".to_owned()];
        assert_eq!(
            check_name("tool.exe", &odd).unwrap_err().code,
            ErrorCode::FileTypeRefused
        );
        assert_eq!(
            check_name("a.pdf", &allowed()).unwrap().content_type,
            "application/pdf"
        );
    }
}
