//! Light and dark looks: the rep's choice (or the operating system's), and the contrast
//! fixes on egui's visuals: secondary ("weak") text at ≥ 4.5:1 against the panels in both.
//! Also the colours that carry meaning beyond egui's own: a wait's service level (warning,
//! breach) and a lead's whisper, each legible in both themes.

use crate::prefs::ThemeChoice;
use switchboard_protocol::supervision::WaitLevel;

/// A wait past its target (dark theme): 9.2:1 on the dark panel (#1B1B1B).
const DARK_WARNING: egui::Color32 = egui::Color32::from_rgb(0xF2, 0xB1, 0x4C);
/// A wait past its breach (dark theme): 6.2:1 on the dark panel.
const DARK_BREACH: egui::Color32 = egui::Color32::from_rgb(0xFF, 0x6B, 0x6B);
/// A wait past its target (light theme): a deep amber, 6.0:1 on the light panel (#F8F8F8).
const LIGHT_WARNING: egui::Color32 = egui::Color32::from_rgb(0x8A, 0x52, 0x00);
/// A wait past its breach (light theme): 6.5:1 on the light panel.
const LIGHT_BREACH: egui::Color32 = egui::Color32::from_rgb(0xB0, 0x1E, 0x1E);

/// The colour of a wait at `level` (`None`: the normal text colour).
pub fn wait_colour(level: WaitLevel, dark: bool) -> Option<egui::Color32> {
    match (level, dark) {
        (WaitLevel::Normal, _) => None,
        (WaitLevel::Warning, true) => Some(DARK_WARNING),
        (WaitLevel::Warning, false) => Some(LIGHT_WARNING),
        (WaitLevel::Breach, true) => Some(DARK_BREACH),
        (WaitLevel::Breach, false) => Some(LIGHT_BREACH),
    }
}

/// A whisper's bubble: violet, unlike the customer's grey, the reps' blue and rep-only
/// amber, so a whisper never looks like something the customer sees.
pub fn whisper_fill(dark: bool) -> egui::Color32 {
    if dark {
        egui::Color32::from_rgb(0x2A, 0x1E, 0x3D)
    } else {
        egui::Color32::from_rgb(0xEE, 0xE3, 0xFA)
    }
}

/// A whisper's caption ("Whisper from Grace"): violet text, ≥ 4.5:1 on its bubble.
pub fn whisper_caption(dark: bool) -> egui::Color32 {
    if dark {
        egui::Color32::from_rgb(0xD9, 0xC2, 0xFF)
    } else {
        egui::Color32::from_rgb(0x5B, 0x2A, 0x9E)
    }
}

/// The monitoring strip's fill in a session tab (a lead watching): the whisper's violet,
/// a shade apart from the panel.
pub fn monitoring_fill(dark: bool) -> egui::Color32 {
    whisper_fill(dark)
}

/// Secondary text in the dark theme: 7.9:1 on egui's dark panel (#1B1B1B).
const DARK_WEAK_TEXT: egui::Color32 = egui::Color32::from_rgb(0xA8, 0xA8, 0xA8);
/// Secondary text in the light theme: 6.4:1 on egui's light panel (#F8F8F8).
const LIGHT_WEAK_TEXT: egui::Color32 = egui::Color32::from_rgb(0x5C, 0x5C, 0x5C);

/// Sets both themes' visuals once (at start).
pub fn install_visuals(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.weak_text_color = Some(DARK_WEAK_TEXT);
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.weak_text_color = Some(LIGHT_WEAK_TEXT);
    });
}

/// Applies the rep's choice: light, dark, or whatever the operating system says.
pub fn apply(ctx: &egui::Context, choice: ThemeChoice) {
    ctx.set_theme(match choice {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
    fn luminance(c: egui::Color32) -> f32 {
        let channel = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Secondary text reads at ≥ 4.5:1 on the panels, windows and fields of both themes.
    #[test]
    fn secondary_text_has_enough_contrast() {
        let dark = egui::Visuals::dark();
        let light = egui::Visuals::light();
        for background in [dark.panel_fill, dark.window_fill, dark.extreme_bg_color] {
            let ratio = contrast(DARK_WEAK_TEXT, background);
            assert!(ratio >= 4.5, "dark {background:?}: {ratio}");
        }
        for background in [light.panel_fill, light.window_fill, light.extreme_bg_color] {
            let ratio = contrast(LIGHT_WEAK_TEXT, background);
            assert!(ratio >= 4.5, "light {background:?}: {ratio}");
        }
    }

    /// The warning and breach colours of a wait read at ≥ 4.5:1 on every background a
    /// queue row has (panel, striped row, window) in both themes, and differ from each other.
    #[test]
    fn wait_colours_have_enough_contrast() {
        for (visuals, dark) in [
            (egui::Visuals::dark(), true),
            (egui::Visuals::light(), false),
        ] {
            let warning = wait_colour(WaitLevel::Warning, dark).expect("a warning colour");
            let breach = wait_colour(WaitLevel::Breach, dark).expect("a breach colour");
            assert_ne!(warning, breach);
            assert_eq!(wait_colour(WaitLevel::Normal, dark), None);
            // The striped rows' tint (`faint_bg_color`) is a translucent overlay on the panel.
            let striped = visuals.panel_fill.blend(visuals.faint_bg_color);
            let backgrounds = [visuals.panel_fill, visuals.window_fill, striped];
            for colour in [warning, breach] {
                for background in backgrounds {
                    let ratio = contrast(colour, background);
                    assert!(
                        ratio >= 4.5,
                        "dark={dark} {colour:?} on {background:?}: {ratio}"
                    );
                }
            }
        }
    }

    /// A whisper's caption and the theme's text read on its bubble in both themes.
    #[test]
    fn whisper_bubble_is_legible() {
        for (visuals, dark) in [
            (egui::Visuals::dark(), true),
            (egui::Visuals::light(), false),
        ] {
            let fill = whisper_fill(dark);
            let caption = contrast(whisper_caption(dark), fill);
            assert!(caption >= 4.5, "dark={dark} caption: {caption}");
            let text = contrast(visuals.text_color(), fill);
            assert!(text >= 4.5, "dark={dark} text: {text}");
            assert!(
                contrast(fill, visuals.panel_fill) > 1.1,
                "the bubble stands out"
            );
        }
    }
}
