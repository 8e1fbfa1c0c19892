//! Click-to-chat → full client, the program's side, against the real server: a web customer
//! chatting with Alice is offered the program; the page gets the code; the real
//! `CustomerSession` joins with it (the `join` hello) and carries on the session: the chat so
//! far, Alice sees the desktop as the source, her screen request prompts the program and,
//! allowed, frames arrive; the chat goes both ways; a command shell is prompted, runs, and
//! Stop ends it; the code is then used up, a wrong one is refused in the server's words and
//! too many are rate limited; after a dropped connection the joined session resumes with the
//! token the join gave.

#![allow(clippy::unwrap_used)]

mod common;

use common::join::{code, join_config, say, until, web_chat};
use common::{Viewer, grant_state, share_event};
use switchboard_customer::session::{
    CustomerSession, Policy, SessionError, SessionEvent, notes::JOINED_WITH_CODE,
};
use switchboard_protocol::{
    Capability, CustomerServerMessage, ErrorCode, GrantState, RepEvent, ScreenSource, SessionId,
};
use switchboard_testkit::{RepClient, TestServer, test_config_with_limits};

/// Waits for Alice's `session_updated` of `session_id` showing the customer's desktop.
async fn desktop_source(alice: &mut RepClient, session_id: SessionId) {
    alice
        .pick("session_updated with the desktop source", |e| match e {
            RepEvent::SessionUpdated { session }
                if session.session_id == session_id
                    && session.remote.source == ScreenSource::Desktop =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
}

/// The refusal of a join with `typed`: its code and the words the customer reads.
async fn refused(server: &TestServer, typed: &str) -> (ErrorCode, String) {
    let config = join_config(server, Policy::Ask);
    match CustomerSession::join_with_code(config, None, &code(typed)).await {
        Ok((session, _)) => panic!("{typed} joined session {}", session.session_id),
        Err(error @ SessionError::Refused { .. }) => {
            let words = error.for_customer();
            let SessionError::Refused { code, .. } = error else {
                unreachable!()
            };
            (code, words)
        }
        Err(other) => panic!("{typed}: {other}"),
    }
}

/// The code from the page joins the program to the same session with the chat so far and a
/// token of its own; the page is let go; Alice sees the desktop; her screen request prompts
/// the program and, allowed, she gets its frames; the chat goes both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_joins_a_web_chat_with_its_code() {
    let server = TestServer::start().await;
    let mut web = web_chat(&server).await;
    let shown = web.offer().await;

    // Typed as it is read out, with spaces.
    let typed = shown.replace('-', " ");
    let (program, mut events) =
        CustomerSession::join_with_code(join_config(&server, Policy::Ask), None, &code(&typed))
            .await
            .unwrap_or_else(|e| panic!("join with {typed:?}: {e}"));
    assert_eq!(program.session_id, web.session_id);
    assert_ne!(program.customer_token, web.page.token, "a token of its own");

    // First the chat so far, then the program's line, then who is here.
    let mut seen = Vec::new();
    until(&mut events, "Alice in the session", &mut seen, |e| {
        matches!(e, SessionEvent::RepJoined(name) if name == "Alice").then_some(())
    })
    .await;
    let chat: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Chat(m) => Some(m.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(chat, ["My printer is broken", "Hello Pat"], "{seen:?}");
    let note = seen
        .iter()
        .position(|e| matches!(e, SessionEvent::Note(n) if n == JOINED_WITH_CODE));
    assert_eq!(note, Some(2), "the note follows the chat so far: {seen:?}");

    // The page is told the chat goes on in the program, and closed.
    let told = web.page.until_closed().await;
    assert!(
        told.iter()
            .any(|m| matches!(m, CustomerServerMessage::Disconnected { .. })),
        "the page is let go: {told:?}"
    );
    desktop_source(&mut web.alice, web.session_id).await;

    // A screen request prompts the program (the window asks); allowed, frames arrive.
    let grant = web
        .alice
        .request_remote(web.session_id, Capability::ScreenView)
        .await;
    until(&mut events, "the prompt", &mut seen, |e| match e {
        SessionEvent::Grants { prompts, .. } if prompts.iter().any(|p| p.grant_id == grant) => {
            Some(())
        }
        _ => None,
    })
    .await;
    program.answer(grant, true);
    grant_state(&mut web.alice, grant, GrantState::Granted).await;
    share_event(&mut events, |share| share.sharing()).await;
    let mut viewer = Viewer::open(&server, &mut web.alice, web.session_id).await;
    viewer
        .until("the whole screen", |f| f.width == 320 && f.height == 200)
        .await;

    // The chat goes both ways.
    program.send_chat("Now in the program");
    web.alice.chat_text("Now in the program").await;
    web.alice
        .ok(say(web.session_id, "I can see your screen"))
        .await;
    until(&mut events, "Alice's line", &mut seen, |e| {
        matches!(e, SessionEvent::Chat(m) if m.text == "I can see your screen").then_some(())
    })
    .await;
}

/// A used code and a wrong one are refused `key_invalid` in the server's plain words (the
/// window shows them above the field for another code); the join that worked is untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_or_wrong_code_is_refused_in_words() {
    let server = TestServer::start().await;
    let mut web = web_chat(&server).await;
    let shown = web.offer().await;
    let (program, _events) =
        CustomerSession::join_with_code(join_config(&server, Policy::Ask), None, &code(&shown))
            .await
            .unwrap();

    let (used, words) = refused(&server, &shown).await;
    assert_eq!(used, ErrorCode::KeyInvalid);
    assert!(
        words.contains("expired or been used") && words.contains("Ask your representative"),
        "plain words: {words}"
    );
    let wrong = if shown == "000-000-000" {
        "000-000-001"
    } else {
        "000-000-000"
    };
    assert_eq!(refused(&server, wrong).await.0, ErrorCode::KeyInvalid);

    // The program that joined still has the session.
    program.send_chat("Still here");
    web.alice.chat_text("Still here").await;
}

/// Wrong codes count against the address: past the limit even the right code is refused
/// `rate_limited`, with words that say to wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_wrong_codes_are_rate_limited() {
    let config = test_config_with_limits("session_key_guesses_per_minute = 2\n");
    let server = TestServer::start_with(config).await;
    let mut web = web_chat(&server).await;
    let shown = web.offer().await;
    for wrong in ["111-111-111", "222-222-222"] {
        if wrong != shown {
            assert_eq!(refused(&server, wrong).await.0, ErrorCode::KeyInvalid);
        }
    }
    let (limited, words) = refused(&server, &shown).await;
    assert_eq!(limited, ErrorCode::RateLimited);
    assert!(words.contains("Try again in"), "plain words: {words}");
}

/// A joined session survives a dropped connection (the server restarts): the program
/// resumes with the token the join gave, the chat goes on without repeats, and Alice's
/// new screen request prompts it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joined_session_resumes_after_a_drop() {
    let mut server = TestServer::start().await;
    let mut web = web_chat(&server).await;
    let shown = web.offer().await;
    let (program, mut events) = CustomerSession::join_with_code(
        join_config(&server, Policy::AllowAll),
        None,
        &code(&shown),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    until(&mut events, "the chat so far", &mut seen, |e| {
        matches!(e, SessionEvent::Chat(m) if m.text == "Hello Pat").then_some(())
    })
    .await;
    desktop_source(&mut web.alice, web.session_id).await;

    server.stop().await;
    until(&mut events, "Reconnecting", &mut seen, |e| {
        matches!(e, SessionEvent::Reconnecting).then_some(())
    })
    .await;
    program.send_chat("Typed while offline");
    server.start_again().await;
    until(&mut events, "Reconnected", &mut seen, |e| {
        matches!(e, SessionEvent::Reconnected { .. }).then_some(())
    })
    .await;
    until(
        &mut events,
        "the line typed offline, stored",
        &mut seen,
        |e| matches!(e, SessionEvent::Chat(m) if m.text == "Typed while offline").then_some(()),
    )
    .await;

    let mut alice = server.rep("alice").await;
    alice.ok(say(web.session_id, "After the drop")).await;
    until(&mut events, "Alice's line after the drop", &mut seen, |e| {
        matches!(e, SessionEvent::Chat(m) if m.text == "After the drop").then_some(())
    })
    .await;
    let earlier = seen
        .iter()
        .filter(|e| matches!(e, SessionEvent::Chat(m) if m.text == "Hello Pat"))
        .count();
    assert_eq!(earlier, 1, "the chat before the drop is not shown twice");

    // Still the program's session: a screen request is for its desktop again.
    let grant = alice
        .request_remote(web.session_id, Capability::ScreenView)
        .await;
    grant_state(&mut alice, grant, GrantState::Granted).await;
    share_event(&mut events, |share| share.sharing()).await;
}

/// A joined session offers the shell as a started one does: Alice's request prompts the
/// program, allowed a shell runs `echo`, and the customer's Stop ends it at once.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joined_session_runs_a_shell_until_stop() {
    use common::jump::RepShell;
    let server = TestServer::start().await;
    let mut web = web_chat(&server).await;
    let shown = web.offer().await;
    let (program, mut events) =
        CustomerSession::join_with_code(join_config(&server, Policy::Ask), None, &code(&shown))
            .await
            .unwrap();
    desktop_source(&mut web.alice, web.session_id).await;

    let grant = web
        .alice
        .request_remote(web.session_id, Capability::Shell)
        .await;
    let mut seen = Vec::new();
    until(&mut events, "the shell's prompt", &mut seen, |e| match e {
        SessionEvent::Grants { prompts, .. } if prompts.iter().any(|p| p.grant_id == grant) => {
            Some(())
        }
        _ => None,
    })
    .await;
    program.answer(grant, true);
    grant_state(&mut web.alice, grant, GrantState::Granted).await;
    let mut shell = RepShell::open(&server, &mut web.alice, web.session_id).await;
    shell.type_text("echo joined $((6*7))\r").await;
    shell.read_until("joined 42").await;

    program.stop_sharing();
    assert!(
        program.share_state().borrow().shell.is_none(),
        "stopped here at once"
    );
    grant_state(&mut web.alice, grant, GrantState::Stopped).await;
}
