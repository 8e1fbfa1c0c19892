//! The console's font stack: egui's defaults, then the bundled Noto fonts (see
//! `assets/fonts/README.md`) as fallbacks, so emoji in a customer's name and the world's
//! common scripts (Cyrillic, Greek, Arabic, Devanagari, Chinese, Japanese, Korean) render
//! on a machine with no fonts installed. Hack comes last for the sort arrows ▲ ▼.

use std::sync::Arc;

/// The bundled fonts: egui's key for each, and its bytes. The emoji font replaces egui's
/// trimmed one under the same key (which lacks 🙂 and many more).
const BUNDLED: &[(&str, &[u8])] = &[
    (
        "NotoSans",
        include_bytes!("../assets/fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoEmoji-Regular",
        include_bytes!("../assets/fonts/NotoEmoji-Regular.ttf"),
    ),
    (
        "NotoSansArabic",
        include_bytes!("../assets/fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "NotoSansDevanagari",
        include_bytes!("../assets/fonts/NotoSansDevanagari-Regular.ttf"),
    ),
    (
        "NotoSansCJK",
        include_bytes!("../assets/fonts/NotoSansCJKsc-Regular-subset.otf"),
    ),
];

/// Fallbacks after each family's own fonts, in the order they are tried.
const FALLBACKS: &[&str] = &[
    "NotoSans",
    "NotoSansArabic",
    "NotoSansDevanagari",
    "NotoSansCJK",
];

/// Installs the font stack into `ctx`.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}

/// egui's default fonts with the bundled ones added.
pub fn font_definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    for (name, bytes) in BUNDLED {
        fonts.font_data.insert(
            (*name).to_owned(),
            Arc::new(egui::FontData::from_static(bytes)),
        );
    }
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        for fallback in FALLBACKS {
            if !list.iter().any(|f| f == fallback) {
                list.push((*fallback).to_owned());
            }
        }
        if !list.iter().any(|f| f == "NotoEmoji-Regular") {
            list.push("NotoEmoji-Regular".to_owned());
        }
    }
    // Hack carries the sort arrows ▲ ▼ that the other fonts lack.
    fonts
        .families
        .entry(egui::FontFamily::Proportional)
        .or_default()
        .push("Hack".to_owned());
    fonts
}
