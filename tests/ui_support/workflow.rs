//! Test support for the web-chat workflow: customers with a contact (for older messages),
//! files a customer shares and receives, and a console whose file dialogs answer with
//! fixed paths instead of opening.

use super::*;
use egui::accesskit::Role;
use std::path::PathBuf;
use switchboard_protocol::{Attachment, ChatMessage, CustomerInfo, Route};

impl Customer {
    /// A customer who gave `contact` (an email), as a returning customer would.
    pub fn start_with_contact(
        server: &TestServer,
        name: &str,
        contact: &str,
        route: Route,
    ) -> (Customer, String) {
        let customer = CustomerInfo {
            name: name.to_owned(),
            contact: Some(contact.to_owned()),
            ..CustomerInfo::default()
        };
        Customer::start_as(server, customer, route)
    }

    /// Waits for a file a rep shared; returns what the chat says about it.
    pub fn expect_file(&mut self, server: &TestServer) -> Attachment {
        self.expect(server, "a file", |message| match message {
            switchboard_protocol::CustomerServerMessage::Chat { message } => message.attachment,
            _ => None,
        })
    }
}

/// Closes the session in front as its owner: disposition "Resolved", then "End session".
pub fn end_with_disposition(console: &mut Console) {
    click_label(console, "Close session");
    wait_for_label(console, "End session");
    console
        .get_by(|node| node.role() == Role::ComboBox && node.value().as_deref() == Some("Choose…"))
        .click();
    console.step();
    wait_for_label(console, "Resolved");
    click_label(console, "Resolved");
    // End is greyed until the choice is in.
    step_until(console, "End enabled", |h| !is_disabled(h, "End session"));
    click_label(console, "End session");
    wait_for_no_label(console, "Close session");
}

/// Uploads a file as the customer (their reconnect token), as the portal does.
pub fn customer_uploads(
    server: &TestServer,
    session_id: switchboard_protocol::SessionId,
    token: &str,
    name: &str,
    bytes: &[u8],
) -> ChatMessage {
    let url = format!(
        "{}/api/sessions/{session_id}/files?name={name}",
        server.url()
    );
    let body = bytes.to_vec();
    let auth = format!("Customer {token}");
    server.runtime.block_on(async move {
        let response = reqwest::Client::new()
            .post(url)
            .header("Authorization", auth)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201, "the upload was refused");
        response.json().await.unwrap()
    })
}

/// Downloads a shared file as the customer.
pub fn customer_downloads(server: &TestServer, file_id: &str, token: &str) -> Vec<u8> {
    let url = format!("{}/api/files/{file_id}", server.url());
    let auth = format!("Customer {token}");
    server.runtime.block_on(async move {
        let response = reqwest::Client::new()
            .get(url)
            .header("Authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "the download was refused");
        response.bytes().await.unwrap().to_vec()
    })
}

/// The console logged in as `user`, whose "Attach file" picks `pick` and whose "Save"
/// writes into `save_dir`.
pub fn logged_in_with_files(
    server: &TestServer,
    prefs: &std::path::Path,
    user: &str,
    pick: PathBuf,
    save_dir: PathBuf,
) -> Console {
    let options = AppOptions {
        server_url: Some(server.url()),
        prefs_path: Some(prefs.to_path_buf()),
        auto_login: Some((user.to_owned(), format!("{user}-demo"))),
        file_dialogs: switchboard::FileDialogs::Fixed { pick, save_dir },
        ..AppOptions::default()
    };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| SwitchboardApp::new(cc, options));
    step_until(&mut harness, "connected, with the queues shown", |h| {
        h.query_by_label("Connected").is_some() && has_label(h, "Personal")
    });
    harness
}
