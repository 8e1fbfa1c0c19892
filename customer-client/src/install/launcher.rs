//! A Support Button's launcher, pure: its file name, its freedesktop Desktop Entry text
//! (`Name`, `Comment`, an `Exec` line that starts this program with `--server` and
//! `--button`), and reading one back (its `Name`, its `Exec` arguments), plus where
//! `~/.config/user-dirs.dirs` puts the desktop. No IO here (`buttons.rs` writes the files),
//! so the escaping rules, which decide whether a rep's text can break out of a line or an
//! argument, are unit-tested on their own.
//!
//! The Desktop Entry Specification (1.5) escapes in two layers: every string value escapes
//! `\` (and `\n`, `\t`, `\r`, a leading space) with a backslash; the `Exec` value is then
//! split into arguments, where a double-quoted argument escapes `"`, `` ` ``, `$` and `\`
//! with a backslash, and a literal `%` is written `%%` (a single `%` starts a field code).
//! Every `Exec` argument is quoted here, whatever it holds. The description is a rep's text:
//! control characters (newlines included) become spaces, so it can never start a line of its
//! own (`Exec=` of the attacker's choosing).

use std::path::{Path, PathBuf};
use switchboard_protocol::{ButtonId, MAX_BUTTON_DESCRIPTION_CHARS};

/// The launcher's name when the description has nothing printable left.
const FALLBACK_NAME: &str = "Support";

/// The launcher's `Comment` (the menu's tooltip).
pub const COMMENT: &str = "Start a support session (a Switchboard Support Button)";

/// Why a launcher cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LauncherError {
    /// A control character in the program's path, the server URL or the token: it cannot be
    /// passed on an `Exec` line without changing meaning.
    #[error("the {0} holds a control character")]
    ControlCharacter(&'static str),
    #[error("the {0} is empty")]
    Empty(&'static str),
}

/// `switchboard-button-<id>.desktop`: the same name in the applications menu and on the
/// desktop, so removing a button finds both.
pub fn file_name(button_id: ButtonId) -> String {
    format!("switchboard-button-{}.desktop", button_id.0)
}

/// The description as a launcher's name: control characters (newlines, tabs) become spaces,
/// runs of white space one space, cut to the protocol's length; never empty.
pub fn clean_description(description: &str) -> String {
    let spaced: String = description
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let name: String = words
        .join(" ")
        .chars()
        .take(MAX_BUTTON_DESCRIPTION_CHARS)
        .collect();
    let name = name.trim_end().to_owned();
    if name.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        name
    }
}

/// The launcher's text: a Desktop Entry that runs `program --server <server> --button
/// <token>`, named after the (cleaned) description.
pub fn desktop_entry(
    program: &Path,
    server: &str,
    token: &str,
    description: &str,
) -> Result<String, LauncherError> {
    let program = program.to_string_lossy();
    let arguments = [
        ("program's path", program.as_ref()),
        ("", "--server"),
        ("server URL", server),
        ("", "--button"),
        ("button's token", token),
    ];
    let mut exec = Vec::with_capacity(arguments.len());
    for (what, argument) in arguments {
        if argument.is_empty() {
            return Err(LauncherError::Empty(what));
        }
        if argument.chars().any(char::is_control) {
            return Err(LauncherError::ControlCharacter(what));
        }
        exec.push(quote_argument(argument));
    }
    let name = clean_description(description);
    Ok(format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Version=1.5\n\
         Name={}\n\
         Comment={}\n\
         Exec={}\n\
         Terminal=false\n\
         Categories=Network;RemoteAccess;\n",
        escape_value(&name),
        escape_value(COMMENT),
        escape_value(&exec.join(" ")),
    ))
}

/// One `Exec` argument, double-quoted, with `"`, `` ` ``, `$` and `\` escaped inside the
/// quotes and `%` doubled (before the value's own escaping).
pub(crate) fn quote_argument(argument: &str) -> String {
    let mut quoted = String::with_capacity(argument.len() + 2);
    quoted.push('"');
    for c in argument.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// A string value's escaping: `\` doubled, `\n`, `\t`, `\r` written out, a leading space
/// as `\s`.
pub(crate) fn escape_value(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for (at, c) in value.chars().enumerate() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            '\r' => escaped.push_str("\\r"),
            ' ' if at == 0 => escaped.push_str("\\s"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Undoes [`escape_value`] (and reads any value the specification allows).
fn unescape_value(value: &str) -> String {
    let mut plain = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            plain.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => plain.push(' '),
            Some('n') => plain.push('\n'),
            Some('t') => plain.push('\t'),
            Some('r') => plain.push('\r'),
            Some(other) => plain.push(other),
            None => plain.push('\\'),
        }
    }
    plain
}

/// The value of `key` in the `[Desktop Entry]` group of `entry`, unescaped.
pub fn value(entry: &str, key: &str) -> Option<String> {
    let mut in_group = false;
    for line in entry.lines() {
        let line = line.trim_start();
        if line.starts_with('[') {
            in_group = line.trim_end() == "[Desktop Entry]";
            continue;
        }
        if !in_group {
            continue;
        }
        if let Some((k, v)) = line.split_once('=')
            && k.trim_end() == key
        {
            return Some(unescape_value(v.trim_start()));
        }
    }
    None
}

/// The arguments of the entry's `Exec` line, as a desktop would run them: the value
/// unescaped, split at unquoted spaces, quotes and their backslashes undone, `%%` as `%`.
/// `None` without an `Exec` line or with an unterminated quote.
pub fn exec_arguments(entry: &str) -> Option<Vec<String>> {
    let exec = value(entry, "Exec")?;
    let mut arguments = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = exec.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {
                if let Some(argument) = current.take() {
                    arguments.push(argument);
                }
            }
            '"' => {
                let argument = current.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => argument.push(chars.next()?),
                        '%' => {
                            chars.next();
                            argument.push('%');
                        }
                        other => argument.push(other),
                    }
                }
            }
            '%' => {
                chars.next();
                current.get_or_insert_with(String::new).push('%');
            }
            other => current.get_or_insert_with(String::new).push(other),
        }
    }
    arguments.extend(current);
    Some(arguments)
}

/// The desktop folder `user-dirs.dirs` names (`XDG_DESKTOP_DIR="$HOME/Desktop"`), with
/// `$HOME` replaced by `home`. `None` when it is not set, not absolute, or is the home folder
/// itself (xdg-user-dirs' way of turning the desktop off).
pub fn desktop_from_user_dirs(user_dirs: &str, home: &Path) -> Option<PathBuf> {
    let value = user_dirs.lines().find_map(|line| {
        let line = line.trim();
        let value = line.strip_prefix("XDG_DESKTOP_DIR")?.trim_start();
        value.strip_prefix('=').map(str::trim)
    })?;
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    let path = if let Some(rest) = value.strip_prefix("$HOME") {
        let rest = rest.trim_start_matches('/');
        if rest.is_empty() {
            return None;
        }
        home.join(rest)
    } else {
        PathBuf::from(value)
    };
    let is_home = path.components().eq(home.components());
    (path.is_absolute() && !is_home).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(description: &str) -> String {
        desktop_entry(
            Path::new("/opt/Support Tools/switchboard-customer"),
            "https://help.example.com",
            "0123abcd",
            description,
        )
        .unwrap()
    }

    /// The launcher has the keys the menu needs, named after the description.
    #[test]
    fn a_launcher_has_its_keys() {
        let text = entry("Printer help");
        assert!(text.starts_with("[Desktop Entry]\n"));
        for line in [
            "Type=Application",
            "Name=Printer help",
            "Terminal=false",
            &format!("Comment={COMMENT}"),
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in {text}");
        }
        assert_eq!(file_name(ButtonId(12)), "switchboard-button-12.desktop");
    }

    /// A program path with spaces stays one argument; the token and server follow their
    /// options.
    #[test]
    fn exec_runs_this_program_with_the_token() {
        let text = entry("Printer help");
        assert_eq!(
            value(&text, "Exec").unwrap(),
            r#""/opt/Support Tools/switchboard-customer" "--server" "https://help.example.com" "--button" "0123abcd""#
        );
        assert_eq!(
            exec_arguments(&text).unwrap(),
            [
                "/opt/Support Tools/switchboard-customer",
                "--server",
                "https://help.example.com",
                "--button",
                "0123abcd"
            ]
        );
    }

    /// A rep's description with a newline cannot add a line (an `Exec` of its own): the
    /// newline becomes a space, and the rest is one `Name` line.
    #[test]
    fn a_newline_in_the_description_stays_on_the_name_line() {
        let text = entry("Help\nExec=rm -rf ~\r\n\tNoDisplay=true");
        let names: Vec<&str> = text.lines().filter(|l| l.starts_with("Name=")).collect();
        assert_eq!(names, ["Name=Help Exec=rm -rf ~ NoDisplay=true"]);
        assert_eq!(text.lines().filter(|l| l.starts_with("Exec=")).count(), 1);
        assert!(!text.lines().any(|l| l.starts_with("NoDisplay")));
        assert_eq!(text.lines().count(), 8);
    }

    /// Quotes, `%`, backslashes and a leading space in the description come back as typed
    /// (string escaping only; `%` is no field code outside `Exec`).
    #[test]
    fn quotes_percent_and_backslashes_in_the_name_read_back() {
        let description = r#"Say "hi" to 100% \ help"#;
        let text = entry(description);
        assert!(text.contains(r#"Name=Say "hi" to 100% \\ help"#), "{text}");
        assert_eq!(value(&text, "Name").unwrap(), description);
        assert_eq!(escape_value(" lead"), "\\slead");
        assert_eq!(unescape_value("\\slead"), " lead");
    }

    /// Characters a desktop's argument parser would act on are quoted and escaped, `%`
    /// doubled: each argument comes back exactly.
    #[test]
    fn exec_arguments_with_specials_read_back_exactly() {
        let program = Path::new(r#"/home/sam/My "Apps"/100%/$HOME/a\b`c`/prog"#);
        let server = "http://h:1/path?x=1&y=%41";
        let token = "tok en;|>";
        let text = desktop_entry(program, server, token, "x").unwrap();
        let exec = value(&text, "Exec").unwrap();
        assert!(exec.contains("100%%"), "{exec}");
        assert!(
            exec.contains(r#"\$HOME"#) && exec.contains(r#"\`c\`"#),
            "{exec}"
        );
        // In the file itself every backslash is doubled once more.
        assert!(text.contains(r#"My \\"Apps\\""#), "{text}");
        assert_eq!(
            exec_arguments(&text).unwrap(),
            [
                program.to_str().unwrap(),
                "--server",
                server,
                "--button",
                token
            ]
        );
    }

    /// Control characters where they cannot be escaped away are refused, and so is an empty
    /// token.
    #[test]
    fn control_characters_in_exec_are_refused() {
        let refused = desktop_entry(Path::new("/bin/p"), "http://h", "to\nken", "x");
        assert_eq!(
            refused,
            Err(LauncherError::ControlCharacter("button's token"))
        );
        let empty = desktop_entry(Path::new("/bin/p"), "http://h", "", "x");
        assert_eq!(empty, Err(LauncherError::Empty("button's token")));
    }

    /// Descriptions are cut to 100 characters, white space folded, never empty.
    #[test]
    fn descriptions_are_cleaned() {
        assert_eq!(clean_description("  a \t\t b  "), "a b");
        assert_eq!(clean_description("\n\u{7}"), FALLBACK_NAME);
        let long = "é".repeat(150);
        assert_eq!(clean_description(&long).chars().count(), 100);
    }

    /// `user-dirs.dirs` names the desktop relative to `$HOME` or absolutely; the home folder
    /// itself (turned off), a relative path or no line mean no desktop.
    #[test]
    fn the_desktop_comes_from_user_dirs() {
        let home = Path::new("/home/sam");
        let dirs = "# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR=\"$HOME/Downloads\"\nXDG_DESKTOP_DIR=\"$HOME/Schreibtisch\"\n";
        assert_eq!(
            desktop_from_user_dirs(dirs, home),
            Some(PathBuf::from("/home/sam/Schreibtisch"))
        );
        let absolute = "XDG_DESKTOP_DIR=\"/data/desk\"";
        assert_eq!(
            desktop_from_user_dirs(absolute, home),
            Some(PathBuf::from("/data/desk"))
        );
        for off in [
            "XDG_DESKTOP_DIR=\"$HOME/\"",
            "XDG_DESKTOP_DIR=\"$HOME\"",
            "XDG_DESKTOP_DIR=\"/home/sam\"",
            "XDG_DESKTOP_DIR=\"Desktop\"",
            "XDG_MUSIC_DIR=\"$HOME/Music\"",
        ] {
            assert_eq!(desktop_from_user_dirs(off, home), None, "{off}");
        }
    }
}
