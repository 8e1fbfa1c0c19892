//! The actor's side of what the program keeps on the computer (`crate::install`): it
//! describes the machine after every start and resume (`describe_machine`, so reps can list
//! the Support Buttons on it), writes and deletes Support Buttons' launchers when told
//! (`install_button`, `remove_button`) and reports each with `button_result`, installs a
//! Jump Client's agent (`install_jump_client`, reported with `jump_client_result`), and after
//! `uninstall` removes the program once the session has ended. The file work is blocking IO
//! and runs on tokio's blocking pool; the actor waits for it (a few small files). Every line
//! the customer should read goes to the chat as a note (`notes.rs`). Kept apart from
//! `actor.rs`, which carries the chat, the consent answers and the screen.

use super::Actor;
use crate::install::{self, InstallError, Places};
use crate::session::{SessionEvent, notes};
use std::sync::Arc;
use switchboard_protocol::{ButtonId, CustomerRequest, JumpClientId};

/// The longest `detail` sent with a failed `button_result` (the server keeps 200).
const MAX_DETAIL_CHARS: usize = 200;

impl Actor {
    /// Sends `describe_machine` (worked out the first time; blocking IO for the kept id).
    pub(super) async fn describe_machine(&mut self) {
        let machine = match &self.machine {
            Some(machine) => machine.clone(),
            None => {
                let places = self.places.clone();
                let described = tokio::task::spawn_blocking(move || {
                    install::describe_machine(places.as_deref())
                })
                .await;
                let machine = match described {
                    Ok(machine) => machine,
                    Err(error) => {
                        tracing::error!(%error, "describing the machine failed");
                        install::describe_machine(None)
                    }
                };
                self.machine = Some(machine.clone());
                machine
            }
        };
        let id = self
            .send(CustomerRequest::DescribeMachine { machine })
            .await;
        self.quiet.insert(id);
    }

    /// `install_button`: writes the launcher, reports it, tells the customer.
    pub(super) async fn install_button(
        &mut self,
        button_id: ButtonId,
        token: String,
        description: String,
    ) {
        let server = self.config.server.trim().to_owned();
        let shown = description.clone();
        let written = with_places(self.places.clone(), move |places| {
            install::install_button(places, &server, button_id, &token, &description)
        })
        .await;
        let who = notes::who(&self.resume.reps);
        let (done, detail, note) = match written {
            Ok(installed) => (
                true,
                String::new(),
                notes::button_added(&who, &shown, installed.on_desktop),
            ),
            Err(error) => {
                tracing::warn!(%error, ?button_id, "a Support Button not written");
                let reason = error.to_string();
                let note = notes::button_not_added(&who, &shown, &reason);
                (false, reason, note)
            }
        };
        self.report_button(button_id, done, detail).await;
        (self.emit)(SessionEvent::Note(note));
    }

    /// `remove_button`: deletes the launcher, reports it, tells the customer.
    pub(super) async fn remove_button(&mut self, button_id: ButtonId) {
        let removed = with_places(self.places.clone(), move |places| {
            install::remove_button(places, button_id)
        })
        .await;
        let who = notes::who(&self.resume.reps);
        let (done, detail, note) = match removed {
            Ok(description) => (
                true,
                String::new(),
                notes::button_removed(&who, description.as_deref()),
            ),
            Err(error) => {
                tracing::warn!(%error, ?button_id, "a Support Button not deleted");
                let reason = error.to_string();
                let note = notes::button_not_removed(&who, &reason);
                (false, reason, note)
            }
        };
        self.report_button(button_id, done, detail).await;
        (self.emit)(SessionEvent::Note(note));
    }

    /// `install_jump_client`: installs the agent, reports it (`jump_client_result`), tells
    /// the customer what was pinned and how to remove it.
    pub(super) async fn install_jump_client(
        &mut self,
        jump_client_id: JumpClientId,
        token: String,
        name: String,
    ) {
        let server = self.config.server.trim().to_owned();
        let agent_name = name.clone();
        let places = self.places.clone();
        let installed = with_places(self.places.clone(), move |places| {
            install::install_jump_client(places, &server, jump_client_id, &token, &agent_name)
        })
        .await;
        let who = notes::who(&self.resume.reps);
        let (done, detail, note) = match installed {
            Ok(installed) => {
                let (path, systemd) = match &installed.registered {
                    install::Registered::SystemdUnit(path) => (path, true),
                    install::Registered::Autostart(path) => (path, false),
                };
                let shown = match &places {
                    Some(places) => places.shown(path),
                    None => path.display().to_string(),
                };
                let note = notes::jump_client_pinned(&who, &name, &shown, systemd);
                (true, String::new(), note)
            }
            Err(error) => {
                tracing::warn!(%error, ?jump_client_id, "a Jump Client not installed");
                let reason = error.to_string();
                let note = notes::jump_client_not_pinned(&who, &name, &reason);
                (false, reason, note)
            }
        };
        let detail = detail.chars().take(MAX_DETAIL_CHARS).collect();
        let id = self
            .send(CustomerRequest::JumpClientResult {
                jump_client_id,
                done,
                detail,
            })
            .await;
        self.quiet.insert(id);
        (self.emit)(SessionEvent::Note(note));
    }

    /// The session ended after `uninstall`: removes the program's things and tells the
    /// customer what went (the window then exits).
    pub(super) async fn remove_program(&mut self) {
        let words = match self.places.clone() {
            Some(places) => {
                match tokio::task::spawn_blocking(move || install::uninstall(&places)).await {
                    Ok(removal) => removal.words(),
                    Err(error) => {
                        tracing::error!(%error, "uninstalling failed");
                        "The support program could not remove itself from this computer.".to_owned()
                    }
                }
            }
            None => "This support program kept nothing on this computer.".to_owned(),
        };
        (self.emit)(SessionEvent::Uninstalled(words));
    }

    /// `button_result`, its answer not for the customer's eyes.
    async fn report_button(&mut self, button_id: ButtonId, done: bool, detail: String) {
        let detail = detail.chars().take(MAX_DETAIL_CHARS).collect();
        let id = self
            .send(CustomerRequest::ButtonResult {
                button_id,
                done,
                detail,
            })
            .await;
        self.quiet.insert(id);
    }
}

/// Runs `work` with `places` on the blocking pool; without places it fails at once.
async fn with_places<T: Send + 'static>(
    places: Option<Arc<Places>>,
    work: impl FnOnce(&Places) -> Result<T, InstallError> + Send + 'static,
) -> Result<T, InstallError> {
    let Some(places) = places else {
        return Err(InstallError::NoPlaces);
    };
    match tokio::task::spawn_blocking(move || work(&places)).await {
        Ok(result) => result,
        Err(error) => Err(InstallError::Io {
            what: "finish writing".to_owned(),
            source: std::io::Error::other(error.to_string()),
        }),
    }
}
