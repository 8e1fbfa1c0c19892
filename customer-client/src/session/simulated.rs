//! A simulated customer on the native client, for the console's `--demo` and for tests: a
//! synthetic desktop (a clock, a text field that types itself, marks where the rep clicks),
//! every screen request allowed (a command shell refused: it would run on the machine the
//! demo runs on), a chat line or two, until the session ends.

use super::{CustomerSession, Policy, SessionConfig, SessionEvent};
use crate::publish::ScreenChoice;
use anyhow::Context;
use switchboard_protocol::{CustomerInfo, Route};

/// Runs one simulated native customer named `name` over `route` against `server`
/// (`http://host:port`), sharing a `width` x `height` synthetic desktop with every rep who
/// asks (and refusing a command shell), until the session ends for it.
pub async fn run_simulated_customer(
    server: String,
    name: String,
    route: Route,
    width: u16,
    height: u16,
) -> anyhow::Result<()> {
    let config = SessionConfig {
        server,
        customer: CustomerInfo {
            name,
            company: None,
            question: Some("The export button shows an error; can you look at my screen?".into()),
            contact: None,
        },
        route,
        policy: Policy::AllowAll,
        screen: Ok(ScreenChoice::Synthetic {
            width,
            height,
            typing: true,
        }),
        wake: None,
        elevate_run_as: Vec::new(),
    };
    let (session, mut events) = CustomerSession::start(config)
        .await
        .context("starting the simulated customer's session")?;
    session.send_chat("Hi! Exporting a report gives me an error. Could you look at my screen?");
    let (mut greeted, mut told_sharing) = (false, false);
    while let Some(event) = events.recv().await {
        match event {
            SessionEvent::RepJoined(_) if !greeted => {
                greeted = true;
                session
                    .send_chat("Thanks for taking this. I will allow screen sharing when you ask.");
            }
            SessionEvent::Grants { share, .. } if share.sharing() && !told_sharing => {
                told_sharing = true;
                session.send_chat("You should see my screen now.");
            }
            SessionEvent::Ended(_) => break,
            _ => {}
        }
    }
    Ok(())
}
