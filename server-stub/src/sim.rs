//! Simulated customers for testers and the demo: they arrive at random over every entry
//! path, chat a few canned lines, answer reps, and some give up while waiting. A seed
//! makes the arrivals and choices repeatable.

use crate::config::{Config, SimulateConfig};
use futures_util::{SinkExt, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{
    CustomerHello, CustomerInfo, CustomerServerMessage, PROTOCOL_VERSION, RequestId, Route,
};
use tokio_tungstenite::tungstenite::Message;

const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Chloe", "Diego", "Elif", "Femi", "Greta", "Hamid", "Ines", "Jonas", "Keiko",
    "Lars", "Maya", "Nikhil", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tess",
];
const LAST_NAMES: &[&str] = &[
    "Almeida", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Gomez", "Haas", "Ivanova",
    "Jensen", "Kowalski", "Lopez", "Moreau", "Novak", "Okoye", "Park", "Rossi", "Silva",
];
const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Ltd",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Vandelay Imports",
];
const QUESTIONS: &[&str] = &[
    "My invoice shows the wrong amount.",
    "I can't log in since this morning.",
    "The dashboard is very slow today.",
    "How do I upgrade to the team plan?",
    "I was charged twice for March.",
    "The export button does nothing.",
    "Can I get a refund for an unused seat?",
];
const REPLIES: &[&str] = &[
    "Thanks, let me check.",
    "I tried that, it still does not work.",
    "Okay, that makes sense.",
    "Could you explain that again, please?",
    "Here is the error I see: code 403.",
    "Great, it works now. Thank you!",
];

/// Runs until aborted: spawns a simulated customer at random intervals (Poisson arrivals).
pub async fn run(addr: SocketAddr, config: Arc<Config>, settings: SimulateConfig) {
    if settings.rate_per_min <= 0.0 {
        return;
    }
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let mean_gap_secs = 60.0 / settings.rate_per_min;
    loop {
        let u: f64 = rng.random_range(f64::EPSILON..1.0);
        let gap = -u.ln() * mean_gap_secs;
        tokio::time::sleep(Duration::from_secs_f64(gap.min(3600.0))).await;
        let plan = Plan::random(&mut rng, &config);
        let customer_seed = rng.random();
        tokio::spawn(async move {
            if let Err(error) = plan.play(addr, customer_seed).await {
                tracing::debug!(%error, "a simulated customer ended early");
            }
        });
    }
}

/// What one simulated customer will do.
pub struct Plan {
    pub customer: CustomerInfo,
    pub route: Route,
    /// Seconds they wait for a rep before giving up.
    pub patience_secs: u64,
    /// How many times they answer a rep before saying goodbye.
    pub replies: usize,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.random_range(0..items.len()))
    }
}

impl Plan {
    /// A random customer over a random entry path that the configuration supports.
    pub fn random(rng: &mut StdRng, config: &Config) -> Plan {
        let first = pick(rng, FIRST_NAMES).copied().unwrap_or("Alex");
        let last = pick(rng, LAST_NAMES).copied().unwrap_or("Doe");
        let reps: Vec<_> = config.reps.keys().cloned().collect();
        let teams: Vec<_> = config.teams.keys().cloned().collect();
        let issues: Vec<_> = config.issues.keys().cloned().collect();
        let buttons: Vec<_> = config.buttons.keys().cloned().collect();
        let route = match rng.random_range(0..7) {
            0 => pick(rng, &reps).map(|rep| Route::Rep { rep: rep.clone() }),
            1 => pick(rng, &teams).map(|team| Route::Team { team: team.clone() }),
            2 | 3 => pick(rng, &issues).map(|issue| Route::Issue {
                issue: issue.clone(),
            }),
            4 => pick(rng, &buttons).map(|token| Route::Button {
                token: token.clone(),
            }),
            5 => pick(rng, &teams).map(|team| Route::HelpLink {
                rep: None,
                team: Some(team.clone()),
            }),
            _ => None,
        }
        .unwrap_or(Route::General);
        Plan {
            customer: CustomerInfo {
                name: format!("{first} {last}"),
                company: rng
                    .random_bool(0.7)
                    .then(|| pick(rng, COMPANIES).copied().unwrap_or("Acme").to_owned()),
                question: pick(rng, QUESTIONS).map(|q| (*q).to_owned()),
                // From a small pool, so returning customers (and older messages) happen.
                contact: Some(format!(
                    "{}.{}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                )),
            },
            route,
            patience_secs: rng.random_range(60..600),
            replies: rng.random_range(1..5),
        }
    }

    /// Connects as a real WebSocket customer and plays the plan out.
    pub async fn play(self, addr: SocketAddr, seed: u64) -> anyhow::Result<()> {
        let mut rng = StdRng::seed_from_u64(seed);
        let url = format!("ws://{addr}/ws/customer");
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
        let hello = CustomerHello::Start {
            protocol_version: PROTOCOL_VERSION,
            client: switchboard_protocol::ClientKind::Web,
            customer: self.customer.clone(),
            route: self.route.clone(),
        };
        socket
            .send(Message::Text(serde_json::to_string(&hello)?.into()))
            .await?;
        let give_up = tokio::time::sleep(Duration::from_secs(self.patience_secs));
        tokio::pin!(give_up);
        let mut rep_here = false;
        let mut replies_left = self.replies;
        let mut next_id = 1u64;
        loop {
            tokio::select! {
                // Nobody came in time: this customer gives up.
                _ = &mut give_up, if !rep_here => {
                    let leave = switchboard_protocol::codec::encode_with_id(RequestId(next_id), &switchboard_protocol::CustomerRequest::Leave);
                    socket.send(Message::Text(leave.into())).await?;
                    return Ok(());
                }
                frame = socket.next() => {
                    let Some(frame) = frame else { return Ok(()) };
                    let Message::Text(text) = frame? else { continue };
                    let Ok(message) = serde_json::from_str::<CustomerServerMessage>(&text) else { continue };
                    let say = match message {
                        CustomerServerMessage::RepJoined { .. } if !rep_here => {
                            rep_here = true;
                            self.customer.question.clone().or_else(|| Some("Hello!".into()))
                        }
                        CustomerServerMessage::Chat { message } if matches!(message.author, switchboard_protocol::Author::Rep { .. }) => {
                            if replies_left == 0 {
                                None
                            } else {
                                replies_left -= 1;
                                pick(&mut rng, REPLIES).map(|r| (*r).to_owned())
                            }
                        }
                        CustomerServerMessage::SessionEnded { .. } | CustomerServerMessage::Disconnected { .. } => return Ok(()),
                        _ => None,
                    };
                    if let Some(text) = say {
                        // People take a moment to type.
                        tokio::time::sleep(Duration::from_millis(rng.random_range(800..4000))).await;
                        let request = switchboard_protocol::CustomerRequest::Chat { client_msg_id: format!("sim-{next_id}"), text };
                        let frame = switchboard_protocol::codec::encode_with_id(RequestId(next_id), &request);
                        next_id += 1;
                        socket.send(Message::Text(frame.into())).await?;
                    }
                }
            }
        }
    }
}
