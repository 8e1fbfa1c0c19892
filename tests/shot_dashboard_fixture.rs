//! Not a check: the console half of `docs/screenshots/take_dashboard.sh`, which photographs
//! a team lead's Dashboard. It starts the real server (the demo configuration) and the real
//! console in a window of its own (eframe, on this main thread: `harness = false`), logged
//! in as Grace (who leads four teams). The real server cannot make an hour of series points
//! in the seconds a screenshot takes, so once Grace's snapshot is in, the fixture puts a
//! hand-made dashboard into the console's model (the model's sample data: four teams of
//! twelve reps, sixty sessions in progress, an hour of 10 s points per team, on Grace's real
//! team ids), keeps it there against the server's own deltas, and brings the Dashboard to the
//! front, then writes `$SHOT_DIR/ready`. Without `SHOT_DIR` it does nothing (it is run by
//! the script). `SHOT_SIZE` ("1920x1080") sizes the window; 1024x700 by default.

#![allow(clippy::unwrap_used)]

use switchboard::model::dashboard::{DashboardState, sample};
use switchboard::{AppOptions, SwitchboardApp};
use switchboard_protocol::supervision::Dashboard;
use switchboard_protocol::{Presence, RepInfo, TeamId};
use switchboard_testkit::ServerThread;

/// Grace's teams, in the order the sample's teams are mapped onto them.
const GRACE_TEAMS: [&str; 4] = ["billing", "tech", "sales", "leads"];
const REPS_PER_TEAM: usize = 12;
const SESSIONS: usize = 60;

fn grace_dashboard(now: u64) -> (Dashboard, Vec<RepInfo>) {
    let mut data = sample::dashboard(GRACE_TEAMS.len(), REPS_PER_TEAM, SESSIONS, now);
    let real = |team: &TeamId| -> TeamId {
        (0..GRACE_TEAMS.len())
            .find(|i| &sample::team_id(*i) == team)
            .map_or_else(|| team.clone(), |i| TeamId::new(GRACE_TEAMS[i]))
    };
    data.teams.iter_mut().for_each(|t| t.team = real(&t.team));
    data.series.iter_mut().for_each(|s| s.team = real(&s.team));
    for session in &mut data.sessions {
        session.team = session.team.as_ref().map(real);
    }
    // The leads' own team is small and quiet.
    if let Some(leads) = data.teams.iter_mut().find(|t| t.team.as_str() == "leads") {
        leads.waiting = 0;
        leads.oldest_waiting_since = None;
        leads.over_target = 0;
        leads.breached = 0;
        leads.predicted_wait_ms = None;
    }
    let reps = (0..GRACE_TEAMS.len())
        .flat_map(|i| {
            (0..REPS_PER_TEAM).map(move |j| RepInfo {
                rep: sample::rep_id(i, j),
                display_name: sample::rep_name(i, j),
                teams: vec![TeamId::new(GRACE_TEAMS[i])],
                presence: Presence::Available,
                extended_availability: false,
            })
        })
        .collect();
    (data, reps)
}

/// The console, with the hand-made dashboard kept in its model.
struct Shot {
    app: SwitchboardApp,
    data: Dashboard,
    reps: Vec<RepInfo>,
    shown: bool,
    /// Where to write `ready` once the Dashboard is drawn (the script waits for it).
    ready: std::path::PathBuf,
    frames_shown: u32,
}

impl eframe::App for Shot {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let model = &mut self.app.model;
        if model.ready
            && model
                .dashboard
                .as_ref()
                .is_some_and(|d| d.data != self.data)
        {
            model.dashboard = Some(DashboardState::new(self.data.clone(), u64::MAX / 2));
            for rep in &self.reps {
                model.reps.insert(rep.rep.clone(), rep.clone());
            }
            if !self.shown {
                self.shown = true;
                self.app.show_dashboard();
            }
        }
        self.app.ui(ui, frame);
        if self.shown {
            self.frames_shown += 1;
            if self.frames_shown == 5 {
                std::fs::write(&self.ready, "").unwrap();
            }
        }
    }
}

fn main() {
    let Ok(dir) = std::env::var("SHOT_DIR") else {
        println!("shot_dashboard_fixture: run by docs/screenshots/take_dashboard.sh");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    // The window's size from the start: resizing it under Xvfb left stale pixels.
    let size = std::env::var("SHOT_SIZE")
        .ok()
        .and_then(|s| {
            let (w, h) = s.split_once('x')?;
            Some([w.parse::<f32>().ok()?, h.parse::<f32>().ok()?])
        })
        .unwrap_or([1024.0, 700.0]);
    let server = ServerThread::start();
    let now = switchboard::pace::now_ms();
    let (data, reps) = grace_dashboard(now);
    // `SHOT_THEME=dark` for a look at the dark theme (the committed shots are light).
    let theme = std::env::var("SHOT_THEME").unwrap_or_else(|_| "light".to_owned());
    let prefs = dir.join("prefs.json");
    std::fs::write(
        &prefs,
        format!(
            r#"{{"version": 1, "theme": "{theme}", "alerts": {{"desktop_notifications": false}}}}"#
        ),
    )
    .unwrap();
    let options = AppOptions {
        server_url: Some(server.url()),
        prefs_path: Some(prefs),
        auto_login: Some(("grace".into(), "grace-demo".into())),
        notifications: switchboard::Notifications::Recording(switchboard::RecordingNotifier::new()),
        ..AppOptions::default()
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Switchboard")
            .with_inner_size(size),
        ..Default::default()
    };
    eframe::run_native(
        "Switchboard",
        native,
        Box::new(move |cc| {
            Ok(Box::new(Shot {
                app: SwitchboardApp::new(cc, options),
                data,
                reps,
                shown: false,
                ready: dir.join("ready"),
                frames_shown: 0,
            }))
        }),
    )
    .unwrap();
    drop(server);
}
