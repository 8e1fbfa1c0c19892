//! `switchboard-server customer`: a customer in the terminal. Connects over the customer
//! WebSocket by session key, rep, team, support button, help link, issue or nothing; prints
//! what happens and what the reps say; sends what is typed. With `--script` it sends the
//! lines of standard input and exits when the session ends (for testers and scripts).

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use std::io::Write;
use switchboard_protocol::codec::encode_with_id;
use switchboard_protocol::{
    Author, CustomerHello, CustomerInfo, CustomerRequest, CustomerServerMessage, IssueId,
    PROTOCOL_VERSION, PortalMessage, RepId, RequestId, Route, TeamId,
};
use tokio::io::AsyncBufReadExt;
use tokio_tungstenite::tungstenite::Message;

/// How the terminal customer connects.
#[derive(Debug, Clone, clap::Args)]
pub struct CustomerArgs {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// Your name, as the rep sees it.
    #[arg(long)]
    pub name: String,
    /// Your company (optional).
    #[arg(long)]
    pub company: Option<String>,
    /// Your question, shown to the rep before you chat (optional).
    #[arg(long)]
    pub question: Option<String>,
    /// Your email or account id, so reps see your earlier chats (optional).
    #[arg(long)]
    pub contact: Option<String>,
    /// A session key a rep gave you (their personal queue).
    #[arg(long, group = "route")]
    pub key: Option<String>,
    /// A rep picked by name (their personal queue).
    #[arg(long, group = "route")]
    pub rep: Option<String>,
    /// A team directly, as its support button does.
    #[arg(long, group = "route")]
    pub team: Option<String>,
    /// A support button's token.
    #[arg(long, group = "route")]
    pub button: Option<String>,
    /// A help link to a rep (a browser session).
    #[arg(long, group = "route")]
    pub help_link_rep: Option<String>,
    /// A help link to a team (a browser session).
    #[arg(long, group = "route")]
    pub help_link_team: Option<String>,
    /// An issue from the issue form (the owning team's queue).
    #[arg(long, group = "route")]
    pub issue: Option<String>,
    /// Send the lines of standard input and exit when the session ends (no prompts).
    #[arg(long)]
    pub script: bool,
    /// Also trust the certificate authorities in this PEM file for an https:// server (a
    /// private CA); the system's are always trusted.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<std::path::PathBuf>,
}

impl CustomerArgs {
    fn route(&self) -> Route {
        if let Some(key) = &self.key {
            Route::SessionKey { key: key.clone() }
        } else if let Some(rep) = &self.rep {
            Route::Rep {
                rep: RepId::new(rep.clone()),
            }
        } else if let Some(team) = &self.team {
            Route::Team {
                team: TeamId::new(team.clone()),
            }
        } else if let Some(token) = &self.button {
            Route::Button {
                token: token.clone(),
            }
        } else if let Some(rep) = &self.help_link_rep {
            Route::HelpLink {
                rep: Some(RepId::new(rep.clone())),
                team: None,
            }
        } else if let Some(team) = &self.help_link_team {
            Route::HelpLink {
                rep: None,
                team: Some(TeamId::new(team.clone())),
            }
        } else if let Some(issue) = &self.issue {
            Route::Issue {
                issue: IssueId::new(issue.clone()),
            }
        } else {
            Route::General
        }
    }
}

/// The WebSocket URL of the customer endpoint for a base URL like `http://host:port`.
fn customer_ws_url(server: &str) -> String {
    let base = server.trim().trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if base.starts_with("ws://") || base.starts_with("wss://") {
        base.to_owned()
    } else {
        format!("ws://{base}")
    };
    format!("{base}/ws/customer")
}

fn say(line: impl AsRef<str>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line.as_ref());
    let _ = out.flush();
}

/// What a server message means to the person at the terminal; `true` when the session is over.
fn show(message: &CustomerServerMessage) -> bool {
    match message {
        CustomerServerMessage::SessionStarted {
            session_id,
            reps,
            chat,
            ..
        } => {
            say(format!("* Session {session_id} started."));
            for message in chat {
                say(format!("{}: {}", author(&message.author), message.text));
            }
            if !reps.is_empty() {
                say(format!("* With {}.", reps.join(", ")));
            }
            false
        }
        CustomerServerMessage::RemoteUpdated { .. }
        | CustomerServerMessage::Uninstall
        | CustomerServerMessage::InstallButton { .. }
        | CustomerServerMessage::RemoveButton { .. }
        | CustomerServerMessage::InstallJumpClient { .. }
        | CustomerServerMessage::ElevationCredentials { .. } => {
            // A terminal has no screen to share and nothing installed: the server never asks
            // it (client `web`).
            false
        }
        CustomerServerMessage::Card { card } => {
            say(format!("* {}", card.title));
            for (number, step) in card.steps.iter().enumerate() {
                say(format!("  {}. {step}", number + 1));
            }
            say(format!("  {}", card.note));
            false
        }
        CustomerServerMessage::QueueStatus {
            position,
            estimated_wait_secs,
        } => {
            say(format!(
                "* Waiting: number {position} in the queue, about {estimated_wait_secs} s."
            ));
            false
        }
        CustomerServerMessage::Chat { message } => {
            say(format!("{}: {}", author(&message.author), message.text));
            false
        }
        CustomerServerMessage::RepJoined { name } => {
            say(format!("* {name} joined."));
            false
        }
        CustomerServerMessage::RepLeft { name } => {
            say(format!("* {name} left."));
            false
        }
        CustomerServerMessage::Disconnected { message }
        | CustomerServerMessage::SessionEnded { message } => {
            say(format!("* {message}"));
            true
        }
        CustomerServerMessage::Ok { .. } => false,
        CustomerServerMessage::Error { message, .. } => {
            say(format!("! {message}"));
            false
        }
    }
}

/// A rep's offer of the program, for the person at the terminal: the command that joins.
fn show_offer(server: &str, offer: &PortalMessage) {
    let PortalMessage::ClientOffered { code, .. } = offer;
    say(format!(
        "* You are offered the Switchboard program. Run: switchboard-customer --server {server} --join {code} (the code works once, for ten minutes)."
    ));
}

fn author(author: &Author) -> String {
    match author {
        Author::Customer { name } => name.clone(),
        Author::Rep { name, .. } => name.clone(),
        Author::System => "Switchboard".to_owned(),
    }
}

/// Runs the terminal customer until the session ends (or, interactively, input ends).
pub async fn run(args: CustomerArgs) -> anyhow::Result<()> {
    let url = customer_ws_url(&args.server);
    let tls = switchboard_tls::ClientTls::new(args.ca_file.as_deref())?;
    let (mut socket, _) = match tls.connect_ws(url.as_str(), None, true).await {
        Ok(connected) => connected,
        Err(error) => match switchboard_tls::describe(&switchboard_tls::host_of(&url), &error) {
            Some(sentence) => anyhow::bail!("{sentence}"),
            None => return Err(error).with_context(|| format!("connecting to {url}")),
        },
    };
    let hello = CustomerHello::Start {
        protocol_version: PROTOCOL_VERSION,
        client: switchboard_protocol::ClientKind::Web,
        customer: CustomerInfo {
            name: args.name.clone(),
            company: args.company.clone(),
            question: args.question.clone(),
            contact: args.contact.clone(),
        },
        route: args.route(),
    };
    socket
        .send(Message::Text(serde_json::to_string(&hello)?.into()))
        .await?;
    // The first answer says whether the session exists.
    loop {
        let Some(frame) = socket.next().await else {
            anyhow::bail!("the server closed the connection");
        };
        let Message::Text(text) = frame? else {
            continue;
        };
        let message: CustomerServerMessage = serde_json::from_str(&text)?;
        if let CustomerServerMessage::Error { message, .. } = &message {
            anyhow::bail!("the session could not start: {message}");
        }
        show(&message);
        if matches!(message, CustomerServerMessage::SessionStarted { .. }) {
            break;
        }
    }
    if !args.script {
        say("* Type a message and press Enter. Ctrl-D leaves.");
    }
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut input_open = true;
    let mut next_id = 1u64;
    loop {
        tokio::select! {
            // What the server says: print it; stop when the session is over.
            frame = socket.next() => {
                let Some(frame) = frame else {
                    say("* The connection closed.");
                    return Ok(());
                };
                let Message::Text(text) = frame? else { continue };
                let Ok(message) = serde_json::from_str::<CustomerServerMessage>(&text) else {
                    if let Ok(offer) = serde_json::from_str::<PortalMessage>(&text) {
                        show_offer(&args.server, &offer);
                    }
                    continue;
                };
                if show(&message) {
                    return Ok(());
                }
            }
            // What the customer types: send it; at the end of input, leave (interactive) or wait (script).
            line = lines.next_line(), if input_open => {
                match line? {
                    Some(text) if text.trim().is_empty() => {}
                    Some(text) => {
                        let request = CustomerRequest::Chat { client_msg_id: format!("cli-{next_id}"), text };
                        socket.send(Message::Text(encode_with_id(RequestId(next_id), &request).into())).await?;
                        next_id += 1;
                    }
                    None if args.script => input_open = false,
                    None => {
                        let leave = encode_with_id(RequestId(next_id), &CustomerRequest::Leave);
                        socket.send(Message::Text(leave.into())).await?;
                        say("* You left.");
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Base URLs in every usual spelling lead to the customer WebSocket.
    #[test]
    fn urls() {
        assert_eq!(
            customer_ws_url("http://127.0.0.1:8080/"),
            "ws://127.0.0.1:8080/ws/customer"
        );
        assert_eq!(
            customer_ws_url("https://example.com"),
            "wss://example.com/ws/customer"
        );
        assert_eq!(
            customer_ws_url("localhost:9"),
            "ws://localhost:9/ws/customer"
        );
    }
}
