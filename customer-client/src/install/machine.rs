//! The machine's description the native client sends after every start and resume
//! (`describe_machine`), so reps can list and remove the Support Buttons deployed on this
//! computer from any later session: a random id created once and kept in the data folder
//! (`machine-id`, 0600), the host name, and the operating system ("Linux (Debian GNU/Linux
//! 12 (bookworm))" from `/etc/os-release`). Each text is cut to what the server accepts
//! ([`MachineInfo::is_valid`]). Without places (a simulated customer) or when the folder
//! cannot be written, the id is made up for this run only.

use super::Places;
use std::path::Path;
use switchboard_protocol::MachineInfo;

/// The kept id's file in the data folder.
const MACHINE_ID_FILE: &str = "machine-id";

/// The longest host or system text the server accepts, in characters.
const MAX_TEXT_CHARS: usize = 100;

/// This machine as the server should know it. Blocking IO (the id's file).
pub fn describe_machine(places: Option<&Places>) -> MachineInfo {
    let machine_id = match places.map(|p| machine_id(&p.data_dir)) {
        Some(Ok(id)) => id,
        Some(Err(error)) => {
            tracing::warn!(%error, "the machine id cannot be kept; one for this run only");
            new_id()
        }
        None => new_id(),
    };
    MachineInfo {
        machine_id,
        host: clean(&host_name()),
        os: clean(&os_name()),
    }
}

/// The id kept in `data_dir`, made and written (0600) the first time or when the file
/// holds something that is not an id.
pub fn machine_id(data_dir: &Path) -> std::io::Result<String> {
    let path = data_dir.join(MACHINE_ID_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let id = text.trim();
        if is_id(id) {
            return Ok(id.to_owned());
        }
        tracing::warn!(path = %path.display(), "the kept machine id is unreadable; a new one");
    }
    let id = new_id();
    std::fs::create_dir_all(data_dir)?;
    super::buttons::write_private(&path, format!("{id}\n").as_bytes())?;
    Ok(id)
}

/// 32 random hex digits.
fn new_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the server takes for an id: 8 to 64 letters, digits and dashes.
fn is_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// One line of at most [`MAX_TEXT_CHARS`] without control characters.
fn clean(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cut: String = line.trim().chars().take(MAX_TEXT_CHARS).collect();
    cut.trim_end().to_owned()
}

/// The `PRETTY_NAME` of an `os-release` file (its quotes and backslash escapes undone).
pub fn os_pretty_name(os_release: &str) -> Option<String> {
    let value = os_release
        .lines()
        .find_map(|line| line.trim().strip_prefix("PRETTY_NAME="))?;
    let unquoted = match value.chars().next() {
        Some(quote @ ('"' | '\'')) => value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
            .unwrap_or(value),
        _ => value,
    };
    let mut plain = String::with_capacity(unquoted.len());
    let mut chars = unquoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => plain.extend(chars.next()),
            c => plain.push(c),
        }
    }
    let plain = plain.trim().to_owned();
    (!plain.is_empty()).then_some(plain)
}

/// "Linux (<PRETTY_NAME>)", or the platform's name.
fn os_name() -> String {
    #[cfg(target_os = "linux")]
    {
        let release = ["/etc/os-release", "/usr/lib/os-release"]
            .iter()
            .find_map(|path| std::fs::read_to_string(path).ok());
        match release.as_deref().and_then(os_pretty_name) {
            Some(pretty) => format!("Linux ({pretty})"),
            None => "Linux".to_owned(),
        }
    }
    #[cfg(target_os = "macos")]
    {
        "macOS".to_owned()
    }
    #[cfg(target_os = "windows")]
    {
        "Windows".to_owned()
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    {
        std::env::consts::OS.to_owned()
    }
}

/// The host name, or an empty text when it cannot be read.
fn host_name() -> String {
    #[cfg(unix)]
    {
        nix::unistd::gethostname()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
    #[cfg(windows)]
    {
        std::env::var("COMPUTERNAME").unwrap_or_default()
    }
    #[cfg(not(any(unix, windows)))]
    {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id is made once and read back the same; a spoiled file gets a new one.
    #[test]
    fn the_id_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = machine_id(&data).unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(machine_id(&data).unwrap(), first);
        std::fs::write(data.join(MACHINE_ID_FILE), "not an id!\n").unwrap();
        let second = machine_id(&data).unwrap();
        assert_ne!(second, first);
        assert!(is_id(&second));
    }

    /// What is described passes the server's check, with or without places.
    #[test]
    fn the_description_is_valid() {
        let dir = tempfile::tempdir().unwrap();
        let places = Places::under_home(dir.path(), dir.path().join("p"));
        let machine = describe_machine(Some(&places));
        assert!(machine.is_valid(), "{machine:?}");
        assert_eq!(
            describe_machine(Some(&places)).machine_id,
            machine.machine_id
        );
        assert!(describe_machine(None).is_valid());
        #[cfg(target_os = "linux")]
        assert!(machine.os.starts_with("Linux"), "{}", machine.os);
    }

    /// `PRETTY_NAME` with its quotes, a lone line, escapes; long or odd text is cut clean.
    #[test]
    fn os_release_and_cleaning() {
        let debian = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n";
        assert_eq!(
            os_pretty_name(debian).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(
            os_pretty_name("PRETTY_NAME='Arch \\\"x\\\"'").as_deref(),
            Some("Arch \"x\"")
        );
        assert_eq!(
            os_pretty_name("PRETTY_NAME=Plain").as_deref(),
            Some("Plain")
        );
        assert_eq!(os_pretty_name("NAME=x"), None);
        assert_eq!(
            clean(&format!("  a\nb {}", "x".repeat(200)))
                .chars()
                .count(),
            100
        );
        assert_eq!(clean(" host\t1 "), "host 1");
    }
}
