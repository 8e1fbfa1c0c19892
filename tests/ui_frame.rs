//! UI tests of the console's frame at the narrowest supported width (1024 px): the top
//! bar's controls never overlap one another or leave the window, however many sessions are
//! open and however long a customer's name; tabs are ellipsized with the full name on hover;
//! and at the widest (2560 px), queue columns stretch and chat lines keep a readable width.

mod ui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use ui_support::*;

/// A customer name of 99 characters.
const LONG_NAME: &str = "Maximiliana Alexandrina Konstantinopoulou-Vandersteenhoven de la Cruz y Montenegro-Oyelaran Jr";

/// The rectangle of the one widget with this role and label.
fn rect_of(console: &Console, role: Role, label: &str) -> egui::Rect {
    console.get_by_role_and_label(role, label).rect()
}

/// Goes back to the queues through the first tab, whatever its count says.
fn show_queues(console: &mut Console) {
    console
        .get_by(|n| {
            n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with("Queues ("))
        })
        .click();
    console.run_steps(2);
}

/// At 1024 × 700 with five sessions open, one named with 99 characters, the fixed controls
/// of the top bar and the tab row keep their own rectangles inside the window; the long
/// tab is ellipsized and shows the whole name on hover.
#[test]
fn narrow_window_keeps_every_control_in_its_own_place() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    alice.set_size(egui::vec2(1024.0, 700.0));
    let names = ["Ann Archer", "Bo Baker", "Cy Cooper", "Di Dunn", LONG_NAME];
    let _customers: Vec<Customer> = names
        .iter()
        .map(|name| Customer::start(&server, name, invoice()))
        .collect();
    for name in names {
        show_queues(&mut alice);
        accept(&mut alice, name);
    }

    let width = 1024.0;
    let fixed = [
        (Role::Button, "Log out"),
        (Role::Button, "Settings"),
        (Role::Button, "Shortcuts"),
        (Role::ComboBox, "Presence"),
        (Role::Button, "Session key"),
        (Role::Button, "Waiting (0)"),
        (Role::Button, "Queues (0)"),
        (Role::Button, "Active sessions"),
    ];
    let rects: Vec<(&str, egui::Rect)> = fixed
        .iter()
        .map(|(role, label)| (*label, rect_of(&alice, *role, label)))
        .collect();
    for (label, rect) in &rects {
        assert!(
            rect.min.x >= 0.0 && rect.max.x <= width && rect.width() > 10.0,
            "{label} inside the window: {rect:?}"
        );
    }
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            assert!(!ra.intersects(*rb), "{a} {ra:?} overlaps {b} {rb:?}");
        }
    }

    // The tab in front (the last accepted) is in sight between Queues and the menu, and no
    // wider than a tab may be.
    let tab = rect_of(&alice, Role::Button, LONG_NAME);
    let queues = rect_of(&alice, Role::Button, "Queues (0)");
    let menu = rect_of(&alice, Role::Button, "Active sessions");
    assert!(
        tab.width() <= switchboard::ui::top_bar::tabs::TAB_MAX_WIDTH + 1.0,
        "{tab:?}"
    );
    assert!(
        tab.min.x >= queues.max.x && tab.max.x <= menu.min.x,
        "the tab in front {tab:?} lies between {queues:?} and {menu:?}"
    );

    // The whole name shows on hover.
    let before = count_labels(&alice, LONG_NAME);
    alice.get_by_role_and_label(Role::Button, LONG_NAME).hover();
    step_until(&mut alice, "a tooltip with the whole name", |h| {
        count_labels(h, LONG_NAME) > before
    });
}

/// The queue table's text columns widen with the window: at 2560 px the Company column
/// starts further right than at 1280 px.
#[test]
fn queue_columns_stretch_with_the_window() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let _ann = Customer::start(&server, "Ann Archer", invoice());
    wait_for_label(&mut alice, "Ann Archer");
    let company = |h: &Console| rect_of(h, Role::Button, "Company").min.x;
    let narrow = company(&alice);
    alice.set_size(egui::vec2(2560.0, 1440.0));
    step_until(&mut alice, "the Company column further right", |h| {
        company(h) > narrow + 300.0
    });
}

/// At 2560 px a long message wraps in a bubble of readable width (about a hundred
/// characters) instead of running across the whole window.
#[test]
fn a_long_message_wraps_at_a_readable_width_on_a_wide_window() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let (mut alice, mut zed) = in_session(&server, &prefs.path().join("a.json"), "Zed Zimmer");
    alice.set_size(egui::vec2(2560.0, 1440.0));
    let long = "My invoice from March lists the team plan twice. ".repeat(8);
    let long = long.trim_end();
    zed.say(&server, long);
    wait_for_label(&mut alice, long);
    let text = alice.get_by_label(long).rect();
    assert!(
        text.width() <= 780.0,
        "the message's lines are at most ~760 px wide: {text:?}"
    );
    assert!(
        text.height() > 40.0,
        "it wraps over several lines: {text:?}"
    );
}

/// Whether the widget with this role and label shows its whole text: its rectangle is at
/// least as wide as the text laid out in its font, plus a button's padding (an ellipsized
/// one is cut to what the room allows).
fn shows_whole_text(console: &Console, role: Role, label: &str) -> bool {
    let rect = rect_of(console, role, label);
    let ctx = &console.ctx;
    let style = ctx.global_style();
    let (font, padding) = if role == Role::Label {
        (egui::TextStyle::Body.resolve(&style), 0.0)
    } else {
        let font = egui::TextStyle::Button.resolve(&style);
        (font, style.spacing.button_padding.x)
    };
    let text = ctx.fonts_mut(|f| {
        f.layout_no_wrap(label.to_owned(), font, egui::Color32::WHITE)
            .size()
            .x
    });
    rect.width() + 0.5 >= text + 2.0 * padding
}

/// At 1024 × 700 a team lead's top bar (Waiting activities, Assistance, Jump Clients, the
/// load, Take next and the right-hand controls) fits: every control inside the window,
/// none overlapping another, and none of their labels cut short ("Assistance" was "A…").
#[test]
fn a_leads_top_bar_fits_at_1024_without_cutting_labels() {
    use switchboard::text::supervision as words;
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut grace = logged_in(&server, &prefs.path().join("g.json"), "grace");
    grace.set_size(egui::vec2(1024.0, 700.0));
    grace.run_steps(3);
    let load = grace.state().model.load().unwrap();
    let fixed = [
        (Role::Button, "Waiting (0)".to_owned()),
        (Role::Button, "Assistance".to_owned()),
        (Role::Button, "Jump Clients".to_owned()),
        (Role::Label, words::load_figure(load.owned, load.cap)),
        (Role::Button, words::TAKE_NEXT.to_owned()),
        (Role::Button, "Session key".to_owned()),
        (Role::ComboBox, "Presence".to_owned()),
        (Role::Button, "Settings".to_owned()),
        (Role::Button, "Shortcuts".to_owned()),
        (Role::Button, "Log out".to_owned()),
    ];
    for (role, label) in &fixed {
        let rect = rect_of(&grace, *role, label);
        assert!(
            rect.min.x >= 0.0 && rect.max.x <= 1024.0,
            "{label} inside the window: {rect:?}"
        );
        if *role != Role::ComboBox {
            assert!(
                shows_whole_text(&grace, *role, label),
                "{label} shows whole: {rect:?}"
            );
        }
    }
    for (i, (role_a, a)) in fixed.iter().enumerate() {
        let ra = rect_of(&grace, *role_a, a);
        for (role_b, b) in &fixed[i + 1..] {
            let rb = rect_of(&grace, *role_b, b);
            assert!(!ra.intersects(rb), "{a} {ra:?} overlaps {b} {rb:?}");
        }
    }
}
