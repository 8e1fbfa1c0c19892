//! How the queue panes share the height of the queue area: each pane asks for the room its
//! rows need; when all fit, each gets it; when they don't, every pane keeps a few rows and
//! the rest goes to the panes that ask for more, in proportion to what they ask.

/// The rows a pane keeps when space is short (or fewer, if it has fewer).
pub const MIN_ROWS: f32 = 3.0;

/// Heights (in rows) for panes wanting `wanted` rows each, sharing `available` rows.
pub fn share_rows(wanted: &[f32], available: f32) -> Vec<f32> {
    let total: f32 = wanted.iter().sum();
    if total <= available {
        return wanted.to_vec();
    }
    let floors: Vec<f32> = wanted.iter().map(|w| w.min(MIN_ROWS)).collect();
    let floor_total: f32 = floors.iter().sum();
    let spare = (available - floor_total).max(0.0);
    let extra_total = total - floor_total;
    wanted
        .iter()
        .zip(&floors)
        .map(|(w, f)| {
            let extra = w - f;
            let share = if extra_total > 0.0 {
                spare * extra / extra_total
            } else {
                0.0
            };
            (f + share).floor().max(*f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Panes that all fit get exactly their rows; an empty pane gets none.
    #[test]
    fn all_fit() {
        assert_eq!(share_rows(&[0.0, 2.0, 5.0], 30.0), vec![0.0, 2.0, 5.0]);
    }

    /// A pane with 60 waiting gets most of the room; a small one keeps its rows.
    #[test]
    fn the_busy_pane_gets_the_room() {
        let rows = share_rows(&[0.0, 2.0, 60.0, 1.0], 30.0);
        assert_eq!(rows[0], 0.0);
        assert_eq!(rows[1], 2.0);
        assert_eq!(rows[3], 1.0);
        assert!(rows[2] >= 26.0, "{rows:?}");
        assert!(rows.iter().sum::<f32>() <= 30.0, "{rows:?}");
    }

    /// Two busy panes share in proportion, each keeping at least a few rows.
    #[test]
    fn busy_panes_share_in_proportion() {
        let rows = share_rows(&[10.0, 50.0], 20.0);
        assert!(rows[0] >= MIN_ROWS && rows[1] > rows[0], "{rows:?}");
        assert!(rows.iter().sum::<f32>() <= 20.0, "{rows:?}");
    }

    /// With no room at all, panes keep their floor (the area then scrolls).
    #[test]
    fn no_room_keeps_the_floor() {
        assert_eq!(share_rows(&[10.0, 1.0], 0.0), vec![MIN_ROWS, 1.0]);
    }
}
