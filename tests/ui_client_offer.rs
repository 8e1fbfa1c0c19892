//! UI tests of "Offer the Switchboard program" (Click-to-chat → full client) in the
//! console, against the real server (the kit's test configuration): Alice offers the program
//! to Pat in web chat; the join code shows large in the console, Copy copies it, and Pat's
//! page (the kit's web customer) is sent `client_offered` with the same code; the kit's raw
//! native customer joins with it, so the window says Pat now uses the program, the Screen
//! menu is no longer greyed for web chat and the entry is. The entry greyed with its reason
//! for a customer on the program from the start, and for a web customer disconnected.

#![allow(clippy::unwrap_used)]

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use switchboard::text::client_offer as words;
use switchboard::text::remote as remote_words;
use switchboard_testkit::CustomerClient;
use ui_support::*;

/// The offer's code is shown to Alice and Pat alike; once the program joins with it, the
/// session offers the screen and the entry is greyed.
#[test]
fn an_offer_shows_the_code_and_the_program_joins_with_it() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let mut pat = accepted_web_customer(&server, &mut console, "alice", "Pat Doe");
    wait_for_label(&mut console, remote_words::WEB_CHAT);
    assert!(is_disabled(&console, remote_words::SCREEN_MENU));
    step_until(&mut console, "the offer entry enabled", |h| {
        has_label(h, words::OFFER) && !is_disabled(h, words::OFFER)
    });

    click_label(&mut console, words::OFFER);
    let offered = pat.client_offered(&server);
    assert_eq!(offered.code.len(), "482-193-057".len(), "{offered:?}");
    wait_for_label(&mut console, &offered.code);
    assert!(has_label(&console, &words::title("Pat Doe")));
    assert!(
        console
            .query_by_label_contains("Works once, until")
            .is_some()
    );
    assert!(has_label(&console, &words::customer_sees("Pat Doe")));
    assert_eq!(
        console
            .state()
            .model
            .client_offer
            .as_ref()
            .and_then(|p| p.code.as_ref())
            .map(|c| c.expires_at),
        Some(offered.expires_at),
        "the expiry is the one the page shows"
    );
    copy_copies(&mut console, &offered.code);

    // The program joins with the code: Pat is on the desktop client now.
    let program = server
        .block_on(CustomerClient::join(server.addr(), &offered.code))
        .unwrap_or_else(|refused| panic!("join refused: {refused:?}"));
    wait_for_label(&mut console, &words::now_using("Pat Doe"));
    assert!(has_label(&console, words::NOW_POSSIBLE));
    step_until(&mut console, "the Screen menu enabled", |h| {
        !is_disabled(h, remote_words::SCREEN_MENU)
    });
    assert!(
        !has_label(&console, remote_words::WEB_CHAT),
        "no longer greyed for web chat"
    );
    expect_greyed(&mut console, words::OFFER, words::OFFER_ALREADY_PROGRAM);

    click_label(&mut console, words::CLOSE);
    wait_for_no_label(&mut console, &words::now_using("Pat Doe"));
    drop(program);
}

/// For a customer on the program from the start, and for a web customer who was
/// disconnected, the entry is greyed and says why.
#[test]
fn the_entry_is_greyed_with_its_reason() {
    let server = test_config_server();
    let prefs = tempfile::tempdir().unwrap();
    let mut console = console_as(&server, &prefs.path().join("prefs.json"), "alice");
    let _sam = described_native_customer(&server, "alice");
    accept(&mut console, "Sam Lee");
    expect_greyed(&mut console, words::OFFER, words::OFFER_ALREADY_PROGRAM);

    // Zed waits in the queues, behind Sam's tab.
    let mut zed = Customer::start(
        &server,
        "Zed Zimmer",
        switchboard_protocol::Route::Rep {
            rep: switchboard_protocol::RepId::new("alice"),
        },
    );
    let queues = switchboard::text::queues_tab(1);
    wait_for_label(&mut console, &queues);
    click_label(&mut console, &queues);
    accept(&mut console, "Zed Zimmer");
    step_until(&mut console, "the offer entry enabled for Zed", |h| {
        !is_disabled(h, words::OFFER)
    });
    click_label(&mut console, "Disconnect customer");
    zed.expect_disconnected(&server);
    wait_for_label(&mut console, "(customer not connected)");
    expect_greyed(&mut console, words::OFFER, words::OFFER_NOT_CONNECTED);
}

/// Clicks "Copy code" and checks, frame by frame, that the code went to the clipboard.
fn copy_copies(console: &mut Console, code: &str) {
    wait_until_still(console, words::COPY_CODE);
    console.get_by_label(words::COPY_CODE).click();
    let mut copied = false;
    for _ in 0..3 {
        console.step();
        copied |=
            console.output().platform_output.commands.iter().any(
                |command| matches!(command, egui::OutputCommand::CopyText(text) if text == code),
            );
    }
    assert!(copied, "Copy code did not copy {code:?}");
}
