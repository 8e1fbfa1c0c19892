//! UI tests of the Shell view's terminal widget on its own (no server, no shell): a
//! kittest harness shows just `terminal_view_ui` over a model fed known VT sequences, and
//! the tests check what it draws from, that keys reach the shell only while it has the
//! focus, that a drag copies the selected text, that the wheel scrolls back, that a
//! resize is reported, and that an ended shell says so and takes no more input.

#![allow(clippy::unwrap_used)]

use egui::{Event, Key, Modifiers, MouseWheelUnit, PointerButton, Pos2, Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use switchboard::terminal::{CellColor, ShellEnd, TermSize, TerminalModel, palette};
use switchboard::ui::terminal_view::{
    SHELL_LABEL, TerminalViewState, ended_text, terminal_view_ui,
};

/// The widget's model and state, and everything its responses reported.
struct Shell {
    model: TerminalModel,
    view: TerminalViewState,
    input: Vec<u8>,
    copied: Vec<String>,
    resizes: Vec<TermSize>,
    focused: bool,
    widget: Rect,
    grid: Rect,
    cell_size: Vec2,
}

fn shell(size: [f32; 2], output: &[u8]) -> Harness<'static, Shell> {
    let mut model = TerminalModel::new(TermSize { rows: 24, cols: 80 });
    model.process(output);
    let shell = Shell {
        model,
        view: TerminalViewState::default(),
        input: Vec::new(),
        copied: Vec::new(),
        resizes: Vec::new(),
        focused: false,
        widget: Rect::NOTHING,
        grid: Rect::NOTHING,
        cell_size: Vec2::ZERO,
    };
    let mut harness = Harness::builder()
        .with_size(size)
        .with_context_setup(switchboard::app::install_fonts)
        .build_ui_state(
            |ui, shell: &mut Shell| {
                let response = terminal_view_ui(ui, &mut shell.model, &mut shell.view);
                shell.input.extend(response.input);
                shell.copied.extend(response.copied);
                shell.resizes.extend(response.resized);
                shell.focused = response.focused;
                shell.widget = response.response.rect;
                shell.grid = response.grid;
                shell.cell_size = response.cell_size;
            },
            shell,
        );
    harness.run();
    harness
}

/// The centre of the cell at `row`, `col` on screen.
fn cell_centre(harness: &Harness<'_, Shell>, row: u16, col: u16) -> Pos2 {
    let Shell {
        grid, cell_size, ..
    } = harness.state();
    grid.min
        + Vec2::new(
            (f32::from(col) + 0.5) * cell_size.x,
            (f32::from(row) + 0.5) * cell_size.y,
        )
}

/// The colours of the glyphs drawn in the last frame (the vertices of its text shapes).
fn glyph_colours(harness: &Harness<'_, Shell>) -> Vec<egui::Color32> {
    let mut colours = Vec::new();
    for clipped in &harness.output().shapes {
        if let egui::Shape::Text(text) = &clipped.shape {
            for row in &text.galley.rows {
                colours.extend(row.visuals.mesh.vertices.iter().map(|v| v.color));
            }
        }
    }
    colours
}

fn click_shell(harness: &mut Harness<'_, Shell>) {
    harness.get_by_label(SHELL_LABEL).click();
    harness.run();
}

/// The known sequence is drawn from a model with its colours, attributes and cursor, the
/// grid fills the harness, and the widget is found by its label.
#[test]
fn shows_a_known_sequence_under_its_label() {
    let harness = shell(
        [800.0, 400.0],
        b"\x1b[31mred\x1b[0m \x1b[1;4mbold\x1b[0m \x1b[38;5;33mblue\x1b[0m\r\n$ ",
    );
    let _ = harness.get_by_label(SHELL_LABEL);
    let state = harness.state();
    let model = &state.model;
    assert_eq!(model.row_text(0), "red bold blue");
    assert_eq!(model.cell(0, 0).unwrap().fg, CellColor::Indexed(1));
    let bold = model.cell(0, 4).unwrap();
    assert!(bold.bold && bold.underline);
    assert_eq!(model.cell(0, 9).unwrap().fg, CellColor::Indexed(33));
    assert_eq!((model.cursor().row, model.cursor().col), (1, 2));
    // The glyphs are drawn in their cells' colours: red (bold brightens the default only
    // for the named colours), 256-colour blue, and the default foreground.
    let drawn = glyph_colours(&harness);
    let rgb = |[r, g, b]: [u8; 3]| egui::Color32::from_rgb(r, g, b);
    for colour in [
        rgb(palette::indexed(1)),
        rgb(palette::indexed(33)),
        rgb(palette::DEFAULT_FG),
    ] {
        assert!(drawn.contains(&colour), "{colour:?} not drawn");
    }
    // The grid is as many cells as fit in the space the harness gives, less the padding.
    let size = model.size();
    assert_eq!(state.resizes.last(), Some(&size));
    let room = state.widget.size() - Vec2::splat(8.0);
    assert_eq!(size.cols, (room.x / state.cell_size.x).floor() as u16);
    assert_eq!(size.rows, (room.y / state.cell_size.y).floor() as u16);
    assert!(state.widget.width() > 700.0 && state.widget.height() > 300.0);
    assert!(!state.focused);
}

/// Keys and text reach the shell only once the widget is clicked (and so focused): before,
/// nothing; after, the text, Enter as CR, Ctrl+C as 0x03 and an arrow as CSI.
#[test]
fn typing_reaches_the_shell_only_when_focused() {
    let mut harness = shell([640.0, 320.0], b"$ ");
    harness.event(Event::Text("ls".to_owned()));
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().input.is_empty(), "input before focus");
    assert!(!harness.state().focused);

    click_shell(&mut harness);
    assert!(harness.state().focused);
    harness.event(Event::Text("ls".to_owned()));
    harness.key_press(Key::Enter);
    harness.key_press_modifiers(Modifiers::CTRL, Key::C);
    harness.key_press(Key::ArrowUp);
    harness.key_press(Key::Tab);
    harness.run();
    assert_eq!(harness.state().input, b"ls\r\x03\x1b[A\t");
    // Tab stayed with the terminal.
    assert!(harness.state().focused);

    // A paste arrives as bytes, bracketed when the shell asks.
    harness.state_mut().input.clear();
    harness.state_mut().model.process(b"\x1b[?2004h\x1b[?1h");
    harness.event(Event::Paste("echo hi\n".to_owned()));
    harness.key_press(Key::ArrowUp);
    harness.run();
    assert_eq!(harness.state().input, b"\x1b[200~echo hi\r\x1b[201~\x1bOA");
}

/// Dragging from one cell to another selects the text between and copies it on release,
/// as a CopyText command in the platform output.
#[test]
fn drag_selection_copies_the_text() {
    let mut harness = shell([640.0, 320.0], b"hello world\r\nsecond line\r\n$ ");
    let from = cell_centre(&harness, 0, 6);
    let to = cell_centre(&harness, 1, 5);
    harness.hover_at(from);
    harness.drag_at(from);
    harness.run();
    harness.hover_at(to);
    harness.run();
    // The release on its own frame, so its output is the one checked.
    harness.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.step();
    let copied: Vec<&String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|command| match command {
            egui::OutputCommand::CopyText(text) => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(copied, ["world\nsecond"]);
    assert_eq!(harness.state().copied, ["world\nsecond"]);
    assert!(harness.state().model.selection().is_some());
    // Nothing went to the shell.
    assert!(harness.state().input.is_empty());
}

/// The wheel over the widget scrolls the scrollback back and forth.
#[test]
fn wheel_scrolls_the_scrollback() {
    let mut output = Vec::new();
    for n in 1..=300 {
        output.extend_from_slice(format!("{n}\r\n").as_bytes());
    }
    let mut harness = shell([640.0, 320.0], &output);
    let centre = cell_centre(&harness, 2, 2);
    let wheel = |lines: f32| Event::MouseWheel {
        unit: MouseWheelUnit::Line,
        delta: Vec2::new(0.0, lines),
        phase: egui::TouchPhase::Move,
        modifiers: Modifiers::NONE,
        source: egui::MouseWheelSource::Wheel,
    };
    harness.hover_at(centre);
    harness.event(wheel(5.0));
    harness.run();
    assert_eq!(harness.state().model.scroll_offset(), 5);
    let rows = harness.state().model.size().rows;
    // The bottom row shows the line five above the live screen's last.
    assert_eq!(
        harness.state().model.row_text(rows - 1),
        (300 - 4).to_string()
    );
    harness.event(wheel(-2.0));
    harness.run();
    assert_eq!(harness.state().model.scroll_offset(), 3);
}

/// A bigger window gives more rows and columns, reported once as the new size.
#[test]
fn resizing_the_window_reports_the_new_size() {
    let mut harness = shell([640.0, 320.0], b"$ ");
    let first = harness.state().model.size();
    assert_eq!(harness.state().resizes, [first]);
    harness.set_size(Vec2::new(1000.0, 600.0));
    harness.run();
    let second = harness.state().model.size();
    assert!(second.rows > first.rows && second.cols > first.cols);
    assert_eq!(harness.state().resizes, [first, second]);
}

/// Once the shell has ended the widget says so (with the exit code), and typing sends
/// nothing.
#[test]
fn an_ended_shell_says_so_and_takes_no_input() {
    let mut harness = shell([640.0, 320.0], b"$ exit 3\r\n");
    harness
        .state_mut()
        .model
        .set_ended(ShellEnd { exit_code: Some(3) });
    harness.run();
    let line = ended_text(ShellEnd { exit_code: Some(3) });
    assert_eq!(line, "Shell ended (exit 3)");
    let _ = harness.get_by_label(&line);
    click_shell(&mut harness);
    harness.event(Event::Text("ls".to_owned()));
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().input.is_empty());
}
