//! UI tests of legibility: names in emoji and the world's common scripts are drawn with
//! real glyphs (the bundled font stack), and the look switches between light and dark in
//! Settings.

mod ui_support;

use egui::accesskit::Role;
use ui_support::*;

/// Whether every character of `text` has a glyph in the console's proportional fonts
/// (a missing one would be drawn as an empty box).
fn has_glyphs(console: &Console, text: &str) -> bool {
    console
        .ctx
        .fonts_mut(|fonts| fonts.has_glyphs(&egui::FontId::proportional(14.0), text))
}

/// A customer named with an emoji shows in the queue, and every name below, in Cyrillic,
/// Greek, Arabic, Devanagari, Chinese, Japanese and Korean, has its glyphs.
#[test]
fn emoji_and_scripts_in_names_have_glyphs() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    let name = "Sam 🙂 Smile";
    let _sam = Customer::start(&server, name, invoice());
    wait_for_label(&mut alice, name);
    assert!(has_glyphs(&alice, name), "🙂 has a glyph");
    for name in [
        "Жанна Петрова",
        "Γιώργος",
        "فاطمة",
        "अनीता शर्मा",
        "王小明",
        "さくら 山田",
        "김민준",
        "👍 😀 🎉 ❤",
    ] {
        assert!(has_glyphs(&alice, name), "{name} has glyphs");
    }
}

/// Settings switches the look to dark and to light.
#[test]
fn settings_switch_the_theme() {
    let server = TestServer::start();
    let prefs = tempfile::tempdir().unwrap();
    let mut alice = logged_in(&server, &prefs.path().join("a.json"), "alice");
    click_until_shown(&mut alice, "Settings", "Dark");
    click_role(&mut alice, Role::RadioButton, "Dark");
    step_until(&mut alice, "the dark theme", |h| {
        h.ctx.theme() == egui::Theme::Dark
    });
    click_role(&mut alice, Role::RadioButton, "Light");
    step_until(&mut alice, "the light theme", |h| {
        h.ctx.theme() == egui::Theme::Light
    });
    alice.state().flush_prefs();
    let saved = std::fs::read_to_string(prefs.path().join("a.json")).unwrap();
    assert!(saved.contains("\"theme\": \"light\""), "{saved}");
}
