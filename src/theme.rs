//! Light and dark looks: the rep's choice (or the operating system's), and the contrast
//! fixes on egui's visuals: secondary ("weak") text at ≥ 4.5:1 against the panels in both.

use crate::prefs::ThemeChoice;

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
}
