//! The program's own lines for the customer's chat, pure: what became of a Support Button a
//! rep added or removed, a Jump Client pinned on this computer (and how to remove it), the
//! line after a web chat's join code brought the customer here, and a
//! card of steps from a rep (the iOS screen broadcast card is
//! meant for the portal; this program shows it as text). Kept apart so the words are tested
//! without a session.

use crate::install::agent_files;
use crate::install::launcher::clean_description;
use switchboard_protocol::{HelpCard, JumpPolicy};

/// Who did it, for the customer: the one rep in the session by name; with none or several,
/// the server does not say who (its `install_button` names nobody), so no name is guessed.
pub fn who(reps: &[String]) -> String {
    match reps {
        [one] => one.clone(),
        _ => "Your support representative".to_owned(),
    }
}

/// A Support Button's launcher was written.
pub fn button_added(who: &str, description: &str, on_desktop: bool) -> String {
    let places = if on_desktop {
        "your applications menu and your desktop"
    } else {
        "your applications menu"
    };
    format!(
        "{who} added a Support Button “{}” to {places}. It starts a new support session.",
        clean_description(description)
    )
}

/// A Support Button's launcher could not be written.
pub fn button_not_added(who: &str, description: &str, reason: &str) -> String {
    format!(
        "{who} tried to add a Support Button “{}”, but it could not be saved: {reason}.",
        clean_description(description)
    )
}

/// A Support Button's launcher was deleted (its name read from it, if it was there).
pub fn button_removed(who: &str, description: Option<&str>) -> String {
    match description {
        Some(description) => format!(
            "{who} removed the Support Button “{}”.",
            clean_description(description)
        ),
        None => format!("{who} removed a Support Button."),
    }
}

/// A Support Button's launcher could not be deleted.
pub fn button_not_removed(who: &str, reason: &str) -> String {
    format!("{who} removed a Support Button, but its launcher could not be deleted: {reason}.")
}

/// A Jump Client's agent was installed: what it does, where it is, and how to remove it.
/// `registered` is the unit's or autostart entry's file as shown (`~/.config/...`).
pub fn jump_client_pinned(who: &str, name: &str, registered: &str, systemd: bool) -> String {
    let starts = if systemd {
        "It runs as a systemd user service"
    } else {
        "It starts when you log in"
    };
    format!(
        "{who} pinned a support program (Jump Client “{}”) on this computer. {starts} ({registered}) and lets your support team connect to this computer later, even when you have not asked for help. To remove it, ask your support team to unpin it, or run: switchboard-customer --remove-jump-clients",
        agent_files::clean_name(name)
    )
}

/// A Jump Client's agent could not be installed.
pub fn jump_client_not_pinned(who: &str, name: &str, reason: &str) -> String {
    format!(
        "{who} tried to pin a support program (Jump Client “{}”) on this computer, but it could not be installed: {reason}.",
        agent_files::clean_name(name)
    )
}

/// The first line of the window a Jump Client's agent opens when `rep` jumps to this
/// computer, saying what the rep may do under `policy`.
pub fn jumped(rep: &str, policy: JumpPolicy) -> String {
    let rep = agent_files::clean_name(rep);
    let may = match policy {
        JumpPolicy::Ask => {
            "You will be asked before they can see your screen or use a command shell."
        }
        JumpPolicy::Notify | JumpPolicy::NoPrompt => {
            "They may view your screen and use a command shell without asking; the banner shows it while they do, and Stop ends it."
        }
    };
    format!(
        "{rep} connected to this computer through the support program pinned here (Jump Client). {may}"
    )
}

/// The first line after the chat so far when the program took over a web chat with its
/// join code: the chat goes on here, and the page has closed.
pub const JOINED_WITH_CODE: &str =
    "You are now in the Switchboard program: the chat continues here, and the web page has closed.";

/// A card of steps as chat text: the title, the numbered steps, the note.
pub fn card_text(card: &HelpCard) -> String {
    let mut lines = vec![card.title.clone()];
    lines.extend(
        card.steps
            .iter()
            .enumerate()
            .map(|(at, step)| format!("{}. {step}", at + 1)),
    );
    if !card.note.trim().is_empty() {
        lines.push(card.note.clone());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one rep is named; otherwise nobody is guessed.
    #[test]
    fn who_did_it() {
        assert_eq!(who(&["Alice".to_owned()]), "Alice");
        assert_eq!(who(&[]), "Your support representative");
        assert_eq!(
            who(&["Alice".to_owned(), "Bob".to_owned()]),
            "Your support representative"
        );
    }

    /// The lines name the button (cleaned of control characters) and where it went.
    #[test]
    fn button_lines() {
        assert_eq!(
            button_added("Alice", "Printer help", false),
            "Alice added a Support Button “Printer help” to your applications menu. It starts a new support session."
        );
        assert!(
            button_added("Alice", "a\nb", true)
                .contains("“a b” to your applications menu and your desktop")
        );
        assert_eq!(
            button_removed("Alice", Some("Printer help")),
            "Alice removed the Support Button “Printer help”."
        );
        assert_eq!(button_removed("Bob", None), "Bob removed a Support Button.");
        assert!(
            button_not_added("Alice", "x", "no room").ends_with("could not be saved: no room.")
        );
    }

    /// The Jump Client's line says what it is, where, and how it goes away.
    #[test]
    fn jump_client_lines() {
        let pinned = jump_client_pinned(
            "Alice",
            "Sam\nlaptop",
            "~/.config/autostart/switchboard-jump-3.desktop",
            false,
        );
        assert_eq!(
            pinned,
            "Alice pinned a support program (Jump Client “Sam laptop”) on this computer. It starts when you log in (~/.config/autostart/switchboard-jump-3.desktop) and lets your support team connect to this computer later, even when you have not asked for help. To remove it, ask your support team to unpin it, or run: switchboard-customer --remove-jump-clients"
        );
        assert_eq!(
            jumped("Alice", JumpPolicy::Ask),
            "Alice connected to this computer through the support program pinned here (Jump Client). You will be asked before they can see your screen or use a command shell."
        );
        assert!(jumped("Bob", JumpPolicy::Notify).contains("without asking"));
        assert!(jump_client_pinned("Bob", "x", "u", true).contains("systemd user service (u)"));
        assert!(
            jump_client_not_pinned("Alice", "x", "no room")
                .ends_with("could not be installed: no room.")
        );
    }

    /// A card reads as its title, numbered steps and note.
    #[test]
    fn a_card_as_text() {
        let card = HelpCard {
            title: "Share your screen".into(),
            steps: vec!["Open it.".into(), "Tap Start.".into()],
            note: "Only until you stop.".into(),
        };
        assert_eq!(
            card_text(&card),
            "Share your screen\n1. Open it.\n2. Tap Start.\nOnly until you stop."
        );
    }
}
